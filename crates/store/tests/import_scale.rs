//! An import's work on PostgreSQL grows with the file and what is stored, never with
//! their product (issue 21: a 1M-row import that never finished).
//!
//! The old import looked each batch of 4,000 ids up with `source_id IN ($2..$4001)`;
//! once PostgreSQL switched that statement to its cached generic plan, every batch
//! read every stored row of the source, and the import went quadratic. This test
//! forces generic plans for its database (`plan_cache_mode = force_generic_plan`),
//! imports a generated file of [`ROWS`] rows, then re-imports it with some rows
//! changed, and counts the rows PostgreSQL read from `incidents` (sequential reads plus
//! index fetches, from `pg_stat_user_tables`). A set-based import reads each stored
//! row a few times at most per import; the batch lookups read about
//! `ROWS / 4000` times the stored rows. No timing is asserted.
//!
//! PostgreSQL only: SQLite has no plan cache to switch (its import binds one prepared
//! single-row statement on the unique key) and no per-table read counters.

mod common;

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::io::Cursor;
use std::time::Duration;
use vigil_ingest::IncidentReader;
use vigil_store::{ImportOptions, ImportReport, Store};

/// Large enough that the old lookups (15 batches) read several times what a
/// set-based import may, small enough to import in seconds.
const ROWS: usize = 60_000;

/// How many times over a set-based import may read the rows involved (the file's and
/// those stored before it): a staging join, an anti-join, an update join, with room.
const READS_PER_ROW: u64 = 4;

/// A synthetic GED file: `rows` incidents with ids 1..=rows; rows whose id is a
/// multiple of `bump_every` get `best` raised by one (a revised release).
fn synthetic_ged(rows: usize, bump_every: usize) -> String {
    let mut s = String::from("id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high\n");
    for id in 1..=rows {
        let day = 1 + id % 28;
        let best = 1 + id % 5 + usize::from(id % bump_every == 0);
        let lat = 11.0 + (id % 700) as f64 / 100.0;
        let lon = -11.0 + (id % 1500) as f64 / 100.0;
        s.push_str(&format!("{id},{},2019-03-{day:02},2019-03-{day:02},{lat},{lon},{best},1,{}\n", 1 + id % 3, best + 3));
    }
    s
}

async fn import(store: &Store, text: String) -> ImportReport {
    let r = IncidentReader::from_reader(Cursor::new(text), "synthetic_scale.csv").unwrap();
    store.import_incidents(r, ImportOptions::default(), &|_| {}).await.unwrap()
}

/// `incidents` counters: (rows read by sequential scans + rows fetched by index
/// scans, rows inserted, rows updated).
async fn counters(conn: &mut PgConnection) -> (u64, u64, u64) {
    sqlx::query("SELECT pg_stat_clear_snapshot()").execute(&mut *conn).await.unwrap();
    let (reads, ins, upd): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0), n_tup_ins, n_tup_upd \
         FROM pg_stat_user_tables WHERE relname = 'incidents'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    (reads as u64, ins as u64, upd as u64)
}

/// Counters once the import's connections have reported them: a backend sends its
/// table counters when it exits (the store is closed first), all tables at once, so
/// once the inserts/updates the import made show, its reads show too.
async fn counters_after(conn: &mut PgConnection, ins: u64, upd: u64) -> (u64, u64, u64) {
    for _ in 0..300 {
        let c = counters(conn).await;
        if c.1 >= ins && c.2 >= upd {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import's table counters never arrived (expected {ins} inserts, {upd} updates)");
}

#[tokio::test]
async fn postgres_import_work_is_linear_under_generic_plans() {
    let Some(db) = common::postgres().await else { return };
    db.store.close().await;
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let mut watch = PgConnection::connect(&db.url).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("ALTER DATABASE {name} SET plan_cache_mode = force_generic_plan")))
        .execute(&mut watch)
        .await
        .unwrap();

    // first import, into an empty table
    let start = counters(&mut watch).await;
    let store = Store::connect(&db.url).await.unwrap();
    let mode: String = match store.backend() {
        vigil_store::Backend::Postgres(pool) => sqlx::query_scalar("SHOW plan_cache_mode").fetch_one(pool).await.unwrap(),
        vigil_store::Backend::Sqlite(_) => unreachable!(),
    };
    assert_eq!(mode, "force_generic_plan", "the store's sessions run under generic plans");
    let first = import(&store, synthetic_ged(ROWS, usize::MAX)).await;
    assert_eq!((first.added, first.updated, first.unchanged), (ROWS as u64, 0, 0));
    store.close().await;
    let after_first = counters_after(&mut watch, start.1 + ROWS as u64, start.2).await;
    let read_first = after_first.0 - start.0;
    assert!(
        read_first <= READS_PER_ROW * ROWS as u64,
        "importing {ROWS} rows into an empty table read {read_first} stored rows (at most {} expected)",
        READS_PER_ROW * ROWS as u64
    );

    // a revised release: every 100th row changed, the rest as stored
    let store = Store::connect(&db.url).await.unwrap();
    let bumped = ROWS / 100;
    let second = import(&store, synthetic_ged(ROWS, 100)).await;
    assert_eq!((second.added, second.updated, second.unchanged), (0, bumped as u64, (ROWS - bumped) as u64));
    store.close().await;
    let after_second = counters_after(&mut watch, after_first.1, after_first.2 + bumped as u64).await;
    let read_second = after_second.0 - after_first.0;
    eprintln!("rows of incidents read: {read_first} by the first import, {read_second} by the re-import ({ROWS} rows each)");
    let involved = 2 * ROWS as u64; // the file's rows and those stored before it
    assert!(
        read_second <= READS_PER_ROW * involved,
        "re-importing {ROWS} rows over {ROWS} stored read {read_second} stored rows (at most {} expected)",
        READS_PER_ROW * involved
    );

    // what a user sees: every row once, the revised ones revised
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.count_incidents(&Default::default()).await.unwrap(), ROWS as i64);
    let mut revised = 0;
    store
        .for_each_incident(&Default::default(), |l| {
            let id: usize = l.incident.source_id.parse().unwrap();
            assert_eq!(l.incident.best, (1 + id % 5 + usize::from(id % 100 == 0)) as i64, "incident {id}");
            revised += usize::from(id % 100 == 0);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(revised, bumped);
}
