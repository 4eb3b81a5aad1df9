//! Stored forecast runs through the API and the OGC API, on both backends: a run
//! with hand-set cells in Mopti and Bamako is stored, then read back as a reader
//! would (list with skill and the guard's fallback, one run, cells at a horizon, the
//! VIEWS CSV, an area's aggregate against the deaths the incidents record, the OGC
//! `forecast` collection with paging and bbox), and every path refused to a reporter
//! and to a caller with no token.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use vigil_store::accounts::Role;
use vigil_store::forecasts::{ForecastCell, NewForecastRun};

fn gid(lon: f64, lat: f64) -> i64 {
    vigil_geo::grid::gid(lon, lat).unwrap()
}

fn cell(unit: i64, horizon: u32, p_any: f64, mean: f64, q: [f64; 5], fallback: bool) -> ForecastCell {
    ForecastCell {
        unit: unit.to_string(),
        horizon,
        month: if horizon == 1 { "2022-01".into() } else { "2022-02".into() },
        model_used: if fallback { "conflictology".into() } else { "ensemble".into() },
        fallback_reason: fallback.then(|| "ensemble CRPS skill -2.0% against conflictology: publishing conflictology".into()),
        p_any,
        mean,
        quantiles: q,
    }
}

both_backends!(stored_forecast_runs_read_back_through_api_and_ogc, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    let (mopti, bandiagara, bamako) = (gid(-4.19, 14.49), gid(-3.61, 14.35), gid(-8.0, 12.65));
    let cells = vec![
        cell(mopti, 1, 0.5, 2.0, [0.0, 0.0, 1.0, 3.0, 6.0], false),
        cell(bandiagara, 1, 0.2, 0.5, [0.0, 0.0, 0.0, 1.0, 2.0], false),
        cell(bamako, 1, 0.1, 0.25, [0.0, 0.0, 0.0, 0.0, 1.0], false),
        cell(mopti, 2, 0.4, 1.5, [0.0, 0.0, 1.0, 2.0, 5.0], true),
        cell(bandiagara, 2, 0.1, 0.2, [0.0, 0.0, 0.0, 0.0, 1.0], true),
        cell(bamako, 2, 0.1, 0.25, [0.0, 0.0, 0.0, 0.0, 1.0], true),
    ];
    let run = NewForecastRun {
        created_at: "2026-12-06T12:00:00Z".into(),
        origin: "2021-12".into(),
        model: "ensemble".into(),
        target: "all".into(),
        level: "pgm".into(),
        horizons: vec![1, 2],
        synthetic: true,
        settings: json!({"seed": 7}),
        skill: json!([
            {"horizon": 1, "best_benchmark": "bootstrap", "ensemble_skill": 0.031, "hurdle_gbm_skill": 0.01, "origins": 40},
            {"horizon": 2, "best_benchmark": "conflictology", "ensemble_skill": -0.02, "hurdle_gbm_skill": -0.05, "origins": 39},
        ]),
    };
    let id = db.store.save_forecast("test", &run, &cells).await.unwrap();

    // the list, with skill and whether the guard fell back, per horizon
    let (s, v) = t.as_role(Role::Planner, Method::GET, "/api/forecasts", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let r = &v["runs"][0];
    assert_eq!((r["id"].as_i64(), r["origin"].as_str(), r["synthetic"].as_bool()), (Some(id), Some("2021-12"), Some(true)));
    assert_eq!(r["horizons"], json!([1, 2]));
    assert_eq!(r["cells"].as_i64(), Some(6));
    assert_eq!((r["skill"][0]["skill"].as_f64(), r["skill"][0]["fell_back"].as_bool()), (Some(0.031), Some(false)));
    assert_eq!((r["skill"][1]["best_benchmark"].as_str(), r["skill"][1]["fell_back"].as_bool()), (Some("conflictology"), Some(true)));
    let (s, one) = t.as_role(Role::Analyst, Method::GET, &format!("/api/forecasts/{id}"), None).await;
    assert_eq!((s, one["settings"]["seed"].as_i64()), (StatusCode::OK, Some(7)));

    // cells at a horizon, with the model used and the guard's reason
    let (s, c) = t.as_role(Role::Responder, Method::GET, &format!("/api/forecasts/{id}/cells?horizon=2"), None).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let list = c["cells"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let m = list.iter().find(|x| x["unit"] == mopti.to_string()).unwrap();
    assert_eq!((m["p_any"].as_f64(), m["mean"].as_f64(), m["q95"].as_f64()), (Some(0.4), Some(1.5), Some(5.0)));
    assert_eq!(m["model_used"], "conflictology");
    assert!(m["fallback_reason"].as_str().unwrap().contains("publishing conflictology"));
    let (s, e) = t.as_role(Role::Analyst, Method::GET, &format!("/api/forecasts/{id}/cells?horizon=5"), None).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("horizon")), "{e}");
    let (s, _) = t.as_role(Role::Analyst, Method::GET, "/api/forecasts/999999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // the VIEWS layout: month_id 505 = 2022-01
    let (s, csv) = t.as_role(Role::Analyst, Method::GET, &format!("/api/forecasts/{id}/views.csv"), None).await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("month_id,priogrid_id,outcome_n\n"), "{csv}");
    assert!(csv.contains(&format!("505,{mopti},2.000000\n")), "{csv}");
    assert!(csv.contains(&format!("506,{bamako},0.250000\n")), "{csv}");
    assert_eq!(csv.lines().count(), 7);

    // Mopti region: Mopti and Bandiagara cells, not Bamako's
    let areas = db.store.areas(1).await.unwrap();
    let region = areas.iter().find(|a| a.name == "Mopti").expect("a Mopti region");
    let (s, a) = t.as_role(Role::Analyst, Method::GET, &format!("/api/forecasts/{id}/areas/{}", region.code), None).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let jan = &a["forecast"][0];
    assert_eq!((jan["month"].as_str(), jan["cells"].as_i64()), (Some("2022-01"), Some(2)));
    assert!((jan["mean"].as_f64().unwrap() - 2.5).abs() < 1e-9, "{jan}");
    assert!((jan["p_any"].as_f64().unwrap() - 0.6).abs() < 1e-9, "1 - 0.5 × 0.8: {jan}");
    assert_eq!((jan["low"].as_f64(), jan["high"].as_f64()), (Some(0.0), Some(8.0)));
    assert_eq!(a["forecast"][1]["fell_back"].as_bool(), Some(true));
    // what then happened, as the monthly totals count it
    let (_, stats) = t
        .as_role(Role::Analyst, Method::GET, &format!("/api/stats/monthly?admin1={}&from=2022-01-01&to=2022-01-31", region.code), None)
        .await;
    let deaths: i64 = stats.as_array().unwrap().iter().map(|m| m["fatalities"].as_i64().unwrap()).sum();
    assert_eq!(jan["observed"].as_i64(), Some(deaths), "{stats}");
    assert_eq!(a["history"].as_array().unwrap().len(), 12);
    assert!(a["method"].as_str().unwrap().contains("upper bound"));

    // every forecast path: the reading roles get it, the reporter is refused, no token is 401
    let paths = [
        "/api/forecasts".to_string(),
        format!("/api/forecasts/{id}"),
        format!("/api/forecasts/{id}/cells?horizon=1"),
        format!("/api/forecasts/{id}/views.csv"),
        format!("/api/forecasts/{id}/areas/{}", region.code),
        "/ogc/collections/forecast/items".to_string(),
    ];
    for p in &paths {
        for role in [Role::Analyst, Role::Responder, Role::HrOfficer, Role::Planner, Role::Admin] {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            assert_eq!(s, StatusCode::OK, "{role} {p}: {v}");
        }
        let (s, v) = t.as_role(Role::Reporter, Method::GET, p, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "reporter {p}: {v}");
        let (s, _, _) = t.call(Method::GET, p, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {p}");
    }

    // the routes are in the OpenAPI document
    let (_, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for p in ["/api/forecasts", "/api/forecasts/{id}", "/api/forecasts/{id}/cells", "/api/forecasts/{id}/views.csv", "/api/forecasts/{id}/areas/{code}"] {
        assert!(doc["paths"].get(p).is_some(), "{p} is not in the OpenAPI document");
    }

    // the OGC collection: the latest cell run, cell polygons with the values
    let (s, cols) = t.as_role(Role::Planner, Method::GET, "/ogc/collections", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(cols["collections"].as_array().unwrap().iter().any(|c| c["id"] == "forecast"));
    let (s, fc) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/forecast/items?horizon=1&limit=2", None).await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!((fc["numberMatched"].as_i64(), fc["numberReturned"].as_i64()), (Some(3), Some(2)));
    assert!(fc["links"].as_array().unwrap().iter().any(|l| l["rel"] == "next"));
    let f0: &Value = &fc["features"][0];
    assert_eq!(f0["geometry"]["type"], "Polygon");
    assert_eq!(f0["geometry"]["coordinates"][0].as_array().unwrap().len(), 5);
    assert_eq!(f0["properties"]["horizon"].as_i64(), Some(1));
    // a box round Bamako finds Bamako's cell only
    let (_, b) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/forecast/items?horizon=2&bbox=-8.1,12.6,-7.9,12.7", None).await;
    let feats = b["features"].as_array().unwrap();
    assert_eq!(feats.len(), 1, "{b}");
    assert_eq!((feats[0]["properties"]["gid"].as_i64(), feats[0]["properties"]["model_used"].as_str()), (Some(bamako), Some("conflictology")));
    let (s, f) = t.as_role(Role::Planner, Method::GET, &format!("/ogc/collections/forecast/items/{mopti}-h1"), None).await;
    assert_eq!((s, f["properties"]["q95"].as_f64()), (StatusCode::OK, Some(6.0)), "{f}");
    let (s, e) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/forecast/items?horizon=x", None).await;
    assert_eq!((s, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("horizon")));
});
