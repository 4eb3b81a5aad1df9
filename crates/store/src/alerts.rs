//! Alerts, responses and webhook delivery, as stored.
//!
//! The store does not know what an alert *means* (that is `vigil-warn`, a crate above
//! this one): it keeps the alert's columns for querying, the whole alert as JSON, its
//! evidence, status changes and CAP messages. The application layer reads what a
//! decision needs at a version ([`Store::open_alerts_of_rule`],
//! [`Store::alert_for_change`]), decides, and hands the rows to [`Store::write_alert`],
//! which writes them in one transaction only if no other alert write came in between
//! (the `alert_lock` row counts writes), so two reports arriving together cannot both
//! create "the" alert for one situation. Every write carries its audit entries (one
//! per status change) and its webhook outbox rows in the same transaction.
//!
//! Webhook delivery is an outbox: one row per (event, subscription) with the payload
//! rendered at the time, attempts, the next attempt time and the last error. The
//! server's delivery task claims due rows ([`Store::claim_delivery`]) and records the
//! outcome; because the queue is in the database, a restart loses nothing.

use crate::audit::audit_append;
use crate::{on_pool, Result, Store};
use serde::Serialize;
use sqlx::AssertSqlSafe;


/// Webhook payload formats.
pub const WEBHOOK_FORMATS: [&str; 2] = ["cap", "json"];

/// Alert rows as read for a decision, with the version they were read at (see
/// [`Store::write_alert`]) and the id a new alert would take.
#[derive(Debug, Clone)]
pub struct AlertSnapshot<T> {
    pub version: i64,
    pub next_id: i64,
    pub alerts: T,
}

/// An alert as stored: the queryable columns and the whole document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAlert {
    pub id: i64,
    pub rule_id: String,
    pub status: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub issued_at: Option<String>,
    pub expires_at: String,
    /// The alert as `vigil-warn` serialises it.
    pub doc: serde_json::Value,
}

/// One piece of evidence behind an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerRow {
    pub kind: String,
    pub reference: String,
    /// `incidents.id` or `reports.id` when known.
    pub target_id: Option<i64>,
}

/// One lifecycle step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChangeRow {
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub at: String,
    pub note: Option<String>,
}

/// One published CAP document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapMessageRow {
    pub identifier: String,
    pub msg_type: String,
    pub sent: String,
    #[serde(skip)]
    pub xml: String,
}

/// Something webhook subscribers hear about. CAP subscribers get only events with
/// a CAP document; JSON subscribers get all.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub event: String,
    pub json: serde_json::Value,
    pub cap_xml: Option<String>,
}

/// What the caller decided to write for one alert.
#[derive(Debug, Clone)]
pub struct AlertWrite {
    pub id: i64,
    /// Insert (true) or update (false).
    pub is_new: bool,
    pub rule_id: String,
    pub status: String,
    pub area: serde_json::Value,
    pub area_desc: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub headline: String,
    pub threat: String,
    pub urgency: String,
    pub severity: String,
    pub certainty: String,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub issued_at: Option<String>,
    pub doc: serde_json::Value,
    /// All triggers; rows already stored are kept as they are.
    pub triggers: Vec<TriggerRow>,
    /// Status changes not stored yet; each becomes an audit entry too.
    pub new_changes: Vec<StatusChangeRow>,
    pub new_messages: Vec<CapMessageRow>,
    pub events: Vec<WebhookEvent>,
    /// Who made the change (user name or `rule:<id>`), and the audit action for the
    /// content change (`create`, `update`), or `None` when only the status changed.
    pub actor: String,
    pub action: Option<String>,
}

impl AlertWrite {
    fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "rule_id": self.rule_id, "status": self.status, "area": self.area, "area_desc": self.area_desc,
            "headline": self.headline, "urgency": self.urgency, "severity": self.severity,
            "certainty": self.certainty, "expires_at": self.expires_at,
            "triggers": self.triggers.len(),
        })
    }
}

/// A response to an alert with its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseRow {
    pub id: i64,
    pub alert_id: i64,
    pub responder: String,
    pub action: String,
    pub requested_at: String,
    pub dispatched_at: Option<String>,
    pub on_scene_at: Option<String>,
    pub completed_at: Option<String>,
    pub outcome: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A new response (checked by the caller).
#[derive(Debug, Clone, Default)]
pub struct NewResponse {
    pub alert_id: i64,
    pub responder: String,
    pub action: String,
    pub requested_at: String,
    pub dispatched_at: Option<String>,
    pub on_scene_at: Option<String>,
    pub completed_at: Option<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookSubscription {
    pub id: i64,
    pub url: String,
    pub format: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: String,
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub url: String,
    pub event: String,
    pub alert_id: Option<i64>,
    pub content_type: String,
    #[serde(skip)]
    pub payload: String,
    pub created_at: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
}

const ALERT_COLUMNS: &str =
    "id, rule_id, status, admin1, admin2, created_at, updated_at, issued_at, expires_at, alert_json";
type AlertTuple =
    (i64, String, String, Option<String>, Option<String>, String, String, Option<String>, String, String);

fn alert_from(r: AlertTuple) -> Result<StoredAlert> {
    let doc = serde_json::from_str(&r.9).map_err(|e| crate::StoreError::Corrupt(format!("alert {}: {e}", r.0)))?;
    Ok(StoredAlert {
        id: r.0,
        rule_id: r.1,
        status: r.2,
        admin1: r.3,
        admin2: r.4,
        created_at: r.5,
        updated_at: r.6,
        issued_at: r.7,
        expires_at: r.8,
        doc,
    })
}

const RESPONSE_COLUMNS: &str = "id, alert_id, responder, action, requested_at, dispatched_at, on_scene_at, \
    completed_at, outcome, created_by, created_at, updated_at";
type ResponseTuple = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

fn response_from(r: ResponseTuple) -> ResponseRow {
    ResponseRow {
        id: r.0,
        alert_id: r.1,
        responder: r.2,
        action: r.3,
        requested_at: r.4,
        dispatched_at: r.5,
        on_scene_at: r.6,
        completed_at: r.7,
        outcome: r.8,
        created_by: r.9,
        created_at: r.10,
        updated_at: r.11,
    }
}

const DELIVERY_SELECT: &str = "SELECT o.id, o.subscription_id, s.url, o.event, o.alert_id, o.content_type, o.payload, \
    o.created_at, o.attempts, o.next_attempt_at, o.last_error, o.delivered_at, o.failed_at \
    FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id";
type DeliveryTuple = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn delivery_from(r: DeliveryTuple) -> Delivery {
    Delivery {
        id: r.0,
        subscription_id: r.1,
        url: r.2,
        event: r.3,
        alert_id: r.4,
        content_type: r.5,
        payload: r.6,
        created_at: r.7,
        attempts: r.8,
        next_attempt_at: r.9,
        last_error: r.10,
        delivered_at: r.11,
        failed_at: r.12,
    }
}

/// Write one decided alert change inside an open transaction `tx` (either backend).
macro_rules! write_alert {
    ($store:expr, $tx:ident, $w:expr, $before:expr) => {{
        let w: &AlertWrite = $w;
        let before: Option<serde_json::Value> = $before;
        let now = crate::audit::now();
        let area = w.area.to_string();
        let doc = w.doc.to_string();
        let sql = if w.is_new {
            "INSERT INTO alerts (rule_id, status, area_json, area_desc, admin1, admin2, headline, threat, urgency, \
             severity, certainty, expires_at, created_at, updated_at, issued_at, alert_json, id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        } else {
            "UPDATE alerts SET rule_id = $1, status = $2, area_json = $3, area_desc = $4, admin1 = $5, admin2 = $6, \
             headline = $7, threat = $8, urgency = $9, severity = $10, certainty = $11, expires_at = $12, \
             created_at = $13, updated_at = $14, issued_at = $15, alert_json = $16 WHERE id = $17"
        };
        sqlx::query(sql)
            .bind(&w.rule_id)
            .bind(&w.status)
            .bind(&area)
            .bind(&w.area_desc)
            .bind(w.admin1.as_deref())
            .bind(w.admin2.as_deref())
            .bind(&w.headline)
            .bind(&w.threat)
            .bind(&w.urgency)
            .bind(&w.severity)
            .bind(&w.certainty)
            .bind(&w.expires_at)
            .bind(&w.created_at)
            .bind(&w.updated_at)
            .bind(w.issued_at.as_deref())
            .bind(&doc)
            .bind(w.id)
            .execute(&mut *$tx)
            .await?;
        for t in &w.triggers {
            sqlx::query(
                "INSERT INTO alert_triggers (alert_id, kind, reference, target_id, added_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (alert_id, kind, reference) DO NOTHING",
            )
            .bind(w.id)
            .bind(&t.kind)
            .bind(&t.reference)
            .bind(t.target_id)
            .bind(&now)
            .execute(&mut *$tx)
            .await?;
        }
        for c in &w.new_changes {
            sqlx::query(
                "INSERT INTO alert_status_changes (alert_id, from_status, to_status, actor, at, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(w.id)
            .bind(c.from.as_deref())
            .bind(&c.to)
            .bind(&c.actor)
            .bind(&c.at)
            .bind(c.note.as_deref())
            .execute(&mut *$tx)
            .await?;
        }
        for m in &w.new_messages {
            sqlx::query("INSERT INTO cap_messages (identifier, alert_id, msg_type, sent, xml) VALUES ($1, $2, $3, $4, $5)")
                .bind(&m.identifier)
                .bind(w.id)
                .bind(&m.msg_type)
                .bind(&m.sent)
                .bind(&m.xml)
                .execute(&mut *$tx)
                .await?;
        }
        if !w.events.is_empty() {
            let subs: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, format FROM webhook_subscriptions WHERE active = 1 ORDER BY id")
                    .fetch_all(&mut *$tx)
                    .await?;
            for e in &w.events {
                for (sub, format) in &subs {
                    let (ct, payload) = match (format.as_str(), &e.cap_xml) {
                        ("cap", Some(x)) => ("application/cap+xml", x.clone()),
                        ("cap", None) => continue,
                        _ => ("application/json", e.json.to_string()),
                    };
                    sqlx::query(
                        "INSERT INTO webhook_outbox (subscription_id, event, alert_id, content_type, payload, created_at, \
                         attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $6)",
                    )
                    .bind(*sub)
                    .bind(&e.event)
                    .bind(w.id)
                    .bind(ct)
                    .bind(&payload)
                    .bind(&now)
                    .execute(&mut *$tx)
                    .await?;
                }
            }
        }
        let entity = format!("alert/{}", w.id);
        if let Some(action) = &w.action {
            let mut after = w.summary();
            if let Some(c) = w.new_changes.iter().find(|c| c.from.is_none()) {
                after["created_by"] = c.actor.clone().into();
            }
            audit_append!($store, $tx, &w.actor, action.as_str(), &entity, before.as_ref(), Some(&after));
        }
        for c in w.new_changes.iter().filter(|c| c.from.is_some()) {
            let b = serde_json::json!({"status": c.from});
            let a = serde_json::json!({"status": c.to, "at": c.at, "note": c.note});
            audit_append!($store, $tx, &c.actor, "transition", &entity, Some(&b), Some(&a));
        }
    }};
}

impl Store {
    /// The number of alert writes so far: what a decision is read at, and what
    /// [`Store::write_alert`] checks before it writes.
    async fn alert_version(&self) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT n FROM alert_lock WHERE id = 1").fetch_one(pool).await?
        }))
    }

    /// What a rule's firing is decided on: the id a new alert would take and the
    /// rule's open alerts (neither closed nor cancelled), read at a version.
    pub async fn open_alerts_of_rule(&self, rule_id: &str) -> Result<AlertSnapshot<Vec<StoredAlert>>> {
        let version = self.alert_version().await?;
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE rule_id = $1 AND status NOT IN ('closed', 'cancelled') ORDER BY id"
        );
        let (next_id, rows): (i64, Vec<AlertTuple>) = on_pool!(self, pool => {
            let next = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM alerts").fetch_one(pool).await?;
            (next, sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(rule_id).fetch_all(pool).await?)
        });
        let alerts = rows.into_iter().map(alert_from).collect::<Result<Vec<_>>>()?;
        Ok(AlertSnapshot { version, next_id, alerts })
    }

    /// What a change of one alert is decided on: the stored alert (or `None`), read
    /// at a version.
    pub async fn alert_for_change(&self, id: i64) -> Result<AlertSnapshot<Option<StoredAlert>>> {
        let version = self.alert_version().await?;
        let next_id: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM alerts").fetch_one(pool).await?
        });
        Ok(AlertSnapshot { version, next_id, alerts: self.alert(id).await? })
    }

    /// Write a decided alert change, its status changes with their audit entries,
    /// its CAP messages and its webhook outbox rows, in one transaction, unless
    /// another alert write committed since `version` was read: then nothing is
    /// written and `Ok(false)` tells the caller to read again and decide again. Two
    /// reports arriving together therefore cannot both create "the" alert for one
    /// situation. `before` is the audit entry's view of the alert before the change.
    pub async fn write_alert(&self, version: i64, w: &AlertWrite, before: Option<serde_json::Value>) -> Result<bool> {
        let begin = self.begin_write_sql();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let claimed = sqlx::query("UPDATE alert_lock SET n = n + 1 WHERE id = 1 AND n = $1")
                .bind(version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if claimed == 0 {
                tx.rollback().await?;
                false
            } else {
                write_alert!(self, tx, w, before);
                tx.commit().await?;
                true
            }
        }))
    }

    /// One alert.
    pub async fn alert(&self, id: i64) -> Result<Option<StoredAlert>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
        let row: Option<AlertTuple> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await?
        });
        row.map(alert_from).transpose()
    }

    /// Alerts, newest first, optionally with one of these statuses.
    pub async fn alerts(&self, statuses: &[&str], limit: Option<i64>) -> Result<Vec<StoredAlert>> {
        let wh = if statuses.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (2..statuses.len() + 2).map(|n| format!("${n}")).collect();
            format!(" WHERE status IN ({})", marks.join(", "))
        };
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts{wh} ORDER BY updated_at DESC, id DESC LIMIT $1");
        let rows: Vec<AlertTuple> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(limit.unwrap_or(i64::MAX));
            for s in statuses {
                q = q.bind(*s);
            }
            q.fetch_all(pool).await?
        });
        rows.into_iter().map(alert_from).collect()
    }

    pub async fn alert_triggers(&self, id: i64) -> Result<Vec<TriggerRow>> {
        let rows: Vec<(String, String, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT kind, reference, target_id FROM alert_triggers WHERE alert_id = $1 ORDER BY added_at, kind, reference",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(kind, reference, target_id)| TriggerRow { kind, reference, target_id }).collect())
    }

    /// Status changes of one alert (or of all alerts with `None`), in order, with
    /// the alert id.
    pub async fn alert_status_changes(&self, id: Option<i64>) -> Result<Vec<(i64, StatusChangeRow)>> {
        type ChangeTuple = (i64, Option<String>, String, String, String, Option<String>);
        let rows: Vec<ChangeTuple> = on_pool!(self, pool => {
            let q = sqlx::query_as(
                "SELECT alert_id, from_status, to_status, actor, at, note FROM alert_status_changes \
                 WHERE ($1 IS NULL OR alert_id = $1) ORDER BY alert_id, id",
            );
            q.bind(id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(a, from, to, actor, at, note)| (a, StatusChangeRow { from, to, actor, at, note }))
            .collect())
    }

    pub async fn cap_messages(&self, alert_id: i64) -> Result<Vec<CapMessageRow>> {
        let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT identifier, msg_type, sent, xml FROM cap_messages WHERE alert_id = $1 ORDER BY sent, identifier")
                .bind(alert_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(identifier, msg_type, sent, xml)| CapMessageRow { identifier, msg_type, sent, xml }).collect())
    }

    /// Record a response and its audit entry.
    pub async fn create_response(&self, actor: &str, r: &NewResponse) -> Result<ResponseRow> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO responses (alert_id, responder, action, requested_at, dispatched_at, on_scene_at, \
                 completed_at, outcome, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(r.alert_id)
            .bind(&r.responder)
            .bind(&r.action)
            .bind(&r.requested_at)
            .bind(r.dispatched_at.as_deref())
            .bind(r.on_scene_at.as_deref())
            .bind(r.completed_at.as_deref())
            .bind(r.outcome.as_deref())
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({
                "alert_id": r.alert_id, "responder": r.responder, "action": r.action,
                "requested_at": r.requested_at, "dispatched_at": r.dispatched_at, "on_scene_at": r.on_scene_at,
                "completed_at": r.completed_at, "outcome": r.outcome,
            });
            audit_append!(self, tx, actor, "create", &format!("response/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        Ok(self.response(id).await?.expect("just committed"))
    }

    /// Replace a response's timeline and outcome (the caller merged the patch);
    /// `None` when there is no such response.
    pub async fn update_response(&self, actor: &str, new: &ResponseRow) -> Result<Option<ResponseRow>> {
        let Some(old) = self.response(new.id).await? else { return Ok(None) };
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let view = |r: &ResponseRow| {
            serde_json::json!({
                "responder": r.responder, "action": r.action, "requested_at": r.requested_at,
                "dispatched_at": r.dispatched_at, "on_scene_at": r.on_scene_at,
                "completed_at": r.completed_at, "outcome": r.outcome,
            })
        };
        let (before, after) = (view(&old), view(new));
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "UPDATE responses SET responder = $1, action = $2, requested_at = $3, dispatched_at = $4, \
                 on_scene_at = $5, completed_at = $6, outcome = $7, updated_at = $8 WHERE id = $9",
            )
            .bind(&new.responder)
            .bind(&new.action)
            .bind(&new.requested_at)
            .bind(new.dispatched_at.as_deref())
            .bind(new.on_scene_at.as_deref())
            .bind(new.completed_at.as_deref())
            .bind(new.outcome.as_deref())
            .bind(&now)
            .bind(new.id)
            .execute(&mut *tx)
            .await?;
            audit_append!(self, tx, actor, "update", &format!("response/{}", new.id), Some(&before), Some(&after));
            tx.commit().await?;
        });
        self.response(new.id).await
    }

    pub async fn response(&self, id: i64) -> Result<Option<ResponseRow>> {
        let sql = format!("SELECT {RESPONSE_COLUMNS} FROM responses WHERE id = $1");
        let row: Option<ResponseTuple> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(response_from))
    }

    /// Responses to one alert, or to all alerts with `None`, in id order.
    pub async fn responses(&self, alert_id: Option<i64>) -> Result<Vec<ResponseRow>> {
        let sql = format!("SELECT {RESPONSE_COLUMNS} FROM responses WHERE ($1 IS NULL OR alert_id = $1) ORDER BY id");
        let rows: Vec<ResponseTuple> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(alert_id).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(response_from).collect())
    }

    pub async fn add_webhook(&self, actor: &str, url: &str, format: &str) -> Result<WebhookSubscription> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO webhook_subscriptions (url, format, active, created_by, created_at) VALUES ($1, $2, 1, $3, $4) RETURNING id",
            )
            .bind(url)
            .bind(format)
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({"url": url, "format": format});
            audit_append!(self, tx, actor, "create", &format!("webhook/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        Ok(WebhookSubscription {
            id,
            url: url.into(),
            format: format.into(),
            active: true,
            created_by: actor.into(),
            created_at: now,
        })
    }

    /// Stop delivering to a subscription (kept for the record). `false` if unknown.
    pub async fn deactivate_webhook(&self, actor: &str, id: i64) -> Result<bool> {
        let begin = self.begin_write_sql();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE webhook_subscriptions SET active = 0 WHERE id = $1 AND active = 1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                let (b, a) = (serde_json::json!({"active": true}), serde_json::json!({"active": false}));
                audit_append!(self, tx, actor, "deactivate", &format!("webhook/{id}"), Some(&b), Some(&a));
            }
            tx.commit().await?;
            n > 0
        }))
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookSubscription>> {
        let rows: Vec<(i64, String, String, i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, url, format, active, created_by, created_at FROM webhook_subscriptions ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, url, format, active, created_by, created_at)| WebhookSubscription {
                id,
                url,
                format,
                active: active != 0,
                created_by,
                created_at,
            })
            .collect())
    }

    /// Outbox rows, newest first (`pending_only`: neither delivered nor given up).
    pub async fn deliveries(&self, pending_only: bool, limit: i64) -> Result<Vec<Delivery>> {
        let wh = if pending_only { " WHERE o.delivered_at IS NULL AND o.failed_at IS NULL" } else { "" };
        let sql = format!("{DELIVERY_SELECT}{wh} ORDER BY o.id DESC LIMIT $1");
        let rows: Vec<DeliveryTuple> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(delivery_from).collect())
    }

    /// Pending deliveries due at `now` (RFC 3339 as [`crate::audit::now`] writes it),
    /// oldest first, to active subscriptions.
    pub async fn due_deliveries(&self, now: &str, limit: i64) -> Result<Vec<Delivery>> {
        let sql = format!(
            "{DELIVERY_SELECT} WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1 \
             AND s.active = 1 ORDER BY o.next_attempt_at, o.id LIMIT $2"
        );
        let rows: Vec<DeliveryTuple> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(now).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(delivery_from).collect())
    }

    /// When the next pending delivery falls due, if any.
    pub async fn next_delivery_at(&self) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT MIN(o.next_attempt_at) FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id \
                 WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND s.active = 1",
            )
            .fetch_one(pool)
            .await?
        }))
    }

    /// Take a due delivery for one attempt: moves its next attempt to `lease_until`
    /// (so a crashed attempt is retried, and another server process sharing the
    /// database skips it). `false` when someone else took it first.
    pub async fn claim_delivery(&self, d: &Delivery, lease_until: &str) -> Result<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE webhook_outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 \
                 AND delivered_at IS NULL AND failed_at IS NULL",
            )
            .bind(lease_until)
            .bind(d.id)
            .bind(&d.next_attempt_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Record an attempt's outcome. `Ok(())` delivered; `Err((error, next))` failed,
    /// retried at `next` or, with `None`, given up. Delivery and giving up are
    /// audited; a retry is visible in the outbox row itself.
    pub async fn record_delivery(
        &self,
        d: &Delivery,
        outcome: std::result::Result<(), (&str, Option<&str>)>,
    ) -> Result<()> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let entity = format!("webhook_delivery/{}", d.id);
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            match outcome {
                Ok(()) => {
                    sqlx::query("UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = $1 WHERE id = $2")
                        .bind(&now)
                        .bind(d.id)
                        .execute(&mut *tx)
                        .await?;
                    let after = serde_json::json!({"event": d.event, "alert_id": d.alert_id, "url": d.url, "attempts": d.attempts + 1});
                    audit_append!(self, tx, "system:webhooks", "deliver", &entity, None, Some(&after));
                }
                Err((error, Some(next))) => {
                    sqlx::query("UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
                        .bind(error)
                        .bind(next)
                        .bind(d.id)
                        .execute(&mut *tx)
                        .await?;
                }
                Err((error, None)) => {
                    sqlx::query("UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $1, failed_at = $2 WHERE id = $3")
                        .bind(error)
                        .bind(&now)
                        .bind(d.id)
                        .execute(&mut *tx)
                        .await?;
                    let after = serde_json::json!({"event": d.event, "alert_id": d.alert_id, "url": d.url, "attempts": d.attempts + 1, "error": error});
                    audit_append!(self, tx, "system:webhooks", "give_up", &entity, None, Some(&after));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
