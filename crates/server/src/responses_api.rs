//! Response routes: recording and correcting responses to alerts, and the response
//! dashboard. Request parsing and responses only; the use cases are in
//! [`vigil_app::responses`] and [`vigil_app::dashboard`].

use crate::access::{ALERTS as READ, RECORD_RESPONSE};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use vigil_model::vocab::{self, RESPONSE_ACTIONS};
use vigil_store::alerts::NewResponse;

/// The response routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts/{id}/responses", post(create_response))
        .route("/responses/dashboard", get(dashboard))
        .route("/responses/{id}", patch(update_response))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

const TIMES: [&str; 4] = ["requested_at", "dispatched_at", "on_scene_at", "completed_at"];

/// Read the timing fields present in `f` over `base`, and check their order.
fn read_times(f: &Fields, base: [Option<String>; 4], now: DateTime<Utc>) -> ApiResult<[Option<String>; 4]> {
    let mut out = base;
    for (i, name) in TIMES.iter().enumerate() {
        if let Some(s) = f.str_opt(name, 40)? {
            let t = parse_time(&s)
                .ok_or_else(|| ApiError::field(*name, "must be an RFC 3339 time, e.g. 2024-03-02T14:30:00Z"))?;
            if t > now + chrono::Duration::minutes(5) {
                return Err(ApiError::field_code(*name, "in_future", serde_json::Value::Null, "is in the future"));
            }
            out[i] = Some(stamp(t));
        }
    }
    let mut last: Option<(usize, DateTime<Utc>)> = None;
    for (i, t) in out.iter().enumerate() {
        let Some(t) = t.as_deref().and_then(parse_time) else { continue };
        if let Some((j, prev)) = last {
            if t < prev {
                return Err(ApiError::field(TIMES[i], format!("must not be before {}", TIMES[j])));
            }
        }
        last = Some((i, t));
    }
    Ok(out)
}

fn read_action(f: &Fields, required: bool) -> ApiResult<Option<String>> {
    let a = if required { Some(f.str_req("action", 40)?) } else { f.str_opt("action", 40)? };
    if let Some(a) = &a {
        if !vocab::is_code(RESPONSE_ACTIONS, a) {
            return Err(ApiError::field("action", format!("must be one of {}", vocab::codes(RESPONSE_ACTIONS).join(", "))));
        }
    }
    Ok(a)
}

const RESPONSE_FIELDS: &[&str] =
    &["responder", "action", "requested_at", "dispatched_at", "on_scene_at", "completed_at", "outcome"];

/// POST /api/alerts/{id}/responses
pub async fn create_response(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&RECORD_RESPONSE, "record responses")?;
    let f = Fields::from_json(&body)?;
    f.only(RESPONSE_FIELDS)?;
    let responder = f.str_req("responder", 200)?;
    let action = read_action(&f, true)?.expect("required");
    let outcome = f.str_opt("outcome", 4000)?;
    let now = st.alerting.now();
    let [requested_at, dispatched_at, on_scene_at, completed_at] =
        read_times(&f, [Some(stamp(now)), None, None, None], now)?;
    let new = NewResponse {
        alert_id: id,
        responder,
        action,
        requested_at: requested_at.expect("defaulted"),
        dispatched_at,
        on_scene_at,
        completed_at,
        outcome,
    };
    let r = vigil_app::responses::record_response(&st, &auth.user.name, &new).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/responses/{}", r.id))], Json(r)))
}

/// PATCH /api/responses/{id}: timings, outcome, responder, action; null clears a
/// later time or the outcome.
pub async fn update_response(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&RECORD_RESPONSE, "record responses")?;
    let f = Fields::from_json(&body)?;
    f.only(RESPONSE_FIELDS)?;
    let mut r = st.store.response(id).await?.ok_or_else(|| ApiError::not_found(format!("response {id} not found")))?;
    if let Some(x) = f.str_opt("responder", 200)? {
        r.responder = x;
    }
    if let Some(a) = read_action(&f, false)? {
        r.action = a;
    }
    if let Some(o) = f.str_opt("outcome", 4000)? {
        r.outcome = Some(o);
    }
    // null (or blank) clears a time entered by mistake or the outcome; the request
    // time is what the response is measured from, so it stays
    if f.is_cleared("requested_at") {
        return Err(ApiError::field("requested_at", "cannot be cleared; correct it instead"));
    }
    if f.is_cleared("outcome") {
        r.outcome = None;
    }
    for (name, slot) in
        [("dispatched_at", &mut r.dispatched_at), ("on_scene_at", &mut r.on_scene_at), ("completed_at", &mut r.completed_at)]
    {
        if f.is_cleared(name) {
            *slot = None;
        }
    }
    let [requested_at, dispatched_at, on_scene_at, completed_at] = read_times(
        &f,
        [Some(r.requested_at.clone()), r.dispatched_at.clone(), r.on_scene_at.clone(), r.completed_at.clone()],
        st.alerting.now(),
    )?;
    r.requested_at = requested_at.expect("kept");
    r.dispatched_at = dispatched_at;
    r.on_scene_at = on_scene_at;
    r.completed_at = completed_at;
    let r = vigil_app::responses::update_response(&st, &auth.user.name, &r).await?;
    Ok(Json(r))
}

/// GET /api/responses/dashboard?hours=N&level=1|2: for issued alerts, time from issue
/// to acknowledgement and to the first dispatched response (medians in minutes,
/// overall, by admin area and by month of issue), and the alerts that had no
/// response N hours (default 24) after they were issued.
pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read the response dashboard")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["hours", "level"])?;
    let hours = f.i64_opt("hours", 1, 24 * 365)?.unwrap_or(24);
    let level = f.i64_opt("level", 1, 2)?.unwrap_or(1);
    Ok(Json(vigil_app::dashboard::dashboard(&st, hours, level).await?))
}
