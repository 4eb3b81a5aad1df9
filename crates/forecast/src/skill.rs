//! The skill backtest (`vigil backtest --skill`): every origin month of a range, every
//! horizon, the four benchmarks, the learned model and the stacked ensemble, scored
//! exactly (CRPS, binned log score, 90 % interval score, interval coverage, PIT) from
//! the distributions rather than from draws; skill against the best benchmark per
//! horizon, pooled and per origin, with the origins after a surge or a lull apart;
//! predicted against realised national totals.
//!
//! The ensemble is a mixture of the learned model and the four benchmarks whose
//! weights, one set per horizon, minimise the mean CRPS of the origins whose outcome
//! was known at the origin being forecast (o' + h ≤ o): no leakage. The CRPS of a
//! mixture is a quadratic form in its weights (see [`crate::calibration::crps_gram`]),
//! so the weights come from summed 5×5 matrices, not from refitting anything.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::calibration::{covered, crps_gram, ign_binned, interval_score, pit_add, step_cdf, StepCdf, PIT_BINS};
use crate::dist::Dist;
use crate::features::Features;
use crate::forecast::DEFAULT_SEED;
use crate::models::{benchmark, LearnedModel, LearnedParams, ModelKind};
use crate::month::Month;
use crate::panel::Panel;
use crate::{ForecastError, Target};

/// The mixture's components, in weight order.
pub const COMPONENTS: [ModelKind; 5] =
    [ModelKind::Learned, ModelKind::Zero, ModelKind::NoChange, ModelKind::Conflictology, ModelKind::Bootstrap];
const K: usize = COMPONENTS.len();
/// Models scored: the components, then the ensemble.
pub const SCORED: [ModelKind; 6] = [
    ModelKind::Learned,
    ModelKind::Zero,
    ModelKind::NoChange,
    ModelKind::Conflictology,
    ModelKind::Bootstrap,
    ModelKind::Ensemble,
];
const NM: usize = SCORED.len();
const ENS: usize = K;

#[derive(Debug, Clone)]
pub struct SkillOptions {
    pub first: Month,
    pub last: Month,
    /// Origins before `first` that are scored only to give the first origins'
    /// ensemble weights a history.
    pub warmup: usize,
    /// Refit the learned model every this many origins (between refits the latest
    /// fit forecasts from the newer data).
    pub every: usize,
    pub horizons: Vec<u32>,
    pub target: Target,
    pub seed: u64,
    pub learned: LearnedParams,
    /// Grid step of the ensemble weights (they sum to 1).
    pub weight_step: f64,
    /// Half-life, in origins, of the weight an older origin gets when the ensemble
    /// weights are fitted (None: all past origins count the same). 24 scored a little
    /// better than None at every horizon of the 2015-12..2021-12 backtest.
    pub halflife: Option<f64>,
}

impl SkillOptions {
    pub fn new(first: Month, last: Month) -> SkillOptions {
        SkillOptions {
            first,
            last,
            warmup: 24,
            every: 6,
            horizons: (1..=12).collect(),
            target: Target::All,
            seed: DEFAULT_SEED,
            learned: LearnedParams::default(),
            weight_step: 0.05,
            halflife: Some(24.0),
        }
    }
}

/// Where the national total stood at an origin: the last 3 months' monthly mean
/// against the 12 months before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// Last 3 months at least 1.5× the previous 12 months' mean.
    Surge,
    /// At most 2/3 of it.
    Lull,
    Steady,
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Surge => "surge",
            Regime::Lull => "lull",
            Regime::Steady => "steady",
        }
    }
}

/// Pooled scores of one model at one horizon (means over origins and units).
#[derive(Debug, Clone, Default)]
pub struct Pooled {
    pub n: usize,
    pub crps: f64,
    /// Binned log score, bits.
    pub ign: f64,
    /// Interval score of the central 90 % interval.
    pub mis: f64,
    pub cover50: f64,
    pub cover90: f64,
    /// The same coverages over the unit-months with at least one death only (the
    /// zeros, most of the panel, sit inside almost any interval).
    pub cover50_fatal: f64,
    pub cover90_fatal: f64,
    /// Non-randomised PIT histogram, each bin's share × number of bins (1 = uniform).
    pub pit: [f64; PIT_BINS],
}

#[derive(Debug, Clone, Default)]
struct Acc {
    n: usize,
    crps: f64,
    ign: f64,
    mis: f64,
    c50: usize,
    c90: usize,
    n_fatal: usize,
    c50_fatal: usize,
    c90_fatal: usize,
    pit: [f64; PIT_BINS],
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.n += o.n;
        self.crps += o.crps;
        self.ign += o.ign;
        self.mis += o.mis;
        self.c50 += o.c50;
        self.c90 += o.c90;
        self.n_fatal += o.n_fatal;
        self.c50_fatal += o.c50_fatal;
        self.c90_fatal += o.c90_fatal;
        for (a, b) in self.pit.iter_mut().zip(o.pit) {
            *a += b;
        }
    }
    fn pooled(&self) -> Pooled {
        let n = self.n.max(1) as f64;
        Pooled {
            n: self.n,
            crps: self.crps / n,
            ign: self.ign / n,
            mis: self.mis / n,
            cover50: self.c50 as f64 / n,
            cover90: self.c90 as f64 / n,
            cover50_fatal: self.c50_fatal as f64 / self.n_fatal.max(1) as f64,
            cover90_fatal: self.c90_fatal as f64 / self.n_fatal.max(1) as f64,
            pit: self.pit.map(|v| v / n * PIT_BINS as f64),
        }
    }
    fn score(&mut self, s: &StepCdf, crps: f64, y: f64) {
        self.n += 1;
        self.crps += crps;
        self.ign += ign_binned(s, y);
        let (q05, q25, q75, q95) = (s.quantile(0.05), s.quantile(0.25), s.quantile(0.75), s.quantile(0.95));
        self.mis += interval_score(q05, q95, y, 0.1);
        self.c50 += covered(q25, q75, y) as usize;
        self.c90 += covered(q05, q95, y) as usize;
        if y >= 1.0 {
            self.n_fatal += 1;
            self.c50_fatal += covered(q25, q75, y) as usize;
            self.c90_fatal += covered(q05, q95, y) as usize;
        }
        pit_add(s, y, &mut self.pit);
    }
}

/// One origin: per horizon and model, mean CRPS over units and the national total
/// expected; the realised total.
#[derive(Debug, Clone)]
pub struct OriginRow {
    pub origin: Month,
    pub regime: Regime,
    /// Last 3 months' mean national total / the previous 12 months' mean.
    pub recent_ratio: f64,
    /// [horizon index][model index in SCORED]: mean CRPS over units (NaN: no outcome).
    pub crps: Vec<[f64; NM]>,
    /// [horizon index][model index]: expected national total.
    pub predicted: Vec<[f64; NM]>,
    /// [horizon index]: realised national total (None: not yet known).
    pub realised: Vec<Option<f64>>,
}

/// The ensemble's standing at one horizon, as the guard reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonSkill {
    pub horizon: u32,
    /// The benchmark with the lowest mean CRPS over the scored origins.
    pub best_benchmark: ModelKind,
    pub best_crps: f64,
    /// Mean CRPS of the learned model and of the ensemble.
    pub learned_crps: f64,
    pub ensemble_crps: f64,
    /// Origins scored at this horizon.
    pub origins: usize,
    /// Ensemble weights for a forecast from the origin after the last one scored,
    /// in [`COMPONENTS`] order.
    pub weights: [f64; K],
}

impl HorizonSkill {
    /// 1 − CRPS(model) / CRPS(best benchmark): positive is better than the benchmark.
    pub fn skill(&self, model: ModelKind) -> f64 {
        let c = match model {
            ModelKind::Learned => self.learned_crps,
            ModelKind::Ensemble => self.ensemble_crps,
            _ => return 0.0,
        };
        1.0 - c / self.best_crps
    }
}

#[derive(Debug, Clone)]
pub struct SkillReport {
    pub target: Target,
    pub units: usize,
    pub horizons: Vec<u32>,
    pub refits: usize,
    pub rows: Vec<OriginRow>,
    /// [horizon index][model index]: over all scored origins from `first`.
    pub pooled: Vec<[Pooled; NM]>,
    /// [horizon index][model index]: mean CRPS over the surge origins, the lull ones.
    pub surge_crps: Vec<[f64; NM]>,
    pub lull_crps: Vec<[f64; NM]>,
    pub skill: Vec<HorizonSkill>,
}

/// Weights on the simplex (grid of `step`) minimising wᵀSw.
pub fn simplex_weights(s: &[f64; K * K], step: f64) -> [f64; K] {
    let n = (1.0 / step).round().max(1.0) as usize;
    let mut best = ([1.0 / K as f64; K], f64::INFINITY);
    let mut c = [0usize; K];
    // every composition of n into K parts
    fn rec(i: usize, left: usize, n: usize, c: &mut [usize; K], s: &[f64; K * K], best: &mut ([f64; K], f64)) {
        if i == K - 1 {
            c[i] = left;
            let w: [f64; K] = std::array::from_fn(|k| c[k] as f64 / n as f64);
            let mut v = 0.0;
            for a in 0..K {
                if w[a] == 0.0 {
                    continue;
                }
                for b in 0..K {
                    v += w[a] * w[b] * s[a * K + b];
                }
            }
            if v < best.1 - 1e-15 {
                *best = (w, v);
            }
            return;
        }
        for x in 0..=left {
            c[i] = x;
            rec(i + 1, left - x, n, c, s, best);
        }
    }
    rec(0, n, n, &mut c, s, &mut best);
    best.0
}

/// Per origin and horizon: the summed cross terms, the accumulators of every model
/// and the national totals.
struct OriginOut {
    gram: Vec<Option<[f64; K * K]>>,
    acc: Vec<[Acc; NM]>,
    predicted: Vec<[f64; NM]>,
    realised: Vec<Option<f64>>,
}

struct Ctx<'a> {
    panel: &'a Panel,
    y: &'a [f32],
    feats: &'a Features,
    m0: usize,
    hs: &'a [u32],
}

impl Ctx<'_> {
    /// Every unit's component step CDFs at origin o for horizon index hi.
    fn components(&self, model: &LearnedModel, o: usize, h: u32, bench: &[Vec<StepCdf>]) -> Vec<[StepCdf; K]> {
        let learned = model.predict(self.feats, self.m0, o, h as usize);
        learned
            .iter()
            .enumerate()
            .map(|(u, d)| {
                [step_cdf(d), bench[0][u].clone(), bench[1][u].clone(), bench[2][u].clone(), bench[3][u].clone()]
            })
            .collect()
    }

    fn benchmarks(&self, o: usize) -> Vec<Vec<StepCdf>> {
        let months = self.panel.months;
        COMPONENTS[1..]
            .iter()
            .map(|&k| {
                let ds: Vec<Dist> = benchmark(k, self.y, months, o);
                if k == ModelKind::Bootstrap {
                    let s = step_cdf(&ds[0]);
                    vec![s; ds.len()]
                } else {
                    ds.iter().map(step_cdf).collect()
                }
            })
            .collect()
    }

    /// Score origin o: the components always; the ensemble when its weights are given.
    fn score_origin(&self, model: &LearnedModel, o: usize, weights: Option<&[[f64; K]]>) -> OriginOut {
        let months = self.panel.months;
        let units = self.panel.units.len();
        let bench = self.benchmarks(o);
        let nh = self.hs.len();
        let mut out = OriginOut {
            gram: vec![None; nh],
            acc: (0..nh).map(|_| Default::default()).collect(),
            predicted: vec![[0.0; NM]; nh],
            realised: vec![None; nh],
        };
        let mut g = [0.0; K * K];
        for (hi, &h) in self.hs.iter().enumerate() {
            let tt = o + h as usize;
            let comps = self.components(model, o, h, &bench);
            let known = tt < months;
            let mut gsum = [0.0; K * K];
            let mut real = 0.0;
            for (u, c) in comps.iter().enumerate() {
                let means: [f64; K] = std::array::from_fn(|k| c[k].mean());
                for (p, m) in out.predicted[hi].iter_mut().zip(means) {
                    *p += m;
                }
                let w = weights.map(|w| w[hi]);
                let mix = w.map(|w| {
                    let parts: Vec<(f64, &StepCdf)> = w.iter().zip(c.iter()).map(|(&a, s)| (a, s)).collect();
                    StepCdf::mixture(&parts)
                });
                if let Some(w) = w {
                    out.predicted[hi][ENS] += (0..K).map(|k| w[k] * means[k]).sum::<f64>();
                }
                if !known {
                    continue;
                }
                let obs = self.y[u * months + tt] as f64;
                real += obs;
                let refs: [&StepCdf; K] = std::array::from_fn(|k| &c[k]);
                crps_gram(&refs, obs, &mut g);
                for (a, b) in gsum.iter_mut().zip(g) {
                    *a += b;
                }
                match (w, &mix) {
                    (Some(w), Some(m)) => {
                        let mut crps = 0.0;
                        for a in 0..K {
                            for b in 0..K {
                                crps += w[a] * w[b] * g[a * K + b];
                            }
                        }
                        out.acc[hi][ENS].score(m, crps.max(0.0), obs);
                    }
                    _ => {
                        for k in 0..K {
                            out.acc[hi][k].score(&c[k], g[k * K + k], obs);
                        }
                    }
                }
            }
            if known {
                out.gram[hi] = Some(gsum.map(|v| v / units as f64));
                out.realised[hi] = Some(real);
            }
        }
        out
    }
}

/// Run `f(i)` for i in 0..n on `threads` threads; results in index order.
fn par_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let threads = threads.clamp(1, n.max(1));
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut got = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        got.push((i, f(i)));
                    }
                    got
                })
            })
            .collect();
        for h in hs {
            for (i, v) in h.join().expect("skill thread") {
                slots[i] = Some(v);
            }
        }
    });
    slots.into_iter().map(|s| s.expect("computed")).collect()
}

/// The national total's regime at origin index o.
fn regime(nat: &[f64], o: usize) -> (Regime, f64) {
    if o < 14 {
        return (Regime::Steady, f64::NAN);
    }
    let recent = nat[o - 2..=o].iter().sum::<f64>() / 3.0;
    let before = nat[o - 14..o - 2].iter().sum::<f64>() / 12.0;
    let r = if before > 0.0 {
        recent / before
    } else if recent > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let g = if r >= 1.5 {
        Regime::Surge
    } else if r <= 2.0 / 3.0 {
        Regime::Lull
    } else {
        Regime::Steady
    };
    (g, r)
}

/// Ensemble weights for origin index `o` at each horizon, from the cross terms of
/// the origins whose outcome was known by then.
fn weights_at(
    grams: &[(usize, Vec<Option<[f64; K * K]>>)],
    o: usize,
    hs: &[u32],
    opts: &SkillOptions,
) -> Vec<[f64; K]> {
    hs.iter()
        .enumerate()
        .map(|(hi, &h)| {
            let mut s = [0.0; K * K];
            let mut any = false;
            for (oo, g) in grams {
                if oo + h as usize > o {
                    continue;
                }
                let Some(g) = &g[hi] else { continue };
                let w = opts.halflife.map(|hl| 0.5f64.powf((o - h as usize - oo) as f64 / hl)).unwrap_or(1.0);
                for (a, b) in s.iter_mut().zip(g) {
                    *a += w * b;
                }
                any = true;
            }
            if any {
                simplex_weights(&s, opts.weight_step)
            } else {
                [1.0 / K as f64; K]
            }
        })
        .collect()
}

/// The fitted state a guarded forecast needs: the ensemble weights for the origin
/// after the backtest's last one, and the skill behind them.
pub fn skill_backtest(
    panel: &Panel,
    opts: &SkillOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SkillReport, ForecastError> {
    let o_first = panel
        .index(opts.first)
        .ok_or_else(|| ForecastError::NoData(format!("the first origin {} is outside the data", opts.first)))?;
    let o_last = panel
        .index(opts.last)
        .ok_or_else(|| ForecastError::NoData(format!("the last origin {} is outside the data", opts.last)))?;
    if opts.horizons.is_empty() {
        return Err(ForecastError::BadHorizons(String::new()));
    }
    let o_warm = o_first.saturating_sub(opts.warmup).max(opts.learned.burn_in + 1);
    if o_warm > o_first {
        return Err(ForecastError::NoData(format!(
            "the first origin {} leaves no training months after the {}-month burn-in",
            opts.first, opts.learned.burn_in
        )));
    }
    let y = panel.target(opts.target);
    let months = panel.months;
    let units = panel.units.len();
    let nat: Vec<f64> = (0..months).map(|t| (0..units).map(|u| y[u * months + t] as f64).sum()).collect();
    let feats = Features::build(panel, &y);
    let m0 = (panel.start.month() - 1) as usize;
    let hs = &opts.horizons;
    let hsu: Vec<usize> = hs.iter().map(|&h| h as usize).collect();
    let every = opts.every.max(1);
    let refit: Vec<usize> = (o_warm..=o_last).step_by(every).collect();
    let n_orig = o_last - o_warm + 1;
    let total = refit.len() * hs.len() + 2 * n_orig;
    progress(0, total);
    let done = AtomicUsize::new(0);
    let fits = std::thread::scope(|s| {
        let f = s.spawn(|| LearnedModel::fit_origins(&feats, &y, m0, &refit, &hsu, &opts.learned, opts.seed, &done));
        while !f.is_finished() {
            progress(done.load(Ordering::Relaxed), total);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        f.join().expect("fit thread")
    });
    let model_of = |o: usize| &fits[(o - o_warm) / every];
    let ctx = Ctx { panel, y: &y, feats: &feats, m0, hs };
    let threads = if opts.learned.threads == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        opts.learned.threads
    };
    let base = refit.len() * hs.len();
    let pass1 = par_map(n_orig, threads, |i| ctx.score_origin(model_of(o_warm + i), o_warm + i, None));
    progress(base + n_orig, total);
    let grams: Vec<(usize, Vec<Option<[f64; K * K]>>)> =
        pass1.iter().enumerate().map(|(i, p)| (o_warm + i, p.gram.clone())).collect();
    let first_i = o_first - o_warm;
    let ws: Vec<Vec<[f64; K]>> = (first_i..n_orig).map(|i| weights_at(&grams, o_warm + i, hs, opts)).collect();
    let pass2 = par_map(n_orig - first_i, threads, |j| {
        let o = o_first + j;
        ctx.score_origin(model_of(o), o, Some(&ws[j]))
    });
    progress(total, total);

    let nh = hs.len();
    let mut acc: Vec<[Acc; NM]> = (0..nh).map(|_| Default::default()).collect();
    let mut rows = Vec::new();
    let mut reg_sum = [vec![[0.0; NM]; nh], vec![[0.0; NM]; nh]];
    let mut reg_n = [vec![0usize; nh], vec![0usize; nh]];
    for (j, p2) in pass2.iter().enumerate() {
        let o = o_first + j;
        let p1 = &pass1[first_i + j];
        let (rg, ratio) = regime(&nat, o);
        let mut crps = vec![[f64::NAN; NM]; nh];
        let mut predicted = vec![[0.0; NM]; nh];
        for hi in 0..nh {
            for m in 0..NM {
                let a = if m == ENS { &p2.acc[hi][m] } else { &p1.acc[hi][m] };
                acc[hi][m].add(a);
                if a.n > 0 {
                    crps[hi][m] = a.crps / a.n as f64;
                }
                predicted[hi][m] = if m == ENS { p2.predicted[hi][m] } else { p1.predicted[hi][m] };
            }
            let ri = match rg {
                Regime::Surge => Some(0),
                Regime::Lull => Some(1),
                Regime::Steady => None,
            };
            if let (Some(ri), true) = (ri, crps[hi][0].is_finite()) {
                reg_n[ri][hi] += 1;
                for m in 0..NM {
                    reg_sum[ri][hi][m] += crps[hi][m];
                }
            }
        }
        rows.push(OriginRow {
            origin: panel.start.plus(o as i32),
            regime: rg,
            recent_ratio: ratio,
            crps,
            predicted,
            realised: p1.realised.clone(),
        });
    }
    let pooled: Vec<[Pooled; NM]> = acc.iter().map(|a| std::array::from_fn(|m| a[m].pooled())).collect();
    let mean_of = |ri: usize| -> Vec<[f64; NM]> {
        (0..nh)
            .map(|hi| reg_sum[ri][hi].map(|v| if reg_n[ri][hi] > 0 { v / reg_n[ri][hi] as f64 } else { f64::NAN }))
            .collect()
    };
    // weights for a forecast from the origin after the last one
    let next_w = weights_at(&grams, o_last + 1, hs, opts);
    let skill = hs
        .iter()
        .enumerate()
        .map(|(hi, &h)| {
            let (bm, bc) =
                (1..K).map(|m| (SCORED[m], pooled[hi][m].crps)).min_by(|a, b| a.1.total_cmp(&b.1)).expect("benchmarks");
            HorizonSkill {
                horizon: h,
                best_benchmark: bm,
                best_crps: bc,
                learned_crps: pooled[hi][0].crps,
                ensemble_crps: pooled[hi][ENS].crps,
                origins: pooled[hi][0].n / units.max(1),
                weights: next_w[hi],
            }
        })
        .collect();
    Ok(SkillReport {
        target: opts.target,
        units,
        horizons: hs.clone(),
        refits: refit.len(),
        rows,
        pooled,
        surge_crps: mean_of(0),
        lull_crps: mean_of(1),
        skill,
    })
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:+.1}%", 100.0 * x)
    } else {
        "n/a".into()
    }
}

impl SkillReport {
    fn best_index(&self, hi: usize) -> usize {
        (1..K).min_by(|&a, &b| self.pooled[hi][a].crps.total_cmp(&self.pooled[hi][b].crps)).expect("benchmarks")
    }

    /// Per-origin skill of model m (index in SCORED) against the best benchmark of
    /// each horizon, averaged over the horizons with an outcome.
    pub fn origin_skill(&self, row: &OriginRow, m: usize) -> f64 {
        let mut s = 0.0;
        let mut n = 0;
        for hi in 0..self.horizons.len() {
            let b = row.crps[hi][self.best_index(hi)];
            let c = row.crps[hi][m];
            if c.is_finite() && b > 0.0 {
                s += 1.0 - c / b;
                n += 1;
            }
        }
        if n > 0 {
            s / n as f64
        } else {
            f64::NAN
        }
    }

    /// The report for a terminal (and for bench/forecast/RESULTS.md).
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let o0 = self.rows.first().map(|r| r.origin.to_string()).unwrap_or_default();
        let o1 = self.rows.last().map(|r| r.origin.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "Skill backtest: target {}, {} units, origins {o0}..{o1} ({} origins), horizons {}, learned model fitted at {} origins; exact scores from the distributions",
            self.target.as_str(),
            self.units,
            self.rows.len(),
            self.horizons.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(","),
            self.refits
        );
        let _ = writeln!(s, "\nMean CRPS per horizon (all origins, all units); skill = 1 − CRPS / best benchmark's");
        let _ = write!(s, "{:>3}", "h");
        for m in SCORED {
            let _ = write!(s, " {:>13}", m.as_str());
        }
        let _ = writeln!(
            s,
            "  {:>13} {:>8} {:>8} {:>8} {:>8} {:>9}",
            "best bench", "gbm", "ens", "ens surge", "ens lull", "ens>0 origins"
        );
        for (hi, &h) in self.horizons.iter().enumerate() {
            let _ = write!(s, "{h:>3}");
            for m in 0..NM {
                let _ = write!(s, " {:>13.4}", self.pooled[hi][m].crps);
            }
            let b = self.best_index(hi);
            let bc = self.pooled[hi][b].crps;
            let reg = |v: &[[f64; NM]]| 1.0 - v[hi][ENS] / v[hi][b];
            let pos = self
                .rows
                .iter()
                .filter(|r| r.crps[hi][ENS].is_finite())
                .filter(|r| r.crps[hi][ENS] < r.crps[hi][b])
                .count();
            let nk = self.rows.iter().filter(|r| r.crps[hi][ENS].is_finite()).count();
            let _ = writeln!(
                s,
                "  {:>13} {:>8} {:>8} {:>8} {:>8} {:>9}",
                SCORED[b].as_str(),
                pct(1.0 - self.pooled[hi][0].crps / bc),
                pct(1.0 - self.pooled[hi][ENS].crps / bc),
                pct(reg(&self.surge_crps)),
                pct(reg(&self.lull_crps)),
                format!("{pos}/{nk}")
            );
        }
        let surge = self.rows.iter().filter(|r| r.regime == Regime::Surge).count();
        let lull = self.rows.iter().filter(|r| r.regime == Regime::Lull).count();
        let _ = writeln!(s, "(surge: {surge} origins whose last 3 months' national total ran ≥ 1.5× the 12 months before; lull: {lull} origins at ≤ 2/3)");
        for (title, f) in [
            ("Log score (IGN, bits, binned as VIEWS: 0,1-2,3-5,6-10,11-25,26-50,51-100,101-1000,>1000)", 0),
            ("Interval score (MIS) of the central 90% interval", 1),
            ("Coverage of the 50% interval [q25, q75] (ideal 0.50; counts on a bound are in)", 2),
            ("Coverage of the 90% interval [q05, q95] (ideal 0.90)", 3),
            ("Coverage of the 50% interval, unit-months with a death only", 4),
            ("Coverage of the 90% interval, unit-months with a death only", 5),
        ] {
            let _ = writeln!(s, "\n{title}");
            let _ = write!(s, "{:>3}", "h");
            for m in SCORED {
                let _ = write!(s, " {:>13}", m.as_str());
            }
            let _ = writeln!(s);
            for (hi, &h) in self.horizons.iter().enumerate() {
                let _ = write!(s, "{h:>3}");
                for m in 0..NM {
                    let p = &self.pooled[hi][m];
                    let v = [p.ign, p.mis, p.cover50, p.cover90, p.cover50_fatal, p.cover90_fatal][f];
                    let _ = write!(s, " {:>13.4}", v);
                }
                let _ = writeln!(s);
            }
        }
        for m in [0, ENS] {
            let _ = writeln!(
                s,
                "\nPIT histogram of {} (10 bins of [0,1], share × 10: 1.00 everywhere is calibrated)",
                SCORED[m].as_str()
            );
            for (hi, &h) in self.horizons.iter().enumerate() {
                let bins: Vec<String> = self.pooled[hi][m].pit.iter().map(|v| format!("{v:.2}")).collect();
                let _ = writeln!(s, "{h:>3}  {}", bins.join(" "));
            }
        }
        let _ = writeln!(
            s,
            "\nEnsemble weights by horizon for a forecast from the origin after the last ({})",
            COMPONENTS.map(|c| c.as_str()).join(", ")
        );
        for sk in &self.skill {
            let _ = writeln!(s, "{:>3}  {}", sk.horizon, sk.weights.map(|w| format!("{w:.2}")).join(" "));
        }
        let _ = writeln!(s, "\nPer origin: skill averaged over horizons against each horizon's best benchmark; national totals expected over the next 12 months (sum of horizons with an outcome) against realised");
        let _ = writeln!(
            s,
            "{:>8} {:>7} {:>6} {:>8} {:>8} {:>9} {:>9} {:>9} {:>6} {:>6}",
            "origin", "regime", "ratio", "gbm", "ens", "gbm tot", "ens tot", "realised", "gbm×", "ens×"
        );
        for r in &self.rows {
            let (mut pg, mut pe, mut re) = (0.0, 0.0, 0.0);
            for hi in 0..self.horizons.len() {
                if let Some(v) = r.realised[hi] {
                    re += v;
                    pg += r.predicted[hi][0];
                    pe += r.predicted[hi][ENS];
                }
            }
            let _ = writeln!(
                s,
                "{:>8} {:>7} {:>6.2} {:>8} {:>8} {:>9.0} {:>9.0} {:>9.0} {:>6.2} {:>6.2}",
                r.origin.to_string(),
                r.regime.as_str(),
                r.recent_ratio,
                pct(self.origin_skill(r, 0)),
                pct(self.origin_skill(r, ENS)),
                pg,
                pe,
                re,
                pg / re,
                pe / re
            );
        }
        s
    }
}
