//! The guard: a model the backtest finds worse than a benchmark at a horizon is not
//! published there; the best benchmark is, and each row says why.

use vigil_forecast::forecast::{forecast_panel, ForecastOptions};
use vigil_forecast::publish::forecast_guarded;
use vigil_forecast::rng::Rng;
use vigil_forecast::{Level, ModelKind, Month, Panel, Unit, UnitSet};

/// 40 areas with steady, very different rates (0, 0.3, 3 or 12 deaths a month):
/// each area's own history is the best guide, which a model that ignores it misses.
fn panel() -> Panel {
    let units: Vec<Unit> = (0..40)
        .map(|k| Unit {
            id: format!("A{k:02}"),
            name: format!("A{k:02}"),
            gid: None,
            lon: k as f64,
            lat: 0.0,
            dist_capital_km: 0.0,
            dist_border_km: 0.0,
            admin1: 0,
        })
        .collect();
    let months = 72;
    let mut rng = Rng::new(11);
    let rates = [0.0, 0.3, 3.0, 12.0];
    let mut all = Vec::new();
    for k in 0..40 {
        for _ in 0..months {
            all.push(rng.poisson(rates[k % 4]) as f32);
        }
    }
    Panel::from_counts(UnitSet::from_units(Level::Admin1, units), "2015-01".parse().unwrap(), months, all)
}

#[test]
fn a_model_made_worse_on_purpose_is_not_published() {
    let p = panel();
    let mut opts = ForecastOptions::new(p.end());
    opts.horizons = vec![1, 2, 3];
    opts.model = ModelKind::Learned;
    // sabotage: no trees, so P(any) is the training base rate in every area
    opts.learned.classifier.trees = 0;
    opts.learned.sizer.trees = 0;
    opts.learned.own_share = 0.0;
    let out = forecast_guarded(&p, &opts, None).unwrap();
    assert_eq!(out.skill.len(), 3);
    for sk in &out.skill {
        assert!(sk.skill(ModelKind::Learned) < 0.0, "horizon {}: the sabotaged model should lose: {sk:?}", sk.horizon);
    }
    assert_eq!(out.rows.len(), 40 * 3);
    for r in &out.rows {
        let sk = out.skill.iter().find(|s| s.horizon == r.horizon).unwrap();
        assert_eq!(r.model_used, sk.best_benchmark, "{} h{}", r.unit, r.horizon);
        assert_ne!(r.model_used, ModelKind::Learned);
        let why = r.fallback_reason.as_deref().expect("a fallback says why");
        assert!(why.starts_with("hurdle-gbm CRPS skill -"), "{why}");
        assert!(why.ends_with(&format!("publishing {}", sk.best_benchmark.as_str())), "{why}");
    }
    // what is published is exactly the benchmark's forecast
    let h1 = out.skill.iter().find(|s| s.horizon == 1).unwrap().best_benchmark;
    let mut b = opts.clone();
    b.model = h1;
    let bench = forecast_panel(&p, &b).unwrap();
    for (g, w) in out.rows.iter().filter(|r| r.horizon == 1).zip(bench.iter().filter(|r| r.horizon == 1)) {
        assert_eq!((g.mean, g.p_any, g.quantiles), (w.mean, w.p_any, w.quantiles), "{}", g.unit);
    }
}

#[test]
fn a_model_that_wins_is_published_and_benchmarks_pass_through() {
    let p = panel();
    let mut opts = ForecastOptions::new(p.end());
    opts.horizons = vec![1, 2];
    opts.model = ModelKind::Ensemble;
    let out = forecast_guarded(&p, &opts, None).unwrap();
    for r in &out.rows {
        let sk = out.skill.iter().find(|s| s.horizon == r.horizon).unwrap();
        if sk.skill(ModelKind::Ensemble) > 0.0 {
            assert_eq!((r.model_used, r.fallback_reason.as_deref()), (ModelKind::Ensemble, None));
        } else {
            assert_eq!(r.model_used, sk.best_benchmark);
        }
        // weights are a distribution over the five components
        assert!((sk.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
    // a benchmark asked for is published as asked, with no backtest
    opts.model = ModelKind::Conflictology;
    let out = forecast_guarded(&p, &opts, None).unwrap();
    assert!(out.skill.is_empty());
    assert!(out.rows.iter().all(|r| r.model_used == ModelKind::Conflictology && r.fallback_reason.is_none()));
    let _: Month = out.origin;
}
