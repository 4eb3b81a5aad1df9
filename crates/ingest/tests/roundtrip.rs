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
