//! Features of the learned model, one row per unit and month.
//!
//! The row for month t uses only counts of months ≤ t (and static attributes), so any
//! row at or before a forecast origin is free of look-ahead. Features are computed
//! once for a whole panel and reused by every origin of a backtest.

use crate::panel::Panel;

/// Feature matrix, feature-major: `col(f)[u * months + t]`.
#[derive(Debug, Clone)]
pub struct Features {
    pub names: Vec<String>,
    pub units: usize,
    pub months: usize,
    data: Vec<f32>,
}

/// Per-unit helpers over a unit-major series.
struct Series<'a> {
    y: &'a [f32],
    months: usize,
}

impl Series<'_> {
    /// Cumulative sums per unit, with a leading zero: `c[u*(T+1) + t + 1] = Σ_{s≤t}`.
    fn cumsum(&self) -> Vec<f64> {
        let t1 = self.months + 1;
        let units = self.y.len() / self.months;
        let mut c = vec![0.0f64; units * t1];
        for u in 0..units {
            for t in 0..self.months {
                c[u * t1 + t + 1] = c[u * t1 + t] + self.y[u * self.months + t] as f64;
            }
        }
        c
    }
    /// Moving sum over the k months ending at t (fewer at the panel's start).
    fn moving(&self, c: &[f64], k: usize) -> Vec<f32> {
        let t1 = self.months + 1;
        let units = self.y.len() / self.months;
        let mut out = vec![0.0f32; units * self.months];
        for u in 0..units {
            for t in 0..self.months {
                let lo = (t + 1).saturating_sub(k);
                out[u * self.months + t] = (c[u * t1 + t + 1] - c[u * t1 + lo]) as f32;
            }
        }
        out
    }
    /// 2^(−s/halflife), s = months since the last month with a fatality (s = 0 for a
    /// fatal month itself); 0 when there has been none since the panel's start.
    fn decay(&self, halflife: f64) -> Vec<f32> {
        let units = self.y.len() / self.months;
        let mut out = vec![0.0f32; units * self.months];
        for u in 0..units {
            let mut last: Option<usize> = None;
            for t in 0..self.months {
                if self.y[u * self.months + t] > 0.0 {
                    last = Some(t);
                }
                if let Some(l) = last {
                    out[u * self.months + t] = (2f64).powf(-((t - l) as f64) / halflife) as f32;
                }
            }
        }
        out
    }
}

/// Sum over each unit's neighbours of a unit-major series.
fn ring_sum(x: &[f32], rings: &[Vec<u32>], months: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; x.len()];
    for (u, nb) in rings.iter().enumerate() {
        let dst = &mut out[u * months..(u + 1) * months];
        for &n in nb {
            let src = &x[n as usize * months..(n as usize + 1) * months];
            for (d, s) in dst.iter_mut().zip(src) {
                *d += s;
            }
        }
    }
    out
}

impl Features {
    /// Number of features in a row, excluding the month-of-target feature that the
    /// learned model adds per horizon.
    pub fn width(&self) -> usize {
        self.names.len()
    }
    pub fn col(&self, f: usize) -> &[f32] {
        let n = self.units * self.months;
        &self.data[f * n..(f + 1) * n]
    }
    /// Value of feature f for unit u at month t.
    #[inline]
    pub fn get(&self, f: usize, u: usize, t: usize) -> f32 {
        self.data[f * self.units * self.months + u * self.months + t]
    }
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Compute all features for a panel and its target series `y` (unit-major).
    pub fn build(panel: &Panel, y: &[f32]) -> Features {
        let months = panel.months;
        let units = panel.units.len();
        let n = units * months;
        let mut names = Vec::new();
        let mut data: Vec<f32> = Vec::new();
        let mut push = |name: String, col: Vec<f32>, names: &mut Vec<String>| {
            debug_assert_eq!(col.len(), n);
            names.push(name);
            data.extend_from_slice(&col);
        };

        // own lags 0..11 (lag 0 = the month itself)
        for lag in 0..12usize {
            let mut col = vec![0.0f32; n];
            for u in 0..units {
                for t in lag..months {
                    col[u * months + t] = y[u * months + t - lag];
                }
            }
            push(format!("lag{lag}"), col, &mut names);
        }
        let s = Series { y, months };
        let c = s.cumsum();
        let ms3 = s.moving(&c, 3);
        let ms12 = s.moving(&c, 12);
        let ms36 = s.moving(&c, 36);
        push("ms3".into(), ms3.clone(), &mut names);
        push("ms6".into(), s.moving(&c, 6), &mut names);
        push("ms12".into(), ms12.clone(), &mut names);
        push("ms36".into(), ms36.clone(), &mut names);
        push("decay3".into(), s.decay(3.0), &mut names);
        let decay12 = s.decay(12.0);
        push("decay12".into(), decay12.clone(), &mut names);

        // each type of violence's own history
        for (tov, short) in [(1usize, "sb"), (2, "ns"), (3, "os")] {
            let ty = panel.by_type(tov);
            let st = Series { y: ty, months };
            let ct = st.cumsum();
            push(format!("{short}_ms3"), st.moving(&ct, 3), &mut names);
            push(format!("{short}_ms12"), st.moving(&ct, 12), &mut names);
            push(format!("{short}_decay12"), st.decay(12.0), &mut names);
        }

        // spatial lags: first ring and the second ring around it
        let r1 = &panel.units.ring1;
        let r2 = &panel.units.ring2;
        push("r1_lag0".into(), ring_sum(y, r1, months), &mut names);
        push("r1_ms3".into(), ring_sum(&ms3, r1, months), &mut names);
        push("r1_ms12".into(), ring_sum(&ms12, r1, months), &mut names);
        push("r1_ms36".into(), ring_sum(&ms36, r1, months), &mut names);
        push("r2_ms3".into(), ring_sum(&ms3, r2, months), &mut names);
        push("r2_ms12".into(), ring_sum(&ms12, r2, months), &mut names);
        push("r2_ms36".into(), ring_sum(&ms36, r2, months), &mut names);
        let mut nb_decay = vec![0.0f32; n];
        let mut nb_active = vec![0.0f32; n];
        for u in 0..units {
            for &nb in r1[u].iter().chain(&r2[u]) {
                let nb = nb as usize;
                for t in 0..months {
                    let i = u * months + t;
                    nb_decay[i] = nb_decay[i].max(decay12[nb * months + t]);
                    if ms12[nb * months + t] > 0.0 {
                        nb_active[i] += 1.0;
                    }
                }
            }
        }
        push("nb_decay12".into(), nb_decay, &mut names);
        push("nb_active12".into(), nb_active, &mut names);

        // the whole country's recent level, the same for every unit
        let mut tot = vec![0.0f32; months];
        for u in 0..units {
            for t in 0..months {
                tot[t] += y[u * months + t];
            }
        }
        let ts = Series { y: &tot, months };
        let tc = ts.cumsum();
        let tot3 = ts.moving(&tc, 3);
        let tot12 = ts.moving(&tc, 12);
        let bcast = |v: &[f32]| -> Vec<f32> { (0..n).map(|i| v[i % months]).collect() };
        push("tot_lag0".into(), bcast(&tot), &mut names);
        push("tot_ms3".into(), bcast(&tot3), &mut names);
        push("tot_ms12".into(), bcast(&tot12), &mut names);

        // static attributes
        let stat = |f: &dyn Fn(&crate::Unit) -> f32| -> Vec<f32> {
            (0..n).map(|i| f(&panel.units.units[i / months])).collect()
        };
        push("dist_capital".into(), stat(&|u| u.dist_capital_km as f32), &mut names);
        push("dist_border".into(), stat(&|u| u.dist_border_km as f32), &mut names);
        push("admin1".into(), stat(&|u| u.admin1 as f32), &mut names);
        push("lon".into(), stat(&|u| u.lon as f32), &mut names);
        push("lat".into(), stat(&|u| u.lat as f32), &mut names);

        Features { names, units, months, data }
    }
}
