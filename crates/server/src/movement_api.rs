//! Freedom of movement and the mission's own safety (issue #18): movement requests
//! and their decisions, attacks on the mission, routes (GeoJSON lines) and convoys,
//! and their figures. Request parsing and responses only; the use cases are in
//! [`vigil_app::movement`].
//!
//! Roles (`vocab::movement::access`): reporters, analysts, hr officers and admins
//! submit a restriction or an attack; analysts and admins record decisions, import
//! routes and record convoys; every role but reporter reads. Records marked
//! `restricted` reach only those who see restricted detail. The overlap and exposure
//! figures count only the incidents the caller may see.

use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::LazyLock;
use vigil_app::movement as mv;
use vigil_model::vocab::movement::access;
use vigil_movement::movements::GroupBy;
use vigil_movement::overlap::Params;
use vigil_movement::routes::ExposureParams;
use vigil_store::accounts::Role;

fn roles(codes: &[&str]) -> Vec<Role> {
    codes.iter().map(|c| Role::parse(c).unwrap_or_else(|| panic!("access list names unknown role {c}"))).collect()
}

/// Submit a restriction or an attack.
pub static SUBMIT: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::SUBMIT));
/// Record decisions, import routes, record convoys.
pub static CODE: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::CODE));
/// Read records and figures.
pub static READ: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::READ));

/// The movement routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/movements", get(list_movements).post(create_movement))
        .route("/movements/figures", get(movement_figures))
        .route("/movements/overlap", get(overlap))
        .route("/movements/{id}", get(get_movement))
        .route("/movements/{id}/decision", post(decide))
        .route("/attacks", get(list_attacks).post(create_attack))
        .route("/attacks/figures", get(attack_figures))
        .route("/routes", get(list_routes).post(import_routes))
        .route("/routes/{id}/exposure", get(exposure))
        .route("/convoys", get(list_convoys).post(create_convoy))
        .route("/convoys/durations", get(convoy_durations))
}

fn body_json(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::field("body", "is empty; send a JSON object"));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::field("body", format!("is not valid JSON ({e})")))
}

fn query(q: HashMap<String, String>) -> Fields {
    Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

fn created(path: String, id: i64) -> impl IntoResponse {
    (StatusCode::CREATED, [(header::LOCATION, path)], Json(json!({"id": id})))
}

/// GET /api/movements
pub async fn list_movements(State(st): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read movement requests")?;
    let rows = mv::movements(&st.store, caller.principal.sees_restricted_detail()).await?;
    Ok(Json(json!({"movements": rows.iter().map(mv::movement_json).collect::<Vec<_>>()})))
}

/// GET /api/movements/{id}
pub async fn get_movement(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read movement requests")?;
    let row = mv::movements(&st.store, caller.principal.sees_restricted_detail())
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found(format!("movement request {id} not found")))?;
    Ok(Json(mv::movement_json(&row)))
}

/// POST /api/movements: a request, with its decision if known.
pub async fn create_movement(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&SUBMIT, "submit movement restrictions")?;
    let input = mv::movement_from_json(&body_json(&body)?).map_err(vigil_app::AppError::from)?;
    let id = mv::record_movement(&st.store, &auth.user.name, &input, false).await?;
    Ok(created(format!("/api/movements/{id}"), id))
}

/// POST /api/movements/{id}/decision
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&CODE, "record movement decisions")?;
    let d = mv::decision_from_json(&body_json(&body)?).map_err(vigil_app::AppError::from)?;
    mv::decide(&st.store, &auth.user.name, id, &d).await?;
    Ok(Json(json!({"id": id, "outcome": d.outcome})))
}

/// GET /api/movements/figures?by=sector|month|kind|purpose|authority
pub async fn movement_figures(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read movement figures")?;
    let f = query(q);
    f.only(&["by"])?;
    let by = f.str_opt("by", 20)?.unwrap_or_else(|| "sector".into());
    let g = GroupBy::parse(&by).map_err(vigil_app::AppError::from)?;
    let rows = mv::movement_figures(&st.store, caller.principal.sees_restricted_detail(), g).await?;
    Ok(Json(json!({"by": by, "rows": rows})))
}

/// GET /api/movements/overlap?km=20&days=30
pub async fn overlap(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read movement figures")?;
    let f = query(q);
    f.only(&["km", "days"])?;
    let p = Params { km: f.f64_opt("km", 0.1, 500.0)?.unwrap_or(20.0), days: f.i64_opt("days", 1, 366)?.unwrap_or(30) };
    let o = mv::overlap(&st.store, caller.principal.sees_restricted_detail(), caller.principal.visibility(), p).await?;
    Ok(Json(o))
}

/// GET /api/attacks
pub async fn list_attacks(State(st): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read attacks on the mission")?;
    let rows = mv::attacks(&st.store, caller.principal.sees_restricted_detail()).await?;
    Ok(Json(json!({"attacks": rows.iter().map(mv::attack_json).collect::<Vec<_>>()})))
}

/// POST /api/attacks
pub async fn create_attack(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&SUBMIT, "submit attacks on the mission")?;
    let (a, restricted) = mv::attack_from_json(&body_json(&body)?).map_err(vigil_app::AppError::from)?;
    let id = mv::record_attack(&st.store, &auth.user.name, &a, restricted, false).await?;
    Ok(created(format!("/api/attacks/{id}"), id))
}

/// GET /api/attacks/figures?since=2013-07-01
pub async fn attack_figures(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read attacks on the mission")?;
    let f = query(q);
    f.only(&["since"])?;
    let since = f.date_opt("since")?.unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2013, 7, 1).expect("a date"));
    Ok(Json(mv::attack_figures(&st.store, caller.principal.sees_restricted_detail(), since).await?))
}

/// GET /api/routes: a GeoJSON FeatureCollection of the routes.
pub async fn list_routes(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read routes")?;
    let rows = mv::routes(&st.store).await?;
    Ok(Json(json!({"type": "FeatureCollection", "features": rows.iter().map(mv::route_feature).collect::<Vec<_>>()})))
}

/// POST /api/routes: a GeoJSON FeatureCollection (or Feature) of LineStrings, each
/// with `properties.name`; all imported or none.
pub async fn import_routes(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&CODE, "import routes")?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::field("file", "is not UTF-8 text"))?;
    let ids = mv::import_routes(&st.store, &auth.user.name, text, false).await?;
    Ok((StatusCode::CREATED, Json(json!({"ids": ids}))))
}

/// GET /api/routes/{id}/exposure?as_of=YYYY-MM-DD&buffer_km=10&segment_km=25
pub async fn exposure(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&READ, "read route exposure")?;
    let f = query(q);
    f.only(&["as_of", "buffer_km", "segment_km"])?;
    let vis = caller.principal.visibility();
    let as_of = match f.date_opt("as_of")? {
        Some(d) => d,
        None => st.store.last_visible_incident_date(vis).await?.unwrap_or_else(|| st.alerting.now().date_naive()),
    };
    let p = ExposureParams {
        buffer_km: f.f64_opt("buffer_km", 0.1, 200.0)?.unwrap_or(10.0),
        segment_km: f.f64_opt("segment_km", 1.0, 1000.0)?.unwrap_or(25.0),
        as_of,
    };
    Ok(Json(mv::route_exposure(&st.store, vis, id, p).await?))
}

/// GET /api/convoys
pub async fn list_convoys(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read convoys")?;
    let rows = mv::convoys(&st.store).await?;
    Ok(Json(json!({"convoys": rows.iter().map(mv::convoy_json).collect::<Vec<_>>()})))
}

/// POST /api/convoys
pub async fn create_convoy(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&CODE, "record convoys")?;
    let c = mv::convoy_from_json(&body_json(&body)?).map_err(vigil_app::AppError::from)?;
    let id = mv::record_convoy(&st.store, &auth.user.name, &c, false).await?;
    Ok(created(format!("/api/convoys/{id}"), id))
}

/// GET /api/convoys/durations
pub async fn convoy_durations(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read convoys")?;
    Ok(Json(json!({"rows": mv::convoy_durations(&st.store).await?})))
}

/// The movement paths for the OpenAPI document.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let read = format!("Roles: {}.", access::READ.join(", "));
    let submit = format!("Roles: {}.", access::SUBMIT.join(", "));
    let code = format!("Roles: {}.", access::CODE.join(", "));
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let body = |d: &str| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "description": d}}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let q = |name: &str, t: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": t}, "description": d});
    json!({
        "/api/movements": {
            "get": {"summary": "Movement requests (air sorties, ground moves) with their decisions; records marked restricted only for those who see restricted detail",
                "description": read, "responses": with("200", obj("{movements: [...]}"), &["401", "403"])},
            "post": {"summary": "Record a movement request: mode (air|ground), kind, from_place, to_place, from/to [lon, lat], route_id, requested_at, planned_at, asset, sector, purpose, restricted, and optionally decision {outcome, decided_at, delay_minutes, authority, reason, conditions}. A decision before its request, a negative delay, a kind not of its mode: 422 with the field and the reason; nothing is stored",
                "description": submit, "requestBody": body("the request"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/movements/{id}": {"get": {"summary": "One movement request with its decision", "description": read, "parameters": [id.clone()],
            "responses": with("200", obj("the request"), &["401", "403", "404"])}},
        "/api/movements/{id}/decision": {"post": {"summary": "Record or replace the decision on a request (the replaced one stays in the audit log)", "description": code,
            "parameters": [id.clone()], "requestBody": body("{outcome, decided_at, delay_minutes, authority, reason, conditions}"),
            "responses": with("200", obj("{id, outcome}"), &["401", "403", "404", "422"])}},
        "/api/movements/figures": {"get": {"summary": "Figures by sector, month, kind, purpose or authority: requests, pending, each outcome, share denied or delayed (of decided), median and p90 delay in minutes (nearest rank, over delayed movements), CASEVAC requests and denied; last row `all`",
            "description": read, "parameters": [q("by", "string", "sector (default) | month | kind | purpose | authority")],
            "responses": with("200", obj("{by, rows: [...]}"), &["401", "403", "422"])}},
        "/api/movements/overlap": {"get": {"summary": "For each denied or delayed movement and each granted one: incidents and civilian deaths within km of its destination (or stored route) in the days after its planned time, alerts active there at that time, forecast risk (P(any death), horizon 1 of the latest cell run); group means for restricted against granted. Counts only the incidents the caller may see",
            "description": read, "parameters": [q("km", "number", "buffer, default 20"), q("days", "integer", "window, default 30")],
            "responses": with("200", obj("{params, rows, restricted, granted}"), &["401", "403", "422"])}},
        "/api/attacks": {
            "get": {"summary": "Attacks on the mission", "description": read, "responses": with("200", obj("{attacks: [...]}"), &["401", "403"])},
            "post": {"summary": "Record an attack on the mission: date, kind (ied|indirect_fire|complex_attack|convoy_ambush|mine), sector, place, location [lon, lat], unit, contingent, peacekeepers_killed/injured, civilians_killed/injured, incident_id, restricted. A negative count: 422 naming it",
                "description": submit, "requestBody": body("the attack"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/attacks/figures": {"get": {"summary": "Attack figures since a date (default 2013-07-01), by kind, year and sector, and in the review's form (\"N IED attacks since July 2013, killing K and wounding W peacekeepers\"), counted from the records",
            "description": read, "parameters": [q("since", "string", "YYYY-MM-DD")], "responses": with("200", obj("{since, total, by_kind, by_year, by_sector, sentences}"), &["401", "403", "422"])}},
        "/api/routes": {
            "get": {"summary": "Named routes as a GeoJSON FeatureCollection of LineStrings (approximate: drawn between towns)", "description": read,
                "responses": with("200", json!({"description": "GeoJSON", "content": {"application/json": {}}}), &["401", "403"])},
            "post": {"summary": "Import routes from GeoJSON: a FeatureCollection or Feature of LineStrings, each with properties.name (and approximate, note). Anything else is refused with the field (features[i].geometry.type, ...) and the reason; all or none are stored",
                "description": code, "requestBody": body("GeoJSON"), "responses": with("201", obj("{ids}"), &["401", "403", "422"])}},
        "/api/routes/{id}/exposure": {"get": {"summary": "A route's exposure by segment: incidents and IEDs within the buffer over the last 3 and 12 months to as_of (each incident counted for its nearest segment), forecast risk; most exposed segments ranked. Counts only the incidents the caller may see",
            "description": read, "parameters": [id, q("as_of", "string", "YYYY-MM-DD, default the last incident's date"), q("buffer_km", "number", "default 10"), q("segment_km", "number", "default 25")],
            "responses": with("200", obj("{route, params, segments, most_exposed}"), &["401", "403", "404", "422"])}},
        "/api/convoys": {
            "get": {"summary": "Convoys", "description": read, "responses": with("200", obj("{convoys: [...]}"), &["401", "403"])},
            "post": {"summary": "Record a convoy: route_id, departed_at, arrived_at, vehicles, escort, delay_reason, incident_ids. Arrival before departure or negative vehicles: 422",
                "description": code, "requestBody": body("the convoy"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/convoys/durations": {"get": {"summary": "Convoy durations by route and month of departure (median and longest, hours)", "description": read,
            "responses": with("200", obj("{rows: [...]}"), &["401", "403"])}},
    })
}
