//! Stored forecast runs as people see them: publishing a guarded cell-level run
//! (the demo's and the schedule's), the runs with their skill by horizon, a run's
//! cells, the VIEWS CSV, and an admin area's forecast against what then happened.
//!
//! Area aggregation: a run is stored per PRIO-GRID cell, and quantiles do not add.
//! An area's month is aggregated from the cells whose centre lies in it: the
//! expected deaths are the sum of the cells' means (exact); P(at least one death) is
//! 1 − ∏(1 − p) (cells taken as independent); the band 5–95 % is the sum of the
//! cells' 5 % and 95 % quantiles, which is the band of the total when the cells move
//! together (comonotone), the widest plausible: an upper bound on the spread, said
//! so on the page.

use crate::{AppError, AppResult};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use vigil_forecast::forecast::ForecastOptions;
use vigil_forecast::{Level, ModelKind, Month};
use vigil_store::forecasts::{ForecastCell, ForecastRun, NewForecastRun};
use vigil_model::IncidentFilter;
use vigil_store::access::Visibility;
use vigil_store::{StatKey, Store};

/// Whether the stored incidents are the synthetic demo data (their source says so).
pub async fn incidents_synthetic(store: &Store) -> AppResult<bool> {
    let mut synthetic = false;
    store
        .for_each_incident(&vigil_model::IncidentFilter::default(), |l| {
            synthetic |= l.incident.extra("source_article").is_some_and(|s| s.contains("SYNTHETIC"));
            Ok(())
        })
        .await?;
    Ok(synthetic)
}

/// Forecast every cell of the loaded country outline from `origin` for horizons
/// 1..=12 with the ensemble and its guard, and store the run for `actor`. `samples`
/// draws are taken per forecast only for the quantiles' sake (0: exact quantiles).
/// No outline or no incidents: `None`.
pub async fn publish_cell_run(store: &Store, actor: &str, origin: Month, synthetic: bool) -> AppResult<Option<i64>> {
    let s = match crate::forecast::setup(store, Level::Pgm, None, None).await {
        Ok(s) => s,
        Err(AppError::Precondition(why)) => {
            tracing::warn!("forecast run: none stored ({why})");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let events = crate::forecast::events(store, None, Some(origin)).await?;
    if events.is_empty() {
        return Ok(None);
    }
    let mut opts = ForecastOptions::new(origin);
    opts.horizons = (1..=12).collect();
    opts.model = ModelKind::Ensemble;
    let o2 = opts.clone();
    let published = tokio::task::spawn_blocking(move || {
        let panel = vigil_forecast::Panel::from_events(&events, s.units, None, origin);
        vigil_forecast::publish::forecast_guarded(&panel, &o2, None)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::Internal(format!("forecast from {origin}: {e}")))?;
    Ok(Some(store_published(store, actor, &opts, &published, Level::Pgm, None, synthetic).await?))
}

/// Store a published forecast as a run with its cells (audited as `actor`): the
/// one mapping from the forecast crate's rows to stored cells, for the schedule,
/// the demo and `vigil forecast --store`.
pub async fn store_published(
    store: &Store,
    actor: &str,
    opts: &ForecastOptions,
    published: &vigil_forecast::publish::PublishedForecast,
    level: Level,
    country: Option<&str>,
    synthetic: bool,
) -> AppResult<i64> {
    let run = NewForecastRun {
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        origin: published.origin.to_string(),
        model: published.model.as_str().to_string(),
        target: opts.target.as_str().to_string(),
        level: level.as_str().to_string(),
        horizons: opts.horizons.clone(),
        synthetic,
        settings: vigil_forecast::publish::settings_json(opts, published, country),
        skill: vigil_forecast::publish::skill_json(&published.skill),
    };
    let cells: Vec<ForecastCell> = published
        .rows
        .iter()
        .map(|r| ForecastCell {
            unit: r.unit.clone(),
            horizon: r.horizon,
            month: r.month.to_string(),
            model_used: r.model_used.as_str().to_string(),
            fallback_reason: r.fallback_reason.clone(),
            p_any: r.p_any,
            mean: r.mean,
            quantiles: vigil_forecast::publish::stored_quantiles(r),
        })
        .collect();
    Ok(store.save_forecast(actor, &run, &cells).await?)
}

/// The demo's run: when none is stored, a cell-level run from twelve months before
/// the last month of data, so that the year it forecasts can be set against what
/// then happened. Labelled synthetic when the incidents are.
pub async fn seed_demo_run(store: &Store) -> AppResult<Option<i64>> {
    if !store.forecast_runs().await?.is_empty() {
        return Ok(None);
    }
    let events = crate::forecast::events(store, None, None).await?;
    let Some(last) = events.iter().map(|e| e.date_start).max() else { return Ok(None) };
    let origin = Month::of(last).plus(-12);
    let synthetic = incidents_synthetic(store).await?;
    publish_cell_run(store, "demo", origin, synthetic).await
}

/// The run model's skill key in the stored skill JSON.
fn skill_key(model: &str) -> &'static str {
    if model == ModelKind::Learned.as_str() {
        "hurdle_gbm_skill"
    } else {
        "ensemble_skill"
    }
}

/// Per horizon: the stored skill with `fell_back` (the guard published the best
/// benchmark there because the model did not beat it).
fn skill_rows(r: &ForecastRun) -> Vec<Value> {
    let key = skill_key(&r.run.model);
    r.run
        .skill
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let sk = s.get(key).and_then(Value::as_f64);
                    let mut o = s.clone();
                    if let Some(m) = o.as_object_mut() {
                        m.insert("skill".into(), sk.map(Value::from).unwrap_or(Value::Null));
                        m.insert("fell_back".into(), Value::Bool(!sk.is_some_and(|v| v > 0.0)));
                    }
                    o
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A run as the API shows it.
pub fn run_json(r: &ForecastRun) -> Value {
    json!({
        "id": r.id,
        "created_at": r.run.created_at,
        "origin": r.run.origin,
        "model": r.run.model,
        "target": r.run.target,
        "level": r.run.level,
        "horizons": r.run.horizons,
        "synthetic": r.run.synthetic,
        "cells": r.cells,
        "settings": r.run.settings,
        "skill": skill_rows(r),
    })
}

pub async fn runs(store: &Store) -> AppResult<Vec<Value>> {
    Ok(store.forecast_runs().await?.iter().map(run_json).collect())
}

pub async fn run(store: &Store, id: i64) -> AppResult<ForecastRun> {
    store.forecast_run(id).await?.ok_or_else(|| AppError::NotFound(format!("forecast run {id} not found")))
}

/// The latest stored cell-level run, if any.
pub async fn latest_cell_run(store: &Store) -> AppResult<Option<ForecastRun>> {
    Ok(store.forecast_runs().await?.into_iter().find(|r| r.run.level == Level::Pgm.as_str()))
}

pub fn cell_json(c: &ForecastCell) -> Value {
    let [q05, q25, q50, q75, q95] = c.quantiles;
    json!({
        "unit": c.unit, "horizon": c.horizon, "month": c.month,
        "p_any": c.p_any, "mean": c.mean,
        "q05": q05, "q25": q25, "q50": q50, "q75": q75, "q95": q95,
        "model_used": c.model_used, "fallback_reason": c.fallback_reason,
    })
}

/// A run's cells at one horizon (all when `None`); an unknown horizon is an error.
pub async fn cells(store: &Store, id: i64, horizon: Option<u32>) -> AppResult<(ForecastRun, Vec<ForecastCell>)> {
    let r = run(store, id).await?;
    if let Some(h) = horizon {
        if !r.run.horizons.contains(&h) {
            return Err(AppError::Invalid {
                field: "horizon".into(),
                message: format!("run {id} has horizons {:?}, not {h}", r.run.horizons),
            });
        }
    }
    let c = store.forecast_cells(id, horizon).await?;
    Ok((r, c))
}

/// A cell-level run in the VIEWS layout (month_id, priogrid_id, outcome_n = mean).
pub async fn views_csv(store: &Store, id: i64) -> AppResult<String> {
    let (r, cells) = cells(store, id, None).await?;
    if r.run.level != Level::Pgm.as_str() {
        return Err(AppError::Precondition(format!(
            "forecast run {id} is at level {}: the VIEWS layout is for PRIO-GRID cells",
            r.run.level
        )));
    }
    let bad = |what: &str| AppError::Internal(format!("forecast run {id}: stored {what}"));
    let rows = cells
        .iter()
        .map(|c| {
            Ok(vigil_forecast::forecast::ForecastRow {
                unit: c.unit.clone(),
                month: c.month.parse().map_err(|_| bad("month"))?,
                horizon: c.horizon,
                mean: c.mean,
                p_any: c.p_any,
                quantiles: [c.quantiles[0], c.quantiles[0], c.quantiles[1], c.quantiles[2], c.quantiles[3], c.quantiles[4], c.quantiles[4]],
                samples: None,
                model_used: ModelKind::parse(&c.model_used).map_err(|_| bad("model"))?,
                fallback_reason: c.fallback_reason.clone(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let mut out = Vec::new();
    vigil_forecast::views::write_views_csv(&rows, &mut out)?;
    String::from_utf8(out).map_err(AppError::internal)
}

/// Aggregation note shown with every area forecast.
pub const AREA_METHOD: &str = "Cells whose centre lies in the area: expected deaths = sum of the cells' means; \
P(at least one death) = 1 − ∏(1 − p) over cells (independent cells); band = sum of the cells' 5 % and 95 % \
quantiles (cells moving together), an upper bound on the spread of the area's total.";

/// An admin area's forecast from a cell-level run: per forecast month the aggregate
/// (see the module note) and, for months with data, the deaths the incidents record;
/// plus the twelve months before the origin as history.
///
/// `vis` is the caller's: the observed deaths count only the incidents the caller
/// may see (a confidential incident's deaths must not reach a planner as a figure).
pub async fn area_forecast(store: &Store, vis: Visibility, id: i64, code: &str) -> AppResult<Value> {
    let (r, cells) = cells(store, id, None).await?;
    if r.run.level != Level::Pgm.as_str() {
        return Err(AppError::Precondition(format!("forecast run {id} is not a cell-level run")));
    }
    let mut area = None;
    for level in [1u8, 2] {
        if let Some(a) = store.areas(level).await?.into_iter().find(|a| a.code == code) {
            area = Some(a);
            break;
        }
    }
    let area = area.ok_or_else(|| AppError::NotFound(format!("no admin-1 or admin-2 area with code `{code}`")))?;
    let index = vigil_geo::admin::AdminIndex::new(vec![area.clone()]);
    // month -> (sum mean, prod(1-p), sum q05, sum q50, sum q95, horizon, cells, fell back)
    let mut months: BTreeMap<String, (f64, f64, f64, f64, f64, u32, u32, bool)> = BTreeMap::new();
    for c in &cells {
        let Ok(gid) = c.unit.parse::<i64>() else { continue };
        let (lon, lat) = vigil_geo::grid::gid_center(gid);
        if index.locate(lon, lat).is_none() {
            continue;
        }
        let e = months.entry(c.month.clone()).or_insert((0.0, 1.0, 0.0, 0.0, 0.0, c.horizon, 0, false));
        e.0 += c.mean;
        e.1 *= 1.0 - c.p_any.clamp(0.0, 1.0);
        e.2 += c.quantiles[0];
        e.3 += c.quantiles[2];
        e.4 += c.quantiles[4];
        e.6 += 1;
        e.7 |= c.fallback_reason.is_some();
    }
    if months.is_empty() {
        return Err(AppError::NotFound(format!("no cell of forecast run {id} has its centre in {} ({code})", area.name)));
    }
    // observed deaths per month in the area, over the incidents the caller may see
    let filter = if area.level == 1 {
        IncidentFilter { admin1: Some(code.to_string()), ..Default::default() }
    } else {
        IncidentFilter { admin2: Some(code.to_string()), ..Default::default() }
    };
    let observed: BTreeMap<String, i64> =
        store.visible_stats(vis, StatKey::Month, &filter).await?.into_iter().map(|r| (r.key, r.best)).collect();
    let last_data = store.last_visible_incident_date(vis).await?.map(Month::of);
    let origin: Month = r.run.origin.parse().map_err(|_| AppError::Internal(format!("forecast run {id}: origin")))?;
    let has_data = |m: Month| last_data.is_some_and(|l| m <= l);
    let history: Vec<Value> = (-11..=0)
        .map(|k| {
            let m = origin.plus(k);
            json!({"month": m.to_string(), "observed": observed.get(&m.to_string()).copied().unwrap_or(0)})
        })
        .collect();
    let forecast: Vec<Value> = months
        .iter()
        .map(|(m, (mean, q, lo, med, hi, h, n, fb))| {
            let month: Option<Month> = m.parse().ok();
            let obs = month.filter(|&mm| has_data(mm)).map(|_| observed.get(m).copied().unwrap_or(0));
            json!({
                "month": m, "horizon": h, "cells": n,
                "mean": mean, "p_any": 1.0 - q, "low": lo, "median": med, "high": hi,
                "observed": obs,
                "inside_band": obs.map(|o| (o as f64) >= *lo && (o as f64) <= *hi),
                "fell_back": fb,
            })
        })
        .collect();
    Ok(json!({
        "run": run_json(&r),
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "method": AREA_METHOD,
        "history": history,
        "forecast": forecast,
    }))
}
