//! The audited state of report and incident rows.
//!
//! An audit entry about `report/N` or `incident/N` carries the MAC (under the audit
//! key) of that row's content right after the change it records: the report row, its
//! restricted body and its attachments; an incident's restricted detail. A row
//! changed outside the application no longer matches the MAC of its last entry, and
//! a row written outside it has no entry at all; [`Store::verify_audit`] names both.
//! MACs, not plain digests, so a stored row state cannot be used to test guesses of
//! restricted detail.

use crate::audit_key::AuditKey;
use crate::audit_verify::Tamper;
use crate::{on_pool, Result, Store};
use std::collections::HashMap;

/// A row whose content the audit log tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackedRow {
    Report(i64),
    Incident(i64),
}

impl TrackedRow {
    /// The tracked row behind an audit entity (`report/12`, `incident/40117`), if any.
    pub fn parse(entity: &str) -> Option<TrackedRow> {
        let (kind, id) = entity.split_once('/')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "report" => Some(TrackedRow::Report(id)),
            "incident" => Some(TrackedRow::Incident(id)),
            _ => None,
        }
    }
}

/// How a column is read for hashing.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Int,
    Real,
    /// hashed: only the SHA-256 of the bytes enters the row state
    Bytes,
}

pub(crate) const REPORT_SQL: &str = "SELECT received_at, reporter_id, channel, category, occurred_at, occurred_date, \
     place_name, latitude, longitude, town_id, people_affected, description, reliability, credibility, language, \
     status, incident_id, discard_reason, actioned_by, actioned_at FROM reports WHERE id = $1";
pub(crate) const REPORT_KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Real,
    Kind::Real,
    Kind::Int,
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Text,
    Kind::Int,
    Kind::Text,
];
pub(crate) const REPORT_RESTRICTED_SQL: &str =
    "SELECT content_type, raw_body, victims, witnesses, contacts FROM report_restricted WHERE report_id = $1";
pub(crate) const REPORT_RESTRICTED_KINDS: &[Kind] = &[Kind::Text, Kind::Bytes, Kind::Text, Kind::Text, Kind::Text];
pub(crate) const ATTACHMENTS_SQL: &str =
    "SELECT id, filename, content_type, size, bytes FROM attachments WHERE report_id = $1 ORDER BY id";
pub(crate) const ATTACHMENTS_KINDS: &[Kind] = &[Kind::Int, Kind::Text, Kind::Text, Kind::Int, Kind::Bytes];
pub(crate) const INCIDENT_RESTRICTED_SQL: &str =
    "SELECT victims, witnesses, contacts FROM incident_restricted WHERE incident_id = $1";
pub(crate) const INCIDENT_RESTRICTED_KINDS: &[Kind] = &[Kind::Text, Kind::Text, Kind::Text];

/// One fetched row as JSON values; a value that does not decode as its column's type
/// (written by hand into a loosely typed SQLite column) becomes a marker, so the row
/// state differs instead of verification failing.
pub(crate) fn row_json<R: sqlx::Row>(r: &R, kinds: &[Kind]) -> serde_json::Value
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<f64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<Vec<u8>>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let bad = |i: usize| serde_json::json!({ "undecodable_column": i });
    let values: Vec<serde_json::Value> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| match k {
            Kind::Text => r.try_get::<Option<String>, _>(i).map(|v| serde_json::json!(v)).unwrap_or_else(|_| bad(i)),
            Kind::Int => r.try_get::<Option<i64>, _>(i).map(|v| serde_json::json!(v)).unwrap_or_else(|_| bad(i)),
            Kind::Real => r.try_get::<Option<f64>, _>(i).map(|v| serde_json::json!(v)).unwrap_or_else(|_| bad(i)),
            Kind::Bytes => r
                .try_get::<Option<Vec<u8>>, _>(i)
                .map(|v| serde_json::json!(v.map(|b| crate::audit::sha256_hex(&b))))
                .unwrap_or_else(|_| bad(i)),
        })
        .collect();
    serde_json::Value::Array(values)
}

/// The JSON content of a tracked row, read in the open transaction `tx`.
macro_rules! row_content {
    ($tx:ident, $row:expr) => {{
        use $crate::audit_rows as ar;
        match $row {
            ar::TrackedRow::Report(id) => {
                let report = sqlx::query(ar::REPORT_SQL).bind(id).fetch_optional(&mut *$tx).await?;
                let restricted = sqlx::query(ar::REPORT_RESTRICTED_SQL).bind(id).fetch_optional(&mut *$tx).await?;
                let files = sqlx::query(ar::ATTACHMENTS_SQL).bind(id).fetch_all(&mut *$tx).await?;
                serde_json::json!({
                    "report": report.map(|r| ar::row_json(&r, ar::REPORT_KINDS)),
                    "restricted": restricted.map(|r| ar::row_json(&r, ar::REPORT_RESTRICTED_KINDS)),
                    "attachments": files.iter().map(|r| ar::row_json(r, ar::ATTACHMENTS_KINDS)).collect::<Vec<_>>(),
                })
            }
            ar::TrackedRow::Incident(id) => {
                let restricted = sqlx::query(ar::INCIDENT_RESTRICTED_SQL).bind(id).fetch_optional(&mut *$tx).await?;
                serde_json::json!({ "restricted": restricted.map(|r| ar::row_json(&r, ar::INCIDENT_RESTRICTED_KINDS)) })
            }
        }
    }};
}
pub(crate) use row_content;

/// The MAC of a tracked row's current content.
pub fn row_mac(key: &AuditKey, entity: &str, content: &serde_json::Value) -> String {
    key.mac("row", &format!("{entity}\n{content}"))
}

/// `Some(MAC of the row's content)` for an entity whose row is tracked, read in the
/// open transaction `tx`; `None` for any other entity.
macro_rules! row_state {
    ($tx:ident, $key:expr, $entity:expr) => {{
        let entity: &str = $entity;
        match $crate::audit_rows::TrackedRow::parse(entity) {
            None => None,
            Some(row) => {
                let content = $crate::audit_rows::row_content!($tx, row);
                Some($crate::audit_rows::row_mac($key, entity, &content))
            }
        }
    }};
}
pub(crate) use row_state;

impl Store {
    /// Every tracked row whose current content differs from its last audited state
    /// (`audited`: entity → row MAC from intact entries), and every report or
    /// restricted incident row with no audited state at all.
    pub(crate) async fn changed_rows(&self, key: &AuditKey, audited: &HashMap<String, String>) -> Result<Vec<Tamper>> {
        let mut problems = vec![];
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let present: Vec<String> = sqlx::query_scalar(
                "SELECT 'report/' || CAST(id AS TEXT) FROM reports \
                 UNION SELECT 'incident/' || CAST(incident_id AS TEXT) FROM incident_restricted",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut entities: Vec<(u8, i64, TrackedRow, &String)> = audited
                .keys()
                .chain(present.iter())
                .filter_map(|e| match TrackedRow::parse(e)? {
                    r @ TrackedRow::Report(id) => Some((0, id, r, e)),
                    r @ TrackedRow::Incident(id) => Some((1, id, r, e)),
                })
                .collect();
            entities.sort_by_key(|(kind, id, _, _)| (*kind, *id));
            entities.dedup_by_key(|(kind, id, _, _)| (*kind, *id));
            for (_, _, row, entity) in entities {
                let content = row_content!(tx, row);
                let now = row_mac(key, entity, &content);
                match audited.get(entity.as_str()) {
                    Some(mac) if *mac == now => {}
                    Some(_) => problems.push(Tamper::RowChanged { entity: entity.clone() }),
                    None => problems.push(Tamper::RowUnaudited { entity: entity.clone() }),
                }
            }
            tx.commit().await?;
        });
        Ok(problems)
    }
}
