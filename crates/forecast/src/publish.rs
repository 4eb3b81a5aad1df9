//! What the product publishes, with the guard: a forecast from the learned model or
//! the ensemble is published at a horizon only when the skill backtest over the
//! origins before it says it beats the best benchmark there; otherwise that benchmark
//! is published, and each row says so (`model_used`, `fallback_reason`).

use crate::calibration::{step_cdf, StepCdf};
use crate::dist::{Dist, QUANTILES};
use crate::features::Features;
use crate::forecast::{draw_rng, forecast_panel, ForecastOptions, ForecastRow};
use crate::models::{benchmark, LearnedModel, ModelKind};
use crate::month::Month;
use crate::panel::Panel;
use crate::skill::{skill_backtest, HorizonSkill, SkillOptions, COMPONENTS};
use crate::ForecastError;

/// A published forecast run: the rows and what they rest on.
#[derive(Debug, Clone)]
pub struct PublishedForecast {
    pub origin: Month,
    /// The model asked for.
    pub model: ModelKind,
    pub rows: Vec<ForecastRow>,
    /// Per horizon, the backtest behind the guard (empty for a benchmark, which is
    /// published as asked).
    pub skill: Vec<HorizonSkill>,
    /// First and last origin of that backtest.
    pub backtest_origins: Option<(Month, Month)>,
}

/// Origins the guard's backtest uses before its first scored one, and how often it
/// refits: cheaper than the full skill backtest (`vigil backtest --skill`), same rules.
const GUARD_WARMUP: usize = 24;
const GUARD_EVERY: usize = 12;

/// The skill backtest the guard reads for a forecast from the panel's last month:
/// origins from the first with a training history to the month before the origin.
pub fn guard_skill(panel: &Panel, opts: &ForecastOptions) -> Result<(Vec<HorizonSkill>, Month, Month), ForecastError> {
    let burn = opts.learned.burn_in;
    let first = panel.start.plus((burn + 1 + GUARD_WARMUP) as i32);
    let last = panel.end().plus(-1);
    if last < first {
        return Err(ForecastError::NoData(format!(
            "the guard's backtest needs {} months of history before the origin; the data start in {}",
            burn + 2 + GUARD_WARMUP,
            panel.start
        )));
    }
    let mut so = SkillOptions::new(first, last);
    so.warmup = GUARD_WARMUP;
    so.every = GUARD_EVERY;
    so.horizons = opts.horizons.clone();
    so.target = opts.target;
    so.seed = opts.seed;
    so.learned = opts.learned.clone();
    let r = skill_backtest(panel, &so, &mut |_, _| {})?;
    Ok((r.skill, first, last))
}

/// Forecast from a panel whose last month is the origin, with the guard. `skill`
/// reuses a backtest already run (e.g. stored with an earlier run); None runs it.
pub fn forecast_guarded(
    panel: &Panel,
    opts: &ForecastOptions,
    skill: Option<Vec<HorizonSkill>>,
) -> Result<PublishedForecast, ForecastError> {
    if opts.model.is_benchmark() {
        let rows = forecast_panel(panel, opts)?;
        return Ok(PublishedForecast {
            origin: opts.origin,
            model: opts.model,
            rows,
            skill: vec![],
            backtest_origins: None,
        });
    }
    if panel.end() != opts.origin {
        return Err(ForecastError::BadOption(format!(
            "the panel ends in {} but the origin is {}",
            panel.end(),
            opts.origin
        )));
    }
    let (skill, span) = match skill {
        Some(s) => (s, None),
        None => {
            let (s, a, b) = guard_skill(panel, opts)?;
            (s, Some((a, b)))
        }
    };
    let y = panel.target(opts.target);
    let o = panel.months - 1;
    let hs: Vec<usize> = opts.horizons.iter().map(|&h| h as usize).collect();
    let feats = Features::build(panel, &y);
    let m0 = (panel.start.month() - 1) as usize;
    let model = LearnedModel::fit(&feats, &y, m0, o, &hs, &opts.learned, opts.seed);
    let bench: Vec<Vec<Dist>> = COMPONENTS[1..].iter().map(|&k| benchmark(k, &y, panel.months, o)).collect();
    // the bootstrap is one distribution shared by every unit: one step CDF
    let bench_steps: Vec<Vec<StepCdf>> = COMPONENTS[1..]
        .iter()
        .zip(&bench)
        .map(|(&k, ds)| match k {
            ModelKind::Bootstrap => vec![step_cdf(&ds[0]); ds.len()],
            _ => ds.iter().map(step_cdf).collect(),
        })
        .collect();
    let mut rows = Vec::with_capacity(panel.units.len() * hs.len());
    let mut per_h: Vec<(Vec<Dist>, ModelKind, Option<String>)> = Vec::new();
    for &h in &opts.horizons {
        let sk = skill
            .iter()
            .find(|s| s.horizon == h)
            .ok_or_else(|| ForecastError::BadOption(format!("the guard's backtest has no skill for horizon {h}")))?;
        let s = sk.skill(opts.model);
        if s.is_nan() || s <= 0.0 {
            let bi = COMPONENTS.iter().position(|&c| c == sk.best_benchmark).expect("a component") - 1;
            let reason = format!(
                "{} CRPS skill {:+.1}% against {} over {} backtest origins at horizon {h}: publishing {}",
                opts.model.as_str(),
                100.0 * s,
                sk.best_benchmark.as_str(),
                sk.origins,
                sk.best_benchmark.as_str()
            );
            per_h.push((bench[bi].clone(), sk.best_benchmark, Some(reason)));
            continue;
        }
        let learned = model.predict(&feats, m0, o, h as usize);
        let dists = match opts.model {
            ModelKind::Learned => learned,
            _ => learned
                .iter()
                .enumerate()
                .map(|(u, d)| {
                    let l = step_cdf(d);
                    let parts: Vec<(f64, &StepCdf)> = std::iter::once((sk.weights[0], &l))
                        .chain((1..COMPONENTS.len()).map(|k| (sk.weights[k], &bench_steps[k - 1][u])))
                        .collect();
                    Dist::Steps(StepCdf::mixture(&parts))
                })
                .collect(),
        };
        per_h.push((dists, opts.model, None));
    }
    for (u, unit) in panel.units.units.iter().enumerate() {
        for (k, &h) in opts.horizons.iter().enumerate() {
            let (dists, used, reason) = &per_h[k];
            let d = &dists[u];
            let samples = (opts.samples > 0).then(|| {
                let mut r = draw_rng(opts.seed, *used, &unit.id, opts.origin, h);
                (0..opts.samples).map(|_| d.sample(&mut r) as u64).collect()
            });
            rows.push(ForecastRow {
                unit: unit.id.clone(),
                month: opts.origin.plus(h as i32),
                horizon: h,
                mean: d.mean(),
                p_any: d.p_any(),
                quantiles: QUANTILES.map(|q| d.quantile(q)),
                samples,
                model_used: *used,
                fallback_reason: reason.clone(),
            });
        }
    }
    Ok(PublishedForecast { origin: opts.origin, model: opts.model, rows, skill, backtest_origins: span })
}

/// The quantiles a stored forecast keeps (5, 25, 50, 75, 95 %) from a row's seven.
pub fn stored_quantiles(r: &ForecastRow) -> [f64; 5] {
    [r.quantiles[0], r.quantiles[2], r.quantiles[3], r.quantiles[4], r.quantiles[6]]
}

/// A run's settings, as stored with it.
pub fn settings_json(opts: &ForecastOptions, p: &PublishedForecast, country: Option<&str>) -> serde_json::Value {
    let l = &opts.learned;
    serde_json::json!({
        "seed": opts.seed,
        "samples": opts.samples,
        "country": country,
        "learned": {
            "classifier_trees": l.classifier.trees,
            "classifier_depth": l.classifier.max_depth,
            "sizer_trees": l.sizer.trees,
            "cold_keep": l.cold_keep,
            "pool_size": l.pool_size,
            "own_share": l.own_share,
        },
        "guard_backtest": p.backtest_origins.map(|(a, b)| serde_json::json!({
            "first_origin": a.to_string(),
            "last_origin": b.to_string(),
            "warmup_origins": GUARD_WARMUP,
            "refit_every": GUARD_EVERY,
        })),
    })
}

/// The guard's skill by horizon, as stored with a run and served by the API.
pub fn skill_json(skill: &[HorizonSkill]) -> serde_json::Value {
    serde_json::Value::Array(
        skill
            .iter()
            .map(|s| {
                let weights: serde_json::Map<String, serde_json::Value> =
                    COMPONENTS.iter().zip(s.weights).map(|(c, w)| (c.as_str().to_string(), w.into())).collect();
                serde_json::json!({
                    "horizon": s.horizon,
                    "best_benchmark": s.best_benchmark.as_str(),
                    "best_benchmark_crps": s.best_crps,
                    "hurdle_gbm_crps": s.learned_crps,
                    "ensemble_crps": s.ensemble_crps,
                    "hurdle_gbm_skill": s.skill(ModelKind::Learned),
                    "ensemble_skill": s.skill(ModelKind::Ensemble),
                    "origins": s.origins,
                    "ensemble_weights": weights,
                })
            })
            .collect(),
    )
}
