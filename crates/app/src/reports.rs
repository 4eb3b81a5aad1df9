//! Field reports: intake and triage as use cases. The store keeps the report and
//! its audit entry in one transaction; then the rules run on what came in (the
//! report itself, or the incident coded from it). A rule failure is logged, never
//! turned into a failed intake: the report is already committed.

use crate::{alerts, AppResult, Context};
use vigil_store::accounts::User;
use vigil_store::reports::{Coding, NewReport, Report};

/// Store a report as received, then run the report rules on it.
pub async fn submit_report(cx: &Context, reporter: &User, mut new: NewReport) -> AppResult<Report> {
    new.received_at.get_or_insert_with(|| cx.alerting.now());
    let report = cx.store.submit_report(reporter, new).await?;
    alerts::on_report(cx, &report).await;
    Ok(report)
}

/// Verify a new report into an incident coded as `coding`, then run the incident
/// rules on it. Returns the incident's id.
pub async fn verify_report(cx: &Context, actor: &User, report_id: i64, coding: &Coding) -> AppResult<i64> {
    let incident_id = cx.store.verify_report(actor, report_id, coding).await?;
    alerts::on_incident(cx, incident_id).await;
    Ok(incident_id)
}

/// Merge a new report into an existing incident.
pub async fn merge_report(cx: &Context, actor: &User, report_id: i64, incident_id: i64) -> AppResult<()> {
    Ok(cx.store.merge_report(actor, report_id, incident_id).await?)
}

/// Discard a new report with a reason.
pub async fn discard_report(cx: &Context, actor: &User, report_id: i64, reason: &str) -> AppResult<()> {
    Ok(cx.store.discard_report(actor, report_id, reason).await?)
}
