//! Footprint options through the API (issue #17), on both backends: the demo's sites
//! and six scenarios; every endpoint for every role (planner, analyst and admin read;
//! only a planner writes; reporter, responder and hr_officer are refused; no token is
//! 401); a copy of option 1a edited, a dangling edit refused with nothing saved; the
//! comparison by day and night; and the comparison counting only the incidents the
//! caller may see.

mod common;

use axum::http::{Method, StatusCode};
use common::{good_coding, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role;

const READERS: [Role; 3] = [Role::Planner, Role::Analyst, Role::Admin];
const REFUSED: [Role; 3] = [Role::Reporter, Role::Responder, Role::HrOfficer];

fn row<'a>(c: &'a Value, key: &str) -> &'a Value {
    c["rows"].as_array().unwrap().iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("row {key}: {c}"))
}

fn values(c: &Value, key: &str) -> Vec<f64> {
    row(c, key)["values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

both_backends!(footprint_roles_copy_edit_and_compare, |db| {
    let summary = vigil_server::demo::seed(&db.store, false).await.unwrap();
    assert!(summary.incidents > 0);
    let t = TestApp::new(&db.store, true).await;

    // every read path: planner, analyst, admin get it; the others are refused; no token 401
    let reads = [
        "/api/footprint/sites",
        "/api/footprint/scenarios",
        "/api/footprint/scenarios/1a",
        "/api/footprint/scenarios/3/map?night=true",
        "/api/footprint/compare?scenarios=baseline,1a",
        "/api/footprint/sensitivity?scenarios=baseline&measure=incidents_in_1h",
    ];
    for p in reads {
        for role in READERS {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::OK, "{role} {p}: {v}");
        }
        for role in REFUSED {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {p}: {v}");
        }
        let (s, _, _) = t.call(Method::GET, p, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {p}");
    }
    let (_, sites) = t.as_role(Role::Analyst, Method::GET, "/api/footprint/sites", None).await;
    assert_eq!(sites["sites"].as_array().unwrap().len(), 15);
    assert!(sites["attribution"].as_str().unwrap().contains("GeoNames"));
    let speed = sites["settings"].as_array().unwrap().iter().find(|s| s["key"] == "speed_kmh").unwrap();
    assert_eq!(
        (speed["value"].as_f64(), speed["tag"].as_str(), speed["reference"].as_str()),
        (Some(200.0), Some("assumption"), Some("A-HELI"))
    );
    let (_, list) = t.as_role(Role::Analyst, Method::GET, "/api/footprint/scenarios", None).await;
    let ids: Vec<&str> = list["scenarios"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["baseline", "1a", "1b", "2a", "2b", "3"]);

    // writes: only a planner; everyone else refused, admin and analyst included
    let copy = json!({"id": "1a-anefis", "title": "1a, helicopters at Anéfis", "copy_of": "1a"});
    for role in [Role::Analyst, Role::Admin, Role::Reporter, Role::Responder, Role::HrOfficer] {
        let (s, v) = t.as_role(role, Method::POST, "/api/footprint/scenarios", Some(copy.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role} POST: {v}");
        for m in [Method::PUT, Method::PATCH] {
            let (s, v) = t
                .as_role(
                    role,
                    m.clone(),
                    "/api/footprint/scenarios/1a-anefis",
                    Some(json!({"version": 1, "title": "x", "changes": []})),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {m}: {v}");
        }
    }
    let (s, _, _) = t.call(Method::POST, "/api/footprint/scenarios", None, Some(copy.clone())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = t.as_role(Role::Planner, Method::POST, "/api/footprint/scenarios", Some(copy.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["based_on"].as_str(), v["version"].as_i64(), v["editable"].as_bool()),
        (Some("1a"), Some(1), Some(true))
    );
    let mut changes = v["changes"].as_array().unwrap().clone();
    let n0 = changes.len();
    // a shipped option is not edited in place
    let (s, v) = t
        .as_role(
            Role::Planner,
            Method::PATCH,
            "/api/footprint/scenarios/1a",
            Some(json!({"version": 1, "title": "mine"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // the edit: a new site, and 1a's Bourem helicopter unit moved there (PUT)
    changes.push(json!({"type": "add_site", "site": {"id": "anefis", "name": "Anéfis", "sector": "North", "lat": 17.95, "lon": 0.52}}));
    changes
        .push(json!({"type": "move_unit", "unit": "medium_utility_helicopter_unit", "from": "bourem", "to": "anefis"}));
    let (s, v) = t
        .as_role(
            Role::Planner,
            Method::PUT,
            "/api/footprint/scenarios/1a-anefis",
            Some(json!({"version": 1, "title": "1a, helicopters at Anéfis", "changes": changes})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["version"].as_i64(), v["changes"].as_array().unwrap().len()), (Some(2), n0 + 2));
    // a dangling reference is refused and nothing is saved
    let mut bad = changes.clone();
    bad.push(json!({"type": "close_site", "site": "nowhere"}));
    let (s, v) = t
        .as_role(
            Role::Planner,
            Method::PATCH,
            "/api/footprint/scenarios/1a-anefis",
            Some(json!({"version": 2, "changes": bad})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("unknown site `nowhere`"), "{v}");
    // a stale version is refused
    let (s, v) = t
        .as_role(
            Role::Planner,
            Method::PATCH,
            "/api/footprint/scenarios/1a-anefis",
            Some(json!({"version": 1, "title": "old"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, now) = t.as_role(Role::Analyst, Method::GET, "/api/footprint/scenarios/1a-anefis", None).await;
    assert_eq!((now["version"].as_i64(), now["changes"].as_array().unwrap().len()), (Some(2), n0 + 2));
    // both writes are audited under the planner's name
    let audit: Vec<_> = db
        .store
        .audit_entries(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "footprint_scenario/1a-anefis")
        .collect();
    assert_eq!(
        audit.iter().map(|e| (e.actor.as_str(), e.action.as_str())).collect::<Vec<_>>(),
        [("planner", "copy"), ("planner", "update")]
    );

    // the comparison by day: Bourem opens in 1a and 1b; 1a's helicopters reach more of the
    // Gao–Kidal axis within 1 h; option 3 leaves Bamako only
    let (s, c) = t
        .as_role(Role::Planner, Method::GET, "/api/footprint/compare?scenarios=baseline,1a,1b,2a,2b,3,1a-anefis", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(values(&c, "sites_open"), [14.0, 15.0, 15.0, 11.0, 12.0, 1.0, 16.0]);
    assert_eq!(row(&c, "sites_open")["deltas"][5].as_f64(), Some(-13.0));
    let axis = values(&c, "route_gao_kidal_in_1h");
    assert!(axis[1] > axis[0] + 10.0 && (axis[2] - axis[0]).abs() < 1e-9, "{axis:?}");
    assert!(axis[6] > axis[1], "helicopters at Anéfis cover more of the axis: {axis:?}");
    let inc = values(&c, "incidents_total");
    assert!(inc[0] > 0.0 && inc.iter().all(|x| *x == inc[0]), "{inc:?}");
    let (i1, out) = (values(&c, "fatalities_in_1h"), values(&c, "fatalities_outside"));
    assert!(i1[5] < i1[0] && out[5] > out[0], "option 3 reaches fewer deaths: {i1:?} {out:?}");
    assert_eq!(c["settings"]["speed_kmh"].as_f64(), Some(200.0));
    assert!(
        c["inputs"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("SYNTHETIC")),
        "{}",
        c["inputs"]
    );
    // by night: only Timbuktu's MD 500E flies, and the 60-min launch leaves no 1-h reach
    let (_, n) =
        t.as_role(Role::Analyst, Method::GET, "/api/footprint/compare?scenarios=baseline,1a&night=true", None).await;
    assert_eq!(values(&n, "casevac_bases"), [1.0, 1.0]);
    assert_eq!(values(&n, "incidents_in_1h"), [0.0, 0.0]);
    // settings per request, checked
    let (_, fast) = t
        .as_role(Role::Analyst, Method::GET, "/api/footprint/compare?scenarios=baseline&set=launch_day_min:15", None)
        .await;
    assert!(values(&fast, "route_gao_kidal_in_1h")[0] > axis[0], "a shorter launch delay reaches further");
    let (s, v) =
        t.as_role(Role::Analyst, Method::GET, "/api/footprint/compare?scenarios=baseline&set=speed_kmh:0", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("speed_kmh"), "{v}");
    let (s, v) = t.as_role(Role::Analyst, Method::GET, "/api/footprint/compare?scenarios=baseline,nope", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, csv, _) = t
        .call(
            Method::GET,
            "/api/footprint/compare?scenarios=baseline,1a&format=csv",
            Some(t.token(Role::Planner)),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.as_str().unwrap().starts_with("measure,key,unit,rests_on,baseline,baseline_delta,1a,1a_delta"),
        "{csv}"
    );

    // the routes are in the OpenAPI document
    let (_, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for p in [
        "/api/footprint/sites",
        "/api/footprint/scenarios",
        "/api/footprint/scenarios/{id}",
        "/api/footprint/scenarios/{id}/map",
        "/api/footprint/compare",
        "/api/footprint/sensitivity",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is not in the OpenAPI document");
    }
});

// The comparison counts only the incidents the caller may see: a restricted incident
// (in a later year than the demo data) is in an analyst's figures, not a planner's.
both_backends!(footprint_compare_counts_visible_incidents_only, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    let (_, before) = t.as_role(Role::Planner, Method::GET, "/api/footprint/compare?scenarios=baseline", None).await;
    let rid = t.report(Role::Reporter, json!({"occurred_at": "2024-03-02"})).await;
    let mut coding = good_coding();
    coding["sensitivity"] = "restricted".into();
    coding["best"] = 7.into();
    coding["high"] = 9.into();
    let (s, v) = t.as_role(Role::Analyst, Method::POST, &format!("/api/reports/{rid}/verify"), Some(coding)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, planner) = t.as_role(Role::Planner, Method::GET, "/api/footprint/compare?scenarios=baseline", None).await;
    assert_eq!(values(&planner, "fatalities_total"), values(&before, "fatalities_total"));
    assert_eq!(planner["inputs"], before["inputs"]);
    let (_, analyst) = t.as_role(Role::Analyst, Method::GET, "/api/footprint/compare?scenarios=baseline", None).await;
    // the analyst's last 12 months end with the restricted incident: it alone (7 deaths)
    assert_eq!(values(&analyst, "incidents_total"), [1.0], "{}", analyst["inputs"]);
    assert_eq!(values(&analyst, "fatalities_total"), [7.0]);
    // Sévaré is within 1 h of no CASEVAC base in the baseline, but at a Level 2: reached in 2 h? (no helicopter)
    assert_eq!(values(&analyst, "fatalities_in_1h"), [0.0]);
});
