//! OpenRosa 1.0 for ODK Collect and Enketo, at the server's base URL (give Collect
//! the server's address; it appends these paths):
//!
//! * `GET /formList`: the OpenRosa xforms list (one form, [`xform::FORM_ID`], with its
//!   `md5:` hash and download URL);
//! * `GET /forms/vigil_report.xml`: the report form as an XForm, generated from the
//!   field list and the vocabulary ([`vigil_ingest::xform`]);
//! * `HEAD /submission`: 204 with `X-OpenRosa-Accept-Content-Length`;
//! * `POST /submission`: `multipart/form-data` with `xml_submission_file` and the
//!   attachments it names; 201 with an OpenRosa response message. A resent
//!   `instanceID` is acknowledged again and stored once; an edit (`deprecatedID`)
//!   becomes the next version of the same report (`vigil_store::odk`).
//!
//! Every request is authenticated with HTTP Digest ([`crate::odk_digest`]) against
//! Vigil's accounts; only roles that may submit reports may submit. Answers carry
//! `X-OpenRosa-Version: 1.0`; errors are OpenRosa response messages (`text/xml`)
//! saying what is wrong and where (an element path of the instance). A POST must
//! carry `X-OpenRosa-Version` (Collect and Enketo do; a cross-site form cannot), so a
//! browser holding digest credentials cannot be made to submit by another site.

use crate::access::SUBMIT_REPORT;
use crate::odk_digest::{self, Refused};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::LazyLock;
use vigil_ingest::xform::{self, esc};
use vigil_ingest::xform_submission;
use vigil_store::accounts::User;
use vigil_store::odk::{md5_hex, OdkSubmitted, DIGEST_REALM};
use vigil_store::reports::{NewAttachment, NewReport, RestrictedDetail};

/// The largest submission accepted (instance and attachments), announced in
/// `X-OpenRosa-Accept-Content-Length` so that Collect splits nothing smaller.
pub const MAX_SUBMISSION_BYTES: usize = crate::reports_api::MAX_REPORT_BYTES;
/// The path of the form document.
pub const FORM_PATH: &str = "/forms/vigil_report.xml";

static FORM: LazyLock<(String, String)> = LazyLock::new(|| {
    let x = xform::xform();
    let h = md5_hex(x.as_bytes());
    (x, h)
});

/// The routes, merged at the root of the app.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/formList", get(form_list))
        .route(FORM_PATH, get(form))
        .route(
            "/submission",
            axum::routing::head(head_submission).post(submit),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// An OpenRosa answer: status, message (`nature` and text), extra headers.
fn openrosa(status: StatusCode, nature: &str, text: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\
         <message nature=\"{}\">{}</message></OpenRosaResponse>\n",
        esc(nature),
        esc(text)
    );
    let mut r = (status, body).into_response();
    xml_headers(r.headers_mut());
    r
}

fn xml_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    h.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
    if let Ok(v) = HeaderValue::from_str(&chrono::Utc::now().to_rfc2822()) {
        h.insert(header::DATE, v);
    }
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn unauthorized(stale: bool, why: &str) -> Response {
    let mut r = openrosa(
        StatusCode::UNAUTHORIZED,
        "error",
        &format!(
            "Authorization: {why}. Log in with your Vigil user name and password (HTTP Digest, realm {DIGEST_REALM}); \
             an account needs its password set or reset since ODK support was installed."
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&odk_digest::challenge(now_secs(), stale)) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// The caller, authenticated by HTTP Digest; an OpenRosa 401 (with a challenge),
/// 403 or 429 otherwise.
async fn authenticate(
    st: &AppState,
    req_method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    client: &str,
) -> Result<User, Response> {
    let Some(h) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(false, "credentials required"));
    };
    let Some(p) = odk_digest::parse(h) else {
        return Err(unauthorized(
            false,
            "send HTTP Digest credentials (username, realm, nonce, uri, response)",
        ));
    };
    let now = now_secs();
    match odk_digest::check_nonce(&p, path_and_query, now) {
        Ok(()) => {}
        Err(Refused::Stale) => return Err(unauthorized(true, "the nonce has expired")),
        Err(Refused::Bad(why)) => return Err(failed(st, client, why)),
    }
    let cred = st
        .store
        .digest_credential(&p.username, DIGEST_REALM)
        .await
        .map_err(|e| {
            tracing::error!("digest credential: {e}");
            openrosa(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error",
                "internal error (the server log has the detail)",
            )
        })?;
    let Some((user, ha1)) = cred else {
        return Err(failed(st, client, "unknown user name or wrong password"));
    };
    let expected = odk_digest::expected_response(&p, &ha1, req_method.as_str());
    let same = expected.len() == p.response.len()
        && expected
            .bytes()
            .zip(p.response.bytes())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0;
    if !same {
        return Err(failed(st, client, "unknown user name or wrong password"));
    }
    if let Err(Refused::Stale) = odk_digest::use_nc(&p, now) {
        return Err(unauthorized(true, "this nonce count was already used"));
    }
    if !SUBMIT_REPORT.contains(&user.role) {
        let allowed: Vec<&str> = SUBMIT_REPORT.iter().map(|r| r.as_str()).collect();
        return Err(openrosa(
            StatusCode::FORBIDDEN,
            "error",
            &format!(
                "role {} may not submit reports (allowed: {})",
                user.role,
                allowed.join(", ")
            ),
        ));
    }
    Ok(user)
}

/// A failed attempt: 401 with a new challenge, or 429 when this address has failed
/// too often (the login limiter's bucket).
fn failed(st: &AppState, client: &str, why: &str) -> Response {
    if let Err(wait) = st.limiter.take_unknown(client) {
        let mut r = openrosa(
            StatusCode::TOO_MANY_REQUESTS,
            "error",
            &format!("too many failed logins from this address; try again in {wait} s"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    unauthorized(false, why)
}

fn client_of(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

fn path_and_query(req: &Request) -> String {
    req.uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string())
}

/// The base URL Collect reached us at: the configured public URL, else `http://Host`.
fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(cap) = st.config.alerting.cap.as_ref() {
        let b = cap.base_url.trim().trim_end_matches('/');
        if !b.is_empty() {
            return b.to_string();
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// GET /formList
async fn form_list(State(st): State<AppState>, req: Request) -> Response {
    if let Err(r) = authenticate(
        &st,
        req.method(),
        &path_and_query(&req),
        req.headers(),
        &client_of(&req),
    )
    .await
    {
        return r;
    }
    let (_, hash) = &*FORM;
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n<xform>\n\
         <formID>{}</formID>\n<name>{}</name>\n<version>{}</version>\n<hash>md5:{hash}</hash>\n\
         <descriptionText>{}</descriptionText>\n<downloadUrl>{}{FORM_PATH}</downloadUrl>\n</xform>\n</xforms>\n",
        xform::FORM_ID,
        esc(xform::TITLE),
        xform::version(),
        esc("Report an incident / Signaler un incident"),
        esc(&base_url(&st, req.headers())),
    );
    let mut r = (StatusCode::OK, body).into_response();
    xml_headers(r.headers_mut());
    r
}

/// GET /forms/vigil_report.xml
async fn form(State(st): State<AppState>, req: Request) -> Response {
    if let Err(r) = authenticate(
        &st,
        req.method(),
        &path_and_query(&req),
        req.headers(),
        &client_of(&req),
    )
    .await
    {
        return r;
    }
    let mut r = (StatusCode::OK, FORM.0.clone()).into_response();
    xml_headers(r.headers_mut());
    r
}

/// HEAD /submission
async fn head_submission(State(st): State<AppState>, req: Request) -> Response {
    if let Err(r) = authenticate(
        &st,
        req.method(),
        &path_and_query(&req),
        req.headers(),
        &client_of(&req),
    )
    .await
    {
        return r;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    xml_headers(r.headers_mut());
    r.headers_mut().remove(header::CONTENT_TYPE);
    r.headers_mut().insert(
        "x-openrosa-accept-content-length",
        HeaderValue::from(MAX_SUBMISSION_BYTES),
    );
    r
}

fn bad(text: String) -> Response {
    openrosa(StatusCode::BAD_REQUEST, "error", &text)
}

/// The parts of a submission: the instance and the files by name.
async fn read_parts(
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(Vec<u8>, Vec<NewAttachment>), Response> {
    let mut req = Request::new(Body::from(body));
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        req.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
    }
    let mut mp = Multipart::from_request(req, &()).await.map_err(|e| {
        bad(format!(
            "body: send multipart/form-data with an xml_submission_file part ({e})"
        ))
    })?;
    let mut xml = None;
    let mut files = vec![];
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(bad(format!("body: not a valid multipart form ({e})"))),
        };
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| bad(format!("part {name}: could not be read ({e})")))?;
        if name == "xml_submission_file" {
            if xml.is_some() {
                return Err(bad("body: more than one xml_submission_file part".into()));
            }
            xml = Some(bytes.to_vec());
        } else {
            // Collect names each file part after the file; Enketo too
            let filename = filename.filter(|f| !f.is_empty()).unwrap_or(name);
            files.push(NewAttachment {
                filename: Some(filename),
                content_type,
                bytes: bytes.to_vec(),
            });
        }
    }
    let xml = xml.ok_or_else(|| bad("body: the xml_submission_file part is missing".into()))?;
    Ok((xml, files))
}

/// A file's media type when the part does not say: from its extension.
fn media_of(a: &NewAttachment) -> String {
    if let Some(ct) = a
        .content_type
        .as_deref()
        .filter(|c| !c.is_empty() && *c != "application/octet-stream")
    {
        return ct.to_ascii_lowercase();
    }
    let ext = a
        .filename
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("m4a") => "audio/mp4",
        Some("mp3") => "audio/mpeg",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        Some("amr") => "audio/amr",
        Some("wav") => "audio/wav",
        Some("3gpp" | "3gp") => "audio/3gpp",
        _ => "application/octet-stream",
    }
    .to_string()
}

/// POST /submission
async fn submit(State(st): State<AppState>, req: Request) -> Response {
    let user = match authenticate(
        &st,
        req.method(),
        &path_and_query(&req),
        req.headers(),
        &client_of(&req),
    )
    .await
    {
        Ok(u) => u,
        Err(r) => return r,
    };
    let headers = req.headers().clone();
    if headers.get("x-openrosa-version").is_none() {
        return bad(
            "header X-OpenRosa-Version: 1.0 is required (ODK Collect and Enketo send it)".into(),
        );
    }
    let too_big = || {
        openrosa(
            StatusCode::PAYLOAD_TOO_LARGE,
            "error",
            &format!(
                "the submission is larger than {} MB (instance and attachments together)",
                MAX_SUBMISSION_BYTES / (1024 * 1024)
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_SUBMISSION_BYTES + 64 * 1024) {
        return too_big();
    }
    let body = match axum::body::to_bytes(req.into_body(), MAX_SUBMISSION_BYTES + 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return too_big(),
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return bad(format!(
            "Content-Type: `{}` is not multipart/form-data (send xml_submission_file and the attachments as parts)",
            ct.chars().take(60).collect::<String>()
        ));
    }
    let (xml, parts) = match read_parts(&headers, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let now = st.alerting.now();
    let filled = match xform_submission::parse(&xml, now.date_naive()) {
        Ok(f) => f,
        Err(e) => return bad(format!("xml_submission_file {}: {}", e.path, e.message)),
    };
    // the files the instance names, from the parts; each of the right kind
    let mut attachments = vec![];
    for (fl, name) in &filled.files {
        let xform::Kind::File(accept) = fl.kind else {
            continue;
        };
        let path = fl.path();
        let Some(part) = parts
            .iter()
            .find(|p| p.filename.as_deref() == Some(name.as_str()))
        else {
            return bad(format!(
                "xml_submission_file {path}: names the file `{name}`, which was not sent as a part"
            ));
        };
        let media = media_of(part);
        let kind = accept.trim_end_matches('*');
        if !media.starts_with(kind) {
            return bad(format!("part {name}: is {media}; {path} takes {accept}"));
        }
        attachments.push(NewAttachment {
            filename: part.filename.clone(),
            content_type: Some(media),
            bytes: part.bytes.clone(),
        });
    }
    let new = NewReport {
        channel: "odk".into(),
        category: filled.category,
        occurred_at: filled.occurred_at,
        occurred_date: filled.occurred_date,
        place_name: filled.place_name,
        latitude: filled.latitude,
        longitude: filled.longitude,
        town_id: None,
        people_affected: filled.people_affected,
        description: filled.description,
        reliability: filled.reliability,
        credibility: filled.credibility,
        language: None,
        restricted: RestrictedDetail {
            victims: filled.victims,
            witnesses: filled.witnesses,
            contacts: filled.contacts,
        },
        content_type: "text/xml; odk-instance".into(),
        raw_body: xml,
        attachments,
        client: None,
        received_at: Some(now),
    };
    let outcome = match st
        .store
        .submit_odk(
            &user,
            &filled.instance_id,
            filled.deprecated_id.as_deref(),
            new,
        )
        .await
    {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("odk submission: {e}");
            return openrosa(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error",
                "internal error (the server log has the detail)",
            );
        }
    };
    let (report, text) = match outcome {
        OdkSubmitted::New(report) => {
            vigil_app::alerts::on_report(&st, &report).await;
            let t = format!("Report {} received. / Rapport {} reçu.", report.id, report.id);
            (report, t)
        }
        OdkSubmitted::Repeat(report) => {
            let t = format!("Report {} was already received. / Rapport {} déjà reçu.", report.id, report.id);
            (report, t)
        }
        OdkSubmitted::Version { report, version } => {
            vigil_app::alerts::on_report(&st, &report).await;
            let t = format!(
                "Report {} updated (version {version}). / Rapport {} mis à jour (version {version}).",
                report.id, report.id
            );
            (report, t)
        }
        OdkSubmitted::Conflict { report_id } => {
            return openrosa(
                StatusCode::CONFLICT,
                "error",
                &format!(
                    "xml_submission_file /{}/meta/instanceID: `{}` was already received for report {report_id} with other \
                     content; an edited form must carry meta/deprecatedID",
                    xform::ROOT,
                    filled.instance_id
                ),
            )
        }
    };
    let mut r = openrosa(StatusCode::CREATED, "submit_success", &text);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/reports/{}", report.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The OpenAPI paths of the OpenRosa routes (merged by [`crate::openapi`]).
pub fn openapi_paths() -> serde_json::Value {
    let roles = SUBMIT_REPORT.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let digest = serde_json::json!([{"odkDigest": []}]);
    let xml = |d: &str| serde_json::json!({"description": d, "content": {"text/xml": {}}});
    let errors = serde_json::json!({
        "401": {"description": "no or wrong HTTP Digest credentials: an OpenRosa message and a `WWW-Authenticate: Digest realm=\"Vigil\", qop=\"auth\", algorithm=MD5, nonce=…` challenge (`stale=true` when only the nonce expired)", "content": {"text/xml": {}}},
        "403": {"description": "the account's role may not submit reports (OpenRosa message)", "content": {"text/xml": {}}}
    });
    let with = |mut ok: serde_json::Value| {
        if let (Some(o), Some(e)) = (ok.as_object_mut(), errors.as_object()) {
            o.extend(e.clone());
        }
        ok
    };
    serde_json::json!({
        "/formList": {"get": {
            "summary": "OpenRosa form list (ODK Collect, Enketo): the report form with its md5 hash and download URL",
            "description": format!("OpenRosa 1.0 xforms list; answers carry `X-OpenRosa-Version: 1.0`. HTTP Digest (realm Vigil, MD5, qop=auth) against Vigil accounts; roles: {roles}. Point ODK Collect at the server's base URL."),
            "tags": ["ODK / OpenRosa"], "security": digest,
            "responses": with(serde_json::json!({"200": xml("`<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">` with one `<xform>`: formID vigil_report, name, version, hash md5:…, downloadUrl")}))
        }},
        "/forms/vigil_report.xml": {"get": {
            "summary": "The report form as an XForm (English and French), generated from the field list and the vocabulary",
            "tags": ["ODK / OpenRosa"], "security": digest,
            "responses": with(serde_json::json!({"200": xml("XForm 1.0 (ODK XForms spec)")}))
        }},
        "/submission": {
            "head": {
                "summary": "OpenRosa pre-submission check",
                "tags": ["ODK / OpenRosa"], "security": digest,
                "responses": with(serde_json::json!({"204": {"description": "ready; `X-OpenRosa-Accept-Content-Length` is the largest submission accepted (20 MB)"}}))
            },
            "post": {
                "summary": "Submit a filled report form (channel odk)",
                "description": format!("`multipart/form-data`: `xml_submission_file` (the instance) and a part per file the instance names (photo image/*, audio audio/*). Needs `X-OpenRosa-Version: 1.0`. The same `meta/instanceID` sent again is acknowledged again (201) and stored once; an instance with `meta/deprecatedID` = an earlier instanceID of the same account becomes the next version of that report. Roles: {roles}."),
                "tags": ["ODK / OpenRosa"], "security": digest,
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["xml_submission_file"], "properties": {"xml_submission_file": {"type": "string", "format": "binary"}}, "additionalProperties": {"type": "string", "format": "binary"}}}}},
                "responses": with(serde_json::json!({
                    "201": xml("stored now, or already stored (an OpenRosa `<message nature=\"submit_success\">` with the report number); `Location: /api/reports/{id}`"),
                    "400": xml("bad submission: the message says what and where (`xml_submission_file /data/people_affected: …`, or line and column of XML that is not well-formed)"),
                    "409": xml("this instanceID was stored before with other content"),
                    "413": xml("larger than 20 MB")
                }))
            }
        }
    })
}
