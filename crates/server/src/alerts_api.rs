//! Alerts: the rules run on every new report and every incident coded from one,
//! their firings become alerts (a repeat of an open alert's situation updates it),
//! the lifecycle through the API, responses with their timings and the response-time
//! dashboard, and the CAP 1.2 documents and Atom feed.
//!
//! The meaning lives in `vigil-warn` ([`Alert::from_firing`], [`Alert::absorbs`],
//! [`Alert::absorb`], [`Alert::transition`]); this module runs those inside the
//! store's writing transaction ([`vigil_store::Store::apply_to_alerts`],
//! [`vigil_store::Store::change_alert`]) and maps the result to rows: status changes
//! (each also an audit entry), CAP messages as published, webhook outbox rows.
//!
//! Settings (vigil.toml):
//!
//! ```toml
//! [rules]
//! file = "rules.toml"      # default: the rules built into vigil-warn; re-read when changed
//! schedule_minutes = 60    # scheduled round of the spike and forecast rules
//!
//! [cap]                    # default: Exercise status, sender vigil@demo.invalid
//! sender = "vigil@mission.example"
//! sender_name = "Mission JOC"
//! status = "Actual"        # Actual | Exercise | Test
//! scope = "Public"         # Public | Restricted (then restriction = "...")
//! language = "en"
//! base_url = "https://vigil.mission.example"
//!
//! [webhooks]
//! backoff_base_ms = 5000
//! max_attempts = 20
//! ```

use crate::auth::Auth;
use crate::config::ConfigFile;
use crate::error::{ApiError, ApiResult, Fields};
use crate::webhooks::{self, WebhookSettings};
use crate::{AppState, ServerError};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use vigil_model::IncidentFilter;
use vigil_store::accounts::Role;
use vigil_store::alerts::{
    AlertWrite, CapMessageRow, NewResponse, StatusChangeRow, StoredAlert, TriggerRow, WebhookEvent,
    RESPONSE_ACTIONS,
};
use vigil_store::placement::Placer;
use vigil_store::reports::Report;
use vigil_warn::cap::{self, CapConfig, MsgType};
use vigil_warn::rules::Reliability;
use vigil_warn::{
    Alert, AlertStatus, Applied, Area, Engine, Firing, IncidentInput, LatLon, ReportInput, RuleSet, RulesFile, Trigger,
    Whereabouts,
};

/// `[rules]` in vigil.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    pub file: Option<PathBuf>,
    /// Minutes between scheduled rounds of the spike and forecast rules (default 60).
    pub schedule_minutes: Option<u64>,
}

/// What the alerting part of the server is configured with.
#[derive(Debug, Clone, Default)]
pub struct AlertingConfig {
    /// A rule file (re-read when it changes); `None`: the built-in default rules.
    pub rules_file: Option<PathBuf>,
    /// Period of the scheduled round ([`crate::schedule`]).
    pub schedule_every: Option<std::time::Duration>,
    /// `None`: [`CapConfig::exercise`] at `http://127.0.0.1:8080`.
    pub cap: Option<CapConfig>,
    pub webhooks: WebhookSettings,
}

impl ConfigFile {
    /// The alerting settings of a config file.
    pub fn alerting(&self) -> AlertingConfig {
        AlertingConfig {
            rules_file: self.rules.file.clone(),
            schedule_every: self.rules.schedule_minutes.map(|m| std::time::Duration::from_secs(m.max(1) * 60)),
            cap: self.cap.clone(), webhooks: self.webhooks.clone() }
    }
}

/// The server's notion of "now" for alerts.
#[derive(Debug, Clone, Copy)]
enum Clock {
    System,
    /// Tests, and the demo while it replays its data.
    Fixed(DateTime<Utc>),
    /// The system clock moved by an offset (the demo, after the replay).
    Shifted(chrono::Duration),
}

enum Rules {
    File(RulesFile),
    Builtin(RuleSet),
}

/// Alerting state shared by all handlers (in [`AppState`]).
pub struct Alerting {
    rules: Mutex<Rules>,
    pub cap: CapConfig,
    /// What "now" is for alert times.
    clock: Mutex<Clock>,
    placer: tokio::sync::OnceCell<Arc<Placer>>,
    /// Wakes the webhook task when outbox rows were committed.
    pub wake: Arc<Notify>,
    _worker: webhooks::Worker,
}

impl Alerting {
    /// Load the rules and start the webhook delivery task.
    pub fn start(store: &vigil_store::Store, c: &AlertingConfig) -> Result<Alerting, ServerError> {
        let rules = match &c.rules_file {
            Some(p) => Rules::File(RulesFile::open(p).map_err(|e| ServerError::Config {
                path: p.display().to_string(),
                message: e.to_string(),
            })?),
            None => Rules::Builtin(RuleSet::default_rules()),
        };
        let cap = c.cap.clone().unwrap_or_else(|| CapConfig::exercise("http://127.0.0.1:8080"));
        if let Err(e) = cap::atom_feed([], &cap, Utc::now()) {
            return Err(ServerError::Config { path: "[cap]".into(), message: e.to_string() });
        }
        let wake = Arc::new(Notify::new());
        let worker = webhooks::spawn(store.clone(), c.webhooks.clone(), wake.clone());
        Ok(Alerting {
            rules: Mutex::new(rules),
            cap,
            clock: Mutex::new(Clock::System),
            placer: tokio::sync::OnceCell::new(),
            wake,
            _worker: worker,
        })
    }

    /// The rules in force, re-reading the file if it changed (a broken file is logged
    /// and the previous rules stay in force).
    pub fn rules(&self) -> RuleSet {
        let mut r = self.rules.lock().expect("rules lock");
        match &mut *r {
            Rules::Builtin(set) => set.clone(),
            Rules::File(f) => {
                match f.reload_if_changed() {
                    Ok(true) => tracing::info!("alert rules reloaded from {}", f.path.display()),
                    Ok(false) => {}
                    Err(e) => tracing::error!("alert rules {}: {e} (previous rules stay in force)", f.path.display()),
                }
                f.rules().clone()
            }
        }
    }

    /// Time used for firings, transitions and the dashboard.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.clock.lock().expect("clock lock") {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
            Clock::Shifted(d) => Utc::now() + d,
        }
    }

    /// Fix "now" (or go back to the system clock with `None`).
    pub fn set_clock(&self, t: Option<DateTime<Utc>>) {
        *self.clock.lock().expect("clock lock") = t.map_or(Clock::System, Clock::Fixed);
    }

    /// Let "now" run from `start` on, at the system clock's pace: the demo lives just
    /// after the end of its data, so alerts raised from that data are still current.
    pub fn run_clock_from(&self, start: DateTime<Utc>) {
        *self.clock.lock().expect("clock lock") = Clock::Shifted(start - Utc::now());
    }

    async fn placer(&self, store: &vigil_store::Store) -> ApiResult<Arc<Placer>> {
        Ok(self.placer.get_or_try_init(|| async { store.placer().await.map(Arc::new) }).await?.clone())
    }
}

/// Who reads alerts (everyone but reporters).
pub const READ: &[Role] = &[Role::Analyst, Role::Responder, Role::HrOfficer, Role::Planner, Role::Admin];
/// Who issues, cancels and closes alerts.
pub const MANAGE: &[Role] = &[Role::Analyst, Role::Admin];
/// Who acknowledges alerts and reports responding.
pub const RESPOND: &[Role] = &[Role::Responder, Role::Admin];
/// Who records responses.
pub const RECORD_RESPONSE: &[Role] = &[Role::Responder, Role::Analyst, Role::Admin];

/// The alert routes under `/api`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list).post(create_manual))
        .route("/alerts/{id}", get(get_one))
        .route("/alerts/{id}/transition", post(transition))
        .route("/alerts/{id}/responses", post(create_response))
        .route("/responses/dashboard", get(dashboard))
        .route("/responses/{id}", patch(update_response))
        .route("/rules", get(rules_in_force))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
}

/// The public CAP routes (`/cap/{id}.xml`, `/cap/alerts.atom`).
pub fn cap_routes() -> Router<AppState> {
    Router::new().route("/cap/{file}", get(cap_file))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

fn doc_alert(s: &StoredAlert) -> ApiResult<Alert> {
    serde_json::from_value(s.doc.clone()).map_err(|e| ApiError::internal(format!("stored alert {}: {e}", s.id)))
}

/// Admin codes of the area's centre, for the figures.
fn area_codes(area: &Area, placer: &Placer) -> (Option<String>, Option<String>) {
    let point = match area {
        Area::Circle { center, .. } => Some(*center),
        Area::Polygon { points } if !points.is_empty() => {
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

/// The rows to write for an alert that went from `before` (`None`: new) to `after`.
fn alert_write(
    before: Option<&Alert>,
    after: &Alert,
    cfg: &CapConfig,
    placer: &Placer,
    targets: &HashMap<String, i64>,
    actor: &str,
    action: Option<&str>,
) -> Result<AlertWrite, String> {
    let (old_changes, old_messages) = before.map(|b| (b.history.len(), b.messages.len())).unwrap_or((0, 0));
    let mut new_messages = vec![];
    let mut events = vec![];
    for (i, m) in after.messages.iter().enumerate().skip(old_messages) {
        let xml = cap::message_xml(after, i, cfg).map_err(|e| e.to_string())?;
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
    let new_changes: Vec<StatusChangeRow> = after.history[old_changes.min(after.history.len())..]
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
    for c in &after.history[old_changes.min(after.history.len())..] {
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
        id: after.id as i64,
        is_new: before.is_none(),
        rule_id: after.rule_id.clone(),
        status: after.status.as_str().into(),
        area: serde_json::to_value(&after.area).map_err(|e| e.to_string())?,
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
        doc: serde_json::to_value(after).map_err(|e| e.to_string())?,
        triggers,
        new_changes,
        new_messages,
        events,
        actor: actor.into(),
        action: action.map(str::to_string),
    })
}

/// What a webhook JSON payload and the list say about an alert.
fn alert_summary(a: &Alert, cfg: &CapConfig) -> Value {
    json!({
        "id": a.id, "rule_id": a.rule_id, "status": a.status, "headline": a.headline, "area": a.area,
        "area_desc": a.area_desc, "urgency": a.urgency, "severity": a.severity, "certainty": a.certainty,
        "created_at": stamp(a.created_at), "updated_at": stamp(a.updated_at), "expires_at": stamp(a.expires_at),
        "firings": a.firings, "fr": a.fr,
        "cap_url": if a.messages.is_empty() { Value::Null } else { cap::cap_url(cfg, a.id).into() },
    })
}

/// Turn firings into alerts, each in its own transaction with the alert rows locked
/// (AlertBook semantics: a repeat of an open alert's situation within the rule's
/// window updates it, the most recently updated one if several qualify).
/// `targets` maps incident trigger ids (`source:source_id`) to store ids.
pub async fn apply_firings(
    st: &AppState,
    rules: &RuleSet,
    firings: &[Firing],
    targets: &HashMap<String, i64>,
) -> ApiResult<Vec<Applied>> {
    if firings.is_empty() {
        return Ok(vec![]);
    }
    let placer = st.alerting.placer(&st.store).await?;
    let cfg = &st.alerting.cap;
    let mut out = vec![];
    for f in firings {
        let Some(rule) = rules.get(&f.rule_id) else { continue };
        let mut failure: Option<String> = None;
        let failed = &mut failure;
        let placer = &placer;
        let applied = st
            .store
            .apply_to_alerts(&f.rule_id, move |next_id, open| {
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
                let (before, after, applied) = match alerts
                    .iter_mut()
                    .filter(|a| a.absorbs(f, rule))
                    .max_by_key(|a| (a.updated_at, a.id))
                {
                    Some(a) => {
                        let before = a.clone();
                        a.absorb(f, rule);
                        (Some(before), a.clone(), Applied::Updated(a.id))
                    }
                    None => {
                        let a = Alert::from_firing(next_id as u64, f, rule);
                        let id = a.id;
                        (None, a, Applied::Created(id))
                    }
                };
                let action = if before.is_none() { "create" } else { "update" };
                let actor = format!("rule:{}", rule.id);
                match alert_write(before.as_ref(), &after, cfg, placer, targets, &actor, Some(action)) {
                    Ok(w) => Some((w, applied)),
                    Err(e) => {
                        *failed = Some(e);
                        None
                    }
                }
            })
            .await?;
        if let Some(e) = failure {
            return Err(ApiError::internal(format!("alert for rule {}: {e}", f.rule_id)));
        }
        if let Some(a) = applied {
            out.push(a);
        }
    }
    st.alerting.wake.notify_one();
    Ok(out)
}

/// Run the report rules on a new report. Errors are logged: the report is already
/// committed and acknowledged, an alert failure must not turn that into a 500.
pub async fn on_report(st: &AppState, report: &Report) {
    if let Err(e) = evaluate_report(st, report).await {
        tracing::error!("alert rules on report {}: {}", report.id, e.message);
    }
}

async fn evaluate_report(st: &AppState, r: &Report) -> ApiResult<Vec<Applied>> {
    let rules = st.alerting.rules();
    let point = match (r.latitude, r.longitude) {
        (Some(lat), Some(lon)) => Some(LatLon::new(lat, lon)),
        _ => None,
    };
    let placer = st.alerting.placer(&st.store).await?;
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
    let firings = engine.on_report(&input, st.alerting.now());
    apply_firings(st, &rules, &firings, &HashMap::new()).await
}

/// Run the incident rules on an incident just coded from a report, against the
/// stored incidents of the rules' look-back window before it.
pub async fn on_incident(st: &AppState, incident_id: i64) {
    if let Err(e) = evaluate_incident(st, incident_id).await {
        tracing::error!("alert rules on incident {incident_id}: {}", e.message);
    }
}

async fn evaluate_incident(st: &AppState, incident_id: i64) -> ApiResult<Vec<Applied>> {
    let Some(rec) = st.store.incident(incident_id).await?.filter(crate::cap_access::feeds_alerts) else {
        return Ok(vec![]);
    };
    let rules = st.alerting.rules();
    let inc = IncidentInput::from_parts(&rec.located.incident, &rec.located.placement);
    let days = rules.lookback_days().max(1) + 1;
    let filter = IncidentFilter {
        from: Some(inc.date - chrono::Duration::days(days)),
        to: Some(inc.date),
        ..Default::default()
    };
    let mut names = st.store.area_names(1).await?;
    names.extend(st.store.area_names(2).await?);
    let mut engine = Engine::new(rules.clone()).with_area_names(names);
    let mut targets = HashMap::new();
    targets.insert(inc.id.clone(), rec.id);
    for h in st.store.incident_records(&filter, None).await? {
        if h.id == rec.id || !crate::cap_access::feeds_alerts(&h) {
            continue;
        }
        let i = IncidentInput::from_parts(&h.located.incident, &h.located.placement);
        targets.insert(i.id.clone(), h.id);
        engine.observe(i);
    }
    let firings = engine.on_incident(inc, st.alerting.now());
    apply_firings(st, &rules, &firings, &targets).await
}

/// An alert with its evidence, responses and CAP messages, for the API.
async fn alert_detail(st: &AppState, s: &StoredAlert) -> ApiResult<Value> {
    let a = doc_alert(s)?;
    let mut v = serde_json::to_value(&a).map_err(ApiError::internal)?;
    v["triggers"] = serde_json::to_value(st.store.alert_triggers(s.id).await?).map_err(ApiError::internal)?;
    v["responses"] = serde_json::to_value(st.store.responses(Some(s.id)).await?).map_err(ApiError::internal)?;
    v["cap_messages"] = serde_json::to_value(st.store.cap_messages(s.id).await?).map_err(ApiError::internal)?;
    v["cap_url"] = if a.messages.is_empty() { Value::Null } else { cap::cap_url(&st.alerting.cap, a.id).into() };
    v["admin1"] = s.admin1.clone().into();
    v["admin2"] = s.admin2.clone().into();
    Ok(v)
}

/// GET /api/alerts?status=&limit=
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(READ, "read alerts")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["status", "limit"])?;
    let statuses: Vec<String> = match f.str_opt("status", 200)? {
        None => vec![],
        Some(s) => s.split(',').map(|x| x.trim().to_string()).collect(),
    };
    for s in &statuses {
        if AlertStatus::parse(s).is_none() {
            return Err(ApiError::field(
                "status",
                format!("unknown status `{s}`; one or more of draft, issued, acknowledged, responding, closed, cancelled"),
            ));
        }
    }
    let limit = f.i64_opt("limit", 1, 5000)?;
    let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
    let rows = st.store.alerts(&refs, limit).await?;
    let mut out = Vec::with_capacity(rows.len());
    for s in &rows {
        let a = doc_alert(s)?;
        let mut v = alert_summary(&a, &st.alerting.cap);
        v["triggers"] = a.triggers.len().into();
        v["admin1"] = s.admin1.clone().into();
        v["admin2"] = s.admin2.clone().into();
        // what the alert list in the UI shows besides the summary
        v["rule_name"] = a.rule_name.clone().into();
        v["threat"] = a.threat.clone().into();
        v["fr"] = serde_json::to_value(&a.fr).map_err(ApiError::internal)?;
        v["issued_at"] = s.issued_at.clone().into();
        out.push(v);
    }
    Ok(Json(out))
}

/// GET /api/alerts/{id}
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(READ, "read alerts")?;
    let s = st.store.alert(id).await?.ok_or_else(|| ApiError::not_found(format!("alert {id} not found")))?;
    Ok(Json(alert_detail(&st, &s).await?))
}

/// POST /api/alerts/{id}/transition `{to, note}`
pub async fn transition(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(READ, "act on alerts")?;
    let f = Fields::from_json(&body)?;
    f.only(&["to", "note"])?;
    let to_text = f.str_req("to", 20)?;
    let to = AlertStatus::parse(&to_text).filter(|s| *s != AlertStatus::Draft).ok_or_else(|| {
        ApiError::field("to", "must be one of issued, acknowledged, responding, closed, cancelled")
    })?;
    let note = f.str_opt("note", 2000)?;
    match to {
        AlertStatus::Acknowledged | AlertStatus::Responding => auth.require(RESPOND, &format!("mark an alert {to}"))?,
        _ => auth.require(MANAGE, &format!("mark an alert {to}"))?,
    }
    let placer = st.alerting.placer(&st.store).await?;
    let now = st.alerting.now();
    let cfg = &st.alerting.cap;
    let actor = auth.user.name.clone();
    let a = st
        .store
        .change_alert(id, |cur| {
            let cur = cur.ok_or_else(|| ApiError::not_found(format!("alert {id} not found")))?;
            let mut a = doc_alert(&cur)?;
            let before = a.clone();
            // a transition is never earlier than the alert's last step
            let at = a.history.last().map(|h| h.at.max(now)).unwrap_or(now);
            a.transition(to, &actor, at, note).map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))?;
            let w = alert_write(Some(&before), &a, cfg, &placer, &HashMap::new(), &actor, None)
                .map_err(ApiError::internal)?;
            Ok::<_, ApiError>((w, a))
        })
        .await??;
    st.alerting.wake.notify_one();
    let s = st.store.alert(a.id as i64).await?.ok_or_else(|| ApiError::internal("alert vanished"))?;
    Ok(Json(alert_detail(&st, &s).await?))
}

/// Read and check the `area` of a manual alert; its default description.
async fn read_area(st: &AppState, f: &Fields) -> ApiResult<(Area, String)> {
    let bad = |m: &str| ApiError::field("area", m.to_string());
    let v = f.value_opt("area").ok_or_else(|| bad("is required"))?;
    let area: Area = serde_json::from_value(v.clone()).map_err(|e| {
        bad(&format!(
            "{e}; expected {{\"type\": \"circle\", \"center\": {{\"lat\", \"lon\"}}, \"radius_km\"}}, \
             {{\"type\": \"polygon\", \"points\": [{{\"lat\", \"lon\"}}, …]}}, \
             {{\"type\": \"admin\", \"level\": 1|2, \"codes\": […]}} or {{\"type\": \"cells\", \"gids\": […]}}"
        ))
    })?;
    let point_ok = |p: &LatLon| (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon);
    let desc = match &area {
        Area::Circle { center, radius_km } => {
            if !point_ok(center) {
                return Err(bad("center: lat must be from -90 to 90 and lon from -180 to 180"));
            }
            if !(0.1..=500.0).contains(radius_km) {
                return Err(bad("radius_km must be from 0.1 to 500"));
            }
            format!("{radius_km} km around {:.3}, {:.3}", center.lat, center.lon)
        }
        Area::Polygon { points } => {
            if points.len() < 3 || !points.iter().all(point_ok) {
                return Err(bad("a polygon needs at least 3 points, each with lat from -90 to 90 and lon from -180 to 180"));
            }
            format!("polygon of {} points", points.len())
        }
        Area::Admin { level, codes } => {
            if !(1..=2).contains(level) || codes.is_empty() {
                return Err(bad("admin areas need level 1 or 2 and at least one code"));
            }
            let names: HashMap<String, String> = st.store.area_names(*level).await?.into_iter().collect();
            let mut shown = vec![];
            for c in codes {
                let n = names.get(c).ok_or_else(|| bad(&format!("no admin{level} area with code {c} is loaded")))?;
                shown.push(format!("{n} ({c})"));
            }
            shown.join(", ")
        }
        Area::Cells { gids } => {
            if gids.is_empty() || !gids.iter().all(|g| (1..=259_200).contains(g)) {
                return Err(bad("cells need at least one PRIO-GRID gid from 1 to 259200"));
            }
            format!("PRIO-GRID cells {}", gids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
        }
        Area::Unlocated => return Err(bad("a manual alert needs an area")),
    };
    Ok((area, desc))
}

/// A CAP code list value, spelled as CAP spells it.
fn read_cap<T: serde::de::DeserializeOwned>(f: &Fields, key: &str, allowed: &str, default: Option<T>) -> ApiResult<T> {
    match f.str_opt(key, 20)? {
        None => default.ok_or_else(|| ApiError::field(key, format!("is required: one of {allowed}"))),
        Some(s) => serde_json::from_value(Value::String(s))
            .map_err(|_| ApiError::field(key, format!("must be one of {allowed}"))),
    }
}

/// POST /api/alerts: an analyst raises an alert by hand (a hotline call, a
/// patrol's word), as a draft or issued at once, optionally resting on reports.
pub async fn create_manual(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(MANAGE, "raise alerts")?;
    let f = Fields::from_json(&body)?;
    f.only(&[
        "headline", "threat", "area", "area_desc", "headline_fr", "threat_fr", "area_desc_fr", "category", "urgency",
        "severity", "certainty", "expires_hours", "issue", "report_ids",
    ])?;
    let headline = f.str_req("headline", 160)?;
    let threat = f.str_req("threat", 4000)?;
    let (area, default_desc) = read_area(&st, &f).await?;
    let area_desc = f.str_opt("area_desc", 300)?.unwrap_or(default_desc);
    // French text is optional, but a French headline without its threat (or the
    // reverse) would make a half-French alert
    let headline_fr = f.str_opt("headline_fr", 160)?.filter(|s| !s.is_empty());
    let threat_fr = f.str_opt("threat_fr", 4000)?.filter(|s| !s.is_empty());
    let fr = match (headline_fr, threat_fr) {
        (Some(headline), Some(threat)) => Some(vigil_warn::FrenchText {
            rule_name: String::new(),
            headline,
            threat,
            area_desc: f.str_opt("area_desc_fr", 300)?.filter(|s| !s.is_empty()).unwrap_or_else(|| area_desc.clone()),
        }),
        (Some(_), None) => return Err(ApiError::field("threat_fr", "is needed with headline_fr")),
        (None, Some(_)) => return Err(ApiError::field("headline_fr", "is needed with threat_fr")),
        (None, None) => None,
    };
    let category = read_cap(&f, "category", "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other", Some(vigil_warn::cap::Category::Security))?;
    let urgency = read_cap(&f, "urgency", "Immediate, Expected, Future, Past, Unknown", None)?;
    let severity = read_cap(&f, "severity", "Extreme, Severe, Moderate, Minor, Unknown", None)?;
    let certainty = read_cap(&f, "certainty", "Observed, Likely, Possible, Unlikely, Unknown", None)?;
    let expires_hours = f.i64_opt("expires_hours", 1, 24 * 90)?.unwrap_or(72);
    let issue = f.bool_opt("issue")?.unwrap_or(false);
    let mut triggers = vec![];
    let mut targets = HashMap::new();
    if let Some(v) = f.value_opt("report_ids") {
        let ids = v
            .as_array()
            .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>())
            .ok_or_else(|| ApiError::field("report_ids", "must be a list of report ids"))?;
        for id in ids {
            if st.store.report(id, false).await?.is_none() {
                return Err(ApiError::field("report_ids", format!("no report {id}")));
            }
            triggers.push(Trigger::Report { id: id.to_string() });
            targets.insert(id.to_string(), id);
        }
    }
    let m = vigil_warn::ManualAlert {
        area,
        area_desc,
        headline,
        threat,
        fr,
        category,
        urgency,
        severity,
        certainty,
        expires_hours,
        issue,
        triggers,
    };
    let placer = st.alerting.placer(&st.store).await?;
    let cfg = &st.alerting.cap;
    let now = st.alerting.now();
    let actor = auth.user.name.clone();
    let mut failure = None;
    let failed = &mut failure;
    let (placer, targets, actor_ref) = (&placer, &targets, &actor);
    let id = st
        .store
        .apply_to_alerts(vigil_warn::MANUAL_RULE_ID, move |next_id, _open| {
            let a = Alert::manual(next_id as u64, m, actor_ref, now);
            match alert_write(None, &a, cfg, placer, targets, actor_ref, Some("create")) {
                Ok(w) => Some((w, a.id)),
                Err(e) => {
                    *failed = Some(e);
                    None
                }
            }
        })
        .await?;
    if let Some(e) = failure {
        return Err(ApiError::internal(format!("manual alert: {e}")));
    }
    let id = id.ok_or_else(|| ApiError::internal("manual alert not written"))?;
    st.alerting.wake.notify_one();
    let s = st.store.alert(id as i64).await?.ok_or_else(|| ApiError::internal("alert vanished"))?;
    Ok((StatusCode::CREATED, Json(alert_detail(&st, &s).await?)))
}

const TIMES: [&str; 4] = ["requested_at", "dispatched_at", "on_scene_at", "completed_at"];

/// Read the timing fields present in `f` over `base`, and check their order.
fn read_times(f: &Fields, base: [Option<String>; 4], now: DateTime<Utc>) -> ApiResult<[Option<String>; 4]> {
    let mut out = base;
    for (i, name) in TIMES.iter().enumerate() {
        if let Some(s) = f.str_opt(name, 40)? {
            let t = parse_time(&s)
                .ok_or_else(|| ApiError::field(*name, "must be an RFC 3339 time, e.g. 2024-03-02T14:30:00Z"))?;
            if t > now + chrono::Duration::minutes(5) {
                return Err(ApiError::field(*name, "is in the future"));
            }
            out[i] = Some(stamp(t));
        }
    }
    let mut last: Option<(usize, DateTime<Utc>)> = None;
    for (i, t) in out.iter().enumerate() {
        let Some(t) = t.as_deref().and_then(parse_time) else { continue };
        if let Some((j, prev)) = last {
            if t < prev {
                return Err(ApiError::field(TIMES[i], format!("must not be before {}", TIMES[j])));
            }
        }
        last = Some((i, t));
    }
    Ok(out)
}

fn read_action(f: &Fields, required: bool) -> ApiResult<Option<String>> {
    let a = if required { Some(f.str_req("action", 40)?) } else { f.str_opt("action", 40)? };
    if let Some(a) = &a {
        if !RESPONSE_ACTIONS.contains(&a.as_str()) {
            return Err(ApiError::field("action", format!("must be one of {}", RESPONSE_ACTIONS.join(", "))));
        }
    }
    Ok(a)
}

const RESPONSE_FIELDS: &[&str] =
    &["responder", "action", "requested_at", "dispatched_at", "on_scene_at", "completed_at", "outcome"];

/// POST /api/alerts/{id}/responses
pub async fn create_response(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(RECORD_RESPONSE, "record responses")?;
    let f = Fields::from_json(&body)?;
    f.only(RESPONSE_FIELDS)?;
    let responder = f.str_req("responder", 200)?;
    let action = read_action(&f, true)?.expect("required");
    let outcome = f.str_opt("outcome", 4000)?;
    let now = st.alerting.now();
    let s = st.store.alert(id).await?.ok_or_else(|| ApiError::not_found(format!("alert {id} not found")))?;
    if s.status == "draft" {
        return Err(ApiError::new(StatusCode::CONFLICT, format!("alert {id} is a draft: issue it before recording responses")));
    }
    let [requested_at, dispatched_at, on_scene_at, completed_at] =
        read_times(&f, [Some(stamp(now)), None, None, None], now)?;
    let new = NewResponse {
        alert_id: id,
        responder,
        action,
        requested_at: requested_at.expect("defaulted"),
        dispatched_at,
        on_scene_at,
        completed_at,
        outcome,
    };
    let r = st.store.create_response(&auth.user.name, &new).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/responses/{}", r.id))], Json(r)))
}

/// PATCH /api/responses/{id}: timings, outcome, responder, action; null clears a
/// later time or the outcome.
pub async fn update_response(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(RECORD_RESPONSE, "record responses")?;
    let f = Fields::from_json(&body)?;
    f.only(RESPONSE_FIELDS)?;
    let mut r = st.store.response(id).await?.ok_or_else(|| ApiError::not_found(format!("response {id} not found")))?;
    if let Some(x) = f.str_opt("responder", 200)? {
        r.responder = x;
    }
    if let Some(a) = read_action(&f, false)? {
        r.action = a;
    }
    if let Some(o) = f.str_opt("outcome", 4000)? {
        r.outcome = Some(o);
    }
    // null (or blank) clears a time entered by mistake or the outcome; the request
    // time is what the response is measured from, so it stays
    if f.is_cleared("requested_at") {
        return Err(ApiError::field("requested_at", "cannot be cleared; correct it instead"));
    }
    if f.is_cleared("outcome") {
        r.outcome = None;
    }
    for (name, slot) in
        [("dispatched_at", &mut r.dispatched_at), ("on_scene_at", &mut r.on_scene_at), ("completed_at", &mut r.completed_at)]
    {
        if f.is_cleared(name) {
            *slot = None;
        }
    }
    let [requested_at, dispatched_at, on_scene_at, completed_at] = read_times(
        &f,
        [Some(r.requested_at.clone()), r.dispatched_at.clone(), r.on_scene_at.clone(), r.completed_at.clone()],
        st.alerting.now(),
    )?;
    r.requested_at = requested_at.expect("kept");
    r.dispatched_at = dispatched_at;
    r.on_scene_at = on_scene_at;
    r.completed_at = completed_at;
    let r = st
        .store
        .update_response(&auth.user.name, &r)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("response {id} not found")))?;
    Ok(Json(r))
}

fn median(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    let m = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    json!((m * 10.0).round() / 10.0)
}

#[derive(Default)]
struct Group {
    alerts: usize,
    ack: Vec<f64>,
    respond: Vec<f64>,
}

impl Group {
    fn json(&self) -> Value {
        json!({
            "alerts": self.alerts,
            "acknowledged": self.ack.len(),
            "responded": self.respond.len(),
            "median_minutes_to_acknowledge": median(self.ack.clone()),
            "median_minutes_to_respond": median(self.respond.clone()),
        })
    }
}

/// GET /api/responses/dashboard?hours=N&level=1|2: for issued alerts, time from issue
/// to acknowledgement and to the first dispatched response (medians in minutes,
/// overall, by admin area and by month of issue), and the alerts that had no
/// response N hours (default 24) after they were issued.
pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(READ, "read the response dashboard")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["hours", "level"])?;
    let hours = f.i64_opt("hours", 1, 24 * 365)?.unwrap_or(24);
    let level = f.i64_opt("level", 1, 2)?.unwrap_or(1);
    let now = st.alerting.now();
    let alerts = st.store.alerts(&[], None).await?;
    let mut acks: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for (id, c) in st.store.alert_status_changes(None).await? {
        if c.to == "acknowledged" {
            if let Some(t) = parse_time(&c.at) {
                acks.entry(id).or_insert(t);
            }
        }
    }
    let mut first_request: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut first_dispatch: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for r in st.store.responses(None).await? {
        if let Some(t) = parse_time(&r.requested_at) {
            let e = first_request.entry(r.alert_id).or_insert(t);
            *e = (*e).min(t);
        }
        if let Some(t) = r.dispatched_at.as_deref().and_then(parse_time) {
            let e = first_dispatch.entry(r.alert_id).or_insert(t);
            *e = (*e).min(t);
        }
    }
    let mut names: HashMap<String, String> = st.store.area_names(level as u8).await?.into_iter().collect();
    let mut all = Group::default();
    let mut by_area: BTreeMap<String, Group> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Group> = BTreeMap::new();
    let mut unanswered = vec![];
    let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds() as f64 / 60.0;
    for s in &alerts {
        let Some(issued) = s.issued_at.as_deref().and_then(parse_time) else { continue };
        let area = if level == 1 { s.admin1.clone() } else { s.admin2.clone() }.unwrap_or_default();
        let month = format!("{:04}-{:02}", issued.year(), issued.month());
        let ack = acks.get(&s.id).map(|t| minutes(issued, *t));
        let respond = first_dispatch.get(&s.id).map(|t| minutes(issued, *t));
        for g in [&mut all, by_area.entry(area).or_default(), by_month.entry(month).or_default()] {
            g.alerts += 1;
            g.ack.extend(ack);
            g.respond.extend(respond);
        }
        let deadline = issued + chrono::Duration::hours(hours);
        let answered_in_time = first_request.get(&s.id).is_some_and(|t| *t <= deadline);
        if deadline <= now && !answered_in_time {
            let a = doc_alert(s)?;
            unanswered.push(json!({
                "id": s.id, "status": s.status, "headline": a.headline, "area_desc": a.area_desc,
                "issued_at": s.issued_at, "first_response_at": first_request.get(&s.id).map(|t| stamp(*t)),
                "hours_since_issue": ((now - issued).num_minutes() as f64 / 60.0 * 10.0).round() / 10.0,
            }));
        }
    }
    let by_area: Vec<Value> = by_area
        .iter()
        .map(|(code, g)| {
            let mut v = g.json();
            v["level"] = level.into();
            v["code"] = if code.is_empty() { Value::Null } else { code.clone().into() };
            v["name"] = names.remove(code).map(Value::from).unwrap_or(Value::Null);
            v
        })
        .collect();
    let by_month: Vec<Value> = by_month
        .iter()
        .map(|(m, g)| {
            let mut v = g.json();
            v["month"] = m.clone().into();
            v
        })
        .collect();
    Ok(Json(json!({
        "now": stamp(now),
        "hours": hours,
        "overall": all.json(),
        "by_area": by_area,
        "by_month": by_month,
        "no_response_after_hours": unanswered,
    })))
}

/// GET /api/rules: the rules in force.
pub async fn rules_in_force(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(READ, "read alert rules")?;
    Ok(Json(st.alerting.rules()))
}

/// GET /cap/{id}.xml (the alert's latest CAP message; drafts are not published: 404)
/// and GET /cap/alerts.atom (issued, unexpired alerts). Public with CAP scope
/// Public; a token is needed with scope Restricted (see [`crate::cap_access`]).
pub async fn cap_file(
    State(st): State<AppState>,
    _reader: crate::cap_access::CapReader,
    Path(file): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let cfg = &st.alerting.cap;
    if file == "alerts.atom" {
        let now = st.alerting.now();
        let rows = st.store.alerts(&["issued", "acknowledged", "responding"], None).await?;
        let mut alerts = Vec::with_capacity(rows.len());
        for s in &rows {
            alerts.push(doc_alert(s)?);
        }
        let xml = cap::atom_feed(&alerts, cfg, now).map_err(ApiError::internal)?;
        return Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml));
    }
    let not_found = || ApiError::not_found(format!("no published alert at /cap/{file}"));
    let id: i64 = file.strip_suffix(".xml").and_then(|n| n.parse().ok()).ok_or_else(not_found)?;
    let s = st.store.alert(id).await?.ok_or_else(not_found)?;
    let a = doc_alert(&s)?;
    if a.messages.is_empty() {
        return Err(not_found());
    }
    let xml = cap::alert_xml(&a, cfg).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")], xml))
}

/// The OpenAPI paths of this module and [`webhooks`], merged into `/api/openapi.json`.
pub fn openapi_paths() -> Value {
    let err = |codes: &[&str]| {
        let mut m = serde_json::Map::new();
        for c in codes {
            m.insert(
                c.to_string(),
                json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
            );
        }
        Value::Object(m)
    };
    let ok = |code: &str, description: &str, errors: &[&str]| {
        let mut r = err(errors);
        r[code] = json!({"description": description, "content": {"application/json": {"schema": {"type": "object"}}}});
        r
    };
    let id = |what: &str| json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "description": what}]);
    let body = |props: Value, required: &[&str]| {
        json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": required, "properties": props}}}})
    };
    let times = json!({
        "responder": {"type": "string", "description": "unit or person"},
        "action": {"type": "string", "enum": RESPONSE_ACTIONS},
        "requested_at": {"type": "string", "format": "date-time", "description": "default: now"},
        "dispatched_at": {"type": "string", "format": "date-time"},
        "on_scene_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": "string", "format": "date-time"},
        "outcome": {"type": "string"}
    });
    json!({
        "/api/alerts": {"get": {"summary": "Alerts, newest first (analyst, responder, hr_officer, planner, admin): summary, rule name, threat, French text (fr: rule_name, headline, threat, area_desc), admin codes, issue time",
            "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "comma-separated: draft, issued, acknowledged, responding, closed, cancelled"},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            "responses": ok("200", "alert summaries", &["401", "403", "422"])},
            "post": {"summary": "Raise an alert by hand (analyst, admin): draft, or issued at once and published as CAP",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["headline", "threat", "area", "urgency", "severity", "certainty"],
                    "properties": {
                        "headline": {"type": "string", "maxLength": 160},
                        "threat": {"type": "string", "maxLength": 4000},
                        "area": {"type": "object", "description": "{type: circle, center: {lat, lon}, radius_km} | {type: polygon, points: [{lat, lon}, …]} | {type: admin, level: 1|2, codes: [P-code]} | {type: cells, gids: [gid]}"},
                        "area_desc": {"type": "string", "description": "default: made from the area"},
                        "headline_fr": {"type": "string", "maxLength": 160, "description": "French headline (with threat_fr): CAP gets a second info block in French"},
                        "threat_fr": {"type": "string", "maxLength": 4000},
                        "area_desc_fr": {"type": "string", "description": "default: area_desc"},
                        "category": {"type": "string", "description": "CAP category, default Security"},
                        "urgency": {"type": "string", "enum": ["Immediate", "Expected", "Future", "Past", "Unknown"]},
                        "severity": {"type": "string", "enum": ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]},
                        "certainty": {"type": "string", "enum": ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]},
                        "expires_hours": {"type": "integer", "minimum": 1, "maximum": 2160, "description": "default 72"},
                        "issue": {"type": "boolean", "description": "default false (a draft)"},
                        "report_ids": {"type": "array", "items": {"type": "integer"}, "description": "reports the alert rests on"}}}}}},
                "responses": ok("201", "the alert, as GET /api/alerts/{id} gives it", &["401", "403", "422"])}},
        "/api/alerts/{id}": {"get": {"summary": "One alert with its evidence, history, CAP messages and responses",
            "parameters": id("alert id"), "responses": ok("200", "the alert", &["401", "403", "404"])}},
        "/api/alerts/{id}/transition": {"post": {"summary": "Lifecycle step: analyst/admin issue, close, cancel; responder/admin acknowledge, responding. 409 when the step is not allowed",
            "parameters": id("alert id"),
            "requestBody": body(json!({"to": {"type": "string", "enum": ["issued", "acknowledged", "responding", "closed", "cancelled"]}, "note": {"type": "string"}}), &["to"]),
            "responses": ok("200", "the alert after the step", &["401", "403", "404", "409", "422"])}},
        "/api/alerts/{id}/responses": {"post": {"summary": "Record a response (responder, analyst, admin); times in order",
            "parameters": id("alert id"), "requestBody": body(times.clone(), &["responder", "action"]),
            "responses": ok("201", "the response", &["401", "403", "404", "409", "422"])}},
        "/api/responses/{id}": {"patch": {"summary": "Update a response's times, outcome, responder or action (null clears dispatched_at, on_scene_at, completed_at or outcome)",
            "parameters": id("response id"), "requestBody": body(times, &[]),
            "responses": ok("200", "the response", &["401", "403", "404", "422"])}},
        "/api/responses/dashboard": {"get": {"summary": "Median minutes from issue to acknowledgement and to the first dispatch, overall, by admin area and month; alerts with no response after `hours`",
            "parameters": [
                {"name": "hours", "in": "query", "schema": {"type": "integer", "default": 24}},
                {"name": "level", "in": "query", "schema": {"type": "integer", "enum": [1, 2], "default": 1}}],
            "responses": ok("200", "the figures", &["401", "403", "422"])}},
        "/api/rules": {"get": {"summary": "The alert rules in force", "responses": ok("200", "rules", &["401", "403"])}},
        "/api/webhooks": {
            "get": {"summary": "Webhook subscriptions and deliveries with attempts and last error (admin)", "responses": ok("200", "subscriptions and deliveries", &["401", "403"])},
            "post": {"summary": "Subscribe a http:// URL to alert events as CAP XML or JSON (admin)",
                "requestBody": body(json!({"url": {"type": "string"}, "format": {"type": "string", "enum": ["cap", "json"], "default": "cap"}}), &["url"]),
                "responses": ok("201", "the subscription", &["401", "403", "422"])}},
        "/api/webhooks/{id}": {"delete": {"summary": "Stop delivering to a subscription (admin)", "parameters": id("subscription id"),
            "responses": {"204": {"description": "stopped"}, "404": {"description": "no such active subscription"}}}},
        "/cap/{id}.xml": {"get": {"summary": "The alert's latest CAP 1.2 message (public; drafts 404)", "security": [],
            "parameters": id("alert id"),
            "responses": {"200": {"description": "CAP 1.2", "content": {"application/cap+xml": {}}}, "404": {"description": "no published alert"}}}},
        "/cap/alerts.atom": {"get": {"summary": "Atom feed of issued, unexpired alerts (public)", "security": [],
            "responses": {"200": {"description": "Atom", "content": {"application/atom+xml": {}}}}}}
    })
}
