//! Alerts: running the rules on a new report and on an incident coded from one,
//! turning firings into alerts (a repeat of an open alert's situation updates it),
//! lifecycle steps (issue, acknowledge, close …), alerts raised by hand, and what an
//! alert looks like to readers (summary, detail, CAP XML, the Atom feed).
//!
//! The meaning lives in `vigil-warn` ([`Alert::from_firing`], [`Alert::absorbs`],
//! [`Alert::absorb`], [`Alert::transition`]); this module reads what a decision needs
//! from the store at a version, decides, renders the rows (status changes, CAP
//! messages as published, webhook outbox rows) and hands them to
//! [`Store::write_alert`], which writes them in one transaction unless another alert
//! write came in between; then the decision is taken again on fresh rows.

use crate::{AppError, AppResult, Context};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use vigil_model::IncidentFilter;
use vigil_store::alerts::{AlertWrite, CapMessageRow, StatusChangeRow, StoredAlert, TriggerRow, WebhookEvent};
use vigil_store::placement::Placer;
use vigil_store::reports::Report;
use vigil_store::Store;
use vigil_warn::cap::{self, CapConfig, MsgType};
use vigil_warn::rules::Reliability;
use vigil_warn::{
    Alert, AlertStatus, Applied, Area, Engine, Firing, IncidentInput, LatLon, ManualAlert, ReportInput, RuleSet,
    Trigger, Whereabouts,
};

/// Times a decision is taken again when other alert writes keep coming in between.
const MAX_TRIES: usize = 20;

pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// The alert a stored row holds.
pub fn doc_alert(s: &StoredAlert) -> AppResult<Alert> {
    serde_json::from_value(s.doc.clone()).map_err(|e| AppError::Internal(format!("stored alert {}: {e}", s.id)))
}

/// Admin codes of the area's centre, for the figures.
fn area_codes(area: &Area, placer: &Placer) -> (Option<String>, Option<String>) {
    let point = match area {
        Area::Circle { center, .. } => Some(*center),
        Area::Polygon { points } if !points.is_empty() => {
            #[allow(clippy::cast_precision_loss)] // a polygon has far fewer than 2^52 points
            let n = points.len() as f64;
            Some(LatLon::new(points.iter().map(|p| p.lat).sum::<f64>() / n, points.iter().map(|p| p.lon).sum::<f64>() / n))
        }
        Area::Cells { gids } if !gids.is_empty() => {
            let (lon, lat) = vigil_geo::gid_center(gids[0]);
            Some(LatLon::new(lat, lon))
        }
        Area::Admin { level: 1, codes } => return (codes.first().cloned(), None),
        Area::Admin { level: 2, codes } => {
            let a2 = codes.first().cloned();
            // OCHA P-codes nest (ML07 ⊃ ML0701); without a nesting code, no region
            let a1 = a2.as_ref().and_then(|c| {
                let i = placer.admin1.as_ref()?;
                i.areas().iter().find(|a| c.starts_with(&a.code)).map(|a| a.code.clone())
            });
            return (a1, a2);
        }
        _ => None,
    };
    match point {
        Some(p) => (placer.code_at(1, p.lon, p.lat, None), placer.code_at(2, p.lon, p.lat, None)),
        None => (None, None),
    }
}

fn msg_event(t: MsgType) -> &'static str {
    match t {
        MsgType::Alert => "alert.issued",
        MsgType::Update => "alert.updated",
        MsgType::Cancel => "alert.cancelled",
    }
}

/// The rows to write for an alert that went from `before` (`None`: new) to `after`:
/// the new status changes, the CAP messages published by the change (rendered now,
/// as published), and the webhook events it causes.
fn alert_write(
    before: Option<&Alert>,
    after: &Alert,
    cfg: &CapConfig,
    placer: &Placer,
    targets: &HashMap<String, i64>,
    actor: &str,
    action: Option<&str>,
) -> AppResult<AlertWrite> {
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("alert {}: {e}", after.id));
    let (old_changes, old_messages) = before.map_or((0, 0), |b| (b.history.len(), b.messages.len()));
    let mut new_messages = vec![];
    let mut events = vec![];
    for (i, m) in after.messages.iter().enumerate().skip(old_messages) {
        let xml = cap::message_xml(after, i, cfg).map_err(|e| internal(&e))?;
        events.push(WebhookEvent {
            event: msg_event(m.msg_type).into(),
            json: json!({"event": msg_event(m.msg_type), "cap_identifier": m.identifier, "alert": alert_summary(after, cfg)}),
            cap_xml: Some(xml.clone()),
        });
        new_messages.push(CapMessageRow {
            identifier: m.identifier.clone(),
            msg_type: m.msg_type.as_str().into(),
            sent: stamp(m.sent),
            xml,
        });
    }
    let fresh = &after.history[old_changes.min(after.history.len())..];
    let new_changes: Vec<StatusChangeRow> = fresh
        .iter()
        .map(|c| StatusChangeRow {
            from: c.from.map(|s| s.as_str().to_string()),
            to: c.to.as_str().into(),
            actor: c.actor.clone(),
            at: stamp(c.at),
            note: c.note.clone(),
        })
        .collect();
    // lifecycle steps of a published alert that publish no CAP message: JSON subscribers hear of them
    for c in fresh {
        if matches!(c.to, AlertStatus::Acknowledged | AlertStatus::Responding | AlertStatus::Closed) {
            let event = format!("alert.{}", c.to.as_str());
            events.push(WebhookEvent {
                json: json!({"event": event, "actor": c.actor, "at": stamp(c.at), "note": c.note, "alert": alert_summary(after, cfg)}),
                event,
                cap_xml: None,
            });
        }
    }
    let triggers = after
        .triggers
        .iter()
        .map(|t| match t {
            Trigger::Incident { id } => {
                TriggerRow { kind: "incident".into(), reference: id.clone(), target_id: targets.get(id).copied() }
            }
            Trigger::Report { id } => TriggerRow { kind: "report".into(), reference: id.clone(), target_id: id.parse().ok() },
            Trigger::Forecast { gid, month } => TriggerRow {
                kind: "forecast".into(),
                reference: format!("{gid}/{}", month.format("%Y-%m")),
                target_id: None,
            },
        })
        .collect();
    let (admin1, admin2) = area_codes(&after.area, placer);
    let issued_at = after.history.iter().find(|c| c.to == AlertStatus::Issued).map(|c| stamp(c.at));
    Ok(AlertWrite {
        id: i64::try_from(after.id).map_err(|e| internal(&e))?,
        is_new: before.is_none(),
        rule_id: after.rule_id.clone(),
        status: after.status.as_str().into(),
        area: serde_json::to_value(&after.area).map_err(|e| internal(&e))?,
        area_desc: after.area_desc.clone(),
        admin1,
        admin2,
        headline: after.headline.clone(),
        threat: after.threat.clone(),
        urgency: after.urgency.as_str().into(),
        severity: after.severity.as_str().into(),
        certainty: after.certainty.as_str().into(),
        expires_at: stamp(after.expires_at),
        created_at: stamp(after.created_at),
        updated_at: stamp(after.updated_at),
        issued_at,
        doc: serde_json::to_value(after).map_err(|e| internal(&e))?,
        triggers,
        new_changes,
        new_messages,
        events,
        actor: actor.into(),
        action: action.map(str::to_string),
    })
}

/// What a webhook JSON payload and the alert list say about an alert.
pub fn alert_summary(a: &Alert, cfg: &CapConfig) -> Value {
    json!({
        "id": a.id, "rule_id": a.rule_id, "status": a.status, "headline": a.headline, "area": a.area,
        "area_desc": a.area_desc, "urgency": a.urgency, "severity": a.severity, "certainty": a.certainty,
        "created_at": stamp(a.created_at), "updated_at": stamp(a.updated_at), "expires_at": stamp(a.expires_at),
        "firings": a.firings, "fr": a.fr,
        "cap_url": if a.messages.is_empty() { Value::Null } else { cap::cap_url(cfg, a.id).into() },
    })
}

fn unsigned(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

/// Decide what one firing does to the rule's open alerts: update the most recently
/// updated one that absorbs it, or create one with `next_id`. Returns the rows, the
/// outcome, and the audit entry's view of the alert before.
fn decide_firing(
    open: &[StoredAlert],
    next_id: i64,
    f: &Firing,
    rule: &vigil_warn::Rule,
    cfg: &CapConfig,
    placer: &Placer,
    targets: &HashMap<String, i64>,
) -> AppResult<(AlertWrite, Applied, Option<Value>)> {
    let mut alerts: Vec<Alert> = open
        .iter()
        .filter_map(|s| match serde_json::from_value::<Alert>(s.doc.clone()) {
            Ok(a) => Some(a),
            Err(e) => {
                tracing::error!("stored alert {} unreadable, not considered for de-duplication: {e}", s.id);
                None
            }
        })
        .collect();
    let (before, after, applied) =
        if let Some(a) = alerts.iter_mut().filter(|a| a.absorbs(f, rule)).max_by_key(|a| (a.updated_at, a.id)) {
            let before = a.clone();
            a.absorb(f, rule);
            (Some(before), a.clone(), Applied::Updated(a.id))
        } else {
            let a = Alert::from_firing(unsigned(next_id), f, rule);
            let id = a.id;
            (None, a, Applied::Created(id))
        };
    let action = if before.is_none() { "create" } else { "update" };
    let actor = format!("rule:{}", rule.id);
    let w = alert_write(before.as_ref(), &after, cfg, placer, targets, &actor, Some(action))?;
    let audit_before = if w.is_new {
        None
    } else {
        open.iter().find(|s| s.id == w.id).map(|s| {
            let d = &s.doc;
            json!({"status": d["status"], "headline": d["headline"], "updated_at": d["updated_at"], "firings": d["firings"]})
        })
    };
    Ok((w, applied, audit_before))
}

/// Turn firings into alerts, each written in its own transaction (`AlertBook`
/// semantics: a repeat of an open alert's situation within the rule's window updates
/// it, the most recently updated one if several qualify). `targets` maps incident
/// trigger ids (`source:source_id`) to store ids.
pub async fn apply_firings(
    cx: &Context,
    rules: &RuleSet,
    firings: &[Firing],
    targets: &HashMap<String, i64>,
) -> AppResult<Vec<Applied>> {
    if firings.is_empty() {
        return Ok(vec![]);
    }
    let placer = cx.alerting.placer(&cx.store).await?;
    let cfg = &cx.alerting.cap;
    let mut out = vec![];
    for f in firings {
        let Some(rule) = rules.get(&f.rule_id) else { continue };
        let mut tries = 0;
        let applied = loop {
            let snap = cx.store.open_alerts_of_rule(&f.rule_id).await?;
            let (w, applied, before) = decide_firing(&snap.alerts, snap.next_id, f, rule, cfg, &placer, targets)?;
            if cx.store.write_alert(snap.version, &w, before).await? {
                break applied;
            }
            tries += 1;
            if tries >= MAX_TRIES {
                return Err(AppError::Conflict(format!("alert for rule {}: too many concurrent alert writes", f.rule_id)));
            }
        };
        out.push(applied);
    }
    cx.alerting.wake.notify_one();
    Ok(out)
}

/// Run the report rules on a new report. Errors are logged: the report is already
/// committed and acknowledged, an alert failure must not undo that.
pub async fn on_report(cx: &Context, report: &Report) {
    if let Err(e) = evaluate_report(cx, report).await {
        tracing::error!("alert rules on report {}: {e}", report.id);
    }
}

/// The report rules on one report.
pub async fn evaluate_report(cx: &Context, r: &Report) -> AppResult<Vec<Applied>> {
    let rules = cx.alerting.rules();
    let point = match (r.latitude, r.longitude) {
        (Some(lat), Some(lon)) => Some(LatLon::new(lat, lon)),
        _ => None,
    };
    let placer = cx.alerting.placer(&cx.store).await?;
    let input = ReportInput {
        id: r.id.to_string(),
        received_at: parse_time(&r.received_at).unwrap_or_else(Utc::now),
        text: r.description.clone(),
        reliability: Reliability::parse(&r.reliability),
        credibility: u8::try_from(r.credibility).ok(),
        place: Whereabouts {
            point,
            admin1: point.and_then(|p| placer.code_at(1, p.lon, p.lat, None)),
            admin2: point.and_then(|p| placer.code_at(2, p.lon, p.lat, None)),
            gid: point.and_then(|p| vigil_geo::gid(p.lon, p.lat)),
        },
    };
    let engine = Engine::new(rules.clone());
    let firings = engine.on_report(&input, cx.alerting.now());
    apply_firings(cx, &rules, &firings, &HashMap::new()).await
}

/// Run the incident rules on an incident just coded from a report (errors logged,
/// as for [`on_report`]).
pub async fn on_incident(cx: &Context, incident_id: i64) {
    if let Err(e) = evaluate_incident(cx, incident_id).await {
        tracing::error!("alert rules on incident {incident_id}: {e}");
    }
}

/// An engine with the rules in force, the admin area names, and the stored
/// incidents of `filter` observed (except `skip`); and the map from their rule ids
/// (`source:source_id`) to store ids. The one place an engine is built.
pub(crate) async fn engine_over(
    store: &Store,
    rules: &RuleSet,
    filter: &IncidentFilter,
    skip: Option<i64>,
) -> AppResult<(Engine, HashMap<String, i64>)> {
    let mut names = store.area_names(1).await?;
    names.extend(store.area_names(2).await?);
    let mut engine = Engine::new(rules.clone()).with_area_names(names);
    let mut targets = HashMap::new();
    for rec in store.incident_records(filter, None).await? {
        if Some(rec.id) == skip {
            continue;
        }
        let i = IncidentInput::from_parts(&rec.located.incident, &rec.located.placement);
        targets.insert(i.id.clone(), rec.id);
        engine.observe(i);
    }
    Ok((engine, targets))
}

/// The incident rules on one stored incident, against the stored incidents of the
/// rules' look-back window before it.
pub async fn evaluate_incident(cx: &Context, incident_id: i64) -> AppResult<Vec<Applied>> {
    let Some(rec) = cx.store.incident(incident_id).await? else { return Ok(vec![]) };
    let rules = cx.alerting.rules();
    let inc = IncidentInput::from_parts(&rec.located.incident, &rec.located.placement);
    let days = rules.lookback_days().max(1) + 1;
    let filter = IncidentFilter {
        from: Some(inc.date - chrono::Duration::days(days)),
        to: Some(inc.date),
        ..Default::default()
    };
    let (mut engine, mut targets) = engine_over(&cx.store, &rules, &filter, Some(rec.id)).await?;
    targets.insert(inc.id.clone(), rec.id);
    let firings = engine.on_incident(inc, cx.alerting.now());
    apply_firings(cx, &rules, &firings, &targets).await
}

/// A lifecycle step (issue, acknowledge, responding, close, cancel) by `actor`; an
/// issue publishes CAP and notifies webhooks. Returns the stored alert after it.
pub async fn transition(
    cx: &Context,
    id: i64,
    to: AlertStatus,
    actor: &str,
    note: Option<String>,
) -> AppResult<StoredAlert> {
    let placer = cx.alerting.placer(&cx.store).await?;
    let cfg = &cx.alerting.cap;
    let mut tries = 0;
    loop {
        let snap = cx.store.alert_for_change(id).await?;
        let cur = snap.alerts.ok_or_else(|| AppError::NotFound(format!("alert {id} not found")))?;
        let mut a = doc_alert(&cur)?;
        let before = a.clone();
        let now = cx.alerting.now();
        // a transition is never earlier than the alert's last step
        let at = a.history.last().map_or(now, |h| h.at.max(now));
        a.transition(to, actor, at, note.clone()).map_err(|e| AppError::Conflict(e.to_string()))?;
        let w = alert_write(Some(&before), &a, cfg, &placer, &HashMap::new(), actor, None)?;
        if cx.store.write_alert(snap.version, &w, Some(json!({"status": cur.status}))).await? {
            break;
        }
        tries += 1;
        if tries >= MAX_TRIES {
            return Err(AppError::Conflict(format!("alert {id}: too many concurrent alert writes")));
        }
    }
    cx.alerting.wake.notify_one();
    cx.store.alert(id).await?.ok_or_else(|| AppError::Internal(format!("alert {id} vanished")))
}

/// Publish an alert: the transition to issued.
pub async fn issue(cx: &Context, id: i64, actor: &str, note: Option<String>) -> AppResult<StoredAlert> {
    transition(cx, id, AlertStatus::Issued, actor, note).await
}

/// An alert raised by hand (a hotline call, a patrol's word), as a draft or issued
/// at once (`m.issue`), resting on the reports `report_ids`. Returns the stored alert.
pub async fn raise_manual(cx: &Context, mut m: ManualAlert, report_ids: &[i64], actor: &str) -> AppResult<StoredAlert> {
    let mut targets = HashMap::new();
    for &id in report_ids {
        if cx.store.report(id, false).await?.is_none() {
            return Err(AppError::invalid("report_ids", format!("no report {id}")));
        }
        m.triggers.push(Trigger::Report { id: id.to_string() });
        targets.insert(id.to_string(), id);
    }
    let placer = cx.alerting.placer(&cx.store).await?;
    let cfg = &cx.alerting.cap;
    let now = cx.alerting.now();
    let mut tries = 0;
    let id = loop {
        let snap = cx.store.open_alerts_of_rule(vigil_warn::MANUAL_RULE_ID).await?;
        let a = Alert::manual(unsigned(snap.next_id), m.clone(), actor, now);
        let w = alert_write(None, &a, cfg, &placer, &targets, actor, Some("create"))?;
        if cx.store.write_alert(snap.version, &w, None).await? {
            break w.id;
        }
        tries += 1;
        if tries >= MAX_TRIES {
            return Err(AppError::Conflict("manual alert: too many concurrent alert writes".into()));
        }
    };
    cx.alerting.wake.notify_one();
    cx.store.alert(id).await?.ok_or_else(|| AppError::Internal(format!("alert {id} vanished")))
}

/// An alert with its evidence, responses and CAP messages, as readers see it.
pub async fn alert_detail(cx: &Context, s: &StoredAlert) -> AppResult<Value> {
    let a = doc_alert(s)?;
    let mut v = serde_json::to_value(&a).map_err(AppError::internal)?;
    v["triggers"] = serde_json::to_value(cx.store.alert_triggers(s.id).await?).map_err(AppError::internal)?;
    v["responses"] = serde_json::to_value(cx.store.responses(Some(s.id)).await?).map_err(AppError::internal)?;
    v["cap_messages"] = serde_json::to_value(cx.store.cap_messages(s.id).await?).map_err(AppError::internal)?;
    v["cap_url"] = if a.messages.is_empty() { Value::Null } else { cap::cap_url(&cx.alerting.cap, a.id).into() };
    v["admin1"] = s.admin1.clone().into();
    v["admin2"] = s.admin2.clone().into();
    Ok(v)
}

/// Alerts, newest first, optionally of these statuses, as the alert list shows them.
pub async fn alert_list(cx: &Context, statuses: &[&str], limit: Option<i64>) -> AppResult<Vec<Value>> {
    let rows = cx.store.alerts(statuses, limit).await?;
    let mut out = Vec::with_capacity(rows.len());
    for s in &rows {
        let a = doc_alert(s)?;
        let mut v = alert_summary(&a, &cx.alerting.cap);
        v["triggers"] = a.triggers.len().into();
        v["admin1"] = s.admin1.clone().into();
        v["admin2"] = s.admin2.clone().into();
        // what the alert list in the UI shows besides the summary
        v["rule_name"] = a.rule_name.clone().into();
        v["threat"] = a.threat.clone().into();
        v["fr"] = serde_json::to_value(&a.fr).map_err(AppError::internal)?;
        v["issued_at"] = s.issued_at.clone().into();
        out.push(v);
    }
    Ok(out)
}

/// The Atom feed of issued, unexpired alerts.
pub async fn atom_feed(cx: &Context) -> AppResult<String> {
    let now = cx.alerting.now();
    let rows = cx.store.alerts(&["issued", "acknowledged", "responding"], None).await?;
    let mut alerts = Vec::with_capacity(rows.len());
    for s in &rows {
        alerts.push(doc_alert(s)?);
    }
    cap::atom_feed(&alerts, &cx.alerting.cap, now).map_err(AppError::internal)
}

/// The latest CAP message of a published alert; `None` for no alert or a draft.
pub async fn cap_xml(cx: &Context, id: i64) -> AppResult<Option<String>> {
    let Some(s) = cx.store.alert(id).await? else { return Ok(None) };
    let a = doc_alert(&s)?;
    if a.messages.is_empty() {
        return Ok(None);
    }
    cap::alert_xml(&a, &cx.alerting.cap).map(Some).map_err(AppError::internal)
}
