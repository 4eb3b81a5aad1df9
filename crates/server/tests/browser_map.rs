//! The map at 100,000 incidents in a real browser (issue 15): `tests/browser/map-100k.mjs`
//! against the demo app with 100,000 more SYNTHETIC incidents (the demo's rows repeated
//! with new ids and points moved by up to ±0.4°, loaded through the store's import
//! path). An analyst opens the map, reads the total, checks that the circles add up to
//! what the view holds, zooms in and out several times and pans, each time checking
//! the circles again, and finds towns labelled. The script PRINTS the longest main-thread
//! task (Chromium's PerformanceObserver 'longtask') while zooming: speed is reported,
//! never asserted.
//!
//! Skipped with a note (failed in CI) without chromium or `npm ci`, like `browser.rs`.
//! Run it alone: `cargo test -p vigil-server --test browser_map -- --nocapture`.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use vigil_server::demo::DEMO_USERS;
use vigil_server::{app, AppState, ServerConfig};
use vigil_store::accounts::Role;
use vigil_store::incidents::ImportOptions;
use vigil_store::Store;

/// Incidents added to the demo's.
const EXTRA: usize = 100_000;

/// The demo's synthetic GED rows repeated `n` times over with new ids (from 80,000,000)
/// and their points moved by a fixed pseudo-random offset of up to ±0.4°; still SYNTHETIC
/// in every row (`source_article`).
fn synthetic_rows(root: &Path, n: usize) -> Vec<u8> {
    let text =
        std::fs::read_to_string(root.join("data/synthetic/ged_mali_synthetic_2012_2022.csv"))
            .expect("the demo's synthetic file");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header = rd.headers().expect("header").clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (id, lat, lon) = (col("id"), col("latitude"), col("longitude"));
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&header).expect("write");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64: the same file every run
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 10_000) as f64 / 10_000.0 - 0.5
    };
    for i in 0..n {
        let r = &rows[i % rows.len()];
        let mut out: Vec<String> = r.iter().map(str::to_string).collect();
        out[id] = (80_000_000 + i).to_string();
        let la: f64 = out[lat].parse().expect("latitude");
        let lo: f64 = out[lon].parse().expect("longitude");
        out[lat] = format!("{:.4}", la + next() * 0.8);
        out[lon] = format!("{:.4}", lo + next() * 0.8);
        w.write_record(&out).expect("write");
    }
    w.into_inner().expect("flush")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_at_100k_incidents_zooms_with_server_aggregates() {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = if !Path::new(&chromium).exists() {
        Some(format!("no browser at {chromium}"))
    } else if !root.join("node_modules/playwright-core").is_dir() {
        Some("node_modules/playwright-core missing: `npm ci`".into())
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "browser test cannot run in CI: {why}"
        );
        eprintln!("SKIPPED browser test (not in CI): {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&db)
        .await
        .expect("open store")
        .attach_audit_key(vigil_store::audit_key::AuditKey::generate())
        .await
        .expect("audit key");
    vigil_server::demo::seed(&store, true)
        .await
        .expect("seed demo data");
    let started = Instant::now();
    let bytes = synthetic_rows(&root, EXTRA);
    let reader =
        vigil_ingest::IncidentReader::from_reader(Cursor::new(bytes), "synthetic-100k.csv")
            .expect("reader");
    let r = store
        .import_incidents(reader, ImportOptions::default(), &|_| {})
        .await
        .expect("import 100k");
    assert_eq!(r.added, EXTRA as u64, "{r:?}");
    eprintln!(
        "100,000 SYNTHETIC incidents generated and imported in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let total = store
        .count_incidents(&Default::default())
        .await
        .expect("count");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = ServerConfig {
        demo: true,
        ..ServerConfig::default()
    };
    let state = AppState::new(store, config).await.expect("app state");
    let server = tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });
    let (user, _, pass) = DEMO_USERS
        .iter()
        .find(|(_, r, _)| *r == Role::Analyst)
        .expect("demo analyst");
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(root.join("crates/server/tests/browser/map-100k.mjs"))
        .current_dir(&root)
        .env("VIGIL_BASE_URL", format!("http://{addr}"))
        .env("VIGIL_EXPECT_SYNTHETIC", "1")
        .env("VIGIL_EXPECT_TOTAL", total.to_string())
        .env("VIGIL_ANALYST", format!("{user}:{pass}"))
        .env("CHROMIUM", &chromium)
        .env_remove("VIGIL_SCREENSHOTS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(v) = std::env::var("VIGIL_SCREENSHOTS")
        .ok()
        .filter(|v| !v.is_empty() && v != "0")
    {
        let shots = if v == "1" {
            root.join("docs/screenshots")
        } else {
            PathBuf::from(v)
        };
        std::fs::create_dir_all(&shots).expect("screenshot folder");
        cmd.env("VIGIL_SCREENSHOTS", shots);
    }
    let out = tokio::time::timeout(Duration::from_secs(300), cmd.output())
        .await
        .expect("the browser test map-100k.mjs finished within 5 minutes")
        .expect("run node");
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser test map-100k.mjs failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.lines().any(|l| l == "[browser map-100k] PASS"),
        "the script did not report PASS:\n{stdout}"
    );
}
