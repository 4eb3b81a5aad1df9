//! Who may fetch the CAP documents (`/cap/{id}.xml`) and the Atom feed
//! (`/cap/alerts.atom`), and which incidents may feed the alerts they publish.
//!
//! With the configured CAP `scope = "Public"` the feed is public, as CAP feeds are.
//! With `scope = "Restricted"` it is for logged-in accounts of the roles that read
//! alerts, by bearer token (or session cookie): without one, 401.
//!
//! Alerts are published (CAP, Atom, webhooks) from coded, analyst-approved incident
//! fields only, and only from public incidents: a restricted or confidential
//! incident never triggers, nor counts towards, an alert.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use vigil_store::access::Visibility;
use vigil_store::reports::IncidentRecord;
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
        auth.require(crate::alerts_api::READ, "read the restricted CAP feed")?;
        Ok(CapReader)
    }
}

/// Whether an incident may trigger or count towards a published alert.
pub fn feeds_alerts(r: &IncidentRecord) -> bool {
    Visibility::Public.allows(r.sensitivity.as_deref())
}
