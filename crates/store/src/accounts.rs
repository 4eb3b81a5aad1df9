//! Accounts: users with a role, passwords hashed with argon2id, and login sessions
//! (browser cookies and API bearer tokens).
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
    pub bearer_token: String,
    pub csrf_token: String,
}

/// Cookie sessions last a working day; bearer tokens a week.
const COOKIE_TTL_HOURS: i64 = 12;
const BEARER_TTL_HOURS: i64 = 24 * 7;

/// 256 random bits as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// argon2id PHC string for a password. CPU-heavy by design: call off the async threads.
fn hash_password(password: &str) -> Result<String> {
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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Corrupt(format!("worker thread: {e}")))
}

/// A hash of a random password, checked when the user name is unknown so that a
/// failed login takes the same time whether or not the name exists.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn expiry(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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

impl Store {
    /// Create a user. `actor` is who did it (for the audit log), e.g. `cli` or an admin.
    pub async fn add_user(&self, actor: &str, name: &str, role: Role, password: &str) -> Result<User> {
        let pw = password.to_string();
        let phc = blocking(move || hash_password(&pw)).await??;
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
            audit_append!(tx, actor, "create", &format!("user/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        Ok(User { id, name: name.to_string(), role })
    }

    /// A bearer token for a user, valid `hours`, issued by `actor` without the
    /// password (an administrator at the server, for a GIS client or a script); `None`
    /// when there is no such user. Only its hash is stored; the audit log records the
    /// issue and expiry, never the token.
    pub async fn issue_token(&self, actor: &str, name: &str, hours: i64) -> Result<Option<(User, String, String)>> {
        let row: Option<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, role FROM users WHERE name = $1").bind(name).fetch_optional(pool).await?
        });
        let Some((id, role)) = row else { return Ok(None) };
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {name} has role `{role}`")))?;
        let token = random_token();
        let expires_at = expiry(hours);
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"kind": "bearer", "expires_at": expires_at});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            insert_session!(tx, &token, id, TokenKind::Bearer, &random_token(), &crate::audit::now(), &expires_at);
            audit_append!(tx, actor, "issue_token", &format!("user/{id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(Some((User { id, name: name.to_string(), role }, token, expires_at)))
    }

    /// Whether a user name is taken.
    pub async fn user_exists(&self, name: &str) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = $1").bind(name).fetch_one(pool).await?
        });
        Ok(n > 0)
    }

    /// Check a password and, if it matches, open a cookie session and a bearer token.
    /// Both outcomes are audited (`login` / `login_failed`); `client` (an IP) is
    /// recorded with them.
    pub async fn login(&self, name: &str, password: &str, client: &str) -> Result<Option<Login>> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, role, password_hash FROM users WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        });
        let pw = password.to_string();
        let (phc, known) = match &row {
            Some((_, _, h)) => (h.clone(), true),
            None => (
                match DUMMY_HASH.get() {
                    Some(h) => h.clone(),
                    None => {
                        let h = blocking(|| hash_password(&random_token())).await??;
                        DUMMY_HASH.get_or_init(|| h).clone()
                    }
                },
                false,
            ),
        };
        let ok = blocking(move || password_matches(&pw, &phc)).await? && known;
        let begin = self.begin_write_sql();
        let details = serde_json::json!({"client": client});
        let Some((id, role, _)) = row.filter(|_| ok) else {
            self.audit_record(name, "login_failed", &format!("user/{name}"), Some(&details)).await?;
            return Ok(None);
        };
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {name} has role `{role}`")))?;
        let user = User { id, name: name.to_string(), role };
        let (cookie_token, bearer_token, csrf_token) = (random_token(), random_token(), random_token());
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for (token, kind, ttl) in
                [(&cookie_token, TokenKind::Cookie, COOKIE_TTL_HOURS), (&bearer_token, TokenKind::Bearer, BEARER_TTL_HOURS)]
            {
                insert_session!(tx, token, id, kind, &csrf_token, &now, expiry(ttl));
            }
            audit_append!(tx, name, "login", &format!("user/{id}"), None, Some(&details));
            tx.commit().await?;
        });
        Ok(Some(Login { user, cookie_token, bearer_token, csrf_token }))
    }

    /// The live session behind a token presented as `kind`, if any.
    pub async fn session(&self, token: &str, kind: TokenKind) -> Result<Option<Session>> {
        let row: Option<(i64, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.name, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3",
            )
            .bind(sha256_hex(token.as_bytes()))
            .bind(kind.as_str())
            .bind(crate::audit::now())
            .fetch_optional(pool)
            .await?
        });
        let Some((id, name, role, csrf_token)) = row else {
            return Ok(None);
        };
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {name} has role `{role}`")))?;
        Ok(Some(Session { user: User { id, name, role }, kind, csrf_token }))
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
            audit_append!(tx, &user.name, "logout", &format!("user/{}", user.id), None, None);
            tx.commit().await?;
        });
        Ok(())
    }

    /// All users, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, role FROM users ORDER BY name").fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, name, role)| {
                let role =
                    Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {name} has role `{role}`")))?;
                Ok(User { id, name, role })
            })
            .collect()
    }
}
