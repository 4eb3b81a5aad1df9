//! Report intake (JSON or multipart form with an attachment) and triage: the queue
//! with suggested duplicates, verify, merge, discard.
//!
//! Validation happens here, field by field, before anything is stored, so a bad
//! report gets a 422 naming its field and leaves no trace; a good one is stored in
//! one transaction and acknowledged with 201 only after commit.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{Map, Value};
use std::collections::HashMap;
use vigil_model::{vocab, ViolenceType};
use vigil_store::accounts::{Role, TokenKind};
use vigil_store::reports::{
    Coding, NewAttachment, NewReport, Report, ReportQuery, RestrictedDetail,
};

/// Who may submit reports.
pub use crate::access::SUBMIT_REPORT as SUBMIT;
/// Who may read reports (reporters: only their own).
pub use crate::access::REPORT_PAGE as READ;
/// Who may triage.
pub use crate::access::TRIAGE;

const REPORT_FIELDS: &[&str] = &[
    "category",
    "occurred_at",
    "place_name",
    "latitude",
    "longitude",
    "town_id",
    "people_affected",
    "description",
    "reliability",
    "credibility",
    "language",
    "channel",
    "restricted",
];
const RESTRICTED_FIELDS: &[&str] = &["victims", "witnesses", "contacts"];
/// Largest accepted report body (attachments included).
pub const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

/// `occurred_at` → the day it names. Dates in the future (beyond a day's clock
/// skew) are refused.
fn occurred_date(s: &str) -> ApiResult<chrono::NaiveDate> {
    let day = if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        d
    } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        t.with_timezone(&chrono::Utc).date_naive()
    } else {
        return Err(ApiError::field("occurred_at", "must be a date YYYY-MM-DD or an RFC 3339 time"));
    };
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    if day > tomorrow {
        return Err(ApiError::field("occurred_at", "is in the future"));
    }
    if day < chrono::NaiveDate::from_ymd_opt(1989, 1, 1).expect("valid date") {
        return Err(ApiError::field("occurred_at", "is before 1989"));
    }
    Ok(day)
}

/// Validate a report's fields into a [`NewReport`] (without body and attachments).
fn parse_report(f: &Fields, auth: &Auth) -> ApiResult<NewReport> {
    f.only(REPORT_FIELDS)?;
    let category = f.str_req("category", 60)?;
    if !vocab::is_code(vocab::CATEGORIES, &category) {
        let codes = vocab::codes(vocab::CATEGORIES);
        return Err(ApiError::field("category", format!("unknown category `{category}`; one of {}", codes.join(", "))));
    }
    let occurred_at = f.str_req("occurred_at", 40)?;
    let day = occurred_date(&occurred_at)?;
    let place_name = f.str_opt("place_name", 200)?;
    let (latitude, longitude) = f.point_opt()?;
    let town_id = f.i64_opt("town_id", 1, i64::MAX)?;
    let people_affected = f.i64_opt("people_affected", 0, 10_000_000)?;
    let description = f.str_req("description", 20_000)?;
    let reliability = f.str_req("reliability", 1)?.to_uppercase();
    if !("A"..="F").contains(&reliability.as_str()) {
        return Err(ApiError::field("reliability", "must be a letter A to F (Admiralty source reliability)"));
    }
    let credibility = f
        .i64_opt("credibility", 1, 6)
        .map_err(|_| {
            ApiError::field("credibility", "must be a whole number 1 to 6 (Admiralty information credibility)")
        })?
        .ok_or_else(|| ApiError::field("credibility", "is required"))?;
    let language = f.str_opt("language", 2)?;
    if let Some(l) = &language {
        if l != "fr" && l != "en" {
            return Err(ApiError::field("language", "must be fr or en"));
        }
    }
    let channel = match f.str_opt("channel", 20)? {
        Some(c) if vocab::is_code(vocab::CHANNELS, &c) => c,
        Some(c) => {
            let codes = vocab::codes(vocab::CHANNELS);
            return Err(ApiError::field("channel", format!("unknown channel `{c}`; one of {}", codes.join(", "))));
        }
        None if auth.via == TokenKind::Cookie => "web".into(),
        None => "api".into(),
    };
    let restricted = match f.object_opt("restricted")? {
        None => RestrictedDetail::default(),
        Some(r) => {
            r.only(RESTRICTED_FIELDS)?;
            RestrictedDetail {
                victims: r.str_opt("victims", 20_000)?,
                witnesses: r.str_opt("witnesses", 20_000)?,
                contacts: r.str_opt("contacts", 20_000)?,
            }
        }
    };
    Ok(NewReport {
        channel,
        category,
        occurred_at,
        occurred_date: day,
        place_name,
        latitude,
        longitude,
        town_id,
        people_affected,
        description,
        reliability,
        credibility,
        language,
        restricted,
        content_type: String::new(),
        raw_body: vec![],
        attachments: vec![],
    })
}

/// Read a multipart form: text fields into a map (restricted ones, named
/// `victims` or `restricted.victims`, into a nested object) and `attachment` files.
async fn read_multipart(headers: &HeaderMap, body: Bytes) -> ApiResult<(Fields, Vec<NewAttachment>)> {
    let mut req = Request::new(Body::from(body));
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        req.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
    }
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::field("body", format!("is not a valid multipart form ({e})")))?;
    let mut map = Map::new();
    let mut restricted = Map::new();
    let mut files = vec![];
    while let Some(field) =
        mp.next_field().await.map_err(|e| ApiError::field("body", format!("is not a valid multipart form ({e})")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "attachment" {
            let filename = field.file_name().map(str::to_string);
            let content_type = field.content_type().map(str::to_string);
            let bytes =
                field.bytes().await.map_err(|e| ApiError::field("attachment", format!("could not be read ({e})")))?;
            if !bytes.is_empty() || filename.as_deref().is_some_and(|f| !f.is_empty()) {
                files.push(NewAttachment { filename, content_type, bytes: bytes.to_vec() });
            }
            continue;
        }
        if field.file_name().is_some() {
            return Err(ApiError::field(name, "files are accepted only in the `attachment` field"));
        }
        let text = field.text().await.map_err(|e| ApiError::field(name.clone(), format!("is not text ({e})")))?;
        let key = name.strip_prefix("restricted.").unwrap_or(&name);
        if RESTRICTED_FIELDS.contains(&key) {
            restricted.insert(key.to_string(), Value::String(text));
        } else if name == "csrf_token" {
            // forms may carry it; the header is what is checked
        } else {
            map.insert(name, Value::String(text));
        }
    }
    if !restricted.is_empty() {
        map.insert("restricted".into(), Value::Object(restricted));
    }
    Ok((Fields::new(map), files))
}

/// The JSON of a report for this caller: restricted detail only for those who see it.
fn report_json(r: &Report, auth: &Auth) -> Value {
    let mut v = serde_json::to_value(r).expect("report serialises");
    if !auth.sees_restricted() {
        if let Some(o) = v.as_object_mut() {
            o.remove("restricted");
        }
    }
    v
}

/// POST /api/reports
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&SUBMIT, "submit reports")?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let (fields, files) = match essence.as_str() {
        "application/json" => (Fields::from_json(&body)?, vec![]),
        "multipart/form-data" => read_multipart(&headers, body.clone()).await?,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send application/json or multipart/form-data",
            ))
        }
    };
    let mut new = parse_report(&fields, &auth)?;
    new.content_type = ct;
    new.raw_body = body.to_vec();
    new.attachments = files;
    let report = vigil_app::reports::submit_report(&st, &auth.user, new).await?;
    let location = format!("/api/reports/{}", report.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(report_json(&report, &auth))))
}

/// GET /api/reports?status=&limit=
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read reports")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["status", "limit"])?;
    let status = f.str_opt("status", 20)?;
    if let Some(s) = &status {
        if !vocab::is_code(vocab::REPORT_STATUSES, s) {
            let codes = vocab::codes(vocab::REPORT_STATUSES);
            return Err(ApiError::field("status", format!("must be one of {}", codes.join(", "))));
        }
    }
    let limit = f.i64_opt("limit", 1, 5000)?;
    let own = auth.role() == Role::Reporter;
    let query = ReportQuery { status, reporter_id: own.then_some(auth.user.id), limit };
    let reports = st.store.reports(&query, auth.sees_restricted()).await?;
    let mut out = Vec::with_capacity(reports.len());
    for r in &reports {
        let mut v = report_json(r, &auth);
        // reporters get no pointers to other people's reports or to incidents
        let dups = if !own && r.status == "new" { st.store.suggest_duplicates(r).await? } else { vec![] };
        v["suggested_duplicates"] = serde_json::to_value(dups).expect("suggestions serialise");
        out.push(v);
    }
    Ok(Json(out))
}

/// Load a report the caller may see.
async fn visible_report(st: &AppState, auth: &Auth, id: i64) -> ApiResult<Report> {
    auth.require(&READ, "read reports")?;
    let r = st
        .store
        .report(id, auth.sees_restricted())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("report {id} not found")))?;
    if auth.role() == Role::Reporter && r.reporter_id != auth.user.id {
        return Err(ApiError::forbidden("reporters may read only their own reports"));
    }
    Ok(r)
}

/// GET /api/reports/{id}
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    let r = visible_report(&st, &auth, id).await?;
    let mut v = report_json(&r, &auth);
    let dups = if auth.role() != Role::Reporter && r.status == "new" {
        st.store.suggest_duplicates(&r).await?
    } else {
        vec![]
    };
    v["suggested_duplicates"] = serde_json::to_value(dups).expect("suggestions serialise");
    Ok(Json(v))
}

/// GET /api/reports/{id}/raw: the body exactly as received (it carries restricted
/// detail, so human-rights officers and admins only).
pub async fn raw(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&crate::access::RESTRICTED, "read a report's raw body")?;
    let (ct, body) =
        st.store.report_raw(id).await?.ok_or_else(|| ApiError::not_found(format!("report {id} not found")))?;
    let ct = if ct.is_empty() { "application/octet-stream".to_string() } else { ct };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"report-{id}.raw\"")),
        ],
        body,
    ))
}

/// POST /api/reports/{id}/verify
pub async fn verify(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&TRIAGE, "verify reports")?;
    let f = Fields::from_json(&body)?;
    f.only(&[
        "type_of_violence",
        "event_type",
        "category",
        "side_a",
        "side_b",
        "best",
        "low",
        "high",
        "date_prec",
        "where_prec",
        "latitude",
        "longitude",
        "place",
        "date_start",
        "date_end",
        "country",
        "sensitivity",
    ])?;
    let tov = f.i64_req("type_of_violence", 1, 3)?;
    let event_type = f.str_req("event_type", 100)?;
    let category = f.str_opt("category", 60)?;
    if let Some(c) = &category {
        if !vocab::is_code(vocab::CATEGORIES, c) {
            return Err(ApiError::field("category", format!("unknown category `{c}`")));
        }
    }
    let side_a = f.str_req("side_a", 200)?;
    let side_b = f.str_req("side_b", 200)?;
    let best = f.i64_req("best", 0, 1_000_000)?;
    let low = f.i64_opt("low", 0, 1_000_000)?.unwrap_or(best);
    let high = f.i64_opt("high", 0, 1_000_000)?.unwrap_or(best);
    if low > best {
        return Err(ApiError::field("low", "must not exceed best"));
    }
    if high < best {
        return Err(ApiError::field("high", "must not be below best"));
    }
    let (latitude, longitude) = f.point_opt()?;
    let sensitivity = f.str_opt("sensitivity", 20)?;
    if let Some(s) = &sensitivity {
        if !vocab::is_code(vocab::SENSITIVITIES, s) {
            return Err(ApiError::field("sensitivity", "must be public, restricted or confidential"));
        }
    }
    let coding = Coding {
        type_of_violence: ViolenceType::from_code(tov),
        event_type,
        category,
        side_a,
        side_b,
        best,
        low,
        high,
        date_prec: f.i64_opt("date_prec", 1, 5)?,
        where_prec: f.i64_opt("where_prec", 1, 7)?,
        latitude,
        longitude,
        place: f.str_opt("place", 200)?,
        date_start: f.date_opt("date_start")?,
        date_end: f.date_opt("date_end")?,
        country: f.str_opt("country", 100)?,
        sensitivity,
    };
    let incident_id = vigil_app::reports::verify_report(&st, &auth.user, id, &coding).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/incidents/{incident_id}"))],
        Json(serde_json::json!({"report_id": id, "status": "verified", "incident_id": incident_id})),
    ))
}

/// POST /api/reports/{id}/merge
pub async fn merge(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&TRIAGE, "merge reports")?;
    let f = Fields::from_json(&body)?;
    f.only(&["incident_id"])?;
    let incident_id = f.i64_req("incident_id", 1, i64::MAX)?;
    vigil_app::reports::merge_report(&st, &auth.user, id, incident_id).await?;
    Ok(Json(serde_json::json!({"report_id": id, "status": "merged", "incident_id": incident_id})))
}

/// POST /api/reports/{id}/discard
pub async fn discard(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&TRIAGE, "discard reports")?;
    let f = Fields::from_json(&body)?;
    f.only(&["reason"])?;
    let reason = f.str_req("reason", 2000)?;
    vigil_app::reports::discard_report(&st, &auth.user, id, &reason).await?;
    Ok(Json(serde_json::json!({"report_id": id, "status": "discarded", "reason": reason})))
}

/// GET /api/categories: report categories with English and French labels.
pub async fn categories(_auth: Auth) -> impl IntoResponse {
    let list: Vec<Value> =
        vocab::CATEGORIES.iter().map(|t| serde_json::json!({"code": t.code, "en": t.en, "fr": t.fr})).collect();
    Json(list)
}

/// GET /api/vocabulary: every coded value with its English and French label, and
/// which roles may use which part (the lists the server itself checks). No login:
/// the login page and the report form need the labels.
pub async fn vocabulary() -> impl IntoResponse {
    Json(vocab::VOCABULARY)
}
