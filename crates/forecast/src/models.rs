//! The models: the four benchmarks of the VIEWS prediction challenge and Vigil's
//! learned hurdle model.
//!
//! Every model answers the same question: given the panel up to and including the
//! origin month, what is the distribution of the count in each unit h months later.

use std::collections::HashMap;

use crate::dist::{Atoms, Dist};
use crate::features::Features;
use crate::gbm::{Gbm, GbmParams, Loss, Matrix, RowKeys};
use crate::rng;
use crate::ForecastError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// Always zero.
    Zero,
    /// Poisson around the origin month's value.
    NoChange,
    /// The unit's own last 12 months, resampled.
    Conflictology,
    /// All units' last 12 months, resampled.
    Bootstrap,
    /// Gradient-boosted hurdle: P(any) from a logistic GBM, sizes from the observed
    /// fatal months whose predicted size is nearest.
    Learned,
    /// The learned model mixed with the four benchmarks, weights per horizon fitted on
    /// past origins' CRPS (see [`crate::skill`]).
    Ensemble,
}

impl ModelKind {
    pub const BENCHMARKS: [ModelKind; 4] =
        [ModelKind::Zero, ModelKind::NoChange, ModelKind::Conflictology, ModelKind::Bootstrap];
    pub const ALL: [ModelKind; 5] =
        [ModelKind::Learned, ModelKind::Zero, ModelKind::NoChange, ModelKind::Conflictology, ModelKind::Bootstrap];

    pub fn parse(s: &str) -> Result<ModelKind, ForecastError> {
        match s.to_ascii_lowercase().as_str() {
            "zero" => Ok(ModelKind::Zero),
            "no-change" | "nochange" | "last" => Ok(ModelKind::NoChange),
            "conflictology" => Ok(ModelKind::Conflictology),
            "bootstrap" => Ok(ModelKind::Bootstrap),
            "hurdle-gbm" | "gbm" | "learned" | "default" => Ok(ModelKind::Learned),
            "ensemble" => Ok(ModelKind::Ensemble),
            _ => Err(ForecastError::BadOption(format!(
                "unknown model `{s}` (ensemble, hurdle-gbm, zero, no-change, conflictology, bootstrap)"
            ))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Zero => "zero",
            ModelKind::NoChange => "no-change",
            ModelKind::Conflictology => "conflictology",
            ModelKind::Bootstrap => "bootstrap",
            ModelKind::Learned => "hurdle-gbm",
            ModelKind::Ensemble => "ensemble",
        }
    }
    pub fn is_benchmark(self) -> bool {
        !matches!(self, ModelKind::Learned | ModelKind::Ensemble)
    }
    /// A fixed number mixed into sampling seeds, so that models draw independent
    /// streams and adding a model never changes another's draws.
    pub fn stream_id(self) -> u64 {
        match self {
            ModelKind::Zero => 1,
            ModelKind::NoChange => 2,
            ModelKind::Conflictology => 3,
            ModelKind::Bootstrap => 4,
            ModelKind::Learned => 5,
            ModelKind::Ensemble => 6,
        }
    }
}

/// A benchmark's distribution for every unit at origin index `o` (the same for all
/// horizons). `y` is the unit-major target series of a panel with `months` months.
pub fn benchmark(kind: ModelKind, y: &[f32], months: usize, o: usize) -> Vec<Dist> {
    let units = y.len() / months;
    let window = |u: usize| -> Vec<f64> {
        let lo = (o + 1).saturating_sub(12);
        (lo..=o).map(|t| y[u * months + t] as f64).collect()
    };
    match kind {
        ModelKind::Zero => vec![Dist::Zero; units],
        ModelKind::NoChange => (0..units).map(|u| Dist::Poisson(y[u * months + o] as f64)).collect(),
        ModelKind::Conflictology => (0..units).map(|u| Dist::Empirical(Atoms::new(window(u)))).collect(),
        ModelKind::Bootstrap => {
            let all: Vec<f64> = (0..units).flat_map(window).collect();
            let atoms = Atoms::new(all);
            vec![Dist::Empirical(atoms); units]
        }
        ModelKind::Learned | ModelKind::Ensemble => panic!("{} is not a benchmark", kind.as_str()),
    }
}

/// Settings of the learned model. The defaults were chosen once, on general grounds
/// and the 2012–2018 part of the synthetic data; see the crate's README.
#[derive(Debug, Clone)]
pub struct LearnedParams {
    pub classifier: GbmParams,
    pub sizer: GbmParams,
    /// Share of "cold" negative rows (no fatality within two rings in 36 months) kept
    /// for training, each weighted by its inverse: the loss stays unbiased while the
    /// long quiet majority stops dominating the cost of a fit.
    pub cold_keep: f64,
    /// Months at the panel's start whose lags reach before the data; not trained on.
    pub burn_in: usize,
    /// Observed fatal months the size distribution of one forecast is drawn from.
    pub pool_size: usize,
    /// Weight, in the size distribution, of the unit's own fatal months of the last
    /// 12 (when it had any) against the pooled analogues: local knowledge of how
    /// deadly a place's incidents are is the conflictology benchmark's strength.
    pub own_share: f64,
    /// Fit horizons (and refits, and in a backtest score units) on this many threads
    /// (0 = all available cores). The results do not depend on it.
    pub threads: usize,
}

impl Default for LearnedParams {
    fn default() -> Self {
        LearnedParams {
            classifier: GbmParams {
                trees: 120,
                learning_rate: 0.06,
                max_depth: 4,
                min_leaf_rows: 40,
                min_leaf_hess: 0.5,
                lambda: 2.0,
                max_bins: 64,
            },
            sizer: GbmParams {
                trees: 60,
                learning_rate: 0.06,
                max_depth: 3,
                min_leaf_rows: 25,
                min_leaf_hess: 25.0,
                lambda: 5.0,
                max_bins: 32,
            },
            cold_keep: 0.15,
            burn_in: 12,
            pool_size: 40,
            own_share: 0.5,
            threads: 0,
        }
    }
}

/// The learned model fitted for one horizon.
#[derive(Debug, Clone)]
pub struct HorizonFit {
    pub horizon: usize,
    classifier: Gbm,
    sizer: Option<Gbm>,
    /// Predicted log(1+size) of the training fatal months, ascending.
    pool_pred: Vec<f64>,
    /// Their observed sizes, in the same order.
    pool_y: Vec<f64>,
}

/// The learned model, fitted at one origin for a set of horizons.
#[derive(Debug, Clone)]
pub struct LearnedModel {
    pub fitted_at: usize,
    pub fits: Vec<HorizonFit>,
    params: LearnedParams,
}

/// Month of the year (0–11) of panel month index t.
fn month_of_year(start_month0: usize, t: usize) -> f32 {
    ((start_month0 + t) % 12) as f32
}

struct ColIdx {
    ms36: usize,
    r1_ms36: usize,
    r2_ms36: usize,
}

fn row_into(feats: &Features, u: usize, t: usize, moy: f32, out: &mut Vec<f32>) {
    for f in 0..feats.width() {
        out.push(feats.get(f, u, t));
    }
    out.push(moy);
}

impl LearnedModel {
    /// Fit at origin index `o`: for horizon h, train on rows t with t + h ≤ o.
    /// `start_month0` is the month-of-year (0–11) of panel index 0.
    pub fn fit(
        feats: &Features,
        y: &[f32],
        start_month0: usize,
        o: usize,
        horizons: &[usize],
        params: &LearnedParams,
        seed: u64,
    ) -> LearnedModel {
        let done = std::sync::atomic::AtomicUsize::new(0);
        LearnedModel::fit_origins(feats, y, start_month0, &[o], horizons, params, seed, &done).remove(0)
    }

    /// [`LearnedModel::fit`] at each of several origins (a backtest's refits). Every
    /// (origin, horizon) fit is independent and sees only rows up to its own origin;
    /// they are spread over `params.threads` threads, largest first, each result in
    /// its own slot, so the outcome does not depend on scheduling.
    #[allow(clippy::too_many_arguments)]
    pub fn fit_origins(
        feats: &Features,
        y: &[f32],
        start_month0: usize,
        origins: &[usize],
        horizons: &[usize],
        params: &LearnedParams,
        seed: u64,
        done: &std::sync::atomic::AtomicUsize,
    ) -> Vec<LearnedModel> {
        let ci = ColIdx {
            ms36: feats.index("ms36").expect("ms36"),
            r1_ms36: feats.index("r1_ms36").expect("r1_ms36"),
            r2_ms36: feats.index("r2_ms36").expect("r2_ms36"),
        };
        let mut tasks: Vec<(usize, usize)> =
            (0..origins.len()).flat_map(|oi| (0..horizons.len()).map(move |hi| (oi, hi))).collect();
        // the most training months first, so that the last task to start is a small one
        tasks.sort_by_key(|&(oi, hi)| std::cmp::Reverse(origins[oi].saturating_sub(horizons[hi])));
        let threads = if params.threads == 0 {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        } else {
            params.threads
        }
        .min(tasks.len())
        .max(1);
        let mut fits: Vec<Option<HorizonFit>> = vec![None; tasks.len()];
        let next = std::sync::atomic::AtomicUsize::new(0);
        let run = || {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(oi, hi)) = tasks.get(i) else { break };
                let (o, h) = (origins[oi], horizons[hi]);
                out.push((i, fit_horizon(feats, y, start_month0, o, h, params, seed, &ci)));
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            out
        };
        if threads == 1 {
            for (i, fit) in run() {
                fits[i] = Some(fit);
            }
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads).map(|_| s.spawn(run)).collect();
                for hd in handles {
                    for (i, fit) in hd.join().expect("fit thread") {
                        fits[i] = Some(fit);
                    }
                }
            });
        }
        let mut by_origin: Vec<Vec<Option<HorizonFit>>> = vec![vec![None; horizons.len()]; origins.len()];
        for (&(oi, hi), fit) in tasks.iter().zip(fits) {
            by_origin[oi][hi] = fit;
        }
        origins
            .iter()
            .zip(by_origin)
            .map(|(&o, fs)| LearnedModel {
                fitted_at: o,
                fits: fs.into_iter().map(|f| f.expect("fitted")).collect(),
                params: params.clone(),
            })
            .collect()
    }

    /// Distributions for every unit at origin index `o` (≥ the fit origin) for
    /// horizon `h`, which must be one the model was fitted for.
    pub fn predict(&self, feats: &Features, start_month0: usize, o: usize, h: usize) -> Vec<Dist> {
        let fit = self.fits.iter().find(|f| f.horizon == h).expect("horizon was fitted");
        let units = feats.units;
        let n_pool = fit.pool_y.len();
        let k = self.params.pool_size.min(n_pool).max(1);
        let mut cache: HashMap<usize, Atoms> = HashMap::new();
        let mut row = Vec::with_capacity(feats.width() + 1);
        let moy = month_of_year(start_month0, o + h);
        (0..units)
            .map(|u| {
                row.clear();
                row_into(feats, u, o, moy, &mut row);
                let p = fit.classifier.predict(&row);
                if n_pool == 0 {
                    return Dist::Hurdle { p, sizes: Atoms::new(vec![1.0]) };
                }
                let s = fit.sizer.as_ref().map(|m| m.predict(&row)).unwrap_or(0.0);
                // the k training fatal months whose predicted size is nearest to s
                let pos = fit.pool_pred.partition_point(|&v| v < s);
                let lo = pos.saturating_sub(k / 2).min(n_pool - k);
                let own: Vec<f64> = row[..12].iter().filter(|&&v| v >= 1.0).map(|&v| v as f64).collect();
                let share = self.params.own_share.clamp(0.0, 0.99);
                if own.is_empty() || share == 0.0 {
                    let sizes = cache.entry(lo).or_insert_with(|| Atoms::new(fit.pool_y[lo..lo + k].to_vec())).clone();
                    return Dist::Hurdle { p, sizes };
                }
                // k analogues, and the own values repeated to hold `share` of the mass
                let reps = ((share / (1.0 - share)) * k as f64 / own.len() as f64).round().max(1.0) as usize;
                let mut v = fit.pool_y[lo..lo + k].to_vec();
                for _ in 0..reps {
                    v.extend_from_slice(&own);
                }
                Dist::Hurdle { p, sizes: Atoms::new(v) }
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
fn fit_horizon(
    feats: &Features,
    y: &[f32],
    start_month0: usize,
    o: usize,
    h: usize,
    params: &LearnedParams,
    seed: u64,
    ci: &ColIdx,
) -> HorizonFit {
    let months = feats.months;
    let units = feats.units;
    let width = feats.width() + 1;
    let burn = if o >= h + params.burn_in { params.burn_in } else { 0 };
    // the training rows (unit, month), month by month; which to keep is decided unit
    // by unit, the order the panel and features are stored in
    let mut sel: Vec<(u32, u32)> = Vec::new();
    let mut labels = Vec::new();
    let mut weights = Vec::new();
    let mut pos_rows: Vec<usize> = Vec::new();
    let mut sizes = Vec::new();
    let keep_cut = (params.cold_keep.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    let (t0, span) = if o >= h { (burn, (o - h + 1).saturating_sub(burn)) } else { (0, 0) };
    // per (unit, month): 0 not kept, 1 quiet or warm negative, 2 cold negative kept
    // (weighted up), 3 positive
    let mut kind = vec![0u8; units * span];
    let (ms36, r1, r2) = (feats.col(ci.ms36), feats.col(ci.r1_ms36), feats.col(ci.r2_ms36));
    for u in 0..units {
        for (dt, k) in kind[u * span..(u + 1) * span].iter_mut().enumerate() {
            let t = t0 + dt;
            let i = u * months + t;
            *k = if y[i + h] >= 1.0 {
                3
            } else if ms36[i] == 0.0 && r1[i] == 0.0 && r2[i] == 0.0 {
                if rng::stream(&[seed, 0xC01D, u as u64, t as u64, h as u64]) > keep_cut {
                    0
                } else {
                    2
                }
            } else {
                1
            };
        }
    }
    // index in `sel` of each month's first row
    let mut month_start = Vec::with_capacity(span + 1);
    for dt in 0..span {
        month_start.push(sel.len());
        let t = t0 + dt;
        for u in 0..units {
            let k = kind[u * span + dt];
            if k == 0 {
                continue;
            }
            if k == 3 {
                pos_rows.push(labels.len());
                sizes.push(y[u * months + t + h] as f64);
            }
            sel.push((u as u32, t as u32));
            labels.push(if k == 3 { 1.0 } else { 0.0 });
            weights.push(if k == 2 { 1.0 / params.cold_keep } else { 1.0 });
        }
    }
    month_start.push(sel.len());
    // column-major: the panel's features, then the month of year of the target.
    // Gathered a block of months at a time, unit by unit, so that the reads are runs
    // of a unit's consecutive months rather than one value per unit and month; long
    // blocks (128 months: all of a Mali fit's) read a column almost as one stream. Each
    // column has one slot more, where the values of the rows not kept are written
    // (no branch on a coin flip per value); the slots are dropped at the end.
    let rows = sel.len();
    let stride = rows + 1;
    let mut data = vec![0.0f32; stride * width];
    const BLOCK: usize = 128;
    let mut row_at = vec![rows as u32; BLOCK * units];
    for b0 in (0..span).step_by(BLOCK) {
        let b1 = (b0 + BLOCK).min(span);
        row_at.fill(rows as u32);
        for (i, &(u, t)) in sel.iter().enumerate().take(month_start[b1]).skip(month_start[b0]) {
            row_at[u as usize * BLOCK + (t as usize - t0 - b0)] = i as u32;
        }
        for f in 0..feats.width() {
            let src = feats.col(f);
            let dst = &mut data[f * stride..(f + 1) * stride];
            for u in 0..units {
                let run = &src[u * months + t0 + b0..u * months + t0 + b1];
                for (&v, &i) in run.iter().zip(&row_at[u * BLOCK..]) {
                    dst[i as usize] = v;
                }
            }
        }
    }
    for f in 1..width {
        data.copy_within(f * stride..f * stride + rows, f * rows);
    }
    data.truncate(rows * width);
    for (d, &(_, t)) in data[(width - 1) * rows..].iter_mut().zip(&sel) {
        *d = month_of_year(start_month0, t as usize + h);
    }
    let x = Matrix { rows, cols: width, data };
    // static attributes are functions of the unit, country totals and the month of
    // year of the month: a speed hint for the fit
    let keys_of = |rs: &mut dyn Iterator<Item = usize>| -> [RowKeys; 2] {
        let (mut ku, mut kt) = (Vec::new(), Vec::new());
        for r in rs {
            ku.push(sel[r].0);
            kt.push(sel[r].1);
        }
        [RowKeys { keys: ku, n_keys: units }, RowKeys { keys: kt, n_keys: months }]
    };
    let keys = keys_of(&mut (0..rows));
    let classifier = Gbm::fit_keyed(&x, &labels, &weights, Loss::Logistic, &params.classifier, &keys);
    // sizes: log(1+y) of the fatal months, regressed on the same features
    let np = pos_rows.len();
    let mut pdata = Vec::with_capacity(np * width);
    for f in 0..width {
        let c = x.col(f);
        pdata.extend(pos_rows.iter().map(|&r| c[r]));
    }
    let px = Matrix { rows: np, cols: width, data: pdata };
    let pkeys = keys_of(&mut pos_rows.iter().copied());
    let ly: Vec<f64> = sizes.iter().map(|s: &f64| s.ln_1p()).collect();
    let sizer = (px.rows >= 2 * params.sizer.min_leaf_rows)
        .then(|| Gbm::fit_keyed(&px, &ly, &vec![1.0; px.rows], Loss::Squared, &params.sizer, &pkeys));
    let mut row = Vec::with_capacity(width);
    let mut pool: Vec<(f64, f64)> = (0..px.rows)
        .map(|r| {
            px.row_into(r, &mut row);
            (sizer.as_ref().map(|m| m.predict(&row)).unwrap_or(0.0), sizes[r])
        })
        .collect();
    pool.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    HorizonFit {
        horizon: h,
        classifier,
        sizer,
        pool_pred: pool.iter().map(|p| p.0).collect(),
        pool_y: pool.iter().map(|p| p.1).collect(),
    }
}
