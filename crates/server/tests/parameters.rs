//! The four parameters and the periodic report through the API (issue #20), on both
//! backends: indicators checked against hand-made movement requests, a case and
//! manual values; a manual value without evidence and a status without a reason
//! refused; the dashboard and the report's JSON giving the same numbers; an empty
//! period saying its sources are incomplete; a suppressed human-rights cell with no
//! case detail in the answer; and every path's roles, allowed and denied.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use vigil_store::accounts::Role;
use Role::*;

fn movement(kind: &str, sector: &str, planned: &str, outcome: &str) -> Value {
    json!({
        "mode": "air", "kind": kind, "from_place": "camp", "to_place": "town",
        "from": [-4.09, 14.53], "to": [-4.10, 14.53],
        "requested_at": format!("{planned}T06:00:00Z"), "planned_at": format!("{planned}T09:00:00Z"),
        "asset": "Mi-17", "sector": sector, "purpose": "test",
        "decision": {"outcome": outcome, "decided_at": format!("{planned}T07:00:00Z"), "authority": "air authority", "reason": "insecurity",
                     "delay_minutes": if outcome == "delayed" { json!(60) } else { Value::Null }}
    })
}

fn indicator<'a>(d: &'a Value, code: &str) -> &'a Value {
    d["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["indicators"].as_array().unwrap())
        .find(|i| i["indicator"]["code"] == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
}

fn figure<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no figure {id}"))
}

async fn exec(db: &vigil_testkit::TestDb, sql: &'static str) {
    vigil_store::on_pool!(db.store, p => { sqlx::query(sql).execute(p).await.unwrap(); });
}

both_backends!(parameters_from_hand_made_records, |db| {
    let t = TestApp::new(&db.store, false).await;
    // 2022-Q4: four requests, one CASEVAC denied (centre), one delayed (north), two granted
    for (kind, sector, day, outcome) in [
        ("casevac", "centre", "2022-10-03", "denied"),
        ("patrol", "north", "2022-11-04", "delayed"),
        ("patrol", "north", "2022-11-05", "granted"),
        ("isr", "east", "2022-12-06", "granted"),
        ("patrol", "east", "2022-09-06", "denied"), // 2022-Q3
    ] {
        let (s, v) = t
            .as_role(
                Analyst,
                Method::POST,
                "/api/movements",
                Some(movement(kind, sector, day, outcome)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    // one verified case with two victims in 2022-Q4: a suppressed cell
    exec(&db, "INSERT INTO hr_cases (title, date, place, admin1, perpetrator, acts_json, status, status_by, status_at, created_by, created_at) \
               VALUES ('SECRET-CASE-TITLE', '2022-11-11', 'Moura', 'ML05', 'national_forces', '[{\"act_type\":\"killing\",\"victims\":{\"man\":2}}]', 'verified', 'hr1', '2022-12-01T00:00:00Z', 'hr1', '2022-12-01T00:00:00Z')").await;

    // a manual value without evidence is refused, naming the field; with evidence stored
    let mv = |evidence: &str| json!({"indicator": "b_combatants_integrated", "as_of": "2022-12-31", "value": 1765, "evidence": evidence});
    let (s, e) = t
        .as_role(
            Planner,
            Method::POST,
            "/api/parameters/manual",
            Some(mv("  ")),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["field"], "evidence", "{e}");
    assert!(e.to_string().contains("needs its evidence"), "{e}");
    let (s, e) = t.as_role(Planner, Method::POST, "/api/parameters/manual", Some(json!({"indicator": "b_combatants_integrated", "as_of": "2022-12-31", "value": 1765}))).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence")),
        "{e}"
    );
    let (s, e) = t.as_role(Planner, Method::POST, "/api/parameters/manual", Some(json!({"indicator": "c_casevac_denied", "as_of": "2022-12-31", "value": 3, "evidence": "x"}))).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a computed indicator takes no manual value: {e}"
    );
    let (s, v) = t
        .as_role(
            Planner,
            Method::POST,
            "/api/parameters/manual",
            Some(mv("S/2023/36 §16")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // a status needs a reason
    let st = |reason: &str| json!({"indicator": "c_casevac_denied", "period": "2022-Q4", "status": "at_risk", "reason": reason});
    let (s, e) = t
        .as_role(
            Planner,
            Method::POST,
            "/api/parameters/status",
            Some(st("")),
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")),
        "{e}"
    );
    let (s, v) = t
        .as_role(
            Planner,
            Method::POST,
            "/api/parameters/status",
            Some(st("one CASEVAC denied in Centre")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t.as_role(Planner, Method::POST, "/api/parameters/milestones", Some(json!({"parameter": "b", "title": "Integration", "planned_date": "2022-12-31", "actual_date": "2022-12-20", "status": "achieved", "sources": "S/2023/36", "provenance": "review"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, e) = t.as_role(Planner, Method::POST, "/api/parameters/milestones", Some(json!({"parameter": "b", "title": "x", "planned_date": "2022-12-31", "status": "achieved", "sources": "s"}))).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("actual_date")),
        "{e}"
    );

    // the dashboard, as a planner
    let (s, d) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters?quarter=2022-Q4",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let c = indicator(&d, "c_denied_or_delayed");
    assert_eq!(
        c["value"].as_f64(),
        Some(50.0),
        "2 of 4 decided were denied or delayed: {c}"
    );
    assert_eq!(c["previous"].as_f64(), Some(100.0), "2022-Q3: 1 of 1");
    assert_eq!(c["link"], "#/movement");
    let cas = indicator(&d, "c_casevac_denied");
    assert_eq!(cas["value"].as_f64(), Some(1.0));
    assert_eq!(
        (
            cas["status"].as_str(),
            cas["status_set_by"].as_str(),
            cas["status_reason"].as_str()
        ),
        (
            Some("at_risk"),
            Some("planner"),
            Some("one CASEVAC denied in Centre")
        )
    );
    assert_eq!(
        indicator(&d, "b_combatants_integrated")["value"].as_f64(),
        Some(1765.0)
    );
    assert_eq!(
        indicator(&d, "b_milestones_on_time")["value"].as_f64(),
        Some(100.0)
    );
    // the human-rights figures: suppressed, and no case detail anywhere in the answer
    assert_eq!(figure(&d, "hr.cases")["current"], "<3");
    assert_eq!(figure(&d, "hr.victims")["current"], "<3");
    assert!(!d.to_string().contains("SECRET-CASE-TITLE") && !d.to_string().contains("Moura"));
    // movement by sector table
    let sector = d["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "movement_by_sector")
        .unwrap();
    let centre = sector["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0].as_str().unwrap().contains("Centre"))
        .unwrap();
    assert_eq!(
        centre.as_array().unwrap()[1..6],
        [json!("1"), json!("1"), json!("0"), json!("0"), json!("1")]
    );

    // the report's JSON gives the same numbers as the dashboard
    let (s, r) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters/report?quarter=2022-Q4&format=json",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["figures"], d["figures"]);
    assert_eq!(r["tables"], d["tables"]);
    for f in r["figures"].as_array().unwrap() {
        assert!(
            !f["query"].as_str().unwrap().is_empty()
                && !f["definition"].as_str().unwrap().is_empty(),
            "{f}"
        );
    }
    let (s, html) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters/report?quarter=2022-Q4",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let html = html.as_str().unwrap();
    assert!(html.contains("<svg") && html.contains("Movement requests and restrictions by sector"));
    assert!(!html.contains("SECRET-CASE-TITLE"));
    let (s, csv) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters/report?quarter=2022-Q4&format=csv&table=movement_by_sector",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.as_str()
            .unwrap()
            .starts_with("sector,requests,denied,delayed"),
        "{csv}"
    );

    // an empty period: no value, and the figure says why
    let (s, e) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters?quarter=2019-Q1",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let c = indicator(&e, "c_denied_or_delayed");
    assert_eq!(c["value"], Value::Null);
    assert_eq!(c["complete"], false);
    assert!(
        c["notes"][0]
            .as_str()
            .unwrap()
            .contains("no movement records before 2022-09-06"),
        "{c}"
    );
    assert_eq!(figure(&e, "hr.cases")["current"], 0);
    assert_eq!(figure(&e, "movement.requests")["current"], 0);
    let (s, e) = t
        .as_role(
            Planner,
            Method::GET,
            "/api/parameters?quarter=2022-Q5",
            None,
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("quarter"))
    );

    // every path: who may, who may not
    let reads = [
        "/api/parameters?quarter=2022-Q4",
        "/api/parameters/report?quarter=2022-Q4&format=json",
        "/api/parameters/milestones",
        "/api/parameters/manual",
    ];
    for p in reads {
        for role in [Analyst, HrOfficer, Planner, Admin] {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::OK, "{role} {p}: {v}");
        }
        for role in [Reporter, Responder] {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {p}: {v}");
        }
        let (s, _, _) = t.call(Method::GET, p, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {p}");
    }
    for (role, ok) in [
        (Planner, true),
        (Admin, true),
        (Analyst, false),
        (HrOfficer, false),
        (Responder, false),
        (Reporter, false),
    ] {
        let want = if ok {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        let (s, v) = t
            .as_role(
                role,
                Method::POST,
                "/api/parameters/status",
                Some(st("why")),
            )
            .await;
        assert_eq!(s, want, "{role} status: {v}");
        let (s, v) = t
            .as_role(
                role,
                Method::POST,
                "/api/parameters/manual",
                Some(mv("S/2023/36 §16")),
            )
            .await;
        assert_eq!(s, want, "{role} manual: {v}");
        let (s, v) = t.as_role(role, Method::POST, "/api/parameters/milestones", Some(json!({"parameter": "a", "title": "Referendum", "planned_date": "2023-03-19", "status": "planned", "sources": "S/2023/36"}))).await;
        assert_eq!(s, want, "{role} milestone: {v}");
        let (s, v) = t.as_role(role, Method::POST, "/api/parameters/milestones/1", Some(json!({"parameter": "b", "title": "Integration", "planned_date": "2022-12-31", "actual_date": "2022-12-20", "status": "achieved", "sources": "S/2023/36", "provenance": "review"}))).await;
        assert_eq!(
            s,
            if ok {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
            "{role} milestone update: {v}"
        );
    }
});
