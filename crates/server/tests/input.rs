//! Input hardening at the API: Admiralty codes exactly as defined, idempotent report
//! intake (`client_id`), and where webhooks may point.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{good_report, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role::*;

fn with(extra: Value) -> Value {
    let mut body = good_report();
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

both_backends!(reliability_and_credibility_are_exactly_the_admiralty_codes, |db| {
    let t = TestApp::new(&db.store, false).await;
    // `ẚ` upper-cases to `Aʾ`, which once passed an "A"..="F" string range check
    for bad in ["ẚ", "Aʾ", "AB", "G", "Ａ", "", "1"] {
        let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"reliability": bad})))).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reliability")), "{bad:?}: {v}");
    }
    for bad in [json!("+3"), json!("03"), json!("٣"), json!(7), json!(0), json!("3.0"), json!(2.5)] {
        let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"credibility": bad})))).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("credibility")), "{bad}: {v}");
    }
    let (s, v) = t
        .as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"reliability": " e ", "credibility": " 4 "}))))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["reliability"].as_str(), v["credibility"].as_i64()), (Some("E"), Some(4)));
    assert_eq!(db.store.reports(&Default::default(), false).await.unwrap().len(), 1, "only the good one stored");
});

async fn report_count(t: &TestApp) -> usize {
    let (s, v) = t.as_role(Analyst, Method::GET, "/api/reports", None).await;
    assert_eq!(s, StatusCode::OK);
    v.as_array().unwrap().len()
}

both_backends!(a_retry_after_a_lost_answer_stores_one_report, |db| {
    let t = TestApp::new(&db.store, false).await;
    let id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
    let body = with(json!({"client_id": id}));
    let (s1, first) = t.as_role(Reporter, Method::POST, "/api/reports", Some(body.clone())).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    // the answer was lost; the client sends the same report again
    let (s2, again) = t.as_role(Reporter, Method::POST, "/api/reports", Some(body.clone())).await;
    assert_eq!(s2, StatusCode::CREATED, "{again}");
    assert_eq!(again, first, "the same answer");
    assert_eq!(report_count(&t).await, 1, "one report stored");
    let creates = db.store.audit_entries(None).await.unwrap().into_iter().filter(|e| e.action == "create" && e.entity.starts_with("report/")).count();
    assert_eq!(creates, 1, "one audit entry");
    // the same client_id with different content is a conflict that says so
    let (s, v) = t
        .as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"client_id": id, "description": "autre chose"}))))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v.to_string().contains("client_id was already used"), "{v}");
    assert_eq!(report_count(&t).await, 1);
    // another account's client ids are its own
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/reports", Some(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_ne!(v["id"], first["id"]);
    assert_eq!(report_count(&t).await, 2);
    // without client_id, each submission is a report
    t.report(Reporter, json!({})).await;
    t.report(Reporter, json!({})).await;
    assert_eq!(report_count(&t).await, 4);
    // a client_id that is not a UUID
    let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"client_id": "42"})))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_id")), "{v}");
});

both_backends!(two_racing_submissions_with_one_client_id_store_one_report, |db| {
    let t = TestApp::new(&db.store, false).await;
    let body = with(json!({"client_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}));
    let post = || t.as_role(Reporter, Method::POST, "/api/reports", Some(body.clone()));
    let (a, b, c, d) = tokio::join!(post(), post(), post(), post());
    let answers = [a, b, c, d];
    for (s, v) in &answers {
        assert_eq!(*s, StatusCode::CREATED, "{v}");
        assert_eq!(v["id"], answers[0].1["id"]);
    }
    assert_eq!(report_count(&t).await, 1);
});

both_backends!(a_multipart_retry_with_a_new_boundary_is_the_same_report, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut ids = vec![];
    for boundary in ["first-boundary", "second-boundary"] {
        let mut body = String::new();
        for (k, v) in [
            ("category", "abduction"),
            ("occurred_at", "2024-03-01"),
            ("description", "Deux enseignants enlevés"),
            ("reliability", "c"),
            ("credibility", "3"),
            ("client_id", "3d8b1f7e-2c44-4a8e-9b1a-6f0e2d5c7a91"),
        ] {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
        }
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--{boundary}--\r\n"));
        let req = Request::post("/api/reports")
            .header(header::AUTHORIZATION, format!("Bearer {}", t.token(Reporter)))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        let (s, v, _) = t.send(req).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(report_count(&t).await, 1);
});

both_backends!(webhook_urls_refuse_link_local_metadata_loopback_and_credentials, |db| {
    let t = TestApp::new(&db.store, false).await;
    for (url, why) in [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://169.254.10.1:8080/h", "link-local"),
        ("http://[fe80::1]/h", "link-local"),
        ("http://[::ffff:169.254.169.254]/h", "link-local"),
        ("http://[fd00:ec2::254]/h", "metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://0.0.0.0:9000/h", "unspecified"),
        ("http://[::]/h", "unspecified"),
        ("http://127.0.0.1:9000/h", "loopback"),
        ("http://[::1]:9000/h", "loopback"),
        ("http://localhost:9000/h", "loopback"),
        ("http://admin:s3cret@relay.mission.example/h", "password"),
        ("http://token@relay.mission.example/h", "password"),
    ] {
        let (s, v) = t.as_role(Admin, Method::POST, "/api/webhooks", Some(json!({"url": url}))).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("url")), "{url}: {v}");
        assert!(v.to_string().contains(why), "{url}: {v}");
        assert!(!v.to_string().contains("s3cret"), "{v}");
    }
    let (s, v) = t.as_role(Admin, Method::POST, "/api/webhooks", Some(json!({"url": "http://10.20.0.5:8080/alerts"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // one stored before credentials were refused is listed without them
    db.store.add_webhook("admin", "http://admin:s3cret@10.20.0.6/h", "json").await.unwrap();
    let (_, v) = t.as_role(Admin, Method::GET, "/api/webhooks", None).await;
    assert!(!v.to_string().contains("s3cret"), "{v}");
    assert!(v.to_string().contains("http://***@10.20.0.6/h"), "{v}");
});

both_backends!(loopback_webhooks_only_where_configured, |db| {
    let mut config = vigil_server::ServerConfig::default();
    config.alerting.webhooks.allow_loopback = true;
    let t = TestApp::with_config(&db.store, config, true).await;
    let (s, v) = t.as_role(Admin, Method::POST, "/api/webhooks", Some(json!({"url": "http://127.0.0.1:9000/h"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // link-local stays refused
    let (s, _) = t.as_role(Admin, Method::POST, "/api/webhooks", Some(json!({"url": "http://169.254.169.254/"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
});

/// The delivery client resolves names itself and refuses any that resolve to a
/// refused address (a name re-pointed after it was checked: DNS rebinding).
#[tokio::test]
async fn the_delivery_resolver_checks_every_resolved_address() {
    use std::str::FromStr;
    use tower::ServiceExt;
    use vigil_server::webhooks::CheckedResolver;
    type Name = hyper_util::client::legacy::connect::dns::Name;
    let err = CheckedResolver { allow_loopback: false }.oneshot(Name::from_str("localhost").unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("localhost resolves to") && err.to_string().contains("loopback"), "{err}");
    let ok: Vec<_> = CheckedResolver { allow_loopback: true }.oneshot(Name::from_str("localhost").unwrap()).await.unwrap().collect();
    assert!(ok.iter().all(|a| a.ip().is_loopback()) && !ok.is_empty(), "{ok:?}");
}

both_backends!(errors_carry_a_code_and_its_values_for_the_ui_to_word, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (s, v) =
        t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"description": "x".repeat(20_001)})))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!((v["field"].as_str(), v["code"].as_str()), (Some("description"), Some("too_long")), "{v}");
    assert!(v["params"]["max"].as_u64().is_some_and(|m| m < 20_001), "the limit is given: {v}");
    let (s, v) =
        t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"occurred_at": "2999-01-01T00:00:00Z"})))).await;
    assert_eq!((s, v["code"].as_str(), v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("in_future"), Some("occurred_at")), "{v}");
    let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(with(json!({"no_such": 1})))).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_field")), "{v}");
    // a status without a finer code says its kind
    let (s, v) = t.as_role(Reporter, Method::GET, "/api/audit", None).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{v}");
    assert_eq!(db.store.reports(&Default::default(), false).await.unwrap().len(), 0, "nothing stored");
});
