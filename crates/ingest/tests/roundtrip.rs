//! Exports: GED CSV round trip, GeoJSON structure, HXL layout.

use std::io::Cursor;
use std::path::Path;
use vigil_ingest::{write_geojson, GedWriter, HxlWriter, IncidentReader, Located};
use vigil_model::{Incident, Placement};

fn read(path: &Path) -> Vec<Incident> {
    let mut r = IncidentReader::open(path).unwrap();
    std::iter::from_fn(|| r.next()).map(|x| x.unwrap()).collect()
}

fn located(all: &[Incident]) -> Vec<Located> {
    all.iter()
        .map(|i| Located {
            incident: i.clone(),
            placement: Placement { gid: i.point().and_then(|(x, y)| vigil_geo::gid(x, y)), ..Default::default() },
        })
        .collect()
}

#[test]
fn ged_export_then_import_is_the_identity() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for f in ["testdata/ged231_global_sample1000_uncertainUCDP.csv", "data/synthetic/ged_mali_synthetic_2012_2022.csv"] {
        let first = read(&dir.join(f));
        let mut w = GedWriter::new(Vec::new()).unwrap();
        for l in located(&first) {
            w.write(&l).unwrap();
        }
        let bytes = w.finish().unwrap();
        let mut r = IncidentReader::from_reader(Cursor::new(bytes), "export.csv").unwrap();
        let again: Vec<Incident> = std::iter::from_fn(|| r.next()).map(|x| x.unwrap()).collect();
        assert_eq!(first.len(), again.len());
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a, b, "{f}: event {}", a.source_id);
        }
    }
}

#[test]
fn geojson_is_a_feature_collection_of_points() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let all = read(&dir.join("ged231_global_sample1000_uncertainUCDP.csv"));
    let out = write_geojson::<_, std::io::Error>(Vec::new(), located(&all[..5]).into_iter().map(Ok)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let f = &v["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["type"], "Point");
    // RFC 7946: longitude first
    assert_eq!(f["geometry"]["coordinates"][0].as_f64(), all[0].longitude);
    assert_eq!(f["properties"]["source_id"], all[0].source_id.as_str());
    assert_eq!(v["features"].as_array().unwrap().len(), 5);
}

#[test]
fn hxl_export_has_hashtag_row() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let all = read(&dir.join("ged231_global_sample1000_uncertainUCDP.csv"));
    let mut w = HxlWriter::new(Vec::new()).unwrap();
    for l in located(&all[..3]) {
        w.write(&l).unwrap();
    }
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[1].split(',').all(|t| t.starts_with('#')), "{}", lines[1]);
    assert!(lines[2].starts_with("ged,1648,1998-04-11,"), "{}", lines[2]);
}

/// Cells a spreadsheet would run as formulas are written with a leading `'`
/// (OWASP), numbers such as a negative longitude are not, and the import reads the
/// export back to the same values.
#[test]
fn formula_cells_are_neutralised_and_read_back_unchanged() {
    // two rows in the full 49-column layout (what the export writes), with hostile text
    let rows: [&[(&str, &str)]; 2] = [
        &[
            ("id", "1"), ("latitude", "12.5"), ("longitude", "-3.5"),
            ("where_coordinates", "=HYPERLINK(\"http://x.example\",\"Gao\")"), ("side_a", "+cmd"),
            ("where_description", "@SUM(A1)"), ("source_headline", "-2+3+cmd|' /C calc'!A0"),
        ],
        &[
            ("id", "2"), ("latitude", "-12.5"), ("longitude", "-8.25"), ("where_coordinates", "'=already quoted"),
            ("side_a", "'Ayn Issa"), ("where_description", "-7"), ("source_headline", "\tTab"),
        ],
    ];
    let mut input = csv::Writer::from_writer(Vec::new());
    input.write_record(vigil_ingest::GED_COLUMNS).unwrap();
    for row in rows {
        input
            .write_record(vigil_ingest::GED_COLUMNS.iter().map(|c| {
                let given = row.iter().find(|(k, _)| k == c).map(|(_, v)| *v);
                given.unwrap_or(match *c {
                    "type_of_violence" | "best" | "low" | "high" => "1",
                    "date_start" | "date_end" => "2020-01-01",
                    "year" => "2020",
                    _ => "",
                })
            }))
            .unwrap();
    }
    let csv = input.into_inner().unwrap();
    let first: Vec<Incident> = {
        let mut r = IncidentReader::from_reader(Cursor::new(csv), "hostile.csv").unwrap();
        std::iter::from_fn(|| r.next()).map(|x| x.unwrap()).collect()
    };
    assert_eq!(first[0].place.as_deref(), Some("=HYPERLINK(\"http://x.example\",\"Gao\")"));
    assert_eq!(first[1].place.as_deref(), Some("=already quoted"), "a neutralised cell is read as its value");
    let mut w = GedWriter::new(Vec::new()).unwrap();
    for l in located(&first) {
        w.write(&l).unwrap();
    }
    let bytes = w.finish().unwrap();
    let mut out = csv::Reader::from_reader(&bytes[..]);
    let head = out.headers().unwrap().clone();
    let recs: Vec<csv::StringRecord> = out.records().map(|r| r.unwrap()).collect();
    let cell = |row: usize, col: &str| recs[row].get(head.iter().position(|h| h == col).unwrap()).unwrap().to_string();
    assert_eq!(cell(0, "where_coordinates"), "'=HYPERLINK(\"http://x.example\",\"Gao\")");
    assert_eq!(cell(0, "side_a"), "'+cmd");
    assert_eq!(cell(0, "where_description"), "'@SUM(A1)");
    assert_eq!(cell(0, "source_headline"), "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(cell(0, "longitude"), "-3.5", "a negative number is data");
    assert_eq!(cell(1, "latitude"), "-12.5");
    assert_eq!(cell(1, "where_description"), "-7", "a number in a text column too");
    assert_eq!(cell(1, "source_headline"), "'\tTab");
    assert_eq!(cell(1, "where_coordinates"), "'=already quoted");
    assert_eq!(cell(1, "side_a"), "'Ayn Issa", "ordinary text after a ' is left alone");
    for r in &recs {
        for c in r.iter() {
            assert!(!matches!(c.as_bytes().first(), Some(b'=' | b'+' | b'@' | b'\t' | b'\r')), "{c:?}");
            assert!(!c.starts_with('-') || c.parse::<f64>().is_ok(), "{c:?}");
        }
    }
    let mut r = IncidentReader::from_reader(Cursor::new(bytes), "export.csv").unwrap();
    let mut again: Vec<Incident> = std::iter::from_fn(|| r.next()).map(|x| x.unwrap()).collect();
    // the export adds the PRIO-GRID cell the hand-written input lacked; the rest comes back as it went out
    for (a, f) in again.iter_mut().zip(&first) {
        assert!(a.source_gid.is_some(), "the export carries the PRIO-GRID cell");
        a.source_gid = f.source_gid;
    }
    assert_eq!(again, first, "export then import is the identity");
}

/// The same in the HXL export.
#[test]
fn hxl_export_neutralises_formula_cells() {
    let csv = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high,where_coordinates\n\
               1,1,2020-01-01,2020-01-01,12.5,-3.5,1,1,1,=cmd|' /C calc'!A0\n";
    let mut r = IncidentReader::from_reader(Cursor::new(csv), "h.csv").unwrap();
    let all: Vec<Incident> = std::iter::from_fn(|| r.next()).map(|x| x.unwrap()).collect();
    let mut w = HxlWriter::new(Vec::new()).unwrap();
    w.write(&located(&all)[0]).unwrap();
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    let row = text.lines().nth(2).unwrap();
    assert!(row.contains(",'=cmd|' /C calc'!A0,") && row.contains(",-3.5,"), "{row}");
}
