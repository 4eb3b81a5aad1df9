//! The least time SQLite itself needs to store N incidents the way Vigil's queries
//! need them, with no file read, no parsing, no validation and no geography: the
//! floor under any SQLite import, against which `bench/import/run.sh` puts Vigil's.
//!
//!     cargo run --release -p vigil-store --example sqlite_floor -- DB_PATH [ROWS]
//!
//! Each row holds only what the indexes and the commonest filters use — source and
//! source id (unique together, as Vigil's re-imports need), start date, PRIO-GRID
//! cell, admin2 code and best estimate — as integers, generated in memory. The
//! database is set up as Vigil's import sets up its own (16 KiB pages, rollback
//! journal with `synchronous = FULL`, 64 MiB page cache, one prepared `INSERT` in one
//! transaction); the three secondary indexes Vigil keeps (date, cell, admin2) are
//! built after the rows, as Vigil builds them after a load into an empty table.

use rusqlite::Connection;
use std::time::Instant;

fn main() -> rusqlite::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: sqlite_floor DB_PATH [ROWS]   (DB_PATH is replaced)");
        std::process::exit(2);
    };
    let rows: i64 = args.get(2).map(|r| r.parse().expect("ROWS is a number")).unwrap_or(1_000_000);
    let _ = std::fs::remove_file(path);
    let t = Instant::now();
    let mut c = Connection::open(path)?;
    c.execute_batch(
        "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;
         CREATE TABLE incidents (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, source_id INTEGER NOT NULL,
             date_start INTEGER NOT NULL, gid INTEGER, admin2 INTEGER, best INTEGER NOT NULL, UNIQUE (source, source_id));",
    )?;
    let tx = c.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO incidents VALUES (NULL, 1, ?1, ?2, ?3, ?4, ?5)")?;
        for i in 0..rows {
            // spread over 4,000 days, 500 cells and 50 areas in no particular order,
            // as a GED file's rows are
            let r = (i * 2_654_435_761) % 1_000_003;
            insert.execute([100_000_000 + i, 15_000 + r % 4_000, 150_000 + r % 500, r % 50, r % 7])?;
        }
    }
    let t_rows = t.elapsed().as_secs_f64();
    tx.execute_batch(
        "PRAGMA cache_size = -8192; PRAGMA threads = 1;
         CREATE INDEX incidents_date ON incidents (date_start);
         CREATE INDEX incidents_gid ON incidents (gid);
         CREATE INDEX incidents_admin2 ON incidents (admin2);",
    )?;
    let t_indexes = t.elapsed().as_secs_f64();
    tx.commit()?;
    let total = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "sqlite_floor: {rows} rows in {t_rows:.2}s, three indexes by {t_indexes:.2}s, committed by {total:.2}s; file {} MB",
        size / 1_000_000
    );
    Ok(())
}
