//! Field reports: intake and reading. A report is kept exactly as received (its raw
//! body) beside the parsed fields, and is never deleted: triage ([`crate::triage`])
//! changes its status and links it to an incident. Every step writes its audit entry
//! in the same transaction as the change.
//!
//! Restricted detail (victims, witnesses, contacts, and the raw body that carries
//! them) sits in `report_restricted` / `incident_restricted`; callers ask for it
//! through the functions of [`crate::access`], which take the caller's principal
//! and audit each read.
//!
//! The rest of the reports domain: [`crate::triage`] (the queue's duplicate
//! suggestions, verify / merge / discard), [`crate::incident_records`] (incidents
//! with Vigil's fields, paging), [`crate::places`] (the towns gazetteer); the
//! duplicate scoring itself is pure logic in [`vigil_model::duplicates`].

use crate::accounts::User;
use crate::audit::{audit_append, sha256_hex};
use crate::{on_pool, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

pub use crate::incident_records::{IncidentPage, IncidentRecord};
pub use crate::places::Place;
pub use crate::triage::{Coding, Suggestion};

/// Errors of intake and triage that the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Bad input; `field` names it.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0} not found")]
    NotFound(String),
    /// Triage acts on a report once.
    #[error("report {id} is already {status}")]
    AlreadyActioned { id: i64, status: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ReportError {
    fn from(e: sqlx::Error) -> Self {
        ReportError::Store(StoreError::Db(e))
    }
}

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// Names, contacts and details of victims and witnesses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedDetail {
    pub victims: Option<String>,
    pub witnesses: Option<String>,
    pub contacts: Option<String>,
}

impl RestrictedDetail {
    pub fn is_empty(&self) -> bool {
        self.victims.is_none() && self.witnesses.is_none() && self.contacts.is_none()
    }

    /// Append another report's detail (for a merge), keeping both.
    pub(crate) fn merged_with(&self, other: &RestrictedDetail) -> RestrictedDetail {
        let join = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => Some(format!("{a}\n---\n{b}")),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        RestrictedDetail {
            victims: join(&self.victims, &other.victims),
            witnesses: join(&self.witnesses, &other.witnesses),
            contacts: join(&self.contacts, &other.contacts),
        }
    }
}

/// A file sent with a report.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A report as parsed by the server, with the body it was parsed from.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub channel: String,
    pub category: String,
    /// As given: `YYYY-MM-DD` or RFC 3339.
    pub occurred_at: String,
    pub occurred_date: NaiveDate,
    pub place_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// GeoNames id of a town from [`Store::places`]; fills the point and name when
    /// those are not given.
    pub town_id: Option<i64>,
    pub people_affected: Option<i64>,
    pub description: String,
    /// Admiralty source reliability, `A`–`F`.
    pub reliability: String,
    /// Admiralty information credibility, 1–6.
    pub credibility: i64,
    pub language: Option<String>,
    pub restricted: RestrictedDetail,
    pub content_type: String,
    pub raw_body: Vec<u8>,
    pub attachments: Vec<NewAttachment>,
    /// Set by [`Store::submit_report_once`] (crate::report_client_id).
    pub client: Option<crate::report_client_id::ClientId>,
    /// When it was received on the server's clock (the demo clock under `vigil
    /// demo`); `None`: the wall clock at the time of writing.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub sha256: String,
    pub size: i64,
}

/// A stored report. `restricted` is filled only when asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: i64,
    pub received_at: String,
    pub reporter: String,
    pub reporter_id: i64,
    pub channel: String,
    pub category: String,
    pub occurred_at: String,
    pub occurred_date: String,
    pub place_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub town_id: Option<i64>,
    pub people_affected: Option<i64>,
    pub description: String,
    pub reliability: String,
    pub credibility: i64,
    pub language: Option<String>,
    pub status: String,
    pub incident_id: Option<i64>,
    pub discard_reason: Option<String>,
    pub actioned_by: Option<String>,
    pub actioned_at: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<RestrictedDetail>,
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub status: Option<String>,
    /// Only this reporter's reports.
    pub reporter_id: Option<i64>,
    pub limit: Option<i64>,
}

const REPORT_SELECT: &str = "SELECT r.id, r.received_at, u.name, r.reporter_id, r.channel, r.category, r.occurred_at, \
    r.occurred_date, r.place_name, r.latitude, r.longitude, r.town_id, r.people_affected, r.description, \
    r.reliability, r.credibility, r.language, r.status, r.incident_id, r.discard_reason, a.name, r.actioned_at \
    FROM reports r JOIN users u ON u.id = r.reporter_id LEFT JOIN users a ON a.id = r.actioned_by";

/// Decode one row of [`REPORT_SELECT`] (used inside `on_pool!`, once per backend).
macro_rules! report_from_row {
    ($r:expr) => {{
        let r = $r;
        Report {
            id: r.try_get(0)?,
            received_at: r.try_get(1)?,
            reporter: r.try_get(2)?,
            reporter_id: r.try_get(3)?,
            channel: r.try_get(4)?,
            category: r.try_get(5)?,
            occurred_at: r.try_get(6)?,
            occurred_date: r.try_get(7)?,
            place_name: r.try_get(8)?,
            latitude: r.try_get(9)?,
            longitude: r.try_get(10)?,
            town_id: r.try_get(11)?,
            people_affected: r.try_get(12)?,
            description: r.try_get(13)?,
            reliability: r.try_get(14)?,
            credibility: r.try_get(15)?,
            language: r.try_get(16)?,
            status: r.try_get(17)?,
            incident_id: r.try_get(18)?,
            discard_reason: r.try_get(19)?,
            actioned_by: r.try_get(20)?,
            actioned_at: r.try_get(21)?,
            attachments: vec![],
            restricted: None,
        }
    }};
}

impl Store {
    /// Store a report, its restricted detail, raw body and attachments, and its audit
    /// entry, in one transaction. When this returns the report is committed.
    pub async fn submit_report(&self, reporter: &User, mut r: NewReport) -> Result<Report> {
        if let Some(town) = r.town_id {
            let p = self
                .place(town)
                .await?
                .ok_or_else(|| ReportError::Invalid { field: "town_id", message: format!("no town with id {town}") })?;
            if r.latitude.is_none() && r.longitude.is_none() {
                r.latitude = Some(p.latitude);
                r.longitude = Some(p.longitude);
            }
            if r.place_name.is_none() {
                r.place_name = Some(p.name);
            }
        }
        let begin = self.begin_write_sql();
        let received_at = match r.received_at {
            Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            None => crate::audit::now(),
        };
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reports (received_at, reporter_id, channel, category, occurred_at, occurred_date, \
                 place_name, latitude, longitude, town_id, people_affected, description, reliability, credibility, \
                 language, status, client_id, client_digest) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'new', $16, $17) RETURNING id",
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
            .bind(r.client.as_ref().map(|c| c.id.as_str()))
            .bind(r.client.as_ref().map(|c| c.digest.as_str()))
            .fetch_one(&mut *tx)
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
            .execute(&mut *tx)
            .await?;
            let mut files = vec![];
            for a in &r.attachments {
                let sha = sha256_hex(&a.bytes);
                sqlx::query(
                    "INSERT INTO attachments (report_id, filename, content_type, sha256, size, bytes) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(a.filename.as_deref())
                .bind(a.content_type.as_deref())
                .bind(&sha)
                .bind(a.bytes.len() as i64)
                .bind(&a.bytes)
                .execute(&mut *tx)
                .await?;
                files.push(serde_json::json!({"filename": a.filename, "sha256": sha, "size": a.bytes.len()}));
            }
            let mut after = serde_json::json!({
                "status": "new", "reporter": reporter.name, "channel": r.channel, "category": r.category,
                "occurred_at": r.occurred_at, "place_name": r.place_name, "latitude": r.latitude,
                "longitude": r.longitude, "town_id": r.town_id, "people_affected": r.people_affected,
                "description": r.description, "reliability": r.reliability, "credibility": r.credibility,
                "language": r.language, "raw_bytes": r.raw_body.len(), "attachments": files,
            });
            // no digest of restricted detail: an unkeyed hash lets anyone who reads the
            // log confirm a guessed name; the entry says only that some was recorded
            if !r.restricted.is_empty() {
                after["restricted_recorded"] = true.into();
            }
            audit_append!(self, tx, &reporter.name, "create", &format!("report/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        self.report(id, true).await?.ok_or_else(|| ReportError::NotFound(format!("report {id}")))
    }

    /// Reports, newest first.
    pub async fn reports(&self, q: &ReportQuery, with_restricted: bool) -> Result<Vec<Report>> {
        let mut clauses = vec![];
        let mut n = 0;
        if q.status.is_some() {
            n += 1;
            clauses.push(format!("r.status = ${n}"));
        }
        if q.reporter_id.is_some() {
            n += 1;
            clauses.push(format!("r.reporter_id = ${n}"));
        }
        let wh = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
        let sql = format!("{REPORT_SELECT}{wh} ORDER BY r.received_at DESC, r.id DESC LIMIT ${}", n + 1);
        let mut reports: Vec<Report> = on_pool!(self, pool => {
            let mut query = sqlx::query(AssertSqlSafe(sql.as_str()));
            if let Some(s) = &q.status {
                query = query.bind(s);
            }
            if let Some(r) = q.reporter_id {
                query = query.bind(r);
            }
            let rows = query.bind(q.limit.unwrap_or(500)).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(report_from_row!(r));
            }
            out
        });
        self.fill_reports(&mut reports, with_restricted).await?;
        Ok(reports)
    }

    /// One report.
    pub async fn report(&self, id: i64, with_restricted: bool) -> Result<Option<Report>> {
        let sql = format!("{REPORT_SELECT} WHERE r.id = $1");
        let report: Option<Report> = on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await? {
                Some(r) => Some(report_from_row!(&r)),
                None => None,
            }
        });
        let Some(report) = report else {
            return Ok(None);
        };
        let mut v = vec![report];
        self.fill_reports(&mut v, with_restricted).await?;
        Ok(v.pop())
    }

    /// Reports linked to an incident (verified into it or merged into it), oldest first.
    pub(crate) async fn reports_for_incident(&self, incident_id: i64, with_restricted: bool) -> Result<Vec<Report>> {
        let sql = format!("{REPORT_SELECT} WHERE r.incident_id = $1 ORDER BY r.received_at, r.id");
        let mut reports: Vec<Report> = on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql.as_str())).bind(incident_id).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(report_from_row!(r));
            }
            out
        });
        self.fill_reports(&mut reports, with_restricted).await?;
        Ok(reports)
    }

    /// Attachments (always) and restricted detail (when asked) for loaded reports.
    async fn fill_reports(&self, reports: &mut [Report], with_restricted: bool) -> Result<()> {
        for r in reports.iter_mut() {
            type FileRow = (i64, Option<String>, Option<String>, String, i64);
            let files: Vec<FileRow> = on_pool!(self, pool => {
                sqlx::query_as("SELECT id, filename, content_type, sha256, size FROM attachments WHERE report_id = $1 ORDER BY id")
                    .bind(r.id)
                    .fetch_all(pool)
                    .await?
            });
            r.attachments = files
                .into_iter()
                .map(|(id, filename, content_type, sha256, size)| AttachmentInfo {
                    id,
                    filename,
                    content_type,
                    sha256,
                    size,
                })
                .collect();
            if with_restricted {
                r.restricted = Some(self.report_restricted(r.id).await?);
            }
        }
        Ok(())
    }

    pub(crate) async fn report_restricted(&self, id: i64) -> Result<RestrictedDetail> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT victims, witnesses, contacts FROM report_restricted WHERE report_id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row
            .map(|(victims, witnesses, contacts)| RestrictedDetail { victims, witnesses, contacts })
            .unwrap_or_default())
    }

    /// The body of a report exactly as received, with its content type.
    pub(crate) async fn report_raw(&self, id: i64) -> Result<Option<(String, Vec<u8>)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT content_type, raw_body FROM report_restricted WHERE report_id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The restricted detail of an incident (empty when it has none).
    pub(crate) async fn incident_restricted(&self, incident_id: i64) -> Result<RestrictedDetail> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT victims, witnesses, contacts FROM incident_restricted WHERE incident_id = $1")
                .bind(incident_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row
            .map(|(victims, witnesses, contacts)| RestrictedDetail { victims, witnesses, contacts })
            .unwrap_or_default())
    }
}
