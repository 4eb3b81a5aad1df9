//! Account management for administrators: list accounts, disable and enable,
//! change a role, reset a password, revoke every session and token, grant or
//! revoke restricted access. Admin only; every change is audited by the store.
//! An administrator cannot disable or demote their own account (another admin
//! must), so the last admin cannot lock everyone out by a slip.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use vigil_store::account_admin::AccountChange;
use vigil_store::accounts::{Role, User};

/// Shortest password accepted on a reset.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The routes under /api/users.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{name}/disable", post(disable))
        .route("/users/{name}/enable", post(enable))
        .route("/users/{name}/role", post(role))
        .route("/users/{name}/password", post(password))
        .route("/users/{name}/revoke", post(revoke))
        .route("/users/{name}/grant-restricted", post(grant_restricted))
        .route("/users/{name}/revoke-restricted", post(revoke_restricted))
}

fn admin(auth: &Auth) -> ApiResult<()> {
    auth.require(&[Role::Admin], "manage accounts")
}

fn user_json(u: &User) -> serde_json::Value {
    serde_json::json!({
        "name": u.name, "role": u.role, "disabled": u.disabled, "restricted_access": u.restricted_access,
    })
}

/// GET /api/users
async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<serde_json::Value>> {
    admin(&auth)?;
    let users: Vec<serde_json::Value> = st.store.users().await?.iter().map(user_json).collect();
    Ok(Json(serde_json::json!({ "users": users })))
}

/// POST /api/users with `{"name", "role", "password"}`: a new account (201). Names are
/// 1–64 letters, digits, `.`, `_` or `-`; passwords at least [`MIN_PASSWORD_CHARS`].
async fn create(
    State(st): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<serde_json::Value>)> {
    admin(&auth)?;
    let f = Fields::from_json(&body)?;
    f.only(&["name", "role", "password"])?;
    let name = f.str_req("name", 64)?;
    if !name.chars().all(|c| c.is_alphanumeric() || ".-_".contains(c)) {
        return Err(ApiError::field("name", "use letters, digits, `.`, `_` or `-` only"));
    }
    let text = f.str_req("role", 20)?;
    let role = Role::parse(&text).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::field("role", format!("`{text}` is not a role (one of {})", all.join(", ")))
    })?;
    let pw = f.verbatim("password", 1000)?.ok_or_else(|| ApiError::field("password", "is required"))?;
    if pw.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::field("password", format!("use at least {MIN_PASSWORD_CHARS} characters")));
    }
    if st.store.user_exists(&name).await? {
        return Err(ApiError::new(axum::http::StatusCode::CONFLICT, format!("user {name} exists already")));
    }
    let u = st.store.add_user(&auth.user.name, &name, role, &pw).await?;
    Ok((axum::http::StatusCode::CREATED, Json(user_json(&u))))
}

async fn apply(st: &AppState, auth: &Auth, name: &str, change: AccountChange) -> ApiResult<Json<serde_json::Value>> {
    admin(auth)?;
    let own = name == auth.user.name;
    let demotes = matches!(change, AccountChange::Role(r) if r != Role::Admin);
    if own && (change == AccountChange::Disable || demotes) {
        return Err(ApiError::forbidden("an administrator cannot disable or demote their own account: ask another admin"));
    }
    let changed = st
        .store
        .change_account(&auth.user.name, name, change)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user {name}")))?;
    let mut body = user_json(&changed.user);
    body["sessions_ended"] = changed.sessions_ended.into();
    Ok(Json(body))
}

/// POST /api/users/{name}/disable: the account cannot log in; its sessions and
/// tokens stop working at once.
async fn disable(State(st): State<AppState>, auth: Auth, Path(name): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    apply(&st, &auth, &name, AccountChange::Disable).await
}

/// POST /api/users/{name}/enable
async fn enable(State(st): State<AppState>, auth: Auth, Path(name): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    apply(&st, &auth, &name, AccountChange::Enable).await
}

/// POST /api/users/{name}/role with `{"role": "analyst"}`
async fn role(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    admin(&auth)?;
    let f = Fields::from_json(&body)?;
    f.only(&["role"])?;
    let text = f.str_req("role", 20)?;
    let role = Role::parse(&text).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::field("role", format!("`{text}` is not a role (one of {})", all.join(", ")))
    })?;
    apply(&st, &auth, &name, AccountChange::Role(role)).await
}

/// POST /api/users/{name}/password with `{"password": "..."}`: sets a new password
/// and ends the account's sessions and tokens.
async fn password(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    admin(&auth)?;
    let f = Fields::from_json(&body)?;
    f.only(&["password"])?;
    let pw = f.verbatim("password", 1000)?.ok_or_else(|| ApiError::field("password", "is required"))?;
    if pw.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::field("password", format!("use at least {MIN_PASSWORD_CHARS} characters")));
    }
    apply(&st, &auth, &name, AccountChange::Password(pw)).await
}

/// POST /api/users/{name}/revoke: ends every session and token ("log out everywhere").
async fn revoke(State(st): State<AppState>, auth: Auth, Path(name): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    apply(&st, &auth, &name, AccountChange::Revoke).await
}

/// POST /api/users/{name}/grant-restricted: an explicit grant of restricted detail.
async fn grant_restricted(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    apply(&st, &auth, &name, AccountChange::GrantRestricted).await
}

/// POST /api/users/{name}/revoke-restricted
async fn revoke_restricted(
    State(st): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    apply(&st, &auth, &name, AccountChange::RevokeRestricted).await
}

/// The OpenAPI paths of these routes.
pub fn openapi_paths() -> serde_json::Value {
    use crate::openapi::with;
    use serde_json::json;
    let account = json!({"description": "the account after the change", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"name": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"},
        "disabled": {"type": "boolean"}, "restricted_access": {"type": "boolean"}, "sessions_ended": {"type": "integer"}}}}}});
    let name = json!([{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let op = |summary: &str, body: Option<serde_json::Value>| {
        let mut o = json!({"summary": summary, "description": "Roles: admin. Audited.", "parameters": name.clone(),
            "responses": with("200", account.clone(), &["401", "403", "404", "422"])});
        if let Some(b) = body {
            o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": b}}});
        }
        json!({"post": o})
    };
    json!({
        "/api/users": {"get": {"summary": "Accounts, their roles and state", "description": "Roles: admin.",
            "responses": with("200", json!({"description": "accounts", "content": {"application/json": {"schema": {"type": "object"}}}}), &["401", "403"])},
            "post": {"summary": "Create an account (name of letters, digits, . _ -; password of at least 10 characters)", "description": "Roles: admin. Audited.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "role", "password"],
                    "properties": {"name": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"}, "password": {"type": "string"}}}}}},
                "responses": with("201", account.clone(), &["401", "403", "409", "422"])}},
        "/api/users/{name}/disable": op("Disable an account: no login; its sessions and tokens stop working at once (not your own)", None),
        "/api/users/{name}/enable": op("Enable a disabled account", None),
        "/api/users/{name}/role": op("Change an account's role (not demote your own)", Some(json!({"type": "object", "required": ["role"],
            "properties": {"role": {"$ref": "#/components/schemas/Role"}}}))),
        "/api/users/{name}/password": op("Reset an account's password (at least 10 characters); ends its sessions and tokens", Some(json!({"type": "object",
            "required": ["password"], "properties": {"password": {"type": "string"}}}))),
        "/api/users/{name}/revoke": op("End every session and token of an account (log out everywhere)", None),
        "/api/users/{name}/grant-restricted": op("Grant an account restricted detail beyond its role (explicit, audited)", None),
        "/api/users/{name}/revoke-restricted": op("Withdraw a grant of restricted detail", None),
    })
}
