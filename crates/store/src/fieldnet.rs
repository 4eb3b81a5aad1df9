//! Early-warning networks, the SMS gateway and the call centre (issue #19): the
//! register of networks, their focal points and the places they cover; SMS as
//! received (each stored once, whatever the gateway's retries), parts of long SMS
//! until whole; calls to the call centre and their promised callbacks.
//!
//! Contact details — focal points' numbers and names, SMS senders' numbers, callers
//! and callback numbers — are restricted detail: they sit in tables of their own
//! (`ew_focal_point_contacts`, `sms_restricted`, `call_restricted`) and leave the
//! store only through the `*_for` functions, to a principal who sees restricted
//! detail, each read an audit entry (`read_restricted`). Every write carries its
//! audit entry in the same transaction; an SMS that becomes a report, or a call that
//! opens one, is stored with its report in one transaction, so a retry finds both or
//! neither. Audit entries hold no number or name, only that one was recorded.

use crate::access::Principal;
use crate::accounts::User;
use crate::audit::audit_append;
use crate::reports::NewReport;
use crate::{on_pool, Store, StoreError};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// Errors of the register, intake and call log that the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum FieldnetError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FieldnetError {
    fn from(e: sqlx::Error) -> Self {
        FieldnetError::Store(StoreError::Db(e))
    }
}

impl From<crate::reports::ReportError> for FieldnetError {
    fn from(e: crate::reports::ReportError) -> Self {
        use crate::reports::ReportError as R;
        match e {
            R::Invalid { field, message } => FieldnetError::Invalid { field, message },
            R::NotFound(s) => FieldnetError::NotFound(s),
            R::AlreadyActioned { id, status } => {
                FieldnetError::Conflict(format!("report {id} is already {status}"))
            }
            R::Store(s) => FieldnetError::Store(s),
        }
    }
}

type Result<T, E = FieldnetError> = std::result::Result<T, E>;

fn is_unique_violation(e: &FieldnetError) -> bool {
    matches!(e, FieldnetError::Store(StoreError::Db(d)) if d.as_database_error().is_some_and(|d| d.is_unique_violation()))
}

/// Insert a report with its restricted detail and its audit entry inside the open
/// transaction `$tx`; the report's id. The same rows as
/// [`Store::submit_report`] writes (no attachments: SMS and calls carry none).
macro_rules! insert_report {
    ($store:expr, $tx:ident, $reporter:expr, $r:expr) => {{
        let reporter: &User = $reporter;
        let r: &NewReport = $r;
        let received_at = match r.received_at {
            Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            None => crate::audit::now(),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reports (received_at, reporter_id, channel, category, occurred_at, occurred_date, \
             place_name, latitude, longitude, town_id, people_affected, description, reliability, credibility, \
             language, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'new') RETURNING id",
        )
        .bind(&received_at)
        .bind(reporter.id)
        .bind(&r.channel)
        .bind(&r.category)
        .bind(&r.occurred_at)
        .bind(r.occurred_date.to_string())
        .bind(r.place_name.as_deref())
        .bind(r.latitude)
        .bind(r.longitude)
        .bind(r.town_id)
        .bind(r.people_affected)
        .bind(&r.description)
        .bind(&r.reliability)
        .bind(r.credibility)
        .bind(r.language.as_deref())
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query(
            "INSERT INTO report_restricted (report_id, content_type, raw_body, victims, witnesses, contacts) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&r.content_type)
        .bind(&r.raw_body)
        .bind(r.restricted.victims.as_deref())
        .bind(r.restricted.witnesses.as_deref())
        .bind(r.restricted.contacts.as_deref())
        .execute(&mut *$tx)
        .await?;
        let mut after = serde_json::json!({
            "status": "new", "reporter": reporter.name, "channel": r.channel, "category": r.category,
            "occurred_at": r.occurred_at, "place_name": r.place_name, "latitude": r.latitude,
            "longitude": r.longitude, "town_id": r.town_id, "people_affected": r.people_affected,
            "description": r.description, "reliability": r.reliability, "credibility": r.credibility,
            "language": r.language, "raw_bytes": r.raw_body.len(), "attachments": [],
        });
        if !r.restricted.is_empty() {
            after["restricted_recorded"] = true.into();
        }
        audit_append!($store, $tx, &reporter.name, "create", &format!("report/{id}"), None, Some(&after));
        id
    }};
}

// ---------------------------------------------------------------- the register

/// A network to add.
#[derive(Debug, Clone)]
pub struct NewNetwork {
    pub name: String,
    pub organisation: Option<String>,
    pub synthetic: bool,
}

/// A focal point to add, with their (restricted) contact.
#[derive(Debug, Clone)]
pub struct NewFocalPoint {
    pub network_id: i64,
    pub label: String,
    pub place_id: Option<i64>,
    /// normalised: `+` and digits
    pub phone: String,
    pub full_name: Option<String>,
    pub notes: Option<String>,
    pub synthetic: bool,
}

/// Who a focal point is (restricted detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FocalContact {
    pub phone: String,
    pub full_name: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FocalPoint {
    pub id: i64,
    pub network_id: i64,
    pub label: String,
    pub place_id: Option<i64>,
    pub active: bool,
    pub synthetic: bool,
    /// The last SMS, call or report from them (RFC 3339), if any.
    pub last_reported: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<FocalContact>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoveredPlace {
    pub place_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub id: i64,
    pub name: String,
    pub organisation: Option<String>,
    pub synthetic: bool,
    pub places: Vec<CoveredPlace>,
    pub focal_points: Vec<FocalPoint>,
    /// The last report from a focal point of the network or from a place it covers.
    pub last_reported: Option<String>,
}

/// A covered place with the networks covering it and its last report (any channel,
/// by `reports.town_id`), for the silent-areas list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceLastReport {
    pub place_id: i64,
    pub name: String,
    pub networks: Vec<String>,
    pub last_report: Option<String>,
}

impl Store {
    async fn audit_reads_fieldnet(&self, p: &Principal, entities: &[String]) -> Result<()> {
        if entities.is_empty() {
            return Ok(());
        }
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"role": p.role().as_str()});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for e in entities {
                audit_append!(self, tx, &p.user.name, "read_restricted", e, None, Some(&after));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn check_place(&self, id: i64, field: &'static str) -> Result<String> {
        Ok(self
            .place(id)
            .await?
            .ok_or_else(|| FieldnetError::Invalid {
                field,
                message: format!("no gazetteer place with id {id}"),
            })?
            .name)
    }

    /// Add a network.
    pub async fn add_network(&self, actor: &str, n: &NewNetwork) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let after = serde_json::json!({"name": n.name, "organisation": n.organisation, "synthetic": n.synthetic});
        let r: Result<i64> = async {
            Ok(on_pool!(self, pool => {
                let mut tx = pool.begin_with(begin).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ew_networks (name, organisation, synthetic, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&n.name)
                .bind(n.organisation.as_deref())
                .bind(n.synthetic)
                .bind(actor)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?;
                audit_append!(self, tx, actor, "create", &format!("network/{id}"), None, Some(&after));
                tx.commit().await?;
                id
            }))
        }
        .await;
        r.map_err(|e| {
            if is_unique_violation(&e) {
                FieldnetError::Invalid {
                    field: "name",
                    message: format!("a network named `{}` exists", n.name),
                }
            } else {
                e
            }
        })
    }

    /// Set the places a network covers (replacing the list).
    pub async fn set_coverage(
        &self,
        actor: &str,
        network_id: i64,
        place_ids: &[i64],
    ) -> Result<()> {
        self.network_name(network_id).await?;
        let mut names = vec![];
        for id in place_ids {
            names.push(self.check_place(*id, "places").await?);
        }
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"places": place_ids, "names": names});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM ew_coverage WHERE network_id = $1").bind(network_id).execute(&mut *tx).await?;
            for id in place_ids {
                sqlx::query("INSERT INTO ew_coverage (network_id, place_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(network_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit_append!(self, tx, actor, "set_coverage", &format!("network/{network_id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    async fn network_name(&self, id: i64) -> Result<String> {
        let name: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT name FROM ew_networks WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        name.ok_or_else(|| FieldnetError::NotFound(format!("network {id}")))
    }

    /// Add a focal point to a network. The audit entry says a contact was recorded,
    /// not what it is.
    pub async fn add_focal_point(&self, actor: &str, f: &NewFocalPoint) -> Result<i64> {
        self.network_name(f.network_id).await?;
        if let Some(p) = f.place_id {
            self.check_place(p, "place_id").await?;
        }
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let after = serde_json::json!({"network_id": f.network_id, "label": f.label, "place_id": f.place_id,
            "synthetic": f.synthetic, "contact_recorded": true});
        let r: Result<i64> = async {
            Ok(on_pool!(self, pool => {
                let mut tx = pool.begin_with(begin).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ew_focal_points (network_id, label, place_id, synthetic, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(f.network_id)
                .bind(&f.label)
                .bind(f.place_id)
                .bind(f.synthetic)
                .bind(actor)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO ew_focal_point_contacts (focal_point_id, phone, full_name, notes) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&f.phone)
                    .bind(f.full_name.as_deref())
                    .bind(f.notes.as_deref())
                    .execute(&mut *tx)
                    .await?;
                audit_append!(self, tx, actor, "create", &format!("focal_point/{id}"), None, Some(&after));
                tx.commit().await?;
                id
            }))
        }
        .await;
        r.map_err(|e| {
            if is_unique_violation(&e) {
                FieldnetError::Invalid {
                    field: "phone",
                    message: "this label or phone number is already registered for a focal point"
                        .into(),
                }
            } else {
                e
            }
        })
    }

    /// The active focal point with this (normalised) number: id and label. Intake's
    /// own lookup; nothing of the contact leaves the store.
    pub async fn focal_point_by_phone(&self, phone: &str) -> Result<Option<(i64, String)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.id, f.label FROM ew_focal_points f JOIN ew_focal_point_contacts c ON c.focal_point_id = f.id \
                 WHERE c.phone = $1 AND f.active",
            )
            .bind(phone)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The register as `p` may read it: focal points' contacts only for those who
    /// see restricted detail (each read audited).
    pub async fn networks_for(&self, p: &Principal) -> Result<Vec<Network>> {
        type NetRow = (i64, String, Option<String>, bool);
        let nets: Vec<NetRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, organisation, synthetic FROM ew_networks ORDER BY name").fetch_all(pool).await?
        });
        let places: Vec<(i64, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.network_id, c.place_id, COALESCE(p.name, '') FROM ew_coverage c \
                 LEFT JOIN places p ON p.geonameid = c.place_id ORDER BY p.name",
            )
            .fetch_all(pool)
            .await?
        });
        let last_by_place: std::collections::HashMap<i64, String> = self
            .places_last_report()
            .await?
            .into_iter()
            .filter_map(|p| p.last_report.map(|l| (p.place_id, l)))
            .collect();
        let sql = "SELECT f.id, f.network_id, f.label, f.place_id, f.active, f.synthetic, \
             (SELECT MAX(m.received_at) FROM sms_messages m WHERE m.focal_point_id = f.id), \
             (SELECT MAX(c.started_at) FROM calls c WHERE c.focal_point_id = f.id) \
             FROM ew_focal_points f ORDER BY f.label";
        type FpRow = (
            i64,
            i64,
            String,
            Option<i64>,
            bool,
            bool,
            Option<String>,
            Option<String>,
        );
        let fps: Vec<FpRow> =
            on_pool!(self, pool => { sqlx::query_as(AssertSqlSafe(sql)).fetch_all(pool).await? });
        let restricted = p.sees_restricted_detail();
        let mut contacts = std::collections::HashMap::new();
        if restricted {
            let rows: Vec<(i64, String, Option<String>, Option<String>)> = on_pool!(self, pool => {
                sqlx::query_as("SELECT focal_point_id, phone, full_name, notes FROM ew_focal_point_contacts").fetch_all(pool).await?
            });
            for (id, phone, full_name, notes) in rows {
                contacts.insert(
                    id,
                    FocalContact {
                        phone,
                        full_name,
                        notes,
                    },
                );
            }
        }
        let mut read = vec![];
        let mut out = vec![];
        for (id, name, organisation, synthetic) in nets {
            let places: Vec<CoveredPlace> = places
                .iter()
                .filter(|(n, _, _)| *n == id)
                .map(|(_, place_id, name)| CoveredPlace {
                    place_id: *place_id,
                    name: name.clone(),
                })
                .collect();
            let mut focal_points = vec![];
            for f in fps.iter().filter(|f| f.1 == id) {
                let last = [f.6.clone(), f.7.clone()].into_iter().flatten().max();
                let contact = if restricted {
                    contacts.remove(&f.0)
                } else {
                    None
                };
                if contact.is_some() {
                    read.push(format!("focal_point/{}", f.0));
                }
                focal_points.push(FocalPoint {
                    id: f.0,
                    network_id: f.1,
                    label: f.2.clone(),
                    place_id: f.3,
                    active: f.4,
                    synthetic: f.5,
                    last_reported: last,
                    contact,
                });
            }
            let last_reported = focal_points
                .iter()
                .filter_map(|f| f.last_reported.clone())
                .chain(
                    places
                        .iter()
                        .filter_map(|p| last_by_place.get(&p.place_id).cloned()),
                )
                .max();
            out.push(Network {
                id,
                name,
                organisation,
                synthetic,
                places,
                focal_points,
                last_reported,
            });
        }
        self.audit_reads_fieldnet(p, &read).await?;
        Ok(out)
    }

    /// Every covered place with the networks covering it and its last report.
    pub async fn places_last_report(&self) -> Result<Vec<PlaceLastReport>> {
        let rows: Vec<(i64, Option<String>, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.place_id, p.name, n.name, \
                 (SELECT MAX(r.received_at) FROM reports r WHERE r.town_id = c.place_id) \
                 FROM ew_coverage c JOIN ew_networks n ON n.id = c.network_id \
                 LEFT JOIN places p ON p.geonameid = c.place_id ORDER BY c.place_id, n.name",
            )
            .fetch_all(pool)
            .await?
        });
        let mut out: Vec<PlaceLastReport> = vec![];
        for (place_id, name, network, last) in rows {
            match out.last_mut() {
                Some(p) if p.place_id == place_id => p.networks.push(network),
                _ => out.push(PlaceLastReport {
                    place_id,
                    name: name.unwrap_or_else(|| format!("place {place_id}")),
                    networks: vec![network],
                    last_report: last,
                }),
            }
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------- SMS

/// A part of a concatenated SMS.
#[derive(Debug, Clone)]
pub struct NewPart {
    pub concat_key: String,
    pub total: i64,
    pub index: i64,
    pub text: String,
}

/// An SMS to store once under `dedupe_key`.
#[derive(Debug, Clone)]
pub struct NewSms {
    pub dedupe_key: String,
    pub gateway: String,
    pub gateway_id: Option<String>,
    pub sent_at: Option<String>,
    pub received_at: String,
    pub text: String,
    pub parts: i64,
    pub sender: String,
    pub focal_point_id: Option<i64>,
    /// What the parser read (with its confidence), as JSON.
    pub parse: serde_json::Value,
    pub synthetic: bool,
}

/// What storing an SMS came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsStored {
    pub message_id: i64,
    /// `report` | `held` | `accepted` | `rejected`
    pub status: String,
    pub report_id: Option<i64>,
    /// Stored before under the same key: nothing new written.
    pub repeat: bool,
}

/// An SMS as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sms {
    pub id: i64,
    pub gateway: String,
    pub sent_at: Option<String>,
    pub received_at: String,
    pub text: String,
    pub parts: i64,
    pub focal_point_id: Option<i64>,
    pub focal_point: Option<String>,
    pub status: String,
    pub report_id: Option<i64>,
    pub parse: serde_json::Value,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: Option<String>,
    pub synthetic: bool,
    /// The sender's number: restricted detail, only for those who read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
}

const SMS_SELECT: &str = "SELECT m.id, m.gateway, m.sent_at, m.received_at, m.text, m.parts, m.focal_point_id, f.label, \
    m.status, m.report_id, m.parse_json, m.reviewed_by, m.reviewed_at, m.review_note, m.synthetic \
    FROM sms_messages m LEFT JOIN ew_focal_points f ON f.id = m.focal_point_id";

macro_rules! sms_from_row {
    ($r:expr) => {{
        let r = $r;
        let parse: String = r.try_get(10)?;
        Sms {
            id: r.try_get(0)?,
            gateway: r.try_get(1)?,
            sent_at: r.try_get(2)?,
            received_at: r.try_get(3)?,
            text: r.try_get(4)?,
            parts: r.try_get(5)?,
            focal_point_id: r.try_get(6)?,
            focal_point: r.try_get(7)?,
            status: r.try_get(8)?,
            report_id: r.try_get(9)?,
            parse: serde_json::from_str(&parse).unwrap_or(serde_json::Value::Null),
            reviewed_by: r.try_get(11)?,
            reviewed_at: r.try_get(12)?,
            review_note: r.try_get(13)?,
            synthetic: r.try_get(14)?,
            sender: None,
        }
    }};
}

impl Store {
    /// Keep one part of a concatenated SMS (a part delivered again is kept once) and
    /// return every part held for its message so far, `(index, text)`. Parts of one
    /// message are written one after another (the row of `sms_concat` is locked
    /// first), so the part that completes a message always sees the others.
    pub async fn sms_part(&self, p: &NewPart) -> Result<Vec<(i64, String)>> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("INSERT INTO sms_concat (concat_key, total, first_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(&p.concat_key)
                .bind(p.total)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            // takes the row's lock on PostgreSQL: parts of one message queue here
            sqlx::query("UPDATE sms_concat SET total = total WHERE concat_key = $1").bind(&p.concat_key).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO sms_parts (concat_key, part, text, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(&p.concat_key)
                .bind(p.index)
                .bind(&p.text)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            let parts: Vec<(i64, String)> = sqlx::query_as("SELECT part, text FROM sms_parts WHERE concat_key = $1 ORDER BY part")
                .bind(&p.concat_key)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            parts
        }))
    }

    /// Store an SMS once under its key: with its report (`report`: the reporter
    /// account and the report) or held for review (`None`), in one transaction. A
    /// message stored before under the same key is answered from that row.
    pub async fn sms_store(
        &self,
        m: &NewSms,
        report: Option<(&User, &NewReport)>,
    ) -> Result<SmsStored> {
        if let Some(found) = self.sms_by_key(&m.dedupe_key).await? {
            return Ok(found);
        }
        let begin = self.begin_write_sql();
        let status = if report.is_some() { "report" } else { "held" };
        let parse = m.parse.to_string();
        let r: Result<SmsStored> = async {
            Ok(on_pool!(self, pool => {
                let mut tx = pool.begin_with(begin).await?;
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO sms_messages (dedupe_key, gateway, gateway_id, sent_at, received_at, text, parts, \
                     focal_point_id, status, parse_json, synthetic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                )
                .bind(&m.dedupe_key)
                .bind(&m.gateway)
                .bind(m.gateway_id.as_deref())
                .bind(m.sent_at.as_deref())
                .bind(&m.received_at)
                .bind(&m.text)
                .bind(m.parts)
                .bind(m.focal_point_id)
                .bind(status)
                .bind(&parse)
                .bind(m.synthetic)
                .fetch_optional(&mut *tx)
                .await?;
                match id {
                    // another delivery of the same message committed first
                    None => {
                        tx.rollback().await?;
                        None
                    }
                    Some(id) => {
                        sqlx::query("INSERT INTO sms_restricted (message_id, sender) VALUES ($1, $2)")
                            .bind(id)
                            .bind(&m.sender)
                            .execute(&mut *tx)
                            .await?;
                        let report_id = match report {
                            Some((reporter, r)) => {
                                let rid = insert_report!(self, tx, reporter, r);
                                sqlx::query("UPDATE sms_messages SET report_id = $1 WHERE id = $2")
                                    .bind(rid)
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                                Some(rid)
                            }
                            None => None,
                        };
                        let after = serde_json::json!({"gateway": m.gateway, "status": status, "report_id": report_id,
                            "parts": m.parts, "focal_point_id": m.focal_point_id, "sender_recorded": true,
                            "parse": m.parse});
                        audit_append!(self, tx, "sms-gateway", "receive", &format!("sms/{id}"), None, Some(&after));
                        tx.commit().await?;
                        Some(SmsStored { message_id: id, status: status.to_string(), report_id, repeat: false })
                    }
                }
            }))
        }
        .await
        .and_then(|o: Option<SmsStored>| o.ok_or_else(|| FieldnetError::Conflict("retry".into())));
        match r {
            Ok(s) => Ok(s),
            Err(e)
                if is_unique_violation(&e)
                    || matches!(&e, FieldnetError::Conflict(s) if s == "retry") =>
            {
                self.sms_by_key(&m.dedupe_key).await?.ok_or_else(|| {
                    FieldnetError::Conflict("an SMS with this key was stored and is gone".into())
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn sms_by_key(&self, key: &str) -> Result<Option<SmsStored>> {
        let row: Option<(i64, String, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, status, report_id FROM sms_messages WHERE dedupe_key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(message_id, status, report_id)| SmsStored {
            message_id,
            status,
            report_id,
            repeat: true,
        }))
    }

    /// One SMS with its sender, for intake's own use (accepting a held message puts
    /// the sender into the report's restricted detail); not a read for a user.
    pub async fn sms_with_sender(&self, id: i64) -> Result<Option<Sms>> {
        let sql = format!("{SMS_SELECT} WHERE m.id = $1");
        let sms: Option<Sms> = on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await? {
                Some(r) => Some(sms_from_row!(&r)),
                None => None,
            }
        });
        let Some(mut sms) = sms else { return Ok(None) };
        sms.sender = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT sender FROM sms_restricted WHERE message_id = $1").bind(id).fetch_optional(pool).await?
        });
        Ok(Some(sms))
    }

    /// SMS as `p` may read them, newest first, optionally of one status; senders
    /// only for those who see restricted detail (each read audited).
    pub async fn sms_for(
        &self,
        p: &Principal,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Sms>> {
        let wh = if status.is_some() {
            " WHERE m.status = $2"
        } else {
            ""
        };
        let sql = format!("{SMS_SELECT}{wh} ORDER BY m.received_at DESC, m.id DESC LIMIT $1");
        let mut list: Vec<Sms> = on_pool!(self, pool => {
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str())).bind(limit);
            if let Some(s) = status {
                q = q.bind(s);
            }
            let rows = q.fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(sms_from_row!(r));
            }
            out
        });
        if p.sees_restricted_detail() {
            let mut read = vec![];
            for s in &mut list {
                s.sender = on_pool!(self, pool => {
                    sqlx::query_scalar("SELECT sender FROM sms_restricted WHERE message_id = $1").bind(s.id).fetch_optional(pool).await?
                });
                read.push(format!("sms/{}", s.id));
            }
            self.audit_reads_fieldnet(p, &read).await?;
        }
        Ok(list)
    }

    /// Accept a held SMS into a report (stored with it in one transaction).
    pub async fn sms_accept(
        &self,
        actor: &User,
        id: i64,
        reporter: &User,
        report: &NewReport,
    ) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let r: Result<Option<i64>> = async {
            Ok(on_pool!(self, pool => {
                let mut tx = pool.begin_with(begin).await?;
                let n = sqlx::query("UPDATE sms_messages SET status = 'accepted', reviewed_by = $1, reviewed_at = $2 WHERE id = $3 AND status = 'held'")
                    .bind(&actor.name)
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    tx.rollback().await?;
                    None
                } else {
                    let rid = insert_report!(self, tx, reporter, report);
                    sqlx::query("UPDATE sms_messages SET report_id = $1 WHERE id = $2").bind(rid).bind(id).execute(&mut *tx).await?;
                    let after = serde_json::json!({"status": "accepted", "report_id": rid});
                    audit_append!(self, tx, &actor.name, "accept", &format!("sms/{id}"), Some(&serde_json::json!({"status": "held"})), Some(&after));
                    tx.commit().await?;
                    Some(rid)
                }
            }))
        }
        .await;
        match r? {
            Some(rid) => Ok(rid),
            None => Err(self.not_held(id).await),
        }
    }

    /// Reject a held SMS with a note.
    pub async fn sms_reject(&self, actor: &User, id: i64, note: &str) -> Result<()> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let done: bool = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE sms_messages SET status = 'rejected', reviewed_by = $1, reviewed_at = $2, review_note = $3 WHERE id = $4 AND status = 'held'")
                .bind(&actor.name)
                .bind(&now)
                .bind(note)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                false
            } else {
                let after = serde_json::json!({"status": "rejected", "note": note});
                audit_append!(self, tx, &actor.name, "reject", &format!("sms/{id}"), Some(&serde_json::json!({"status": "held"})), Some(&after));
                tx.commit().await?;
                true
            }
        });
        if done {
            Ok(())
        } else {
            Err(self.not_held(id).await)
        }
    }

    async fn not_held(&self, id: i64) -> FieldnetError {
        match self.sms_with_sender(id).await {
            Ok(Some(s)) => FieldnetError::Conflict(format!("SMS {id} is {}, not held", s.status)),
            Ok(None) => FieldnetError::NotFound(format!("SMS {id}")),
            Err(e) => e,
        }
    }

    /// Counts of stored SMS by status, and of parts still waiting for the rest of
    /// their message.
    pub async fn sms_counts(&self) -> Result<(Vec<(String, i64)>, i64)> {
        Ok(on_pool!(self, pool => {
            let by: Vec<(String, i64)> = sqlx::query_as("SELECT status, COUNT(*) FROM sms_messages GROUP BY status ORDER BY status")
                .fetch_all(pool)
                .await?;
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sms_concat c WHERE (SELECT COUNT(*) FROM sms_parts p WHERE p.concat_key = c.concat_key) < c.total",
            )
            .fetch_one(pool)
            .await?;
            (by, waiting)
        }))
    }
}

// ---------------------------------------------------------------- calls

/// A call to log.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub started_at: String,
    pub duration_seconds: Option<i64>,
    pub language: Option<String>,
    pub outcome: String,
    pub place_id: Option<i64>,
    pub focal_point_id: Option<i64>,
    pub note: Option<String>,
    pub callback_promised: bool,
    pub caller: Option<String>,
    pub callback_number: Option<String>,
    pub synthetic: bool,
}

/// Who called and where to call back (restricted detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallContact {
    pub caller: Option<String>,
    pub callback_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    pub id: i64,
    pub operator: String,
    pub started_at: String,
    pub duration_seconds: Option<i64>,
    pub language: Option<String>,
    pub outcome: String,
    pub report_id: Option<i64>,
    pub place_id: Option<i64>,
    pub focal_point_id: Option<i64>,
    pub note: Option<String>,
    pub callback_promised: bool,
    pub callback_done_at: Option<String>,
    pub callback_done_by: Option<String>,
    pub synthetic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<CallContact>,
}

const CALL_SELECT: &str = "SELECT c.id, u.name, c.started_at, c.duration_seconds, c.language, c.outcome, c.report_id, \
    c.place_id, c.focal_point_id, c.note, c.callback_promised, c.callback_done_at, c.callback_done_by, c.synthetic \
    FROM calls c JOIN users u ON u.id = c.operator_id";

macro_rules! call_from_row {
    ($r:expr) => {{
        let r = $r;
        Call {
            id: r.try_get(0)?,
            operator: r.try_get(1)?,
            started_at: r.try_get(2)?,
            duration_seconds: r.try_get(3)?,
            language: r.try_get(4)?,
            outcome: r.try_get(5)?,
            report_id: r.try_get(6)?,
            place_id: r.try_get(7)?,
            focal_point_id: r.try_get(8)?,
            note: r.try_get(9)?,
            callback_promised: r.try_get(10)?,
            callback_done_at: r.try_get(11)?,
            callback_done_by: r.try_get(12)?,
            synthetic: r.try_get(13)?,
            contact: None,
        }
    }};
}

impl Store {
    /// Log a call, with the report it opens (if any) in the same transaction; the
    /// call's id and the report's.
    pub async fn log_call(
        &self,
        operator: &User,
        c: &NewCall,
        report: Option<&NewReport>,
    ) -> Result<(i64, Option<i64>)> {
        if let Some(p) = c.place_id {
            self.check_place(p, "place_id").await?;
        }
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let report_id = match report {
                Some(r) => Some(insert_report!(self, tx, operator, r)),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO calls (operator_id, started_at, duration_seconds, language, outcome, report_id, place_id, \
                 focal_point_id, note, callback_promised, synthetic, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(operator.id)
            .bind(&c.started_at)
            .bind(c.duration_seconds)
            .bind(c.language.as_deref())
            .bind(&c.outcome)
            .bind(report_id)
            .bind(c.place_id)
            .bind(c.focal_point_id)
            .bind(c.note.as_deref())
            .bind(c.callback_promised)
            .bind(c.synthetic)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO call_restricted (call_id, caller, callback_number) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(c.caller.as_deref())
                .bind(c.callback_number.as_deref())
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({"started_at": c.started_at, "duration_seconds": c.duration_seconds,
                "language": c.language, "outcome": c.outcome, "report_id": report_id, "place_id": c.place_id,
                "focal_point_id": c.focal_point_id, "callback_promised": c.callback_promised, "synthetic": c.synthetic,
                "restricted_recorded": c.caller.is_some() || c.callback_number.is_some()});
            audit_append!(self, tx, &operator.name, "create", &format!("call/{id}"), None, Some(&after));
            tx.commit().await?;
            (id, report_id)
        }))
    }

    /// Calls as `p` may read them, newest first (`pending_callbacks`: only promised
    /// callbacks not yet made); callers and callback numbers only for those who see
    /// restricted detail (each read audited).
    pub async fn calls_for(
        &self,
        p: &Principal,
        pending_callbacks: bool,
        limit: i64,
    ) -> Result<Vec<Call>> {
        let wh = if pending_callbacks {
            " WHERE c.callback_promised AND c.callback_done_at IS NULL"
        } else {
            ""
        };
        let sql = format!("{CALL_SELECT}{wh} ORDER BY c.started_at DESC, c.id DESC LIMIT $1");
        let mut list: Vec<Call> = on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(call_from_row!(r));
            }
            out
        });
        if p.sees_restricted_detail() {
            let mut read = vec![];
            for c in &mut list {
                let row: Option<(Option<String>, Option<String>)> = on_pool!(self, pool => {
                    sqlx::query_as("SELECT caller, callback_number FROM call_restricted WHERE call_id = $1")
                        .bind(c.id)
                        .fetch_optional(pool)
                        .await?
                });
                if let Some((caller, callback_number)) = row {
                    if caller.is_some() || callback_number.is_some() {
                        read.push(format!("call/{}", c.id));
                    }
                    c.contact = Some(CallContact {
                        caller,
                        callback_number,
                    });
                }
            }
            self.audit_reads_fieldnet(p, &read).await?;
        }
        Ok(list)
    }

    /// Every call's time, language, outcome and duration (no restricted detail),
    /// from `since` (RFC 3339) if given.
    pub async fn call_facts(
        &self,
        since: Option<&str>,
    ) -> Result<Vec<(String, Option<String>, String, Option<i64>)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT started_at, language, outcome, duration_seconds FROM calls WHERE started_at >= $1 ORDER BY started_at",
            )
            .bind(since.unwrap_or(""))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Mark a promised callback made.
    pub async fn callback_done(&self, actor: &User, call_id: i64, at: &str) -> Result<()> {
        let begin = self.begin_write_sql();
        let done: bool = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query(
                "UPDATE calls SET callback_done_at = $1, callback_done_by = $2 \
                 WHERE id = $3 AND callback_promised AND callback_done_at IS NULL",
            )
            .bind(at)
            .bind(&actor.name)
            .bind(call_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                false
            } else {
                let after = serde_json::json!({"callback_done_at": at});
                audit_append!(self, tx, &actor.name, "callback_done", &format!("call/{call_id}"), None, Some(&after));
                tx.commit().await?;
                true
            }
        });
        if done {
            return Ok(());
        }
        let row: Option<(bool, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT callback_promised, callback_done_at FROM calls WHERE id = $1").bind(call_id).fetch_optional(pool).await?
        });
        Err(match row {
            None => FieldnetError::NotFound(format!("call {call_id}")),
            Some((false, _)) => {
                FieldnetError::Conflict(format!("call {call_id} has no promised callback"))
            }
            Some((true, at)) => FieldnetError::Conflict(format!(
                "the callback of call {call_id} was made at {}",
                at.unwrap_or_default()
            )),
        })
    }
}

// ---------------------------------------------------------------- gateways

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Store {
    /// Register (or re-key) an SMS gateway with a shared secret; only its SHA-256 is
    /// kept, and the audit entry does not hold it.
    pub async fn set_sms_gateway(&self, actor: &str, name: &str, secret: &str) -> Result<()> {
        if name.trim().is_empty() || name.len() > 60 {
            return Err(FieldnetError::Invalid {
                field: "name",
                message: "must be 1 to 60 characters".into(),
            });
        }
        if secret.len() < 16 {
            return Err(FieldnetError::Invalid {
                field: "secret",
                message: "must be at least 16 characters".into(),
            });
        }
        let hash = crate::audit::sha256_hex(secret.as_bytes());
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO sms_gateways (name, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, created_by = excluded.created_by, \
                 created_at = excluded.created_at",
            )
            .bind(name)
            .bind(&hash)
            .bind(actor)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({"name": name, "secret_set": true});
            audit_append!(self, tx, actor, "set_secret", &format!("sms_gateway/{name}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The gateway whose shared secret this is (compared in constant time), if any.
    pub async fn sms_gateway_by_secret(&self, secret: &str) -> Result<Option<String>> {
        let hash = crate::audit::sha256_hex(secret.as_bytes());
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT name, token_hash FROM sms_gateways ORDER BY name").fetch_all(pool).await?
        });
        let mut found = None;
        for (name, h) in rows {
            if constant_time_eq(h.as_bytes(), hash.as_bytes()) && found.is_none() {
                found = Some(name);
            }
        }
        Ok(found)
    }
}
