//! `vigil forecast`: distributions for every unit and horizon from one origin, and the
//! CSV they are written as.

use std::io::Write;

use crate::dist::{Dist, QUANTILES};
use crate::features::Features;
use crate::models::{benchmark, LearnedModel, LearnedParams, ModelKind};
use crate::month::Month;
use crate::panel::Panel;
use crate::rng::{self, Rng};
use crate::units::{Level, UnitSet};
use crate::{ForecastError, ForecastEvent, Target};

/// Default seed: the same data and options give the same file.
pub const DEFAULT_SEED: u64 = 20130111;

#[derive(Debug, Clone)]
pub struct ForecastOptions {
    /// Last month whose incidents are used.
    pub origin: Month,
    pub horizons: Vec<u32>,
    pub target: Target,
    pub model: ModelKind,
    /// Number of predictive draws written per row (0: no `samples` column).
    pub samples: usize,
    pub seed: u64,
    pub learned: LearnedParams,
    /// First month of the panel (default: the month of the earliest event).
    pub start: Option<Month>,
}

impl ForecastOptions {
    pub fn new(origin: Month) -> ForecastOptions {
        ForecastOptions {
            origin,
            horizons: (1..=12).collect(),
            target: Target::All,
            model: ModelKind::Learned,
            samples: 0,
            seed: DEFAULT_SEED,
            learned: LearnedParams::default(),
            start: None,
        }
    }
}

/// One output row: a unit, a horizon and the predictive distribution's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow {
    pub unit: String,
    pub month: Month,
    pub horizon: u32,
    pub mean: f64,
    pub p_any: f64,
    /// At [`QUANTILES`].
    pub quantiles: [f64; 7],
    pub samples: Option<Vec<u64>>,
    /// The model whose distribution this is: the one asked for, or the benchmark
    /// the guard published instead (see [`crate::publish`]).
    pub model_used: ModelKind,
    /// Why the model asked for was not published at this horizon (None: it was).
    pub fallback_reason: Option<String>,
}

/// FNV-1a of a unit id: a sampling stream key that does not depend on the unit's
/// position, so a cell gets the same draws whatever other cells are forecast.
pub(crate) fn unit_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// The sampling stream of one (model, unit, origin, horizon).
pub(crate) fn draw_rng(seed: u64, model: ModelKind, unit_id: &str, origin: Month, h: u32) -> Rng {
    Rng::new(rng::stream(&[seed, model.stream_id(), unit_key(unit_id), origin.0 as u64, h as u64]))
}

/// Forecast from events: only events up to the end of `opts.origin` are used.
pub fn forecast(
    events: &[ForecastEvent],
    units: UnitSet,
    opts: &ForecastOptions,
) -> Result<Vec<ForecastRow>, ForecastError> {
    let panel = Panel::from_events(events, units, opts.start, opts.origin);
    forecast_panel(&panel, opts)
}

/// Forecast from a panel whose last month is the origin.
pub fn forecast_panel(panel: &Panel, opts: &ForecastOptions) -> Result<Vec<ForecastRow>, ForecastError> {
    if panel.end() != opts.origin {
        return Err(ForecastError::BadOption(format!(
            "the panel ends in {} but the origin is {}",
            panel.end(),
            opts.origin
        )));
    }
    if opts.horizons.is_empty() {
        return Err(ForecastError::BadHorizons(String::new()));
    }
    let y = panel.target(opts.target);
    let o = panel.months - 1;
    let hs: Vec<usize> = opts.horizons.iter().map(|&h| h as usize).collect();
    // per horizon, per unit
    let dists: Vec<Vec<Dist>> = match opts.model {
        ModelKind::Learned => {
            let feats = Features::build(panel, &y);
            let m0 = (panel.start.month() - 1) as usize;
            let model = LearnedModel::fit(&feats, &y, m0, o, &hs, &opts.learned, opts.seed);
            hs.iter().map(|&h| model.predict(&feats, m0, o, h)).collect()
        }
        ModelKind::Ensemble => {
            return Err(ForecastError::BadOption(
                "the ensemble needs its backtest: use vigil_forecast::publish::forecast_guarded".into(),
            ))
        }
        kind => {
            let d = benchmark(kind, &y, panel.months, o);
            hs.iter().map(|_| d.clone()).collect()
        }
    };
    let mut rows = Vec::with_capacity(panel.units.len() * hs.len());
    for (u, unit) in panel.units.units.iter().enumerate() {
        for (k, &h) in opts.horizons.iter().enumerate() {
            let d = &dists[k][u];
            let samples = (opts.samples > 0).then(|| {
                let mut r = draw_rng(opts.seed, opts.model, &unit.id, opts.origin, h);
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
                model_used: opts.model,
                fallback_reason: None,
            });
        }
    }
    Ok(rows)
}

/// Write rows as CSV: `gid` (cells) or `unit`, `month`, `horizon`, `mean`, `p_any`,
/// `q05…q95`, `samples` (space-separated integers) when the rows carry draws, then
/// `model_used` and `fallback_reason` (empty when the model asked for was published).
pub fn write_csv<W: Write>(rows: &[ForecastRow], level: Level, out: W) -> Result<(), ForecastError> {
    let mut w = csv::Writer::from_writer(out);
    let with_samples = rows.first().is_some_and(|r| r.samples.is_some());
    let mut header = vec![if level == Level::Pgm { "gid" } else { "unit" }, "month", "horizon", "mean", "p_any"];
    header.extend(["q05", "q10", "q25", "q50", "q75", "q90", "q95"]);
    if with_samples {
        header.push("samples");
    }
    header.extend(["model_used", "fallback_reason"]);
    w.write_record(&header)?;
    let mut rec: Vec<String> = Vec::with_capacity(header.len());
    for r in rows {
        rec.clear();
        rec.push(r.unit.clone());
        rec.push(r.month.to_string());
        rec.push(r.horizon.to_string());
        rec.push(fmt_num(r.mean));
        rec.push(fmt_num(r.p_any));
        rec.extend(r.quantiles.iter().map(|q| fmt_num(*q)));
        if with_samples {
            let s = r.samples.as_deref().unwrap_or(&[]);
            rec.push(s.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" "));
        }
        rec.push(r.model_used.as_str().to_string());
        rec.push(r.fallback_reason.clone().unwrap_or_default());
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

/// Six decimals, trailing zeros trimmed: stable text for the same number.
fn fmt_num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
