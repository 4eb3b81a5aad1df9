//! The PostgreSQL half of an import: set-based, in one transaction.
//!
//! Rows stream, as the reader thread parses and places them, through one `COPY` into a
//! temporary staging table (`import_incoming`, dropped at commit). Then one statement
//! per step compares and merges: repeated ids within the file, what is new or changed
//! against `incidents` by `(source, source_id)` and the fingerprint `row_hash`, the
//! updates, the inserts. No statement is prepared with per-batch parameters, so none
//! can fall to a cached generic plan that reads every stored row per batch (issue 21:
//! the batch lookups `source_id IN ($2..$4001)` made a 1M-row import quadratic), and
//! the client holds one batch at a time whatever the file's size.
//!
//! Counts, rejects and atomicity are those of the SQLite import: a bad row aborts the
//! `COPY` and the transaction (nothing stored), unless rejects are being collected; an
//! id repeated within one file is matched against its previous row (the later row
//! wins, counted updated or unchanged).

use crate::import_rows::{produce, Produced};
use crate::incidents::{ImportOptions, ImportReport, Prepared, COLUMNS, SECONDARY_INDEXES};
use crate::placement::Placer;
use crate::{Result, StoreError};
use sqlx::AssertSqlSafe;
use std::fmt::Write as _;
use std::io::Read;
use vigil_ingest::IncidentReader;

/// Import into PostgreSQL: stage by `COPY`, then merge set-wise.
pub(crate) async fn import<R: Read + Send + 'static>(
    pool: &sqlx::PgPool,
    reader: IncidentReader<R>,
    placer: Placer,
    opts: ImportOptions,
    layout_json: String,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportReport> {
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Produced>(2);
    let mut report = ImportReport::new(reader.format());
    let producer = std::thread::spawn(move || produce(reader, placer, opts, sender, None, None));
    let mut tx = pool.begin().await?;
    // hashing and sorting a whole file's keys: in memory rather than in many small
    // temporary files (this transaction only)
    sqlx::query("SET LOCAL work_mem = '64MB'").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO extra_layouts (columns) VALUES ($1) ON CONFLICT (columns) DO NOTHING")
        .bind(&layout_json)
        .execute(&mut *tx)
        .await?;
    let layout: i64 =
        sqlx::query_scalar("SELECT id FROM extra_layouts WHERE columns = $1").bind(&layout_json).fetch_one(&mut *tx).await?;
    // Into an empty table, build the secondary indexes once at the end rather than
    // maintaining them row by row (same transaction: all or nothing).
    let empty: bool = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM (SELECT 1 FROM incidents LIMIT 1) t")
        .fetch_one(&mut *tx)
        .await?
        == 0;
    if empty {
        for (name, _) in SECONDARY_INDEXES {
            sqlx::query(AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}"))).execute(&mut *tx).await?;
        }
    }
    let cols = COLUMNS.join(", ");
    // Temporary: not WAL-logged, private to this session, gone at commit or rollback.
    // `ord` is the row's position in the file; `first_hash` is set only on the row
    // kept for an id the file repeats (the fingerprint of its first row).
    sqlx::query(AssertSqlSafe(format!(
        "CREATE TEMPORARY TABLE import_incoming ON COMMIT DROP AS \
         SELECT 0::bigint AS ord, row_hash AS first_hash, {cols} FROM incidents WITH NO DATA"
    )))
    .execute(&mut *tx)
    .await?;

    // 1. stage: every row the reader accepts, by one COPY
    let copy_sql = format!("COPY import_incoming (ord, {cols}) FROM STDIN");
    let mut copy = tx.copy_in_raw(&copy_sql).await?;
    let mut buf = String::new();
    let mut ord: u64 = 0;
    loop {
        match batches.recv().await {
            Some(Produced::Batch { rows, bytes, .. }) => {
                buf.clear();
                for p in &rows {
                    ord += 1;
                    copy_line(&mut buf, ord, p, layout);
                }
                copy.send(buf.as_bytes()).await?;
                progress(bytes);
            }
            Some(Produced::Failed(e)) => {
                let _ = copy.abort("the import stopped at a bad row").await;
                return Err(e);
            }
            Some(Produced::Done(counts)) => {
                report.absorb(counts);
                break;
            }
            None => {
                let _ = copy.abort("the import's reader stopped").await;
                return Err(StoreError::Corrupt("the import's reader thread stopped unexpectedly".into()));
            }
        }
    }
    let staged = copy.finish().await?;
    drop(buf);
    producer.join().map_err(|_| StoreError::Corrupt("the import's reader thread panicked".into()))?;
    sqlx::query("ANALYZE import_incoming").execute(&mut *tx).await?;

    // 2. ids the file repeats: each later row counts against the row before it, and
    //    only the last is kept, at its first row's place in the file
    let repeated = sqlx::query(
        "CREATE TEMPORARY TABLE import_repeats ON COMMIT DROP AS \
         SELECT source, source_id FROM import_incoming GROUP BY source, source_id HAVING COUNT(*) > 1",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let mut kept = staged;
    if repeated > 0 {
        let (same, changed): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE prev = row_hash), COUNT(*) FILTER (WHERE prev <> row_hash) FROM ( \
               SELECT s.row_hash, lag(s.row_hash) OVER (PARTITION BY s.source, s.source_id ORDER BY s.ord) AS prev \
               FROM import_incoming s JOIN import_repeats USING (source, source_id)) r \
             WHERE prev IS NOT NULL",
        )
        .fetch_one(&mut *tx)
        .await?;
        report.unchanged += same as u64;
        report.updated += changed as u64;
        kept -= (same + changed) as u64;
        sqlx::query(
            "WITH r AS ( \
               SELECT s.ord, \
                 first_value(s.row_hash) OVER (PARTITION BY s.source, s.source_id ORDER BY s.ord) AS first_hash, \
                 min(s.ord) OVER (PARTITION BY s.source, s.source_id) AS first_ord, \
                 max(s.ord) OVER (PARTITION BY s.source, s.source_id) AS last_ord \
               FROM import_incoming s JOIN import_repeats USING (source, source_id)), \
             gone AS (DELETE FROM import_incoming s USING r WHERE s.ord = r.ord AND r.ord <> r.last_ord) \
             UPDATE import_incoming s SET first_hash = r.first_hash, ord = r.first_ord \
             FROM r WHERE s.ord = r.ord AND r.ord = r.last_ord",
        )
        .execute(&mut *tx)
        .await?;
    }

    // 3. merge
    let kept_cols = COLUMNS.iter().map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ");
    if empty {
        // nothing stored to compare with: every row is new. Rows are in file order as
        // copied, unless repeats moved some.
        let order = if repeated > 0 { " ORDER BY ord" } else { "" };
        let added = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO incidents ({cols}) SELECT {kept_cols} FROM import_incoming s{order}"
        )))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        report.added += added;
    } else {
        // the rows that are new or whose fingerprint differs from what is stored (for a
        // repeated id, from its first row's or its kept row's): one join
        sqlx::query(
            "CREATE TEMPORARY TABLE import_changes ON COMMIT DROP AS \
             SELECT s.ord, t.id, t.row_hash AS stored_hash, COALESCE(s.first_hash, s.row_hash) AS first_hash, \
                    s.row_hash \
             FROM import_incoming s LEFT JOIN incidents t ON t.source = s.source AND t.source_id = s.source_id \
             WHERE t.id IS NULL OR t.row_hash <> s.row_hash OR t.row_hash <> COALESCE(s.first_hash, s.row_hash)",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("ANALYZE import_changes").execute(&mut *tx).await?;
        let (added, updated): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE id IS NULL), COUNT(*) FILTER (WHERE stored_hash <> first_hash) \
             FROM import_changes",
        )
        .fetch_one(&mut *tx)
        .await?;
        report.added += added as u64;
        report.updated += updated as u64;
        report.unchanged += kept - (added + updated) as u64;
        let sets = COLUMNS.iter().skip(2).map(|c| format!("{c} = s.{c}")).collect::<Vec<_>>().join(", ");
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE incidents t SET {sets} FROM import_changes c JOIN import_incoming s ON s.ord = c.ord \
             WHERE t.id = c.id AND c.stored_hash <> c.row_hash"
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO incidents ({cols}) SELECT {kept_cols} \
             FROM import_changes c JOIN import_incoming s ON s.ord = c.ord WHERE c.id IS NULL ORDER BY s.ord"
        )))
        .execute(&mut *tx)
        .await?;
    }
    if empty {
        for (_, ddl) in SECONDARY_INDEXES {
            sqlx::query(*ddl).execute(&mut *tx).await?;
        }
    }
    // a bulk load leaves the planner's statistics far behind (autovacuum catches up
    // later): refresh them, so the next import's joins are planned on real sizes
    if empty || report.added + report.updated > 100_000 {
        sqlx::query("ANALYZE incidents").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// Append one value to a `COPY` text-format field: runs that need no escape whole.
fn copy_text(buf: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) {
        buf.push_str(&rest[..at]);
        buf.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    buf.push_str(rest);
}

/// One staged row: its place in the file, then the [`COLUMNS`] in order.
fn copy_line(buf: &mut String, ord: u64, p: &Prepared, layout: i64) {
    fn text(buf: &mut String, v: Option<&str>) {
        buf.push('\t');
        match v {
            None => buf.push_str("\\N"),
            Some(s) => copy_text(buf, s),
        }
    }
    fn shown(buf: &mut String, v: Option<impl std::fmt::Display>) {
        buf.push('\t');
        match v {
            None => buf.push_str("\\N"),
            Some(x) => {
                let _ = write!(buf, "{x}");
            }
        }
    }
    let i = &p.incident;
    let _ = write!(buf, "{ord}");
    text(buf, Some(i.source.as_str()));
    text(buf, Some(&i.source_id));
    shown(buf, Some(i.date_start));
    shown(buf, Some(i.date_end));
    shown(buf, i.date_prec);
    shown(buf, i.type_of_violence.map(|t| t.code()));
    text(buf, i.event_type.as_deref());
    text(buf, i.sub_event_type.as_deref());
    text(buf, i.conflict_name.as_deref());
    text(buf, i.dyad_name.as_deref());
    text(buf, i.side_a.as_deref());
    text(buf, i.side_b.as_deref());
    text(buf, i.country.as_deref());
    text(buf, i.place.as_deref());
    text(buf, i.where_description.as_deref());
    text(buf, i.adm_1.as_deref());
    text(buf, i.adm_2.as_deref());
    shown(buf, i.latitude);
    shown(buf, i.longitude);
    shown(buf, i.where_prec);
    shown(buf, i.deaths_a);
    shown(buf, i.deaths_b);
    shown(buf, i.deaths_civilians);
    shown(buf, i.deaths_unknown);
    shown(buf, Some(i.best));
    shown(buf, Some(i.low));
    shown(buf, Some(i.high));
    shown(buf, i.number_of_sources);
    shown(buf, i.source_gid);
    shown(buf, Some(layout));
    text(buf, p.extra.json());
    shown(buf, Some(i.bounds_inconsistent() as i64));
    shown(buf, Some(p.hash));
    shown(buf, p.placement.gid);
    text(buf, p.placement.admin1.as_deref());
    text(buf, p.placement.admin2.as_deref());
    text(buf, None); // extra_packed: SQLite only
    buf.push('\n');
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut b = String::new();
        super::copy_text(&mut b, "a\\b\tc\nd\re € \"q\",");
        assert_eq!(b, "a\\\\b\\tc\\nd\\re € \"q\",");
    }
}
