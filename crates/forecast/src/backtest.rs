//! `vigil backtest`: rolling-origin evaluation with an expanding window.
//!
//! At every origin month in the range each model forecasts each horizon from the data
//! up to that origin only, and the forecasts are scored against what followed. The
//! learned model is refitted at the first origin and then every `every` months; in
//! between, the latest fit is applied to the newer data (its features move with the
//! origin, its trees do not), which never lets it see a month after the origin.

use std::fmt::Write as _;

use crate::dist::Dist;
use crate::features::Features;
use crate::forecast::{draw_rng, DEFAULT_SEED};
use crate::metrics::{average_precision, brier, crps_samples, sq_log_error};
use crate::models::{benchmark, LearnedModel, LearnedParams, ModelKind};
use crate::month::Month;
use crate::panel::Panel;
use crate::units::UnitSet;
use crate::{ForecastError, ForecastEvent, Target};

#[derive(Debug, Clone)]
pub struct BacktestOptions {
    pub first: Month,
    pub last: Month,
    /// Refit the learned model every this many origins (1 = at each origin).
    pub every: usize,
    pub horizons: Vec<u32>,
    pub target: Target,
    pub models: Vec<ModelKind>,
    /// Draws per forecast for CRPS and MSE.
    pub samples: usize,
    pub seed: u64,
    pub learned: LearnedParams,
    pub start: Option<Month>,
    /// Last month with complete data (default: the month of the latest event).
    pub data_end: Option<Month>,
}

impl BacktestOptions {
    pub fn new(first: Month, last: Month) -> BacktestOptions {
        BacktestOptions {
            first,
            last,
            every: 1,
            horizons: vec![1, 3, 6, 12],
            target: Target::All,
            models: ModelKind::ALL.to_vec(),
            samples: 1000,
            seed: DEFAULT_SEED,
            learned: LearnedParams::default(),
            start: None,
            data_end: None,
        }
    }
}

/// Which units a score is averaged over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subset {
    All,
    /// Units with a fatality in the 12 months up to and including the origin.
    Active,
}

impl Subset {
    pub fn as_str(self) -> &'static str {
        match self {
            Subset::All => "all",
            Subset::Active => "active12",
        }
    }
}

/// Scores of one model at one horizon over one subset, pooled over origins.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub n: usize,
    pub crps: f64,
    pub msle: f64,
    pub brier: f64,
    /// Average precision of P(any), pooled over origins and units.
    pub ap: f64,
}

#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub model: ModelKind,
    pub horizon: u32,
    pub subset: Subset,
    pub scores: Scores,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelBin {
    pub n: usize,
    pub mean_p: f64,
    pub observed: f64,
}

#[derive(Debug, Clone)]
pub struct Reliability {
    pub model: ModelKind,
    pub horizon: u32,
    pub bins: Vec<RelBin>,
}

/// P(any) of one unit at the last origin's first horizon, with what happened.
#[derive(Debug, Clone)]
pub struct MapCell {
    pub unit: String,
    pub gid: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    pub p_any: f64,
    pub observed: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct BacktestReport {
    pub origins: Vec<Month>,
    pub refits: usize,
    pub horizons: Vec<u32>,
    pub models: Vec<ModelKind>,
    pub target: Target,
    pub rows: Vec<ScoreRow>,
    pub reliability: Vec<Reliability>,
    pub map_origin: Month,
    pub map_horizon: u32,
    pub map: Vec<MapCell>,
    pub units: usize,
}

struct Acc {
    n: usize,
    crps: f64,
    msle: f64,
    brier: f64,
    p: Vec<f64>,
    label: Vec<bool>,
}

impl Acc {
    fn new() -> Acc {
        Acc { n: 0, crps: 0.0, msle: 0.0, brier: 0.0, p: Vec::new(), label: Vec::new() }
    }
    fn scores(&self) -> Scores {
        let n = self.n.max(1) as f64;
        Scores {
            n: self.n,
            crps: self.crps / n,
            msle: self.msle / n,
            brier: self.brier / n,
            ap: average_precision(&self.p, &self.label),
        }
    }
}

const REL_BINS: usize = 10;

/// Run a backtest on events: each origin sees only the events up to its own end.
pub fn backtest(
    events: &[ForecastEvent],
    units: UnitSet,
    opts: &BacktestOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BacktestReport, ForecastError> {
    let max_h = *opts.horizons.iter().max().ok_or_else(|| ForecastError::BadHorizons(String::new()))?;
    let data_end = match opts.data_end {
        Some(m) => m,
        None => {
            let latest = events.iter().map(|e| Month::of(e.date_start)).max();
            latest.ok_or_else(|| ForecastError::NoData("no events".into()))?
        }
    };
    let end = opts.last.plus(max_h as i32).min(data_end);
    if end < opts.last {
        return Err(ForecastError::NoData(format!("the data end in {data_end}, before the last origin {}", opts.last)));
    }
    let panel = Panel::from_events(events, units, opts.start, end);
    backtest_panel(&panel, opts, progress)
}

/// Run a backtest on a panel that reaches (at least) past the last origin.
pub fn backtest_panel(
    panel: &Panel,
    opts: &BacktestOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BacktestReport, ForecastError> {
    let o_first = panel
        .index(opts.first)
        .ok_or_else(|| ForecastError::NoData(format!("the first origin {} is outside the data", opts.first)))?;
    let o_last = panel
        .index(opts.last)
        .ok_or_else(|| ForecastError::NoData(format!("the last origin {} is outside the data", opts.last)))?;
    if opts.models.is_empty() {
        return Err(ForecastError::BadOption("no model to backtest".into()));
    }
    if opts.models.contains(&ModelKind::Ensemble) {
        return Err(ForecastError::BadOption(
            "the ensemble is scored by the skill backtest (vigil backtest --skill)".into(),
        ));
    }
    let months = panel.months;
    let y = panel.target(opts.target);
    let units = panel.units.len();
    let hs = opts.horizons.clone();
    let m0 = (panel.start.month() - 1) as usize;
    let want_learned = opts.models.contains(&ModelKind::Learned);
    let feats = want_learned.then(|| Features::build(panel, &y));
    let every = opts.every.max(1);
    let hs_usize: Vec<usize> = hs.iter().map(|&h| h as usize).collect();

    let nm = opts.models.len();
    let slot = |mi: usize, hi: usize| mi * hs.len() + hi;
    let mut accs: Vec<[Acc; 2]> = (0..nm * hs.len()).map(|_| [Acc::new(), Acc::new()]).collect();
    let mut rel: Vec<Vec<RelBin>> = vec![vec![RelBin::default(); REL_BINS]; nm * hs.len()];
    // every refit up front: the fits at different origins are independent (each sees
    // only its own origin's past) and run side by side
    let refit_origins: Vec<usize> = (o_first..=o_last).step_by(every).collect();
    // progress counts the fits (one per refit origin and horizon), then the origins scored
    let n_fits = if feats.is_some() { refit_origins.len() * hs.len() } else { 0 };
    let total = n_fits + (o_last - o_first + 1);
    progress(0, total);
    let mut fitted: Vec<LearnedModel> = match &feats {
        Some(f) => {
            let done = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                let fits = s.spawn(|| {
                    LearnedModel::fit_origins(f, &y, m0, &refit_origins, &hs_usize, &opts.learned, opts.seed, &done)
                });
                while !fits.is_finished() {
                    progress(done.load(std::sync::atomic::Ordering::Relaxed), total);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                fits.join().expect("fit thread")
            })
        }
        None => Vec::new(),
    };
    fitted.reverse();
    let mut learned: Option<LearnedModel> = None;
    let mut refits = 0;
    let mut map = Vec::new();
    let map_h = hs[0];
    let score_threads = if opts.learned.threads == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        opts.learned.threads
    };
    for (step, o) in (o_first..=o_last).enumerate() {
        progress(n_fits + step, total);
        if feats.is_some() && step % every == 0 {
            let m = fitted.pop().expect("a fit per refit origin");
            debug_assert_eq!(m.fitted_at, o);
            learned = Some(m);
            refits += 1;
        }
        let origin = panel.start.plus(o as i32);
        let active: Vec<bool> =
            (0..units).map(|u| ((o + 1).saturating_sub(12)..=o).any(|t| y[u * months + t] >= 1.0)).collect();
        for (mi, &kind) in opts.models.iter().enumerate() {
            let bench = kind.is_benchmark().then(|| benchmark(kind, &y, months, o));
            for (hi, &h) in hs.iter().enumerate() {
                let tt = o + h as usize;
                let owned;
                let dists: &[Dist] = match &bench {
                    Some(b) => b,
                    None => {
                        let m = learned.as_ref().expect("fitted");
                        owned = m.predict(feats.as_ref().expect("features"), m0, o, h as usize);
                        &owned
                    }
                };
                if o == o_last && h == map_h && (kind == ModelKind::Learned || !want_learned && mi == 0) {
                    map = panel
                        .units
                        .units
                        .iter()
                        .enumerate()
                        .map(|(u, un)| MapCell {
                            unit: un.id.clone(),
                            gid: un.gid,
                            lon: un.lon,
                            lat: un.lat,
                            p_any: dists[u].p_any(),
                            observed: (tt < months).then(|| y[u * months + tt] as f64),
                        })
                        .collect();
                }
                if tt >= months {
                    continue; // no outcome yet
                }
                // draws and scores of each unit, on a few threads; summed below in
                // unit order, as if one thread had done it all
                let per_unit = score_units(dists, &y[..], months, tt, opts.samples.max(1), score_threads, |u| {
                    draw_rng(opts.seed, kind, &panel.units.units[u].id, origin, h)
                });
                for (u, (d, &(crps, msle))) in dists.iter().zip(&per_unit).enumerate() {
                    let obs = y[u * months + tt] as f64;
                    let p = d.p_any();
                    let event = obs >= 1.0;
                    let b = brier(p, event);
                    for (k, acc) in accs[slot(mi, hi)].iter_mut().enumerate() {
                        if k == 1 && !active[u] {
                            continue;
                        }
                        acc.n += 1;
                        acc.crps += crps;
                        acc.msle += msle;
                        acc.brier += b;
                        acc.p.push(p);
                        acc.label.push(event);
                    }
                    let bin = ((p * REL_BINS as f64) as usize).min(REL_BINS - 1);
                    let rb = &mut rel[slot(mi, hi)][bin];
                    rb.n += 1;
                    rb.mean_p += p;
                    rb.observed += if event { 1.0 } else { 0.0 };
                }
            }
        }
    }
    progress(total, total);
    let mut rows = Vec::new();
    let mut reliability = Vec::new();
    for (hi, &h) in hs.iter().enumerate() {
        for (mi, &kind) in opts.models.iter().enumerate() {
            for (k, subset) in [Subset::All, Subset::Active].into_iter().enumerate() {
                rows.push(ScoreRow { model: kind, horizon: h, subset, scores: accs[slot(mi, hi)][k].scores() });
            }
            let bins = rel[slot(mi, hi)]
                .iter()
                .map(|b| RelBin {
                    n: b.n,
                    mean_p: if b.n > 0 { b.mean_p / b.n as f64 } else { 0.0 },
                    observed: if b.n > 0 { b.observed / b.n as f64 } else { 0.0 },
                })
                .collect();
            reliability.push(Reliability { model: kind, horizon: h, bins });
        }
    }
    Ok(BacktestReport {
        origins: (o_first..=o_last).map(|o| panel.start.plus(o as i32)).collect(),
        refits,
        horizons: hs,
        models: opts.models.clone(),
        target: opts.target,
        rows,
        reliability,
        map_origin: panel.start.plus(o_last as i32),
        map_horizon: map_h,
        map,
        units,
    })
}

/// (CRPS, squared log error) of each unit's forecast from `samples` draws against the
/// outcome at month index `tt`; unit u draws from `rng_of(u)`.
fn score_units(
    dists: &[Dist],
    y: &[f32],
    months: usize,
    tt: usize,
    samples: usize,
    threads: usize,
    rng_of: impl Fn(usize) -> crate::rng::Rng + Sync,
) -> Vec<(f64, f64)> {
    let score = |lo: usize, hi: usize| -> Vec<(f64, f64)> {
        let mut buf = vec![0.0f64; samples];
        (lo..hi)
            .map(|u| {
                let obs = y[u * months + tt] as f64;
                let mut r = rng_of(u);
                dists[u].fill_samples(&mut buf, &mut r);
                let msle = sq_log_error(&buf, obs);
                (crps_samples(&mut buf, obs), msle)
            })
            .collect()
    };
    let n = dists.len();
    let threads = threads.clamp(1, (n / 64).max(1));
    if threads == 1 {
        return score(0, n);
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let score = &score;
        let handles: Vec<_> =
            (0..threads).map(|k| s.spawn(move || score((k * chunk).min(n), ((k + 1) * chunk).min(n)))).collect();
        handles.into_iter().flat_map(|hd| hd.join().expect("scoring thread")).collect()
    })
}

impl BacktestReport {
    pub fn scores(&self, model: ModelKind, horizon: u32, subset: Subset) -> Option<&Scores> {
        self.rows.iter().find(|r| r.model == model && r.horizon == horizon && r.subset == subset).map(|r| &r.scores)
    }

    /// The benchmark with the lowest CRPS at a horizon, and that CRPS.
    pub fn best_benchmark(&self, horizon: u32, subset: Subset) -> Option<(ModelKind, f64)> {
        self.models
            .iter()
            .filter(|m| m.is_benchmark())
            .filter_map(|&m| self.scores(m, horizon, subset).map(|s| (m, s.crps)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Scores as CSV: horizon, model, subset, n, crps, msle, brier, ap.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("horizon,model,subset,n,crps,msle,brier,ap\n");
        for r in &self.rows {
            let _ = writeln!(
                s,
                "{},{},{},{},{:.6},{:.6},{:.6},{:.6}",
                r.horizon,
                r.model.as_str(),
                r.subset.as_str(),
                r.scores.n,
                r.scores.crps,
                r.scores.msle,
                r.scores.brier,
                r.scores.ap
            );
        }
        s
    }

    /// A table for a terminal: per horizon, each model's scores over all units and
    /// over the units active in the 12 months before the origin, then the learned
    /// model's skill against the best benchmark (ratio < 1 is better for CRPS, MSE
    /// and Brier; > 1 is better for AP).
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let o0 = self.origins.first().map(|m| m.to_string()).unwrap_or_default();
        let o1 = self.origins.last().map(|m| m.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "Backtest: target {}, {} units, origins {o0}..{o1} ({} origins, learned model fitted {} times)",
            self.target.as_str(),
            self.units,
            self.origins.len(),
            self.refits
        );
        for &h in &self.horizons {
            let _ = writeln!(s, "\nhorizon {h}");
            let _ = writeln!(
                s,
                "  {:<14} {:>9} {:>8} {:>8} {:>7} | {:>9} {:>8} {:>8} {:>7}",
                "model", "CRPS", "MSLE", "Brier", "AP", "CRPS¹", "MSLE¹", "Brier¹", "AP¹"
            );
            for &m in &self.models {
                let (Some(a), Some(b)) = (self.scores(m, h, Subset::All), self.scores(m, h, Subset::Active)) else {
                    continue;
                };
                let _ = writeln!(
                    s,
                    "  {:<14} {:>9.4} {:>8.4} {:>8.5} {:>7.4} | {:>9.3} {:>8.4} {:>8.5} {:>7.4}",
                    m.as_str(),
                    a.crps,
                    a.msle,
                    a.brier,
                    a.ap,
                    b.crps,
                    b.msle,
                    b.brier,
                    b.ap
                );
            }
            if self.models.contains(&ModelKind::Learned) {
                let mut line = String::from("  skill ratio vs best benchmark:");
                for subset in [Subset::All, Subset::Active] {
                    let l = self.scores(ModelKind::Learned, h, subset).expect("learned scores");
                    let best = |f: &dyn Fn(&Scores) -> f64, lower: bool| -> Option<f64> {
                        let vals = self
                            .models
                            .iter()
                            .filter(|m| m.is_benchmark())
                            .filter_map(|&m| self.scores(m, h, subset).map(f))
                            .filter(|v| v.is_finite());
                        if lower {
                            vals.reduce(f64::min)
                        } else {
                            vals.reduce(f64::max)
                        }
                    };
                    let ratio = |v: f64, b: Option<f64>| b.map(|b| v / b).unwrap_or(f64::NAN);
                    let _ = write!(
                        line,
                        " [{}] CRPS {:.3} MSLE {:.3} Brier {:.3} AP {:.3}",
                        subset.as_str(),
                        ratio(l.crps, best(&|s| s.crps, true)),
                        ratio(l.msle, best(&|s| s.msle, true)),
                        ratio(l.brier, best(&|s| s.brier, true)),
                        ratio(l.ap, best(&|s| s.ap, false)),
                    );
                }
                let _ = writeln!(s, "{line}");
                if let Some((bm, bc)) = self.best_benchmark(h, Subset::All) {
                    let l = self.scores(ModelKind::Learned, h, Subset::All).expect("learned").crps;
                    let _ = writeln!(
                        s,
                        "  CRPS margin (all units): hurdle-gbm {:.4} vs best benchmark {} {:.4}: {:+.4} ({:+.1}%) {}",
                        l,
                        bm.as_str(),
                        bc,
                        l - bc,
                        100.0 * (l - bc) / bc,
                        if l < bc { "BETTER" } else { "WORSE" }
                    );
                }
            }
        }
        let _ = writeln!(s, "\n¹ units with a fatality in the 12 months up to the origin. MSLE: squared error of mean log(1+X) against log(1+y). AP: average precision of P(any), pooled over origins.");
        s
    }
}
