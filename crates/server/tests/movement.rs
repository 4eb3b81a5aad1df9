//! Freedom of movement and the mission's safety through the API (issue #18), on both
//! backends: a denied CASEVAC flight and other requests recorded and found in the
//! sector figures; refusals naming the field (a decision before its request, a
//! negative count, a route file that is not GeoJSON lines) with nothing stored; the
//! overlap counting only the incidents the caller may see; attack figures in the
//! review's form; route import and exposure; convoys; records marked restricted kept
//! to hr_officer; and every path's roles, allowed and denied.

mod common;

use axum::http::{Method, StatusCode};
use common::{good_coding, good_report, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role;
use Role::*;

const READERS: [Role; 5] = [Analyst, Responder, HrOfficer, Planner, Admin];

fn casevac(outcome: &str) -> Value {
    json!({
        "mode": "air", "kind": "casevac", "from_place": "Sévaré camp", "to_place": "Sévaré",
        "from": [-4.09, 14.53], "to": [-4.10, 14.53],
        "requested_at": "2024-03-01T08:00:00Z", "planned_at": "2024-03-01T09:00:00Z",
        "asset": "Mi-17", "sector": "centre", "purpose": "evacuate two wounded",
        "decision": {"outcome": outcome, "decided_at": "2024-03-01T08:40:00Z", "authority": "air authority", "reason": "insecurity"}
    })
}

fn attack(kind: &str, pk: (i64, i64)) -> Value {
    json!({
        "date": "2022-05-01", "kind": kind, "sector": "east", "place": "Ansongo", "location": [0.5, 15.66],
        "unit": "BATT", "contingent": "X", "peacekeepers_killed": pk.0, "peacekeepers_injured": pk.1,
        "civilians_killed": 0, "civilians_injured": 1
    })
}

const ROUTE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Test axis","approximate":true},
  "geometry":{"type":"LineString","coordinates":[[-4.10,14.53],[-3.61,14.35]]}}]}"#;

async fn count(db: &vigil_testkit::TestDb, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    vigil_store::on_pool!(db.store, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await.unwrap())
}

both_backends!(movements_attacks_routes_convoys_through_the_api, |db| {
    let t = TestApp::new(&db.store, false).await;

    // a reporter submits a denied CASEVAC flight; it is in the sector figures
    let (s, v) = t.as_role(Reporter, Method::POST, "/api/movements", Some(casevac("denied"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let denied = v["id"].as_i64().unwrap();
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/movements", Some(casevac("granted"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut delayed = casevac("delayed");
    delayed["sector"] = "east".into();
    delayed["decision"]["delay_minutes"] = 90.into();
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/movements", Some(delayed)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, f) = t.as_role(Planner, Method::GET, "/api/movements/figures?by=sector", None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let rows = f["rows"].as_array().unwrap();
    let centre = rows.iter().find(|r| r["key"] == "centre").unwrap();
    assert_eq!(
        (centre["requests"].as_i64(), centre["denied"].as_i64(), centre["casevac_denied"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(centre["share_denied_or_delayed"].as_f64(), Some(0.5));
    let east = rows.iter().find(|r| r["key"] == "east").unwrap();
    assert_eq!((east["delayed"].as_i64(), east["median_delay_minutes"].as_f64()), (Some(1), Some(90.0)));

    // refusals name the field, and nothing is stored
    let before = count(&db, "movement_requests").await;
    let mut early = casevac("denied");
    early["decision"]["decided_at"] = "2024-03-01T07:00:00Z".into();
    let (s, e) = t.as_role(Analyst, Method::POST, "/api/movements", Some(early)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["field"], "decision.decided_at", "{e}");
    assert!(
        e["error"].as_str().unwrap_or_default().contains("before the request time")
            || e.to_string().contains("before the request time"),
        "{e}"
    );
    let mut neg = casevac("delayed");
    neg["decision"]["delay_minutes"] = (-10).into();
    let (s, e) = t.as_role(Analyst, Method::POST, "/api/movements", Some(neg)).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("decision.delay_minutes")), "{e}");
    let mut bad_kind = casevac("denied");
    bad_kind["mode"] = "ground".into();
    let (s, e) = t.as_role(Analyst, Method::POST, "/api/movements", Some(bad_kind)).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("kind")), "{e}");
    assert_eq!(count(&db, "movement_requests").await, before);
    // a later decision is checked against the request too
    let (s, e) = t
        .as_role(
            Analyst,
            Method::POST,
            &format!("/api/movements/{denied}/decision"),
            Some(json!({"outcome": "granted", "decided_at": "2024-02-28T00:00:00Z", "authority": "a"})),
        )
        .await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("decided_at")), "{e}");

    // attacks: the review's sentence from the records; a negative count refused
    for (k, pk) in [("ied", (1, 2)), ("ied", (0, 3)), ("mine", (2, 0))] {
        let (s, v) = t.as_role(Reporter, Method::POST, "/api/attacks", Some(attack(k, pk))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, e) = t.as_role(Analyst, Method::POST, "/api/attacks", Some(attack("ied", (-1, 0)))).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("peacekeepers_killed")), "{e}");
    assert_eq!(count(&db, "mission_attacks").await, 3);
    let (s, f) = t.as_role(Planner, Method::GET, "/api/attacks/figures?since=2013-07-01", None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["sentences"][0], "2 IED attacks since July 2013, killing 1 and wounding 5 peacekeepers");
    assert_eq!(f["total"]["peacekeepers_killed"].as_i64(), Some(3));

    // routes: GeoJSON lines imported, anything else refused with the field
    let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[0,15]}}]}"#;
    let req = axum::http::Request::post("/api/routes")
        .header("authorization", format!("Bearer {}", t.token(Analyst)))
        .header("content-type", "application/geo+json")
        .body(axum::body::Body::from(bad))
        .unwrap();
    let (s, e, _) = t.send(req).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("features[0].geometry.type")), "{e}");
    assert_eq!(count(&db, "movement_routes").await, 0);
    let req = axum::http::Request::post("/api/routes")
        .header("authorization", format!("Bearer {}", t.token(Analyst)))
        .body(axum::body::Body::from(ROUTE))
        .unwrap();
    let (s, v, _) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let route = v["ids"][0].as_i64().unwrap();
    let (s, r) = t.as_role(Responder, Method::GET, "/api/routes", None).await;
    assert_eq!((s, r["features"][0]["properties"]["name"].as_str()), (StatusCode::OK, Some("Test axis")));

    // convoys: arrival before departure refused; durations by route
    let (s, e) = t
        .as_role(Analyst, Method::POST, "/api/convoys",
            Some(json!({"route_id": route, "departed_at": "2024-03-02T06:00:00Z", "arrived_at": "2024-03-01T06:00:00Z", "vehicles": 30})))
        .await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("arrived_at")), "{e}");
    let (s, v) = t
        .as_role(Analyst, Method::POST, "/api/convoys",
            Some(json!({"route_id": route, "departed_at": "2024-03-02T06:00:00Z", "arrived_at": "2024-03-02T12:00:00Z", "vehicles": 30, "escort": "platoon"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, d) = t.as_role(Planner, Method::GET, "/api/convoys/durations", None).await;
    assert_eq!((d["rows"][0]["route_id"].as_i64(), d["rows"][0]["median_hours"].as_f64()), (Some(route), Some(6.0)));

    // the overlap and the exposure count only the incidents the caller may see: a
    // confidential incident at Sévaré the day after the denial
    let rid = t.report(Reporter, json!({})).await;
    let mut coding = good_coding();
    coding["sensitivity"] = "confidential".into();
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{rid}/verify"), Some(coding)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let _ = good_report();
    let (s, o) = t.as_role(HrOfficer, Method::GET, "/api/movements/overlap?km=20&days=30", None).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(
        o["restricted"]["incidents"].as_i64(),
        Some(2),
        "hr_officer sees it for the denied and the delayed: {o}"
    );
    let (_, o) = t.as_role(Planner, Method::GET, "/api/movements/overlap?km=20&days=30", None).await;
    assert_eq!(
        o["restricted"]["incidents"].as_i64(),
        Some(0),
        "a planner must not get a confidential incident as a figure: {o}"
    );
    let (s, x) = t
        .as_role(
            HrOfficer,
            Method::GET,
            &format!("/api/routes/{route}/exposure?as_of=2024-03-31&buffer_km=10&segment_km=20"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{x}");
    let total =
        |x: &Value| x["segments"].as_array().unwrap().iter().map(|s| s["incidents_3m"].as_i64().unwrap()).sum::<i64>();
    assert_eq!(total(&x), 1);
    let (_, x) = t
        .as_role(
            Planner,
            Method::GET,
            &format!("/api/routes/{route}/exposure?as_of=2024-03-31&buffer_km=10&segment_km=20"),
            None,
        )
        .await;
    assert_eq!(total(&x), 0);

    // a record marked restricted reaches hr_officer only
    let mut r = casevac("denied");
    r["restricted"] = true.into();
    let (s, v) = t.as_role(HrOfficer, Method::POST, "/api/movements", Some(r)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let hidden = v["id"].as_i64().unwrap();
    let (_, l) = t.as_role(Planner, Method::GET, "/api/movements", None).await;
    assert!(!l["movements"].as_array().unwrap().iter().any(|m| m["id"] == hidden));
    let (s, _) = t.as_role(Planner, Method::GET, &format!("/api/movements/{hidden}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, m) = t.as_role(HrOfficer, Method::GET, &format!("/api/movements/{hidden}"), None).await;
    assert_eq!((s, m["restricted"].as_bool()), (StatusCode::OK, Some(true)));

    // every path: who may, who may not
    let reads = [
        "/api/movements".to_string(),
        format!("/api/movements/{denied}"),
        "/api/movements/figures?by=month".to_string(),
        "/api/movements/overlap".to_string(),
        "/api/attacks".to_string(),
        "/api/attacks/figures".to_string(),
        "/api/routes".to_string(),
        format!("/api/routes/{route}/exposure"),
        "/api/convoys".to_string(),
        "/api/convoys/durations".to_string(),
    ];
    for p in &reads {
        for role in READERS {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::OK, "{role} {p}: {v}");
        }
        let (s, v) = t.as_role(Reporter, Method::GET, p, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "reporter {p}: {v}");
        let (s, _, _) = t.call(Method::GET, p, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {p}");
    }
    // submit: reporter, analyst, hr_officer, admin; not responder or planner
    for (role, ok) in
        [(Reporter, true), (Analyst, true), (HrOfficer, true), (Admin, true), (Responder, false), (Planner, false)]
    {
        let want = if ok { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
        let (s, v) = t.as_role(role, Method::POST, "/api/movements", Some(casevac("granted"))).await;
        assert_eq!(s, want, "{role} POST /api/movements: {v}");
        let (s, v) = t.as_role(role, Method::POST, "/api/attacks", Some(attack("mine", (0, 0)))).await;
        assert_eq!(s, want, "{role} POST /api/attacks: {v}");
    }
    // code: analyst, admin only
    for (i, role) in [Analyst, Admin, Reporter, Responder, HrOfficer, Planner].into_iter().enumerate() {
        let want = |ok: StatusCode| if i < 2 { ok } else { StatusCode::FORBIDDEN };
        let (s, v) = t
            .as_role(role, Method::POST, &format!("/api/movements/{denied}/decision"),
                Some(json!({"outcome": "denied", "decided_at": "2024-03-01T08:50:00Z", "authority": "air authority", "reason": "insecurity"})))
            .await;
        assert_eq!(s, want(StatusCode::OK), "{role} decision: {v}");
        let (s, v) = t
            .as_role(
                role,
                Method::POST,
                "/api/convoys",
                Some(json!({"departed_at": "2024-03-05T06:00:00Z", "vehicles": 3})),
            )
            .await;
        assert_eq!(s, want(StatusCode::CREATED), "{role} convoy: {v}");
        let body = ROUTE.replace("Test axis", &format!("Axis {i}"));
        let req = axum::http::Request::post("/api/routes")
            .header("authorization", format!("Bearer {}", t.token(role)))
            .body(axum::body::Body::from(body))
            .unwrap();
        let (s, v, _) = t.send(req).await;
        assert_eq!(s, want(StatusCode::CREATED), "{role} routes: {v}");
    }
    for (m, p) in [
        (Method::POST, "/api/movements"),
        (Method::POST, "/api/attacks"),
        (Method::POST, "/api/routes"),
        (Method::POST, "/api/convoys"),
    ] {
        let (s, _, _) = t.call(m, p, None, Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {p}");
    }

    // every path is in the OpenAPI document
    let (_, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for p in [
        "/api/movements",
        "/api/movements/{id}",
        "/api/movements/{id}/decision",
        "/api/movements/figures",
        "/api/movements/overlap",
        "/api/attacks",
        "/api/attacks/figures",
        "/api/routes",
        "/api/routes/{id}/exposure",
        "/api/convoys",
        "/api/convoys/durations",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is not in the OpenAPI document");
    }
    // and the vocabulary serves the movement codes
    let (_, voc, _) = t.call(Method::GET, "/api/vocabulary", None, None).await;
    assert!(voc["movement"]["outcomes"].as_array().unwrap().iter().any(|o| o["code"] == "denied"));
});

// Incidents: the injured count and the victims' affiliation coded at verification,
// and the mission-category filter on /api/incidents and the OGC API (an unknown
// category refused with its field).
both_backends!(incident_injured_affiliation_and_category_filter, |db| {
    let t = TestApp::new(&db.store, false).await;
    let rid = t.report(Reporter, json!({"category": "ied"})).await;
    let mut coding = good_coding();
    coding["category"] = "ied".into();
    coding["injured"] = 3.into();
    coding["victim_affiliation"] = "peacekeepers".into();
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{rid}/verify"), Some(coding.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["incident_id"].as_i64().unwrap();
    let other = t.report(Reporter, json!({})).await;
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{other}/verify"), Some(good_coding())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let ids = |v: &Value| -> Vec<i64> {
        v["features"].as_array().unwrap().iter().map(|f| f["properties"]["id"].as_i64().unwrap()).collect()
    };
    let (s, v) = t.as_role(Planner, Method::GET, "/api/incidents?category=ied", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(ids(&v), [id]);
    let p = &v["features"][0]["properties"];
    assert_eq!((p["injured"].as_i64(), p["victim_affiliation"].as_str()), (Some(3), Some("peacekeepers")));
    let (_, v) = t.as_role(Planner, Method::GET, "/api/incidents?category=crsv", None).await;
    assert!(ids(&v).is_empty(), "{v}");
    let (s, e) = t.as_role(Planner, Method::GET, "/api/incidents?category=bogus", None).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")), "{e}");
    let (s, v) = t.as_role(Planner, Method::GET, "/ogc/collections/incidents/items?category=ied", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["features"].as_array().unwrap().len(), 1, "{v}");
    // a bad affiliation or a negative injured count is refused at verification
    let third = t.report(Reporter, json!({})).await;
    let mut bad = coding.clone();
    bad["victim_affiliation"] = "aliens".into();
    let (s, e) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{third}/verify"), Some(bad)).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("victim_affiliation")), "{e}");
    let mut bad = coding;
    bad["injured"] = (-1).into();
    let (s, e) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{third}/verify"), Some(bad)).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("injured")), "{e}");
});
