//! Report intake (JSON or multipart form with an attachment) and triage: the queue
//! with suggested duplicates, verify, merge, discard.
//!
//! Validation happens here, field by field, before anything is stored, so a bad
//! report gets a 422 naming its field and leaves no trace; a good one is stored in
//! one transaction and acknowledged with 201 only after commit.

use crate::auth::Auth;
use crate::caller::Caller;
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
use vigil_store::report_client_id::Submitted;
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
    "client_id",
];
const RESTRICTED_FIELDS: &[&str] = &["victims", "witnesses", "contacts"];
/// Largest accepted report body (attachments included).
pub const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

/// `occurred_at` → the day it names. Dates after the server's `today` (beyond a
/// day's clock skew) are refused.
fn occurred_date(s: &str, today: chrono::NaiveDate) -> ApiResult<chrono::NaiveDate> {
    let day = if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        d
    } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        t.with_timezone(&chrono::Utc).date_naive()
    } else {
        return Err(ApiError::field("occurred_at", "must be a date YYYY-MM-DD or an RFC 3339 time"));
    };
    let tomorrow = today + chrono::Duration::days(1);
    if day > tomorrow {
        return Err(ApiError::field_code("occurred_at", "in_future", serde_json::Value::Null, "is in the future"));
    }
    if day < chrono::NaiveDate::from_ymd_opt(1989, 1, 1).expect("valid date") {
        return Err(ApiError::field("occurred_at", "is before 1989"));
    }
    Ok(day)
}

/// The Admiralty source reliability letter, `A`–`F`: exactly one ASCII letter after
/// trimming (either case), so no Unicode case mapping (`ẚ` upper-cases to `Aʾ`) can
/// slip another string in.
fn admiralty_reliability(s: &str) -> Option<String> {
    match s.trim().as_bytes() {
        [c @ (b'A'..=b'F' | b'a'..=b'f')] => Some(char::from(c.to_ascii_uppercase()).to_string()),
        _ => None,
    }
}

/// The Admiralty information credibility, 1–6: a JSON integer, or a string of exactly
/// one ASCII digit after trimming (form fields are strings; `+3` or `03` are not).
fn admiralty_credibility(v: Option<&Value>) -> Option<i64> {
    let n = match v? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => match s.trim().as_bytes() {
            [d @ b'0'..=b'9'] => i64::from(d - b'0'),
            _ => return None,
        },
        _ => return None,
    };
    (1..=6).contains(&n).then_some(n)
}

/// Validate a report's fields into a [`NewReport`] (without body and attachments).
fn parse_report(f: &Fields, auth: &Auth, now: chrono::DateTime<chrono::Utc>) -> ApiResult<NewReport> {
    f.only(REPORT_FIELDS)?;
    let category = f.str_req("category", 60)?;
    if !vocab::is_code(vocab::CATEGORIES, &category) {
        let codes = vocab::codes(vocab::CATEGORIES);
        return Err(ApiError::field("category", format!("unknown category `{category}`; one of {}", codes.join(", "))));
    }
    let occurred_at = f.str_req("occurred_at", 40)?;
    let day = occurred_date(&occurred_at, now.date_naive())?;
    let place_name = f.str_opt("place_name", 200)?;
    let (latitude, longitude) = f.point_opt()?;
    let town_id = f.i64_opt("town_id", 1, i64::MAX)?;
    let people_affected = f.i64_opt("people_affected", 0, 10_000_000)?;
    let description = f.str_req("description", 20_000)?;
    let reliability = admiralty_reliability(&f.str_req("reliability", 20)?)
        .ok_or_else(|| ApiError::field("reliability", "must be a letter A to F (Admiralty source reliability)"))?;
    let credibility = match f.raw("credibility") {
        None => return Err(ApiError::field("credibility", "is required")),
        v => admiralty_credibility(v).ok_or_else(|| {
            ApiError::field("credibility", "must be a whole number 1 to 6 (Admiralty information credibility)")
        })?,
    };
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
        client: None,
        received_at: None,
    })
}

/// The optional `client_id`: a UUID (`8-4-4-4-12` hex digits), kept lower-case.
fn client_id(f: &Fields) -> ApiResult<Option<String>> {
    let Some(id) = f.str_opt("client_id", 36)? else { return Ok(None) };
    let uuid_like = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() });
    if !uuid_like {
        return Err(ApiError::field("client_id", "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"));
    }
    Ok(Some(id.to_ascii_lowercase()))
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

/// The JSON of a report as the store gave it for this caller (restricted detail is
/// in it only when the store's read function put it there).
fn report_json(r: &Report) -> Value {
    serde_json::to_value(r).expect("report serialises")
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
    // received on the server's clock (the demo clock under `vigil demo`)
    let now = st.alerting.now();
    let mut new = parse_report(&fields, &auth, now)?;
    new.received_at = Some(now);
    let client_id = client_id(&fields)?;
    new.content_type = ct;
    new.raw_body = body.to_vec();
    new.attachments = files;
    // a repeat (same client_id, same content) is answered as the first time was,
    // from the report stored then; alert rules ran then
    let mut report = match st.store.submit_report_once(&auth.user, client_id.as_deref(), new).await? {
        Submitted::New(report) => {
            vigil_app::alerts::on_report(&st, &report).await;
            report
        }
        Submitted::Repeat(report) => report,
        Submitted::Conflict { report_id } => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "client_id was already used for report {report_id} with different content; \
                     a new report needs a new client_id"
                ),
            ))
        }
    };
    let location = format!("/api/reports/{}", report.id);
    // the submitter gets back what they sent, not the stored restricted detail
    report.restricted = None;
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(report_json(&report))))
}

/// GET /api/reports?status=&limit=
pub async fn list(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
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
    let reports = st.store.reports_for(&principal, &query).await?;
    let mut out = Vec::with_capacity(reports.len());
    for r in &reports {
        let mut v = report_json(r);
        // reporters get no pointers to other people's reports or to incidents
        let dups =
            if !own && r.status == "new" { st.store.suggest_duplicates(principal.visibility(), r).await? } else { vec![] };
        v["suggested_duplicates"] = serde_json::to_value(dups).expect("suggestions serialise");
        out.push(v);
    }
    Ok(Json(out))
}

/// Load a report the caller may see. A report that exists but is not the caller's
/// to read is "not found", exactly as one that does not exist: no existence oracle.
async fn visible_report(st: &AppState, caller: &Caller, id: i64) -> ApiResult<Report> {
    caller.auth.require(&READ, "read reports")?;
    st.store
        .report_for(&caller.principal, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("report {id} not found")))
}

/// GET /api/reports/{id}
pub async fn get_one(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    let r = visible_report(&st, &caller, id).await?;
    let mut v = report_json(&r);
    let dups = if caller.auth.role() != Role::Reporter && r.status == "new" {
        st.store.suggest_duplicates(caller.principal.visibility(), &r).await?
    } else {
        vec![]
    };
    v["suggested_duplicates"] = serde_json::to_value(dups).expect("suggestions serialise");
    Ok(Json(v))
}

/// GET /api/reports/{id}/raw: the body exactly as received. It carries restricted
/// detail, so hr_officer (or an account granted restricted access) only; audited.
pub async fn raw(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    if !caller.principal.sees_restricted_detail() {
        return Err(ApiError::forbidden(format!(
            "role {} may not read a report's raw body: it carries restricted detail (hr_officer, or an account granted restricted access)",
            caller.auth.role()
        )));
    }
    let (ct, body) = st
        .store
        .report_raw_for(&caller.principal, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("report {id} not found")))?;
    let ct = if ct.is_empty() { "application/octet-stream".to_string() } else { ct };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"report-{id}.raw\"")),
        ],
        body,
    ))
}

/// A file name safe in a Content-Disposition header: ASCII letters, digits, dot,
/// dash and underscore; anything else becomes `_`.
fn safe_file_name(name: Option<&str>, fallback: String) -> String {
    let n: String = name
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(120)
        .collect();
    if n.trim_matches(['_', '.']).is_empty() {
        fallback
    } else {
        n
    }
}

/// GET /api/reports/{id}/attachments/{attachment}: one attachment, to whoever may
/// see the report; audited. Always a download (never rendered by the browser as a
/// page: a stored HTML file must not run in Vigil's origin).
pub async fn attachment(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, aid)): Path<(i64, i64)>,
) -> ApiResult<impl IntoResponse> {
    let (name, ct, bytes) = st
        .store
        .attachment_for(&caller.principal, id, aid)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("attachment {aid} of report {id} not found")))?;
    let ct = match ct.as_deref() {
        Some(t @ ("image/jpeg" | "image/png" | "image/gif" | "image/webp" | "application/pdf" | "audio/mpeg" | "audio/ogg")) => {
            t.to_string()
        }
        _ => "application/octet-stream".to_string(),
    };
    let file = safe_file_name(name.as_deref(), format!("report-{id}-attachment-{aid}"));
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
        ],
        bytes,
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
        "deaths_civilians",
        "date_prec",
        "where_prec",
        "latitude",
        "longitude",
        "place",
        "date_start",
        "date_end",
        "country",
        "sensitivity",
        "injured",
        "victim_affiliation",
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
    let deaths_civilians = f.i64_opt("deaths_civilians", 0, 1_000_000)?;
    if deaths_civilians.is_some_and(|d| d > high) {
        return Err(ApiError::field("deaths_civilians", "must not exceed high"));
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
        deaths_civilians,
        date_prec: f.i64_opt("date_prec", 1, 5)?,
        where_prec: f.i64_opt("where_prec", 1, 7)?,
        latitude,
        longitude,
        place: f.str_opt("place", 200)?,
        date_start: f.date_opt("date_start")?,
        date_end: f.date_opt("date_end")?,
        country: f.str_opt("country", 100)?,
        sensitivity,
        injured: f.i64_opt("injured", 0, 1_000_000)?,
        victim_affiliation: match f.str_opt("victim_affiliation", 40)? {
            Some(a) if !vocab::is_code(vocab::movement::AFFILIATIONS, &a) => {
                return Err(ApiError::field(
                    "victim_affiliation",
                    format!("must be one of {}", vocab::codes(vocab::movement::AFFILIATIONS).join(", ")),
                ))
            }
            a => a,
        },
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
