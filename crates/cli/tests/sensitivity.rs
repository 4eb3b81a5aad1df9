//! `vigil incidents` (GED CSV, GeoJSON, HXL) holds back restricted and confidential
//! incidents unless `--include-sensitive` is given, and that export is an audit
//! entry naming who ran it (see vigil_store::access for the table).

use std::path::Path;

mod common;

use common::{ok, repo};

/// The incident ids of a CSV export: column `id` (GED layout) or `source_id` (HXL).
fn csv_ids(text: &str, skip_hashtags: bool) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "id" || h == "source_id").expect("an id column");
    let mut out: Vec<String> = rdr.records().map(|r| r.unwrap()[col].to_string()).collect();
    if skip_hashtags {
        out.remove(0);
    }
    out
}

fn geojson_ids(text: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["features"].as_array().unwrap().iter().map(|f| f["properties"]["source_id"].as_str().unwrap().to_string()).collect()
}

fn db_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("vigil.db").display())
}

#[test]
fn exports_hold_back_sensitive_incidents_unless_asked_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["import", repo("testdata/ged191_hdx_format_BGD_fixture.csv").to_str().unwrap()]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = db_url(dir.path());
    let marked: Vec<String> = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, source_id FROM incidents ORDER BY id LIMIT 2").fetch_all(&pool).await.unwrap();
        for ((id, _), level) in rows.iter().zip(["confidential", "restricted"]) {
            sqlx::query("UPDATE incidents SET sensitivity = $1 WHERE id = $2").bind(level).bind(id).execute(&pool).await.unwrap();
        }
        rows.into_iter().map(|(_, s)| s).collect()
    });
    let exports = |extra: &[&str]| {
        let run = |format: &str| {
            let mut args = vec!["incidents", "--format", format];
            args.extend_from_slice(extra);
            ok(dir.path(), &args)
        };
        [csv_ids(&run("csv"), false), csv_ids(&run("hxl"), true), geojson_ids(&run("geojson"))]
    };
    let default = exports(&[]);
    let all = exports(&["--include-sensitive"]);
    for (held, full) in default.iter().zip(&all) {
        assert_eq!(held.len() + 2, full.len(), "two incidents held back");
        for id in &marked {
            assert!(!held.contains(id), "{id} exported without the flag");
            assert!(full.contains(id), "{id} missing with --include-sensitive: {full:?}");
        }
    }
    // every format carries Vigil's fields: here each marked row's sensitivity
    let sensitivity_of = |text: &str, skip_hashtags: bool| -> Vec<(String, String)> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let id = h.iter().position(|c| c == "id" || c == "source_id").unwrap();
        let sens = h.iter().position(|c| c == "sensitivity").expect("a sensitivity column");
        assert!(h.iter().any(|c| c == "mission_category") && h.iter().any(|c| c == "verification"), "{h:?}");
        rdr.records().skip(usize::from(skip_hashtags)).map(|r| r.unwrap()).map(|r| (r[id].to_string(), r[sens].to_string())).collect()
    };
    let full_run = |format: &str| ok(dir.path(), &["incidents", "--format", format, "--include-sensitive"]);
    for (rows, what) in [(sensitivity_of(&full_run("csv"), false), "csv"), (sensitivity_of(&full_run("hxl"), true), "hxl")] {
        for (id, level) in marked.iter().zip(["confidential", "restricted"]) {
            assert!(rows.contains(&(id.clone(), level.to_string())), "{what}: {id} is {level}: {rows:?}");
        }
    }
    let gj: serde_json::Value = serde_json::from_str(&full_run("geojson")).unwrap();
    let f = gj["features"].as_array().unwrap().iter().find(|f| f["properties"]["source_id"] == marked[0].as_str()).unwrap();
    assert_eq!(f["properties"]["sensitivity"], "confidential", "{f}");
    let entries: Vec<(String, String, Option<String>)> = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_as("SELECT actor, action, after_json FROM audit_log WHERE action = 'export_sensitive' ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap()
    });
    assert_eq!(entries.len(), 6, "one entry per export with the flag, none without: {entries:?}");
    assert!(entries.iter().all(|(actor, _, _)| actor.starts_with("cli:")), "{entries:?}");
    assert!(entries[1].2.as_deref().unwrap().contains("\"format\":\"hxl\""), "{entries:?}");
}
