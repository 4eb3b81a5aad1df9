//! Predictive distributions over non-negative integer counts.
//!
//! Every model, benchmark or learned, hands back one of these per unit and horizon;
//! the output columns (mean, P(any), quantiles, samples) and every score are computed
//! from it the same way, so models differ only in what they believe.

use std::sync::Arc;

use crate::rng::Rng;

/// A sorted, shared run of equally weighted atoms (`pool[lo..hi]`). Shared so that the
/// bootstrap benchmark and the learned model's size pool cost one allocation, not one
/// per unit.
#[derive(Debug, Clone)]
pub struct Atoms {
    pool: Arc<Vec<f64>>,
    lo: usize,
    hi: usize,
}

impl Atoms {
    /// Atoms from any values (sorted here).
    pub fn new(mut v: Vec<f64>) -> Atoms {
        v.sort_by(f64::total_cmp);
        let hi = v.len();
        Atoms { pool: Arc::new(v), lo: 0, hi }
    }
    /// A window of an already sorted shared pool.
    pub fn window(pool: Arc<Vec<f64>>, lo: usize, hi: usize) -> Atoms {
        debug_assert!(lo < hi && hi <= pool.len());
        Atoms { pool, lo, hi }
    }
    pub fn values(&self) -> &[f64] {
        &self.pool[self.lo..self.hi]
    }
    fn mean(&self) -> f64 {
        let v = self.values();
        v.iter().sum::<f64>() / v.len() as f64
    }
    /// Smallest atom x with F(x) ≥ q.
    fn quantile(&self, q: f64) -> f64 {
        let v = self.values();
        let n = v.len();
        let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        v[i]
    }
    fn share_positive(&self) -> f64 {
        let v = self.values();
        v.iter().filter(|&&x| x >= 1.0).count() as f64 / v.len() as f64
    }
    fn draw(&self, rng: &mut Rng) -> f64 {
        self.values()[rng.below(self.hi - self.lo)]
    }
}

/// What a model believes about next month's (or a later month's) count in one unit.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Certainly zero.
    Zero,
    /// Poisson with this mean.
    Poisson(f64),
    /// Equally likely values (the empirical benchmarks).
    Empirical(Atoms),
    /// Zero with probability `1 - p`, otherwise one of the (positive) atoms.
    Hurdle { p: f64, sizes: Atoms },
    /// Any step CDF on counts (a stacked ensemble's mixture).
    Steps(crate::calibration::StepCdf),
}

/// Quantile levels written to every forecast file, in column order.
pub const QUANTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

impl Dist {
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Zero => 0.0,
            Dist::Poisson(l) => *l,
            Dist::Empirical(a) => a.mean(),
            Dist::Hurdle { p, sizes } => p * sizes.mean(),
            Dist::Steps(s) => s.mean(),
        }
    }

    /// P(count ≥ 1).
    pub fn p_any(&self) -> f64 {
        match self {
            Dist::Zero => 0.0,
            Dist::Poisson(l) => 1.0 - (-l).exp(),
            Dist::Empirical(a) => a.share_positive(),
            Dist::Hurdle { p, sizes } => p * sizes.share_positive(),
            Dist::Steps(s) => 1.0 - s.at(0.0),
        }
    }

    /// Smallest count x with P(X ≤ x) ≥ q.
    pub fn quantile(&self, q: f64) -> f64 {
        match self {
            Dist::Zero => 0.0,
            Dist::Poisson(l) => {
                let mut k = 0.0;
                let mut p = (-l).exp();
                let mut cdf = p;
                if p == 0.0 {
                    // exp underflow for very large means: the normal approximation is
                    // exact to the integer there.
                    return (l + l.sqrt() * normal_quantile(q)).round().max(0.0);
                }
                while cdf < q {
                    k += 1.0;
                    p *= l / k;
                    cdf += p;
                }
                k
            }
            Dist::Empirical(a) => a.quantile(q),
            Dist::Hurdle { p, sizes } => {
                if q <= 1.0 - p {
                    0.0
                } else {
                    sizes.quantile((q - (1.0 - p)) / p)
                }
            }
            Dist::Steps(s) => s.quantile(q),
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Zero => 0.0,
            Dist::Poisson(l) => rng.poisson(*l) as f64,
            Dist::Empirical(a) => a.draw(rng),
            Dist::Hurdle { p, sizes } => {
                if rng.uniform() < *p {
                    sizes.draw(rng)
                } else {
                    0.0
                }
            }
            Dist::Steps(s) => {
                let u = rng.uniform();
                let i = s.cdf.partition_point(|&c| c <= u);
                s.values[i.min(s.values.len() - 1)]
            }
        }
    }

    /// Fill `out` with draws: the same draws, in the same order, as calling
    /// [`Dist::sample`] for each element.
    pub fn fill_samples(&self, out: &mut [f64], rng: &mut Rng) {
        match self {
            Dist::Zero => out.fill(0.0),
            Dist::Hurdle { p, sizes } => {
                for s in out.iter_mut() {
                    *s = if rng.uniform() < *p { sizes.draw(rng) } else { 0.0 };
                }
            }
            _ => {
                for s in out.iter_mut() {
                    *s = self.sample(rng);
                }
            }
        }
    }

    pub fn samples(&self, n: usize, rng: &mut Rng) -> Vec<f64> {
        (0..n).map(|_| self.sample(rng)).collect()
    }
}

/// Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
#[allow(clippy::excessive_precision)]
fn normal_quantile(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn empirical_quantiles_and_p_any() {
        let d = Dist::Empirical(Atoms::new(vec![0.0, 0.0, 3.0, 1.0]));
        assert_eq!(d.p_any(), 0.5);
        assert_eq!(d.mean(), 1.0);
        assert_eq!(d.quantile(0.5), 0.0);
        assert_eq!(d.quantile(0.51), 1.0);
        assert_eq!(d.quantile(0.95), 3.0);
    }
    #[test]
    fn hurdle_quantiles() {
        let d = Dist::Hurdle { p: 0.2, sizes: Atoms::new(vec![1.0, 5.0]) };
        assert!((d.mean() - 0.6).abs() < 1e-12);
        assert!((d.p_any() - 0.2).abs() < 1e-12);
        assert_eq!(d.quantile(0.8), 0.0);
        assert_eq!(d.quantile(0.85), 1.0);
        assert_eq!(d.quantile(0.95), 5.0);
    }
    #[test]
    fn poisson_quantiles() {
        let d = Dist::Poisson(2.0);
        // P(X<=0)=.135, P(X<=1)=.406, P(X<=2)=.677, P(X<=4)=.947, P(X<=5)=.983
        assert_eq!(d.quantile(0.10), 0.0);
        assert_eq!(d.quantile(0.25), 1.0);
        assert_eq!(d.quantile(0.50), 2.0);
        assert_eq!(d.quantile(0.95), 5.0);
        let big = Dist::Poisson(1e6).quantile(0.5);
        assert!((big - 1e6).abs() < 2.0);
    }
}
