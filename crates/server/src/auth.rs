//! Who is calling, and may they: login, logout, the session extractor [`Auth`], CSRF
//! checking, role checks and the throttle on unknown user names.
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
use vigil_store::accounts::{LoginOutcome, Role, TokenKind, User};
use vigil_store::device_cookies::{DEVICE_COOKIE_MAX_AGE_DAYS, DEVICE_COOKIE_PREFIX};

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

/// Logins with names that match no account, per client address: a token bucket in
/// memory (a restart refills it). Attempts for real accounts are limited in the
/// database per account and per account and address (see
/// `vigil_store::accounts`), so one person guessing cannot lock out everyone behind
/// the same address; this bucket stops the same person from trying name after name.
pub struct LoginLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    /// Unknown names an address may try at once.
    pub burst: f64,
    /// One more unknown name allowed per this long.
    pub refill_every: Duration,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter { buckets: Mutex::new(HashMap::new()), burst: 10.0, refill_every: Duration::from_secs(30) }
    }
}

impl LoginLimiter {
    /// Take a token for an unknown name from `client`'s bucket: `Err(seconds to
    /// wait)` when it is empty.
    pub fn take_unknown(&self, client: &str) -> Result<(), u64> {
        let mut m = self.buckets.lock().expect("limiter lock");
        let now = Instant::now();
        let per_sec = 1.0 / self.refill_every.as_secs_f64();
        if m.len() > 100_000 {
            // bound memory under a flood of addresses: drop buckets that are full again
            let burst = self.burst;
            m.retain(|_, (level, at)| *level + now.duration_since(*at).as_secs_f64() * per_sec < burst);
        }
        let (level, at) = m.entry(client.to_string()).or_insert((self.burst, now));
        *level = (*level + now.duration_since(*at).as_secs_f64() * per_sec).min(self.burst);
        *at = now;
        if *level >= 1.0 {
            *level -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *level) / per_sec).ceil().max(1.0) as u64)
        }
    }
}

fn client_addr(parts: &Parts) -> String {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "local".into())
}

fn too_many(message: String, wait: u64) -> ApiError {
    let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, message);
    e.retry_after = Some(wait);
    e
}

/// POST /api/login. A bearer token is issued only when asked for (`"bearer": true`,
/// for scripts and GIS clients); a browser gets the HttpOnly cookie alone.
pub async fn login(
    State(st): State<AppState>,
    parts: Parts,
    jar: CookieJar,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let f = Fields::from_json(&body)?;
    f.only(&["username", "password", "bearer"])?;
    let username = f.str_req("username", 100)?;
    let password = f.verbatim("password", 1000)?.ok_or_else(|| ApiError::field("password", "is required"))?;
    let bearer = f.bool_opt("bearer")?.unwrap_or(false);
    let client = client_addr(&parts);
    if !st.store.user_exists(&username).await? {
        if let Err(wait) = st.limiter.take_unknown(&client) {
            return Err(too_many(format!("too many failed logins from this address; try again in {wait} s"), wait));
        }
    }
    // every device cookie the browser holds (one per account that logged in on it)
    let devices: Vec<String> = jar
        .iter()
        .filter(|c| c.name().starts_with(DEVICE_COOKIE_PREFIX))
        .map(|c| c.value().to_string())
        .collect();
    let login = match st.store.login_with_devices(&username, &password, &client, &devices, bearer).await? {
        LoginOutcome::LoggedIn(l) => l,
        LoginOutcome::Refused => return Err(ApiError::unauthorized("wrong user name or password")),
        LoginOutcome::Blocked { retry_after_secs: wait } => {
            return Err(too_many(format!("too many failed logins for {username}; try again in {wait} s"), wait))
        }
    };
    let cookie = Cookie::build((SESSION_COOKIE, login.cookie_token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(st.config.secure_cookies)
        .path("/")
        .build();
    // kept across logouts: it proves this browser once had the right password
    // (parsed rather than built: Max-Age through the builder needs the `time` crate)
    let device = Cookie::parse(format!(
        "{DEVICE_COOKIE_PREFIX}{}={}; HttpOnly; SameSite=Strict; Path=/api/login; Max-Age={}{}",
        login.user.id,
        login.device_cookie,
        DEVICE_COOKIE_MAX_AGE_DAYS * 86_400,
        if st.config.secure_cookies { "; Secure" } else { "" }
    ))
    .map_err(|e| ApiError::internal(format!("building the device cookie: {e}")))?;
    let mut answer = serde_json::json!({
        "user": login.user.name,
        "role": login.user.role,
        "csrf_token": login.csrf_token,
        "demo": st.config.demo,
        "synthetic_data": st.config.demo,
    });
    if let Some(t) = login.bearer_token {
        answer["token"] = t.into();
    }
    Ok((jar.add(cookie).add(device), Json(answer)))
}

/// `?everywhere=true` on POST /api/logout.
#[derive(Debug, serde::Deserialize)]
pub struct LogoutQuery {
    #[serde(default)]
    pub everywhere: bool,
}

/// POST /api/logout: ends this login's cookie session and bearer token; with
/// `?everywhere=true`, every session and token of the account ("log out everywhere").
pub async fn logout(
    State(st): State<AppState>,
    auth: Auth,
    jar: CookieJar,
    axum::extract::Query(q): axum::extract::Query<LogoutQuery>,
) -> ApiResult<impl IntoResponse> {
    let ended = if q.everywhere {
        let changed = st
            .store
            .change_account(&auth.user.name, &auth.user.name, vigil_store::account_admin::AccountChange::Revoke)
            .await?;
        changed.map(|c| c.sessions_ended).unwrap_or(0)
    } else {
        st.store.logout(&auth.user, &auth.csrf_token).await?;
        1
    };
    let gone = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    Ok((jar.remove(gone), Json(serde_json::json!({"logged_out": true, "sessions_ended": ended}))))
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
