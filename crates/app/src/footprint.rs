//! Footprint options (issue #17) as people use them: load the shipped sites and
//! options into the store, list and edit scenarios (a planner copies an option and
//! changes it), and compare scenarios on the store's own data — the incidents the
//! caller may see (their `Visibility`, as `forecasts::area_forecast` does), the
//! towns, and the latest cell-level forecast run.

use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use vigil_footprint::compare::{
    self, Comparison, Inputs, Sensitivity, FORECAST_COLUMNS, INCIDENT_COLUMNS, TOWN_COLUMNS,
};
use vigil_footprint::reach::{PointIn, PointSet, Reach};
use vigil_footprint::scenario::{self, Change, Scenario};
use vigil_footprint::settings::Settings;
use vigil_footprint::site::Site;
use vigil_footprint::{Footprint, InputError};
use vigil_geo::admin::AdminIndex;
use vigil_store::access::Visibility;
use vigil_store::footprint::{FootprintStoreError, ScenarioRecord, StoredChange, StoredScenario, StoredSite};
use vigil_store::Store;

/// The shipped files, parsed (they are compiled in; the crate's tests parse them).
pub fn shipped() -> AppResult<Footprint> {
    vigil_footprint::load_shipped().map_err(|e| AppError::Internal(format!("shipped footprint data: {e}")))
}

fn store_err(e: FootprintStoreError) -> AppError {
    match e {
        FootprintStoreError::Store(s) => AppError::Store(s),
        FootprintStoreError::Dangling { index, .. } => AppError::invalid(format!("changes[{index}]"), e.to_string()),
        FootprintStoreError::BadId(_) => AppError::invalid("id", e.to_string()),
        FootprintStoreError::NotFound(_) => AppError::NotFound(e.to_string()),
        FootprintStoreError::Exists(_) | FootprintStoreError::Shipped(_) | FootprintStoreError::Conflict { .. } => {
            AppError::Conflict(e.to_string())
        }
    }
}

fn input_err(e: InputError) -> AppError {
    AppError::invalid(e.key.clone(), e.to_string())
}

fn record(sc: &Scenario) -> AppResult<ScenarioRecord> {
    let changes = sc
        .changes
        .iter()
        .map(|c| {
            Ok(StoredChange {
                kind: c.type_name().into(),
                change: serde_json::to_value(c).map_err(AppError::internal)?,
                refs: c.refs().into_iter().map(str::to_string).collect(),
                defines: c.defines().map(str::to_string),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(ScenarioRecord {
        id: sc.id.clone(),
        title: sc.title.clone(),
        based_on: sc.based_on.clone(),
        description: sc.description.clone(),
        source: sc.source.clone(),
        changes,
    })
}

fn scenario_of(s: &StoredScenario) -> AppResult<Scenario> {
    let changes = s
        .record
        .changes
        .iter()
        .map(|c| serde_json::from_value::<Change>(c.change.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::Internal(format!("stored scenario {}: {e}", s.record.id)))?;
    Ok(Scenario {
        id: s.record.id.clone(),
        title: s.record.title.clone(),
        based_on: s.record.based_on.clone(),
        description: s.record.description.clone(),
        source: s.record.source.clone(),
        changes,
    })
}

/// What [`load`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadSummary {
    pub sites_added: usize,
    pub sites_updated: usize,
    pub scenarios_created: usize,
    pub scenarios_refreshed: usize,
}

/// Load the shipped sites and the baseline and five options into the store (again:
/// only what changed is written, audited as `actor`).
pub async fn load(store: &Store, actor: &str) -> AppResult<LoadSummary> {
    let fp = shipped()?;
    let sites: Vec<StoredSite> = fp
        .sites
        .iter()
        .map(|s| {
            Ok(StoredSite {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind.clone(),
                sector: s.sector.clone(),
                latitude: s.lat,
                longitude: s.lon,
                status: s.status.clone(),
                site: serde_json::to_value(s).map_err(AppError::internal)?,
            })
        })
        .collect::<AppResult<_>>()?;
    let (sites_added, sites_updated) = store.load_footprint_sites(actor, &sites).await.map_err(store_err)?;
    let mut out = LoadSummary { sites_added, sites_updated, ..Default::default() };
    for sc in &fp.options.scenarios {
        let rec = record(sc)?;
        match store.footprint_scenario(&sc.id).await.map_err(store_err)? {
            Some(old) if old.record == rec => {}
            Some(old) if !old.shipped => {
                return Err(AppError::Conflict(format!(
                    "a scenario `{}` written by {} is in the way of the shipped option of that id",
                    sc.id, old.created_by
                )))
            }
            Some(old) => {
                store.save_footprint_scenario(actor, &rec, Some(old.version), true).await.map_err(store_err)?;
                out.scenarios_refreshed += 1;
            }
            None => {
                store.save_footprint_scenario(actor, &rec, None, true).await.map_err(store_err)?;
                out.scenarios_created += 1;
            }
        }
    }
    Ok(out)
}

/// The stored sites (a precondition error when none are loaded).
pub async fn sites(store: &Store) -> AppResult<Vec<Site>> {
    let rows = store.footprint_sites().await.map_err(store_err)?;
    if rows.is_empty() {
        return Err(AppError::Precondition(
            "no footprint sites in the store: run `vigil footprint load` (or `vigil demo`)".into(),
        ));
    }
    rows.into_iter()
        .map(|r| {
            serde_json::from_value::<Site>(r.site).map_err(|e| AppError::Internal(format!("stored site {}: {e}", r.id)))
        })
        .collect()
}

/// A scenario as the API and UI show it.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView {
    #[serde(flatten)]
    pub scenario: Scenario,
    pub shipped: bool,
    pub editable: bool,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

fn view(s: &StoredScenario) -> AppResult<ScenarioView> {
    Ok(ScenarioView {
        scenario: scenario_of(s)?,
        shipped: s.shipped,
        editable: !s.shipped,
        version: s.version,
        created_by: s.created_by.clone(),
        created_at: s.created_at.clone(),
        updated_at: s.updated_at.clone(),
    })
}

pub async fn scenarios(store: &Store) -> AppResult<Vec<ScenarioView>> {
    store.footprint_scenarios().await.map_err(store_err)?.iter().map(view).collect()
}

pub async fn scenario(store: &Store, id: &str) -> AppResult<ScenarioView> {
    match store.footprint_scenario(id).await.map_err(store_err)? {
        Some(s) => view(&s),
        None => Err(AppError::NotFound(format!("no scenario `{id}`"))),
    }
}

fn check(sites: &[Site], sc: &Scenario) -> AppResult<()> {
    let fp = shipped()?;
    scenario::apply(sites, &fp.kinds, sc)
        .map(|_| ())
        .map_err(|e| AppError::invalid(format!("changes[{}].{}", e.index, e.key), e.to_string()))
}

/// A new scenario: a copy of `copy_of` (its changes, `based_on` it), or from scratch.
#[derive(Debug, Clone, Deserialize)]
pub struct NewScenario {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub copy_of: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub changes: Option<Vec<Change>>,
}

pub async fn create(store: &Store, actor: &str, n: NewScenario) -> AppResult<ScenarioView> {
    if n.title.trim().is_empty() {
        return Err(AppError::invalid("title", "a scenario needs a title"));
    }
    let sites = sites(store).await?;
    let mut sc = match &n.copy_of {
        Some(from) => {
            let mut s = scenario(store, from).await?.scenario;
            s.based_on = Some(from.clone());
            s.source = format!("copy of {from} ({})", s.source);
            s
        }
        None => Scenario {
            id: String::new(),
            title: String::new(),
            based_on: None,
            description: String::new(),
            source: actor.into(),
            changes: vec![],
        },
    };
    sc.id = n.id;
    sc.title = n.title;
    if let Some(d) = n.description {
        sc.description = d;
    }
    if let Some(c) = n.changes {
        sc.changes = c;
    }
    check(&sites, &sc)?;
    store.save_footprint_scenario(actor, &record(&sc)?, None, false).await.map_err(store_err)?;
    scenario(store, &sc.id).await
}

/// An edit: what is given replaces what was; `version` is the one the edit was made on.
#[derive(Debug, Clone, Deserialize)]
pub struct ScenarioEdit {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub changes: Option<Vec<Change>>,
}

pub async fn edit(store: &Store, actor: &str, id: &str, e: ScenarioEdit) -> AppResult<ScenarioView> {
    let sites = sites(store).await?;
    let old = scenario(store, id).await?;
    if old.shipped {
        return Err(AppError::Conflict(format!(
            "scenario `{id}` is a shipped option (options.toml): copy it to edit it"
        )));
    }
    let mut sc = old.scenario;
    if let Some(t) = e.title {
        if t.trim().is_empty() {
            return Err(AppError::invalid("title", "a scenario needs a title"));
        }
        sc.title = t;
    }
    if let Some(d) = e.description {
        sc.description = d;
    }
    if let Some(c) = e.changes {
        sc.changes = c;
    }
    check(&sites, &sc)?;
    store.save_footprint_scenario(actor, &record(&sc)?, Some(e.version), false).await.map_err(store_err)?;
    scenario(store, id).await
}

/// Settings: the shipped defaults with `overrides` (`key`, `value`) applied; `origin`
/// names where the overrides came from in errors.
pub fn settings(origin: &str, overrides: &[(String, String)]) -> AppResult<Settings> {
    let mut s = shipped()?.options.settings;
    for (k, v) in overrides {
        s.set(origin, k, v).map_err(input_err)?;
    }
    Ok(s)
}

fn months_before(d: NaiveDate, months: u32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 - months as i32;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    // the day after the same day `months` earlier (clamped to the month's end)
    let day = d.day().min(28);
    NaiveDate::from_ymd_opt(y, m, day).map_or(d, |x| x.succ_opt().unwrap_or(x))
}

/// The data coverage is computed on, as the caller may see it.
pub async fn inputs(store: &Store, vis: Visibility, s: &Settings, sites: &[Site]) -> AppResult<Inputs> {
    let mut notes = vec![];
    let a1 = store.areas(1).await?;
    let a2 = store.areas(2).await?;
    let name1: std::collections::HashMap<String, String> =
        a1.iter().map(|a| (a.code.clone(), a.name.clone())).collect();
    let name2: std::collections::HashMap<String, String> =
        a2.iter().map(|a| (a.code.clone(), a.name.clone())).collect();
    let (idx1, idx2) = (AdminIndex::new(a1), AdminIndex::new(a2));
    let place = |lat: f64, lon: f64| {
        (idx1.locate(lon, lat).map(|a| a.name.clone()), idx2.locate(lon, lat).map(|a| a.name.clone()))
    };
    // incidents of the last N months of data the caller may see
    let incidents = match store.last_visible_incident_date(vis).await? {
        None => {
            notes.push("no incidents visible".into());
            PointSet::build("incidents", INCIDENT_COLUMNS, vec![])
        }
        Some(last) => {
            let since = months_before(last, s.incident_months);
            let rows = store.footprint_incidents(vis, &since.to_string()).await?;
            let synthetic = crate::forecasts::incidents_synthetic(store).await.unwrap_or(false);
            notes.push(format!(
                "incidents {since} to {last} (the last {} months of data){}: {}",
                s.incident_months,
                if synthetic { ", SYNTHETIC" } else { "" },
                rows.len()
            ));
            let pts = rows
                .into_iter()
                .map(|r| {
                    let b = r.best as f64;
                    let t = r.type_of_violence.unwrap_or(0);
                    PointIn {
                        lat: r.latitude,
                        lon: r.longitude,
                        weights: vec![
                            1.0,
                            b,
                            r.deaths_civilians as f64,
                            if t == 1 { b } else { 0.0 },
                            if t == 2 { b } else { 0.0 },
                            if t == 3 { b } else { 0.0 },
                        ],
                        admin1: r.admin1.as_ref().map(|c| name1.get(c).cloned().unwrap_or_else(|| c.clone())),
                        admin2: r.admin2.as_ref().map(|c| name2.get(c).cloned().unwrap_or_else(|| c.clone())),
                    }
                })
                .collect();
            PointSet::build("incidents", INCIDENT_COLUMNS, pts)
        }
    };
    // forecast: expected fatalities summed over the next 12 horizons of the latest cell run
    let forecast = match crate::forecasts::latest_cell_run(store).await? {
        None => {
            notes.push("no cell-level forecast run stored".into());
            PointSet::build("forecast", FORECAST_COLUMNS, vec![])
        }
        Some(run) => {
            let cells = store.forecast_cells(run.id, None).await?;
            let mut by: std::collections::BTreeMap<i64, f64> = Default::default();
            for c in cells.iter().filter(|c| c.horizon <= 12) {
                if let Ok(g) = c.unit.parse::<i64>() {
                    *by.entry(g).or_default() += c.mean;
                }
            }
            notes.push(format!(
                "forecast run {} (origin {}, model {}{}): {} cells, horizons 1–12",
                run.id,
                run.run.origin,
                run.run.model,
                if run.run.synthetic { ", from SYNTHETIC data" } else { "" },
                by.len()
            ));
            let pts = by
                .into_iter()
                .map(|(g, m)| {
                    let (lon, lat) = vigil_geo::grid::gid_center(g);
                    let (r1, r2) = place(lat, lon);
                    PointIn { lat, lon, weights: vec![m], admin1: r1, admin2: r2 }
                })
                .collect();
            PointSet::build("forecast", FORECAST_COLUMNS, pts)
        }
    };
    // towns of Mali with their GeoNames population
    let places = store.places().await?;
    let towns: Vec<PointIn> = places
        .iter()
        .filter(|p| p.country_code == "ML")
        .map(|p| {
            let (r1, r2) = place(p.latitude, p.longitude);
            PointIn {
                lat: p.latitude,
                lon: p.longitude,
                weights: vec![p.population.unwrap_or(0) as f64, 1.0],
                admin1: r1,
                admin2: r2,
            }
        })
        .collect();
    notes.push(format!("{} towns of Mali (GeoNames cities1000, CC BY 4.0)", towns.len()));
    Ok(Inputs {
        incidents,
        forecast,
        towns: PointSet::build("towns", TOWN_COLUMNS, towns),
        routes: compare::route_points(sites),
        notes,
    })
}

async fn chosen(store: &Store, ids: &[String]) -> AppResult<Vec<Scenario>> {
    let mut out = vec![];
    for id in ids {
        out.push(scenario(store, id).await?.scenario);
    }
    if out.is_empty() {
        return Err(AppError::invalid("scenarios", "name at least one scenario"));
    }
    Ok(out)
}

fn sc_err(e: scenario::ScenarioError) -> AppError {
    AppError::invalid(format!("scenario {}", e.scenario), e.to_string())
}

/// Compare scenarios (the first is the reference for deltas) on the caller's data.
pub async fn compare(
    store: &Store,
    vis: Visibility,
    ids: &[String],
    night: bool,
    s: &Settings,
) -> AppResult<Comparison> {
    let sites = sites(store).await?;
    let scs = chosen(store, ids).await?;
    let inputs = inputs(store, vis, s, &sites).await?;
    let kinds = shipped()?.kinds;
    let s = s.clone();
    tokio::task::spawn_blocking(move || compare::compare(&sites, &kinds, &scs, &s, &inputs, night))
        .await
        .map_err(AppError::internal)?
        .map_err(sc_err)
}

/// How `measure` moves with the launch delay (15–60 min) and the speed (150–250 km/h).
pub async fn sensitivity(
    store: &Store,
    vis: Visibility,
    ids: &[String],
    night: bool,
    s: &Settings,
    measure: &str,
) -> AppResult<Sensitivity> {
    let sites = sites(store).await?;
    let scs = chosen(store, ids).await?;
    let inputs = inputs(store, vis, s, &sites).await?;
    let kinds = shipped()?.kinds;
    let (s, m) = (s.clone(), measure.to_string());
    let probe = compare::compare(&sites, &kinds, &scs[..1], &s, &inputs, night).map_err(sc_err)?;
    if probe.row(&m).is_none() {
        let keys: Vec<&str> = probe.rows.iter().map(|r| r.key.as_str()).collect();
        return Err(AppError::invalid("measure", format!("unknown measure `{m}`; one of: {}", keys.join(", "))));
    }
    tokio::task::spawn_blocking(move || compare::sensitivity(&sites, &kinds, &scs, &s, &inputs, night, &m))
        .await
        .map_err(AppError::internal)?
        .map_err(sc_err)
}

/// Mali's box, for map rasters.
const MALI: (f64, f64, f64, f64) = (10.0, -12.5, 25.25, 4.5);

/// One scenario for a map: its sites with their state, the reach sources (1-h
/// circles, 2-h circles where the site has a Level 2, ground radii) and a 0.25° raster
/// of the reach (bit 1: within 1 h, bit 2: within 2 h, bit 4: ground).
pub async fn map(store: &Store, id: &str, night: bool, s: &Settings) -> AppResult<Value> {
    let sites = sites(store).await?;
    let sc = scenario(store, id).await?.scenario;
    let kinds = shipped()?.kinds;
    let state = scenario::apply(&sites, &kinds, &sc).map_err(sc_err)?;
    let reach = Reach::new(&state, s, night);
    let step = 0.25;
    let grid = reach.grid(MALI.0, MALI.1, MALI.2, MALI.3, step);
    Ok(json!({
        "scenario": sc.id, "title": sc.title, "night": night, "step": step,
        "sites": state.iter().map(|st| json!({
            "id": st.site.id, "name": st.site.name, "kind": st.site.kind, "sector": st.site.sector,
            "lat": st.site.lat, "lon": st.site.lon, "open": st.open, "status": st.status,
            "level2": st.site.level2, "casevac_units": st.casevac_units(night), "qrf_units": st.qrf_units(),
            "coord_quality": st.site.coord_quality, "history": st.history,
            "units": st.site.units,
        })).collect::<Vec<_>>(),
        "sources": reach.sources,
        "grid": grid.iter().map(|(a, b, c)| json!([a, b, c])).collect::<Vec<_>>(),
        "settings": s,
    }))
}
