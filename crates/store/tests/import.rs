//! The incident store on both backends: imports, re-imports, atomicity, rejects,
//! admin assignment, exports and stats.

mod common;

use common::{all, import_text, load_mali_boundaries, repo, TestDb};
use std::io::Cursor;
use vigil_ingest::{GedWriter, IncidentReader};
use vigil_model::IncidentFilter;
use vigil_store::{ImportOptions, ImportReport, StatKey, Store};

async fn import_file(store: &Store, path: &str) -> ImportReport {
    let r = IncidentReader::open(&repo(path)).unwrap();
    store.import_incidents(r, ImportOptions::default(), &|_| {}).await.unwrap()
}

const GED_SAMPLE: &str = "testdata/ged231_global_sample1000_uncertainUCDP.csv";
const SYNTHETIC: &str = "data/synthetic/ged_mali_synthetic_2012_2022.csv";

both_backends!(reimport_is_idempotent, |db| {
    let first = import_file(&db.store, GED_SAMPLE).await;
    assert_eq!((first.added, first.updated, first.unchanged, first.rejected), (1000, 0, 0, 0));
    assert_eq!(first.flagged_bounds, 13);
    let before = all(&db.store).await;
    let again = import_file(&db.store, GED_SAMPLE).await;
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 1000));
    assert_eq!(all(&db.store).await, before);
});

both_backends!(newer_release_updates_changed_rows, |db| {
    let text = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // release 1: header + first 100 rows
    import_text(&db.store, &lines[..101].join("\n"), "r1.csv").await.unwrap();
    // release 2: row 1 revised (best 1 -> 2, high 1 -> 2), 50 more rows
    let mut r2: Vec<String> = lines[..151].iter().map(|s| s.to_string()).collect();
    assert!(r2[1].ends_with(",0,1,0,0,1,1,1,432,"), "{}", r2[1]);
    r2[1] = r2[1].replace(",0,1,0,0,1,1,1,432,", ",0,2,0,0,2,2,1,432,");
    let rep = import_text(&db.store, &r2.join("\n"), "r2.csv").await.unwrap();
    assert_eq!((rep.added, rep.updated, rep.unchanged), (50, 1, 99));
    let stored = all(&db.store).await;
    assert_eq!(stored.len(), 150);
    let e = stored.iter().find(|l| l.incident.source_id == "90000001").unwrap();
    assert_eq!((e.incident.best, e.incident.high, e.incident.deaths_b), (2, 2, Some(2)));
});

both_backends!(an_id_twice_in_one_file_is_refused_naming_both_lines, |db| {
    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high\n\
               1,1,2020-01-01,2020-01-01,12.65,-8.0,1,1,1\n\
               2,1,2020-01-02,2020-01-02,12.65,-8.0,1,1,1\n\
               1,1,2020-01-01,2020-01-01,12.65,-8.0,1,1,1\n\
               2,1,2020-01-02,2020-01-02,12.65,-8.0,5,1,9\n\
               3,1,2020-01-03,2020-01-03,12.65,-8.0,1,1,1\n";
    // the default, atomic import: refused, nothing stored
    let err = import_text(&db.store, csv, "twice.csv").await.unwrap_err().to_string();
    assert!(err.starts_with("twice.csv:4: column `id`: the same id as line 2"), "{err}");
    assert!(all(&db.store).await.is_empty());
    // --skip-invalid: the later rows are rejected, the first ones kept
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.csv");
    let w: Box<dyn std::io::Write + Send> = Box::new(std::fs::File::create(&path).unwrap());
    let opts = ImportOptions { rejects: Some(csv::WriterBuilder::new().flexible(true).from_writer(w)) };
    let r = IncidentReader::from_reader(Cursor::new(csv), "twice.csv").unwrap();
    let rep = db.store.import_incidents(r, opts, &|_| {}).await.unwrap();
    assert_eq!((rep.added, rep.rejected), (3, 2));
    let rejects = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert!(lines[1].starts_with("4,id,the same id as line 2:"), "{}", lines[1]);
    assert!(lines[2].starts_with("5,id,the same id as line 3:"), "{}", lines[2]);
    let stored = all(&db.store).await;
    let best: Vec<(&str, i64)> = stored.iter().map(|l| (l.incident.source_id.as_str(), l.incident.best)).collect();
    assert_eq!(best, [("1", 1), ("2", 1), ("3", 1)], "the first row of an id is kept");
});

both_backends!(rejects_name_the_files_own_lines_on_a_crlf_file, |db| {
    // line 1 header; line 2 good; lines 3-4 one record with a quoted newline; line 5 bad
    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high,note\r\n\
               1,1,2020-01-01,2020-01-01,12.65,-8.0,1,1,1,a\r\n\
               2,1,2020-01-01,2020-01-01,12.65,-8.0,1,1,1,\"two\r\nlines\"\r\n\
               3,1,2020-01-01,2020-01-01,95.0,-8.0,1,1,1,b\r\n";
    let err = import_text(&db.store, csv, "crlf.csv").await.unwrap_err().to_string();
    assert!(err.starts_with("crlf.csv:5: column `latitude`"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.csv");
    let w: Box<dyn std::io::Write + Send> = Box::new(std::fs::File::create(&path).unwrap());
    let opts = ImportOptions { rejects: Some(csv::WriterBuilder::new().flexible(true).from_writer(w)) };
    let r = IncidentReader::from_reader(Cursor::new(csv), "crlf.csv").unwrap();
    let rep = db.store.import_incidents(r, opts, &|_| {}).await.unwrap();
    assert_eq!((rep.added, rep.rejected), (2, 1));
    let rejects = std::fs::read_to_string(&path).unwrap();
    assert!(rejects.lines().nth(1).unwrap().starts_with("5,latitude,"), "{rejects}");
});

both_backends!(bad_row_fails_whole_import_and_changes_nothing, |db| {
    import_file(&db.store, SYNTHETIC).await;
    let before = all(&db.store).await;
    let text = std::fs::read_to_string(repo(GED_SAMPLE)).unwrap();
    // a bad date on a record far past the first batch of the file
    let bad = text.replacen("2020-08-22 00:00:00.000", "2020-08-32 00:00:00.000", 1);
    assert_ne!(bad, text);
    let err = import_text(&db.store, &bad, "bad.csv").await.unwrap_err().to_string();
    assert!(err.contains("bad.csv:") && err.contains("column `date_start`"), "{err}");
    assert_eq!(all(&db.store).await, before, "database unchanged");
});

both_backends!(skip_invalid_writes_rejects_with_reasons, |db| {
    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high\n\
               1,1,2020-01-01,2020-01-01,12.65,-8.0,1,1,1\n\
               2,4,2020-01-01,2020-01-01,12.65,-8.0,1,1,1\n\
               3,1,2020-01-01,2020-01-01,12.65,-8.0,2,1,3\n\
               4,1,2020-01-01,2020-01-01,12.65,-8.0\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.csv");
    let file = std::fs::File::create(&path).unwrap();
    let w: Box<dyn std::io::Write + Send> = Box::new(file);
    let opts = ImportOptions { rejects: Some(csv::WriterBuilder::new().flexible(true).from_writer(w)) };
    let r = IncidentReader::from_reader(Cursor::new(csv), "in.csv").unwrap();
    let rep = db.store.import_incidents(r, opts, &|_| {}).await.unwrap();
    assert_eq!((rep.added, rep.rejected), (2, 2));
    let rejects = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "line,column,reason,id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high");
    assert_eq!(lines[1], "3,type_of_violence,\"must be 1, 2 or 3\",2,4,2020-01-01,2020-01-01,12.65,-8.0,1,1,1");
    assert!(lines[2].starts_with("5,,\"the record has 6 fields, the header has 9\",4,1,"), "{}", lines[2]);
    let ids: Vec<String> = all(&db.store).await.into_iter().map(|l| l.incident.source_id).collect();
    assert_eq!(ids, ["1", "3"]);
});

both_backends!(admin_assignment_on_real_ocha_polygons, |db| {
    // incidents first, boundaries after: loading boundaries re-assigns
    import_file(&db.store, GED_SAMPLE).await;
    load_mali_boundaries(&db.store).await;
    let stored = all(&db.store).await;
    let e = stored.iter().find(|l| l.incident.source_id == "352268").unwrap();
    assert_eq!(e.incident.adm_2.as_deref(), Some("Ansongo cercle"), "UCDP's label kept");
    let names: std::collections::HashMap<String, String> = db.store.area_names(2).await.unwrap().into_iter().collect();
    assert_eq!(names[e.placement.admin2.as_deref().unwrap()], "Gao", "the polygon decides");
    assert_eq!(e.placement.admin2.as_deref(), Some("ML0701"));
    assert_eq!(e.placement.admin1.as_deref(), Some("ML07"));
    assert_eq!(e.placement.gid, Some(152280));
    // events outside Mali get no admin code, never a guessed one
    let alg = stored.iter().find(|l| l.incident.source_id == "1648").unwrap();
    assert_eq!((alg.placement.admin1.as_deref(), alg.placement.admin2.as_deref()), (None, None));
    // gid equals GED's own on every real row
    for l in &stored {
        assert_eq!(l.placement.gid, l.incident.source_gid, "event {}", l.incident.source_id);
    }
});

both_backends!(coarse_events_are_not_assigned_to_finer_levels, |db| {
    load_mali_boundaries(&db.store).await;
    let rep = import_file(&db.store, SYNTHETIC).await;
    assert_eq!(rep.outside_admin2, 0, "synthetic points all lie in Mali: {:?}", rep.outside_examples);
    for l in all(&db.store).await {
        let p = l.incident.where_prec.unwrap();
        assert_eq!(l.placement.admin2.is_some(), p < 4, "event {} where_prec {p}", l.incident.source_id);
        assert_eq!(l.placement.admin1.is_some(), p < 6, "event {} where_prec {p}", l.incident.source_id);
    }
    // names the synthetic generator wrote agree with the polygon that holds the point
    let names: std::collections::HashMap<String, String> = db.store.area_names(2).await.unwrap().into_iter().collect();
    for l in all(&db.store).await {
        if let (Some(code), Some(label)) = (&l.placement.admin2, &l.incident.adm_2) {
            let name = &names[code];
            // (the stored names are as written in Mali, with their accents: Abeïbara, Diré)
            let plain = |s: &str| {
                s.to_lowercase().replace(['é', 'è'], "e").replace('ï', "i").replace(" cercle", "").replace(" district", "")
            };
            assert_eq!(plain(name), plain(label), "event {}", l.incident.source_id);
        }
    }
});

both_backends!(export_then_import_is_the_identity, |db| {
    import_file(&db.store, GED_SAMPLE).await;
    let first = all(&db.store).await;
    let mut w = GedWriter::new(Vec::new()).unwrap();
    for l in &first {
        w.write(l).unwrap();
    }
    let bytes = String::from_utf8(w.finish().unwrap()).unwrap();
    let other = common::sqlite().await;
    let rep = import_text(&other.store, &bytes, "export.csv").await.unwrap();
    assert_eq!(rep.added, 1000);
    assert_eq!(all(&other.store).await, first);
    // and into the same store: every row unchanged
    let rep = import_text(&db.store, &bytes, "export.csv").await.unwrap();
    assert_eq!(rep.unchanged, 1000);
});

both_backends!(acled_rows_import_with_their_own_ids, |db| {
    let p = "crates/ingest/tests/fixtures/acled_hdx_handwritten.csv";
    let rep = import_file(&db.store, p).await;
    assert_eq!(rep.added, 3);
    let again = import_file(&db.store, p).await;
    assert_eq!(again.unchanged, 3);
    let stored = all(&db.store).await;
    assert_eq!(stored[0].incident.source_id, "MLI9001");
    assert_eq!(stored[0].incident.extra("notes"), Some("Hand-written row for tests; not ACLED data."));
});

both_backends!(stats_by_year_type_and_area, |db| {
    load_mali_boundaries(&db.store).await;
    import_file(&db.store, SYNTHETIC).await;
    let f = IncidentFilter::default();
    let years = db.store.stats(StatKey::Year, &f).await.unwrap();
    assert_eq!(years.len(), 11);
    assert_eq!(years.iter().map(|r| r.incidents).sum::<i64>(), 2649);
    // totals equal a direct sum over the file
    let text = std::fs::read_to_string(repo(SYNTHETIC)).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let (bi, ci, yi) = (
        h.iter().position(|c| c == "best").unwrap(),
        h.iter().position(|c| c == "deaths_civilians").unwrap(),
        h.iter().position(|c| c == "year").unwrap(),
    );
    let (mut best2020, mut civ2020) = (0i64, 0i64);
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[yi] == "2020" {
            best2020 += r[bi].parse::<i64>().unwrap();
            civ2020 += r[ci].parse::<i64>().unwrap();
        }
    }
    let y2020 = years.iter().find(|r| r.key == "2020").unwrap();
    assert_eq!((y2020.best, y2020.civilian_deaths), (best2020, Some(civ2020)));
    // filters: type 3 in 2020, by admin1
    let f = IncidentFilter {
        from: "2020-01-01".parse().ok(),
        to: "2020-12-31".parse().ok(),
        type_of_violence: Some(vigil_model::ViolenceType::OneSided),
        ..Default::default()
    };
    let by_a1 = db.store.stats(StatKey::Admin1, &f).await.unwrap();
    let n = db.store.count_incidents(&f).await.unwrap();
    assert_eq!(by_a1.iter().map(|r| r.incidents).sum::<i64>(), n);
    assert!(by_a1.iter().any(|r| r.key == "ML05"), "Mopti has one-sided violence in 2020: {by_a1:?}");
    let months = db.store.stats(StatKey::Month, &f).await.unwrap();
    assert!(months.iter().all(|r| r.key.starts_with("2020-")));
});

/// The import writes through a connection of its own; an in-memory store (shared
/// between the pool's connections) must still hold the rows afterwards.
#[tokio::test]
async fn in_memory_sqlite_store_keeps_what_was_imported() {
    let store = Store::connect("sqlite://:memory:").await.unwrap();
    let first = import_file(&store, GED_SAMPLE).await;
    assert_eq!(first.added, 1000);
    assert_eq!(all(&store).await.len(), 1000);
    let again = import_file(&store, GED_SAMPLE).await;
    assert_eq!((again.added, again.unchanged), (0, 1000));
}

#[tokio::test]
async fn store_url_errors_say_what_is_accepted() {
    let e = Store::connect("mysql://x").await.unwrap_err().to_string();
    assert!(e.contains("sqlite://PATH") && e.contains("postgres://"), "{e}");
}

#[allow(dead_code)]
fn _uses(_: TestDb) {}
