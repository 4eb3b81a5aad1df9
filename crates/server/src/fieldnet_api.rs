//! Early-warning networks, the SMS gateway and the call centre (issue #19): request
//! parsing and responses only; the use cases are in [`vigil_app::fieldnet`].
//!
//! - `POST /api/sms/inbound`: the gateway webhook. No login: the gateway proves
//!   itself with its shared secret (`X-Gateway-Secret` header, `?secret=` query, or
//!   SMSSync's `secret` form field), compared in constant time against the hashes of
//!   `vigil sms gateway NAME`; anything else is 401. The answer (200) carries the
//!   reply to the sender in RapidPro's (`reply`) and SMSSync's (`payload.messages`)
//!   shapes: the gateway sends it; nothing is queued server-side.
//! - `GET /api/sms`, `POST /api/sms/{id}/accept|reject`: the held messages (triage roles).
//! - `GET|POST /api/calls`, `GET /api/calls/volumes`, `POST /api/calls/{id}/callback-done`:
//!   the call centre (the roles that submit reports).
//! - `GET|POST /api/networks`, `POST /api/networks/{id}/focal-points`,
//!   `PUT /api/networks/{id}/places`, `GET /api/networks/silent?days=N`.
//!
//! Roles are `vocab::fieldnet::access`. SMS senders, focal points' contacts, callers
//! and callback numbers reach only those who see restricted detail.

use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::LazyLock;
use vigil_app::fieldnet as fnet;
use vigil_model::vocab::fieldnet::access;
use vigil_store::accounts::Role;

fn roles(codes: &[&str]) -> Vec<Role> {
    codes.iter().map(|c| Role::parse(c).unwrap_or_else(|| panic!("access list names unknown role {c}"))).collect()
}

/// The call-centre screen.
pub static CALLS: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::CALLS));
/// Held SMS: list, accept, reject.
pub static SMS_REVIEW: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::SMS_REVIEW));
/// Read the networks register and silent areas.
pub static NETWORKS_READ: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::NETWORKS_READ));
/// Edit the register.
pub static NETWORKS_EDIT: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::NETWORKS_EDIT));

/// The routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sms/inbound", post(inbound))
        .route("/sms", get(list_sms))
        .route("/sms/{id}/accept", post(accept_sms))
        .route("/sms/{id}/reject", post(reject_sms))
        .route("/calls", get(list_calls).post(create_call))
        .route("/calls/volumes", get(volumes))
        .route("/calls/{id}/callback-done", post(callback_done))
        .route("/networks", get(list_networks).post(create_network))
        .route("/networks/silent", get(silent))
        .route("/networks/{id}/focal-points", post(create_focal_point))
        .route("/networks/{id}/places", axum::routing::put(set_places))
}

fn body_json(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::field("body", "is empty; send a JSON object"));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::field("body", format!("is not valid JSON ({e})")))
}

fn query(q: HashMap<String, String>) -> Fields {
    Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// POST /api/sms/inbound
pub async fn inbound(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // the secret is checked before the body is looked at for anything but itself
    let parsed = fnet::inbound_from_body(ct, &body);
    let secret = headers
        .get("x-gateway-secret")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| q.get("secret").cloned())
        .or_else(|| parsed.as_ref().ok().and_then(|m| m.secret.clone()));
    let gateway = match secret {
        Some(s) => st.store.sms_gateway_by_secret(&s).await.map_err(fnet::app_error)?,
        None => None,
    };
    if gateway.is_none() {
        return Err(ApiError::unauthorized(
            "unknown gateway: send the shared secret in X-Gateway-Secret, ?secret= or the form field secret",
        ));
    }
    let sms = parsed?;
    let receipt = fnet::receive_sms(&st, &sms, false).await?;
    Ok(Json(receipt.json(&sms.from)))
}

/// GET /api/sms?status=held&limit=
pub async fn list_sms(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&SMS_REVIEW, "read SMS")?;
    let f = query(q);
    f.only(&["status", "limit"])?;
    let status = f.str_opt("status", 20)?;
    if let Some(s) = &status {
        if !vigil_model::vocab::is_code(vigil_model::vocab::fieldnet::SMS_STATUSES, s) {
            return Err(ApiError::field("status", "must be report, held, accepted or rejected"));
        }
    }
    let limit = f.i64_opt("limit", 1, 5000)?.unwrap_or(500);
    let list = st.store.sms_for(&caller.principal, status.as_deref(), limit).await.map_err(fnet::app_error)?;
    Ok(Json(json!({"sms": list})))
}

/// POST /api/sms/{id}/accept
pub async fn accept_sms(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&SMS_REVIEW, "accept held SMS")?;
    let rid = fnet::accept_sms(&st, &auth.user, id).await?;
    Ok(Json(json!({"id": id, "status": "accepted", "report_id": rid})))
}

/// POST /api/sms/{id}/reject {note}
pub async fn reject_sms(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&SMS_REVIEW, "reject held SMS")?;
    let f = Fields::from_json(&body)?;
    f.only(&["note"])?;
    let note = f.str_req("note", 2000)?;
    fnet::reject_sms(&st, &auth.user, id, &note).await?;
    Ok(Json(json!({"id": id, "status": "rejected"})))
}

/// GET /api/calls?callbacks=pending&limit=
pub async fn list_calls(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&CALLS, "read the call log")?;
    let f = query(q);
    f.only(&["callbacks", "limit"])?;
    let pending = match f.str_opt("callbacks", 20)?.as_deref() {
        None => false,
        Some("pending") => true,
        Some(_) => return Err(ApiError::field("callbacks", "must be `pending`")),
    };
    let limit = f.i64_opt("limit", 1, 5000)?.unwrap_or(200);
    let list = st.store.calls_for(&caller.principal, pending, limit).await.map_err(fnet::app_error)?;
    Ok(Json(json!({"calls": list})))
}

/// POST /api/calls
pub async fn create_call(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&CALLS, "log calls")?;
    let input = fnet::call_from_json(&body_json(&body)?, st.alerting.now(), &body)?;
    let (id, report_id) = fnet::log_call(&st, &auth.user, input).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/calls/{id}"))], Json(json!({"id": id, "report_id": report_id}))))
}

/// GET /api/calls/volumes?days=30
pub async fn volumes(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&CALLS, "read call volumes")?;
    let f = query(q);
    f.only(&["days"])?;
    let days = f.i64_opt("days", 1, 3660)?.unwrap_or(30);
    Ok(Json(json!({"days": days, "volumes": fnet::call_volumes(&st, days).await?})))
}

/// POST /api/calls/{id}/callback-done
pub async fn callback_done(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&CALLS, "mark callbacks made")?;
    let at = st.alerting.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    st.store.callback_done(&auth.user, id, &at).await.map_err(fnet::app_error)?;
    Ok(Json(json!({"id": id, "callback_done_at": at})))
}

/// GET /api/networks
pub async fn list_networks(State(st): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&NETWORKS_READ, "read the early-warning networks")?;
    let list = st.store.networks_for(&caller.principal).await.map_err(fnet::app_error)?;
    Ok(Json(json!({"networks": list})))
}

/// POST /api/networks
pub async fn create_network(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&NETWORKS_EDIT, "add networks")?;
    let n = fnet::network_from_json(&body_json(&body)?)?;
    let id = st.store.add_network(&auth.user.name, &n).await.map_err(fnet::app_error)?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

/// POST /api/networks/{id}/focal-points
pub async fn create_focal_point(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&NETWORKS_EDIT, "add focal points")?;
    let f = fnet::focal_point_from_json(id, &body_json(&body)?)?;
    let fid = st.store.add_focal_point(&auth.user.name, &f).await.map_err(fnet::app_error)?;
    Ok((StatusCode::CREATED, Json(json!({"id": fid}))))
}

/// PUT /api/networks/{id}/places {places: [geonameid, …]}
pub async fn set_places(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&NETWORKS_EDIT, "set the places a network covers")?;
    let places = fnet::coverage_from_json(&body_json(&body)?)?;
    st.store.set_coverage(&auth.user.name, id, &places).await.map_err(fnet::app_error)?;
    Ok(Json(json!({"id": id, "places": places})))
}

/// GET /api/networks/silent?days=14
pub async fn silent(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    caller.auth.require(&NETWORKS_READ, "read silent areas")?;
    let f = query(q);
    f.only(&["days"])?;
    let days = f.i64_opt("days", 1, 3660)?.unwrap_or(14);
    Ok(Json(json!({"days": days, "silent": fnet::silent_places(&st, days).await?})))
}

/// The OpenAPI paths of this module.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let r = |l: &[&str]| format!("Roles: {}.", l.join(", "));
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let body = |d: &str| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "description": d}}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let q = |name: &str, t: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": t}, "description": d});
    json!({
        "/api/sms/inbound": {"post": {
            "summary": "SMS gateway webhook. Bodies: plain JSON {from, text, id?, received_at? (RFC 3339), part?, parts?, ref? (part i of n of a concatenated SMS, with its reference)}; RapidPro/TextIt flow webhook JSON (contact, input {uuid, urn, text, created_on}); form-encoded as SMSSync / FrontlineSMS-style gateways post (from, message|text, message_id|id, sent_timestamp|date, part, parts, ref, secret). The same message (same gateway id, else same sender, text and time) is stored once; parts are joined, in any order, each kept once. A registered focal point's message becomes a report (channel sms); another sender's is held for review. The answer carries the reply to the sender: `reply` (RapidPro: @webhook.reply) and SMSSync's payload {success, task: send, messages: [{to, message}]}; nothing is queued server-side",
            "description": "No login: the gateway's shared secret in the X-Gateway-Secret header, the `secret` query parameter or SMSSync's `secret` form field (set with `vigil sms gateway NAME`); 401 otherwise.",
            "security": [],
            "parameters": [q("secret", "string", "the gateway's shared secret (or the X-Gateway-Secret header)")],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}, "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}},
            "responses": with("200", obj("{status: part|report|held|accepted|rejected, message_id, report_id, repeat, reply, payload, parts?: {have, total}, confidence}"), &["401", "422"])}},
        "/api/sms": {"get": {"summary": "SMS received, newest first; `sender` only for those who see restricted detail (each read audited)", "description": r(access::SMS_REVIEW),
            "parameters": [q("status", "string", "report | held | accepted | rejected"), q("limit", "integer", "default 500")],
            "responses": with("200", obj("{sms: [...]}"), &["401", "403", "422"])}},
        "/api/sms/{id}/accept": {"post": {"summary": "Accept a held SMS: it becomes a report (channel sms) in the triage queue", "description": r(access::SMS_REVIEW),
            "parameters": [id.clone()], "responses": with("200", obj("{id, status, report_id}"), &["401", "403", "404", "409"])}},
        "/api/sms/{id}/reject": {"post": {"summary": "Reject a held SMS with a note", "description": r(access::SMS_REVIEW), "parameters": [id.clone()],
            "requestBody": body("{note}"), "responses": with("200", obj("{id, status}"), &["401", "403", "404", "409", "422"])}},
        "/api/calls": {
            "get": {"summary": "The call log, newest first; `contact` (caller, callback number) only for those who see restricted detail (each read audited)", "description": r(access::CALLS),
                "parameters": [q("callbacks", "string", "`pending`: only promised callbacks not yet made"), q("limit", "integer", "default 200")],
                "responses": with("200", obj("{calls: [...]}"), &["401", "403", "422"])},
            "post": {"summary": "Log a call: started_at (RFC 3339, default now), duration_seconds, language, outcome (report | information_request | follow_up | hoax | wrong_number | other), town_id, focal_point_id, note, callback_promised, caller and callback_number (restricted). With outcome `report`: category, description, occurred_at, people_affected, reliability, credibility open a report with channel call_centre, stored with the call in one transaction",
                "description": r(access::CALLS), "requestBody": body("the call"), "responses": with("201", obj("{id, report_id}"), &["401", "403", "422"])}},
        "/api/calls/volumes": {"get": {"summary": "Call volumes over the last N days: by hour (UTC), day, language and outcome; median duration", "description": r(access::CALLS),
            "parameters": [q("days", "integer", "default 30")], "responses": with("200", obj("{days, volumes}"), &["401", "403", "422"])}},
        "/api/calls/{id}/callback-done": {"post": {"summary": "Mark a promised callback made", "description": r(access::CALLS), "parameters": [id.clone()],
            "responses": with("200", obj("{id, callback_done_at}"), &["401", "403", "404", "409"])}},
        "/api/networks": {
            "get": {"summary": "Early-warning networks: the places each covers, its focal points (contact only for those who see restricted detail, audited) and when each last reported", "description": r(access::NETWORKS_READ),
                "responses": with("200", obj("{networks: [...]}"), &["401", "403"])},
            "post": {"summary": "Add a network {name, organisation}", "description": r(access::NETWORKS_EDIT), "requestBody": body("{name, organisation}"),
                "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/networks/{id}/focal-points": {"post": {"summary": "Add a focal point {label, phone, full_name, notes, town_id}; phone, full name and notes are restricted detail", "description": r(access::NETWORKS_EDIT),
            "parameters": [id.clone()], "requestBody": body("the focal point"), "responses": with("201", obj("{id}"), &["401", "403", "404", "422"])}},
        "/api/networks/{id}/places": {"put": {"summary": "Set the gazetteer places a network covers {places: [geonameid, ...]}", "description": r(access::NETWORKS_EDIT),
            "parameters": [id], "requestBody": body("{places}"), "responses": with("200", obj("{id, places}"), &["401", "403", "404", "422"])}},
        "/api/networks/silent": {"get": {"summary": "Silent areas: covered places with no report (any channel, by the report's town) in the last N days; never heard from first, then the longest silent", "description": r(access::NETWORKS_READ),
            "parameters": [q("days", "integer", "default 14")], "responses": with("200", obj("{days, silent: [{place_id, name, networks, last_report, days_silent}]}"), &["401", "403", "422"])}},
    })
}
