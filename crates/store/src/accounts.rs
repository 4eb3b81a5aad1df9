//! Accounts: users with a role, passwords hashed with argon2id, login sessions
//! (browser cookies and API bearer tokens) and the login attempt limits.
//!
//! Attempts are counted in the database per account and address and per account,
//! incremented before a password is checked in one statement, so parallel guesses
//! cannot all pass the check; argon2 runs at most one hash per core at a time, so a
//! flood of logins queues instead of taking a 19 MiB buffer each.
//!
//! Tokens are 256 random bits handed to the client once; only their SHA-256 is
//! stored, so reading the database does not yield a usable login. Every user
//! creation, login (good or bad) and logout is an audit entry.

use crate::audit::{audit_append, sha256_hex};
use crate::{on_pool, Result, Store, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a user may do. The server checks the role on every endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Field focal points and call-centre operators: submit reports, see their own.
    Reporter,
    /// Verify, merge and code reports; read everything not restricted.
    Analyst,
    /// Read incidents and maps; act on alerts.
    Responder,
    /// Human-rights officers: everything analysts do, plus restricted detail.
    HrOfficer,
    /// Read incidents, maps and figures for scenarios and reporting.
    Planner,
    /// Accounts and the audit log; restricted detail only by an explicit grant.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Reporter, Role::Analyst, Role::Responder, Role::HrOfficer, Role::Planner, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Analyst => "analyst",
            Role::Responder => "responder",
            Role::HrOfficer => "hr_officer",
            Role::Planner => "planner",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Victims', witnesses' and contacts' details by role alone: human-rights officers only
    /// (another account only by an explicit grant, see `access::Principal`).
    pub fn sees_restricted(self) -> bool {
        self == Role::HrOfficer
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as the rest of the system sees it (never with the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Disabled accounts cannot log in; their sessions and tokens were ended.
    pub disabled: bool,
    /// An explicit, audited grant of restricted detail beyond what the role carries.
    pub restricted_access: bool,
}

/// How a token reaches the server. A cookie token is refused as a bearer token and
/// the other way round, so the HttpOnly cookie's value is never something page
/// scripts hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Cookie,
    Bearer,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Cookie => "cookie",
            TokenKind::Bearer => "bearer",
        }
    }
}

/// A live session found from a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub kind: TokenKind,
    /// Must accompany cookie-authenticated writes (header `X-CSRF-Token`).
    pub csrf_token: String,
}

/// What a successful login hands out.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: User,
    pub cookie_token: String,
    /// Only when the client asked for one (a script, a GIS client): a browser never
    /// gets a token its page scripts could read.
    pub bearer_token: Option<String>,
    pub csrf_token: String,
    /// The device cookie for this account and browser (see [`crate::device_cookies`]):
    /// the one presented when it was valid, else a new one.
    pub device_cookie: String,
}

/// What a login attempt came to.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    LoggedIn(Login),
    /// Wrong password, unknown name or disabled account: one answer for all three.
    Refused,
    /// Too many attempts for this account from this address, or for this account
    /// from everywhere, within the window: no password was checked.
    Blocked { retry_after_secs: u64 },
}


/// Cookie sessions last a working day; bearer tokens a week.
const COOKIE_TTL_HOURS: i64 = 12;
const BEARER_TTL_HOURS: i64 = 24 * 7;

/// Login attempts allowed per account and address, and per account from all
/// addresses, within [`ATTEMPT_WINDOW_SECS`].
pub const MAX_ATTEMPTS_PER_ADDRESS: i64 = 5;
pub const MAX_ATTEMPTS_PER_ACCOUNT: i64 = 20;
pub const ATTEMPT_WINDOW_SECS: i64 = 300;

/// 256 random bits as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// argon2id PHC string for a password. CPU-heavy by design: call through [`hashing`].
pub(crate) fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Corrupt(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("hashing a password: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// One argon2 run per core at a time: each takes 19 MiB, and unbounded blocking
/// threads took a server from 129 MB to 1.5 GB under 300 concurrent logins.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(hashing_slots()))
}

/// How many passwords may be hashed at once (the number of cores).
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

static HASHING_NOW: AtomicUsize = AtomicUsize::new(0);
static HASHING_PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most password hashes that ever ran at once in this process (for monitoring,
/// and for the test of the bound).
pub fn hashing_peak() -> usize {
    HASHING_PEAK.load(Ordering::Relaxed)
}

/// Run a password hash or check off the async threads, waiting for a free slot.
pub(crate) async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit =
        hashing_permits().acquire().await.map_err(|e| StoreError::Corrupt(format!("hashing slots: {e}")))?;
    let n = HASHING_NOW.fetch_add(1, Ordering::SeqCst) + 1;
    HASHING_PEAK.fetch_max(n, Ordering::SeqCst);
    let out = tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Corrupt(format!("worker thread: {e}")));
    HASHING_NOW.fetch_sub(1, Ordering::SeqCst);
    out
}

/// A hash of a random password, checked when the user name is unknown so that a
/// failed login takes the same time whether or not the name exists.
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

pub(crate) fn expiry(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_role(name: &str, role: &str) -> Result<Role> {
    Role::parse(role).ok_or_else(|| StoreError::Corrupt(format!("user {name} has role `{role}`")))
}

/// Store a session token (its hash only) in an open transaction `tx`, on either backend.
macro_rules! insert_session {
    ($tx:ident, $token:expr, $user_id:expr, $kind:expr, $csrf:expr, $created:expr, $expires:expr) => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(sha256_hex($token.as_bytes()))
        .bind($user_id)
        .bind($kind.as_str())
        .bind($csrf)
        .bind($created)
        .bind($expires)
        .execute(&mut *$tx)
        .await?
    };
}

/// Count one attempt for (user, client) in the open transaction `tx` and evaluate to
/// `(attempts in the window including this one, seconds until the window ends)`.
/// One upsert: concurrent attempts queue on the row and each sees the count after
/// its own increment.
macro_rules! count_attempt {
    ($tx:ident, $user_id:expr, $client:expr) => {{
        let now = chrono::Utc::now();
        let fmt = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let cutoff = fmt(now - chrono::Duration::seconds(ATTEMPT_WINDOW_SECS));
        let (n, start): (i64, String) = sqlx::query_as(
            "INSERT INTO login_attempts (user_id, client, attempts, window_start) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (user_id, client) DO UPDATE SET \
             attempts = CASE WHEN login_attempts.window_start < $4 THEN 1 ELSE login_attempts.attempts + 1 END, \
             window_start = CASE WHEN login_attempts.window_start < $4 THEN $3 ELSE login_attempts.window_start END \
             RETURNING attempts, window_start",
        )
        .bind($user_id)
        .bind($client)
        .bind(fmt(now))
        .bind(&cutoff)
        .fetch_one(&mut *$tx)
        .await?;
        let ends = chrono::DateTime::parse_from_rfc3339(&start)
            .map(|t| t.with_timezone(&chrono::Utc) + chrono::Duration::seconds(ATTEMPT_WINDOW_SECS))
            .unwrap_or(now);
        (n, (ends - now).num_seconds().max(1) as u64)
    }};
}

/// The columns [`user_from_row`] reads.
pub(crate) const USER_COLUMNS: &str = "id, name, role, disabled_at, restricted_access";
pub(crate) type UserRow = (i64, String, String, Option<String>, bool);

pub(crate) fn user_from_row(r: UserRow) -> Result<User> {
    let role = parse_role(&r.1, &r.2)?;
    Ok(User { id: r.0, name: r.1, role, disabled: r.3.is_some(), restricted_access: r.4 })
}

impl Store {
    /// Create a user. `actor` is who did it (for the audit log), e.g. `cli` or an admin.
    pub async fn add_user(&self, actor: &str, name: &str, role: Role, password: &str) -> Result<User> {
        let pw = password.to_string();
        let phc = hashing(move || hash_password(&pw)).await??;
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"name": name, "role": role.as_str()});
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(name)
            .bind(role.as_str())
            .bind(&phc)
            .bind(crate::audit::now())
            .fetch_one(&mut *tx)
            .await?;
            if let Some(ha1) = crate::odk::ha1_for(role, name, password) {
                crate::odk::put_ha1!(tx, id, ha1);
            }
            audit_append!(self, tx, actor, "create", &format!("user/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        Ok(User { id, name: name.to_string(), role, disabled: false, restricted_access: false })
    }

    /// One user by name, disabled or not.
    pub async fn user(&self, name: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1");
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(name).fetch_optional(pool).await?
        });
        row.map(user_from_row).transpose()
    }

    /// A bearer token for a user, valid `hours`, issued by `actor` without the
    /// password (an administrator at the server, for a GIS client or a script); `None`
    /// when there is no such user or the account is disabled. Only its hash is stored;
    /// the audit log records the issue and expiry, never the token.
    pub async fn issue_token(&self, actor: &str, name: &str, hours: i64) -> Result<Option<(User, String, String)>> {
        let Some(user) = self.user(name).await?.filter(|u| !u.disabled) else { return Ok(None) };
        let token = random_token();
        let expires_at = expiry(hours);
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"kind": "bearer", "expires_at": expires_at});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            insert_session!(tx, &token, user.id, TokenKind::Bearer, &random_token(), &crate::audit::now(), &expires_at);
            audit_append!(self, tx, actor, "issue_token", &format!("user/{}", user.id), None, Some(&after));
            tx.commit().await?;
        });
        Ok(Some((user, token, expires_at)))
    }

    /// Whether a user name is taken.
    pub async fn user_exists(&self, name: &str) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = $1").bind(name).fetch_one(pool).await?
        });
        Ok(n > 0)
    }

    /// [`Store::login_with_devices`] without device cookies.
    pub async fn login(&self, name: &str, password: &str, client: &str, bearer: bool) -> Result<LoginOutcome> {
        self.login_with_devices(name, password, client, &[], bearer).await
    }

    /// Check a password and, if it matches an enabled account, open a cookie session
    /// (and a bearer token when `bearer` is asked for). Without a device cookie the
    /// attempt is counted for the account from `client` (an address) and for the
    /// account from everywhere before the password is checked; over either limit
    /// nothing is checked. With a valid device cookie for the account among `devices`
    /// it is counted for that device alone (at most [`MAX_ATTEMPTS_PER_ADDRESS`]):
    /// guesses by others behind the same address, or spread over many addresses,
    /// do not lock out the owner's browser. Outcomes are audited (`login`,
    /// `login_failed`); a name that matches no account is recorded as "unknown user"
    /// with its length, never as typed (it may be a password).
    pub async fn login_with_devices(
        &self,
        name: &str,
        password: &str,
        client: &str,
        devices: &[String],
        bearer: bool,
    ) -> Result<LoginOutcome> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE name = $1");
        let row: Option<(i64, String, String, Option<String>, bool, String)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(name).fetch_optional(pool).await?
        });
        let begin = self.begin_write_sql();
        let Some((id, uname, role, disabled_at, restricted_access, phc)) = row else {
            let dummy = DUMMY_HASH.get_or_try_init(|| async { hashing(|| hash_password(&random_token())).await? }).await?;
            let (pw, phc) = (password.to_string(), dummy.clone());
            hashing(move || password_matches(&pw, &phc)).await?;
            let details = serde_json::json!({"client": client, "name_length": name.chars().count()});
            self.audit_record("unknown user", "login_failed", "user/unknown", Some(&details)).await?;
            return Ok(LoginOutcome::Refused);
        };
        let key = self.audit_key()?;
        let device = devices.iter().find_map(|c| {
            crate::device_cookies::attempt_key(&key, id, c).map(|k| (c.clone(), k))
        });
        // a device is counted on its own: not per address, not toward the account's
        // allowance for attempts without a cookie
        let counter = device.as_ref().map(|(_, k)| k.as_str()).unwrap_or(client);
        let blocked: Option<u64> = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let (here, wait_here) = count_attempt!(tx, id, counter);
            let blocked = if here > MAX_ATTEMPTS_PER_ADDRESS {
                Some(wait_here)
            } else if device.is_some() {
                None
            } else {
                let (all, wait_all) = count_attempt!(tx, id, "*");
                (all > MAX_ATTEMPTS_PER_ACCOUNT).then_some(wait_all)
            };
            tx.commit().await?;
            blocked
        });
        if let Some(retry_after_secs) = blocked {
            return Ok(LoginOutcome::Blocked { retry_after_secs });
        }
        let pw = password.to_string();
        let ok = hashing(move || password_matches(&pw, &phc)).await?;
        let mut details = serde_json::json!({"client": client});
        if device.is_some() {
            details["device_cookie"] = true.into();
        }
        if !ok || disabled_at.is_some() {
            let mut d = details.clone();
            if ok {
                d["refused"] = "account disabled".into();
            }
            self.audit_record(&uname, "login_failed", &format!("user/{id}"), Some(&d)).await?;
            return Ok(LoginOutcome::Refused);
        }
        let user = User { id, role: parse_role(&uname, &role)?, name: uname, disabled: false, restricted_access };
        let (cookie_token, csrf_token) = (random_token(), random_token());
        let bearer_token = bearer.then(random_token);
        let now = crate::audit::now();
        let mut after = details;
        if bearer {
            after["bearer_token"] = true.into();
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM login_attempts WHERE user_id = $1 AND client = $2")
                .bind(id)
                .bind(counter)
                .execute(&mut *tx)
                .await?;
            if device.is_none() {
                sqlx::query("UPDATE login_attempts SET attempts = attempts - 1 WHERE user_id = $1 AND client = '*' AND attempts > 0")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            // everyone's expired sessions go at each login
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(&now).execute(&mut *tx).await?;
            insert_session!(tx, &cookie_token, id, TokenKind::Cookie, &csrf_token, &now, expiry(COOKIE_TTL_HOURS));
            if let Some(t) = &bearer_token {
                insert_session!(tx, t, id, TokenKind::Bearer, &csrf_token, &now, expiry(BEARER_TTL_HOURS));
            }
            audit_append!(self, tx, &user.name, "login", &format!("user/{id}"), None, Some(&after));
            tx.commit().await?;
        });
        let device_cookie = match device {
            Some((cookie, _)) => cookie,
            None => crate::device_cookies::issue(&key, id),
        };
        Ok(LoginOutcome::LoggedIn(Login { user, cookie_token, bearer_token, csrf_token, device_cookie }))
    }

    /// The live session behind a token presented as `kind`, if any. A disabled
    /// account has none.
    pub async fn session(&self, token: &str, kind: TokenKind) -> Result<Option<Session>> {
        let row: Option<(i64, String, String, bool, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.name, u.role, u.restricted_access, s.csrf_token FROM sessions s \
                 JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND u.disabled_at IS NULL",
            )
            .bind(sha256_hex(token.as_bytes()))
            .bind(kind.as_str())
            .bind(crate::audit::now())
            .fetch_optional(pool)
            .await?
        });
        let Some((id, name, role, restricted_access, csrf_token)) = row else {
            return Ok(None);
        };
        let role = parse_role(&name, &role)?;
        Ok(Some(Session { user: User { id, name, role, disabled: false, restricted_access }, kind, csrf_token }))
    }

    /// End the session behind a token and every other token opened by the same login
    /// (they share the CSRF token).
    pub async fn logout(&self, user: &User, csrf_token: &str) -> Result<()> {
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND csrf_token = $2")
                .bind(user.id)
                .bind(csrf_token)
                .execute(&mut *tx)
                .await?;
            audit_append!(self, tx, &user.name, "logout", &format!("user/{}", user.id), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Delete sessions and tokens past their expiry; how many went.
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(crate::audit::now())
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// All users, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?
        });
        rows.into_iter().map(user_from_row).collect()
    }
}
