//! A small histogram gradient-boosted tree learner: logistic loss for P(any fatality),
//! squared loss for the size of a fatal month.
//!
//! Written here rather than pulled in because what the model needs is modest
//! (depth-wise trees on ≤ 64 quantile bins, row weights, Newton leaves) and a GBM
//! crate would outweigh the rest of the forecasting stack in build time. Everything is
//! deterministic: no row or feature sampling, ties broken by feature order.

/// Dense row-major training matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn row(&self, r: usize) -> &[f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
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
        let mut vals: Vec<f32> = Vec::new();
        for f in 0..x.cols {
            vals.clear();
            vals.extend((0..x.rows).step_by(stride).map(|r| x.data[r * x.cols + f]));
            vals.sort_by(f32::total_cmp);
            let mut uniq = vals.clone();
            uniq.dedup();
            let th: Vec<f32> = if uniq.len() <= max_bins {
                uniq.windows(2).map(|w| w[0] + (w[1] - w[0]) / 2.0).collect()
            } else {
                let mut th: Vec<f32> = (1..max_bins).map(|i| vals[i * vals.len() / max_bins]).collect();
                th.dedup();
                // the largest value gets no threshold of its own: nothing lies above it
                if th.last() == vals.last() {
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

    pub fn transform(&self, x: &Matrix) -> Vec<u8> {
        let mut out = vec![0u8; x.rows * x.cols];
        for r in 0..x.rows {
            for f in 0..x.cols {
                out[r * x.cols + f] = self.bin(f, x.data[r * x.cols + f]);
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

const MAXB: usize = 64;

#[derive(Clone, Copy, Default)]
struct Cell {
    g: f64,
    h: f64,
    n: u32,
}

struct Pending {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    hist: Vec<Cell>,
    g: f64,
    h: f64,
}

/// Histogram of a node's rows. `bins` is feature-major (`bins[f * n + r]`) so each
/// feature's pass touches one 64-bin histogram that stays in L1, and reads its column
/// in ascending row order (node rows are kept sorted by the stable partition).
/// `mfb[f]` is feature f's most frequent bin (zero, for most count features): its
/// cell is filled by subtraction from the node totals instead of row by row, which
/// skips most of the work on sparse features.
#[allow(clippy::too_many_arguments)]
fn build_hist(idx: &[u32], bins: &[u8], n: usize, cols: usize, mfb: &[u8], grad: &[f64], hess: &[f64]) -> Vec<Cell> {
    let mut hist = vec![Cell::default(); cols * MAXB];
    // gather the node's gradients once, so each feature pass streams them
    let gh: Vec<(f64, f64)> = idx.iter().map(|&r| (grad[r as usize], hess[r as usize])).collect();
    let (gt, ht) = gh.iter().fold((0.0, 0.0), |a, &(g, h)| (a.0 + g, a.1 + h));
    for f in 0..cols {
        let col = &bins[f * n..(f + 1) * n];
        let h = &mut hist[f * MAXB..(f + 1) * MAXB];
        let skip = mfb[f];
        for (&r, &(g, hs)) in idx.iter().zip(&gh) {
            let b = col[r as usize];
            if b != skip {
                let c = &mut h[b as usize];
                c.g += g;
                c.h += hs;
                c.n += 1;
            }
        }
        let (mut g, mut hh, mut cnt) = (gt, ht, idx.len() as u32);
        for (b, c) in h.iter().enumerate() {
            if b != skip as usize {
                g -= c.g;
                hh -= c.h;
                cnt -= c.n;
            }
        }
        h[skip as usize] = Cell { g, h: hh, n: cnt };
    }
    hist
}

impl Gbm {
    /// Fit to targets `y` (0/1 for logistic) with row weights `w`.
    pub fn fit(x: &Matrix, y: &[f64], w: &[f64], loss: Loss, p: &GbmParams) -> Gbm {
        assert_eq!(x.rows, y.len());
        assert_eq!(x.rows, w.len());
        let max_bins = p.max_bins.clamp(2, MAXB);
        let mapper = BinMapper::fit(x, max_bins);
        let (n, cols) = (x.rows, x.cols);
        let bins = {
            let rm = mapper.transform(x);
            let mut cm = vec![0u8; n * cols];
            for r in 0..n {
                for f in 0..cols {
                    cm[f * n + r] = rm[r * cols + f];
                }
            }
            cm
        };
        let mfb: Vec<u8> = (0..cols)
            .map(|f| {
                let mut counts = [0usize; MAXB];
                for &b in &bins[f * n..(f + 1) * n] {
                    counts[b as usize] += 1;
                }
                (0..MAXB).max_by_key(|&b| (counts[b], std::cmp::Reverse(b))).unwrap_or(0) as u8
            })
            .collect();
        let wsum: f64 = w.iter().sum();
        let mean = if wsum > 0.0 { y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / wsum } else { 0.0 };
        let base = match loss {
            Loss::Logistic => {
                let m = mean.clamp(1e-6, 1.0 - 1e-6);
                (m / (1.0 - m)).ln()
            }
            Loss::Squared => mean,
        };
        let mut pred = vec![base; n];
        let mut grad = vec![0.0; n];
        let mut hess = vec![0.0; n];
        let mut trees = Vec::with_capacity(p.trees);
        let mut idx: Vec<u32> = (0..n as u32).collect();
        let mut scratch: Vec<u32> = Vec::with_capacity(n);
        for _ in 0..p.trees {
            for r in 0..n {
                match loss {
                    Loss::Logistic => {
                        let q = 1.0 / (1.0 + (-pred[r]).exp());
                        grad[r] = w[r] * (q - y[r]);
                        hess[r] = (w[r] * q * (1.0 - q)).max(1e-12);
                    }
                    Loss::Squared => {
                        grad[r] = w[r] * (pred[r] - y[r]);
                        hess[r] = w[r];
                    }
                }
            }
            for (i, v) in idx.iter_mut().enumerate() {
                *v = i as u32;
            }
            let mut nodes: Vec<Node> = vec![Node::Leaf(0.0)];
            let root_hist = build_hist(&idx, &bins, n, cols, &mfb, &grad, &hess);
            let (g0, h0) = (grad.iter().sum(), hess.iter().sum());
            let mut stack = vec![Pending { node: 0, start: 0, end: n, depth: 0, hist: root_hist, g: g0, h: h0 }];
            let mut leaves: Vec<(usize, usize, f64)> = Vec::new();
            while let Some(nd) = stack.pop() {
                let leaf_value = -nd.g / (nd.h + p.lambda) * p.learning_rate;
                let count = nd.end - nd.start;
                let mut best: Option<(f64, usize, usize, f64, f64)> = None; // gain, f, bin, gl, hl
                if nd.depth < p.max_depth && count >= 2 * p.min_leaf_rows {
                    let parent_score = nd.g * nd.g / (nd.h + p.lambda);
                    for f in 0..cols {
                        let nb = mapper.bins_of(f);
                        let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
                        for b in 0..nb.saturating_sub(1) {
                            let c = nd.hist[f * MAXB + b];
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
                                best = Some((gain, f, b, gl, hl));
                            }
                        }
                    }
                }
                let Some((_, f, b, gl, hl)) = best else {
                    nodes[nd.node] = Node::Leaf(leaf_value);
                    leaves.push((nd.start, nd.end, leaf_value));
                    continue;
                };
                // stable partition of the node's rows: left (bin ≤ b) first
                scratch.clear();
                let mut write = nd.start;
                for k in nd.start..nd.end {
                    let r = idx[k];
                    if bins[f * n + r as usize] <= b as u8 {
                        idx[write] = r;
                        write += 1;
                    } else {
                        scratch.push(r);
                    }
                }
                idx[write..nd.end].copy_from_slice(&scratch);
                let mid = write;
                let (li, ri) = (nodes.len(), nodes.len() + 1);
                nodes.push(Node::Leaf(0.0));
                nodes.push(Node::Leaf(0.0));
                nodes[nd.node] = Node::Split { feature: f as u16, bin: b as u8, left: li as u32, right: ri as u32 };
                // histogram of the smaller child by scan, the larger by subtraction
                let left_small = mid - nd.start <= nd.end - mid;
                let small = if left_small { &idx[nd.start..mid] } else { &idx[mid..nd.end] };
                let small_hist = build_hist(small, &bins, n, cols, &mfb, &grad, &hess);
                let mut big_hist = nd.hist;
                for (bgc, s) in big_hist.iter_mut().zip(&small_hist) {
                    bgc.g -= s.g;
                    bgc.h -= s.h;
                    bgc.n -= s.n;
                }
                let (lh, rh) = if left_small { (small_hist, big_hist) } else { (big_hist, small_hist) };
                let d = nd.depth + 1;
                stack.push(Pending {
                    node: ri,
                    start: mid,
                    end: nd.end,
                    depth: d,
                    hist: rh,
                    g: nd.g - gl,
                    h: nd.h - hl,
                });
                stack.push(Pending { node: li, start: nd.start, end: mid, depth: d, hist: lh, g: gl, h: hl });
            }
            for (s, e, v) in leaves {
                for &r in &idx[s..e] {
                    pred[r as usize] += v;
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
        let x = Matrix { rows: n, cols: 2, data };
        let m = Gbm::fit(&x, &y, &vec![1.0; n], Loss::Logistic, &GbmParams::default());
        let hi = m.predict(&[8.0, 0.5]);
        let lo = m.predict(&[2.0, 0.5]);
        assert!((hi - 0.9).abs() < 0.06, "{hi}");
        assert!((lo - 0.1).abs() < 0.06, "{lo}");
        let ys: Vec<f64> = (0..n).map(|r| 3.0 * x.data[r * 2] as f64).collect();
        let params = GbmParams { trees: 200, learning_rate: 0.1, ..GbmParams::default() };
        let r = Gbm::fit(&x, &ys, &vec![1.0; n], Loss::Squared, &params);
        assert!((r.predict(&[4.0, 0.2]) - 12.0).abs() < 1.0);
    }
}
