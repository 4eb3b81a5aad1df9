//! The acceptance backtest on the SYNTHETIC Mali data: origins 2018-12 through
//! 2021-12, target `all`, at PRIO-GRID cells; the learned model's CRPS must be below
//! every benchmark at horizons 1, 3, 6 and 12.

mod common;

use vigil_forecast::backtest::Subset;
use vigil_forecast::{backtest, BacktestOptions, ModelKind, Month};

#[test]
fn learned_model_beats_every_benchmark_on_crps() {
    let events = common::synthetic_events();
    let units = common::mali_cells();
    let mut opts = BacktestOptions::new("2018-12".parse::<Month>().unwrap(), "2021-12".parse().unwrap());
    opts.every = std::env::var("VIGIL_BACKTEST_EVERY").ok().and_then(|v| v.parse().ok()).unwrap_or(6);
    opts.samples = 500;
    let t = std::time::Instant::now();
    let report = backtest(&events, units, &opts, &mut |_, _| {}).unwrap();
    println!("{}", report.to_table());
    println!("backtest took {:.1}s", t.elapsed().as_secs_f64());
    for h in [1, 3, 6, 12] {
        let l = report.scores(ModelKind::Learned, h, Subset::All).unwrap().crps;
        for b in ModelKind::BENCHMARKS {
            let c = report.scores(b, h, Subset::All).unwrap().crps;
            assert!(l < c, "horizon {h}: learned CRPS {l:.4} is not below {} ({c:.4})", b.as_str());
        }
    }
}
