//! The demo opens on the working loop (issue #15): after the replay, some alerts are
//! issued by the demo analyst (and audited under that name), some acknowledged by the
//! demo responder with responses, some drafts wait; the Atom feed lists the issued
//! ones; and the server's clock (served at /api/demo-info) is the demo clock, on which
//! reports are received.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;
use vigil_server::ServerConfig;
use vigil_store::accounts::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_opens_with_issued_acknowledged_and_draft_alerts() {
    let db = sqlite().await;
    vigil_server::demo::seed(&db.store, false).await.expect("seed the demo data");
    let t = TestApp::with_config(&db.store, ServerConfig { demo: true, ..Default::default() }, true).await;
    let replay = vigil_server::demo::replay_recent(&t.state).await.expect("replay");
    let lp = vigil_server::demo::seed_working_loop(&t.state, replay.clock_start).await.expect("working loop");
    assert!(!lp.issued.is_empty() && lp.issued.len() <= vigil_server::demo::LOOP_ISSUE, "{lp:?}");
    assert!(!lp.acknowledged.is_empty(), "{lp:?}");
    assert_eq!(lp.responses, 2.min(lp.acknowledged.len()), "{lp:?}");
    assert!(lp.drafts_left >= 1, "drafts are left to triage: {lp:?}");

    let (s, list) = t.as_role(Role::Responder, Method::GET, "/api/alerts?status=draft,issued,acknowledged,responding", None).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let status_of = |id: i64| list.as_array().unwrap().iter().find(|a| a["id"] == id).map(|a| a["status"].clone());
    for id in &lp.issued {
        let st = status_of(*id).unwrap_or_else(|| panic!("alert {id} listed: {list}"));
        if lp.acknowledged.contains(id) {
            assert!(st == "acknowledged" || st == "responding", "{id}: {st}");
        } else {
            assert_eq!(st, "issued", "{id}");
        }
    }
    let drafts = list.as_array().unwrap().iter().filter(|a| a["status"] == "draft").count();
    assert_eq!(drafts, lp.drafts_left);

    // audited under the demo users' names
    let entities: Vec<String> = lp.issued.iter().map(|id| format!("alert/{id}")).collect();
    let audit = db.store.audit_for(&entities).await.unwrap();
    for id in &lp.issued {
        let e = format!("alert/{id}");
        let issued_by = audit.iter().filter(|a| a.entity == e && a.actor == "analyst").count();
        assert!(issued_by >= 1, "alert {id}: issued by the demo analyst in the audit log: {audit:#?}");
    }
    for id in &lp.acknowledged {
        let e = format!("alert/{id}");
        assert!(audit.iter().any(|a| a.entity == e && a.actor == "responder"), "alert {id} acknowledged by the demo responder");
    }
    let (_, detail) = t.as_role(Role::Responder, Method::GET, &format!("/api/alerts/{}", lp.acknowledged[0]), None).await;
    let responses = detail["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 1, "{detail}");
    assert!(responses[0]["completed_at"].is_string(), "the first patrol completed: {detail}");

    // the Atom feed lists every issued alert
    let atom = vigil_app::alerts::atom_feed(&t.state).await.unwrap();
    for id in &lp.issued {
        assert!(atom.contains(&format!("/cap/{id}.xml")), "alert {id} in the feed: {atom}");
    }

    // one clock: /api/demo-info serves the demo clock, the day after the data
    let (s, info, _) = t.call(Method::GET, "/api/demo-info", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let now = chrono::DateTime::parse_from_rfc3339(info["now"].as_str().unwrap()).unwrap();
    let wall = chrono::DateTime::parse_from_rfc3339(info["wall_clock"].as_str().unwrap()).unwrap();
    let since_start = now.with_timezone(&chrono::Utc) - replay.clock_start;
    assert!(since_start >= chrono::Duration::zero() && since_start < chrono::Duration::minutes(5), "{info}");
    assert!(wall > now, "the wall clock is later than the demo's: {info}");
    // a report is received on it, and a date after the demo's today is in the future
    let id = t.report(Role::Reporter, json!({"occurred_at": replay.clock_start.format("%Y-%m-%d").to_string()})).await;
    let (_, r) = t.as_role(Role::Analyst, Method::GET, &format!("/api/reports/{id}"), None).await;
    assert!(r["received_at"].as_str().unwrap().starts_with(&replay.clock_start.format("%Y-%m-%d").to_string()), "{r}");
    let later = (replay.clock_start + chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let (s, v) = t.as_role(Role::Reporter, Method::POST, "/api/reports", Some({
        let mut b = good_report();
        b["occurred_at"] = later.into();
        b
    })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("in the future"), "{v}");
}
