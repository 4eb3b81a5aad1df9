//! A small, seedable random number generator and the draws the models need.
//!
//! Our own rather than `rand`'s so that the same seed gives the same forecast file on
//! every platform and every future version of the dependency tree: reproducibility is
//! part of the output contract.

/// SplitMix64 mixing, used to derive independent streams from (seed, unit, horizon…).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combine several keys into one stream seed.
pub fn stream(keys: &[u64]) -> u64 {
    keys.iter().fold(0x5EED_u64, |acc, &k| mix(acc ^ mix(k)))
}

/// xoshiro256** — fast, good statistical quality, trivially reproducible.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut s = [0u64; 4];
        for x in &mut s {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            *x = mix(z);
        }
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // Lemire's multiply-shift; the tiny bias is irrelevant at these n.
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// A Poisson draw. Inversion for small means; Hörmann's PTRS transformed
    /// rejection for large ones (exact, and O(1) whatever the mean).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda < 10.0 {
            let mut k = 0u64;
            let mut p = (-lambda).exp();
            let mut cdf = p;
            let u = self.uniform();
            while u > cdf {
                k += 1;
                p *= lambda / k as f64;
                cdf += p;
                if p < 1e-300 && cdf >= 1.0 - 1e-15 {
                    break;
                }
            }
            return k;
        }
        let slam = lambda.sqrt();
        let loglam = lambda.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln() <= -lambda + k * loglam - ln_factorial(k) {
                return k as u64;
            }
        }
    }
}

/// ln(k!) — exact sum for small k, Stirling's series beyond.
pub fn ln_factorial(k: f64) -> f64 {
    if k < 20.0 {
        let mut s = 0.0;
        let mut i = 2.0;
        while i <= k {
            s += f64::ln(i);
            i += 1.0;
        }
        return s;
    }
    let n = k + 1.0;
    (n - 0.5) * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * n) - 1.0 / (360.0 * n.powi(3))
        + 1.0 / (1260.0 * n.powi(5))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn poisson_moments() {
        for &lam in &[0.3, 4.0, 25.0, 300.0] {
            let mut r = Rng::new(7);
            let n = 40_000;
            let xs: Vec<f64> = (0..n).map(|_| r.poisson(lam) as f64).collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
            assert!((m - lam).abs() < 0.05 * lam + 0.02, "{lam}: mean {m}");
            assert!((v - lam).abs() < 0.1 * lam + 0.05, "{lam}: var {v}");
        }
    }
    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = {
            let mut r = Rng::new(1);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(1);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert!((ln_factorial(25.0) - 58.00360522298052).abs() < 1e-9);
    }
}
