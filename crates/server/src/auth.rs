//! Who is calling, and may they: login, logout, the session extractor [`Auth`], CSRF
//! checking, role checks and the login rate limit.
//!
//! A browser holds an HttpOnly, SameSite=Strict session cookie; API clients send
//! `Authorization: Bearer`. A write authenticated by cookie must carry the session's
//! CSRF token in `X-CSRF-Token` (SameSite alone does not protect older browsers or
//! same-site subdomains); a bearer token cannot be sent by another site, so bearer
//! requests need none.

use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use vigil_store::accounts::{Role, TokenKind, User};

pub const SESSION_COOKIE: &str = "vigil_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub via: TokenKind,
    pub csrf_token: String,
}

impl Auth {
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// 403 unless the caller has one of `roles`; `what` says what was refused.
    pub fn require(&self, roles: &[Role], what: &str) -> ApiResult<()> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!(
                "role {} may not {what} (allowed: {})",
                self.user.role,
                allowed.join(", ")
            )))
        }
    }

    pub fn sees_restricted(&self) -> bool {
        self.user.role.sees_restricted()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (token, kind) = if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
            let h = h.to_str().unwrap_or("");
            let Some(t) = h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")) else {
                return Err(ApiError::unauthorized("Authorization header must be `Bearer <token>`"));
            };
            (t.trim().to_string(), TokenKind::Bearer)
        } else {
            let jar = CookieJar::from_headers(&parts.headers);
            match jar.get(SESSION_COOKIE) {
                Some(c) => (c.value().to_string(), TokenKind::Cookie),
                None => return Err(ApiError::unauthorized("not logged in: POST /api/login first")),
            }
        };
        let session = state
            .store
            .session(&token, kind)
            .await?
            .ok_or_else(|| ApiError::unauthorized("session or token expired or unknown: log in again"))?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if kind == TokenKind::Cookie && !safe {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(given.as_bytes(), session.csrf_token.as_bytes()) {
                let mut e = ApiError::forbidden(
                    "missing or wrong X-CSRF-Token header (take csrf_token from /api/login or /api/me)",
                );
                e.field = Some("X-CSRF-Token".into());
                return Err(e);
            }
        }
        Ok(Auth { user: session.user, via: kind, csrf_token: session.csrf_token })
    }
}

/// Failed logins per (user name, client address) within a window. In memory: a
/// restart clears it, which is acceptable for slowing down password guessing.
pub struct LoginLimiter {
    failures: Mutex<HashMap<(String, String), Vec<Instant>>>,
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter { failures: Mutex::new(HashMap::new()), max_failures: 5, window: Duration::from_secs(300) }
    }
}

impl LoginLimiter {
    /// `Some(seconds to wait)` when this key has used up its failures.
    fn blocked(&self, key: &(String, String)) -> Option<u64> {
        let mut m = self.failures.lock().expect("limiter lock");
        let now = Instant::now();
        let list = m.get_mut(key)?;
        list.retain(|t| now.duration_since(*t) < self.window);
        if list.len() >= self.max_failures {
            let oldest = list.iter().min().copied().unwrap_or(now);
            Some(self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
        } else {
            None
        }
    }

    fn fail(&self, key: (String, String)) {
        let mut m = self.failures.lock().expect("limiter lock");
        if m.len() > 100_000 {
            // bound memory under a flood of distinct names
            let now = Instant::now();
            m.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
        }
        m.entry(key).or_default().push(Instant::now());
    }

    fn succeed(&self, key: &(String, String)) {
        self.failures.lock().expect("limiter lock").remove(key);
    }
}

fn client_addr(parts: &Parts) -> String {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "local".into())
}

/// POST /api/login
pub async fn login(
    State(st): State<AppState>,
    parts: Parts,
    jar: CookieJar,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let f = Fields::from_json(&body)?;
    f.only(&["username", "password"])?;
    let username = f.str_req("username", 100)?;
    let password = f.verbatim("password", 1000)?.ok_or_else(|| ApiError::field("password", "is required"))?;
    let client = client_addr(&parts);
    let key = (username.to_lowercase(), client.clone());
    if let Some(wait) = st.limiter.blocked(&key) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many failed logins for {username}; try again in {wait} s"),
        );
        e.retry_after = Some(wait);
        return Err(e);
    }
    let Some(login) = st.store.login(&username, &password, &client).await? else {
        st.limiter.fail(key);
        return Err(ApiError::unauthorized("wrong user name or password"));
    };
    st.limiter.succeed(&key);
    let cookie = Cookie::build((SESSION_COOKIE, login.cookie_token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(st.config.secure_cookies)
        .path("/")
        .build();
    Ok((
        jar.add(cookie),
        Json(serde_json::json!({
            "user": login.user.name,
            "role": login.user.role,
            "csrf_token": login.csrf_token,
            "token": login.bearer_token,
            "demo": st.config.demo,
            "synthetic_data": st.config.demo,
        })),
    ))
}

/// POST /api/logout: ends this login's cookie session and bearer token.
pub async fn logout(State(st): State<AppState>, auth: Auth, jar: CookieJar) -> ApiResult<impl IntoResponse> {
    st.store.logout(&auth.user, &auth.csrf_token).await?;
    let gone = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    Ok((jar.remove(gone), Json(serde_json::json!({"logged_out": true}))))
}

/// GET /api/me
pub async fn me(State(st): State<AppState>, caller: crate::caller::Caller) -> ApiResult<impl IntoResponse> {
    let auth = &caller.auth;
    Ok(Json(serde_json::json!({
        "user": auth.user.name,
        "role": auth.user.role,
        "csrf_token": auth.csrf_token,
        "sees_restricted": caller.principal.sees_restricted_detail(),
        "demo": st.config.demo,
        "synthetic_data": st.config.demo,
    })))
}
