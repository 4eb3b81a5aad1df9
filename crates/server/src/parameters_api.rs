//! The four parameters and the periodic report (issue #20): the dashboard, the
//! report's figures (HTML, JSON, a table as CSV), milestones, manual values and
//! statuses. Request parsing and responses only; the use cases are in
//! [`vigil_app::parameters`].
//!
//! Roles (`vocab::parameters::access`): planners, admins (leadership), analysts and
//! human-rights officers read; planners and admins set statuses, enter manual values
//! and record milestones. Human-rights figures are the suppressed aggregates of
//! `vigil_rights::note`; no case, victim or witness is ever read here. Incidents are
//! counted as far as the caller may see them.

use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
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
use vigil_app::parameters as pm;
use vigil_model::vocab::parameters::access;
use vigil_parameters::{ManualValue, Quarter};
use vigil_store::accounts::Role;

fn roles(codes: &[&str]) -> Vec<Role> {
    codes
        .iter()
        .map(|c| Role::parse(c).unwrap_or_else(|| panic!("access list names unknown role {c}")))
        .collect()
}

/// Read the dashboard, the report, milestones and manual values.
pub static READ: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::READ));
/// Set statuses, enter manual values, record milestones.
pub static EDIT: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::EDIT));

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parameters", get(dashboard))
        .route("/parameters/report", get(report))
        .route(
            "/parameters/milestones",
            get(list_milestones).post(create_milestone),
        )
        .route("/parameters/milestones/{id}", post(update_milestone))
        .route("/parameters/manual", get(list_manual).post(create_manual))
        .route("/parameters/status", post(set_status))
}

fn body_json(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::field("body", "is empty; send a JSON object"));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::field("body", format!("is not valid JSON ({e})")))
}

fn text<'a>(v: &'a Value, k: &str) -> ApiResult<&'a str> {
    v.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::field(k, "required (text)"))
}

async fn quarter_of(st: &AppState, c: &Caller, q: &HashMap<String, String>) -> ApiResult<Quarter> {
    match q
        .get("quarter")
        .or_else(|| q.get("period"))
        .filter(|s| !s.is_empty())
    {
        Some(s) => s
            .parse::<Quarter>()
            .map_err(|e| ApiError::field("quarter", e.to_string())),
        None => Ok(pm::latest_quarter(
            &st.store,
            c.principal.visibility(),
            st.alerting.now().date_naive(),
        )
        .await?),
    }
}

/// GET /api/parameters?quarter=2022-Q4&trend=6
async fn dashboard(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    c.auth.require(&READ, "read the parameters' dashboard")?;
    let quarter = quarter_of(&st, &c, &q).await?;
    let trend = match q.get("trend").filter(|s| !s.is_empty()) {
        None => 6,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (2..=16).contains(n))
            .ok_or_else(|| ApiError::field("trend", "a whole number from 2 to 16"))?,
    };
    let v = pm::dashboard(
        &st.store,
        c.principal.visibility(),
        quarter,
        vigil_rights::DEFAULT_THRESHOLD,
        trend,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Json(v))
}

/// GET /api/parameters/report?quarter=2022-Q4&format=html|json|csv[&table=ID]
async fn report(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<axum::response::Response> {
    c.auth.require(&READ, "read the periodic report")?;
    let quarter = quarter_of(&st, &c, &q).await?;
    let r = pm::report(
        &st.store,
        c.principal.visibility(),
        quarter,
        vigil_rights::DEFAULT_THRESHOLD,
        chrono::Utc::now(),
    )
    .await?;
    let name = format!("vigil-figures-{quarter}");
    let attach = |ext: &str| format!("attachment; filename=\"{name}{ext}\"");
    Ok(match q.get("format").map_or("html", String::as_str) {
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8".to_string())],
            vigil_parameters::report::html(&r),
        )
            .into_response(),
        "json" => (
            [(header::CONTENT_DISPOSITION, attach(".json"))],
            Json(pm::report_json(&r)),
        )
            .into_response(),
        "csv" => {
            let table = q.get("table").map_or("figures", String::as_str);
            let body = if table == "figures" {
                vigil_parameters::report::figures_csv(&r.figures)
            } else {
                let t = r.tables.iter().find(|t| t.id == table).ok_or_else(|| {
                    ApiError::field(
                        "table",
                        format!(
                            "figures or one of {}",
                            r.tables
                                .iter()
                                .map(|t| t.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?;
                vigil_parameters::report::table_csv(t)
            };
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}-{table}.csv\""),
                    ),
                ],
                body,
            )
                .into_response()
        }
        _ => return Err(ApiError::field("format", "html, json or csv")),
    })
}

/// GET /api/parameters/milestones
async fn list_milestones(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read milestones")?;
    Ok(Json(
        json!({"milestones": pm::milestones(&st.store).await?}),
    ))
}

/// POST /api/parameters/milestones
async fn create_milestone(
    State(st): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&EDIT, "record milestones")?;
    let m = pm::milestone_from_json(0, &body_json(&body)?)?;
    let id = pm::add_milestone(&st.store, &auth.user.name, &m).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

/// POST /api/parameters/milestones/{id}: the whole milestone as changed.
async fn update_milestone(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&EDIT, "change milestones")?;
    let m = pm::milestone_from_json(id, &body_json(&body)?)?;
    pm::update_milestone(&st.store, &auth.user.name, &m).await?;
    Ok(Json(json!({"id": id})))
}

/// GET /api/parameters/manual
async fn list_manual(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read manual values")?;
    let rows: Vec<Value> = pm::manual_values(&st.store)
        .await?
        .into_iter()
        .map(|(r, _)| json!({"id": r.id, "indicator": r.indicator, "as_of": r.as_of, "value": r.value, "evidence": r.evidence, "synthetic": r.synthetic, "entered_by": r.entered_by, "entered_at": r.entered_at}))
        .collect();
    Ok(Json(json!({"values": rows})))
}

/// POST /api/parameters/manual {indicator, as_of, value, evidence}: refused without evidence.
async fn create_manual(
    State(st): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&EDIT, "enter manual values")?;
    let v = body_json(&body)?;
    let as_of = text(&v, "as_of")?;
    let value = ManualValue {
        indicator: text(&v, "indicator")?.to_string(),
        as_of: as_of
            .parse()
            .map_err(|_| ApiError::field("as_of", format!("`{as_of}` is not YYYY-MM-DD")))?,
        value: v
            .get("value")
            .and_then(Value::as_f64)
            .ok_or_else(|| ApiError::field("value", "required (a number)"))?,
        evidence: v
            .get("evidence")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        synthetic: false,
    };
    let id = pm::add_manual_value(&st.store, &auth.user.name, &value).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

/// POST /api/parameters/status {indicator, period, status, reason}
async fn set_status(
    State(st): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&EDIT, "set an indicator's status")?;
    let v = body_json(&body)?;
    let reason = v.get("reason").and_then(Value::as_str).unwrap_or_default();
    let id = pm::set_status(
        &st.store,
        &auth.user.name,
        text(&v, "indicator")?,
        text(&v, "period")?,
        text(&v, "status")?,
        reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

/// The OpenAPI paths of these routes.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let read = format!(
        "Roles: {}. Human-rights figures are suppressed aggregates only.",
        access::READ.join(", ")
    );
    let edit = format!("Roles: {}. Audited.", access::EDIT.join(", "));
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let body = |d: &str| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "description": d}}}});
    let q = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": d});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    json!({
        "/api/parameters": {"get": {"summary": "The four parameters' dashboard: each indicator's value for the quarter, previous value and change, baseline, target, status (set, with who and why, or suggested), status history, the records behind it (a UI link), the trend by quarter; milestones of (a) and (b); what changed since the previous quarter; the report's figures and tables (the same numbers as the report)",
            "description": read, "parameters": [q("quarter", "YYYY-QN; default: the latest quarter with records"), q("trend", "quarters in the trend, 2 to 16 (default 6)")],
            "responses": with("200", obj("{period, previous, year_before, quarters, parameters, changed, figures, tables}"), &["401", "403", "422"])}},
        "/api/parameters/report": {"get": {"summary": "The figures section of the periodic report for a quarter: format=html (self-contained, inline SVG charts, print to PDF), json (every figure with its definition and query), csv (table=figures or a table id)",
            "description": read, "parameters": [q("quarter", "YYYY-QN"), q("format", "html (default) | json | csv"), q("table", "with csv: figures (default) or a table id")],
            "responses": with("200", obj("the report"), &["401", "403", "422"])}},
        "/api/parameters/milestones": {
            "get": {"summary": "Milestones of (a) the transition and (b) the Agreement: planned and actual date, status, sources, quantity, provenance (review or synthetic)", "description": read, "responses": with("200", obj("{milestones}"), &["401", "403"])},
            "post": {"summary": "Record a milestone {parameter: a|b, title, planned_date, actual_date, status: planned|achieved|delayed|cancelled, sources, quantity, provenance: review|synthetic}", "description": edit, "requestBody": body("the milestone"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/parameters/milestones/{id}": {"post": {"summary": "Change a milestone (the whole milestone as changed; the audit entry keeps before and after)", "description": edit, "parameters": [id],
            "requestBody": body("the milestone"), "responses": with("200", obj("{id}"), &["401", "403", "404", "422"])}},
        "/api/parameters/manual": {
            "get": {"summary": "Manual indicator values with their evidence, who entered them and when", "description": read, "responses": with("200", obj("{values}"), &["401", "403"])},
            "post": {"summary": "Enter a manual value {indicator, as_of, value, evidence}; a value without evidence, or for a computed indicator, is refused (422 naming the field)", "description": edit, "requestBody": body("the value"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/parameters/status": {"post": {"summary": "Set an indicator's status for a period {indicator, period: YYYY-QN, status: on_track|at_risk|off_track, reason}; the reason is required", "description": edit,
            "requestBody": body("the status"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}}
    })
}
