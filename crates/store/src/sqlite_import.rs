//! The SQLite half of an import, written through rusqlite on the store's own database
//! file (same SQLite library as sqlx: one `libsqlite3-sys`).
//!
//! Why not sqlx: its multi-row `INSERT` turns every value into an argument object,
//! copies it to its worker thread and binds 28,800 parameters per statement; that
//! cost as much CPU as SQLite's own work. Here one prepared single-row `INSERT` is bound
//! straight from each parsed row, on a blocking thread, in one `BEGIN IMMEDIATE`
//! transaction (a killed import still leaves the database as it was).

use crate::extras::Interner;
use crate::import_rows::Produced;
use crate::incidents::{ImportReport, Prepared, COLUMNS, SECONDARY_INDEXES};
use crate::{Result, StoreError};
use rusqlite::{Connection, OpenFlags, Statement, TransactionBehavior};
use std::path::PathBuf;
use std::time::Duration;

/// How a second connection opens the database a [`crate::Store`]'s pool uses.
#[derive(Clone, Debug)]
pub(crate) struct SqliteTarget {
    pub filename: PathBuf,
    /// a shared-cache in-memory database (`sqlite://:memory:`), as sqlx opens it
    pub in_memory: bool,
}

/// rusqlite errors into [`StoreError`], saying what was being done.
trait Ctx<T> {
    fn ctx(self, what: &'static str) -> Result<T>;
}

impl<T> Ctx<T> for rusqlite::Result<T> {
    fn ctx(self, what: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Sqlite { what, source })
    }
}

/// Open the store's database with the settings the pool's connections get (lib.rs),
/// minus the journal mode, which [`begin_bulk_load`] decides, and foreign keys: the
/// only one an import writes is `extra_layout`, set to the layout it reads back in
/// the same transaction, and it never changes or deletes an `id` other tables point
/// to, so the per-row check could not fail (it cost about 3% of the writing thread).
pub(crate) fn open(target: &SqliteTarget) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if target.in_memory {
        flags |= OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_SHARED_CACHE;
    }
    let conn = Connection::open_with_flags(&target.filename, flags).ctx("opening the database for the import")?;
    conn.busy_timeout(Duration::from_secs(30)).ctx("setting the busy timeout")?;
    // synchronous = FULL as the pool's: a committed import is on disk also when the
    // bulk-load journal could not be switched to and the import runs in WAL mode
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA cache_size = -65536; PRAGMA synchronous = FULL;")
        .ctx("setting up the import connection")?;
    Ok(conn)
}

/// Switch to the bulk-load journal; whether it was switched.
///
/// SQLite in WAL mode writes every page twice: into the WAL, then again when the WAL
/// is checkpointed into the database file (for a bulk load, the whole file at commit).
/// A rollback journal instead saves only the original content of pages that existed
/// before the import and writes the new pages straight into the database file, once.
/// Atomicity is the same: a killed import leaves a hot journal (and pages past the
/// original end of the file) that the next connection rolls back. So an import
/// switches to `journal_mode = DELETE` with `synchronous = FULL` (every commit and
/// journal write synced, safe against power loss too) and back to WAL afterwards.
///
/// SQLite only leaves WAL mode when no other connection has the file open; if any
/// does (a running server, another pool connection), the switch fails at once and
/// the import runs in WAL mode. While the import holds the rollback journal, a
/// process opening the database waits (busy timeout) instead of reading beside it
/// as WAL would allow.
pub(crate) fn begin_bulk_load(conn: &Connection) -> bool {
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
        _ => return false,
    }
    // FULL under a rollback journal: the journal is synced before the database file
    // is changed, so even a power cut mid-import rolls back cleanly
    let _ = conn.execute_batch("PRAGMA synchronous = FULL");
    true
}

/// Back to WAL after [`begin_bulk_load`]; should this fail, the next connection the
/// pool opens sets WAL again (lib.rs).
fn end_bulk_load(conn: &Connection, switched: bool) {
    if switched {
        let _ = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        let _ = conn.execute_batch("PRAGMA synchronous = FULL");
    }
}

/// `INSERT` of one row; a row whose `(source, source_id)` is stored already changes
/// nothing (0 rows) and is then compared by fingerprint.
fn insert_sql() -> String {
    let marks: Vec<String> = (1..=COLUMNS.len()).map(|k| format!("?{k}")).collect();
    format!(
        "INSERT INTO incidents ({}) VALUES ({}) ON CONFLICT (source, source_id) DO NOTHING",
        COLUMNS.join(", "),
        marks.join(", ")
    )
}

/// `UPDATE` of one row by `(source, source_id)`, same parameter numbers as [`insert_sql`].
fn update_sql() -> String {
    let sets: Vec<String> = COLUMNS.iter().enumerate().skip(2).map(|(n, c)| format!("{c} = ?{}", n + 1)).collect();
    format!("UPDATE incidents SET {} WHERE source = ?1 AND source_id = ?2", sets.join(", "))
}

/// A date as bound: `YYYY-MM-DD` from a stack buffer (no allocation per row), or
/// chrono's text outside the years 0 to 9999.
enum DateText {
    Short([u8; 10]),
    Other(String),
}

impl DateText {
    fn new(d: chrono::NaiveDate) -> Self {
        match vigil_ingest::iso_date_bytes(d) {
            Some(b) => DateText::Short(b),
            None => DateText::Other(d.to_string()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            DateText::Short(b) => std::str::from_utf8(b).expect("ASCII digits and dashes"),
            DateText::Other(s) => s,
        }
    }
}

/// The 1-based parameter number of a column in [`COLUMNS`] (the INSERT's order),
/// found at compile time: a name that is not a column fails the build, so the binds
/// below cannot drift from the column list.
const fn col(name: &str) -> usize {
    let mut i = 0;
    while i < COLUMNS.len() {
        let (a, b) = (COLUMNS[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i + 1;
            }
        }
        i += 1;
    }
    panic!("not a column of COLUMNS")
}

/// Bind the 37 [`COLUMNS`] of one row, borrowing its strings. Bindings
/// outlive a statement's execution, so a text equal to the one `prev` (the row bound
/// last to this statement) gave it is not copied into SQLite again.
fn bind_row(st: &mut Statement<'_>, p: &Prepared, prev: Option<&Prepared>, layout: i64) -> rusqlite::Result<()> {
    let i = &p.incident;
    let pl = &p.placement;
    let mut text = |n: usize, f: fn(&Prepared) -> Option<&str>| -> rusqlite::Result<()> {
        let v = f(p);
        if prev.is_none_or(|q| f(q) != v) {
            st.raw_bind_parameter(n, v)?;
        }
        Ok(())
    };
    text(const { col("source") }, |p| Some(p.incident.source.as_str()))?;
    text(const { col("source_id") }, |p| Some(p.incident.source_id.as_str()))?;
    text(const { col("event_type") }, |p| p.incident.event_type.as_deref())?;
    text(const { col("sub_event_type") }, |p| p.incident.sub_event_type.as_deref())?;
    text(const { col("conflict_name") }, |p| p.incident.conflict_name.as_deref())?;
    text(const { col("dyad_name") }, |p| p.incident.dyad_name.as_deref())?;
    text(const { col("side_a") }, |p| p.incident.side_a.as_deref())?;
    text(const { col("side_b") }, |p| p.incident.side_b.as_deref())?;
    text(const { col("country") }, |p| p.incident.country.as_deref())?;
    text(const { col("place") }, |p| p.incident.place.as_deref())?;
    text(const { col("where_description") }, |p| p.incident.where_description.as_deref())?;
    text(const { col("adm_1") }, |p| p.incident.adm_1.as_deref())?;
    text(const { col("adm_2") }, |p| p.incident.adm_2.as_deref())?;
    text(const { col("extra") }, |p| p.extra.json())?;
    text(const { col("admin1") }, |p| p.placement.admin1.as_deref())?;
    text(const { col("admin2") }, |p| p.placement.admin2.as_deref())?;
    if prev.is_none_or(|q| q.incident.date_start != i.date_start) {
        st.raw_bind_parameter(const { col("date_start") }, DateText::new(i.date_start).as_str())?;
    }
    if prev.is_none_or(|q| q.incident.date_end != i.date_end) {
        st.raw_bind_parameter(const { col("date_end") }, DateText::new(i.date_end).as_str())?;
    }
    if prev.is_none() {
        st.raw_bind_parameter(const { col("extra_layout") }, layout)?;
    }
    st.raw_bind_parameter(const { col("date_prec") }, i.date_prec)?;
    st.raw_bind_parameter(const { col("type_of_violence") }, i.type_of_violence.map(|t| t.code()))?;
    st.raw_bind_parameter(const { col("latitude") }, i.latitude)?;
    st.raw_bind_parameter(const { col("longitude") }, i.longitude)?;
    st.raw_bind_parameter(const { col("where_prec") }, i.where_prec)?;
    st.raw_bind_parameter(const { col("deaths_a") }, i.deaths_a)?;
    st.raw_bind_parameter(const { col("deaths_b") }, i.deaths_b)?;
    st.raw_bind_parameter(const { col("deaths_civilians") }, i.deaths_civilians)?;
    st.raw_bind_parameter(const { col("deaths_unknown") }, i.deaths_unknown)?;
    st.raw_bind_parameter(const { col("best") }, i.best)?;
    st.raw_bind_parameter(const { col("low") }, i.low)?;
    st.raw_bind_parameter(const { col("high") }, i.high)?;
    st.raw_bind_parameter(const { col("number_of_sources") }, i.number_of_sources)?;
    st.raw_bind_parameter(const { col("source_gid") }, i.source_gid)?;
    st.raw_bind_parameter(const { col("bounds_flag") }, i.bounds_inconsistent() as i64)?;
    st.raw_bind_parameter(const { col("row_hash") }, p.hash)?;
    st.raw_bind_parameter(const { col("gid") }, pl.gid)?;
    st.raw_bind_parameter(const { col("extra_packed") }, p.extra.packed())?;
    Ok(())
}

/// How the writer talks to the reader thread and the import's task.
pub(crate) struct Channels {
    pub batches: tokio::sync::mpsc::Receiver<Produced>,
    /// written batches go back to the reader thread, which frees what it allocated
    pub spent: std::sync::mpsc::Sender<Vec<Prepared>>,
    /// the extras interner, sent to the reader thread once the transaction has begun
    pub interner: std::sync::mpsc::SyncSender<Interner>,
    /// bytes read after each batch; once its receiver is gone (the import's future
    /// was dropped) the transaction is rolled back
    pub progress: tokio::sync::mpsc::UnboundedSender<u64>,
}

/// Write every batch the reader thread sends, in one transaction, and restore WAL.
pub(crate) fn write(
    mut conn: Connection,
    bulk: bool,
    mut channels: Channels,
    layout_json: &str,
    mut report: ImportReport,
) -> Result<ImportReport> {
    let result = write_all(&mut conn, &mut channels, layout_json, &mut report);
    end_bulk_load(&conn, bulk);
    result.map(|()| report)
}

fn write_all(conn: &mut Connection, ch: &mut Channels, layout_json: &str, report: &mut ImportReport) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting the import transaction")?;
    tx.execute("INSERT INTO extra_layouts (columns) VALUES (?1) ON CONFLICT (columns) DO NOTHING", [layout_json])
        .ctx("storing the extras layout")?;
    let layout: i64 = tx
        .query_row("SELECT id FROM extra_layouts WHERE columns = ?1", [layout_json], |r| r.get(0))
        .ctx("reading the extras layout")?;
    // the values packed extras refer to, read inside the transaction: this import is
    // the only writer until it commits, so the ids it gives new values stay free
    let stored: Vec<(i64, String)> = tx
        .prepare("SELECT id, value FROM extra_values")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx("reading the stored extras values")?;
    if ch.interner.send(Interner::new(stored)).is_err() {
        return Err(StoreError::Corrupt("the import's reader thread stopped unexpectedly".into()));
    }
    // Into an empty table, build the secondary indexes once at the end rather than
    // maintaining them row by row (same transaction: all or nothing).
    let empty = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM incidents)", [], |r| r.get::<_, bool>(0)).ctx("checking for incidents")?;
    if empty {
        for (name, _) in SECONDARY_INDEXES {
            tx.execute(&format!("DROP INDEX IF EXISTS {name}"), []).ctx("dropping an index for the load")?;
        }
    }
    {
        let mut insert = tx.prepare(&insert_sql()).ctx("preparing the insert")?;
        let mut update = tx.prepare(&update_sql()).ctx("preparing the update")?;
        let mut stored = tx
            .prepare("SELECT row_hash FROM incidents WHERE source = ?1 AND source_id = ?2")
            .ctx("preparing the lookup")?;
        let mut add_value =
            tx.prepare("INSERT INTO extra_values (id, value) VALUES (?1, ?2)").ctx("preparing the extras values insert")?;
        loop {
            let (rows, bytes) = match ch.batches.blocking_recv() {
                Some(Produced::Batch { rows, bytes, values }) => {
                    for (id, value) in &values {
                        add_value.execute(rusqlite::params![id, value.as_ref()]).ctx("storing an extras value")?;
                    }
                    (rows, bytes)
                }
                Some(Produced::Failed(e)) => return Err(e),
                Some(Produced::Done(counts)) => {
                    report.absorb(counts);
                    break;
                }
                None => return Err(StoreError::Corrupt("the import's reader thread stopped unexpectedly".into())),
            };
            let mut prev = None;
            for p in &rows {
                bind_row(&mut insert, p, prev, layout).ctx("binding an incident")?;
                prev = Some(p);
                if insert.raw_execute().ctx("inserting an incident")? == 1 {
                    report.added += 1;
                    continue;
                }
                // stored already (an earlier import, or earlier in this file)
                let hash: i64 = stored
                    .query_row([p.incident.source.as_str(), p.incident.source_id.as_str()], |r| r.get(0))
                    .ctx("reading a stored incident's fingerprint")?;
                if hash == p.hash {
                    report.unchanged += 1;
                } else {
                    bind_row(&mut update, p, None, layout).ctx("binding an incident")?;
                    update.raw_execute().ctx("updating an incident")?;
                    report.updated += 1;
                }
            }
            // back to the reader thread, which frees what it allocated
            let _ = ch.spent.send(rows);
            if ch.progress.send(bytes).is_err() {
                return Err(StoreError::Cancelled);
            }
        }
    }
    if empty {
        // The rebuild sorts: in runs of 8 MiB that stay in the CPU caches rather than
        // one run as large as the page cache (64 MiB), with one helper thread sorting
        // and merging runs while this one scans the table. On 1M rows: about a third
        // less wall time for the three indexes, and no more CPU time.
        tx.execute_batch("PRAGMA cache_size = -8192; PRAGMA threads = 1;").ctx("setting up the index rebuild")?;
        for (_, ddl) in SECONDARY_INDEXES {
            tx.execute(ddl, []).ctx("rebuilding an index")?;
        }
    }
    if ch.progress.is_closed() {
        return Err(StoreError::Cancelled);
    }
    tx.commit().ctx("committing the import")
}
