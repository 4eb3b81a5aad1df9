//! Coded incidents after triage: correcting the coding and retracting an incident
//! (the store keeps each version in the audit log; see `vigil_store::corrections`).
//! A correction can make an incident fire a rule (more deaths, a new place), so the
//! incident rules run on it again.

use crate::{alerts, AppResult, Context};
use vigil_store::access::Principal;
use vigil_store::corrections::{Corrected, Correction};

/// Correct incident `id`'s coding as `p`, then run the incident rules on it.
pub async fn correct_incident(cx: &Context, p: &Principal, id: i64, c: &Correction) -> AppResult<Corrected> {
    let done = cx.store.correct_incident(p, id, c).await?;
    if !done.after.is_empty() {
        alerts::on_incident(cx, id).await;
    }
    Ok(done)
}

/// Retract incident `id` as `p`: kept, marked, counted nowhere from now on.
pub async fn retract_incident(cx: &Context, p: &Principal, id: i64, reason: &str) -> AppResult<()> {
    Ok(cx.store.retract_incident(p, id, reason).await?)
}
