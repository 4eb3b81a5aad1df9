//! A small histogram gradient-boosted tree learner: logistic loss for P(any fatality),
//! squared loss for the size of a fatal month.
//!
//! Written here rather than pulled in because what the model needs is modest
//! (depth-wise trees on ≤ 64 quantile bins, row weights, Newton leaves) and a GBM
//! crate would outweigh the rest of the forecasting stack in build time. Everything is
//! deterministic: no row or feature sampling, ties broken by feature order.
//!
//! Where the time goes is the per-node histograms (sum of gradient, hessian and count
//! per feature and bin). Three things keep them cheap on a conflict panel, where most
//! cell-months are zero and a third of the features do not vary within a unit or a
//! month; none of them changes what is fitted (up to floating-point summation order):
//!
//! * **sparse rows**: each row keeps the list of its histogram cells outside each
//!   feature's most frequent bin (zero, for the counts, lags and moving sums); a node's
//!   histogram walks its rows' lists, and the frequent bin is the node total minus
//!   the rest;
//! * **keyed features**: a feature that is a function of a row key the caller passes
//!   (the unit for static attributes, the month for country-wide totals) is
//!   histogrammed from per-key sums, one pass over the node's rows for all of them;
//! * **level-wise growth with subtraction**: the smaller child of every split is
//!   built, the larger is its parent minus the smaller; children that cannot be split
//!   again (maximum depth, too few rows) get no histogram, and a node whose children
//!   are both leaves does not even sort its rows.

/// Dense column-major training matrix: feature f of row r is `data[f * rows + r]`.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    /// From row-major values (`data[r * cols + f]`).
    pub fn from_rows(rows: usize, cols: usize, data: &[f32]) -> Matrix {
        assert_eq!(data.len(), rows * cols);
        let mut cm = vec![0.0f32; rows * cols];
        for r in 0..rows {
            for f in 0..cols {
                cm[f * rows + r] = data[r * cols + f];
            }
        }
        Matrix { rows, cols, data: cm }
    }
    pub fn col(&self, f: usize) -> &[f32] {
        &self.data[f * self.rows..(f + 1) * self.rows]
    }
    /// Row r's values, into `out` (cleared first).
    pub fn row_into(&self, r: usize, out: &mut Vec<f32>) {
        out.clear();
        out.extend((0..self.cols).map(|f| self.data[f * self.rows + r]));
    }
}

/// A key per training row (e.g. the unit or the month of a panel row), `< n_keys`.
/// Only a hint for speed: features that turn out to be a function of the key are
/// histogrammed per key instead of per row; the fit is the same either way.
#[derive(Debug, Clone)]
pub struct RowKeys {
    pub keys: Vec<u32>,
    pub n_keys: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    Logistic,
    Squared,
}

#[derive(Debug, Clone)]
pub struct GbmParams {
    pub trees: usize,
    pub learning_rate: f64,
    pub max_depth: usize,
    pub min_leaf_rows: usize,
    pub min_leaf_hess: f64,
    pub lambda: f64,
    pub max_bins: usize,
}

impl Default for GbmParams {
    fn default() -> Self {
        GbmParams {
            trees: 120,
            learning_rate: 0.06,
            max_depth: 4,
            min_leaf_rows: 30,
            min_leaf_hess: 1.0,
            lambda: 1.0,
            max_bins: 64,
        }
    }
}

/// An integer ordered as `f32::total_cmp` orders the floats.
#[inline]
fn total_order_key(v: f32) -> u32 {
    let b = v.to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 1 << 31
    }
}

#[inline]
fn from_total_order_key(k: u32) -> f32 {
    f32::from_bits(if k >> 31 == 1 { k & !(1 << 31) } else { !k })
}

/// Per-feature bin thresholds: a value v falls in bin `#{thresholds < v}`.
#[derive(Debug, Clone)]
pub struct BinMapper {
    thresholds: Vec<Vec<f32>>,
}

impl BinMapper {
    /// Quantile thresholds from (at most 50,000 evenly strided) training rows;
    /// features with few distinct values get one bin per value.
    pub fn fit(x: &Matrix, max_bins: usize) -> BinMapper {
        let stride = (x.rows / 50_000).max(1);
        let mut thresholds = Vec::with_capacity(x.cols);
        let mut uniq: Vec<f32> = Vec::new();
        let mut keys: Vec<u32> = Vec::new();
        for f in 0..x.cols {
            // sorted as integers that order like `f32::total_cmp` (a bijection, so the
            // sequence is the same as sorting the floats, only cheaper). Most values of
            // the counts, lags and sums are +0.0: only the others are sorted, and the
            // zeros put back where they belong
            keys.clear();
            let mut zeros = 0usize;
            for &v in x.col(f).iter().step_by(stride) {
                if v.to_bits() == 0 {
                    zeros += 1;
                } else {
                    keys.push(total_order_key(v));
                }
            }
            keys.sort_unstable();
            // the sorted values are keys[..at], `zeros` zeros, keys[at..]
            let at = keys.partition_point(|&k| k < total_order_key(0.0));
            let n_vals = keys.len() + zeros;
            let val = |p: usize| match p {
                p if p < at => from_total_order_key(keys[p]),
                p if p < at + zeros => 0.0,
                p => from_total_order_key(keys[p - zeros]),
            };
            // their distinct values (as `Vec::dedup` keeps them), up to one too many
            uniq.clear();
            let run_of_zeros = (zeros > 0).then_some(0.0f32);
            let sorted = keys[..at].iter().map(|&k| from_total_order_key(k));
            let sorted = sorted.chain(run_of_zeros).chain(keys[at..].iter().map(|&k| from_total_order_key(k)));
            for v in sorted {
                if uniq.last() != Some(&v) {
                    uniq.push(v);
                    if uniq.len() > max_bins {
                        break;
                    }
                }
            }
            let th: Vec<f32> = if uniq.len() <= max_bins {
                uniq.windows(2).map(|w| w[0] + (w[1] - w[0]) / 2.0).collect()
            } else {
                let mut th: Vec<f32> = (1..max_bins).map(|i| val(i * n_vals / max_bins)).collect();
                th.dedup();
                // the largest value gets no threshold of its own: nothing lies above it
                if n_vals > 0 && th.last() == Some(&val(n_vals - 1)) {
                    th.pop();
                }
                th
            };
            thresholds.push(th);
        }
        BinMapper { thresholds }
    }

    #[inline]
    pub fn bin(&self, f: usize, v: f32) -> u8 {
        self.thresholds[f].partition_point(|&t| t < v) as u8
    }

    /// Bins of every value, column-major like `x`.
    pub fn transform(&self, x: &Matrix) -> Vec<u8> {
        let mut out = vec![0u8; x.rows * x.cols];
        for f in 0..x.cols {
            let dst = &mut out[f * x.rows..(f + 1) * x.rows];
            // runs of equal values (zeros, above all) are binned once
            let mut last: Option<(u32, u8)> = None;
            for (d, &v) in dst.iter_mut().zip(x.col(f)) {
                *d = match last {
                    Some((lv, lb)) if lv == v.to_bits() => lb,
                    _ => {
                        let b = self.bin(f, v);
                        last = Some((v.to_bits(), b));
                        b
                    }
                };
            }
        }
        out
    }

    pub fn bins_of(&self, f: usize) -> usize {
        self.thresholds[f].len() + 1
    }
}

#[derive(Debug, Clone)]
enum Node {
    Split { feature: u16, bin: u8, left: u32, right: u32 },
    Leaf(f64),
}

#[derive(Debug, Clone)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn predict_bins(&self, row: &[u8]) -> f64 {
        let mut i = 0usize;
        loop {
            match self.nodes[i] {
                Node::Leaf(v) => return v,
                Node::Split { feature, bin, left, right } => {
                    i = if row[feature as usize] <= bin { left as usize } else { right as usize };
                }
            }
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Gbm {
    pub loss: Loss,
    base: f64,
    trees: Vec<Tree>,
    mapper: BinMapper,
}

mod hist;
use hist::{build_hists, partition, sum4, Cell, Job, Layout, Work, MAXB};

/// A row's state after a leaf: times `u` (logistic), plus `u` (squared).
#[inline]
fn update(state: &mut f64, u: f64, logistic: bool) {
    if logistic {
        *state *= u;
    } else {
        *state += u;
    }
}

/// A node waiting to be split or made a leaf.
struct Open {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    /// Its histogram, when it can be split.
    hist: Option<Vec<Cell>>,
    g: f64,
    h: f64,
}

impl Gbm {
    /// Fit to targets `y` (0/1 for logistic) with row weights `w`.
    pub fn fit(x: &Matrix, y: &[f64], w: &[f64], loss: Loss, p: &GbmParams) -> Gbm {
        Gbm::fit_keyed(x, y, w, loss, p, &[])
    }

    /// [`Gbm::fit`], told which row keys some features may be functions of (a speed
    /// hint; see [`RowKeys`]).
    pub fn fit_keyed(x: &Matrix, y: &[f64], w: &[f64], loss: Loss, p: &GbmParams, keys: &[RowKeys]) -> Gbm {
        assert_eq!(x.rows, y.len());
        assert_eq!(x.rows, w.len());
        assert_eq!(x.data.len(), x.rows * x.cols);
        let max_bins = p.max_bins.clamp(2, MAXB);
        let mapper = BinMapper::fit(x, max_bins);
        let n = x.rows;
        let bins = mapper.transform(x);
        let lay = Layout::new(&bins, n, &mapper, keys);
        let wsum: f64 = w.iter().sum();
        let mean = if wsum > 0.0 { y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / wsum } else { 0.0 };
        let base = match loss {
            Loss::Logistic => {
                let m = mean.clamp(1e-6, 1.0 - 1e-6);
                (m / (1.0 - m)).ln()
            }
            Loss::Squared => mean,
        };
        let splittable = |depth: usize, count: usize| depth < p.max_depth && count >= 2 * p.min_leaf_rows;
        // the state of each row: the raw score for squared loss; for logistic loss
        // exp(-score), kept up to date by multiplying with exp(-leaf value), one exp
        // per leaf rather than one per row and tree
        let logistic = loss == Loss::Logistic;
        let to_state = |v: f64| if logistic { (-v).exp() } else { v };
        let mut state = vec![to_state(base); n];
        let mut gh = vec![(0.0, 0.0); n];
        let mut trees = Vec::with_capacity(p.trees);
        let mut idx: Vec<u32> = (0..n as u32).collect();
        let mut scratch: Vec<u32> = vec![0; n];
        let mut wk = Work { gh_pos: vec![(0.0, 0.0); n], agg: vec![Vec::new(); lay.key_sets.len()], free: Vec::new() };
        for _ in 0..p.trees {
            match loss {
                Loss::Logistic => {
                    for ((g, &e), (&wr, &yr)) in gh.iter_mut().zip(&state).zip(w.iter().zip(y)) {
                        let q = 1.0 / (1.0 + e);
                        *g = (wr * (q - yr), (wr * q * (1.0 - q)).max(1e-12));
                    }
                }
                Loss::Squared => {
                    for ((g, &pr), (&wr, &yr)) in gh.iter_mut().zip(&state).zip(w.iter().zip(y)) {
                        *g = (wr * (pr - yr), wr);
                    }
                }
            }
            for (i, v) in idx.iter_mut().enumerate() {
                *v = i as u32;
            }
            let mut nodes: Vec<Node> = vec![Node::Leaf(0.0)];
            let (g0, h0) = sum4(gh.iter().copied());
            let mut level = vec![Open { node: 0, start: 0, end: n, depth: 0, hist: None, g: g0, h: h0 }];
            if splittable(0, n) {
                let mut jobs = [Job { dest: Some(0), start: 0, end: n, hist: wk.hist(lay.cells) }];
                build_hists(&mut jobs, &lay, keys, &idx, &gh, &mut wk, Some((g0, h0)));
                let [j] = jobs;
                level[0].hist = Some(j.hist);
            }
            let mut leaves: Vec<(usize, usize, f64)> = Vec::new();
            // split nodes whose children are both leaves: rows, feature, bin, values
            let mut leaf_pairs: Vec<(usize, usize, usize, u8, f64, f64)> = Vec::new();
            while !level.is_empty() {
                let mut next: Vec<Open> = Vec::new();
                let mut jobs: Vec<Job> = Vec::new();
                // (index in `next` of the child built by subtraction, its parent's
                // histogram, the job of its sibling)
                let mut subtract: Vec<(usize, Vec<Cell>, usize)> = Vec::new();
                for nd in level {
                    let leaf_value = -nd.g / (nd.h + p.lambda) * p.learning_rate;
                    let count = nd.end - nd.start;
                    let mut best: Option<(f64, usize, usize, f64, f64, usize)> = None; // gain, f, bin, gl, hl, nl
                    if let Some(hist) = nd.hist.as_ref().filter(|_| splittable(nd.depth, count)) {
                        let parent_score = nd.g * nd.g / (nd.h + p.lambda);
                        for (f, ft) in lay.feats.iter().enumerate() {
                            let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
                            for b in 0..ft.bins.saturating_sub(1) {
                                let c = hist[ft.off + b];
                                if c.n == 0 && c.g == 0.0 && c.h == 0.0 {
                                    // the same split as the bin before: not better
                                    continue;
                                }
                                gl += c.g;
                                hl += c.h;
                                nl += c.n as usize;
                                if nl < p.min_leaf_rows || hl < p.min_leaf_hess {
                                    continue;
                                }
                                let (gr, hr, nr) = (nd.g - gl, nd.h - hl, count - nl);
                                if nr < p.min_leaf_rows || hr < p.min_leaf_hess {
                                    break;
                                }
                                let gain = gl * gl / (hl + p.lambda) + gr * gr / (hr + p.lambda) - parent_score;
                                if gain > 1e-9 && best.is_none_or(|bst| gain > bst.0) {
                                    best = Some((gain, f, b, gl, hl, nl));
                                }
                            }
                        }
                    }
                    let Some((_, f, b, gl, hl, nl)) = best else {
                        nodes[nd.node] = Node::Leaf(leaf_value);
                        leaves.push((nd.start, nd.end, leaf_value));
                        if let Some(h) = nd.hist {
                            wk.free.push(h);
                        }
                        continue;
                    };
                    let (li, ri) = (nodes.len(), nodes.len() + 1);
                    nodes.push(Node::Leaf(0.0));
                    nodes.push(Node::Leaf(0.0));
                    nodes[nd.node] = Node::Split { feature: f as u16, bin: b as u8, left: li as u32, right: ri as u32 };
                    let d = nd.depth + 1;
                    if !splittable(d, nl) && !splittable(d, count - nl) {
                        // both children are leaves: no need to sort the rows
                        let vl = -gl / (hl + p.lambda) * p.learning_rate;
                        let (gr, hr) = (nd.g - gl, nd.h - hl);
                        let vr = -gr / (hr + p.lambda) * p.learning_rate;
                        nodes[li] = Node::Leaf(vl);
                        nodes[ri] = Node::Leaf(vr);
                        leaf_pairs.push((nd.start, nd.end, f, b as u8, vl, vr));
                        if let Some(h) = nd.hist {
                            wk.free.push(h);
                        }
                        continue;
                    }
                    // stable partition of the node's rows: left (bin ≤ b) first
                    let mid = nd.start
                        + partition(&mut idx[nd.start..nd.end], &mut scratch, &bins[f * n..(f + 1) * n], b as u8);
                    let left = Open { node: li, start: nd.start, end: mid, depth: d, hist: None, g: gl, h: hl };
                    let right =
                        Open { node: ri, start: mid, end: nd.end, depth: d, hist: None, g: nd.g - gl, h: nd.h - hl };
                    let need = (splittable(d, mid - nd.start), splittable(d, nd.end - mid));
                    let parent_hist = nd.hist.expect("a split node has a histogram");
                    // histogram of the smaller child by scan, the larger by subtraction
                    let left_small = mid - nd.start <= nd.end - mid;
                    let (small, big, need_small, need_big) =
                        if left_small { (left, right, need.0, need.1) } else { (right, left, need.1, need.0) };
                    if need.0 || need.1 {
                        jobs.push(Job {
                            dest: need_small.then_some(next.len()),
                            start: small.start,
                            end: small.end,
                            hist: wk.hist(lay.cells),
                        });
                        if need_big {
                            subtract.push((next.len() + 1, parent_hist, jobs.len() - 1));
                        } else {
                            wk.free.push(parent_hist);
                        }
                    } else {
                        wk.free.push(parent_hist);
                    }
                    next.push(small);
                    next.push(big);
                }
                if !jobs.is_empty() {
                    build_hists(&mut jobs, &lay, keys, &idx, &gh, &mut wk, None);
                    for (i, mut parent, ji) in subtract {
                        for (bgc, s) in parent.iter_mut().zip(&jobs[ji].hist) {
                            bgc.g -= s.g;
                            bgc.h -= s.h;
                            bgc.n -= s.n;
                        }
                        next[i].hist = Some(parent);
                    }
                    for j in jobs {
                        match j.dest {
                            Some(i) => next[i].hist = Some(j.hist),
                            None => wk.free.push(j.hist),
                        }
                    }
                }
                level = next;
            }
            for (s, e, v) in leaves {
                let u = to_state(v);
                for &r in &idx[s..e] {
                    update(&mut state[r as usize], u, logistic);
                }
            }
            for (s, e, f, b, vl, vr) in leaf_pairs {
                let col = &bins[f * n..(f + 1) * n];
                // looked up by bin, not chosen by a branch the CPU would mispredict
                let mut u = [to_state(vr); MAXB];
                u[..=b as usize].fill(to_state(vl));
                for &r in &idx[s..e] {
                    update(&mut state[r as usize], u[col[r as usize] as usize % MAXB], logistic);
                }
            }
            trees.push(Tree { nodes });
        }
        Gbm { loss, base, trees, mapper }
    }

    /// Raw score (log-odds for logistic) of one row of feature values.
    pub fn predict_raw(&self, row: &[f32]) -> f64 {
        let bins: Vec<u8> = row.iter().enumerate().map(|(f, &v)| self.mapper.bin(f, v)).collect();
        self.base + self.trees.iter().map(|t| t.predict_bins(&bins)).sum::<f64>()
    }

    /// Prediction on the response scale (probability for logistic).
    pub fn predict(&self, row: &[f32]) -> f64 {
        let s = self.predict_raw(row);
        match self.loss {
            Loss::Logistic => 1.0 / (1.0 + (-s).exp()),
            Loss::Squared => s,
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_order_keys_sort_like_total_cmp() {
        let mut v = vec![3.5f32, -0.0, 0.0, -2.0, f32::INFINITY, f32::NEG_INFINITY, 1e-30, -1e-30, 7.0, 0.5];
        let mut k: Vec<u32> = v.iter().map(|&x| total_order_key(x)).collect();
        v.sort_unstable_by(f32::total_cmp);
        k.sort_unstable();
        let back: Vec<u32> = k.iter().map(|&k| from_total_order_key(k).to_bits()).collect();
        assert_eq!(back, v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn learns_a_step_and_a_probability() {
        // y = 1 when x0 > 5 with prob .9, else prob .1; x1 is noise.
        let mut rng = crate::rng::Rng::new(3);
        let n = 4000;
        let mut data = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let x0 = rng.uniform() as f32 * 10.0;
            let x1 = rng.uniform() as f32;
            data.push(x0);
            data.push(x1);
            let p = if x0 > 5.0 { 0.9 } else { 0.1 };
            y.push(if rng.uniform() < p { 1.0 } else { 0.0 });
        }
        let x = Matrix::from_rows(n, 2, &data);
        let m = Gbm::fit(&x, &y, &vec![1.0; n], Loss::Logistic, &GbmParams::default());
        let hi = m.predict(&[8.0, 0.5]);
        let lo = m.predict(&[2.0, 0.5]);
        assert!((hi - 0.9).abs() < 0.06, "{hi}");
        assert!((lo - 0.1).abs() < 0.06, "{lo}");
        let ys: Vec<f64> = (0..n).map(|r| 3.0 * x.col(0)[r] as f64).collect();
        let params = GbmParams { trees: 200, learning_rate: 0.1, ..GbmParams::default() };
        let r = Gbm::fit(&x, &ys, &vec![1.0; n], Loss::Squared, &params);
        assert!((r.predict(&[4.0, 0.2]) - 12.0).abs() < 1.0);
    }
}
