//! Stored forecast runs: what is saved comes back the same, on both backends.

mod common;

use vigil_store::forecasts::{ForecastCell, NewForecastRun};

fn cell(unit: &str, horizon: u32, p: f64, used: &str, why: Option<&str>) -> ForecastCell {
    ForecastCell {
        unit: unit.into(),
        horizon,
        month: format!("2023-{horizon:02}"),
        model_used: used.into(),
        fallback_reason: why.map(str::to_string),
        p_any: p,
        mean: p * 3.5,
        quantiles: [0.0, 0.0, if p > 0.5 { 1.0 } else { 0.0 }, 2.0, 17.0],
    }
}

both_backends!(forecast_run_round_trip, |db| {
    let s = &db.store;
    assert!(s.forecast_runs().await.unwrap().is_empty());
    let run = NewForecastRun {
        created_at: "2026-12-06T12:00:00Z".into(),
        origin: "2022-12".into(),
        model: "ensemble".into(),
        target: "all".into(),
        level: "pgm".into(),
        horizons: vec![1, 2],
        synthetic: true,
        settings: serde_json::json!({"seed": 20130111, "samples": 0}),
        skill: serde_json::json!([{"horizon": 1, "best_benchmark": "conflictology", "skill": 0.042}]),
    };
    // more cells than one INSERT statement holds
    let mut cells = Vec::new();
    for h in [1, 2] {
        for g in 0..700 {
            let why = (h == 2).then_some("ensemble CRPS skill -0.3% against conflictology: publishing conflictology");
            cells.push(cell(
                &format!("{}", 140000 + g),
                h,
                (g % 10) as f64 / 10.0 + 0.0123456789,
                if h == 2 { "conflictology" } else { "ensemble" },
                why,
            ));
        }
    }
    let id = s.save_forecast("cli:test", &run, &cells).await.unwrap();
    let second =
        s.save_forecast("cli:test", &NewForecastRun { origin: "2023-01".into(), ..run.clone() }, &cells[..3]).await.unwrap();
    assert!(second > id);
    // publishing a run is a change: audited with who, what and how much
    let published: Vec<_> = s.audit_entries(None).await.unwrap().into_iter().filter(|e| e.action == "publish").collect();
    assert_eq!(published.len(), 2);
    assert_eq!((published[0].actor.as_str(), published[0].entity.clone()), ("cli:test", format!("forecast_run/{id}")));

    let runs = s.forecast_runs().await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.run.origin.as_str(), r.cells)).collect::<Vec<_>>(),
        [(second, "2023-01", 3), (id, "2022-12", 1400)]
    );
    let got = s.forecast_run(id).await.unwrap().unwrap();
    assert_eq!(got.run, run);
    assert!(s.forecast_run(second + 1).await.unwrap().is_none());

    let mut all = s.forecast_cells(id, None).await.unwrap();
    let mut want = cells.clone();
    want.sort_by(|a, b| (a.horizon, &a.unit).cmp(&(b.horizon, &b.unit)));
    all.sort_by(|a, b| (a.horizon, &a.unit).cmp(&(b.horizon, &b.unit)));
    assert_eq!(all, want);
    let h2 = s.forecast_cells(id, Some(2)).await.unwrap();
    assert_eq!(h2.len(), 700);
    assert!(h2.iter().all(|c| c.horizon == 2 && c.model_used == "conflictology" && c.fallback_reason.is_some()));
    assert!(s.forecast_cells(id, Some(3)).await.unwrap().is_empty());
});
