//! How SQLite stores the source-specific extras (packed, repeating values once):
//! what a user sees must not depend on it — every value reads back, rows stored as
//! JSON (before packing, or by the server) read beside packed ones, and a failed
//! import's values never leak into what a later import stores.

mod common;

use common::{all, import_text, repo};
use sqlx::{Connection, SqliteConnection};
use std::io::Cursor;
use vigil_ingest::{IncidentReader, Located};
use vigil_store::Store;

const GED_SAMPLE: &str = "testdata/ged231_global_sample1000_uncertainUCDP.csv";
const SYNTHETIC: &str = "data/synthetic/ged_mali_synthetic_2012_2022.csv";

/// The extras of every stored incident, as (source_id, [(column, value)]).
fn extras(stored: &[Located]) -> Vec<(String, Vec<(String, String)>)> {
    stored
        .iter()
        .map(|l| {
            let e = l.incident.extra.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            (l.incident.source_id.clone(), e)
        })
        .collect()
}

/// Extras as the file has them: (id, [(column, value)]) for every non-core column.
fn extras_in_file(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut r = IncidentReader::from_reader(Cursor::new(text.to_string()), "f.csv").unwrap();
    let mut out = vec![];
    while let Some(row) = r.next() {
        let l = row.unwrap();
        out.push((l.source_id.clone(), l.extra.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()));
    }
    out.sort();
    out
}

async fn raw(db: &common::TestDb) -> SqliteConnection {
    SqliteConnection::connect(&db.url).await.unwrap()
}

#[tokio::test]
async fn repeating_extras_are_stored_once_and_every_value_reads_back() {
    let db = common::sqlite().await;
    let text = std::fs::read_to_string(repo(GED_SAMPLE)).unwrap();
    import_text(&db.store, &text, "ged.csv").await.unwrap();
    let mut got = extras(&all(&db.store).await);
    got.sort();
    assert_eq!(got, extras_in_file(&text));

    let mut c = raw(&db).await;
    let (json_rows, packed_rows, packed_bytes): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(extra), count(extra_packed), sum(length(extra_packed)) FROM incidents",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!((json_rows, packed_rows), (0, 1000));
    let values: i64 = sqlx::query_scalar("SELECT count(*) FROM extra_values").fetch_one(&mut c).await.unwrap();
    assert!(values > 0, "repeating values are interned");
    // the same extras as JSON (how PostgreSQL keeps them) take more room, even on a
    // global sample of 1000 real rows, whose long source texts never repeat
    assert!((packed_bytes as usize) * 10 < json_bytes(&got) * 8, "packed {packed_bytes} bytes vs JSON {}", json_bytes(&got));
}

fn json_bytes(extras: &[(String, Vec<(String, String)>)]) -> usize {
    extras.iter().map(|(_, e)| serde_json::to_string(&e.iter().map(|(_, v)| v).collect::<Vec<_>>()).unwrap().len()).sum()
}

#[tokio::test]
async fn one_countrys_extras_pack_to_a_fraction_of_their_json() {
    let db = common::sqlite().await;
    let text = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    import_text(&db.store, &text, "synthetic.csv").await.unwrap();
    let got = extras(&all(&db.store).await);
    let packed: i64 = sqlx::query_scalar("SELECT sum(length(extra_packed)) FROM incidents")
        .fetch_one(&mut raw(&db).await)
        .await
        .unwrap();
    // one country's conflicts, actors, offices and places repeat from row to row
    assert!((packed as usize) * 3 < json_bytes(&got), "packed {packed} bytes vs JSON {}", json_bytes(&got));
}

#[tokio::test]
async fn rows_stored_as_json_read_beside_packed_ones() {
    let db = common::sqlite().await;
    let text = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    import_text(&db.store, &text, "synthetic.csv").await.unwrap();
    let before = all(&db.store).await;
    // rewrite every third row as an older Vigil stored it: JSON in `extra`
    let mut c = raw(&db).await;
    for l in before.iter().step_by(3) {
        let json = serde_json::to_string(&l.incident.extra.iter().map(|(_, v)| v).collect::<Vec<_>>()).unwrap();
        sqlx::query("UPDATE incidents SET extra = $1, extra_packed = NULL WHERE source_id = $2")
            .bind(json)
            .bind(&l.incident.source_id)
            .execute(&mut c)
            .await
            .unwrap();
    }
    let mixed: (i64, i64) =
        sqlx::query_as("SELECT count(extra), count(extra_packed) FROM incidents").fetch_one(&mut c).await.unwrap();
    assert!(mixed.0 > 0 && mixed.1 > 0, "{mixed:?}");
    assert_eq!(all(&db.store).await, before);
    // and a re-import finds every row unchanged, whichever way it is stored
    let again = import_text(&db.store, &text, "synthetic.csv").await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, before.len() as u64));
}

#[tokio::test]
async fn a_failed_imports_values_do_not_reach_a_later_import() {
    let db = common::sqlite().await;
    let synthetic = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    let lines: Vec<&str> = synthetic.lines().collect();
    import_text(&db.store, &lines[..201].join("\n"), "first.csv").await.unwrap();
    // a file whose values get interned, then a bad row far past the first batch
    let sample = std::fs::read_to_string(repo(GED_SAMPLE)).unwrap();
    let bad = sample.replacen("2020-08-22 00:00:00.000", "2020-08-32 00:00:00.000", 1);
    assert!(import_text(&db.store, &bad, "bad.csv").await.is_err());
    let mut c = raw(&db).await;
    let after_failure: i64 = sqlx::query_scalar("SELECT count(*) FROM extra_values").fetch_one(&mut c).await.unwrap();
    // read (and cache) what is stored now, before a later import reuses the ids
    assert_eq!(all(&db.store).await.len(), 200);
    // the ids the failed import handed out are free again: a new import takes them
    // for its own values, and every row reads back as its file has it
    let rest = [&lines[..1], &lines[201..]].concat().join("\n");
    import_text(&db.store, &rest, "rest.csv").await.unwrap();
    let later: i64 = sqlx::query_scalar("SELECT count(*) FROM extra_values").fetch_one(&mut c).await.unwrap();
    assert!(later > after_failure);
    let mut got = extras(&all(&db.store).await);
    got.sort();
    assert_eq!(got, extras_in_file(&synthetic));
}

#[tokio::test]
async fn a_store_open_during_another_import_reads_its_new_values() {
    let db = common::sqlite().await;
    let reader_store = Store::connect(&db.url).await.unwrap();
    let synthetic = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    let lines: Vec<&str> = synthetic.lines().collect();
    import_text(&db.store, &lines[..101].join("\n"), "first.csv").await.unwrap();
    assert_eq!(all(&reader_store).await.len(), 100, "reads (and caches) the first import's values");
    let sample = std::fs::read_to_string(repo(GED_SAMPLE)).unwrap();
    import_text(&db.store, &sample, "sample.csv").await.unwrap();
    let mut got = extras(&all(&reader_store).await);
    got.sort();
    let mut want = extras_in_file(&lines[..101].join("\n"));
    want.extend(extras_in_file(&sample));
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test]
async fn damaged_packed_extras_are_an_error_naming_the_incident() {
    let db = common::sqlite().await;
    let text = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    import_text(&db.store, &lines[..11].join("\n"), "ten.csv").await.unwrap();
    // an id no stored value has
    sqlx::query("UPDATE incidents SET extra_packed = x'ffff7f' WHERE source_id = '90000003'")
        .execute(&mut raw(&db).await)
        .await
        .unwrap();
    let err = db
        .store
        .for_each_incident(&vigil_model::IncidentFilter::default(), |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("incident ged:90000003") && err.contains("no stored value"), "{err}");
}
