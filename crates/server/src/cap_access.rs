//! Who may fetch the CAP documents (`/cap/{id}.xml`) and the Atom feed
//! (`/cap/alerts.atom`).
//!
//! With the configured CAP `scope = "Public"` the feed is public, as CAP feeds are.
//! With `scope = "Restricted"` it is for logged-in accounts of the roles that read
//! alerts, by bearer token (or session cookie): without one, 401.
//!
//! Which incidents feed published alerts is the application layer's rule
//! (`vigil_app::alerts::feeds_alerts`: public incidents only).

use crate::auth::Auth;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use vigil_warn::cap::Scope;

/// Extracting it is the access check of the CAP routes.
#[derive(Debug, Clone, Copy)]
pub struct CapReader;

impl FromRequestParts<AppState> for CapReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.alerting.cap.scope == Scope::Public {
            return Ok(CapReader);
        }
        let auth = Auth::from_request_parts(parts, state).await.map_err(|mut e| {
            e.message = format!("this CAP feed has scope Restricted: {}", e.message);
            e
        })?;
        auth.require(&crate::access::ALERTS, "read the restricted CAP feed")?;
        Ok(CapReader)
    }
}
