//! Scores for probabilistic count forecasts: CRPS from samples, MSE on log(1+y),
//! Brier score and average precision for P(y ≥ 1).

/// CRPS of a sample-represented forecast against an outcome:
/// `mean|X − y| − ½·mean|X − X'|` over all ordered pairs of samples (the plain, not
/// the "fair", estimator). Reorders `samples` (sorted when none is negative, zeros
/// then dropped); O(n log n).
pub fn crps_samples(samples: &mut [f64], y: f64) -> f64 {
    let n = samples.len();
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) with 1-based i on sorted samples.
    let (mut abs_err, mut spread) = (0.0, 0.0);
    if samples.iter().all(|&x| x >= 0.0) {
        // Count forecasts are mostly zeros, which sort first and add nothing to the
        // spread: sort only the rest. Each zero adds |y| to the absolute error; for
        // a whole-number outcome the running sum of those is exact, so it is the
        // same number as z·|y|.
        let mut m = 0;
        for i in 0..n {
            let x = samples[i];
            if x != 0.0 {
                samples[m] = x;
                m += 1;
            }
        }
        let z = n - m;
        let rest = &mut samples[..m];
        rest.sort_unstable_by(f64::total_cmp);
        if y.fract() == 0.0 && y.abs() < 1e12 {
            abs_err = z as f64 * y.abs();
        } else {
            for _ in 0..z {
                abs_err += y.abs();
            }
        }
        for (k, &x) in rest.iter().enumerate() {
            abs_err += (x - y).abs();
            spread += (2.0 * ((z + k) as f64 + 1.0) - nf - 1.0) * x;
        }
    } else {
        samples.sort_unstable_by(f64::total_cmp);
        for (i, &x) in samples.iter().enumerate() {
            abs_err += (x - y).abs();
            spread += (2.0 * (i as f64 + 1.0) - nf - 1.0) * x;
        }
    }
    abs_err / nf - spread / (nf * nf)
}

/// Squared error between the forecast's mean of log(1+X) (the point that minimises
/// this loss) and log(1+y).
pub fn sq_log_error(samples: &[f64], y: f64) -> f64 {
    // most draws are zero, and ln(1+0) = 0 adds nothing to the sum
    let m = samples.iter().filter(|&&x| x != 0.0).map(|x| x.ln_1p()).sum::<f64>() / samples.len() as f64;
    (m - y.ln_1p()).powi(2)
}

pub fn brier(p: f64, event: bool) -> f64 {
    let o = if event { 1.0 } else { 0.0 };
    (p - o).powi(2)
}

/// Average precision of `scores` ranking the `labels` (true = positive):
/// Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds, highest first, with
/// tied scores entering together (the step-wise definition, no interpolation).
/// NaN when there is no positive.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> f64 {
    assert_eq!(scores.len(), labels.len());
    let total_pos = labels.iter().filter(|&&l| l).count();
    if total_pos == 0 {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut seen, mut ap, mut prev_recall) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            seen += 1;
            if labels[idx[i]] {
                tp += 1;
            }
            i += 1;
        }
        let recall = tp as f64 / total_pos as f64;
        let precision = tp as f64 / seen as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
    }
    ap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crps_by_hand() {
        // point mass: CRPS = |x - y|
        assert_eq!(crps_samples(&mut [3.0, 3.0, 3.0], 1.0), 2.0);
        // {0, 2} against y = 0: mean|X-y| = 1; pairs |0-2| twice among 4 ordered pairs
        // → mean|X-X'| = 1, so CRPS = 1 - 0.5 = 0.5
        assert!((crps_samples(&mut [2.0, 0.0], 0.0) - 0.5).abs() < 1e-12);
        // {0, 1, 5} against y = 2: mean|X-y| = (2+1+3)/3 = 2;
        // Σ|xi-xj| over ordered pairs = 2*(1+5+4) = 20, /9 → 2.222…, half 1.111…
        let c = crps_samples(&mut [5.0, 0.0, 1.0], 2.0);
        assert!((c - (2.0 - 10.0 / 9.0)).abs() < 1e-12, "{c}");
    }

    #[test]
    fn ap_by_hand() {
        // ranks: .9 (+), .8 (-), .7 (+), .1 (-): AP = 0.5*1 + 0.5*(2/3)
        let ap = average_precision(&[0.9, 0.8, 0.7, 0.1], &[true, false, true, false]);
        assert!((ap - (0.5 + 1.0 / 3.0)).abs() < 1e-12, "{ap}");
        // all tied: AP = prevalence
        let ap = average_precision(&[0.5; 4], &[true, false, false, false]);
        assert!((ap - 0.25).abs() < 1e-12);
        assert!(average_precision(&[0.1], &[false]).is_nan());
        assert!((brier(0.2, true) - 0.64).abs() < 1e-12);
        assert!((sq_log_error(&[0.0, 0.0], 0.0)).abs() < 1e-12);
    }
}
