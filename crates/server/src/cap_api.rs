//! The public CAP routes (`/cap/{id}.xml`, `/cap/alerts.atom`) and the rules in
//! force. Request parsing and responses only; the documents come from
//! [`vigil_app::alerts`].

use crate::access::ALERTS as READ;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::webhooks;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use vigil_app::alerts;

/// The public CAP routes, and `/alerts/{id}`, which older CAP documents gave as
/// `<web>` (it sends the reader to the alert's page in the UI).
pub fn routes() -> Router<AppState> {
    Router::new().route("/cap/{file}", get(cap_file)).route("/alerts/{id}", get(alert_page))
}

/// GET /alerts/{id}: a redirect to the UI's page of the alert, `/#/alert/{id}`.
pub async fn alert_page(Path(id): Path<u64>) -> impl IntoResponse {
    axum::response::Redirect::to(&format!("/#/alert/{id}"))
}

/// The rules and webhook routes under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/rules", get(rules_in_force))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
}

/// GET /api/rules: the rules in force.
pub async fn rules_in_force(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read alert rules")?;
    Ok(Json(st.alerting.rules()))
}

/// GET /cap/{id}.xml (the alert's latest CAP message; drafts are not published: 404)
/// and GET /cap/alerts.atom (issued, unexpired alerts). Public with CAP scope
/// Public; a token is needed with scope Restricted (see [`crate::cap_access`]).
pub async fn cap_file(
    State(st): State<AppState>,
    _reader: crate::cap_access::CapReader,
    Path(file): Path<String>,
) -> ApiResult<impl IntoResponse> {
    if file == "alerts.atom" {
        let xml = alerts::atom_feed(&st).await?;
        return Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml));
    }
    let not_found = || ApiError::not_found(format!("no published alert at /cap/{file}"));
    let id: i64 = file.strip_suffix(".xml").and_then(|n| n.parse().ok()).ok_or_else(not_found)?;
    let xml = alerts::cap_xml(&st, id).await?.ok_or_else(not_found)?;
    Ok(([(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")], xml))
}
