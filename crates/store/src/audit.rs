//! The audit log: append-only and chained with a key kept outside the database.
//!
//! Every create, change, merge, discard and login is one entry (who, what, when, the
//! entity, its state before and after as JSON). Each entry's `hash` is an
//! HMAC-SHA256, under the audit key (see [`crate::audit_key`]), over the previous
//! entry's MAC and the entry's own fields, so editing, removing, reordering or
//! adding an entry without the key breaks the chain there, and [`Store::verify_audit`]
//! names it. Signed checkpoints of the head, kept elsewhere, catch a log cut short
//! or wiped. Entries are written by [`audit_append!`] inside the same transaction as
//! the change they record, so a change and its entry commit or vanish together.
//!
//! An entry about a report or an incident also carries the MAC of that row's content
//! after the change (`row_mac`, see [`crate::audit_rows`]): verification recomputes it
//! from the current rows, so a row changed behind the application's back is named.
//!
//! Restricted detail (victims, witnesses, contacts) is never written into entries:
//! the log is read by analysts through an incident's history.

use crate::audit_key::AuditKey;
use crate::{on_pool, Result, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use crate::audit_verify::{AuditVerification, Tamper};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
    /// MAC of the entity's row after the change (reports and incidents only); not
    /// served, it says nothing to a reader without the key.
    #[serde(skip)]
    pub row_mac: Option<String>,
}

/// Current time as RFC 3339 UTC with milliseconds (sorts as text).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// JSON text of an optional value, as stored and hashed.
pub fn json_text(v: Option<&serde_json::Value>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// SHA-256 (hex) of arbitrary bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The unkeyed SHA-256 chain value of logs written before the key existed; only
/// read when such a log is sealed (see [`Store::attach_audit_key`]).
pub fn legacy_entry_hash(
    prev_hash: &str,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let fields = serde_json::json!([prev_hash, at, actor, action, entity, before, after]);
    sha256_hex(fields.to_string().as_bytes())
}

/// The MAC of one entry: HMAC-SHA256 under the audit key over the previous MAC and
/// the entry's fields, serialised as a JSON array so field boundaries cannot be
/// shifted. `seq` is not covered: order is carried by the chain itself, which is
/// what lets verification tell a reordered entry (intact, wrong predecessor) from an
/// edited one.
#[allow(clippy::too_many_arguments)]
pub fn entry_mac(
    key: &AuditKey,
    prev_hash: &str,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    before: Option<&str>,
    after: Option<&str>,
    row_mac: Option<&str>,
) -> String {
    let fields = serde_json::json!([prev_hash, at, actor, action, entity, before, after, row_mac]);
    key.mac("entry", &fields.to_string())
}

/// Append one entry inside an open transaction `tx` (either backend) of `store` and
/// evaluate to its seq. The head row is updated first: on SQLite that takes the write
/// lock, on PostgreSQL a row lock, so concurrent appends queue instead of forking the
/// chain. Use inside an `async` fn whose error type converts from `sqlx::Error` and
/// [`StoreError`] (a store without a key refuses to write).
macro_rules! audit_append {
    ($store:expr, $tx:ident, $actor:expr, $action:expr, $entity:expr, $before:expr, $after:expr) => {{
        let key = $store.audit_key()?;
        let before: Option<String> = $crate::audit::json_text($before);
        let after: Option<String> = $crate::audit::json_text($after);
        let (actor, action, entity): (&str, &str, &str) = ($actor, $action, $entity);
        let row_mac: Option<String> = $crate::audit_rows::row_state!($tx, &key, entity);
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").execute(&mut *$tx).await?;
        let (seq, prev): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *$tx).await?;
        let at = $crate::audit::now();
        let hash = $crate::audit::entry_mac(
            &key,
            &prev,
            &at,
            actor,
            action,
            entity,
            before.as_deref(),
            after.as_deref(),
            row_mac.as_deref(),
        );
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash, row_mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(seq)
        .bind(&at)
        .bind(actor)
        .bind(action)
        .bind(entity)
        .bind(before.as_deref())
        .bind(after.as_deref())
        .bind(&prev)
        .bind(&hash)
        .bind(row_mac.as_deref())
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *$tx).await?;
        seq
    }};
}
pub(crate) use audit_append;

/// A stored entry as read: seq, at, actor, action, entity, before, after, prev_hash,
/// hash, row_mac.
pub(crate) type EntryRow =
    (i64, String, String, String, String, Option<String>, Option<String>, String, String, Option<String>);

fn entry_from_row(r: EntryRow) -> AuditEntry {
    let parse = |t: Option<String>| t.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)));
    AuditEntry {
        seq: r.0,
        at: r.1,
        actor: r.2,
        action: r.3,
        entity: r.4,
        before: parse(r.5),
        after: parse(r.6),
        prev_hash: r.7,
        hash: r.8,
        row_mac: r.9,
    }
}

const ENTRY_COLUMNS: &str = "seq, at, actor, action, entity, before_json, after_json, prev_hash, hash, row_mac";

impl Store {
    /// `BEGIN` for a transaction that will write: on SQLite `BEGIN IMMEDIATE`, so the
    /// write lock is taken (or waited for) up front instead of failing when a read
    /// transaction tries to upgrade.
    pub(crate) fn begin_write_sql(&self) -> &'static str {
        if self.is_postgres() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        }
    }

    /// The audit key, or an error saying none was loaded (nothing is written then).
    pub fn audit_key(&self) -> Result<std::sync::Arc<AuditKey>> {
        self.audit_key.clone().ok_or(StoreError::NoAuditKey)
    }

    /// Use `key` for every audit entry this store writes and verifies. A log written
    /// before keys existed (every entry carrying the old unkeyed SHA-256 chain) is
    /// first checked under that chain and, if intact, sealed: re-chained under the
    /// key in one transaction, with a `seal` entry and the current state of every
    /// report and restricted incident row. A log that is neither keyed nor an intact
    /// old chain is left as it is, for `vigil audit verify` to report.
    pub async fn attach_audit_key(mut self, key: AuditKey) -> Result<Store> {
        self.audit_key = Some(std::sync::Arc::new(key));
        self.seal_legacy_audit().await?;
        Ok(self)
    }

    async fn seal_legacy_audit(&self) -> Result<()> {
        let key = self.audit_key()?;
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq");
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(&mut *tx).await?;
            let (head_seq, head_hash): (i64, String) =
                sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            let Some(first) = rows.first() else { return Ok(()) };
            let keyed = |r: &EntryRow| {
                entry_mac(&key, &r.7, &r.1, &r.2, &r.3, &r.4, r.5.as_deref(), r.6.as_deref(), r.9.as_deref()) == r.8
            };
            if keyed(first) || first.9.is_some() {
                return Ok(());
            }
            let mut prev = GENESIS.to_string();
            for (i, r) in rows.iter().enumerate() {
                let intact = r.0 == i as i64 + 1
                    && r.7 == prev
                    && r.9.is_none()
                    && legacy_entry_hash(&r.7, &r.1, &r.2, &r.3, &r.4, r.5.as_deref(), r.6.as_deref()) == r.8;
                if !intact {
                    return Ok(());
                }
                prev = r.8.clone();
            }
            if head_seq != rows.len() as i64 || head_hash != prev {
                return Ok(());
            }
            let mut prev = GENESIS.to_string();
            for r in &rows {
                let mac = entry_mac(&key, &prev, &r.1, &r.2, &r.3, &r.4, r.5.as_deref(), r.6.as_deref(), None);
                sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                    .bind(&prev)
                    .bind(&mac)
                    .bind(r.0)
                    .execute(&mut *tx)
                    .await?;
                prev = mac;
            }
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev).execute(&mut *tx).await?;
            let sealed = serde_json::json!({"sealed_entries": rows.len()});
            audit_append!(self, tx, "system:audit", "seal", "audit", None, Some(&sealed));
            let tracked: Vec<String> = sqlx::query_scalar(
                "SELECT 'report/' || CAST(id AS TEXT) FROM reports \
                 UNION SELECT 'incident/' || CAST(incident_id AS TEXT) FROM incident_restricted",
            )
            .fetch_all(&mut *tx)
            .await?;
            for entity in &tracked {
                audit_append!(self, tx, "system:audit", "baseline", entity, None, None);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record an event that changes nothing else (a login, a logout) as its own entry.
    pub async fn audit_record(
        &self,
        actor: &str,
        action: &str,
        entity: &str,
        after: Option<&serde_json::Value>,
    ) -> Result<i64> {
        let begin = self.begin_write_sql();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let seq = audit_append!(self, tx, actor, action, entity, None, after);
            tx.commit().await?;
            seq
        }))
    }

    /// Entries in seq order, newest last; `limit` keeps the newest ones.
    pub async fn audit_entries(&self, limit: Option<i64>) -> Result<Vec<AuditEntry>> {
        let limit = limit.unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM (SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1) t ORDER BY seq"
        );
        let rows: Vec<EntryRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(entry_from_row).collect())
    }

    /// Entries about any of these entities (e.g. `incident/7`, `report/3`), in seq order.
    pub async fn audit_for(&self, entities: &[String]) -> Result<Vec<AuditEntry>> {
        if entities.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (1..=entities.len()).map(|n| format!("${n}")).collect();
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE entity IN ({}) ORDER BY seq", marks.join(", "));
        let rows: Vec<EntryRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for e in entities {
                q = q.bind(e);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(entry_from_row).collect())
    }

    /// Recompute the whole chain under the key and say which entries were edited,
    /// removed, reordered or added; check it against `checkpoints` (with their line
    /// numbers); and compare every report and restricted incident row with its last
    /// audited state.
    pub async fn verify_audit(&self, checkpoints: &[(usize, crate::audit_key::Checkpoint)]) -> Result<AuditVerification> {
        let key = self.audit_key()?;
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq");
        let (rows, head): (Vec<EntryRow>, (i64, String)) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(&mut *tx).await?;
            let head = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            tx.commit().await?;
            (rows, head)
        });
        let mut v = crate::audit_verify::verify_rows(&key, &rows, head);
        v.problems.extend(crate::audit_verify::verify_checkpoints(&key, &rows, checkpoints));
        v.checkpoints = checkpoints.len();
        let audited = crate::audit_verify::last_row_states(&rows);
        v.problems.extend(self.changed_rows(&key, &audited).await?);
        Ok(v)
    }

    /// A signed checkpoint of the current head, taken only when the log verifies
    /// (a checkpoint of a tampered log would vouch for it).
    ///
    /// `earlier` are the checkpoints already taken (with their line numbers): a log cut short since one of them
    /// still links up by itself, so it is verified against them before a new one is
    /// signed over it.
    pub async fn audit_checkpoint(
        &self,
        earlier: &[(usize, crate::audit_key::Checkpoint)],
    ) -> Result<std::result::Result<crate::audit_key::Checkpoint, AuditVerification>> {
        let key = self.audit_key()?;
        let v = self.verify_audit(earlier).await?;
        if !v.ok() {
            return Ok(Err(v));
        }
        Ok(Ok(crate::audit_key::Checkpoint::new(&key, v.last_seq, v.last_hash.clone(), v.entries, now())))
    }
}
