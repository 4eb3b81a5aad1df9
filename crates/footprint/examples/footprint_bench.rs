//! Footprint benchmark (bench/footprint/run.sh): all six scenarios, day and night, on
//! the demo inputs (the SYNTHETIC incidents of the last 12 months of data, the 498
//! PRIO-GRID cells of Mali, the GeoNames towns of Mali, the named routes) and on 1M
//! SYNTHETIC points spread over Mali's box. Writes the points and each scenario's reach
//! sources for the geopandas reference (reference.py), and prints times and counts.
//!
//!   cargo run -p vigil-footprint --example footprint_bench -- OUT_DIR [N_POINTS]

use std::io::Write;
use std::time::Instant;
use vigil_footprint::compare::{route_points, Inputs, FORECAST_COLUMNS, INCIDENT_COLUMNS, TOWN_COLUMNS};
use vigil_footprint::reach::{tally, PointIn, PointSet, Reach, GROUND, IN_1H, IN_2H};
use vigil_footprint::scenario::apply;

fn col(headers: &csv::StringRecord, name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::PathBuf::from(args.get(1).cloned().unwrap_or_else(|| "bench/out/footprint".into()));
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    std::fs::create_dir_all(&out).expect("out dir");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fp = vigil_footprint::load_shipped().expect("shipped data");
    let s = fp.options.settings.clone();

    // demo incidents: the last 12 months of the SYNTHETIC demo data (2022)
    let mut rd =
        csv::Reader::from_path(root.join("data/synthetic/ged_mali_synthetic_2012_2022.csv")).expect("synthetic csv");
    let h = rd.headers().expect("headers").clone();
    let (ila, ilo, ib, id, ic, it) = (
        col(&h, "latitude"),
        col(&h, "longitude"),
        col(&h, "best"),
        col(&h, "date_start"),
        col(&h, "deaths_civilians"),
        col(&h, "type_of_violence"),
    );
    let mut inc = vec![];
    for r in rd.records() {
        let r = r.expect("row");
        if r[id][..10] < *"2022-01-01" {
            continue;
        }
        let b: f64 = r[ib].parse().unwrap_or(0.0);
        let t: i64 = r[it].parse().unwrap_or(0);
        inc.push(PointIn {
            lat: r[ila].parse().expect("lat"),
            lon: r[ilo].parse().expect("lon"),
            weights: vec![
                1.0,
                b,
                r[ic].parse().unwrap_or(0.0),
                if t == 1 { b } else { 0.0 },
                if t == 2 { b } else { 0.0 },
                if t == 3 { b } else { 0.0 },
            ],
            admin1: None,
            admin2: None,
        });
    }
    let mut rd = csv::Reader::from_path(root.join("data/priogrid/priogrid_cells_mali.csv")).expect("priogrid csv");
    let h = rd.headers().expect("headers").clone();
    let (cx, cy, ca) = (col(&h, "xcoord"), col(&h, "ycoord"), col(&h, "adm1_name"));
    let cells: Vec<PointIn> = rd
        .records()
        .map(|r| {
            let r = r.expect("row");
            PointIn {
                lat: r[cy].parse().expect("y"),
                lon: r[cx].parse().expect("x"),
                weights: vec![1.0],
                admin1: Some(r[ca].to_string()),
                admin2: None,
            }
        })
        .collect();
    let mut rd =
        csv::Reader::from_path(root.join("data/places/geonames_cities1000_MLI_BFA_NER.csv")).expect("places csv");
    let h = rd.headers().expect("headers").clone();
    let (tc, tp, tla, tlo) =
        (col(&h, "country_code"), col(&h, "population"), col(&h, "latitude"), col(&h, "longitude"));
    let towns: Vec<PointIn> = rd
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| &r[tc] == "ML")
        .map(|r| PointIn {
            lat: r[tla].parse().expect("lat"),
            lon: r[tlo].parse().expect("lon"),
            weights: vec![r[tp].parse().unwrap_or(0.0), 1.0],
            admin1: None,
            admin2: None,
        })
        .collect();

    // 1M SYNTHETIC points over Mali's box (deterministic)
    let mut seed: u64 = 0x2023_0116;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let big: Vec<PointIn> = (0..n)
        .map(|i| PointIn {
            lat: 10.2 + next() * 14.8,
            lon: -12.2 + next() * 16.4,
            weights: vec![1.0, (i % 7) as f64, 0.0, 0.0, 0.0, 0.0],
            admin1: None,
            admin2: None,
        })
        .collect();

    // points for the reference
    let write = |name: &str, pts: &[PointIn]| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out.join(name)).expect("create"));
        writeln!(f, "lat,lon").expect("write");
        for p in pts {
            writeln!(f, "{},{}", p.lat, p.lon).expect("write");
        }
    };
    let demo_all: Vec<PointIn> = inc.iter().chain(&cells).chain(&towns).cloned().collect();
    write("demo_points.csv", &demo_all);
    write("synthetic_points.csv", &big);

    let t0 = Instant::now();
    let inputs = Inputs {
        incidents: PointSet::build("incidents", INCIDENT_COLUMNS, inc.clone()),
        forecast: PointSet::build("forecast", FORECAST_COLUMNS, cells.clone()),
        towns: PointSet::build("towns", TOWN_COLUMNS, towns.clone()),
        routes: route_points(&fp.sites),
        notes: vec![],
    };
    let build_demo = t0.elapsed();
    let t0 = Instant::now();
    let bigset = PointSet::build("synthetic", INCIDENT_COLUMNS, big);
    let build_big = t0.elapsed();

    // reach sources per scenario for the reference
    let mut scen = vec![];
    for sc in &fp.options.scenarios {
        let st = apply(&fp.sites, &fp.kinds, sc).expect("applies");
        for night in [false, true] {
            let r = Reach::new(&st, &s, night);
            let dcs: Vec<_> = st
                .iter()
                .filter(|x| x.open && (x.site.level2 || s.dcs_sites.contains(&x.site.id)))
                .map(|x| serde_json::json!({"lat": x.site.lat, "lon": x.site.lon}))
                .collect();
            scen.push(serde_json::json!({"scenario": sc.id, "night": night, "sources": r.sources, "dcs": dcs}));
        }
    }
    let cfg = serde_json::json!({"speed_kmh": s.speed_kmh, "window_1h_min": s.window_1h_min, "window_2h_min": s.window_2h_min,
        "on_scene_min": s.on_scene_min, "runs": scen});
    std::fs::write(out.join("scenarios.json"), serde_json::to_string_pretty(&cfg).expect("json")).expect("write");

    // the timed runs: apply + reach + classify + tally, every scenario, day and night
    let run = |sets: &[&PointSet]| -> (f64, Vec<(String, bool, [usize; 3])>) {
        let t = Instant::now();
        let mut counts = vec![];
        for sc in &fp.options.scenarios {
            let st = apply(&fp.sites, &fp.kinds, sc).expect("applies");
            for night in [false, true] {
                let r = Reach::new(&st, &s, night);
                let mut c = [0usize; 3];
                for (k, set) in sets.iter().enumerate() {
                    let cls = r.classify(set);
                    let _ = tally(set, &cls);
                    if k == 0 {
                        for b in &cls.bits {
                            c[0] += usize::from(b & IN_1H != 0);
                            c[1] += usize::from(b & IN_2H != 0);
                            c[2] += usize::from(b & GROUND != 0);
                        }
                    }
                }
                counts.push((sc.id.clone(), night, c));
            }
        }
        (t.elapsed().as_secs_f64(), counts)
    };
    let demo_sets = [&inputs.incidents, &inputs.forecast, &inputs.towns, &inputs.routes];
    let mut best_demo = f64::INFINITY;
    for _ in 0..5 {
        best_demo = best_demo.min(run(&demo_sets).0);
    }
    let demo_pts: usize = demo_sets.iter().map(|s| s.len()).sum();
    let (t_big, counts) = run(&[&bigset]);
    let mut f = std::fs::File::create(out.join("vigil_counts.csv")).expect("counts");
    writeln!(f, "scenario,night,in_1h,in_2h,ground").expect("write");
    for (id, night, c) in &counts {
        writeln!(f, "{id},{night},{},{},{}", c[0], c[1], c[2]).expect("write");
    }
    // the demo points in one set as well, for the reference's count check
    let demo_one =
        PointSet::build("demo", &["w"], demo_all.iter().map(|p| PointIn { weights: vec![1.0], ..p.clone() }).collect());
    let (_, dcounts) = run(&[&demo_one]);
    let mut f = std::fs::File::create(out.join("vigil_demo_counts.csv")).expect("counts");
    writeln!(f, "scenario,night,in_1h,in_2h,ground").expect("write");
    for (id, night, c) in &dcounts {
        writeln!(f, "{id},{night},{},{},{}", c[0], c[1], c[2]).expect("write");
    }
    println!("vigil demo: {demo_pts} points (incidents {} + cells {} + towns {} + route samples {}), build {:.1} ms; 6 scenarios x day/night: {:.2} ms (best of 5)",
        inputs.incidents.len(), inputs.forecast.len(), inputs.towns.len(), inputs.routes.len(), build_demo.as_secs_f64() * 1e3, best_demo * 1e3);
    println!(
        "vigil synthetic: {} points, build {:.0} ms; 6 scenarios x day/night: {:.0} ms ({:.1} ms per scenario-run)",
        bigset.len(),
        build_big.as_secs_f64() * 1e3,
        t_big * 1e3,
        t_big * 1e3 / 12.0
    );
    println!("VIGIL_DEMO_S={best_demo:.6}");
    println!("VIGIL_BIG_S={t_big:.6}");
    println!("VIGIL_BIG_BUILD_S={:.6}", build_big.as_secs_f64());
}
