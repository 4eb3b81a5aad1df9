//! The human-rights API (issue #16) on both backends: every role against every
//! endpoint, allowed and denied; an HR officer records a case with two victims from
//! a report, reads it (audited), opens an investigation; analysts and planners get
//! suppressed aggregates with no name in them; an HRDDP approval is refused without
//! an assessment; a new case against an approved unit raises a follow-up and marks
//! the assessment for review.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use vigil_store::accounts::Role;

const V1: &str = "Synthetic Victim Alpha";
const V2: &str = "Synthetic Victim Beta";

fn case_body(report: Option<i64>, unit: &str, date: &str) -> Value {
    json!({
        "title": "SYNTHETIC killing of two civilians", "date": date, "place": "Synthetic town",
        "latitude": 14.49, "longitude": -4.19,
        "perpetrator": "national_forces", "unit": unit,
        "acts": [{"act_type": "killing", "victims": {"man": 1, "woman": 1}}],
        "status": "alleged",
        "reports": report.map(|r| vec![r]).unwrap_or_default(),
        "restricted": [
            {"kind": "victim", "data": {"name": V1, "group": "man", "consent": true}},
            {"kind": "victim", "data": {"name": V2, "group": "woman", "consent": false, "protection_concerns": "threatened"}}
        ]
    })
}

fn roles_except(allowed: &[Role]) -> Vec<Role> {
    Role::ALL.into_iter().filter(|r| !allowed.contains(r)).collect()
}

both_backends!(every_role_against_every_rights_endpoint, |db| {
    common::load_mali_boundaries(&db.store).await;
    let store = db.store.clone().attach_rights_key(vigil_store::rights_key::RightsKey::generate()).await.unwrap();
    let t = TestApp::new(&store, false).await;
    let report = t.report(Role::Reporter, json!({})).await;

    // the HR officer records a case with two victims from a report
    let (s, v) = t
        .as_role(
            Role::HrOfficer,
            Method::POST,
            "/api/cases",
            Some(case_body(Some(report), "Synthetic Battalion 9", "2022-08-10")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, d) = t.as_role(Role::HrOfficer, Method::GET, &format!("/api/cases/{id}"), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["restricted"].as_array().unwrap().len(), 2);
    assert_eq!(d["restricted"][1]["data"]["name"], V2);
    assert_eq!(d["case"]["links"], json!([["report", report]]));
    assert_eq!(d["case"]["admin1"], "ML05", "placed in Mopti (ML05) like an incident");
    let reads: Vec<_> = store
        .audit_for(&[format!("case/{id}")])
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "read_restricted")
        .map(|e| e.actor)
        .collect();
    assert_eq!(reads, ["hr_officer"], "the read is audited");

    // a bad code is refused naming the field
    let mut bad = case_body(None, "x", "2022-08-10");
    bad["acts"][0]["act_type"] = json!("massacre");
    let (s, v) = t.as_role(Role::HrOfficer, Method::POST, "/api/cases", Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "acts.act_type");

    // verification steps, then an investigation grouping the case
    for st in ["under_verification", "verified"] {
        let (s, v) = t
            .as_role(Role::HrOfficer, Method::POST, &format!("/api/cases/{id}/status"), Some(json!({"status": st})))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = t
        .as_role(Role::HrOfficer, Method::POST, &format!("/api/cases/{id}/status"), Some(json!({"status": "alleged"})))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "verified cannot go back to alleged: {v}");
    let inv = json!({"title": "SYNTHETIC special investigation", "team": ["hr_officer"], "team_only": true, "opened_on": "2022-09-01",
        "case_ids": [id], "missions": [{"start_date": "2022-09-02", "end_date": "2022-09-03", "place": "Synthetic town", "access": "denied"}],
        "file": {"terms_of_reference": "ToR", "findings": format!("{V1} was killed"), "recommendations": "R"}});
    let (s, v) = t.as_role(Role::HrOfficer, Method::POST, "/api/investigations", Some(inv.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let inv_id = v["id"].as_i64().unwrap();

    // HRDDP: a request, refused approval without an assessment
    let req = json!({"force": "SYNTHETIC army", "unit": "Synthetic Battalion 9", "support_type": "fuel", "description": "", "requested_on": "2022-08-01"});
    let (s, v) = t.as_role(Role::HrOfficer, Method::POST, "/api/hrddp/requests", Some(req.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rid = v["id"].as_i64().unwrap();
    let (s, v) = t
        .as_role(
            Role::HrOfficer,
            Method::POST,
            &format!("/api/hrddp/requests/{rid}/decision"),
            Some(json!({"decision": "support"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("without a risk assessment"), "{v}");
    let (s, v) = t.as_role(Role::HrOfficer, Method::GET, "/api/hrddp/units/Synthetic%20Battalion%209", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["record"]["verified"], 1, "{v}");
    assert_eq!(v["suggested_risk"], "medium", "verified, but not in the 12 months before today: {v}");
    let (s, v) = t.as_role(Role::HrOfficer, Method::POST, &format!("/api/hrddp/requests/{rid}/assessment"),
        Some(json!({"risk_level": "high", "mitigations": [{"measure": "training", "owner": "HRD", "due": "2022-08-20"}]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .as_role(
            Role::HrOfficer,
            Method::POST,
            &format!("/api/hrddp/requests/{rid}/decision"),
            Some(json!({"decision": "support_with_mitigation"})),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("approved")), "{v}");
    // follow-up: a new case against the approved unit
    let (s, v) = t
        .as_role(
            Role::HrOfficer,
            Method::POST,
            "/api/cases",
            Some(case_body(None, " synthetic battalion 9 ", "2022-09-15")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["followups"].as_array().unwrap().len(), 1, "{v}");
    let (_, reg) = t.as_role(Role::HrOfficer, Method::GET, "/api/hrddp", None).await;
    assert_eq!(reg["open_followups"], 1, "{reg}");
    let ours = reg["requests"].as_array().unwrap().iter().find(|r| r["request"]["id"] == rid).unwrap().clone();
    assert_eq!(ours["assessment"]["needs_review"], true, "{ours}");
    assert_eq!(reg["overdue"].as_array().unwrap().len(), 1, "the measure due 2022-08-20 is overdue");

    // the analyst's aggregates for the quarter: one verified case with two victims, suppressed
    let (_, a) = t.as_role(Role::Analyst, Method::GET, "/api/cases/aggregates?quarter=2022-Q3", None).await;
    let cmp = a["note"]["tables"].as_array().unwrap().iter().find(|x| x["name"] == "comparison").unwrap().clone();
    assert_eq!(cmp["table"]["rows"][0]["key"], "2022-Q3");
    assert_eq!(cmp["table"]["rows"][0]["cells"], json!(["<3", "<3", "<3"]), "{cmp}");
    let (s, v) = t.as_role(Role::Analyst, Method::GET, "/api/cases/aggregates?threshold=1", None).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("threshold")),
        "the threshold is never lowered"
    );

    // every endpoint, every role: allowed or 403; no token: 401
    let hr_only: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/cases".into(), None),
        (Method::POST, "/api/cases".into(), Some(case_body(None, "u", "2022-07-01"))),
        (Method::GET, format!("/api/cases/{id}"), None),
        (
            Method::POST,
            format!("/api/cases/{id}/restricted"),
            Some(json!({"kind": "source", "data": {"name": "SYNTHETIC source"}})),
        ),
        (Method::POST, format!("/api/cases/{id}/status"), Some(json!({"status": "closed"}))),
        (Method::GET, "/api/investigations".into(), None),
        (Method::POST, "/api/investigations".into(), Some(inv.clone())),
        (Method::GET, format!("/api/investigations/{inv_id}"), None),
        (Method::POST, format!("/api/investigations/{inv_id}"), Some(json!({"published_on": "2022-12-01"}))),
        (Method::POST, "/api/hrddp/requests".into(), Some(req.clone())),
        (Method::POST, format!("/api/hrddp/requests/{rid}/assessment"), Some(json!({"risk_level": "low"}))),
        (Method::POST, format!("/api/hrddp/requests/{rid}/decision"), Some(json!({"decision": "decline"}))),
        (Method::GET, "/api/hrddp/units/x".into(), None),
    ];
    for (m, path, body) in &hr_only {
        for role in roles_except(&[Role::HrOfficer]) {
            let (s, v) = t.as_role(role, m.clone(), path, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {m} {path}: {v}");
            assert!(!v.to_string().contains("Synthetic Victim"), "{v}");
        }
        let (s, _, _) = t.call(m.clone(), path, None, body.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {path} without a token");
        let (s, v) = t.as_role(Role::HrOfficer, m.clone(), path, body.clone()).await;
        // the already decided request's assessment and decision are conflicts, not refusals
        assert!(s.is_success() || s == StatusCode::CONFLICT, "hr_officer {m} {path}: {s} {v}");
    }
    let agg_roles = [Role::Analyst, Role::HrOfficer, Role::Planner, Role::Admin];
    for path in [
        "/api/cases/aggregates?quarter=2022-Q3",
        "/api/cases/note?quarter=2022-Q3",
        "/api/cases/note.csv?quarter=2022-Q3&table=victims_act",
    ] {
        for role in agg_roles {
            let (s, v) = t.as_role(role, Method::GET, path, None).await;
            assert_eq!(s, StatusCode::OK, "{role} {path}: {v}");
            let text = v.to_string();
            assert!(
                !text.contains("Synthetic Victim") && !text.contains("threatened") && !text.contains("Battalion"),
                "{role} {path}: personal data or units in aggregates: {text}"
            );
        }
        for role in roles_except(&agg_roles) {
            assert_eq!(t.as_role(role, Method::GET, path, None).await.0, StatusCode::FORBIDDEN, "{role} {path}");
        }
        assert_eq!(t.call(Method::GET, path, None, None).await.0, StatusCode::UNAUTHORIZED);
    }
    let reg_roles = [Role::HrOfficer, Role::Planner, Role::Admin];
    for role in Role::ALL {
        let (s, v) = t.as_role(role, Method::GET, "/api/hrddp", None).await;
        if reg_roles.contains(&role) {
            assert_eq!(s, StatusCode::OK, "{role}");
            assert_eq!(v.get("requests").is_some(), role == Role::HrOfficer, "{role}: requests for HR officers only");
        } else {
            assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        }
    }

    // the OpenAPI document lists the paths
    let (_, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for p in [
        "/api/cases",
        "/api/cases/{id}",
        "/api/cases/aggregates",
        "/api/investigations",
        "/api/investigations/{id}",
        "/api/hrddp",
        "/api/hrddp/requests/{id}/decision",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} in the OpenAPI document");
    }
});
