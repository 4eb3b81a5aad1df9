//! The audit log: append-only and hash-chained.
//!
//! Every create, change, merge, discard and login is one entry (who, what, when, the
//! entity, its state before and after as JSON). Each entry's hash is SHA-256 over the
//! previous entry's hash and the entry's own fields, so editing, removing or
//! reordering a stored entry breaks the chain at that entry, and [`Store::verify_audit`]
//! names it. Entries are written by [`audit_append!`] inside the same transaction as
//! the change they record, so a change and its entry commit or vanish together.
//!
//! Restricted detail (victims, witnesses, contacts) is never written into entries:
//! the log is read by analysts through an incident's history. Where a change touches
//! restricted detail the entry carries a SHA-256 of it instead, which proves the
//! change without revealing it.

use crate::{on_pool, Result, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
}

/// What verification found wrong, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tamper {
    /// The entry's content no longer matches its hash.
    Edited { seq: i64 },
    /// Entries with these sequence numbers are missing.
    Removed { first: i64, last: i64 },
    /// The entry is intact but chained to an entry other than the one before it.
    Reordered { seq: i64 },
    /// The entry does not chain to the one before it, and to no other stored entry:
    /// the entry before it was removed and the numbers closed up, or the previous
    /// entry was rewritten together with its hash.
    ChainBroken { seq: i64 },
    /// The head (last seq and hash) disagrees with the last stored entry.
    Head { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for Tamper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tamper::Edited { seq } => write!(f, "entry {seq} was edited: its content does not match its hash"),
            Tamper::Removed { first, last } if first == last => write!(f, "entry {first} was removed"),
            Tamper::Removed { first, last } => write!(f, "entries {first} to {last} were removed"),
            Tamper::Reordered { seq } => {
                write!(f, "entry {seq} was reordered: it is intact but chained to a different entry than the one before it")
            }
            Tamper::ChainBroken { seq } => write!(
                f,
                "entry {seq} does not follow from the entry before it: an entry before {seq} was removed and the numbers closed up, or the previous entry was rewritten with a new hash"
            ),
            Tamper::Head { head_seq, last_seq } => write!(
                f,
                "the chain head says the last entry is {head_seq} but the last stored entry is {last_seq}{}",
                if head_seq > last_seq { ": the last entries were removed" } else { "" }
            ),
        }
    }
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    pub entries: u64,
    pub problems: Vec<Tamper>,
}

impl AuditVerification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
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

/// The hash of one entry: SHA-256 over the previous hash and the entry's fields,
/// serialised as a JSON array so field boundaries cannot be shifted. `seq` is not
/// hashed: order is carried by the chain itself, which is what lets verification
/// tell a reordered entry (intact, wrong predecessor) from an edited one.
pub fn entry_hash(
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

/// Append one entry inside an open transaction `tx` (either backend) and evaluate to
/// its seq. The head row is updated first: on SQLite that takes the write lock, on
/// PostgreSQL a row lock, so concurrent appends queue instead of forking the chain.
/// Use inside an `async` fn whose error type converts from `sqlx::Error`.
macro_rules! audit_append {
    ($tx:ident, $actor:expr, $action:expr, $entity:expr, $before:expr, $after:expr) => {{
        let before: Option<String> = $crate::audit::json_text($before);
        let after: Option<String> = $crate::audit::json_text($after);
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").execute(&mut *$tx).await?;
        let (seq, prev): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *$tx).await?;
        let at = $crate::audit::now();
        let (actor, action, entity): (&str, &str, &str) = ($actor, $action, $entity);
        let hash = $crate::audit::entry_hash(&prev, &at, actor, action, entity, before.as_deref(), after.as_deref());
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *$tx).await?;
        seq
    }};
}
pub(crate) use audit_append;

type EntryRow = (i64, String, String, String, String, Option<String>, Option<String>, String, String);

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
    }
}

const ENTRY_COLUMNS: &str = "seq, at, actor, action, entity, before_json, after_json, prev_hash, hash";

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
            let seq = audit_append!(tx, actor, action, entity, None, after);
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

    /// Recompute the whole chain and say which entries were edited, removed or
    /// reordered.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq");
        let (rows, head): (Vec<EntryRow>, (i64, String)) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(&mut *tx).await?;
            let head = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            tx.commit().await?;
            (rows, head)
        });
        Ok(verify_rows(&rows, head))
    }
}

fn verify_rows(rows: &[EntryRow], head: (i64, String)) -> AuditVerification {
    let stored: std::collections::HashSet<&str> = rows.iter().map(|r| r.8.as_str()).collect();
    let mut problems = vec![];
    let mut expected_prev = GENESIS;
    let mut prev_seq = 0i64;
    let mut prev_edited = false;
    for r in rows {
        let (seq, at, actor, action, entity, before, after, prev_hash, hash) = r;
        let content_ok = entry_hash(prev_hash, at, actor, action, entity, before.as_deref(), after.as_deref()) == *hash;
        if *seq != prev_seq + 1 {
            problems.push(Tamper::Removed { first: prev_seq + 1, last: seq - 1 });
        } else if prev_hash != expected_prev && !prev_edited {
            if stored.contains(prev_hash.as_str()) {
                problems.push(Tamper::Reordered { seq: *seq });
            } else {
                problems.push(Tamper::ChainBroken { seq: *seq });
            }
        }
        if !content_ok {
            problems.push(Tamper::Edited { seq: *seq });
        }
        prev_edited = !content_ok;
        expected_prev = hash;
        prev_seq = *seq;
    }
    if head.0 != prev_seq || (head.1 != expected_prev && !rows.is_empty()) {
        problems.push(Tamper::Head { head_seq: head.0, last_seq: prev_seq });
    }
    AuditVerification { entries: rows.len() as u64, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<EntryRow> {
        let mut prev = GENESIS.to_string();
        (1..=n as i64)
            .map(|seq| {
                let at = format!("2024-01-0{seq}T00:00:00.000Z");
                let after = Some(format!("{{\"n\":{seq}}}"));
                let hash = entry_hash(&prev, &at, "ana", "create", "report/1", None, after.as_deref());
                let row = (
                    seq,
                    at,
                    "ana".into(),
                    "create".into(),
                    "report/1".into(),
                    None,
                    after,
                    prev.clone(),
                    hash.clone(),
                );
                prev = hash;
                row
            })
            .collect()
    }

    fn head(rows: &[EntryRow]) -> (i64, String) {
        rows.last().map(|r| (r.0, r.8.clone())).unwrap_or((0, GENESIS.into()))
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        assert!(verify_rows(&rows, head(&rows)).ok());
        assert!(verify_rows(&[], (0, GENESIS.into())).ok());
    }

    #[test]
    fn edit_remove_reorder_are_named() {
        let good = chain(5);
        let h = head(&good);
        let mut edited = good.clone();
        edited[2].6 = Some("{\"n\":99}".into());
        assert_eq!(verify_rows(&edited, h.clone()).problems, vec![Tamper::Edited { seq: 3 }]);

        let mut removed = good.clone();
        removed.remove(2);
        assert_eq!(verify_rows(&removed, h.clone()).problems, vec![Tamper::Removed { first: 3, last: 3 }]);

        let mut swapped = good.clone();
        let (a, b) = (swapped[1].clone(), swapped[2].clone());
        swapped[1] = (2, b.1, b.2, b.3, b.4, b.5, b.6, b.7, b.8);
        swapped[2] = (3, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8);
        let p = verify_rows(&swapped, h.clone()).problems;
        assert!(p.contains(&Tamper::Reordered { seq: 2 }), "{p:?}");

        let mut tail = good.clone();
        tail.pop();
        assert_eq!(verify_rows(&tail, h).problems, vec![Tamper::Head { head_seq: 5, last_seq: 4 }]);
    }
}
