//! Footprint options (issue #17): sites, scenarios (list, copy or create, edit), the
//! comparison, the sensitivity grid and a scenario's map. Planners create and edit;
//! planners, analysts and admin read (`vocab::footprint::{READ, EDIT}`); every other
//! role is refused. Use cases in [`vigil_app::footprint`].

use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::LazyLock;
use vigil_app::footprint::{self as fp, NewScenario, ScenarioEdit};
use vigil_footprint::scenario::Change;
use vigil_model::vocab::footprint as access;
use vigil_store::accounts::Role;

fn roles(codes: &[&str]) -> Vec<Role> {
    codes.iter().filter_map(|c| Role::parse(c)).collect()
}

/// Read sites, scenarios, comparisons.
pub static READ: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::READ));
/// Create, copy, edit scenarios.
pub static EDIT: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::EDIT));

/// The footprint routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/footprint/sites", get(sites))
        .route("/footprint/scenarios", get(list).post(create))
        .route("/footprint/scenarios/{id}", get(get_one).put(put).patch(patch))
        .route("/footprint/scenarios/{id}/map", get(map))
        .route("/footprint/compare", get(compare))
        .route("/footprint/sensitivity", get(sensitivity))
}

/// GET /api/footprint/sites: the stored sites, the settings with their defaults and
/// tags, and the attribution.
pub async fn sites(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read footprint sites")?;
    let sites = fp::sites(&st.store).await?;
    let settings = fp::settings("defaults", &[])?;
    let shipped = fp::shipped()?;
    Ok(Json(json!({
        "sites": sites,
        "settings": settings.describe(),
        "where_to_change": vigil_footprint::settings::WHERE_TO_CHANGE,
        "assumptions_note": vigil_footprint::compare::ASSUMPTIONS_NOTE,
        "attribution": vigil_footprint::shipped::ATTRIBUTION,
        "planned_changes": shipped.options.planned,
        "baseline_as_of": shipped.options.baseline_as_of,
        "sectors": shipped.options.sectors,
    })))
}

/// GET /api/footprint/scenarios
pub async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read footprint scenarios")?;
    Ok(Json(json!({"scenarios": fp::scenarios(&st.store).await?})))
}

/// GET /api/footprint/scenarios/{id}
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read footprint scenarios")?;
    Ok(Json(fp::scenario(&st.store, &id).await?))
}

fn changes(f: &Fields) -> ApiResult<Option<Vec<Change>>> {
    match f.raw("changes") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value::<Vec<Change>>(v.clone())
            .map(Some)
            .map_err(|e| ApiError::field("changes", format!("not a list of changes: {e}"))),
    }
}

/// POST /api/footprint/scenarios {id, title, copy_of?, description?, changes?}
pub async fn create(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<Response> {
    auth.require(&EDIT, "create footprint scenarios")?;
    let f = Fields::from_json(&body)?;
    f.only(&["id", "title", "copy_of", "description", "changes"])?;
    let n = NewScenario {
        id: f.str_req("id", 40)?,
        title: f.str_req("title", 200)?,
        copy_of: f.str_opt("copy_of", 40)?,
        description: f.str_opt("description", 4000)?,
        changes: changes(&f)?,
    };
    let v = fp::create(&st.store, &auth.user.name, n).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn edit(st: &AppState, auth: &Auth, id: &str, body: &[u8], whole: bool) -> ApiResult<Response> {
    auth.require(&EDIT, "edit footprint scenarios")?;
    let f = Fields::from_json(body)?;
    f.only(&["version", "title", "description", "changes"])?;
    let e = ScenarioEdit {
        version: f.i64_req("version", 1, i64::MAX)?,
        title: if whole { Some(f.str_req("title", 200)?) } else { f.str_opt("title", 200)? },
        description: f.str_opt("description", 4000)?,
        changes: match (changes(&f)?, whole) {
            (None, true) => {
                return Err(ApiError::field(
                    "changes",
                    "is required (PUT replaces the whole scenario; PATCH changes parts)",
                ))
            }
            (c, _) => c,
        },
    };
    Ok(Json(fp::edit(&st.store, &auth.user.name, id, e).await?).into_response())
}

/// PUT /api/footprint/scenarios/{id} {version, title, description?, changes}
pub async fn put(State(st): State<AppState>, auth: Auth, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    edit(&st, &auth, &id, &body, true).await
}

/// PATCH /api/footprint/scenarios/{id} {version, title?, description?, changes?}
pub async fn patch(State(st): State<AppState>, auth: Auth, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    edit(&st, &auth, &id, &body, false).await
}

fn settings_of(q: &HashMap<String, String>) -> ApiResult<vigil_footprint::settings::Settings> {
    let mut pairs = vec![];
    if let Some(s) = q.get("set").filter(|s| !s.is_empty()) {
        for p in s.split(',') {
            let (k, v) = p.split_once(':').ok_or_else(|| ApiError::field("set", format!("`{p}`: use KEY:VALUE")))?;
            pairs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok(fp::settings("set", &pairs)?)
}

fn night_of(q: &HashMap<String, String>) -> ApiResult<bool> {
    match q.get("night").map(String::as_str) {
        None | Some("" | "false" | "0" | "day") => Ok(false),
        Some("true" | "1" | "night") => Ok(true),
        Some(o) => Err(ApiError::field("night", format!("`{o}`: true or false"))),
    }
}

fn ids_of(q: &HashMap<String, String>) -> Vec<String> {
    q.get("scenarios")
        .map(|s| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_else(|| ["baseline", "1a", "1b", "2a", "2b", "3"].map(String::from).to_vec())
}

fn only(q: &HashMap<String, String>, known: &[&str]) -> ApiResult<()> {
    match q.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ApiError::field(k.clone(), format!("unknown parameter; expected one of {}", known.join(", ")))),
        None => Ok(()),
    }
}

/// GET /api/footprint/compare?scenarios=baseline,1a,…&night=true&set=KEY:VALUE,…&format=csv
pub async fn compare(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    caller.auth.require(&READ, "compare footprint scenarios")?;
    only(&q, &["scenarios", "night", "set", "format", "detail"])?;
    let s = settings_of(&q)?;
    let started = std::time::Instant::now();
    let c = fp::compare(&st.store, caller.principal.visibility(), &ids_of(&q), night_of(&q)?, &s).await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if q.get("format").map(String::as_str) == Some("csv") {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"vigil-footprint-compare.csv\""),
            ],
            c.csv(),
        )
            .into_response());
    }
    let mut v = serde_json::to_value(&c).map_err(ApiError::internal)?;
    if q.get("detail").map(String::as_str) != Some("full") {
        // per-cercle tallies and site states are large: only with detail=full
        if let Some(cov) = v.get_mut("coverage").and_then(Value::as_array_mut) {
            for c in cov {
                if let Some(o) = c.as_object_mut() {
                    o.remove("sites");
                    for k in ["incidents", "forecast", "towns", "routes"] {
                        if let Some(cols) = o.get_mut(k).and_then(Value::as_array_mut) {
                            for col in cols {
                                if let Some(co) = col.as_object_mut() {
                                    co.remove("by_admin2");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    v["elapsed_ms"] = json!(ms);
    v["where_to_change"] = json!(vigil_footprint::settings::WHERE_TO_CHANGE);
    Ok(Json(v).into_response())
}

/// GET /api/footprint/sensitivity?scenarios=…&night=…&measure=fatalities_in_1h
pub async fn sensitivity(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "compare footprint scenarios")?;
    only(&q, &["scenarios", "night", "set", "measure"])?;
    let s = settings_of(&q)?;
    let measure = q.get("measure").cloned().unwrap_or_else(|| "fatalities_in_1h".into());
    Ok(Json(fp::sensitivity(&st.store, caller.principal.visibility(), &ids_of(&q), night_of(&q)?, &s, &measure).await?))
}

/// GET /api/footprint/scenarios/{id}/map?night=…&set=…
pub async fn map(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read footprint scenarios")?;
    only(&q, &["night", "set"])?;
    let s = settings_of(&q)?;
    Ok(Json(fp::map(&st.store, &id, night_of(&q)?, &s).await?))
}

/// The footprint paths for the OpenAPI document.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let read = "Roles: planner, analyst, admin. Every other role: 403.";
    let edit =
        "Roles: planner only. Every other role: 403. Audited (create / copy / update of footprint_scenario/{id}).";
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let q = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": d});
    let scen = q(
        "scenarios",
        "comma-separated scenario ids; the first is the reference for deltas (default baseline,1a,1b,2a,2b,3)",
    );
    let night = q("night", "true: night (night-capable units only, night launch delay)");
    let set = q("set", "settings for this request: KEY:VALUE,… (speed_kmh, launch_day_min, launch_night_min, clearance_min, on_scene_min, window_1h_min, window_2h_min, road_speed_kmh, road_factor, qrf_notice_min, qrf_hours, incident_months, restriction.SECTOR.denied_share, restriction.SECTOR.added_delay_min)");
    let change = "changes: ordered list of {type: add_site | open_site | close_site | reduce_site | note_site | add_unit | remove_unit | move_unit | posture | unplaced, …}; a change naming a site neither stored nor added by an earlier change is refused (422), nothing saved";
    json!({
        "/api/footprint/sites": {"get": {"summary": "Footprint sites with kind, sector, position, status, units (with sourced / derived / assumption tags); the settings with defaults, tags and where to change them; attribution",
            "description": read, "responses": with("200", obj("{sites, settings, where_to_change, attribution, …}"), &["401", "403", "409"])}},
        "/api/footprint/scenarios": {
            "get": {"summary": "Scenarios: the baseline and options 1a–3 (shipped, read-only) and planners' copies", "description": read,
                "responses": with("200", obj("{scenarios: [...]}"), &["401", "403"])},
            "post": {"summary": "Create a scenario, or copy one (copy_of) to edit it", "description": format!("{edit} Body: {{id, title, copy_of?, description?, changes?}}; {change}"),
                "responses": with("201", obj("the scenario"), &["401", "403", "404", "409", "422"])}},
        "/api/footprint/scenarios/{id}": {
            "get": {"summary": "One scenario with its changes and version", "description": read, "parameters": [id.clone()],
                "responses": with("200", obj("the scenario"), &["401", "403", "404"])},
            "put": {"summary": "Replace a copy's title, description and changes", "description": format!("{edit} Body: {{version, title, description?, changes}}; {change}; a shipped option or a stale version: 409"),
                "parameters": [id.clone()], "responses": with("200", obj("the scenario"), &["401", "403", "404", "409", "422"])},
            "patch": {"summary": "Change parts of a copy", "description": format!("{edit} Body: {{version, title?, description?, changes?}}; {change}"),
                "parameters": [id.clone()], "responses": with("200", obj("the scenario"), &["401", "403", "404", "409", "422"])}},
        "/api/footprint/scenarios/{id}/map": {"get": {"summary": "A scenario for a map: sites with state, reach sources (1-h radius, 2-h radius where the site has a Level 2, ground radius) and a 0.25° reach raster [lat, lon, bits] (1: within 1 h, 2: within 2 h, 4: ground QRF)",
            "description": read, "parameters": [id, night.clone(), set.clone()], "responses": with("200", obj("{sites, sources, grid, settings}"), &["401", "403", "404", "422"])}},
        "/api/footprint/compare": {"get": {"summary": "Compare scenarios on the caller's visible incidents of the last 12 months, the latest cell forecast and the towns: rows = measures, columns = scenarios, deltas against the first; per scenario coverage by region, ranked gaps; the settings used",
            "description": read, "parameters": [scen.clone(), night.clone(), set.clone(), q("format", "csv for the table as CSV"), q("detail", "full: per-cercle tallies and site states too")],
            "responses": with("200", obj("{scenarios, rows, coverage, settings, settings_described, inputs, …}"), &["401", "403", "404", "409", "422"])}},
        "/api/footprint/sensitivity": {"get": {"summary": "How one measure moves with the launch delay (15, 30, 45, 60 min) and the speed (150–250 km/h), per scenario",
            "description": read, "parameters": [scen, night, set, q("measure", "a row key of the comparison (default fatalities_in_1h)")],
            "responses": with("200", obj("{measure, launch_delays_min, speeds_kmh, scenarios}"), &["401", "403", "404", "409", "422"])}},
    })
}

/// The demo's footprint: the shipped sites (real public facts, S/2023/36 and the
/// sources in data/footprint/SOURCES.md) and the baseline and five options, loaded as
/// the `demo` user. Called once from `demo::seed`.
pub async fn seed_demo(store: &vigil_store::Store) -> Result<vigil_app::footprint::LoadSummary, crate::ServerError> {
    vigil_app::footprint::load(store, "demo").await.map_err(|e| crate::ServerError::Demo(format!("footprint: {e}")))
}
