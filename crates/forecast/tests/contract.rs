//! The output contract, determinism and the no-look-ahead property, on the SYNTHETIC
//! Mali data.

mod common;

use chrono::NaiveDate;
use vigil_forecast::{forecast, write_csv, ForecastEvent, ForecastOptions, Level, ModelKind, Month, UnitSet};

fn csv_of(rows: &[vigil_forecast::ForecastRow], level: Level) -> String {
    let mut buf = Vec::new();
    write_csv(rows, level, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

fn opts(origin: &str, samples: usize) -> ForecastOptions {
    let mut o = ForecastOptions::new(origin.parse::<Month>().unwrap());
    o.samples = samples;
    o.horizons = vec![1, 2, 12];
    o
}

#[test]
fn csv_has_one_row_per_cell_and_horizon_with_the_contract_columns() {
    let events = common::synthetic_events();
    let units = common::mali_cells();
    let rows = forecast(&events, units, &opts("2019-06", 50)).unwrap();
    let text = csv_of(&rows, Level::Pgm);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        [
            "gid",
            "month",
            "horizon",
            "mean",
            "p_any",
            "q05",
            "q10",
            "q25",
            "q50",
            "q75",
            "q90",
            "q95",
            "samples",
            "model_used",
            "fallback_reason"
        ]
    );
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 498 * 3);
    let mut cells = std::collections::BTreeSet::new();
    for r in &recs {
        cells.insert(r[0].to_string());
        let h: i32 = r[2].parse().unwrap();
        let month: Month = r[1].parse().unwrap();
        assert_eq!(month, "2019-06".parse::<Month>().unwrap().plus(h));
        let p: f64 = r[4].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        let q: Vec<f64> = (5..12).map(|i| r[i].parse().unwrap()).collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "quantiles must not decrease: {q:?}");
        let s: Vec<u64> = r[12].split(' ').map(|v| v.parse().unwrap()).collect();
        assert_eq!(s.len(), 50);
    }
    assert_eq!(cells.len(), 498);
    // zeros are the majority and are forecast too: most cells' median is 0
    let zero_medians = recs.iter().filter(|r| &r[8] == "0").count();
    assert!(zero_medians > recs.len() / 2);
    // no samples column without --samples
    let rows = forecast(&events, common::mali_cells(), &opts("2019-06", 0)).unwrap();
    assert!(!csv_of(&rows, Level::Pgm).lines().next().unwrap().contains("samples"));
}

#[test]
fn backtest_scores_do_not_depend_on_the_number_of_threads() {
    let events = common::synthetic_events();
    let run = |threads: usize| {
        let mut o = vigil_forecast::BacktestOptions::new("2021-06".parse().unwrap(), "2021-09".parse().unwrap());
        o.every = 2;
        o.samples = 50;
        o.horizons = vec![1, 3];
        o.learned.threads = threads;
        vigil_forecast::backtest(&events, common::mali_cells(), &o, &mut |_, _| {}).unwrap().to_csv()
    };
    let one = run(1);
    assert_eq!(one, run(3));
}

#[test]
fn same_data_and_seed_give_the_same_file() {
    let events = common::synthetic_events();
    let a = csv_of(&forecast(&events, common::mali_cells(), &opts("2020-12", 20)).unwrap(), Level::Pgm);
    let b = csv_of(&forecast(&events, common::mali_cells(), &opts("2020-12", 20)).unwrap(), Level::Pgm);
    assert_eq!(a, b);
    let mut other = opts("2020-12", 20);
    other.seed += 1;
    let c = csv_of(&forecast(&events, common::mali_cells(), &other).unwrap(), Level::Pgm);
    assert_ne!(a, c, "the seed must matter for the draws");
}

#[test]
fn incidents_after_the_origin_do_not_change_the_forecast() {
    let events = common::synthetic_events();
    let origin = "2019-12";
    let cut = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
    let past: Vec<ForecastEvent> = events.iter().filter(|e| e.date_start <= cut).cloned().collect();
    assert!(past.len() < events.len());
    // and some invented later incidents, including on the first day after the origin
    let mut more = events.clone();
    for (i, g) in [147945i64, 155884, 152999].iter().enumerate() {
        more.push(ForecastEvent {
            date_start: NaiveDate::from_ymd_opt(2020, 1, 1 + i as u32).unwrap(),
            type_of_violence: Some(1),
            best: 500,
            gid: Some(*g),
            admin1: None,
            admin2: None,
            country: Some("Mali".into()),
        });
    }
    for model in [ModelKind::Learned, ModelKind::Conflictology, ModelKind::Bootstrap, ModelKind::NoChange] {
        let mut o = opts(origin, 10);
        o.model = model;
        let a = csv_of(&forecast(&past, common::mali_cells(), &o).unwrap(), Level::Pgm);
        let b = csv_of(&forecast(&events, common::mali_cells(), &o).unwrap(), Level::Pgm);
        let c = csv_of(&forecast(&more, common::mali_cells(), &o).unwrap(), Level::Pgm);
        assert_eq!(a, b, "{}: later incidents changed the forecast", model.as_str());
        assert_eq!(a, c, "{}: later incidents changed the forecast", model.as_str());
    }
}

#[test]
fn admin_and_country_levels_use_the_boundaries() {
    let events = common::synthetic_events();
    let g = common::geography();
    for (level, n) in [(Level::Admin1, 9usize), (Level::Admin2, 50), (Level::Country, 1)] {
        let areas = common::boundaries(level.boundary_level().unwrap());
        let units = UnitSet::areas(level, &areas, &g).unwrap();
        let mut o = opts("2020-06", 0);
        o.horizons = vec![1];
        let rows = forecast(&events, units, &o).unwrap();
        assert_eq!(rows.len(), n);
        let text = csv_of(&rows, level);
        assert!(text.starts_with("unit,month,horizon,mean,p_any,q05"));
        if level == Level::Country {
            assert_eq!(rows[0].unit, "Mali");
            assert!(rows[0].p_any > 0.9, "Mali has fatalities most months: {}", rows[0].p_any);
        }
    }
}
