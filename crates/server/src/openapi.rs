//! The OpenAPI 3 description of the JSON API, written by hand next to the handlers it
//! describes (a test checks every routed path is in it). Served at
//! `/api/openapi.json` without login.

use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use vigil_model::vocab;
use vigil_model::vocab::{codes, RESPONSE_ACTIONS};

fn err_responses(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        let what = match *c {
            "400" => "invalid query parameter (OGC API); `field` names it",
            "401" => "not logged in, or the session/token expired",
            "403" => "the caller's role may not do this, or the X-CSRF-Token header is missing/wrong on a cookie-authenticated write",
            "404" => "not found",
            "409" => "the report was already verified, merged or discarded",
            "415" => "unsupported content type",
            "422" => "invalid input; `field` names the field",
            "429" => "too many failed logins; see Retry-After",
            _ => "error",
        };
        m.insert(c.to_string(), json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}));
    }
    Value::Object(m)
}

pub(crate) fn with(ok_code: &str, ok: Value, errors: &[&str]) -> Value {
    let mut r = err_responses(errors);
    r[ok_code] = ok;
    r
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn roles(list: &str) -> String {
    format!("Roles: {list}.")
}

pub(crate) fn filter_params() -> Value {
    json!([
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "first start date included"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "last start date included"},
        {"name": "type", "in": "query", "schema": {"type": "integer", "enum": [1, 2, 3]}, "description": "UCDP type of violence"},
        {"name": "admin1", "in": "query", "schema": {"type": "string"}, "description": "admin-1 code, e.g. ML07"},
        {"name": "admin2", "in": "query", "schema": {"type": "string"}, "description": "admin-2 code, e.g. ML0701"},
        {"name": "gid", "in": "query", "schema": {"type": "integer"}, "description": "PRIO-GRID cell"},
        {"name": "country", "in": "query", "schema": {"type": "string"}}
    ])
}

fn id_param(what: &str) -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "description": what}])
}

fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

/// The document.
pub fn document() -> Value {
    let categories = vocab::codes(vocab::CATEGORIES);
    let read_inc = roles("analyst, responder, hr_officer, planner, admin");
    let mut area_params = filter_params();
    area_params
        .as_array_mut()
        .expect("array")
        .push(json!({"name": "level", "in": "query", "schema": {"type": "integer", "enum": [1, 2], "default": 2}}));
    let mut page_params = filter_params();
    page_params.as_array_mut().expect("array").extend([
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": crate::incidents_api::PAGE_MAX, "default": crate::incidents_api::PAGE_DEFAULT}, "description": "incidents per page"}),
        json!({"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}, "description": "incidents to skip (newest first)"}),
    ]);
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Vigil API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Field reports, triage, incidents and totals for protection-of-civilians early warning. \
                Authenticate with POST /api/login: browsers get an HttpOnly SameSite=Strict cookie `vigil_session` and must send \
                `X-CSRF-Token` on writes; API clients send `Authorization: Bearer <token>` and need no CSRF header. \
                Roles are checked on every endpoint. Restricted detail (victims, witnesses, contacts, raw bodies) is returned \
                only to hr_officer or an account granted restricted access, and each read is audited; incidents above \
                the caller's sensitivity level are neither listed nor counted and are 404 (README: Who sees what). Errors are JSON {error, field}. In the demo all incidents are SYNTHETIC \
                (`synthetic: true`)."
        },
        "components": {
            "securitySchemes": {
                "cookie": {"type": "apiKey", "in": "cookie", "name": "vigil_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "odkDigest": {"type": "http", "scheme": "digest", "description": "HTTP Digest (RFC 7616, MD5, qop=auth, realm Vigil) for ODK Collect: user name and password of a Vigil account"}
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string", "description": "what is wrong, and where"},
                    "field": {"type": "string", "nullable": true, "description": "the offending field, when there is one"}}},
                "Login": {"type": "object", "required": ["username", "password"], "properties": {
                    "username": {"type": "string"}, "password": {"type": "string"},
                    "bearer": {"type": "boolean", "default": false, "description": "also issue a 7-day bearer token (scripts, GIS clients); browsers use the cookie alone"}}},
                "LoginResult": {"type": "object", "properties": {
                    "user": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"},
                    "csrf_token": {"type": "string"}, "token": {"type": "string", "description": "bearer token for API use; only when the login asked for one with \"bearer\": true"},
                    "demo": {"type": "boolean"}, "synthetic_data": {"type": "boolean"}}},
                "Role": {"type": "string", "enum": ["reporter", "analyst", "responder", "hr_officer", "planner", "admin"]},
                "Restricted": {"type": "object", "description": "hr_officer, or an account granted restricted access, only", "properties": {
                    "victims": {"type": "string"}, "witnesses": {"type": "string"}, "contacts": {"type": "string"}}},
                "NewReport": {"type": "object", "required": ["category", "occurred_at", "description", "reliability", "credibility"],
                    "additionalProperties": false,
                    "properties": {
                        "category": {"type": "string", "enum": categories},
                        "occurred_at": {"type": "string", "description": "YYYY-MM-DD or RFC 3339"},
                        "place_name": {"type": "string"},
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        "town_id": {"type": "integer", "description": "GeoNames id from /api/places; fills the point and name"},
                        "people_affected": {"type": "integer", "minimum": 0},
                        "description": {"type": "string"},
                        "reliability": {"type": "string", "enum": ["A", "B", "C", "D", "E", "F"], "description": "Admiralty source reliability"},
                        "credibility": {"type": "integer", "minimum": 1, "maximum": 6, "description": "Admiralty information credibility"},
                        "language": {"type": "string", "enum": ["fr", "en"]},
                        "channel": {"type": "string", "enum": ["web", "api", "call_centre", "sms", "odk"]},
                        "client_id": {"type": "string", "format": "uuid", "description": "made once per report by the client; a repeat with the same client_id and content returns the first answer and stores nothing, with different content it is 409"},
                        "restricted": {"$ref": "#/components/schemas/Restricted"}
                    }},
                "NewReportForm": {"type": "object", "description": "multipart/form-data: the NewReport fields as text, restricted ones as `victims`, `witnesses`, `contacts` (or `restricted.victims`…), plus files in `attachment`",
                    "properties": {"attachment": {"type": "string", "format": "binary"}}},
                "Suggestion": {"type": "object", "properties": {
                    "incident_id": {"type": "integer"}, "report_id": {"type": "integer"},
                    "score": {"type": "number"}, "reason": {"type": "string"}}},
                "Report": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "received_at": {"type": "string"}, "reporter": {"type": "string"},
                    "reporter_id": {"type": "integer"}, "channel": {"type": "string"}, "category": {"type": "string"},
                    "occurred_at": {"type": "string"}, "occurred_date": {"type": "string", "format": "date"},
                    "place_name": {"type": "string", "nullable": true}, "latitude": {"type": "number", "nullable": true},
                    "longitude": {"type": "number", "nullable": true}, "town_id": {"type": "integer", "nullable": true},
                    "people_affected": {"type": "integer", "nullable": true}, "description": {"type": "string"},
                    "reliability": {"type": "string"}, "credibility": {"type": "integer"}, "language": {"type": "string", "nullable": true},
                    "status": {"type": "string", "enum": ["new", "verified", "merged", "discarded"]},
                    "incident_id": {"type": "integer", "nullable": true}, "discard_reason": {"type": "string", "nullable": true},
                    "actioned_by": {"type": "string", "nullable": true}, "actioned_at": {"type": "string", "nullable": true},
                    "attachments": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
                        "sha256": {"type": "string"}, "size": {"type": "integer"}}}},
                    "restricted": {"$ref": "#/components/schemas/Restricted"},
                    "suggested_duplicates": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}},
                "Coding": {"type": "object", "required": ["type_of_violence", "event_type", "side_a", "side_b", "best"],
                    "additionalProperties": false,
                    "properties": {
                        "type_of_violence": {"type": "integer", "enum": [1, 2, 3]},
                        "event_type": {"type": "string"}, "category": {"type": "string", "enum": categories},
                        "side_a": {"type": "string"}, "side_b": {"type": "string"},
                        "best": {"type": "integer", "minimum": 0}, "low": {"type": "integer", "minimum": 0, "description": "default best"},
                        "high": {"type": "integer", "minimum": 0, "description": "default best"},
                        "date_prec": {"type": "integer", "minimum": 1, "maximum": 5}, "where_prec": {"type": "integer", "minimum": 1, "maximum": 7},
                        "latitude": {"type": "number"}, "longitude": {"type": "number"}, "place": {"type": "string"},
                        "date_start": {"type": "string", "format": "date"}, "date_end": {"type": "string", "format": "date"},
                        "country": {"type": "string"}, "sensitivity": {"type": "string", "enum": ["public", "restricted", "confidential"]}
                    }},
                "FeatureCollection": {"type": "object", "description": "RFC 7946 FeatureCollection", "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]}, "features": {"type": "array", "items": {"type": "object"}}}},
                "AuditEntry": {"type": "object", "properties": {
                    "seq": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"},
                    "entity": {"type": "string"}, "before": {}, "after": {}, "prev_hash": {"type": "string"}, "hash": {"type": "string"}}}
            }
        },
        "security": [{"cookie": []}, {"bearer": []}],
        "paths": {
            "/api/login": {"post": {"summary": "Log in", "security": [], "requestBody": body("Login"),
                "description": "Sets the vigil_session cookie. Attempts are counted before the password is checked: five per account and address, or twenty per account from all addresses, in five minutes block further attempts for that account (from that address, or from all) for the rest of the window; other accounts behind the same address are not affected. A successful login also sets an HttpOnly device cookie (vigil_device_<account id>, one year, sent to /api/login only); a later attempt presenting a valid one for that account is counted for that browser alone (five in five minutes) instead of per address or per account, so someone guessing behind the same NAT, or from many addresses, does not lock out the owner's browser. Names that match no account are throttled per address (a burst of ten, then one per 30 s).",
                "responses": with("200", json_ok("logged in", json!({"$ref": "#/components/schemas/LoginResult"})), &["401", "422", "429"])}},
            "/api/logout": {"post": {"summary": "Log out (ends this login's cookie session and token; with everywhere=true every session and token of the account)",
                "parameters": [{"name": "everywhere", "in": "query", "schema": {"type": "boolean", "default": false}}],
                "responses": with("200", json_ok("logged out", json!({"type": "object"})), &["401", "403"])}},
            "/api/me": {"get": {"summary": "Who am I", "responses": with("200", json_ok("the caller", json!({"type": "object", "properties": {
                "user": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"}, "csrf_token": {"type": "string"},
                "sees_restricted": {"type": "boolean"}, "demo": {"type": "boolean"}, "synthetic_data": {"type": "boolean"}}})), &["401"])}},
            "/api/demo-info": {"get": {"summary": "Whether this server runs the demo on SYNTHETIC data, its basemap, and its clock", "security": [],
                "responses": {"200": json_ok("info", json!({"type": "object", "properties": {"demo": {"type": "boolean"}, "synthetic_data": {"type": "boolean"},
                    "notice": {"type": "string"}, "basemap": {"type": "object", "nullable": true},
                    "now": {"type": "string", "format": "date-time", "description": "the server's now: the demo clock under `vigil demo`, else the wall clock; alert expiry and response times are reckoned on it"},
                    "wall_clock": {"type": "string", "format": "date-time"}}}))}}},
            "/api/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3"}}}},
            "/api/categories": {"get": {"summary": "Report categories with English and French labels", "description": roles("any logged-in user"),
                "responses": with("200", json_ok("categories", json!({"type": "array", "items": {"type": "object"}})), &["401"])}},
            "/api/vocabulary": {"get": {"summary": "Every coded value (categories, roles, statuses, channels, precisions, Admiralty grading) with English and French labels, and which roles may use which part", "security": [],
                "responses": {"200": json_ok("the vocabulary", json!({"type": "object"}))}}},
            "/api/reports": {
                "post": {"summary": "Submit a report", "description": format!("{} Stored exactly as received; 201 means committed.", roles("reporter, analyst, hr_officer, admin")),
                    "requestBody": {"required": true, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewReport"}},
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/NewReportForm"}}}},
                    "responses": with("201", json_ok("stored", json!({"$ref": "#/components/schemas/Report"})), &["401", "403", "409", "415", "422"])},
                "get": {"summary": "List reports, newest first, with suggested duplicates",
                    "description": roles("reporter (own reports only, no suggestions), analyst, hr_officer, admin"),
                    "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["new", "verified", "merged", "discarded"]}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 500}}],
                    "responses": with("200", json_ok("reports", json!({"type": "array", "items": {"$ref": "#/components/schemas/Report"}})), &["401", "403", "422"])}
            },
            "/api/reports/{id}": {"get": {"summary": "One report", "description": roles("reporter (own only: another's report is 404, as a missing one), analyst, hr_officer, admin"),
                "parameters": id_param("report id"),
                "responses": with("200", json_ok("the report", json!({"$ref": "#/components/schemas/Report"})), &["401", "403", "404"])}},
            "/api/reports/{id}/raw": {"get": {"summary": "The report body exactly as received", "description": roles("hr_officer, or an account granted restricted access"),
                "parameters": id_param("report id"), "responses": with("200", json!({"description": "the bytes, with their content type"}), &["401", "403", "404"])}},
            "/api/reports/{id}/verify": {"post": {"summary": "Verify a new report into a new incident", "description": roles("analyst, hr_officer, admin"),
                "parameters": id_param("report id"), "requestBody": body("Coding"),
                "responses": with("201", json_ok("incident created", json!({"type": "object", "properties": {"incident_id": {"type": "integer"}, "report_id": {"type": "integer"}, "status": {"type": "string"}}})), &["401", "403", "404", "409", "422"])}},
            "/api/reports/{id}/merge": {"post": {"summary": "Merge a new report into an existing incident", "description": roles("analyst, hr_officer, admin"),
                "parameters": id_param("report id"),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["incident_id"], "properties": {"incident_id": {"type": "integer"}}}}}},
                "responses": with("200", json_ok("merged", json!({"type": "object"})), &["401", "403", "404", "409", "422"])}},
            "/api/reports/{id}/attachments/{attachment}": {"get": {"summary": "One attachment of a report, as a download (audited as read_attachment)",
                "description": roles("whoever may read the report: analyst, hr_officer, admin; a reporter their own"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                               {"name": "attachment", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": with("200", json!({"description": "the file's bytes; Content-Disposition: attachment", "content": {"application/octet-stream": {}}}), &["401", "404"])}},
            "/api/reports/{id}/discard": {"post": {"summary": "Discard a new report with a reason (it is kept)", "description": roles("analyst, hr_officer, admin"),
                "parameters": id_param("report id"),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": with("200", json_ok("discarded", json!({"type": "object"})), &["401", "403", "404", "409", "422"])}},
            "/api/incidents": {"get": {"summary": "Incidents as GeoJSON points, newest first, a page at a time",
                "description": format!("{read_inc} Properties: GED fields plus id (store id), source, synthetic, category, sensitivity, verification. Never restricted detail. The collection also carries numberMatched, numberReturned, fatalities (best estimate, all matching incidents) and, while more remain, a link with rel `next`."),
                "parameters": page_params,
                "responses": with("200", json!({"description": "FeatureCollection", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}}), &["401", "403", "422"])}},
            "/api/incidents/{id}": {"get": {"summary": "One incident with its reports and history",
                "description": format!("{read_inc} Reports and their history entries only for analyst, hr_officer, admin; `incident.restricted` and reports' `restricted` only for hr_officer or an account granted restricted access (audited). An incident above the caller's sensitivity level is 404."),
                "parameters": id_param("incident store id"),
                "responses": with("200", json_ok("incident", json!({"type": "object", "properties": {
                    "incident": {"type": "object"}, "geometry": {"type": "object", "nullable": true},
                    "reports": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}},
                    "history": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}}}})), &["401", "403", "404"])},
                "patch": {"summary": "Correct an incident's coding, with a reason (each version stays in the history)",
                    "description": format!("{} Send `reason` and the fields to change ({}); null empties an optional field. A moved point is placed again (cell, admin areas). A retracted incident cannot be corrected. Answers with the changed fields before and after.",
                        roles("analyst, hr_officer, admin"), vigil_store::corrections::EDITABLE.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")),
                    "parameters": id_param("incident store id"),
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}, "additionalProperties": true}}}},
                    "responses": with("200", json_ok("the change", json!({"type": "object", "properties": {"incident_id": {"type": "integer"}, "changed": {"type": "boolean"}, "before": {"type": "object"}, "after": {"type": "object"}}})), &["401", "403", "404", "422"])}},
            "/api/incidents/export": {"get": {"summary": "The incidents the caller may see, with the map's filters, as a file: GED-layout CSV, HXL-tagged CSV or GeoJSON",
                "description": format!("{read_inc} Vigil's fields (mission_category, sensitivity, verification) follow the source's columns; never restricted detail. Each export is an audit entry."),
                "parameters": filter_params().as_array().cloned().unwrap_or_default().into_iter().chain([json!({"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "hxl", "geojson"], "default": "csv"}})]).collect::<Vec<_>>(),
                "responses": with("200", json!({"description": "the file (Content-Disposition: attachment)", "content": {"text/csv": {}, "application/geo+json": {}}}), &["401", "403", "422"])}},
            "/api/incidents/{id}/retract": {"post": {"summary": "Retract an incident with a reason: kept and marked, left out of every list, map, export and figure",
                "description": roles("analyst, hr_officer, admin"),
                "parameters": id_param("incident store id"),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": with("200", json_ok("retracted", json!({"type": "object"})), &["401", "403", "404", "422"])}},
            "/api/stats/monthly": {"get": {"summary": "Incidents and fatalities (best) per month", "description": read_inc.clone(), "parameters": filter_params(),
                "responses": with("200", json_ok("months", json!({"type": "array", "items": {"type": "object", "properties": {
                    "month": {"type": "string", "example": "2019-03"}, "incidents": {"type": "integer"}, "fatalities": {"type": "integer"}}}})), &["401", "403", "422"])}},
            "/api/areas": {"get": {"summary": "Admin areas with incident and fatality totals for the filters", "description": read_inc.clone(),
                "parameters": area_params,
                "responses": with("200", json!({"description": "FeatureCollection with properties code, name, level, incidents, fatalities",
                    "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}}), &["401", "403", "422"])}},
            "/api/places": {"get": {"summary": "Towns (GeoNames) for the report form", "description": roles("any logged-in user"),
                "responses": with("200", json_ok("towns", json!({"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "country_code": {"type": "string"}, "admin1_code": {"type": "string"},
                    "population": {"type": "integer"}, "latitude": {"type": "number"}, "longitude": {"type": "number"}}}})), &["401"])}},
            "/api/audit": {"get": {"summary": "The audit log (newest `limit` entries, in order)", "description": roles("admin"),
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "default": 1000}}],
                "responses": with("200", json_ok("entries", json!({"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}})), &["401", "403"])}},
            "/api/audit/verify": {"get": {"summary": "Recompute the audit hash chain", "description": roles("admin"),
                "responses": with("200", json_ok("result", json!({"type": "object", "properties": {"ok": {"type": "boolean"}, "entries": {"type": "integer"}, "problems": {"type": "array", "items": {"type": "object"}}}})), &["401", "403"])}},
            "/tiles/{z}/{x}/{y}.png": {"get": {"summary": "Local basemap tile (when configured)", "description": roles("any logged-in user"),
                "parameters": [
                    {"name": "z", "in": "path", "required": true, "schema": {"type": "integer"}},
                    {"name": "x", "in": "path", "required": true, "schema": {"type": "integer"}},
                    {"name": "y", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": with("200", json!({"description": "PNG", "content": {"image/png": {}}}), &["401", "404"])}}
        }
    })
}

/// GET /api/openapi.json
pub async fn handler() -> impl IntoResponse {
    let mut doc = document();
    let more_paths = [
        alert_paths(),
        crate::ogc_api::openapi_paths(),
        crate::users_api::openapi_paths(),
        crate::forecasts_api::openapi_paths(),
        crate::footprint_api::openapi_paths(),
        crate::rights_api::openapi_paths(),
        crate::movement_api::openapi_paths(),
        crate::incidents_map_api::openapi_paths(),
        crate::map_context_api::openapi_paths(),
        crate::odk_api::openapi_paths(),
        crate::fieldnet_api::openapi_paths(),
        crate::parameters_api::openapi_paths(),
    ];
    for more in more_paths {
        if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), more) {
            paths.extend(more);
        }
    }
    Json(doc)
}

/// The OpenAPI paths of the alert, response, CAP, rules and webhook routes.
fn alert_paths() -> Value {
    let err = |codes: &[&str]| {
        let mut m = serde_json::Map::new();
        for c in codes {
            m.insert(
                c.to_string(),
                json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
            );
        }
        Value::Object(m)
    };
    let ok = |code: &str, description: &str, errors: &[&str]| {
        let mut r = err(errors);
        r[code] = json!({"description": description, "content": {"application/json": {"schema": {"type": "object"}}}});
        r
    };
    let id = |what: &str| json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "description": what}]);
    let body = |props: Value, required: &[&str]| {
        json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": required, "properties": props}}}})
    };
    let times = json!({
        "responder": {"type": "string", "description": "unit or person"},
        "action": {"type": "string", "enum": codes(RESPONSE_ACTIONS)},
        "requested_at": {"type": "string", "format": "date-time", "description": "default: now"},
        "dispatched_at": {"type": "string", "format": "date-time"},
        "on_scene_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": "string", "format": "date-time"},
        "outcome": {"type": "string"}
    });
    json!({
        "/api/alerts": {"get": {"summary": "Alerts, newest first (analyst, responder, hr_officer, planner, admin): summary, rule name, threat, French text (fr: rule_name, headline, threat, area_desc), admin codes, issue time",
            "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "comma-separated: draft, issued, acknowledged, responding, closed, cancelled"},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            "responses": ok("200", "alert summaries", &["401", "403", "422"])},
            "post": {"summary": "Raise an alert by hand (analyst, admin): draft, or issued at once and published as CAP",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["headline", "threat", "area", "urgency", "severity", "certainty"],
                    "properties": {
                        "headline": {"type": "string", "maxLength": 160},
                        "threat": {"type": "string", "maxLength": 4000},
                        "area": {"type": "object", "description": "{type: circle, center: {lat, lon}, radius_km} | {type: polygon, points: [{lat, lon}, …]} | {type: admin, level: 1|2, codes: [P-code]} | {type: cells, gids: [gid]}"},
                        "area_desc": {"type": "string", "description": "default: made from the area"},
                        "headline_fr": {"type": "string", "maxLength": 160, "description": "French headline (with threat_fr): CAP gets a second info block in French"},
                        "threat_fr": {"type": "string", "maxLength": 4000},
                        "area_desc_fr": {"type": "string", "description": "default: area_desc"},
                        "category": {"type": "string", "description": "CAP category, default Security"},
                        "urgency": {"type": "string", "enum": ["Immediate", "Expected", "Future", "Past", "Unknown"]},
                        "severity": {"type": "string", "enum": ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]},
                        "certainty": {"type": "string", "enum": ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]},
                        "expires_hours": {"type": "integer", "minimum": 1, "maximum": 2160, "description": "default 72"},
                        "issue": {"type": "boolean", "description": "default false (a draft)"},
                        "report_ids": {"type": "array", "items": {"type": "integer"}, "description": "reports the alert rests on"}}}}}},
                "responses": ok("201", "the alert, as GET /api/alerts/{id} gives it", &["401", "403", "422"])}},
        "/api/alerts/{id}": {"get": {"summary": "One alert with its evidence, history, CAP messages and responses",
            "parameters": id("alert id"), "responses": ok("200", "the alert", &["401", "403", "404"])}},
        "/api/alerts/{id}/transition": {"post": {"summary": "Lifecycle step: analyst/admin issue, close, cancel; responder/admin acknowledge, responding. 409 when the step is not allowed",
            "parameters": id("alert id"),
            "requestBody": body(json!({"to": {"type": "string", "enum": ["issued", "acknowledged", "responding", "closed", "cancelled"]}, "note": {"type": "string"}}), &["to"]),
            "responses": ok("200", "the alert after the step", &["401", "403", "404", "409", "422"])}},
        "/api/alerts/{id}/responses": {"post": {"summary": "Record a response (responder, analyst, admin); times in order",
            "parameters": id("alert id"), "requestBody": body(times.clone(), &["responder", "action"]),
            "responses": ok("201", "the response", &["401", "403", "404", "409", "422"])}},
        "/api/responses/{id}": {"patch": {"summary": "Update a response's times, outcome, responder or action (null clears dispatched_at, on_scene_at, completed_at or outcome)",
            "parameters": id("response id"), "requestBody": body(times, &[]),
            "responses": ok("200", "the response", &["401", "403", "404", "422"])}},
        "/api/responses/dashboard": {"get": {"summary": "Median minutes from issue to acknowledgement and to the first dispatch, overall, by admin area and month; alerts with no response after `hours`",
            "parameters": [
                {"name": "hours", "in": "query", "schema": {"type": "integer", "default": 24}},
                {"name": "level", "in": "query", "schema": {"type": "integer", "enum": [1, 2], "default": 1}}],
            "responses": ok("200", "the figures", &["401", "403", "422"])}},
        "/api/rules": {"get": {"summary": "The alert rules in force", "responses": ok("200", "rules", &["401", "403"])}},
        "/api/webhooks": {
            "get": {"summary": "Webhook subscriptions and deliveries with attempts and last error (admin)", "responses": ok("200", "subscriptions and deliveries", &["401", "403"])},
            "post": {"summary": "Subscribe a http:// URL to alert events as CAP XML or JSON (admin)",
                "requestBody": body(json!({"url": {"type": "string"}, "format": {"type": "string", "enum": ["cap", "json"], "default": "cap"}}), &["url"]),
                "responses": ok("201", "the subscription", &["401", "403", "422"])}},
        "/api/webhooks/{id}": {"delete": {"summary": "Stop delivering to a subscription (admin)", "parameters": id("subscription id"),
            "responses": {"204": {"description": "stopped"}, "404": {"description": "no such active subscription"}}}},
        "/cap/{id}.xml": {"get": {"summary": "The alert's latest CAP 1.2 message (public; drafts 404)", "security": [],
            "parameters": id("alert id"),
            "responses": {"200": {"description": "CAP 1.2", "content": {"application/cap+xml": {}}}, "404": {"description": "no published alert"}}}},
        "/cap/alerts.atom": {"get": {"summary": "Atom feed of issued, unexpired alerts (public)", "security": [],
            "responses": {"200": {"description": "Atom", "content": {"application/atom+xml": {}}}}}}
    })
}
