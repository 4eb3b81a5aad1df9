//! Benchmark of the movement figures (issue #18): the overlap measure and route
//! exposure, the way `GET /api/movements/overlap` and `GET /api/routes/{id}/exposure`
//! compute them (store read of the visible incidents, index, measure), on
//!
//! - `demo`: the demo database (2,649 SYNTHETIC incidents, 420 SYNTHETIC movement
//!   requests, the four approximate axes), whole period;
//! - `scale N`: the same movements and routes over N incidents (default 1,000,000)
//!   made from the synthetic rows (ids renumbered, points jittered by up to ±0.5°,
//!   dates spread over 2012–2022), imported into a fresh SQLite file first.
//!
//! `cargo run --release -p vigil-server --example movement_bench -- demo|scale [N]`

use std::io::Write;
use std::time::Instant;
use vigil_movement::overlap::Params;
use vigil_movement::routes::ExposureParams;
use vigil_store::access::Visibility;
use vigil_store::{ImportOptions, Store};

const SYNTHETIC_CSV: &str = include_str!("../../../data/synthetic/ged_mali_synthetic_2012_2022.csv");

async fn fresh(dir: &std::path::Path) -> Store {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    Store::connect(&url)
        .await
        .expect("open")
        .attach_audit_key(vigil_store::audit_key::AuditKey::generate())
        .await
        .expect("key")
}

/// N GED rows from the synthetic ones: unique ids, jittered points, spread dates.
fn scaled_csv(path: &std::path::Path, n: usize) {
    let mut r = csv::Reader::from_reader(SYNTHETIC_CSV.as_bytes());
    let head = r.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let (id, lat, lon, ds, de, year, geom, gid) = (
        col("id"),
        col("latitude"),
        col("longitude"),
        col("date_start"),
        col("date_end"),
        col("year"),
        col("geom_wkt"),
        col("priogrid_gid"),
    );
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path).expect("csv file")));
    w.write_record(&head).expect("write");
    let mut s: u64 = 0x9e3779b97f4a7c15;
    let mut rnd = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("date");
    for i in 0..n {
        let src = &rows[i % rows.len()];
        let mut rec: Vec<String> = src.iter().map(str::to_string).collect();
        rec[id] = (100_000_000 + i).to_string();
        let la: f64 = src[lat].parse::<f64>().unwrap_or(15.0) + (rnd() - 0.5);
        let lo: f64 = src[lon].parse::<f64>().unwrap_or(-2.0) + (rnd() - 0.5);
        rec[lat] = format!("{la:.4}");
        rec[lon] = format!("{lo:.4}");
        rec[geom] = format!("POINT ({lo:.4} {la:.4})");
        rec[gid] = String::new();
        let d = start + chrono::Duration::days((rnd() * 4017.0) as i64);
        rec[ds] = d.to_string();
        rec[de] = d.to_string();
        rec[year] = d.format("%Y").to_string();
        w.write_record(&rec).expect("write");
    }
    w.flush().expect("flush");
}

async fn measure(store: &Store, label: &str, out: &mut impl Write) {
    let n = store.count_incidents(&Default::default()).await.expect("count");
    writeln!(out, "## {label}: {n} incidents").ok();
    // the store read alone (what the overlap reads: the movements' two years, all of Mali)
    let t = Instant::now();
    let pts = store
        .movement_incident_points(Visibility::Confidential, "2021-01-01", "2023-04-01", None)
        .await
        .expect("points");
    writeln!(out, "store read of the incidents 2021-01-01..2023-04-01: {} rows in {:.0} ms", pts.len(), t.elapsed().as_secs_f64() * 1000.0).ok();
    for (vis, who) in
        [(Visibility::Public, "planner (public incidents)"), (Visibility::Confidential, "hr_officer (all)")]
    {
        for p in [Params { km: 20.0, days: 30 }, Params { km: 50.0, days: 90 }] {
            let t = Instant::now();
            let o = vigil_app::movement::overlap(store, true, vis, p).await.expect("overlap");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            writeln!(
                out,
                "overlap km={} days={} as {who}: {ms:.0} ms; {} movements; restricted {} (mean incidents {:.2}, civ deaths {:.2}) vs granted {} (mean incidents {:.2}, civ deaths {:.2})",
                p.km,
                p.days,
                o.rows.len(),
                o.restricted.movements,
                o.restricted.mean_incidents.unwrap_or(0.0),
                o.restricted.mean_civilian_deaths.unwrap_or(0.0),
                o.granted.movements,
                o.granted.mean_incidents.unwrap_or(0.0),
                o.granted.mean_civilian_deaths.unwrap_or(0.0),
            )
            .ok();
        }
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
    for r in store.routes().await.expect("routes") {
        let t = Instant::now();
        let p = ExposureParams { buffer_km: 10.0, segment_km: 25.0, as_of };
        let x = vigil_app::movement::route_exposure(store, Visibility::Confidential, r.id, p).await.expect("exposure");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let segs = x["segments"].as_array().map(Vec::len).unwrap_or(0);
        let inc: i64 =
            x["segments"].as_array().into_iter().flatten().map(|s| s["incidents_12m"].as_i64().unwrap_or(0)).sum();
        writeln!(out, "exposure {} (10 km buffer, 25 km segments, 12 months to {as_of}): {ms:.0} ms; {segs} segments, {inc} incidents in the last 12 months", r.route.name).ok();
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = fresh(dir.path()).await;
    let mut out = std::io::stdout();
    match mode {
        "demo" => {
            let t = Instant::now();
            vigil_server::demo::seed(&store, false).await.expect("seed");
            writeln!(out, "demo seeded in {:.1}s", t.elapsed().as_secs_f64()).ok();
            measure(&store, "demo (SYNTHETIC)", &mut out).await;
        }
        "scale" => {
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
            // a database from an earlier run (third argument: its path) is measured as it is
            if let Some(path) = args.get(3).filter(|p| std::path::Path::new(p).exists()) {
                let reuse = Store::connect(&format!("sqlite://{path}")).await.expect("open");
                measure(&reuse, &format!("scale (SYNTHETIC, {path})"), &mut out).await;
                return;
            }
            vigil_server::demo::seed(&store, false).await.expect("seed");
            let csv_path = dir.path().join("scaled.csv");
            let t = Instant::now();
            scaled_csv(&csv_path, n);
            let reader = vigil_ingest::IncidentReader::open(&csv_path).expect("reader");
            store.import_incidents(reader, ImportOptions::default(), &|_| {}).await.expect("import");
            writeln!(out, "{n} scaled SYNTHETIC incidents written and imported in {:.1}s", t.elapsed().as_secs_f64())
                .ok();
            measure(&store, &format!("scale (SYNTHETIC, demo + {n})"), &mut out).await;
            if let Some(path) = args.get(3) {
                store.close().await;
                std::fs::copy(dir.path().join("bench.db"), path).expect("keep the database");
            }
        }
        _ => panic!("usage: movement_bench demo | scale [N]"),
    }
}
