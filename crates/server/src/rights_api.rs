//! Human-rights cases, special investigations and the HRDDP under `/api/cases`,
//! `/api/investigations` and `/api/hrddp`. Use cases in [`vigil_app::rights`].
//!
//! Who may call what (the vocabulary's `rights.access_*` lists, served to the UI):
//! cases, investigations, assessments and decisions: callers who read restricted
//! detail (hr_officer, or an account with the explicit grant); the suppressed
//! aggregates and the quarterly note: `AGGREGATES` (analyst, hr_officer, planner,
//! admin); the HRDDP register's counts: `HRDDP_REGISTER` (its requests and
//! assessments only for human-rights officers).

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::LazyLock;
use vigil_app::rights;
use vigil_model::vocab::rights::access;
use vigil_rights::Quarter;
use vigil_store::accounts::Role;

fn roles(codes: &[&str]) -> Vec<Role> {
    codes.iter().map(|c| Role::parse(c).unwrap_or_else(|| panic!("access list names unknown role {c}"))).collect()
}

/// Suppressed aggregates and the quarterly note.
pub static AGGREGATES: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::AGGREGATES));
/// The HRDDP register's counts.
pub static HRDDP_REGISTER: LazyLock<Vec<Role>> = LazyLock::new(|| roles(access::HRDDP_REGISTER));

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list_cases).post(create_case))
        .route("/cases/aggregates", get(aggregates))
        .route("/cases/note", get(note_html))
        .route("/cases/note.csv", get(note_csv))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/status", axum::routing::post(set_status))
        .route("/cases/{id}/restricted", axum::routing::post(add_restricted))
        .route("/investigations", get(list_investigations).post(create_investigation))
        .route("/investigations/{id}", get(get_investigation).post(update_investigation))
        .route("/hrddp", get(register))
        .route("/hrddp/requests", axum::routing::post(create_request))
        .route("/hrddp/requests/{id}/assessment", axum::routing::post(assess))
        .route("/hrddp/requests/{id}/decision", axum::routing::post(decide))
        .route("/hrddp/units/{unit}", get(unit_record))
}

/// 403 unless the caller reads restricted detail.
fn hr(c: &Caller, what: &str) -> ApiResult<()> {
    if c.principal.sees_restricted_detail() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "role {} may not {what} (human-rights officers, or an account granted restricted access; others see the aggregates)",
            c.auth.role()
        )))
    }
}

fn body<T: DeserializeOwned>(b: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(b).map_err(|e| ApiError::field("body", e.to_string()))
}

fn quarter(q: &HashMap<String, String>) -> ApiResult<Option<Quarter>> {
    q.get("quarter")
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<Quarter>().map_err(|e| ApiError::field("quarter", e.to_string())))
        .transpose()
}

/// A threshold may be raised, never lowered below the default.
fn threshold(q: &HashMap<String, String>) -> ApiResult<u32> {
    match q.get("threshold").filter(|s| !s.is_empty()) {
        None => Ok(vigil_rights::DEFAULT_THRESHOLD),
        Some(s) => match s.parse::<u32>() {
            Ok(t) if (vigil_rights::DEFAULT_THRESHOLD..=100).contains(&t) => Ok(t),
            _ => Err(ApiError::field(
                "threshold",
                format!("a whole number from {} to 100", vigil_rights::DEFAULT_THRESHOLD),
            )),
        },
    }
}

/// GET /api/cases
async fn list_cases(State(st): State<AppState>, c: Caller) -> ApiResult<impl IntoResponse> {
    hr(&c, "read cases")?;
    Ok(Json(json!({"cases": rights::cases(&st, &c.principal).await?})))
}

/// POST /api/cases
async fn create_case(State(st): State<AppState>, c: Caller, b: Bytes) -> ApiResult<impl IntoResponse> {
    hr(&c, "record cases")?;
    let n: rights::NewCase = body(&b)?;
    let (id, followups) = rights::record_case(&st, &c.principal, n).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": id, "followups": followups}))))
}

/// GET /api/cases/{id}: with its victims, witnesses and sources (audited read).
async fn get_case(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    hr(&c, "read cases")?;
    Ok(Json(rights::case(&st, &c.principal, id).await?))
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

/// POST /api/cases/{id}/status {"status": …}
async fn set_status(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Bytes,
) -> ApiResult<impl IntoResponse> {
    hr(&c, "change a case's status")?;
    let s: StatusBody = body(&b)?;
    rights::set_status(&st, &c.principal, id, &s.status).await?;
    Ok(Json(json!({"id": id, "status": s.status})))
}

/// POST /api/cases/{id}/restricted {"kind": victim|witness|source, "data": {…}}
async fn add_restricted(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Bytes,
) -> ApiResult<impl IntoResponse> {
    hr(&c, "add victims, witnesses or sources")?;
    let r = body(&b)?;
    let rid = rights::add_restricted(&st, &c.principal, id, r).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": rid}))))
}

/// GET /api/cases/aggregates?quarter=2022-Q3: suppressed counts only.
async fn aggregates(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    c.auth.require(&AGGREGATES, "read case aggregates")?;
    Ok(Json(rights::aggregates(&st.store, quarter(&q)?, threshold(&q)?).await?))
}

async fn note_parts(
    st: &AppState,
    q: &HashMap<String, String>,
) -> ApiResult<(vigil_rights::note::Note, std::collections::BTreeMap<String, String>)> {
    let qq = match quarter(q)? {
        Some(x) => x,
        None => rights::latest_quarter(&st.store).await?,
    };
    let n = rights::note(&st.store, qq, threshold(q)?).await?;
    let regions = st.store.area_names(1).await?.into_iter().collect();
    Ok((n, regions))
}

/// GET /api/cases/note?quarter=2022-Q3: the quarterly note as HTML.
async fn note_html(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    c.auth.require(&AGGREGATES, "read the quarterly note")?;
    let (n, regions) = note_parts(&st, &q).await?;
    let html = rights::note_html(&n, &regions, st.config.demo);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html))
}

/// GET /api/cases/note.csv?quarter=…&table=perpetrator_act|victims_act|victims_region|comparison
async fn note_csv(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    c.auth.require(&AGGREGATES, "read the quarterly note")?;
    let (n, regions) = note_parts(&st, &q).await?;
    let name = q.get("table").cloned().unwrap_or_else(|| "perpetrator_act".into());
    let Some(t) = n.tables.iter().find(|t| t.name == name) else {
        return Err(ApiError::field("table", "perpetrator_act, victims_act, victims_region or comparison"));
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"hr-note-{}-{name}.csv\"", n.quarter)),
        ],
        rights::note_csv(t, &regions),
    ))
}

/// GET /api/investigations
async fn list_investigations(State(st): State<AppState>, c: Caller) -> ApiResult<impl IntoResponse> {
    hr(&c, "read investigations")?;
    Ok(Json(
        json!({"investigations": st.store.investigations_for(&c.principal).await.map_err(vigil_app::AppError::from)?}),
    ))
}

/// POST /api/investigations
async fn create_investigation(State(st): State<AppState>, c: Caller, b: Bytes) -> ApiResult<impl IntoResponse> {
    hr(&c, "open investigations")?;
    let inv = body(&b)?;
    let id = rights::open_investigation(&st, &c.principal, inv).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": id}))))
}

/// GET /api/investigations/{id}: with its file (audited read); 404 also when limited to a team the caller is not in.
async fn get_investigation(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    hr(&c, "read investigations")?;
    let inv = st.store.investigation_for(&c.principal, id).await.map_err(vigil_app::AppError::from)?;
    inv.map(Json).ok_or_else(|| ApiError::not_found(format!("investigation {id} not found")))
}

#[derive(Deserialize)]
struct InvestigationUpdate {
    #[serde(default)]
    file: Option<vigil_store::rights::InvestigationFile>,
    #[serde(default)]
    missions: Vec<vigil_store::rights::Mission>,
    #[serde(default)]
    published_on: Option<String>,
}

/// POST /api/investigations/{id} {file?, missions?, published_on?}
async fn update_investigation(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Bytes,
) -> ApiResult<impl IntoResponse> {
    hr(&c, "update investigations")?;
    let u: InvestigationUpdate = body(&b)?;
    for m in &u.missions {
        if m.access != "granted" && m.access != "denied" {
            return Err(ApiError::field("missions.access", "granted or denied"));
        }
    }
    st.store
        .update_investigation(&c.principal, id, u.file.as_ref(), &u.missions, u.published_on.as_deref())
        .await
        .map_err(vigil_app::AppError::from)?;
    Ok(Json(json!({"id": id})))
}

/// GET /api/hrddp: the register (counts by month, decision and force; overdue measures);
/// requests, assessments and follow-ups for human-rights officers.
async fn register(State(st): State<AppState>, c: Caller) -> ApiResult<impl IntoResponse> {
    c.auth.require(&HRDDP_REGISTER, "read the HRDDP register")?;
    Ok(Json(rights::register(&st.store, &c.principal, chrono::Utc::now().date_naive()).await?))
}

/// POST /api/hrddp/requests {force, unit, support_type, description, requested_on}
async fn create_request(State(st): State<AppState>, c: Caller, b: Bytes) -> ApiResult<impl IntoResponse> {
    hr(&c, "record support requests")?;
    let r = body(&b)?;
    let id = rights::request_support(&st.store, &c.principal, r).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": id}))))
}

#[derive(Deserialize)]
struct AssessBody {
    risk_level: String,
    #[serde(default)]
    mitigations: Vec<vigil_rights::hrddp::Mitigation>,
}

/// POST /api/hrddp/requests/{id}/assessment {risk_level, mitigations: [{measure, owner, due}]}
async fn assess(State(st): State<AppState>, c: Caller, Path(id): Path<i64>, b: Bytes) -> ApiResult<impl IntoResponse> {
    hr(&c, "assess support requests")?;
    let a: AssessBody = body(&b)?;
    let aid = rights::assess(&st.store, &c.principal, id, &a.risk_level, a.mitigations).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": aid}))))
}

#[derive(Deserialize)]
struct DecideBody {
    decision: String,
}

/// POST /api/hrddp/requests/{id}/decision {decision}: 409 without an assessment.
async fn decide(State(st): State<AppState>, c: Caller, Path(id): Path<i64>, b: Bytes) -> ApiResult<impl IntoResponse> {
    hr(&c, "decide support requests")?;
    let d: DecideBody = body(&b)?;
    let status = rights::decide(&st.store, &c.principal, id, &d.decision, chrono::Utc::now().date_naive()).await?;
    Ok(Json(json!({"id": id, "status": status})))
}

/// GET /api/hrddp/units/{unit}: the unit's record in the cases and the risk it suggests.
async fn unit_record(State(st): State<AppState>, c: Caller, Path(unit): Path<String>) -> ApiResult<impl IntoResponse> {
    hr(&c, "read a unit's record")?;
    let (r, s) = rights::unit_record(&st.store, &unit, chrono::Utc::now().date_naive()).await?;
    Ok(Json(json!({"unit": unit, "record": r, "suggested_risk": s})))
}

/// The OpenAPI paths of these routes.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let hr = "Roles: hr_officer, or an account granted restricted access (every read of a restricted record is audited as read_restricted).";
    let agg = "Roles: analyst, hr_officer, planner, admin. Counts only: verified cases, cells below the threshold (default 3) shown as \"<3\", cells hidden so a total does not reveal one as \"*\".";
    let obj = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let q = json!({"name": "quarter", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"}, "description": "YYYY-QN (default: the quarter of the latest case)"});
    let t = json!({"name": "threshold", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 3}, "description": "suppress cells below this (default 3; never lower)"});
    let body = |d: &str| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "description": d}}}});
    json!({
        "/api/cases": {
            "get": {"summary": "Cases (coded fields: title, date, place, admin codes, perpetrator, unit, acts with victims by sex and age, status with who and when, links)", "description": hr,
                "responses": with("200", obj("{cases: [...]}"), &["401", "403"])},
            "post": {"summary": "Record a case: title, date, place, latitude/longitude (placed in admin areas like an incident), perpetrator, armed_group, unit, acts [{act_type, victims {man, woman, boy, girl, unknown}}], status (alleged | under_verification), reports and incidents it rests on, restricted [{kind: victim|witness|source, data}] (sealed at rest). A case against a unit whose HRDDP support was approved raises follow-ups.", "description": hr,
                "requestBody": body("the case"), "responses": with("201", obj("{id, followups}"), &["401", "403", "404", "422"])}},
        "/api/cases/{id}": {"get": {"summary": "One case with its victims, witnesses and sources, status history, evidence and investigations (audited read)", "description": hr,
            "parameters": [id.clone()], "responses": with("200", obj("{case, restricted, history, evidence, investigations}"), &["401", "403", "404"])}},
        "/api/cases/{id}/status": {"post": {"summary": "Verification step: alleged → under_verification → verified (reasonable grounds to believe) | not_verified; closed", "description": hr,
            "parameters": [id.clone()], "requestBody": body("{status}"), "responses": with("200", obj("{id, status}"), &["401", "403", "404", "409", "422"])}},
        "/api/cases/{id}/restricted": {"post": {"summary": "Add a victim, witness or source (sealed at rest)", "description": hr,
            "parameters": [id.clone()], "requestBody": body("{kind, data}"), "responses": with("201", obj("{id}"), &["401", "403", "404", "422"])}},
        "/api/cases/aggregates": {"get": {"summary": "Suppressed aggregates of a quarter: the quarterly note's tables (by perpetrator and act type, victims by act and by region by sex and age, against the previous quarter and the same quarter a year before)", "description": agg,
            "parameters": [q.clone(), t.clone()], "responses": with("200", obj("{note, regions}"), &["401", "403", "422"])}},
        "/api/cases/note": {"get": {"summary": "The quarterly note as an HTML page (tables and charts, no personal data)", "description": agg,
            "parameters": [q.clone(), t.clone()], "responses": with("200", json!({"description": "HTML", "content": {"text/html": {}}}), &["401", "403", "422"])}},
        "/api/cases/note.csv": {"get": {"summary": "One table of the quarterly note as CSV", "description": agg,
            "parameters": [q, t, {"name": "table", "in": "query", "schema": {"type": "string", "enum": ["perpetrator_act", "victims_act", "victims_region", "comparison"]}}],
            "responses": with("200", json!({"description": "CSV", "content": {"text/csv": {}}}), &["401", "403", "422"])}},
        "/api/investigations": {
            "get": {"summary": "Special investigations the caller may see (one limited to its team: its team only)", "description": hr, "responses": with("200", obj("{investigations: [...]}"), &["401", "403"])},
            "post": {"summary": "Open a special investigation: title, team, team_only, opened_on, case_ids, missions [{start_date, end_date, place, access: granted|denied}], file {terms_of_reference, findings, recommendations} (sealed at rest), published_on", "description": hr,
                "requestBody": body("the investigation"), "responses": with("201", obj("{id}"), &["401", "403", "404", "422"])}},
        "/api/investigations/{id}": {
            "get": {"summary": "One investigation with its file (audited read); 404 also to those outside a team-limited investigation", "description": hr, "parameters": [id.clone()], "responses": with("200", obj("the investigation"), &["401", "403", "404"])},
            "post": {"summary": "Update: file, new missions, publication date", "description": hr, "parameters": [id.clone()], "requestBody": body("{file?, missions?, published_on?}"), "responses": with("200", obj("{id}"), &["401", "403", "404", "422"])}},
        "/api/hrddp": {"get": {"summary": "The HRDDP register: assessments by month, decision and force; overdue mitigation measures; open follow-ups; with the requests and assessments for human-rights officers",
            "description": "Roles: hr_officer, planner, admin (requests and assessments: hr_officer or granted).", "responses": with("200", obj("{by_month, overdue, open_followups, requests?, followups?}"), &["401", "403"])}},
        "/api/hrddp/requests": {"post": {"summary": "A support request to a unit of a non-UN security force: force, unit, support_type (casevac, rations, fuel, transport, training, joint_operation, life_support), description, requested_on", "description": hr,
            "requestBody": body("the request"), "responses": with("201", obj("{id}"), &["401", "403", "422"])}},
        "/api/hrddp/requests/{id}/assessment": {"post": {"summary": "The risk assessment: the unit's record is read from the cases; risk_level (low, medium, high), mitigations [{measure, owner, due}]", "description": hr,
            "parameters": [id.clone()], "requestBody": body("{risk_level, mitigations}"), "responses": with("201", obj("{id}"), &["401", "403", "404", "409", "422"])}},
        "/api/hrddp/requests/{id}/decision": {"post": {"summary": "Decide: support, support_with_mitigation (needs measures) or decline; 409 without an assessment or while the assessment is marked for review", "description": hr,
            "parameters": [id], "requestBody": body("{decision}"), "responses": with("200", obj("{id, status}"), &["401", "403", "404", "409", "422"])}},
        "/api/hrddp/units/{unit}": {"get": {"summary": "A unit's record in the cases (cases, verified, pending, grave violations against children, last case, last 12 months) and the risk it suggests", "description": hr,
            "parameters": [{"name": "unit", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": with("200", obj("{unit, record, suggested_risk}"), &["401", "403"])}},
    })
}
