//! The leaks of issue 13 and the confidential records of issue 16, through every
//! path a user (or an outsider) reads: the JSON API the UI is served, the OGC API,
//! CAP / Atom, webhook payloads. (The `vigil incidents` exports are in
//! crates/cli/tests/sensitivity.rs.) On SQLite, and PostgreSQL when configured.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{good_coding, good_report, TestApp};
use serde_json::{json, Value};
use vigil_app::AlertingConfig;
use vigil_server::ServerConfig;
use vigil_store::accounts::Role::{self, *};
use vigil_warn::cap::{CapConfig, Scope};

const VICTIM: &str = "Aminata Traoré, 34, blessée";
const TYPED_PLACE: &str = "chez Oumar derrière la mosquée de Sévaré";
const DESCRIPTION: &str = "Hommes armés à moto ont attaqué le marché, le fils de Oumar a vu les tireurs";
const FILE_NAME: &str = "photo_famille_traore.jpg";

/// A report sent as a multipart form with an attachment, as the UI sends it.
async fn multipart_report(t: &TestApp, role: Role, extra: &[(&str, &str)]) -> i64 {
    let b = "XbOuNdArYx";
    let mut fields: Vec<(String, String)> = good_report()
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
        .collect();
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k.to_string(), v.to_string()));
    }
    let mut body = String::new();
    for (k, v) in &fields {
        body.push_str(&format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{FILE_NAME}\"\r\nContent-Type: image/jpeg\r\n\r\nJPEGBYTES\r\n--{b}--\r\n"
    ));
    let req = Request::post("/api/reports")
        .header(header::AUTHORIZATION, format!("Bearer {}", t.token(role)))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .unwrap();
    let (s, v, _) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn verify(t: &TestApp, report: i64, coding: Value) -> i64 {
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{report}/verify"), Some(coding)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["incident_id"].as_i64().unwrap()
}

fn coding_with(sensitivity: &str) -> Value {
    let mut c = good_coding();
    c["sensitivity"] = sensitivity.into();
    c
}

async fn audit_text(db: &common::TestDb) -> String {
    let rows: Vec<(String, String, String, Option<String>, Option<String>)> = vigil_store::on_pool!(db.store, p => {
        sqlx::query_as("SELECT actor, action, entity, before_json, after_json FROM audit_log ORDER BY seq")
            .fetch_all(p)
            .await
            .unwrap()
    });
    format!("{rows:?}")
}

// Leak 1 and 2: the incident view gives responders and planners nothing of the
// linked reports and no digest of restricted detail; roles that read reports see
// the reports, restricted detail stays with hr_officer.
both_backends!(incident_view_keeps_reports_and_digests_from_roles_that_may_not_read_them, |db| {
    let t = TestApp::new(&db.store, false).await;
    let rid = multipart_report(
        &t,
        Reporter,
        &[("place_name", TYPED_PLACE), ("description", DESCRIPTION), ("victims", VICTIM)],
    )
    .await;
    let incident = verify(&t, rid, coding_with("public")).await;
    let path = format!("/api/incidents/{incident}");
    // the digest the old code stored: SHA-256 of the restricted JSON
    let old_digest = {
        use sha2::Digest;
        let detail = vigil_store::reports::RestrictedDetail { victims: Some(VICTIM.into()), ..Default::default() };
        let json = serde_json::to_string(&detail).unwrap();
        hex::encode(sha2::Sha256::digest(json.as_bytes()))
    };
    let report_bits = [DESCRIPTION, TYPED_PLACE, FILE_NAME, "\"reporter\""];
    for role in [Responder, Planner] {
        let (s, v) = t.as_role(role, Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::OK, "{role}: {v}");
        let text = v.to_string();
        for bit in report_bits {
            assert!(!text.contains(bit), "{role} sees `{bit}` of the report: {v:#}");
        }
        assert!(v["reports"].as_array().unwrap().is_empty(), "{role}: {v:#}");
        let history = v["history"].as_array().unwrap();
        assert!(!history.is_empty(), "the incident's own history is shown");
        assert!(history.iter().all(|e| e["entity"] == format!("incident/{incident}")), "{role}: {v:#}");
        assert!(!text.contains("sha256") && !text.contains(&old_digest), "{role} gets a digest: {v:#}");
        assert!(!text.contains(VICTIM));
    }
    // analysts read reports (as GET /api/reports/{id} lets them), not the restricted detail
    let (_, v) = t.as_role(Analyst, Method::GET, &path, None).await;
    let text = v.to_string();
    assert!(text.contains(DESCRIPTION) && text.contains(FILE_NAME), "{v:#}");
    assert!(!text.contains(VICTIM) && !text.contains(&old_digest) && !text.contains("restricted_sha256"), "{v:#}");
    assert!(v["history"].as_array().unwrap().iter().any(|e| e["entity"] == format!("report/{rid}")));
    // hr_officer sees the detail, and that read is in the audit log
    let (_, v) = t.as_role(HrOfficer, Method::GET, &path, None).await;
    assert_eq!(v["incident"]["restricted"]["victims"], VICTIM, "{v:#}");
    assert_eq!(v["reports"][0]["restricted"]["victims"], VICTIM, "{v:#}");
    // no unkeyed digest of restricted detail is stored at all
    let audit = audit_text(&db).await;
    assert!(!audit.contains(&old_digest) && !audit.contains("restricted_sha256"), "{audit}");
    assert!(audit.contains(&format!("(\"hr_officer\", \"read_restricted\", \"incident/{incident}\"")), "{audit}");
    assert!(audit.contains(&format!("(\"hr_officer\", \"read_restricted\", \"report/{rid}\"")), "{audit}");
});

/// Three reports near Sévaré on consecutive days, verified with `sensitivity`: the
/// third would complete the civilians-cluster alert (issued at once, so CAP, Atom
/// and webhooks).
async fn cluster(t: &TestApp, sensitivity: &str, extra: Value) -> Vec<i64> {
    let mut ids = vec![];
    for (i, (lat, lon)) in [(14.53, -4.10), (14.60, -4.05), (14.48, -4.15)].into_iter().enumerate() {
        let mut body = json!({"reliability": "C", "credibility": 3, "latitude": lat, "longitude": lon,
                              "occurred_at": format!("2024-03-0{}", i + 2)});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let rid = t.report(Reporter, body).await;
        ids.push(verify(t, rid, coding_with(sensitivity)).await);
    }
    ids
}

async fn feature_ids(t: &TestApp, role: Role, path: &str) -> Vec<i64> {
    let (s, v) = t.as_role(role, Method::GET, path, None).await;
    assert_eq!(s, StatusCode::OK, "{role} {path}: {v}");
    let mut ids: Vec<i64> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].as_i64().or(f["id"].as_i64()).unwrap())
        .collect();
    ids.sort();
    ids
}

/// The test's webhook receiver is on loopback, which a server accepts only when configured.
fn loopback_webhooks(mut config: ServerConfig) -> ServerConfig {
    config.alerting.webhooks.allow_loopback = true;
    config
}

async fn subscribe_webhook(t: &TestApp) {
    let (s, v) = t
        .as_role(Admin, Method::POST, "/api/webhooks", Some(json!({"url": "http://127.0.0.1:9/hook", "format": "json"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn outbox_payloads(db: &common::TestDb) -> Vec<String> {
    vigil_store::on_pool!(db.store, p => {
        sqlx::query_scalar("SELECT payload FROM webhook_outbox ORDER BY id").fetch_all(p).await.unwrap()
    })
}

async fn text(t: &TestApp, path: &str, bearer: Option<&str>) -> (StatusCode, String) {
    let (s, v, _) = t.call(Method::GET, path, bearer, None).await;
    (s, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
}

// Leak 3 (and issue 16): restricted and confidential incidents are held back, per
// the table in vigil_store::access, from the API list, the single view, the totals
// (monthly, by area, a forecast area's observed deaths), the OGC API, and from alerts: no CAP message, no Atom entry, no webhook payload.
both_backends!(sensitive_incidents_are_held_back_on_every_path, |db| {
    common::load_mali_boundaries(&db.store).await;
    let t = TestApp::with_config(&db.store, loopback_webhooks(ServerConfig::default()), true).await;
    subscribe_webhook(&t).await;
    let confidential = cluster(&t, "confidential", json!({})).await;
    let restricted = cluster(&t, "restricted", json!({})).await;
    // nothing published from them: no alert of the cluster rule, no outbox row, empty feed
    let (_, alerts) = t.as_role(Analyst, Method::GET, "/api/alerts", None).await;
    assert!(alerts.as_array().unwrap().iter().all(|a| a["rule_id"] != "civilians-cluster"), "{alerts:#}");
    assert!(outbox_payloads(&db).await.is_empty());
    let (s, atom) = text(&t, "/cap/alerts.atom", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!atom.contains("<entry>"), "{atom}");
    // the same cluster, public, is published (the check above can fail)
    let public = cluster(&t, "public", json!({})).await;
    let (_, alerts) = t.as_role(Analyst, Method::GET, "/api/alerts", None).await;
    let issued: Vec<&Value> = alerts.as_array().unwrap().iter().filter(|a| a["rule_id"] == "civilians-cluster").collect();
    assert_eq!(issued.len(), 1, "{alerts:#}");
    let (_, detail) = t.as_role(Analyst, Method::GET, &format!("/api/alerts/{}", issued[0]["id"]), None).await;
    let mut triggered: Vec<i64> =
        detail["triggers"].as_array().unwrap().iter().map(|x| x["target_id"].as_i64().unwrap()).collect();
    triggered.sort();
    assert_eq!(triggered, public, "only public incidents count towards an alert");
    assert!(!outbox_payloads(&db).await.is_empty());
    let (_, atom) = text(&t, "/cap/alerts.atom", None).await;
    assert!(atom.contains("<entry>"), "{atom}");

    // a stored forecast run with one cell in Mopti: its area page shows the deaths the
    // incidents record in the twelve months before the origin (2024-03 is one of them)
    let mopti_cell = vigil_geo::grid::gid(-4.10, 14.53).unwrap();
    let run = vigil_store::forecasts::NewForecastRun {
        created_at: "2026-12-06T12:00:00Z".into(),
        origin: "2024-03".into(),
        model: "ensemble".into(),
        target: "all".into(),
        level: "pgm".into(),
        horizons: vec![1],
        synthetic: true,
        settings: json!({}),
        skill: json!([]),
    };
    let cell = vigil_store::forecasts::ForecastCell {
        unit: mopti_cell.to_string(),
        horizon: 1,
        month: "2024-04".into(),
        model_used: "ensemble".into(),
        fallback_reason: None,
        p_any: 0.5,
        mean: 1.0,
        quantiles: [0.0, 0.0, 1.0, 2.0, 3.0],
    };
    let run_id = db.store.save_forecast("test", &run, &[cell]).await.unwrap();
    let mopti_code = db.store.areas(1).await.unwrap().into_iter().find(|a| a.name == "Mopti").unwrap().code;

    let all: Vec<i64> = [public.clone(), restricted.clone(), confidential.clone()].concat();
    for role in [Analyst, Responder, HrOfficer, Planner, Admin] {
        let mut want: Vec<i64> = match role {
            HrOfficer => all.clone(),
            Analyst | Admin => [public.clone(), restricted.clone()].concat(),
            _ => public.clone(),
        };
        want.sort();
        assert_eq!(feature_ids(&t, role, "/api/incidents").await, want, "{role} /api/incidents");
        assert_eq!(feature_ids(&t, role, "/ogc/collections/incidents/items").await, want, "{role} OGC items");
        let (_, page) = t.as_role(role, Method::GET, "/ogc/collections/incidents/items", None).await;
        assert_eq!(page["numberMatched"], want.len(), "{role}");
        let (_, months) = t.as_role(role, Method::GET, "/api/stats/monthly", None).await;
        let counted: i64 = months.as_array().unwrap().iter().map(|m| m["incidents"].as_i64().unwrap()).sum();
        assert_eq!(counted, want.len() as i64, "{role} monthly totals: {months}");
        let (_, areas) = t.as_role(role, Method::GET, "/api/areas?level=2", None).await;
        let counted: i64 = areas["features"].as_array().unwrap().iter().map(|a| a["properties"]["incidents"].as_i64().unwrap()).sum();
        assert_eq!(counted, want.len() as i64, "{role} area totals");
        // the forecast's area page counts the deaths of the incidents the role sees (2 each)
        let (s, area) = t.as_role(role, Method::GET, &format!("/api/forecasts/{run_id}/areas/{mopti_code}"), None).await;
        assert_eq!(s, StatusCode::OK, "{role} forecast area: {area}");
        let march = area["history"].as_array().unwrap().iter().find(|m| m["month"] == "2024-03").cloned().unwrap();
        assert_eq!(march["observed"].as_i64(), Some(2 * want.len() as i64), "{role} forecast area deaths: {area}");
        for id in &all {
            let visible = want.contains(id);
            let (s, v) = t.as_role(role, Method::GET, &format!("/api/incidents/{id}"), None).await;
            assert_eq!(s == StatusCode::OK, visible, "{role} /api/incidents/{id}: {v}");
            if !visible {
                assert_eq!(s, StatusCode::NOT_FOUND, "held back looks like missing");
            }
            let (s, _) = t.as_role(role, Method::GET, &format!("/ogc/collections/incidents/items/{id}"), None).await;
            assert_eq!(s == StatusCode::OK, visible, "{role} OGC item {id}");
        }
    }
});

// Leak 4: a reporter's free text never becomes the incident's place nor reaches the
// public feed; the place comes from the gazetteer or the admin area. With CAP scope
// Restricted the CAP documents and the feed need a token.
both_backends!(public_outputs_carry_coded_fields_and_a_restricted_feed_needs_a_token, |db| {
    common::load_mali_boundaries(&db.store).await;
    let mut cap = CapConfig::exercise("http://127.0.0.1:8080");
    cap.scope = Scope::Restricted;
    cap.restriction = Some("MINUSMA staff".into());
    let config = ServerConfig { alerting: AlertingConfig { cap: Some(cap), ..Default::default() }, ..Default::default() };
    let t = TestApp::with_config(&db.store, loopback_webhooks(config), true).await;
    subscribe_webhook(&t).await;
    let ids = cluster(&t, "public", json!({"place_name": TYPED_PLACE, "description": DESCRIPTION})).await;
    let (_, v) = t.as_role(Planner, Method::GET, &format!("/api/incidents/{}", ids[2]), None).await;
    assert_eq!(v["incident"]["place"], "Mopti", "the admin area's name, not the typed text: {v:#}");
    // a town picked from the gazetteer is the place
    let mut body = good_report();
    let o = body.as_object_mut().unwrap();
    o.remove("latitude");
    o.remove("longitude");
    o.insert("town_id".into(), 2453348.into());
    o.insert("place_name".into(), TYPED_PLACE.into());
    let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rid = v["id"].as_i64().unwrap();
    let picked = verify(&t, rid, coding_with("public")).await;
    let (_, v) = t.as_role(Planner, Method::GET, &format!("/api/incidents/{picked}"), None).await;
    assert!(!v.to_string().contains(TYPED_PLACE), "{v:#}");
    assert!(v["incident"]["place"].as_str().is_some_and(|p| !p.is_empty()), "{v:#}");

    let (_, alerts) = t.as_role(Analyst, Method::GET, "/api/alerts", None).await;
    let id = alerts.as_array().unwrap().iter().find(|a| a["rule_id"] == "civilians-cluster").expect("issued")["id"].clone();
    for path in [format!("/cap/{id}.xml"), "/cap/alerts.atom".to_string()] {
        let (s, body) = text(&t, &path, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path} without a token: {body}");
        let (s, body) = text(&t, &path, Some(t.token(Responder))).await;
        assert_eq!(s, StatusCode::OK, "{path} with a token: {body}");
        assert!(body.contains("Mopti"), "{path}: {body}");
        for bit in [TYPED_PLACE, "Oumar", DESCRIPTION] {
            assert!(!body.contains(bit), "{path} carries `{bit}`: {body}");
        }
    }
    let payloads = outbox_payloads(&db).await;
    assert!(!payloads.is_empty());
    for p in payloads {
        assert!(!p.contains(TYPED_PLACE) && !p.contains("Oumar") && !p.contains(DESCRIPTION), "webhook payload: {p}");
    }
});

// Leak 5: admin no longer reads victims' and witnesses' detail by default; an
// explicit grant (audited) gives it, a revoke takes it back; each read is audited.
both_backends!(admin_reads_restricted_detail_only_by_an_audited_grant, |db| {
    let t = TestApp::new(&db.store, false).await;
    let rid = t.report(Reporter, json!({"restricted": {"victims": VICTIM}})).await;
    // restricted: admin sees the coded incident and the report, not the detail
    let incident = verify(&t, rid, coding_with("restricted")).await;
    let check = |expect: bool| {
        let t = &t;
        async move {
            let (s, v) = t.as_role(Admin, Method::GET, &format!("/api/reports/{rid}"), None).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(v.to_string().contains(VICTIM), expect, "report: {v:#}");
            let (s, v) = t.as_role(Admin, Method::GET, &format!("/api/incidents/{incident}"), None).await;
            assert_eq!(s, StatusCode::OK, "a restricted incident: {v:#}");
            assert_eq!(v.to_string().contains(VICTIM), expect, "incident: {v:#}");
            let (s, _, _) = t.call(Method::GET, &format!("/api/reports/{rid}/raw"), Some(t.token(Admin)), None).await;
            assert_eq!(s == StatusCode::OK, expect, "raw body");
            let (_, me) = t.as_role(Admin, Method::GET, "/api/me", None).await;
            assert_eq!(me["sees_restricted"], expect);
        }
    };
    check(false).await;
    assert!(db.store.change_account("cli:test", "admin", vigil_store::account_admin::AccountChange::GrantRestricted).await.unwrap().is_some());
    check(true).await;
    assert!(db.store.change_account("cli:test", "admin", vigil_store::account_admin::AccountChange::RevokeRestricted).await.unwrap().is_some());
    check(false).await;
    let audit = audit_text(&db).await;
    for action in ["grant_restricted", "revoke_restricted"] {
        assert!(audit.contains(&format!("(\"cli:test\", \"{action}\", \"user/")), "{audit}");
    }
    for entity in [format!("report/{rid}"), format!("incident/{incident}")] {
        assert!(audit.contains(&format!("(\"admin\", \"read_restricted\", \"{entity}\"")), "{audit}");
    }
    // hr_officer by role
    let (_, v) = t.as_role(HrOfficer, Method::GET, &format!("/api/incidents/{incident}"), None).await;
    assert_eq!(v["incident"]["restricted"]["victims"], VICTIM);
});

// Leak 6: no existence oracle: the same answer for someone else's record and a
// missing one.
both_backends!(a_record_not_yours_looks_like_a_missing_one, |db| {
    let t = TestApp::new(&db.store, false).await;
    let other = t.report(Analyst, json!({})).await;
    let missing = other + 1000;
    let answer = |id: i64| {
        let t = &t;
        async move {
            let (s, v) = t.as_role(Reporter, Method::GET, &format!("/api/reports/{id}"), None).await;
            (s, v["error"].as_str().or(v["message"].as_str()).unwrap_or("").replace(&id.to_string(), "N"))
        }
    };
    let (a, b) = (answer(other).await, answer(missing).await);
    assert_eq!(a.0, StatusCode::NOT_FOUND);
    assert_eq!(a, b);
    // raw bodies and incidents: refused by role whether or not the record exists
    for path in ["/api/reports/{}/raw", "/api/incidents/{}", "/api/alerts/{}"] {
        let (s1, _) = t.as_role(Reporter, Method::GET, &path.replace("{}", &other.to_string()), None).await;
        let (s2, _) = t.as_role(Reporter, Method::GET, &path.replace("{}", &missing.to_string()), None).await;
        assert_eq!(s1, s2, "{path}");
    }
    // a held-back incident looks missing to a planner
    let rid = t.report(Reporter, json!({})).await;
    let held = verify(&t, rid, coding_with("confidential")).await;
    let (s1, _) = t.as_role(Planner, Method::GET, &format!("/api/incidents/{held}"), None).await;
    let (s2, _) = t.as_role(Planner, Method::GET, &format!("/api/incidents/{}", held + 1000), None).await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
});

// Attachments (issue 15): downloaded one by one by whoever may read the report, as a
// download that a browser will not render as a page, and each download audited;
// roles that do not read reports, and other reporters, find nothing.
both_backends!(attachments_download_to_report_readers_only_and_are_audited, |db| {
    let t = TestApp::new(&db.store, false).await;
    let rid = multipart_report(&t, Reporter, &[("victims", VICTIM)]).await;
    let (_, r) = t.as_role(Analyst, Method::GET, &format!("/api/reports/{rid}"), None).await;
    let a = &r["attachments"][0];
    assert_eq!(a["filename"], FILE_NAME, "{r}");
    let path = format!("/api/reports/{rid}/attachments/{}", a["id"].as_i64().unwrap());
    for role in [Analyst, HrOfficer, Admin, Reporter] {
        let (s, body, headers) = t.call(Method::GET, &path, Some(t.token(role)), None).await;
        assert_eq!(s, StatusCode::OK, "{role}");
        assert_eq!(body.as_str(), Some("JPEGBYTES"), "{role}");
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(headers[header::CONTENT_DISPOSITION], format!("attachment; filename=\"{FILE_NAME}\"").as_str());
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    for role in [Responder, Planner] {
        let (s, _, _) = t.call(Method::GET, &path, Some(t.token(role)), None).await;
        assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{role}: {s}");
    }
    let (s, _, _) = t.call(Method::GET, &path, None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // another reporter's report: the same answer as a missing one
    let theirs = t.report(Analyst, json!({})).await;
    let (s1, _) = t.as_role(Reporter, Method::GET, &format!("/api/reports/{theirs}/attachments/1"), None).await;
    let (s2, _) = t.as_role(Reporter, Method::GET, &format!("/api/reports/{rid}/attachments/999999"), None).await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    // every download is in the audit log, with who read it
    let (_, log) = t.as_role(Admin, Method::GET, "/api/audit?limit=1000", None).await;
    let reads: Vec<&Value> = log.as_array().unwrap().iter().filter(|e| e["action"] == "read_attachment").collect();
    assert_eq!(reads.len(), 4, "{log:#}");
    assert!(reads.iter().any(|e| e["actor"] == "hr_officer"));
    // a download reads the file, not the report's restricted detail: no such read is logged
    assert!(!log.as_array().unwrap().iter().any(|e| e["action"] == "read_restricted"), "{log:#}");
});
