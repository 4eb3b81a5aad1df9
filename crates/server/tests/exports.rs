//! `GET /api/incidents/export` (issue 15): the map's filters to a file, in the three
//! formats, each carrying Vigil's fields; only what the caller may see; refused to a
//! reporter; a bad format named; every export audited. On both backends.

mod common;

use axum::http::{header, Method, StatusCode};
use common::{good_coding, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role::*;

async fn verified(t: &TestApp, sensitivity: &str, category: &str) -> i64 {
    let rid = t.report(Reporter, json!({"category": category})).await;
    let mut c = good_coding();
    c["sensitivity"] = sensitivity.into();
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{rid}/verify"), Some(c)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["incident_id"].as_i64().unwrap()
}

/// (source_id, mission_category, sensitivity, verification) per row of a CSV export.
fn csv_rows(text: &str, hxl: bool) -> Vec<[String; 4]> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {h:?}"));
    let (id, cat, sens, ver) = (col(if hxl { "source_id" } else { "id" }), col("mission_category"), col("sensitivity"), col("verification"));
    rdr.records()
        .skip(usize::from(hxl))
        .map(|r| r.unwrap())
        .map(|r| [r[id].to_string(), r[cat].to_string(), r[sens].to_string(), r[ver].to_string()])
        .collect()
}

both_backends!(exports_carry_mission_fields_and_only_what_the_caller_sees, |db| {
    let t = TestApp::new(&db.store, false).await;
    verified(&t, "public", "attack_on_civilians").await;
    verified(&t, "confidential", "ied").await;
    let get = |role, q: &str| {
        let path = format!("/api/incidents/export?{q}");
        let t = &t;
        async move { t.call(Method::GET, &path, Some(t.token(role)), None).await }
    };

    // a planner: the public incident only, with its category, sensitivity, verification
    let (s, body, headers) = get(Planner, "format=csv").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("vigil-incidents.csv"));
    let rows = csv_rows(body.as_str().unwrap(), false);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][1..], ["attack_on_civilians".to_string(), "public".into(), "verified".into()]);
    let (_, body, _) = get(Planner, "format=hxl").await;
    let text = body.as_str().unwrap();
    assert!(text.lines().nth(1).unwrap().contains("#meta+sensitivity"), "{text}");
    assert_eq!(csv_rows(text, true).len(), 1);
    // the HR officer, who sees confidential incidents, gets both
    let (s, body, headers) = get(HrOfficer, "format=geojson").await;
    assert_eq!((s, headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "application/geo+json"));
    // (the test client hands back a JSON body already parsed)
    let fc: Value = match body.as_str() {
        Some(text) => serde_json::from_str(text).unwrap(),
        None => body,
    };
    let mut got: Vec<(String, String)> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["category"].as_str().unwrap().into(), f["properties"]["sensitivity"].as_str().unwrap().into()))
        .collect();
    got.sort();
    assert_eq!(got, vec![("attack_on_civilians".into(), "public".into()), ("ied".into(), "confidential".into())]);
    // the map's filters apply: nothing before 2024
    let (_, body, _) = get(HrOfficer, "format=csv&to=2023-12-31").await;
    assert!(csv_rows(body.as_str().unwrap(), false).is_empty());

    // refused: a reporter, no token, an unknown format, an unknown filter
    assert_eq!(get(Reporter, "format=csv").await.0, StatusCode::FORBIDDEN);
    for role in [Responder, Admin] {
        let (s, body, _) = get(role, "format=csv").await;
        assert_eq!(s, StatusCode::OK, "{role}");
        // the public incident only: the confidential one is the HR officer's
        assert_eq!(csv_rows(body.as_str().unwrap(), false).len(), 1, "{role}");
    }
    assert_eq!(t.call(Method::GET, "/api/incidents/export", None, None).await.0, StatusCode::UNAUTHORIZED);
    let (s, e, _) = get(Analyst, "format=xlsx").await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")), "{e}");
    let (s, e, _) = get(Analyst, "format=csv&colour=red").await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("colour")), "{e}");

    // every export that was served is in the audit log, with who and how many
    let (_, log) = t.as_role(Admin, Method::GET, "/api/audit?limit=1000", None).await;
    let exports: Vec<&Value> = log.as_array().unwrap().iter().filter(|e| e["action"] == "export").collect();
    assert_eq!(exports.len(), 6, "{log:#}");
    assert!(exports.iter().any(|e| e["actor"] == "hr_officer" && e["after"]["incidents"] == 2 && e["after"]["format"] == "geojson"));
});
