//! OGC API – Features read by a real client: GDAL's OAPIF driver (`ogrinfo`, `ogr2ogr`
//! from Debian's gdal-bin, what QGIS uses underneath) against the app served on a
//! local port with the demo data, authenticated with a bearer token; and, in-process
//! on both backends, the rules of the standard a client relies on (conformance,
//! paging to the end, bbox and datetime, 400 on a bad parameter, 404).
//!
//! Needs `ogrinfo` and `ogr2ogr` (`apt-get install gdal-bin`); when missing the GDAL
//! test fails with CI=true and is skipped with a note otherwise.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::Value;
use std::process::Command;
use vigil_store::accounts::Role;

fn have_gdal() -> bool {
    let ok = ["ogrinfo", "ogr2ogr"]
        .iter()
        .all(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()));
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("the OGC API test needs GDAL in CI: apt-get install gdal-bin");
        }
        eprintln!("SKIPPED GDAL test (not in CI): no ogrinfo / ogr2ogr (apt-get install gdal-bin)");
    }
    ok
}

/// Run a GDAL tool with the token (if any); (success, stdout + stderr).
fn gdal(tool: &str, args: &[&str], token: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(tool);
    cmd.args(args).env("GDAL_HTTP_TIMEOUT", "60").env_remove("GDAL_HTTP_HEADERS");
    if let Some(t) = token {
        cmd.env("GDAL_HTTP_HEADERS", format!("Authorization: Bearer {t}"));
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("run {tool}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn feature_count(ogrinfo: &str) -> i64 {
    let line = ogrinfo
        .lines()
        .find_map(|l| l.trim().strip_prefix("Feature Count:"))
        .unwrap_or_else(|| panic!("no feature count in: {ogrinfo}"));
    line.trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_reads_incidents_and_admin_areas() {
    if !have_gdal() {
        return;
    }
    let db = common::sqlite().await;
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = vigil_server::app(t.state.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let token = t.token(Role::Planner).to_string();
    let all = db.store.count_incidents(&Default::default()).await.unwrap();
    let src = format!("OAPIF:http://{addr}/ogc");

    let result = tokio::task::spawn_blocking(move || {
        let tok = Some(token.as_str());
        // the layers a GIS client lists
        let (ok, out) = gdal("ogrinfo", &["-ro", "-q", &src], tok);
        assert!(ok, "{out}");
        for layer in ["incidents", "admin1", "admin2"] {
            assert!(out.lines().any(|l| l.contains(&format!(": {layer}"))), "no layer {layer}: {out}");
        }
        // the incident count the server reports
        let (ok, out) = gdal("ogrinfo", &["-ro", "-so", &src, "incidents"], tok);
        assert!(ok, "{out}");
        assert_eq!(feature_count(&out), all, "{out}");
        // every incident, page after page (1000 a page: 3 pages), each once
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("incidents.geojson");
        let p = path.to_str().unwrap();
        let (ok, out) = gdal("ogr2ogr", &["-f", "GeoJSON", p, &src, "incidents", "-oo", "PAGE_SIZE=1000"], tok);
        assert!(ok, "{out}");
        let fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let feats = fc["features"].as_array().unwrap();
        assert_eq!(feats.len() as i64, all);
        let ids: std::collections::HashSet<String> =
            feats.iter().map(|f| f["properties"]["source_id"].as_str().unwrap().to_string()).collect();
        assert_eq!(ids.len() as i64, all, "an incident twice");
        assert!(feats.iter().all(|f| f["properties"]["synthetic"] == true && f["geometry"]["type"] == "Point"));
        // a map view over Mopti: the server's bbox filter, as GDAL passes it on
        let (w, s, e, n) = (-5.0, 13.5, -3.0, 15.5);
        let inside = feats
            .iter()
            .filter(|f| {
                let c = &f["geometry"]["coordinates"];
                let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                (w..=e).contains(&x) && (s..=n).contains(&y)
            })
            .count() as i64;
        assert!(inside > 10 && inside < all, "{inside}");
        let bbox = [w, s, e, n].map(|v| v.to_string());
        let mut args = vec!["-ro", "-so", "-spat"];
        args.extend(bbox.iter().map(String::as_str));
        args.extend([src.as_str(), "incidents"]);
        let (ok, out) = gdal("ogrinfo", &args, tok);
        assert!(ok, "{out}");
        assert_eq!(feature_count(&out), inside, "{out}");
        // the cercles, with their names
        let path = dir.path().join("admin2.geojson");
        let (ok, out) = gdal("ogr2ogr", &["-f", "GeoJSON", path.to_str().unwrap(), &src, "admin2"], tok);
        assert!(ok, "{out}");
        let fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let cercles = fc["features"].as_array().unwrap();
        assert_eq!(cercles.len(), 50);
        assert!(cercles.iter().any(|f| f["properties"]["name"] == "Mopti"), "no Mopti cercle");
        // without a token the data stays closed
        let (ok, out) = gdal("ogrinfo", &["-ro", "-so", &src, "incidents"], None);
        assert!(!ok, "read without a token: {out}");
    })
    .await;
    server.abort();
    result.unwrap();
}

both_backends!(ogc_api_pages_filters_and_refuses_bad_parameters, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    // open: the landing page and conformance, with the links a client follows
    let (s, landing, _) = t.call(Method::GET, "/ogc", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let rels: Vec<&str> = landing["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rel} missing: {landing}");
    }
    let (_, conf, _) = t.call(Method::GET, "/ogc/conformance", None, None).await;
    assert!(conf["conformsTo"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().ends_with("/conf/geojson")));
    // closed: the data
    let (s, _, _) = t.call(Method::GET, "/ogc/collections", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = t.as_role(Role::Reporter, Method::GET, "/ogc/collections", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, cols) = t.as_role(Role::Responder, Method::GET, "/ogc/collections", None).await;
    assert_eq!(s, StatusCode::OK);
    let inc = cols["collections"].as_array().unwrap().iter().find(|c| c["id"] == "incidents").unwrap();
    let interval = &inc["extent"]["temporal"]["interval"][0];
    assert_eq!(interval[0].as_str().map(|d| &d[..4]), Some("2012"), "{inc}");
    assert_eq!(interval[1].as_str().map(|d| &d[..10]), Some("2023-01-02"), "the last end date: {inc}");
    let bbox = inc["extent"]["spatial"]["bbox"][0].as_array().unwrap();
    assert!(bbox[0].as_f64().unwrap() > -13.0 && bbox[2].as_f64().unwrap() < 5.0, "Mali's longitudes: {inc}");

    // one year, 2019, through `datetime`, walked to the end with `next`
    let (_, year) = t.as_role(Role::Analyst, Method::GET, "/api/stats/monthly?from=2019-01-01&to=2019-12-31", None).await;
    let in_2019: i64 = year.as_array().unwrap().iter().map(|m| m["incidents"].as_i64().unwrap()).sum();
    let mut url = "/ogc/collections/incidents/items?datetime=2019-01-01T00:00:00Z/2019-12-31&limit=60".to_string();
    let (mut seen, mut pages) = (std::collections::HashSet::new(), 0);
    loop {
        let (s, page) = t.as_role(Role::Analyst, Method::GET, &url, None).await;
        assert_eq!(s, StatusCode::OK, "{url}: {page}");
        assert_eq!(page["numberMatched"].as_i64(), Some(in_2019));
        for f in page["features"].as_array().unwrap() {
            let d = f["properties"]["date_start"].as_str().unwrap();
            assert!(d.starts_with("2019-"), "{d}");
            assert!(seen.insert(f["id"].as_i64().unwrap()));
        }
        pages += 1;
        let next = page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").cloned();
        match next {
            Some(l) => url = l["href"].as_str().unwrap().trim_start_matches("http://localhost").to_string(),
            None => break,
        }
    }
    assert_eq!((seen.len() as i64, pages), (in_2019, (in_2019 + 59) / 60));
    // one feature by id; an unknown one and an unknown collection are 404
    let id = *seen.iter().next().unwrap();
    let (s, f) = t.as_role(Role::Planner, Method::GET, &format!("/ogc/collections/incidents/items/{id}"), None).await;
    assert_eq!((s, f["id"].as_i64()), (StatusCode::OK, Some(id)));
    assert!(f["links"].as_array().unwrap().iter().any(|l| l["rel"] == "collection"));
    let (s, _) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/incidents/items/999999999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/roads/items", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // a cercle's box finds that cercle among the 50
    let (_, one) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/admin2/items?bbox=-4.2,14.4,-4.1,14.5", None).await;
    let codes: Vec<&str> = one["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(!codes.is_empty() && codes.len() < 50, "{codes:?}");
    assert!(one["features"].as_array().unwrap().iter().any(|f| f["properties"]["name"] == "Mopti"), "{codes:?}");
    // a limit above the maximum is the maximum, not an error
    let (s, big) = t.as_role(Role::Planner, Method::GET, "/ogc/collections/admin2/items?limit=1000000", None).await;
    assert_eq!((s, big["numberReturned"].as_i64()), (StatusCode::OK, Some(50)), "{}", big["links"]);
    // bad parameters are 400 and named
    for (q, param) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=-4,15,-3,14", "bbox"),
        ("datetime=2019-13-01", "datetime"),
        ("datetime=2020-01-01/2019-01-01", "datetime"),
        ("limit=0", "limit"),
        ("colour=red", "colour"),
        ("f=html", "f"),
    ] {
        let (s, v) = t.as_role(Role::Planner, Method::GET, &format!("/ogc/collections/incidents/items?{q}"), None).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::BAD_REQUEST, Some(param)), "{q}: {v}");
    }
});
