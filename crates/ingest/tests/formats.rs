//! Reading each supported layout, and the errors for what is not one.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use vigil_ingest::{Format, IncidentReader, ReadError};
use vigil_model::{Source, ViolenceType};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(name)
}
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn read_all<R: std::io::Read>(mut r: IncidentReader<R>) -> Vec<vigil_model::Incident> {
    let mut out = vec![];
    while let Some(i) = r.next() {
        out.push(i.unwrap());
    }
    out
}

#[test]
fn ged_191_hdx_layout_with_hxl_row() {
    let r = IncidentReader::open(&testdata("ged191_hdx_format_BGD_fixture.csv")).unwrap();
    assert_eq!(r.format(), Format::Ged { columns: 45, hxl_row: true });
    let all = read_all(r);
    assert_eq!(all.len(), 601, "the HXL row is not an incident");
    let first = &all[0];
    assert_eq!(first.source, Source::Ged);
    assert_eq!(first.source_id, "71663");
    assert_eq!(first.type_of_violence, Some(ViolenceType::NonState));
    assert_eq!(first.date_start.to_string(), "2013-12-13");
    assert_eq!(first.adm_2.as_deref(), Some("Pirojpur District"));
    assert_eq!((first.best, first.low, first.high), (1, 1, 1));
    assert_eq!(first.extra("iso3"), Some("BGD"));
    assert_eq!(first.extra("start_year"), Some("2013"));
}

#[test]
fn ged_49_column_layout_as_written_by_r() {
    let r = IncidentReader::open(&testdata("ged231_global_sample1000_uncertainUCDP.csv")).unwrap();
    assert_eq!(r.format(), Format::Ged { columns: 49, hxl_row: false });
    let all = read_all(r);
    assert_eq!(all.len(), 1000);
    let e = all.iter().find(|i| i.source_id == "352268").unwrap();
    // dates written "2020-08-22 00:00:00.000" by R read as plain dates
    assert_eq!(e.date_start.to_string(), "2020-08-22");
    assert_eq!(e.date_end.to_string(), "2020-08-23");
    assert_eq!(e.adm_2.as_deref(), Some("Ansongo cercle"), "UCDP's label is kept as given");
    assert_eq!(e.extra("relid"), Some("AFG-2020-2-16207-29"));
    // rows breaking low <= best <= high are accepted and flagged
    let flagged: Vec<_> = all.iter().filter(|i| i.bounds_inconsistent()).map(|i| i.source_id.as_str()).collect();
    assert!(flagged.contains(&"162326"), "{flagged:?}");
}

#[test]
fn our_gid_equals_ged_priogrid_gid_on_every_real_row() {
    for file in ["ged231_global_sample1000_uncertainUCDP.csv", "ged191_hdx_format_BGD_fixture.csv"] {
        let all = read_all(IncidentReader::open(&testdata(file)).unwrap());
        for i in &all {
            let (lon, lat) = i.point().unwrap();
            assert_eq!(vigil_geo::gid(lon, lat), i.source_gid, "{file} event {}", i.source_id);
        }
    }
}

#[test]
fn acled_hdx_export_with_hxl_row() {
    let r = IncidentReader::open(&fixture("acled_hdx_handwritten.csv")).unwrap();
    assert_eq!(r.format(), Format::Acled { hxl_row: true });
    let all = read_all(r);
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].source, Source::Acled);
    assert_eq!(all[0].source_id, "MLI9001");
    assert_eq!(all[0].type_of_violence, Some(ViolenceType::OneSided));
    assert_eq!(all[0].best, 4);
    assert_eq!(all[0].deaths_civilians, None, "ACLED has no civilian split");
    assert_eq!(all[1].type_of_violence, Some(ViolenceType::StateBased), "state force is a side");
    assert_eq!(all[1].where_prec, Some(4), "geo_precision 3 is too coarse for admin 2");
    assert_eq!(all[2].type_of_violence, None, "a protest is not organised violence");
    assert_eq!(all[2].extra("data_id"), Some("1003"));
}

#[test]
fn acled_api_export() {
    let r = IncidentReader::open(&fixture("acled_api_handwritten.csv")).unwrap();
    assert_eq!(r.format(), Format::Acled { hxl_row: false });
    let all = read_all(r);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].type_of_violence, Some(ViolenceType::NonState));
    assert_eq!(all[0].event_type.as_deref(), Some("Explosions/Remote violence"));
}

#[test]
fn unknown_header_names_expected_columns() {
    let err = IncidentReader::from_reader(Cursor::new("a,b,c\n1,2,3\n"), "odd.csv").err().unwrap();
    let msg = err.to_string();
    assert!(matches!(err, ReadError::UnknownHeader { .. }));
    assert!(msg.contains("odd.csv") && msg.contains("type_of_violence") && msg.contains("event_id_cnty"), "{msg}");
    assert!(msg.contains("found: a, b, c"), "{msg}");
}

#[test]
fn bad_rows_name_file_line_and_column() {
    let text = std::fs::read_to_string(testdata("ged231_global_sample1000_uncertainUCDP.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().take(3).collect(); // header + 2 single-line records
    let bad = lines[2].replacen(",1,Clear,1,", ",1,Clear,9,", 1);
    lines[2] = &bad;
    let csv = lines.join("\n");
    let mut r = IncidentReader::from_reader(Cursor::new(csv), "bad.csv").unwrap();
    assert!(r.next().unwrap().is_ok());
    let err = r.next().unwrap().unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("bad.csv:3: column `type_of_violence`: must be 1, 2 or 3"), "{msg}");

    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high\n\
               1,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1\n\
               2,1,2020-13-01,2020-01-01,12.0,-8.0,1,1,1\n\
               3,1,2020-01-01,2020-01-01,95.0,-8.0,1,1,1\n\
               4,1,2020-01-01,2020-01-01,12.0,-8.0,-2,1,1\n\
               5,1,2020-01-01,2020-01-01,12.0\n";
    let mut r = IncidentReader::from_reader(Cursor::new(csv), "t.csv").unwrap();
    assert!(r.next().unwrap().is_ok());
    let errs: Vec<String> = std::iter::from_fn(|| r.next()).map(|x| x.unwrap_err().to_string()).collect();
    assert!(errs[0].contains("t.csv:3: column `date_start`"), "{}", errs[0]);
    assert!(errs[1].contains("t.csv:4: column `latitude`: out of range"), "{}", errs[1]);
    assert!(errs[2].contains("t.csv:5: column `best`: a death count cannot be negative"), "{}", errs[2]);
    assert!(errs[3].contains("t.csv:6: malformed CSV: the record has 5 fields, the header has 9"), "{}", errs[3]);
}

#[test]
fn short_dates_are_read_and_junk_after_a_date_is_an_error() {
    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high\n\
               1,1,2020-1-5,2020-1-05,12.0,-8.0,1,1,1\n\
               2,1,2020-01-05 10:30,2020-01-05T11:00,12.0,-8.0,1,1,1\n\
               3,1,2020-01-05x,2020-01-05,12.0,-8.0,1,1,1\n";
    let mut r = IncidentReader::from_reader(Cursor::new(csv), "d.csv").unwrap();
    for _ in 0..2 {
        let i = r.next().unwrap().unwrap();
        assert_eq!((i.date_start.to_string(), i.date_end.to_string()), ("2020-01-05".into(), "2020-01-05".into()));
    }
    let err = r.next().unwrap().unwrap_err().to_string();
    assert!(err.starts_with("d.csv:4: column `date_start`: expected a date YYYY-MM-DD"), "{err}");
}
