//! `GET /api/incidents/map` (issue 15): the map's aggregation by zoom, on both
//! backends. Over the demo's SYNTHETIC incidents: the cells' counts and fatalities add
//! up to the filtered total (the same as the incident list's), a small box gives its
//! points, each cell holds what its column and row say; a restricted incident is
//! counted and drawn for an analyst and neither for a responder, a confidential one
//! only for the hr_officer; a reporter is refused; bad boxes and zooms are named.

mod common;

use axum::http::{Method, StatusCode};
use common::{good_coding, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role::{self, *};

async fn get(t: &TestApp, role: Role, q: &str) -> Value {
    let (s, v) = t
        .as_role(role, Method::GET, &format!("/api/incidents/map?{q}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{q}: {v}");
    v
}

/// `numberMatched` and `fatalities` of the incident list for the same filters.
async fn list_totals(t: &TestApp, role: Role, filters: &str) -> (i64, i64) {
    let (s, v) = t
        .as_role(
            role,
            Method::GET,
            &format!("/api/incidents?limit=1&{filters}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (
        v["numberMatched"].as_i64().unwrap(),
        v["fatalities"].as_i64().unwrap(),
    )
}

fn sums(v: &Value) -> (i64, i64) {
    let cells = v["cells"].as_array().unwrap();
    (
        cells.iter().map(|c| c["count"].as_i64().unwrap()).sum(),
        cells
            .iter()
            .map(|c| c["fatalities"].as_i64().unwrap())
            .sum(),
    )
}

async fn demo_app(db: &vigil_testkit::TestDb) -> TestApp {
    vigil_server::demo::seed(&db.store, false)
        .await
        .expect("demo data");
    TestApp::new(&db.store, true).await
}

both_backends!(
    cells_add_up_to_the_filtered_total_and_a_small_box_gives_points,
    |db| {
        let t = demo_app(&db).await;
        for filters in ["", "type=1", "from=2018-01-01&to=2019-12-31", "admin1=ML04"] {
            let (n, fat) = list_totals(&t, Analyst, filters).await;
            assert!(n > 0, "the demo has incidents for {filters:?}");
            // the whole of Mali at the zoom the map opens with
            let v = get(&t, Analyst, &format!("bbox=-13,9,5,26&zoom=5&{filters}")).await;
            assert_eq!(
                v["total"]["count"].as_i64(),
                Some(n),
                "{filters}: total = the list's numberMatched"
            );
            assert_eq!(v["total"]["fatalities"].as_i64(), Some(fat), "{filters}");
            assert_eq!(
                v["in_view"]["count"].as_i64(),
                Some(n),
                "{filters}: every demo incident lies in Mali's box"
            );
            if n > 2000 {
                assert_eq!(v["mode"], "cells", "{filters}");
                assert_eq!(
                    sums(&v),
                    (n, fat),
                    "{filters}: the cells add up to the total"
                );
                let size = v["cell_size"].as_f64().unwrap();
                assert_eq!(size, 90.0 / 32.0, "zoom 5 → 90/2^5 degrees");
                for c in v["cells"].as_array().unwrap() {
                    let (col, row) = (
                        c["col"].as_i64().unwrap() as f64,
                        c["row"].as_i64().unwrap() as f64,
                    );
                    let b: Vec<f64> = c["bbox"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap())
                        .collect();
                    assert!(
                        b[0] >= col * size - 180.0 && b[2] < (col + 1.0) * size - 180.0,
                        "{c}: points within its column"
                    );
                    assert!(
                        b[1] >= row * size - 90.0 && b[3] < (row + 1.0) * size - 90.0,
                        "{c}: points within its row"
                    );
                }
                // a finer zoom: more cells, the same sum
                let finer = get(&t, Analyst, &format!("bbox=-13,9,5,26&zoom=8&{filters}")).await;
                assert_eq!(sums(&finer), (n, fat), "{filters}: zoom 8");
                assert!(
                    finer["cells"].as_array().unwrap().len() > v["cells"].as_array().unwrap().len()
                );
            } else {
                assert_eq!(v["mode"], "points", "{filters}");
                assert_eq!(v["features"].as_array().unwrap().len() as i64, n);
            }
        }
        let (all, _) = list_totals(&t, Analyst, "").await;
        assert!(all > 2000, "the demo is big enough for cells: {all}");

        // a box of 0.3° around Mopti: few incidents, as points with what the popups show
        let bbox = [-4.35, 14.35, -4.05, 14.65];
        let v = get(
            &t,
            Analyst,
            &format!(
                "bbox={},{},{},{}&zoom=11",
                bbox[0], bbox[1], bbox[2], bbox[3]
            ),
        )
        .await;
        assert_eq!(v["mode"], "points", "{v}");
        let feats = v["features"].as_array().unwrap();
        assert!(!feats.is_empty(), "the demo has incidents around Mopti");
        assert_eq!(feats.len() as i64, v["in_view"]["count"].as_i64().unwrap());
        assert_eq!(
            v["total"]["count"].as_i64(),
            Some(all),
            "the total does not depend on the box"
        );
        for f in feats {
            let c = &f["geometry"]["coordinates"];
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3],
                "{f}"
            );
            let p = &f["properties"];
            assert!(
                p["id"].is_i64()
                    && p["best"].is_i64()
                    && p.get("injured").is_some()
                    && p.get("victim_affiliation").is_some(),
                "{p}"
            );
        }
        // the same box at a low zoom still gives points: the count decides, not the zoom
        let low = get(
            &t,
            Analyst,
            &format!(
                "bbox={},{},{},{}&zoom=4",
                bbox[0], bbox[1], bbox[2], bbox[3]
            ),
        )
        .await;
        assert_eq!(low["mode"], "points");
        assert_eq!(low["features"].as_array().unwrap().len(), feats.len());
    }
);

/// Code a report at (lat, lon) into an incident of that sensitivity.
async fn incident_at(t: &TestApp, lat: f64, lon: f64, sensitivity: &str) -> i64 {
    let rid = t
        .report(Reporter, json!({"latitude": lat, "longitude": lon}))
        .await;
    let mut c = good_coding();
    c["sensitivity"] = sensitivity.into();
    c["best"] = 7.into();
    c["low"] = 7.into();
    c["high"] = 9.into();
    let (s, v) = t
        .as_role(
            Analyst,
            Method::POST,
            &format!("/api/reports/{rid}/verify"),
            Some(c),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["incident_id"].as_i64().unwrap()
}

both_backends!(
    restricted_incidents_are_counted_and_drawn_only_for_roles_that_see_them,
    |db| {
        let t = demo_app(&db).await;
        let roles = [Responder, Planner, Analyst, Admin, HrOfficer];
        let mut before = vec![];
        for role in roles {
            before.push(list_totals(&t, role, "").await);
        }
        // far from the demo's incidents (north of Kidal), each alone in its box
        let restricted = incident_at(&t, 20.9, 1.1, "restricted").await;
        let confidential = incident_at(&t, 21.4, 1.6, "confidential").await;
        let near = |lat: f64, lon: f64| {
            format!(
                "bbox={},{},{},{}&zoom=10",
                lon - 0.1,
                lat - 0.1,
                lon + 0.1,
                lat + 0.1
            )
        };
        let ids = |v: &Value| -> Vec<i64> {
            v["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["properties"]["id"].as_i64().unwrap())
                .collect()
        };
        let cases: &[(Role, bool, bool)] = &[
            (Responder, false, false),
            (Planner, false, false),
            (Analyst, true, false),
            (Admin, true, false),
            (HrOfficer, true, true),
        ];
        for (i, &(role, sees_restricted, sees_confidential)) in cases.iter().enumerate() {
            assert_eq!(role, roles[i]);
            let (base, base_fat) = before[i];
            let extra = i64::from(sees_restricted) + i64::from(sees_confidential);
            let (n, fat) = list_totals(&t, role, "").await;
            assert_eq!(n, base + extra, "{role}: the list");
            let whole = get(&t, role, "bbox=-13,9,5,26&zoom=5").await;
            assert_eq!(
                whole["total"]["count"].as_i64(),
                Some(n),
                "{role}: the map's total is the list's"
            );
            assert_eq!(
                sums(&whole),
                (n, fat),
                "{role}: cells add up to what the role sees"
            );
            assert_eq!(fat, base_fat + 7 * extra, "{role}");
            let r = get(&t, role, &near(20.9, 1.1)).await;
            assert_eq!(r["mode"], "points");
            assert_eq!(
                ids(&r),
                if sees_restricted {
                    vec![restricted]
                } else {
                    vec![]
                },
                "{role}: the restricted point"
            );
            assert_eq!(
                r["in_view"]["count"].as_i64(),
                Some(i64::from(sees_restricted)),
                "{role}"
            );
            let c = get(&t, role, &near(21.4, 1.6)).await;
            assert_eq!(
                ids(&c),
                if sees_confidential {
                    vec![confidential]
                } else {
                    vec![]
                },
                "{role}: the confidential point"
            );
        }
    }
);

both_backends!(refused_to_reporters_and_bad_parameters_named, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (s, _) = t
        .as_role(Reporter, Method::GET, "/api/incidents/map?zoom=5", None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = t
        .call(Method::GET, "/api/incidents/map?zoom=5", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for (q, field) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=0,10,1,5", "bbox"),
        ("zoom=40", "zoom"),
        ("zoom=x", "zoom"),
        ("type=9", "type"),
        ("colour=red", "colour"),
    ] {
        let (s, v) = t
            .as_role(
                Analyst,
                Method::GET,
                &format!("/api/incidents/map?{q}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert_eq!(v["field"].as_str(), Some(field), "{q}: {v}");
    }
    // an empty store: zero everywhere, no cells, no points
    let v = get(&t, Planner, "bbox=-200,-100,200,100&zoom=2").await;
    assert_eq!(
        (v["total"]["count"].as_i64(), v["mode"].as_str()),
        (Some(0), Some("points")),
        "{v}"
    );
});
