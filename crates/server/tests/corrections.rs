//! Correcting and retracting coded incidents (issue 15), on both backends: an
//! analyst corrects the coding with a reason and the history keeps both versions; a
//! moved point is placed again; inconsistent codings and missing reasons are refused
//! with the field; a retracted incident is kept and marked but no list, map, OGC
//! page or total counts it; only the triage roles may do either.

mod common;

use axum::http::{Method, StatusCode};
use common::{good_coding, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role::{self, *};

async fn verified(t: &TestApp, coding: Value) -> i64 {
    let rid = t.report(Reporter, json!({})).await;
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{rid}/verify"), Some(coding)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["incident_id"].as_i64().unwrap()
}

async fn incident(t: &TestApp, role: Role, id: i64) -> (StatusCode, Value) {
    t.as_role(role, Method::GET, &format!("/api/incidents/{id}"), None).await
}

async fn listed(t: &TestApp, role: Role, path: &str) -> Vec<i64> {
    let (s, v) = t.as_role(role, Method::GET, path, None).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v["features"].as_array().unwrap().iter().map(|f| f["properties"]["id"].as_i64().or(f["id"].as_i64()).unwrap()).collect()
}

both_backends!(an_analyst_corrects_the_coding_and_the_history_keeps_both_versions, |db| {
    common::load_mali_boundaries(&db.store).await;
    let t = TestApp::new(&db.store, false).await;
    let mut coding = good_coding();
    coding["deaths_civilians"] = 1.into();
    let id = verified(&t, coding).await;
    let (_, v) = incident(&t, Analyst, id).await;
    assert_eq!((v["incident"]["best"].as_i64(), v["incident"]["deaths_civilians"].as_i64()), (Some(2), Some(1)), "{v}");
    assert_eq!(v["incident"]["admin1"].as_str().map(|c| c.starts_with("ML05")), Some(true), "placed in Mopti: {v}");

    // more deaths were confirmed, and the point was wrong: it was near Gao
    let body = json!({"reason": "two more deaths confirmed by the hospital; location corrected",
                      "best": 4, "high": 5, "deaths_civilians": 3, "latitude": 16.27, "longitude": -0.04});
    let (s, r) = t.as_role(Analyst, Method::PATCH, &format!("/api/incidents/{id}"), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["before"]["best"].as_i64(), r["after"]["best"].as_i64()), (Some(2), Some(4)), "{r}");
    assert_eq!(r["before"]["high"].as_i64(), Some(4));
    let (_, v) = incident(&t, Analyst, id).await;
    let inc = &v["incident"];
    assert_eq!((inc["best"].as_i64(), inc["high"].as_i64(), inc["deaths_civilians"].as_i64()), (Some(4), Some(5), Some(3)));
    assert_eq!(inc["admin1"].as_str().map(|c| c.starts_with("ML07")), Some(true), "placed again in Gao: {inc}");
    assert_eq!(inc["gid"].as_i64(), vigil_geo::grid::gid(-0.04, 16.27), "the cell follows the point");
    // the history: the creation and the correction, with its reason and both versions
    let entries = v["history"].as_array().unwrap();
    let fix = entries.iter().find(|e| e["action"] == "correct").unwrap_or_else(|| panic!("no correction in {entries:#?}"));
    assert_eq!(fix["actor"], "analyst");
    assert_eq!((fix["before"]["best"].as_i64(), fix["after"]["best"].as_i64()), (Some(2), Some(4)), "{fix}");
    assert!(fix["after"]["reason"].as_str().unwrap().contains("hospital"));
    assert!(entries.iter().any(|e| e["action"] == "create"));
    // the totals follow the correction
    let (_, months) = t.as_role(Planner, Method::GET, "/api/stats/monthly", None).await;
    assert_eq!(months.as_array().unwrap().iter().map(|m| m["fatalities"].as_i64().unwrap()).sum::<i64>(), 4);

    // sending the same values again changes nothing and writes nothing
    let (s, r) = t.as_role(Analyst, Method::PATCH, &format!("/api/incidents/{id}"), Some(json!({"reason": "again", "best": 4}))).await;
    assert_eq!((s, r["changed"].as_bool()), (StatusCode::OK, Some(false)), "{r}");
    let (_, v) = incident(&t, Analyst, id).await;
    assert_eq!(v["history"].as_array().unwrap().iter().filter(|e| e["action"] == "correct").count(), 1);

    // refused, with the field, and nothing changed
    for (body, field) in [
        (json!({"best": 1}), "reason"),
        (json!({"reason": "x", "low": 9}), "low"),
        (json!({"reason": "x", "high": 1}), "high"),
        (json!({"reason": "x", "date_end": "2024-01-01"}), "date_end"),
        (json!({"reason": "x", "best": null}), "best"),
        (json!({"reason": "x", "sensitivity": "secret"}), "sensitivity"),
        (json!({"reason": "x", "source_id": "42"}), "source_id"),
        (json!({"reason": "x", "latitude": 14.0, "longitude": null}), "latitude"),
        (json!({"reason": "x"}), "body"),
    ] {
        let (s, e) = t.as_role(Analyst, Method::PATCH, &format!("/api/incidents/{id}"), Some(body.clone())).await;
        assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}: {e}");
    }
    let (_, v) = incident(&t, Analyst, id).await;
    assert_eq!((v["incident"]["best"].as_i64(), v["incident"]["low"].as_i64()), (Some(4), Some(1)));

    // only the triage roles correct; the rest are refused and nothing changes
    for role in [Reporter, Responder, Planner] {
        let (s, _) = t.as_role(role, Method::PATCH, &format!("/api/incidents/{id}"), Some(json!({"reason": "r", "best": 3}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = t.as_role(role, Method::POST, &format!("/api/incidents/{id}/retract"), Some(json!({"reason": "r"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    // admin is among the triage roles: allowed (a no-op change writes nothing)
    let (s, r) = t.as_role(Admin, Method::PATCH, &format!("/api/incidents/{id}"), Some(json!({"reason": "r", "best": 4}))).await;
    assert_eq!((s, r["changed"].as_bool()), (StatusCode::OK, Some(false)), "{r}");
    let (s, _, _) = t.call(Method::PATCH, &format!("/api/incidents/{id}"), None, Some(json!({"reason": "r", "best": 3}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, v) = incident(&t, Analyst, id).await;
    assert_eq!(v["incident"]["best"].as_i64(), Some(4));
});

both_backends!(a_retracted_incident_is_kept_marked_and_counted_nowhere, |db| {
    common::load_mali_boundaries(&db.store).await;
    let t = TestApp::new(&db.store, false).await;
    let keep = verified(&t, good_coding()).await;
    let gone = verified(&t, good_coding()).await;
    let both = {
        let mut v = vec![keep, gone];
        v.sort();
        v
    };
    assert_eq!(listed(&t, Planner, "/api/incidents").await.iter().filter(|i| both.contains(i)).count(), 2);

    let (s, e) = t.as_role(Analyst, Method::POST, &format!("/api/incidents/{gone}/retract"), Some(json!({"reason": " "}))).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{e}");
    let (s, r) = t
        .as_role(Analyst, Method::POST, &format!("/api/incidents/{gone}/retract"), Some(json!({"reason": "hoax: the market was not attacked"})))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");

    // nowhere listed or counted, for any role, on any path
    for role in [Analyst, Responder, HrOfficer, Planner, Admin] {
        assert_eq!(listed(&t, role, "/api/incidents").await, vec![keep], "{role} /api/incidents");
        assert_eq!(listed(&t, role, "/ogc/collections/incidents/items").await, vec![keep], "{role} OGC");
        let (_, months) = t.as_role(role, Method::GET, "/api/stats/monthly", None).await;
        assert_eq!(months.as_array().unwrap().iter().map(|m| m["incidents"].as_i64().unwrap()).sum::<i64>(), 1, "{role}");
        let (_, areas) = t.as_role(role, Method::GET, "/api/areas?level=1", None).await;
        let n: i64 = areas["features"].as_array().unwrap().iter().map(|a| a["properties"]["incidents"].as_i64().unwrap()).sum();
        assert_eq!(n, 1, "{role} area totals");
    }
    // kept, and marked, on its own page; its history says who retracted it and why
    let (s, v) = incident(&t, Planner, gone).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["incident"]["retraction"]["by"], "analyst", "{v}");
    assert!(v["incident"]["retraction"]["reason"].as_str().unwrap().contains("hoax"));
    let (_, v) = incident(&t, Analyst, gone).await;
    assert!(v["history"].as_array().unwrap().iter().any(|e| e["action"] == "retract" && e["after"]["reason"].as_str().is_some_and(|r| r.contains("hoax"))));
    // once only, and no correction after
    let (s, e) = t.as_role(Analyst, Method::POST, &format!("/api/incidents/{gone}/retract"), Some(json!({"reason": "again"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"].as_str().unwrap_or_default().contains("already retracted") || e.to_string().contains("already retracted"), "{e}");
    let (s, _) = t.as_role(Analyst, Method::PATCH, &format!("/api/incidents/{gone}"), Some(json!({"reason": "r", "best": 3}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // no report can be merged into it
    let rid = t.report(Reporter, json!({})).await;
    let (s, e) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{rid}/merge"), Some(json!({"incident_id": gone}))).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("incident_id")), "{e}");
    // an unknown incident is 404
    let (s, _) = t.as_role(Analyst, Method::POST, "/api/incidents/999999/retract", Some(json!({"reason": "r"}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

both_backends!(a_confidential_incident_cannot_be_corrected_by_who_cannot_see_it, |db| {
    common::load_mali_boundaries(&db.store).await;
    let t = TestApp::new(&db.store, false).await;
    let mut coding = good_coding();
    coding["sensitivity"] = "confidential".into();
    let id = verified(&t, coding).await;
    // the analyst does not see it: correcting it is "not found", as reading it is
    let (s, _) = t.as_role(Analyst, Method::PATCH, &format!("/api/incidents/{id}"), Some(json!({"reason": "r", "best": 3}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t.as_role(Analyst, Method::POST, &format!("/api/incidents/{id}/retract"), Some(json!({"reason": "r"}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // the HR officer, who sees it, may
    let (s, r) = t.as_role(HrOfficer, Method::PATCH, &format!("/api/incidents/{id}"), Some(json!({"reason": "r", "best": 3, "high": 4}))).await;
    assert_eq!(s, StatusCode::OK, "{r}");
});
