//! Field reports and their triage: intake, the queue with suggested duplicates, and
//! the three ways a report leaves the queue (verified into a new incident, merged
//! into an existing one, discarded with a reason). Also the incidents coded from
//! reports (source `vigil`), their restricted detail, and the towns a reporter picks
//! a place from.
//!
//! A report is kept exactly as received (its raw body) beside the parsed fields, and
//! is never deleted: triage changes its status and links it to an incident. Every
//! step writes its audit entry in the same transaction as the change.
//!
//! Restricted detail (victims, witnesses, contacts, and the raw body that carries
//! them) sits in `report_restricted` / `incident_restricted`; callers ask for it
//! explicitly and only the server decides who may.

use crate::accounts::User;
use crate::audit::{audit_append, sha256_hex};
use crate::incidents::{bind_incident, bind_params, filter_sql_with_id, located_from_row, parse_date, Param, COLUMNS};
use crate::{on_pool, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashSet;
use vigil_ingest::Located;
use vigil_model::{Incident, IncidentFilter, Source, ViolenceType};

/// Mission report categories: code, English label, French label.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("attack_on_civilians", "Attack on civilians", "Attaque contre des civils"),
    ("armed_clash", "Armed clash", "Affrontement armé"),
    ("ied", "IED / explosive device", "EEI / engin explosif"),
    ("attack_on_peacekeepers", "Attack on peacekeepers", "Attaque contre les Casques bleus"),
    ("abduction", "Abduction", "Enlèvement"),
    ("crsv", "Conflict-related sexual violence", "Violence sexuelle liée aux conflits"),
    ("grave_violation_children", "Grave violation against children", "Violation grave contre des enfants"),
    ("looting_destruction", "Looting / destruction of property", "Pillage / destruction de biens"),
    ("displacement", "Displacement", "Déplacement de population"),
    ("threat", "Threat / intimidation", "Menace / intimidation"),
    ("other", "Other", "Autre"),
];

/// Triage status of a report.
pub const STATUSES: [&str; 4] = ["new", "verified", "merged", "discarded"];

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

    /// A fingerprint for audit entries: proves what was stored without revealing it.
    fn digest(&self) -> Option<String> {
        if self.is_empty() {
            None
        } else {
            Some(sha256_hex(serde_json::to_string(self).expect("strings serialise").as_bytes()))
        }
    }

    /// Append another report's detail (for a merge), keeping both.
    fn merged_with(&self, other: &RestrictedDetail) -> RestrictedDetail {
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

/// How an analyst codes a report into a new incident. Fields left `None` are taken
/// from the report (date, point, place).
#[derive(Debug, Clone, Default)]
pub struct Coding {
    pub type_of_violence: Option<ViolenceType>,
    pub event_type: String,
    pub category: Option<String>,
    pub side_a: String,
    pub side_b: String,
    pub best: i64,
    pub low: i64,
    pub high: i64,
    pub date_prec: Option<i64>,
    pub where_prec: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub place: Option<String>,
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub country: Option<String>,
    pub sensitivity: Option<String>,
}

/// A possible duplicate of a report in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<i64>,
    /// 0–1, higher is likelier.
    pub score: f64,
    pub reason: String,
}

/// An incident with its store id and the fields Vigil adds to the coding.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    pub id: i64,
    pub located: Located,
    pub category: Option<String>,
    pub sensitivity: Option<String>,
    pub verification: Option<String>,
    /// The source marks it as synthetic (the demo data): never to be shown as real.
    pub synthetic: bool,
}

/// SQL for "the point lies in this box". The numbers are f64s, written by Rust (never
/// text from a request), so they cannot carry SQL.
fn bbox_sql([w, s, e, n]: [f64; 4]) -> String {
    let lon = if w <= e {
        format!("longitude >= {w} AND longitude <= {e}")
    } else {
        format!("(longitude >= {w} OR longitude <= {e})")
    };
    format!("{lon} AND latitude >= {s} AND latitude <= {n}")
}

/// A WHERE clause (empty or ` WHERE …`) with one more condition.
fn and_where(wh: String, extra: Option<&str>) -> String {
    match extra {
        None => wh,
        Some(x) if wh.is_empty() => format!(" WHERE {x}"),
        Some(x) => format!("{wh} AND {x}"),
    }
}

/// A page of incidents and what matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPage {
    pub records: Vec<IncidentRecord>,
    /// Incidents matching the filter, on every page.
    pub matched: i64,
    /// Their fatalities (best estimate), on every page.
    pub fatalities: i64,
}

/// A town for the report form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub country_code: String,
    pub admin1_code: Option<String>,
    pub population: Option<i64>,
    pub latitude: f64,
    pub longitude: f64,
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

/// Columns after `id` and the incident columns in an incident record query.
const RECORD_EXTRA_COLUMNS: &str = "category, sensitivity, verification";

/// Words worth comparing between two texts: lower-case, four letters or more.
fn words(text: &str) -> HashSet<String> {
    const COMMON: &[&str] = &[
        "dans", "avec", "pour", "sont", "ont", "était", "étaient", "leur", "leurs", "cette", "entre", "vers", "plus",
        "with", "from", "that", "this", "were", "their", "there", "have", "been", "near", "about", "after",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(|w| w.to_lowercase())
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// Duplicates are looked for within this many days and kilometres.
const DUP_DAYS: i64 = 3;
const DUP_KM: f64 = 25.0;

/// Score a candidate from its day gap, distance (if both have points) and shared words.
fn score(days: i64, km: Option<f64>, mine: &HashSet<String>, theirs: &HashSet<String>) -> Option<(f64, String)> {
    let shared: Vec<&String> = {
        let mut v: Vec<&String> = mine.intersection(theirs).collect();
        v.sort();
        v
    };
    let union = mine.union(theirs).count().max(1);
    let text = shared.len() as f64 / union as f64;
    let time = 1.0 - days.abs() as f64 / (DUP_DAYS + 1) as f64;
    let place = match km {
        Some(k) if k <= DUP_KM => 1.0 - k / DUP_KM * 0.8,
        Some(_) => return None,
        // no point on one side: only a match on words counts as "near"
        None if shared.is_empty() => return None,
        None => 0.3,
    };
    let s = ((0.4 * time + 0.4 * place + 0.2 * text) * 100.0).round() / 100.0;
    let mut reason = match days.abs() {
        0 => "same day".to_string(),
        1 => "1 day apart".to_string(),
        d => format!("{d} days apart"),
    };
    match km {
        Some(k) => reason.push_str(&format!(", {k:.0} km away")),
        None => reason.push_str(", no point to compare"),
    }
    if !shared.is_empty() {
        let list: Vec<&str> = shared.iter().take(5).map(|s| s.as_str()).collect();
        reason.push_str(&format!(", shared words: {}", list.join(", ")));
    }
    Some((s, reason))
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
        let received_at = crate::audit::now();
        let raw_sha256 = sha256_hex(&r.raw_body);
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reports (received_at, reporter_id, channel, category, occurred_at, occurred_date, \
                 place_name, latitude, longitude, town_id, people_affected, description, reliability, credibility, \
                 language, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'new') \
                 RETURNING id",
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
                "language": r.language, "raw_sha256": raw_sha256, "attachments": files,
            });
            if let Some(d) = r.restricted.digest() {
                after["restricted_sha256"] = d.into();
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
    pub async fn reports_for_incident(&self, incident_id: i64, with_restricted: bool) -> Result<Vec<Report>> {
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

    async fn report_restricted(&self, id: i64) -> Result<RestrictedDetail> {
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
    pub async fn report_raw(&self, id: i64) -> Result<Option<(String, Vec<u8>)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT content_type, raw_body FROM report_restricted WHERE report_id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The restricted detail of an incident (empty when it has none).
    pub async fn incident_restricted(&self, incident_id: i64) -> Result<RestrictedDetail> {
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

    /// Incidents and other reports that may describe the same event as `report`:
    /// within [`DUP_DAYS`] days, within [`DUP_KM`] km (or sharing words when a point
    /// is missing), best first.
    pub async fn suggest_duplicates(&self, report: &Report) -> Result<Vec<Suggestion>> {
        let day = parse_date(&report.occurred_date)?;
        let lo = (day - chrono::Duration::days(DUP_DAYS)).to_string();
        let hi = (day + chrono::Duration::days(DUP_DAYS)).to_string();
        let point = report.longitude.zip(report.latitude);
        let mine = words(&format!(
            "{} {} {}",
            report.description,
            report.place_name.as_deref().unwrap_or(""),
            report.category
        ));
        // bounding box around the point, a little larger than DUP_KM
        let (dlat, dlon) = match point {
            Some((_, lat)) => (0.3, 0.3 / lat.to_radians().cos().max(0.1)),
            None => (180.0, 360.0),
        };
        let (lon0, lat0) = point.unwrap_or((0.0, 0.0));
        let with_point = point.is_some();
        type Cand = (i64, String, Option<f64>, Option<f64>, String);
        let (incidents, reports): (Vec<Cand>, Vec<Cand>) = on_pool!(self, pool => {
            let inc = sqlx::query_as(
                "SELECT id, date_start, latitude, longitude, \
                 COALESCE(place, '') || ' ' || COALESCE(where_description, '') || ' ' || COALESCE(event_type, '') || ' ' || \
                 COALESCE(category, '') || ' ' || COALESCE(side_a, '') || ' ' || COALESCE(side_b, '') \
                 FROM incidents WHERE date_start >= $1 AND date_start <= $2 \
                 AND ($3 = 0 OR (latitude BETWEEN $4 AND $5 AND longitude BETWEEN $6 AND $7)) ORDER BY id LIMIT 200",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(with_point as i64)
            .bind(lat0 - dlat)
            .bind(lat0 + dlat)
            .bind(lon0 - dlon)
            .bind(lon0 + dlon)
            .fetch_all(pool)
            .await?;
            let rep = sqlx::query_as(
                "SELECT id, occurred_date, latitude, longitude, description || ' ' || COALESCE(place_name, '') || ' ' || category \
                 FROM reports WHERE occurred_date >= $1 AND occurred_date <= $2 AND id <> $3 AND status <> 'discarded' \
                 ORDER BY id LIMIT 200",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(report.id)
            .fetch_all(pool)
            .await?;
            (inc, rep)
        });
        let mut out = vec![];
        for (is_incident, list) in [(true, incidents), (false, reports)] {
            for (id, date, lat, lon, text) in list {
                if !is_incident && report.incident_id.is_some() {
                    continue;
                }
                let Ok(d) = parse_date(&date) else { continue };
                let km = match (point, lon.zip(lat)) {
                    (Some(a), Some(b)) => Some(vigil_geo::distance::haversine_km(a, b)),
                    _ => None,
                };
                if let Some((s, reason)) = score((d - day).num_days(), km, &mine, &words(&text)) {
                    out.push(Suggestion {
                        incident_id: is_incident.then_some(id),
                        report_id: (!is_incident).then_some(id),
                        score: s,
                        reason,
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(5);
        Ok(out)
    }

    /// Load a report that triage is about to act on, inside the triage transaction.
    async fn new_report_for_triage(&self, id: i64) -> Result<Report> {
        let r = self.report(id, false).await?.ok_or_else(|| ReportError::NotFound(format!("report {id}")))?;
        if r.status != "new" {
            return Err(ReportError::AlreadyActioned { id, status: r.status });
        }
        Ok(r)
    }

    /// Verify a new report into a new incident (source `vigil`, id `V-<report id>`),
    /// copying its restricted detail to the incident. Returns the incident's store id.
    pub async fn verify_report(&self, actor: &User, report_id: i64, c: &Coding) -> Result<i64> {
        let report = self.new_report_for_triage(report_id).await?;
        let restricted = self.report_restricted(report_id).await?;
        let start = c.date_start.unwrap_or(parse_date(&report.occurred_date)?);
        let end = c.date_end.unwrap_or(start);
        if end < start {
            return Err(ReportError::Invalid { field: "date_end", message: "is before date_start".into() });
        }
        let incident = Incident {
            source: Source::Vigil,
            source_id: format!("V-{report_id}"),
            date_start: start,
            date_end: end,
            date_prec: c.date_prec.or(Some(1)),
            type_of_violence: c.type_of_violence,
            event_type: Some(c.event_type.clone()),
            sub_event_type: None,
            conflict_name: None,
            dyad_name: Some(format!("{} - {}", c.side_a, c.side_b)),
            side_a: Some(c.side_a.clone()),
            side_b: Some(c.side_b.clone()),
            country: c.country.clone(),
            place: c.place.clone().or(report.place_name.clone()),
            where_description: None,
            adm_1: None,
            adm_2: None,
            latitude: c.latitude.or(report.latitude),
            longitude: c.longitude.or(report.longitude),
            where_prec: c.where_prec.or(Some(1)),
            deaths_a: None,
            deaths_b: None,
            deaths_civilians: None,
            deaths_unknown: None,
            best: c.best,
            low: c.low,
            high: c.high,
            number_of_sources: Some(1),
            source_gid: None,
            extra: vec![],
        };
        let category = c.category.clone().unwrap_or(report.category.clone());
        let sensitivity =
            c.sensitivity.clone().unwrap_or_else(|| if restricted.is_empty() { "public" } else { "restricted" }.into());
        let (placement, _) = self.placer().await?.place(&incident);
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let cols = format!("{}, {RECORD_EXTRA_COLUMNS}", COLUMNS.join(", "));
        let marks: Vec<String> = (1..=COLUMNS.len() + 3).map(|n| format!("${n}")).collect();
        let insert = format!("INSERT INTO incidents ({cols}) VALUES ({}) RETURNING id", marks.join(", "));
        let mut inc_json = serde_json::to_value(&incident).expect("incident serialises");
        inc_json["category"] = category.clone().into();
        inc_json["sensitivity"] = sensitivity.clone().into();
        inc_json["verification"] = "verified".into();
        inc_json["placement"] = serde_json::to_value(&placement).expect("placement serialises");
        inc_json["from_report"] = report_id.into();
        if let Some(d) = restricted.digest() {
            inc_json["restricted_sha256"] = d.into();
        }
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            // re-check inside the write lock: two analysts may act at once
            let status: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                .bind(report_id)
                .fetch_one(&mut *tx)
                .await?;
            if status != "new" {
                return Err(ReportError::AlreadyActioned { id: report_id, status });
            }
            let i = &incident;
            let q = sqlx::query_scalar(AssertSqlSafe(insert.as_str()));
            let id: i64 = bind_incident!(q, i, &placement, None::<i64>, "[]", vigil_ingest::fingerprint(i))
                .bind(&category)
                .bind(&sensitivity)
                .bind("verified")
                .fetch_one(&mut *tx)
                .await?;
            if !restricted.is_empty() {
                sqlx::query("INSERT INTO incident_restricted (incident_id, victims, witnesses, contacts) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(restricted.victims.as_deref())
                    .bind(restricted.witnesses.as_deref())
                    .bind(restricted.contacts.as_deref())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE reports SET status = 'verified', incident_id = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(id)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            audit_append!(self, tx, &actor.name, "create", &format!("incident/{id}"), None, Some(&inc_json));
            audit_append!(
                self,
                tx,
                &actor.name,
                "verify",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "verified", "incident_id": id}))
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Merge a new report into an existing incident: the report is linked, its
    /// restricted detail is appended to the incident's.
    pub async fn merge_report(&self, actor: &User, report_id: i64, incident_id: i64) -> Result<()> {
        self.new_report_for_triage(report_id).await?;
        if self.incident(incident_id).await?.is_none() {
            return Err(ReportError::Invalid {
                field: "incident_id",
                message: format!("no incident with id {incident_id}"),
            });
        }
        let extra = self.report_restricted(report_id).await?;
        let old = self.incident_restricted(incident_id).await?;
        let merged = old.merged_with(&extra);
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let status: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                .bind(report_id)
                .fetch_one(&mut *tx)
                .await?;
            if status != "new" {
                return Err(ReportError::AlreadyActioned { id: report_id, status });
            }
            sqlx::query("UPDATE reports SET status = 'merged', incident_id = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(incident_id)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            if !extra.is_empty() {
                sqlx::query("DELETE FROM incident_restricted WHERE incident_id = $1").bind(incident_id).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO incident_restricted (incident_id, victims, witnesses, contacts) VALUES ($1, $2, $3, $4)")
                    .bind(incident_id)
                    .bind(merged.victims.as_deref())
                    .bind(merged.witnesses.as_deref())
                    .bind(merged.contacts.as_deref())
                    .execute(&mut *tx)
                    .await?;
            }
            audit_append!(
                self,
                tx,
                &actor.name,
                "merge",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "merged", "incident_id": incident_id}))
            );
            let mut after = serde_json::json!({"merged_report": report_id});
            if !extra.is_empty() {
                after["restricted_sha256"] = merged.digest().into();
            }
            let before = (!extra.is_empty()).then(|| serde_json::json!({"restricted_sha256": old.digest()}));
            audit_append!(self, tx, &actor.name, "merge", &format!("incident/{incident_id}"), before.as_ref(), Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Discard a new report with a reason. The report is kept.
    pub async fn discard_report(&self, actor: &User, report_id: i64, reason: &str) -> Result<()> {
        self.new_report_for_triage(report_id).await?;
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let status: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                .bind(report_id)
                .fetch_one(&mut *tx)
                .await?;
            if status != "new" {
                return Err(ReportError::AlreadyActioned { id: report_id, status });
            }
            sqlx::query("UPDATE reports SET status = 'discarded', discard_reason = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(reason)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            audit_append!(
                self,
                tx,
                &actor.name,
                "discard",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "discarded", "reason": reason}))
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// One incident by store id.
    pub async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>> {
        Ok(self.incident_records(&IncidentFilter::default(), Some(id)).await?.pop())
    }

    /// Incidents matching a filter (and an id, if given), in date then id order,
    /// with their store ids.
    pub async fn incident_records(&self, filter: &IncidentFilter, id: Option<i64>) -> Result<Vec<IncidentRecord>> {
        self.select_records(filter, id, None, "ORDER BY date_start, id", None).await
    }

    /// Where and when the stored incidents lie: (west, south, east, north) of their
    /// points, and the first start and last end date; `None` when there are none.
    pub async fn incident_extent(&self) -> Result<Option<([f64; 4], NaiveDate, NaiveDate)>> {
        type Extent = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<String>, Option<String>);
        let r: Extent = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT MIN(longitude), MIN(latitude), MAX(longitude), MAX(latitude), MIN(date_start), MAX(date_end) \
                 FROM incidents",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(match r {
            (w, s, e, n, Some(a), Some(b)) => {
                let bbox = [w.unwrap_or(-180.0), s.unwrap_or(-90.0), e.unwrap_or(180.0), n.unwrap_or(90.0)];
                Some((bbox, parse_date(&a)?, parse_date(&b)?))
            }
            _ => None,
        })
    }

    /// One page of the incidents matching a filter, newest first, with the count and
    /// fatalities of all that match: a map of a whole GED release must not fetch
    /// every row, and when it cannot show them all the latest matter most.
    ///
    /// `bbox` (west, south, east, north in degrees; west > east crosses the
    /// antimeridian) keeps incidents whose point lies in it.
    pub async fn incident_page(
        &self,
        filter: &IncidentFilter,
        bbox: Option<[f64; 4]>,
        limit: i64,
        offset: i64,
    ) -> Result<IncidentPage> {
        let within = bbox.map(bbox_sql);
        let records = self
            .select_records(filter, None, within.as_deref(), "ORDER BY date_start DESC, id DESC", Some((limit, offset)))
            .await?;
        let (wh, params) = filter_sql_with_id(filter, None);
        let wh = and_where(wh, within.as_deref());
        let sql = format!("SELECT COUNT(*), CAST(COALESCE(SUM(best), 0) AS BIGINT) FROM incidents{wh}");
        let (matched, fatalities): (i64, i64) = on_pool!(self, pool => {
            let r = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_one(pool).await?;
            (r.try_get(0)?, r.try_get(1)?)
        });
        Ok(IncidentPage { records, matched, fatalities })
    }

    async fn select_records(
        &self,
        filter: &IncidentFilter,
        id: Option<i64>,
        within: Option<&str>,
        order: &str,
        window: Option<(i64, i64)>,
    ) -> Result<Vec<IncidentRecord>> {
        let layouts = self.extra_layouts().await?;
        let values = self.extra_values().await?;
        let (wh, params) = filter_sql_with_id(filter, id);
        let wh = and_where(wh, within);
        let n = COLUMNS.len();
        let window = window.map(|(l, o)| format!(" LIMIT {} OFFSET {}", l.max(0), o.max(0))).unwrap_or_default();
        let sql = format!("SELECT id, {}, {RECORD_EXTRA_COLUMNS} FROM incidents{wh} {order}{window}", COLUMNS.join(", "));
        let out: Vec<IncidentRecord> = on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let located = located_from_row(r, 1, &layouts, &values)?;
                let synthetic = located.incident.extra("source_article").is_some_and(|s| s.contains("SYNTHETIC"));
                out.push(IncidentRecord {
                    id: r.try_get(0)?,
                    located,
                    category: r.try_get(n + 1)?,
                    sensitivity: r.try_get(n + 2)?,
                    verification: r.try_get(n + 3)?,
                    synthetic,
                });
            }
            out
        });
        Ok(out)
    }

    /// Load towns from a GeoNames extract (`geonameid,name,country_code,feature_code,
    /// admin1_code,population,latitude,longitude`); existing ids are left as they are.
    pub async fn load_places(&self, csv_text: &str) -> Result<u64> {
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        let mut rows = vec![];
        for rec in rd.records() {
            let rec = rec.map_err(StoreError::from)?;
            let get = |i: usize| rec.get(i).unwrap_or("").to_string();
            let bad =
                |what: &str| ReportError::Invalid { field: "places", message: format!("bad {what} in `{:?}`", rec) };
            rows.push(Place {
                id: get(0).parse().map_err(|_| bad("geonameid"))?,
                name: get(1),
                country_code: get(2),
                admin1_code: Some(get(4)).filter(|s| !s.is_empty()),
                population: get(5).parse().ok(),
                latitude: get(6).parse().map_err(|_| bad("latitude"))?,
                longitude: get(7).parse().map_err(|_| bad("longitude"))?,
            });
        }
        let begin = self.begin_write_sql();
        let mut n = 0u64;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for p in &rows {
                n += sqlx::query(
                    "INSERT INTO places (geonameid, name, country_code, admin1_code, population, latitude, longitude) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (geonameid) DO NOTHING",
                )
                .bind(p.id)
                .bind(&p.name)
                .bind(&p.country_code)
                .bind(p.admin1_code.as_deref())
                .bind(p.population)
                .bind(p.latitude)
                .bind(p.longitude)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(n)
    }

    /// All towns, by country then name.
    pub async fn places(&self) -> Result<Vec<Place>> {
        self.places_where("", None).await
    }

    /// One town.
    pub async fn place(&self, id: i64) -> Result<Option<Place>> {
        Ok(self.places_where(" WHERE geonameid = $1", Some(id)).await?.pop())
    }

    async fn places_where(&self, wh: &str, id: Option<i64>) -> Result<Vec<Place>> {
        let sql = format!(
            "SELECT geonameid, name, country_code, admin1_code, population, latitude, longitude FROM places{wh} \
             ORDER BY country_code, name"
        );
        type PlaceRow = (i64, String, String, Option<String>, Option<i64>, f64, f64);
        let rows: Vec<PlaceRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str()));
            if let Some(id) = id {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, country_code, admin1_code, population, latitude, longitude)| Place {
                id,
                name,
                country_code,
                admin1_code,
                population,
                latitude,
                longitude,
            })
            .collect())
    }
}
