//! The one error type every handler returns, and the field-by-field reading of
//! request bodies that lets an error name the field that is wrong.
//!
//! Errors go out as JSON `{"error": message, "field": name-or-null, "code": kind,
//! "params": {..}}`: a client (or the form) can put the message next to the field, and
//! a UI in another language words it from `code` and `params` (the English `error`
//! stays the detail). Codes are few and stable: the kind of each status (`forbidden`,
//! `not_found`, `conflict`, `invalid`, …) and, for the field readers below, what is
//! wrong with the field (`required`, `too_long`, `out_of_range`, `not_date`, …).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};
use vigil_store::reports::ReportError;
use vigil_store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub field: Option<String>,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
    /// What kind of error, for clients that word it themselves (see the module docs).
    pub code: &'static str,
    /// Values the wording needs (`max`, `min`, …), or null.
    pub params: Value,
}

/// The code of an error that has no finer one: the kind its status says.
fn status_code_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        412 => "precondition_failed",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "invalid",
        429 => "rate_limited",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "error",
    }
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let code = status_code_name(status);
        ApiError {
            status,
            message: message.into(),
            field: None,
            retry_after: None,
            code,
            params: Value::Null,
        }
    }
    /// The same error with a finer code and the values its wording needs.
    pub fn with_code(mut self, code: &'static str, params: Value) -> Self {
        self.code = code;
        self.params = params;
        self
    }
    /// 422 naming the field, with a code saying what is wrong with it.
    pub fn field_code(
        field: impl Into<String>,
        code: &'static str,
        params: Value,
        message: impl Into<String>,
    ) -> Self {
        Self::field(field, message).with_code(code, params)
    }
    /// 422 naming the field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("{field}: {}", message.into());
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            field: Some(field),
            retry_after: None,
            code: "invalid",
            params: Value::Null,
        }
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error (the server log has the detail)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r =
            (self.status, Json(serde_json::json!({"error": self.message, "field": self.field, "code": self.code, "params": self.params}))).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Invalid { field, message } => ApiError::field(field, message),
            ReportError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            e @ ReportError::AlreadyActioned { .. } => {
                ApiError::new(StatusCode::CONFLICT, e.to_string())
            }
            ReportError::Store(e) => ApiError::internal(e),
        }
    }
}

impl From<vigil_app::AppError> for ApiError {
    fn from(e: vigil_app::AppError) -> Self {
        use vigil_app::AppError;
        match e {
            AppError::Invalid { field, message } => ApiError::field(field, message),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Forbidden(why) => ApiError::forbidden(why),
            AppError::Conflict(why) | AppError::Precondition(why) => {
                ApiError::new(StatusCode::CONFLICT, why)
            }
            AppError::Report(e) => e.into(),
            AppError::Store(e) => ApiError::internal(e),
            e @ (AppError::Config { .. } | AppError::Forecast(_) | AppError::Internal(_)) => {
                ApiError::internal(e)
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A request body or query as named fields, read one by one so that every error
/// names its field. Values may be JSON values or strings (forms and query strings
/// send everything as text); empty strings count as absent.
pub struct Fields {
    map: Map<String, Value>,
    /// prefix for field names in errors (`restricted.`)
    prefix: String,
}

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Fields {
            map,
            prefix: String::new(),
        }
    }

    /// Parse a JSON body that must be an object.
    pub fn from_json(body: &[u8]) -> ApiResult<Self> {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ApiError::field_code(
                "body",
                "empty_body",
                Value::Null,
                "is empty; send a JSON object",
            ));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Fields::new(map)),
            Ok(_) => Err(ApiError::field_code(
                "body",
                "not_object",
                Value::Null,
                "must be a JSON object",
            )),
            Err(e) => Err(ApiError::field_code(
                "body",
                "not_json",
                Value::Null,
                format!("is not valid JSON ({e})"),
            )),
        }
    }

    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Refuse fields the endpoint does not know (a typo would otherwise lose data).
    pub fn only(&self, known: &[&str]) -> ApiResult<()> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(ApiError::field_code(
                self.name(k),
                "unknown_field",
                serde_json::json!({"expected": known.join(", ")}),
                format!("unknown field; expected one of {}", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// A field as sent (`None` when absent, null or blank), for structured values.
    pub fn value_opt(&self, key: &str) -> Option<&Value> {
        self.raw(key)
    }

    pub fn bool_opt(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "not_bool",
                Value::Null,
                "must be true or false",
            )),
        }
    }

    /// The value as sent, `None` when absent, null or blank.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    /// The field is sent as null or blank: in a PATCH, "clear it" (absent: "keep it").
    pub fn is_cleared(&self, key: &str) -> bool {
        match self.map.get(key) {
            Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            _ => false,
        }
    }

    pub fn str_opt(&self, key: &str, max_chars: usize) -> ApiResult<Option<String>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                if s.chars().count() > max_chars {
                    Err(ApiError::field_code(
                        self.name(key),
                        "too_long",
                        serde_json::json!({"max": max_chars}),
                        format!("is longer than {max_chars} characters"),
                    ))
                } else {
                    Ok(Some(s.trim().to_string()))
                }
            }
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "not_string",
                Value::Null,
                "must be a string",
            )),
        }
    }

    /// A string taken as given, untrimmed (passwords).
    pub fn verbatim(&self, key: &str, max_chars: usize) -> ApiResult<Option<String>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) if s.chars().count() > max_chars => Err(ApiError::field_code(
                self.name(key),
                "too_long",
                serde_json::json!({"max": max_chars}),
                format!("is longer than {max_chars} characters"),
            )),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "not_string",
                Value::Null,
                "must be a string",
            )),
        }
    }

    pub fn str_req(&self, key: &str, max_chars: usize) -> ApiResult<String> {
        self.str_opt(key, max_chars)?.ok_or_else(|| {
            ApiError::field_code(self.name(key), "required", Value::Null, "is required")
        })
    }

    pub fn i64_opt(&self, key: &str, min: i64, max: i64) -> ApiResult<Option<i64>> {
        let v = match self.raw(key) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        match v {
            Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "out_of_range",
                serde_json::json!({"min": min, "max": max}),
                format!("must be from {min} to {max}"),
            )),
            None => Err(ApiError::field_code(
                self.name(key),
                "not_integer",
                Value::Null,
                "must be a whole number",
            )),
        }
    }

    pub fn i64_req(&self, key: &str, min: i64, max: i64) -> ApiResult<i64> {
        self.i64_opt(key, min, max)?.ok_or_else(|| {
            ApiError::field_code(self.name(key), "required", Value::Null, "is required")
        })
    }

    pub fn f64_opt(&self, key: &str, min: f64, max: f64) -> ApiResult<Option<f64>> {
        let v = match self.raw(key) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        match v {
            Some(v) if v.is_finite() && v >= min && v <= max => Ok(Some(v)),
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "out_of_range",
                serde_json::json!({"min": min, "max": max}),
                format!("must be from {min} to {max}"),
            )),
            None => Err(ApiError::field_code(
                self.name(key),
                "not_number",
                Value::Null,
                "must be a number",
            )),
        }
    }

    pub fn date_opt(&self, key: &str) -> ApiResult<Option<chrono::NaiveDate>> {
        match self.str_opt(key, 40)? {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    ApiError::field_code(
                        self.name(key),
                        "not_date",
                        Value::Null,
                        "must be a date YYYY-MM-DD",
                    )
                }),
        }
    }

    /// A nested object (e.g. `restricted`), or `None`.
    pub fn object_opt(&self, key: &str) -> ApiResult<Option<Fields>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(Fields {
                map: m.clone(),
                prefix: format!("{}{key}.", self.prefix),
            })),
            Some(_) => Err(ApiError::field_code(
                self.name(key),
                "not_object",
                Value::Null,
                "must be an object",
            )),
        }
    }

    /// Latitude and longitude: both or neither.
    pub fn point_opt(&self) -> ApiResult<(Option<f64>, Option<f64>)> {
        let lat = self.f64_opt("latitude", -90.0, 90.0)?;
        let lon = self.f64_opt("longitude", -180.0, 180.0)?;
        match (lat, lon) {
            (Some(_), None) => Err(ApiError::field_code(
                self.name("longitude"),
                "required",
                Value::Null,
                "is required when latitude is given",
            )),
            (None, Some(_)) => Err(ApiError::field_code(
                self.name("latitude"),
                "required",
                Value::Null,
                "is required when longitude is given",
            )),
            p => Ok(p),
        }
    }
}
