//! The forecast setup, once for every caller: which country outline, which units
//! (PRIO-GRID cells of the outline or a given list, admin areas, the country), the
//! incidents to learn from; and the cell forecasts the forecast rules use, for the
//! scheduled round (one origin) and for rule backtests (rolling origins).

use crate::{AppError, AppResult};
use chrono::NaiveDate;
use vigil_forecast::forecast::ForecastOptions;
use vigil_forecast::units::known_capital;
use vigil_forecast::{ForecastEvent, Geography, Level, Month, UnitSet};
use vigil_model::IncidentFilter;
use vigil_store::Store;
use vigil_warn::ForecastRow;

/// The loaded boundaries and the units they give.
pub struct Setup {
    pub units: UnitSet,
    pub geo: Geography,
    /// The country forecast (the outline's name, or as asked).
    pub country: Option<String>,
}

/// Units at `level` for `country` (name or code of a loaded outline; needed only
/// when several are loaded), or the PRIO-GRID cells `cells` when given.
pub async fn setup(store: &Store, level: Level, country: Option<&str>, cells: Option<&[i64]>) -> AppResult<Setup> {
    let countries = store.areas(0).await?;
    let outline = match country {
        Some(c) => Some(
            countries.iter().find(|a| a.name.eq_ignore_ascii_case(c) || a.code.eq_ignore_ascii_case(c)).ok_or_else(
                || {
                    let known: Vec<&str> = countries.iter().map(|a| a.name.as_str()).collect();
                    AppError::Precondition(format!("no country outline named `{c}` is loaded (loaded: {})", known.join(", ")))
                },
            )?,
        ),
        None if countries.len() == 1 => Some(&countries[0]),
        None if countries.is_empty() => None,
        None => return Err(AppError::Precondition("several country outlines are loaded; say which with --country".into())),
    };
    let country = country.map(str::to_string).or_else(|| outline.map(|a| a.name.clone()));
    let admin1 = store.areas(1).await?;
    let geo = Geography {
        outline: outline.map(|a| a.geometry.clone()),
        admin1: admin1.clone(),
        capital: country.as_deref().and_then(known_capital),
    };
    let units = match level {
        Level::Pgm => match cells {
            Some(gids) => UnitSet::cells(gids, &geo)?,
            None => {
                if geo.outline.is_none() {
                    return Err(AppError::Precondition(
                        "no country outline is loaded: run `vigil boundaries import FILE --level 0`, or give --cells FILE".into(),
                    ));
                }
                UnitSet::cells_of_outline(&geo)?
            }
        },
        Level::Country => {
            let o = outline.ok_or_else(|| {
                AppError::Precondition("no country outline is loaded (vigil boundaries import FILE --level 0)".into())
            })?;
            UnitSet::areas(level, std::slice::from_ref(o), &geo)?
        }
        Level::Admin1 | Level::Admin2 => {
            let (areas, n) = if level == Level::Admin1 { (admin1, 1) } else { (store.areas(2).await?, 2) };
            if areas.is_empty() {
                return Err(AppError::Precondition(format!(
                    "no admin-{n} boundaries are loaded (vigil boundaries import FILE --level {n})"
                )));
            }
            UnitSet::areas(level, &areas, &geo)?
        }
    };
    Ok(Setup { units, geo, country })
}

fn month_start(m: Month) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(m.year(), m.month(), 1)
}

/// The last day of month `m`.
pub fn last_day(m: Month) -> NaiveDate {
    month_start(m.plus(1)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// The incidents a forecast learns from: up to the end of `to` (all with `None`),
/// of `country` when given.
pub async fn events(store: &Store, country: Option<&str>, to: Option<Month>) -> AppResult<Vec<ForecastEvent>> {
    let filter = IncidentFilter { to: to.map(last_day), country: country.map(str::to_string), ..Default::default() };
    Ok(store.forecast_events(&filter).await?)
}

/// The cells of the one loaded country outline, for the forecast rules. No outline
/// (or several): `None`, logged.
async fn rule_cells(store: &Store) -> AppResult<Option<Setup>> {
    match setup(store, Level::Pgm, None, None).await {
        Ok(s) => Ok(Some(s)),
        Err(AppError::Precondition(why)) => {
            tracing::warn!("forecast rules: no forecast ({why})");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The learned model's P(any fatality) per cell of the loaded country outline for
/// the `months` months after `origin`. No outline loaded, or no incidents: no rows.
/// Runs off the async threads (it takes seconds).
pub async fn cell_forecast(store: &Store, origin: Month, months: u32) -> AppResult<Vec<ForecastRow>> {
    let Some(s) = rule_cells(store).await? else { return Ok(vec![]) };
    let events = events(store, None, Some(origin)).await?;
    if events.is_empty() {
        return Ok(vec![]);
    }
    let rows = tokio::task::spawn_blocking(move || {
        let mut opts = ForecastOptions::new(origin);
        opts.horizons = (1..=months).collect();
        opts.model = vigil_forecast::ModelKind::Learned;
        // the guard: where the model lost to a benchmark, the rows say so (no alert)
        let panel = vigil_forecast::Panel::from_events(&events, s.units, None, origin);
        vigil_forecast::publish::forecast_guarded(&panel, &opts, None).map(|p| p.rows)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::Internal(format!("forecast from {origin}: {e}")))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(ForecastRow {
                gid: r.unit.parse().ok()?,
                month: month_start(r.month)?,
                p_any: r.p_any,
                fallback: r.fallback_reason.is_some(),
            })
        })
        .collect())
}

/// Cell forecasts as the forecast rules would have had them day by day over
/// `from..=to`: for the days of each month M, the learned model's forecast from the
/// month before M (the last complete one) for months M+1..=M+`months_ahead`. A target
/// month covered by several origins keeps the earliest one's row, so no day sees a
/// forecast made after it. `progress(done, total)` after each month.
pub async fn rolling_cell_forecasts(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    months_ahead: u32,
    progress: &mut dyn FnMut(u64, u64),
) -> AppResult<Vec<ForecastRow>> {
    let s = setup(store, Level::Pgm, None, None).await?;
    let (first, last) = (Month::of(from), Month::of(to));
    let ev = events(store, None, Some(last.plus(-1))).await?;
    if ev.is_empty() {
        return Ok(vec![]);
    }
    let months = last.since(first) + 1;
    let total = u64::try_from(months).unwrap_or(0);
    // the guard's skill, from a backtest on the months before the first origin; every
    // month's forecast is judged by it (a forecast rule never fires on a horizon where
    // the model lost to a benchmark)
    let mut guard_opts = ForecastOptions::new(first.plus(-2));
    guard_opts.model = vigil_forecast::ModelKind::Learned;
    guard_opts.horizons = (2..=months_ahead + 1).collect();
    let guard_panel = vigil_forecast::Panel::from_events(&ev, s.units.clone(), None, guard_opts.origin);
    let (skill, _, _) = vigil_forecast::publish::guard_skill(&guard_panel, &guard_opts)
        .map_err(|e| AppError::Internal(format!("the guard's backtest before {first}: {e}")))?;
    let mut rows: std::collections::BTreeMap<(Month, String), (f64, bool)> = std::collections::BTreeMap::new();
    for (done, k) in (0..months).enumerate() {
        let origin = first.plus(k - 1);
        let mut opts = guard_opts.clone();
        opts.origin = origin;
        let panel = vigil_forecast::Panel::from_events(&ev, s.units.clone(), None, origin);
        let out = vigil_forecast::publish::forecast_guarded(&panel, &opts, Some(skill.clone()))
            .map_err(|e| AppError::Internal(format!("forecast from {origin}: {e}")))?;
        for r in out.rows {
            rows.entry((r.month, r.unit)).or_insert((r.p_any, r.fallback_reason.is_some()));
        }
        progress(done as u64 + 1, total);
    }
    Ok(rows
        .into_iter()
        .filter_map(|((m, unit), (p_any, fallback))| {
            Some(ForecastRow { gid: unit.parse().ok()?, month: month_start(m)?, p_any, fallback })
        })
        .collect())
}
