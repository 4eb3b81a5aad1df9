//! The forecasting benchmark (see bench/forecast/run.sh).
//!
//!     forecast_bench mali DATA_DIR PANEL_OUT.csv
//!         Reads the SYNTHETIC Mali events and boundaries, writes the cell-month panel
//!         the Python peer trains on, then times Vigil's learned model on the
//!         acceptance protocol (origins 2018-12..2021-12, refit every 6 months,
//!         horizons 1, 3, 6, 12, CRPS from 1,000 draws) and prints time and CRPS.
//!     forecast_bench mali DATA_DIR PANEL_OUT.csv SCORES_OUT.csv
//!         The same, and writes the scores of both models (CSV, 6 decimals) to compare
//!         two builds.
//!     forecast_bench fits DATA_DIR [REPEAT]
//!         Only the learned model's fits at one origin (2021-12, horizons 1, 3, 6,
//!         12, one thread), REPEAT times, with a checksum of the forecasts.
//!     forecast_bench africa [CELLS] [MONTHS]
//!         Generates an Africa-sized SYNTHETIC panel (default 10,000 cells × 400
//!         months), fits the learned model for horizons 1–12 at the origin 12 months
//!         before the end, scores it and the benchmarks against those 12 months, and
//!         prints time and peak memory.

use std::io::Write;
use std::time::Instant;

use vigil_forecast::backtest::{backtest_panel, BacktestOptions, Subset};
use vigil_forecast::rng::Rng;
use vigil_forecast::{io, Geography, Level, ModelKind, Month, Panel, Unit, UnitSet};
use vigil_geo::admin::parse_boundaries;

fn peak_rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// CPU time (user + system, all threads) of this process so far, in seconds.
fn cpu_s() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which is in parentheses): utime is the 12th, stime the 13th
    let rest = s.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(f64::NAN)).collect();
    if f.len() < 13 {
        return f64::NAN;
    }
    (f[11] + f[12]) / 100.0 // clock ticks; 100 per second on Linux
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("mali") => mali(&args[2], &args[3], args.get(4).map(String::as_str)),
        Some("fits") => fits(&args[2], args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1)),
        Some("skill") => skill(
            &args[2],
            args.get(3).map(String::as_str).unwrap_or("2015-12"),
            args.get(4).map(String::as_str).unwrap_or("2021-12"),
        ),
        Some("africa") => africa(
            args.get(2).and_then(|v| v.parse().ok()).unwrap_or(10_000),
            args.get(3).and_then(|v| v.parse().ok()).unwrap_or(400),
        ),
        _ => {
            eprintln!("usage: forecast_bench mali DATA_DIR PANEL_OUT.csv [SCORES.csv] | fits DATA_DIR [REPEAT] | africa [CELLS] [MONTHS]")
        }
    }
}

/// The SYNTHETIC Mali cell-month panel through 2021-12 + 12 months.
fn mali_panel(data: &str) -> Panel {
    let read = |p: &str| std::fs::read_to_string(format!("{data}/{p}")).expect("data file");
    let outline =
        parse_boundaries(&read("boundaries/mli_adm0_ocha_cod_dissolved.geojson"), 0, "adm0_pcode", "adm0_name")
            .unwrap()
            .remove(0)
            .geometry;
    let admin1 =
        parse_boundaries(&read("boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson"), 1, "adm1_pcode", "adm1_name")
            .unwrap();
    let geo = Geography { outline: Some(outline), admin1, capital: vigil_forecast::units::known_capital("Mali") };
    let events =
        io::read_ged_csv(std::fs::File::open(format!("{data}/synthetic/ged_mali_synthetic_2012_2022.csv")).unwrap())
            .unwrap();
    let units = UnitSet::cells_of_outline(&geo).unwrap();
    let last: Month = "2021-12".parse().unwrap();
    let end = last.plus(12);
    Panel::from_events(&events, units, None, end)
}

/// Only the one-origin fits (origin 2021-12, horizons 1, 3, 6, 12, 1 thread),
/// `repeat` times: for profiling the learner.
fn fits(data: &str, repeat: usize) {
    use vigil_forecast::features::Features;
    use vigil_forecast::models::{LearnedModel, LearnedParams};
    let panel = mali_panel(data);
    let y = panel.target(vigil_forecast::Target::All);
    let f = Features::build(&panel, &y);
    let o = panel.index("2021-12".parse().unwrap()).unwrap();
    let p1 = LearnedParams { threads: 1, ..Default::default() };
    for _ in 0..repeat {
        let t = Instant::now();
        let c = cpu_s();
        let m = LearnedModel::fit(&f, &y, 0, o, &[1, 3, 6, 12], &p1, 1);
        let t_fit = t.elapsed().as_secs_f64();
        let c_fit = cpu_s() - c;
        let mut checksum = 0.0;
        for h in [1, 3, 6, 12] {
            checksum += m.predict(&f, 0, o, h).iter().map(|d| d.p_any() + d.mean()).sum::<f64>();
        }
        println!("fits: 4 horizon fits on 1 thread {t_fit:.3}s (CPU {c_fit:.2}s), checksum {checksum:.12}");
    }
}

fn mali(data: &str, panel_out: &str, scores_out: Option<&str>) {
    let t0 = Instant::now();
    let last: Month = "2021-12".parse().unwrap();
    let panel = mali_panel(data);
    let t_load = t0.elapsed().as_secs_f64();

    // the panel for the peer (not timed)
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(panel_out).unwrap());
        writeln!(w, "gid,row,col,month,sb,ns,os,other,dist_capital,dist_border,admin1,lon,lat").unwrap();
        let (sb, ns, os) = (panel.by_type(1), panel.by_type(2), panel.by_type(3));
        let all = panel.target(vigil_forecast::Target::All);
        for (u, un) in panel.units.units.iter().enumerate() {
            let g = un.gid.unwrap();
            let (row, col) = vigil_geo::grid::gid_row_col(g);
            for t in 0..panel.months {
                let i = u * panel.months + t;
                let other = all[i] - sb[i] - ns[i] - os[i];
                writeln!(
                    w,
                    "{g},{row},{col},{},{},{},{},{},{:.3},{:.3},{},{},{}",
                    panel.start.plus(t as i32),
                    sb[i],
                    ns[i],
                    os[i],
                    other,
                    un.dist_capital_km,
                    un.dist_border_km,
                    un.admin1,
                    un.lon,
                    un.lat
                )
                .unwrap();
            }
        }
    }

    // where the time goes, for one origin (not part of the timed run below)
    {
        use vigil_forecast::features::Features;
        use vigil_forecast::models::{LearnedModel, LearnedParams};
        let y = panel.target(vigil_forecast::Target::All);
        let t = Instant::now();
        let f = Features::build(&panel, &y);
        let t_feat = t.elapsed().as_secs_f64();
        let o = panel.index(last).unwrap();
        let t = Instant::now();
        let p1 = LearnedParams { threads: 1, ..Default::default() };
        let m = LearnedModel::fit(&f, &y, 0, o, &[1, 3, 6, 12], &p1, 1);
        let t_fit = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut checksum = 0.0;
        for h in [1, 3, 6, 12] {
            checksum += m.predict(&f, 0, o, h).iter().map(|d| d.p_any() + d.mean()).sum::<f64>();
        }
        let t_pred = t.elapsed().as_secs_f64();
        println!(
            "vigil mali: breakdown at one origin: features {:.3}s, 4 horizon fits on 1 thread {:.3}s, 4×498 forecasts {:.3}s",
            t_feat,
            t_fit,
            t_pred
        );
        // changes with any change to the fitted trees (to compare two builds)
        println!("vigil mali: one-origin forecast checksum {checksum:.12}");
    }

    let t1 = Instant::now();
    let c1 = cpu_s();
    let mut opts = BacktestOptions::new("2018-12".parse().unwrap(), last);
    opts.every = 6;
    // timed: the learned model only, as in the peer
    opts.models = vec![ModelKind::Learned];
    let learned = backtest_panel(&panel, &opts, &mut |_, _| {}).unwrap();
    let t_run = t1.elapsed().as_secs_f64();
    let c_run = cpu_s() - c1;
    let total = t_load + t_run;
    opts.models = vec![ModelKind::Conflictology];
    let mut report = backtest_panel(&panel, &opts, &mut |_, _| {}).unwrap();
    report.rows.extend(learned.rows);
    if let Some(p) = scores_out {
        std::fs::write(p, report.to_csv()).unwrap();
    }
    println!(
        "vigil mali: load {t_load:.2}s, features+fits+forecasts+scoring {t_run:.2}s, total {total:.2}s; CPU of features+fits+forecasts+scoring {c_run:.2}s"
    );
    for h in [1, 3, 6, 12] {
        let l = report.scores(ModelKind::Learned, h, Subset::All).unwrap();
        let c = report.scores(ModelKind::Conflictology, h, Subset::All).unwrap();
        println!("vigil mali: h={h:<2} CRPS {:.4} (conflictology {:.4})", l.crps, c.crps);
    }
    let mean: f64 =
        [1, 3, 6, 12].iter().map(|&h| report.scores(ModelKind::Learned, h, Subset::All).unwrap().crps).sum::<f64>()
            / 4.0;
    println!("vigil mali: mean CRPS over horizons {mean:.4}; wall {total:.2}s; peak RSS {:.0} MiB", peak_rss_mib());
}

/// A SYNTHETIC conflict process on a square block of cells: drifting hot spots with a
/// dry-season cycle and contagion from last month's neighbours; heavy-tailed sizes.
fn africa(cells: usize, months: usize) {
    let t0 = Instant::now();
    let side = (cells as f64).sqrt().ceil() as i64;
    let (row0, col0) = (150i64, 330i64);
    let mut units = Vec::with_capacity(cells);
    for k in 0..cells as i64 {
        let (r, c) = (row0 + k / side, col0 + k % side);
        let g = r * 720 + c + 1;
        let (lon, lat) = vigil_geo::grid::gid_center(g);
        units.push(Unit {
            id: g.to_string(),
            name: g.to_string(),
            gid: Some(g),
            lon,
            lat,
            dist_capital_km: vigil_geo::haversine_km((lon, lat), (15.0, 0.0)),
            dist_border_km: ((k / side).min(side - 1 - k / side).min(k % side).min(side - 1 - k % side) as f64) * 55.0,
            admin1: ((k / side) / 10 * 10 + (k % side) / 10) as i32,
        });
    }
    let units = UnitSet::from_units(Level::Pgm, units);
    let mut rng = Rng::new(42);
    struct Spot {
        r: f64,
        c: f64,
        rad: f64,
        amp: f64,
        t0: usize,
        t1: usize,
        dr: f64,
        dc: f64,
    }
    let n_spots = (cells / 120).max(4);
    let spots: Vec<Spot> = (0..n_spots)
        .map(|_| {
            let t0 = rng.below(months);
            Spot {
                r: rng.uniform() * side as f64,
                c: rng.uniform() * side as f64,
                rad: 1.0 + rng.uniform() * 4.0,
                amp: 0.05 + rng.uniform() * 0.6,
                t0,
                t1: (t0 + 12 + rng.below(120)).min(months),
                dr: (rng.uniform() - 0.5) * 0.05,
                dc: (rng.uniform() - 0.5) * 0.05,
            }
        })
        .collect();
    let n = units.len();
    let mut y = vec![0.0f32; n * months];
    for t in 0..months {
        let season = 1.0 + 0.4 * (2.0 * std::f64::consts::PI * (t % 12) as f64 / 12.0).cos();
        for u in 0..n {
            let (r, c) = ((u as i64 / side) as f64, (u as i64 % side) as f64);
            let mut lam = 0.0015;
            for s in &spots {
                if t < s.t0 || t >= s.t1 {
                    continue;
                }
                let dt = (t - s.t0) as f64;
                let d2 = (r - s.r - s.dr * dt).powi(2) + (c - s.c - s.dc * dt).powi(2);
                if d2 < 25.0 * s.rad * s.rad {
                    lam += s.amp * (-d2 / (2.0 * s.rad * s.rad)).exp();
                }
            }
            if t > 0 {
                let mut hot = 0.0;
                if y[u * months + t - 1] > 0.0 {
                    hot += 0.25;
                }
                for &nb in &units.ring1[u] {
                    if y[nb as usize * months + t - 1] > 0.0 {
                        hot += 0.03;
                    }
                }
                lam += hot;
            }
            lam *= season;
            if rng.uniform() < 1.0 - (-lam).exp() {
                // heavy-tailed size: 1 + Poisson around a log-normal-ish level
                let z =
                    (-2.0 * rng.uniform().max(1e-12).ln()).sqrt() * (2.0 * std::f64::consts::PI * rng.uniform()).cos();
                let level = (0.8 + 1.1 * z).exp();
                y[u * months + t] = 1.0 + rng.poisson(level) as f32;
            }
        }
    }
    let positive = y.iter().filter(|&&v| v > 0.0).count();
    let start = Month::new(1990, 1);
    let panel = Panel::from_counts(units, start, months, y);
    let t_gen = t0.elapsed().as_secs_f64();
    println!(
        "africa: SYNTHETIC panel {} cells × {} months = {} cell-months, {:.2}% with a fatality; generated in {t_gen:.1}s",
        n,
        months,
        n * months,
        100.0 * positive as f64 / (n * months) as f64
    );
    let origin = start.plus(months as i32 - 13);
    let t1 = Instant::now();
    let mut opts = BacktestOptions::new(origin, origin);
    opts.horizons = (1..=12).collect();
    let report = backtest_panel(&panel, &opts, &mut |_, _| {}).unwrap();
    let t_run = t1.elapsed().as_secs_f64();
    println!("africa: origin {origin}, horizons 1-12, 5 models, 1,000 draws per forecast: features + 12 fits + forecasts + scoring in {t_run:.1}s");
    for h in [1u32, 3, 6, 12] {
        let mut line = format!("africa: h={h:<2}");
        for m in ModelKind::ALL {
            line += &format!(" {} {:.4}", m.as_str(), report.scores(m, h, Subset::All).unwrap().crps);
        }
        println!("{line}");
    }
    println!("africa: total wall {:.1}s, peak RSS {:.0} MiB", t0.elapsed().as_secs_f64(), peak_rss_mib());
}

/// The skill backtest on the SYNTHETIC Mali panel: every origin FIRST..LAST, horizons
/// 1–12, exact scores; prints the report and the time. VIGIL_SKILL_EVERY and
/// VIGIL_SKILL_HALFLIFE change the refit interval and the recency weighting.
fn skill(data_dir: &str, first: &str, last: &str) {
    use vigil_forecast::skill::{skill_backtest, SkillOptions};
    let t = Instant::now();
    let panel = mali_panel(data_dir);
    let first: Month = first.parse().unwrap();
    let last: Month = last.parse().unwrap();
    let load = t.elapsed().as_secs_f64();
    let mut opts = SkillOptions::new(first, last);
    if let Some(e) = std::env::var("VIGIL_SKILL_EVERY").ok().and_then(|v| v.parse().ok()) {
        opts.every = e;
    }
    opts.halflife = std::env::var("VIGIL_SKILL_HALFLIFE").ok().and_then(|v| v.parse().ok());
    let t1 = Instant::now();
    let c0 = cpu_s();
    let r = skill_backtest(&panel, &opts, &mut |_, _| {}).unwrap();
    print!("{}", r.to_table());
    println!(
        "skill backtest (SYNTHETIC Mali): load {load:.1}s, backtest {:.1}s wall, {:.1}s CPU, load average {}",
        t1.elapsed().as_secs_f64(),
        cpu_s() - c0,
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
}
