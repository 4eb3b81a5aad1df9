//! Stored forecast runs: the list, one run with its skill by horizon, its cells at a
//! horizon, the VIEWS CSV, an admin area's forecast; and the cell features of the
//! latest cell-level run for the OGC API's `forecast` collection. Read by the roles
//! that read the map (`access::MAP`: every role but reporter). Use cases in
//! [`vigil_app::forecasts`].

use crate::access::MAP as READ;
use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiResult, Fields};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use vigil_app::forecasts;
use vigil_store::forecasts::ForecastCell;

/// The forecast routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forecasts", get(list))
        .route("/forecasts/{id}", get(get_one))
        .route("/forecasts/{id}/cells", get(cells))
        .route("/forecasts/{id}/views.csv", get(views_csv))
        .route("/forecasts/{id}/areas/{code}", get(area))
}

/// GET /api/forecasts: every stored run, newest first.
pub async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read forecasts")?;
    Ok(Json(json!({"runs": forecasts::runs(&st.store).await?})))
}

/// GET /api/forecasts/{id}
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read forecasts")?;
    Ok(Json(forecasts::run_json(&forecasts::run(&st.store, id).await?)))
}

/// GET /api/forecasts/{id}/cells?horizon=H
pub async fn cells(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read forecasts")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["horizon"])?;
    let h = f.i64_opt("horizon", 1, 120)?.map(|h| h as u32);
    let (r, cells) = forecasts::cells(&st.store, id, h).await?;
    Ok(Json(json!({
        "run": forecasts::run_json(&r),
        "horizon": h,
        "cells": cells.iter().map(forecasts::cell_json).collect::<Vec<_>>(),
    })))
}

/// GET /api/forecasts/{id}/views.csv: the VIEWS layout (month_id, priogrid_id, outcome_n).
pub async fn views_csv(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read forecasts")?;
    let csv = forecasts::views_csv(&st.store, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"vigil-forecast-{id}-views.csv\"")),
        ],
        csv,
    ))
}

/// GET /api/forecasts/{id}/areas/{code}: an admin area's forecast against what happened.
pub async fn area(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, code)): Path<(i64, String)>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read forecasts")?;
    Ok(Json(forecasts::area_forecast(&st.store, caller.principal.visibility(), id, &code).await?))
}

/// A PRIO-GRID cell (0.5°) as a GeoJSON polygon ring.
pub fn cell_polygon(gid: i64) -> Value {
    let (lon, lat) = vigil_geo::grid::gid_center(gid);
    let (w, e, s, n) = (lon - 0.25, lon + 0.25, lat - 0.25, lat + 0.25);
    json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]})
}

/// A stored cell as an OGC feature (id `{gid}-h{horizon}`).
pub fn cell_feature(run: i64, synthetic: bool, c: &ForecastCell) -> Option<Value> {
    let gid: i64 = c.unit.parse().ok()?;
    let mut props = forecasts::cell_json(c);
    props["gid"] = gid.into();
    props["run"] = run.into();
    props["synthetic"] = synthetic.into();
    Some(json!({
        "type": "Feature",
        "id": format!("{gid}-h{}", c.horizon),
        "geometry": cell_polygon(gid),
        "properties": props,
    }))
}

/// Whether cell `gid` meets `bbox` (west, south, east, north).
pub fn cell_meets(gid: i64, [w, s, e, n]: [f64; 4]) -> bool {
    let (lon, lat) = vigil_geo::grid::gid_center(gid);
    let lat_ok = lat - 0.25 <= n && lat + 0.25 >= s;
    let lon_ok = if w <= e { lon - 0.25 <= e && lon + 0.25 >= w } else { lon + 0.25 >= w || lon - 0.25 <= e };
    lat_ok && lon_ok
}

/// The OGC `forecast` collection's features: the latest cell-level run's cells at
/// `horizon` (all horizons when `None`) meeting `bbox`.
pub async fn ogc_features(st: &AppState, horizon: Option<u32>, bbox: Option<[f64; 4]>) -> ApiResult<Vec<Value>> {
    let Some(run) = forecasts::latest_cell_run(&st.store).await? else { return Ok(vec![]) };
    let cells = st.store.forecast_cells(run.id, horizon).await?;
    Ok(cells
        .iter()
        .filter(|c| bbox.is_none_or(|bb| c.unit.parse().is_ok_and(|g| cell_meets(g, bb))))
        .filter_map(|c| cell_feature(run.id, run.run.synthetic, c))
        .collect())
}

/// The forecast paths for the OpenAPI document.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let roles = "Roles: analyst, responder, hr_officer, planner, admin (every role but reporter).";
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    json!({
        "/api/forecasts": {"get": {"summary": "Stored forecast runs, newest first: id, origin, model, level, horizons, synthetic, created_at, and per horizon the guard's backtest skill against the best benchmark and whether it fell back to that benchmark (`fell_back`)",
            "description": roles, "responses": with("200", obj("{runs: [...]}"), &["401", "403"])}},
        "/api/forecasts/{id}": {"get": {"summary": "One run with its settings and skill by horizon", "description": roles,
            "parameters": [id.clone()], "responses": with("200", obj("the run"), &["401", "403", "404"])}},
        "/api/forecasts/{id}/cells": {"get": {"summary": "A run's units at a horizon: p_any, mean, q05, q25, q50, q75, q95, month, model_used, fallback_reason",
            "description": roles, "parameters": [id.clone(), {"name": "horizon", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}, "description": "one horizon (default: all)"}],
            "responses": with("200", obj("{run, horizon, cells: [...]}"), &["401", "403", "404", "422"])}},
        "/api/forecasts/{id}/views.csv": {"get": {"summary": "A cell-level run in the VIEWS layout: month_id (1 = 1980-01), priogrid_id, outcome_n (the predictive mean)",
            "description": roles, "parameters": [id.clone()],
            "responses": with("200", json!({"description": "CSV", "content": {"text/csv": {}}}), &["401", "403", "404", "409"])}},
        "/api/forecasts/{id}/areas/{code}": {"get": {"summary": "An admin area's forecast from a cell-level run: per month the expected deaths (sum of cell means), P(at least one death) = 1 − ∏(1 − p), the band (sum of cells' 5 % and 95 % quantiles: cells moving together, an upper bound on the spread), and the deaths recorded for months with data",
            "description": roles, "parameters": [id, {"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": with("200", obj("{run, area, method, history, forecast}"), &["401", "403", "404"])}},
    })
}
