//! The caller as the store's access rules see it: [`Caller`] extracts the logged-in
//! [`Auth`] and its [`Principal`] (role plus the explicit grant of restricted
//! access), so handlers pass the principal to the store's read functions instead of
//! deciding themselves who sees restricted detail (see `vigil_store::access`).

use crate::auth::Auth;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use vigil_store::access::Principal;

/// A logged-in caller with its principal.
#[derive(Debug, Clone)]
pub struct Caller {
    pub auth: Auth,
    pub principal: Principal,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        let principal = state.store.principal(&auth.user).await?;
        Ok(Caller { auth, principal })
    }
}
