//! Exact scores of a predictive distribution, from its step CDF rather than from draws:
//! CRPS (and the cross terms that make the CRPS of any mixture a quadratic form in
//! its weights), the binned log score (IGN), the interval score (MIS), interval
//! coverage and the non-randomised PIT of a count.
//!
//! Counts are non-negative, so every CDF here is a right-continuous step function on
//! [0, ∞) with finitely many jumps (Poisson tails are cut where less than 1e-12 is left).

use std::sync::Arc;

use crate::dist::Dist;

/// A step CDF: `values` ascending and distinct, `cdf[i]` = P(X ≤ values[i]), the last = 1.
#[derive(Debug, Clone, PartialEq)]
pub struct StepCdf {
    pub values: Arc<Vec<f64>>,
    pub cdf: Arc<Vec<f64>>,
}

impl StepCdf {
    /// From (value, probability) pairs, in any order, zero weights dropped.
    pub fn from_weighted(mut pairs: Vec<(f64, f64)>) -> StepCdf {
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        let (mut values, mut cdf) = (Vec::new(), Vec::new());
        let mut acc = 0.0;
        for (v, w) in pairs {
            if w <= 0.0 {
                continue;
            }
            acc += w / total;
            if values.last() == Some(&v) {
                *cdf.last_mut().expect("a value") = acc;
            } else {
                values.push(v);
                cdf.push(acc);
            }
        }
        if let Some(l) = cdf.last_mut() {
            *l = 1.0;
        } else {
            values.push(0.0);
            cdf.push(1.0);
        }
        StepCdf { values: Arc::new(values), cdf: Arc::new(cdf) }
    }

    /// P(X ≤ x).
    pub fn at(&self, x: f64) -> f64 {
        let i = self.values.partition_point(|&v| v <= x);
        if i == 0 {
            0.0
        } else {
            self.cdf[i - 1]
        }
    }

    /// P(X < x).
    pub fn below(&self, x: f64) -> f64 {
        let i = self.values.partition_point(|&v| v < x);
        if i == 0 {
            0.0
        } else {
            self.cdf[i - 1]
        }
    }

    /// Smallest value x with P(X ≤ x) ≥ q (a tolerance of 1e-12 absorbs rounding).
    pub fn quantile(&self, q: f64) -> f64 {
        let i = self.cdf.partition_point(|&c| c < q - 1e-12);
        self.values[i.min(self.values.len() - 1)]
    }

    pub fn mean(&self) -> f64 {
        let mut prev = 0.0;
        let mut m = 0.0;
        for (v, c) in self.values.iter().zip(self.cdf.iter()) {
            m += v * (c - prev);
            prev = *c;
        }
        m
    }

    /// The mixture Σ wᵢ·Fᵢ (weights summing to 1; zero weights skipped).
    pub fn mixture(parts: &[(f64, &StepCdf)]) -> StepCdf {
        let mut values: Vec<f64> =
            parts.iter().filter(|p| p.0 > 0.0).flat_map(|p| p.1.values.iter().copied()).collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let cdf = values.iter().map(|&v| parts.iter().filter(|p| p.0 > 0.0).map(|p| p.0 * p.1.at(v)).sum()).collect();
        let mut s = StepCdf { values: Arc::new(values), cdf: Arc::new(cdf) };
        if let Some(l) = Arc::make_mut(&mut s.cdf).last_mut() {
            *l = 1.0;
        }
        s
    }
}

/// The step CDF of a distribution.
pub fn step_cdf(d: &Dist) -> StepCdf {
    match d {
        Dist::Zero => StepCdf { values: Arc::new(vec![0.0]), cdf: Arc::new(vec![1.0]) },
        Dist::Poisson(l) => poisson_steps(*l),
        Dist::Empirical(a) => StepCdf::from_weighted(a.values().iter().map(|&v| (v, 1.0)).collect()),
        Dist::Hurdle { p, sizes } => {
            let n = sizes.values().len() as f64;
            let mut pairs: Vec<(f64, f64)> = sizes.values().iter().map(|&v| (v, p / n)).collect();
            pairs.push((0.0, 1.0 - p));
            StepCdf::from_weighted(pairs)
        }
        Dist::Steps(s) => s.clone(),
    }
}

fn poisson_steps(l: f64) -> StepCdf {
    if l <= 0.0 {
        return step_cdf(&Dist::Zero);
    }
    let (mut values, mut cdf) = (Vec::new(), Vec::new());
    // start where the mass starts (log space, so that large means do not underflow)
    let lo = if l > 50.0 { (l - 12.0 * l.sqrt()).floor().max(0.0) } else { 0.0 };
    let mut k = lo;
    let mut logp = -l + k * l.ln() - crate::rng::ln_factorial(k);
    let mut acc = 0.0;
    loop {
        let p = logp.exp();
        acc += p;
        values.push(k);
        cdf.push(acc);
        if 1.0 - acc < 1e-12 || (k > l && p < 1e-15) {
            break;
        }
        k += 1.0;
        logp += l.ln() - k.ln();
    }
    let total = acc;
    for c in cdf.iter_mut() {
        *c /= total;
    }
    StepCdf { values: Arc::new(values), cdf: Arc::new(cdf) }
}

/// The CRPS cross terms of several forecasts against an outcome y:
/// `g[i·k + j] = ∫ (Fᵢ(x) − 1{x ≥ y})(Fⱼ(x) − 1{x ≥ y}) dx` over x ≥ 0. `g[i·k + i]` is
/// forecast i's CRPS, and the CRPS of the mixture Σ wᵢFᵢ is wᵀgw, exactly.
pub fn crps_gram(parts: &[&StepCdf], y: f64, g: &mut [f64]) {
    let k = parts.len();
    g[..k * k].fill(0.0);
    let mut pos = vec![0usize; k];
    let mut f = vec![0.0f64; k];
    let mut x = 0.0f64;
    // value of each integrand term on [x, next breakpoint)
    loop {
        // apply jumps at x
        for i in 0..k {
            let s = parts[i];
            while pos[i] < s.values.len() && s.values[pos[i]] <= x {
                f[i] = s.cdf[pos[i]];
                pos[i] += 1;
            }
        }
        let h = if x >= y { 1.0 } else { 0.0 };
        let mut next = f64::INFINITY;
        for i in 0..k {
            if let Some(&v) = parts[i].values.get(pos[i]) {
                next = next.min(v);
            }
        }
        if y > x {
            next = next.min(y);
        }
        if !next.is_finite() {
            break; // every F is 1 and so is H: nothing more to add
        }
        let len = next - x;
        for i in 0..k {
            let a = f[i] - h;
            if a == 0.0 {
                continue;
            }
            for j in i..k {
                g[i * k + j] += len * a * (f[j] - h);
            }
        }
        x = next;
    }
    for i in 0..k {
        for j in 0..i {
            g[i * k + j] = g[j * k + i];
        }
    }
}

/// Exact CRPS of one forecast.
pub fn crps_exact(s: &StepCdf, y: f64) -> f64 {
    let mut g = [0.0];
    crps_gram(&[s], y, &mut g);
    g[0]
}

/// Upper bounds of the outcome bins of the log score, as in the VIEWS prediction
/// challenge: 0, 1–2, 3–5, 6–10, 11–25, 26–50, 51–100, 101–1000, more.
pub const IGN_BINS: [f64; 8] = [0.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 1000.0];
/// Share of uniform mass mixed into the bin probabilities, so that a forecast that
/// rules an outcome out gets a large, finite penalty (log2(9/0.01) ≈ 9.8 bits).
pub const IGN_FLOOR: f64 = 0.01;

/// Log score (ignorance, bits) of the outcome's bin: −log2 of its probability, the
/// probabilities mixed with a uniform share of [`IGN_FLOOR`].
pub fn ign_binned(s: &StepCdf, y: f64) -> f64 {
    let nb = IGN_BINS.len() + 1;
    let bin = IGN_BINS.iter().position(|&b| y <= b).unwrap_or(IGN_BINS.len());
    let hi = if bin < IGN_BINS.len() { s.at(IGN_BINS[bin]) } else { 1.0 };
    let lo = if bin == 0 { 0.0 } else { s.at(IGN_BINS[bin - 1]) };
    let p = (1.0 - IGN_FLOOR) * (hi - lo).max(0.0) + IGN_FLOOR / nb as f64;
    -p.log2()
}

/// Interval score of the central (1 − alpha) interval [l, u] (Gneiting & Raftery):
/// its width plus 2/alpha times the distance by which y falls outside.
pub fn interval_score(l: f64, u: f64, y: f64, alpha: f64) -> f64 {
    (u - l) + (2.0 / alpha) * ((l - y).max(0.0) + (y - u).max(0.0))
}

/// Whether y lies in [l, u] (both ends included: counts sit on the quantiles).
pub fn covered(l: f64, u: f64, y: f64) -> bool {
    l <= y && y <= u
}

/// Bins of a PIT histogram.
pub const PIT_BINS: usize = 10;

/// Add one outcome to a non-randomised PIT histogram (Czado, Gneiting & Held 2009):
/// the PIT of a count is uniform on [F(y−1), F(y)]; each bin gets the share of that
/// interval it holds. The bins of one outcome sum to 1.
pub fn pit_add(s: &StepCdf, y: f64, hist: &mut [f64; PIT_BINS]) {
    let lo = s.below(y);
    let hi = s.at(y);
    let nb = PIT_BINS as f64;
    if hi - lo <= 1e-15 {
        let b = ((lo * nb) as usize).min(PIT_BINS - 1);
        hist[b] += 1.0;
        return;
    }
    for (b, h) in hist.iter_mut().enumerate() {
        let (a, c) = (b as f64 / nb, (b + 1) as f64 / nb);
        let overlap = (hi.min(c) - lo.max(a)).max(0.0);
        *h += overlap / (hi - lo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Atoms;
    use crate::metrics::crps_samples;

    #[test]
    fn exact_crps_matches_hand_values() {
        // point mass at 3 against 1: |3 − 1| = 2
        let s = step_cdf(&Dist::Empirical(Atoms::new(vec![3.0])));
        assert!((crps_exact(&s, 1.0) - 2.0).abs() < 1e-12);
        // {0, 2} against 0: the sample formula over all pairs gives 0.5 (metrics tests)
        let s = step_cdf(&Dist::Empirical(Atoms::new(vec![0.0, 2.0])));
        assert!((crps_exact(&s, 0.0) - 0.5).abs() < 1e-12);
        // {0, 1, 5} against 2: 2 − 10/9
        let s = step_cdf(&Dist::Empirical(Atoms::new(vec![5.0, 0.0, 1.0])));
        assert!((crps_exact(&s, 2.0) - (2.0 - 10.0 / 9.0)).abs() < 1e-12);
        // zero forecast: CRPS = y
        assert!((crps_exact(&step_cdf(&Dist::Zero), 7.0) - 7.0).abs() < 1e-12);
    }

    #[test]
    fn gram_gives_mixture_crps() {
        let a = step_cdf(&Dist::Hurdle { p: 0.3, sizes: Atoms::new(vec![1.0, 4.0, 9.0]) });
        let b = step_cdf(&Dist::Poisson(2.5));
        let c = step_cdf(&Dist::Zero);
        let mut g = [0.0; 9];
        for y in [0.0, 1.0, 3.0, 12.0] {
            crps_gram(&[&a, &b, &c], y, &mut g);
            let w = [0.5, 0.3, 0.2];
            let quad: f64 =
                (0..3).flat_map(|i| (0..3).map(move |j| (i, j))).map(|(i, j)| w[i] * w[j] * g[i * 3 + j]).sum();
            let mix = StepCdf::mixture(&[(0.5, &a), (0.3, &b), (0.2, &c)]);
            assert!((quad - crps_exact(&mix, y)).abs() < 1e-9, "y {y}: {quad} vs {}", crps_exact(&mix, y));
        }
        // and the exact CRPS agrees with many draws of the same distribution
        let d = Dist::Hurdle { p: 0.3, sizes: Atoms::new(vec![1.0, 4.0, 9.0]) };
        let mut r = crate::rng::Rng::new(7);
        let mut draws = d.samples(200_000, &mut r);
        let exact = crps_exact(&a, 3.0);
        assert!((crps_samples(&mut draws, 3.0) - exact).abs() < 0.02, "{exact}");
    }

    #[test]
    fn interval_coverage_and_score_by_hand() {
        // Empirical {0,0,0,0,0,1,2,3,5,10}: q05 = 0, q25 = 0, q75 = 3, q95 = 10
        let s = step_cdf(&Dist::Empirical(Atoms::new(vec![0., 0., 0., 0., 0., 1., 2., 3., 5., 10.])));
        assert_eq!((s.quantile(0.05), s.quantile(0.25), s.quantile(0.75), s.quantile(0.95)), (0.0, 0.0, 3.0, 10.0));
        // outcomes 0, 3, 4, 11: the 50% interval [0, 3] holds 0 and 3 (2 of 4), the
        // 90% interval [0, 10] holds 0, 3 and 4 (3 of 4)
        let ys = [0.0, 3.0, 4.0, 11.0];
        let c50 = ys.iter().filter(|&&y| covered(s.quantile(0.25), s.quantile(0.75), y)).count();
        let c90 = ys.iter().filter(|&&y| covered(s.quantile(0.05), s.quantile(0.95), y)).count();
        assert_eq!((c50, c90), (2, 3));
        // MIS at 90%: width 10, and 11 lies 1 above: 10 + 20·1 = 30
        assert_eq!(interval_score(0.0, 10.0, 11.0, 0.1), 30.0);
        assert_eq!(interval_score(0.0, 10.0, 4.0, 0.1), 10.0);
        assert_eq!(interval_score(2.0, 10.0, 0.0, 0.1), 8.0 + 40.0);
    }

    #[test]
    fn pit_and_ign_by_hand() {
        // P(0) = .5, P(1) = .25, P(3) = .25
        let s = StepCdf::from_weighted(vec![(0.0, 0.5), (1.0, 0.25), (3.0, 0.25)]);
        let mut h = [0.0; PIT_BINS];
        pit_add(&s, 1.0, &mut h); // uniform on [.5, .75]: bins 5 and 6 get 0.4, bin 7 0.2
        assert!((h[5] - 0.4).abs() < 1e-12 && (h[6] - 0.4).abs() < 1e-12 && (h[7] - 0.2).abs() < 1e-12);
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // y = 1 falls in bin 1–2, which holds 0.25: −log2(0.99·0.25 + 0.01/9)
        let want = -(0.99f64 * 0.25 + 0.01 / 9.0).log2();
        assert!((ign_binned(&s, 1.0) - want).abs() < 1e-12);
        assert!((s.mean() - 1.0).abs() < 1e-12);
        assert_eq!(s.quantile(0.5), 0.0);
        assert_eq!(s.quantile(0.6), 1.0);
    }
}
