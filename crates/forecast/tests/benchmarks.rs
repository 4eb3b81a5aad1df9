//! Each benchmark's definition on small hand-made panels.

use chrono::NaiveDate;
use vigil_forecast::dist::Dist;
use vigil_forecast::models::{benchmark, ModelKind};
use vigil_forecast::rng::Rng;
use vigil_forecast::{forecast, ForecastEvent, ForecastOptions, Level, Month, Unit, UnitSet};

/// 3 units × 24 months, unit-major. Unit 0 is quiet except early on (outside the last
/// 12 months), unit 1 has {2, 5, 9} in its last 12 months, unit 2 has 40 at the origin.
fn panel() -> (Vec<f32>, usize) {
    let months = 24;
    let mut y = vec![0.0f32; 3 * months];
    y[3] = 7.0; // unit 0, month 3: older than 12 months at origin 23
    y[months + 13] = 2.0;
    y[months + 17] = 5.0;
    y[months + 20] = 9.0;
    y[months + 8] = 100.0; // unit 1, too old to count
    y[2 * months + 23] = 40.0;
    (y, months)
}

fn draws(d: &Dist, n: usize) -> Vec<f64> {
    let mut r = Rng::new(11);
    d.samples(n, &mut r)
}

#[test]
fn zero_is_zero() {
    let (y, m) = panel();
    for d in benchmark(ModelKind::Zero, &y, m, 23) {
        assert_eq!(d.mean(), 0.0);
        assert_eq!(d.p_any(), 0.0);
        assert!(draws(&d, 100).iter().all(|&x| x == 0.0));
    }
}

#[test]
fn no_change_is_poisson_around_the_origin_value() {
    let (y, m) = panel();
    let d = benchmark(ModelKind::NoChange, &y, m, 23);
    assert_eq!(d[0].mean(), 0.0);
    assert_eq!(d[1].mean(), 0.0); // unit 1's last value (month 20) is not the origin's
    assert_eq!(d[2].mean(), 40.0);
    assert!((d[2].p_any() - (1.0 - (-40.0f64).exp())).abs() < 1e-12);
    let xs = draws(&d[2], 20_000);
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
    assert!((mean - 40.0).abs() < 0.3, "{mean}");
    assert!((var - 40.0).abs() < 2.0, "{var}");
    assert!(xs.iter().all(|x| x.fract() == 0.0));
}

#[test]
fn conflictology_draws_only_the_units_own_last_12_months() {
    let (y, m) = panel();
    let d = benchmark(ModelKind::Conflictology, &y, m, 23);
    // unit 0: its 7 is 20 months old, so only zeros
    assert!(draws(&d[0], 1000).iter().all(|&x| x == 0.0));
    // unit 1: values in months 12..=23 are {0 ×9, 2, 5, 9}
    let xs = draws(&d[1], 5000);
    assert!(xs.iter().all(|x| [0.0, 2.0, 5.0, 9.0].contains(x)), "drew something else");
    for v in [0.0, 2.0, 5.0, 9.0] {
        assert!(xs.contains(&v), "never drew {v}");
    }
    assert!(!xs.contains(&100.0));
    assert!((d[1].p_any() - 3.0 / 12.0).abs() < 1e-12);
    assert!((d[1].mean() - 16.0 / 12.0).abs() < 1e-12);
    // unit 2: eleven zeros and 40
    assert!(draws(&d[2], 1000).iter().all(|&x| x == 0.0 || x == 40.0));
}

#[test]
fn bootstrap_draws_from_every_units_last_12_months() {
    let (y, m) = panel();
    let d = benchmark(ModelKind::Bootstrap, &y, m, 23);
    // pool: 36 values, {2, 5, 9, 40} and 32 zeros — the same for every unit
    for di in &d {
        assert!((di.p_any() - 4.0 / 36.0).abs() < 1e-12);
        assert!((di.mean() - 56.0 / 36.0).abs() < 1e-12);
    }
    let xs = draws(&d[0], 20_000);
    assert!(xs.iter().all(|x| [0.0, 2.0, 5.0, 9.0, 40.0].contains(x)));
    assert!(xs.contains(&40.0), "unit 0 must be able to draw unit 2's value");
    assert!(!xs.contains(&7.0) && !xs.contains(&100.0));
}

#[test]
fn benchmarks_through_the_forecast_api_use_events_months() {
    // one admin unit; events in 2020-01 (3 + 4 deaths) and 2020-03 (5)
    let unit = Unit {
        id: "A".into(),
        name: "A".into(),
        gid: None,
        lon: 0.0,
        lat: 0.0,
        dist_capital_km: 0.0,
        dist_border_km: 0.0,
        admin1: 0,
    };
    let units = UnitSet::from_units(Level::Admin1, vec![unit]);
    let ev = |d: &str, best: i64| ForecastEvent {
        date_start: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
        type_of_violence: Some(3),
        best,
        gid: None,
        admin1: Some("A".into()),
        admin2: None,
        country: None,
    };
    let events = vec![ev("2020-01-05", 3), ev("2020-01-31", 4), ev("2020-03-01", 5)];
    let mut o = ForecastOptions::new("2020-03".parse::<Month>().unwrap());
    o.model = ModelKind::NoChange;
    o.horizons = vec![1, 2];
    let rows = forecast(&events, units.clone(), &o).unwrap();
    assert_eq!(rows[0].mean, 5.0);
    o.model = ModelKind::Conflictology;
    let rows = forecast(&events, units.clone(), &o).unwrap();
    // panel starts 2020-01: three months {7, 0, 5}
    assert!((rows[0].mean - 4.0).abs() < 1e-12);
    assert!((rows[0].p_any - 2.0 / 3.0).abs() < 1e-12);
    // target sb sees none of these one-sided deaths
    o.target = vigil_forecast::Target::Sb;
    let rows = forecast(&events, units, &o).unwrap();
    assert_eq!(rows[0].mean, 0.0);
}
