//! The index against the real OCHA Mali cercles and the PRIO-GRID cell table derived
//! from them (both shipped in `data/`).

use vigil_geo::admin::parse_boundaries;
use vigil_geo::{gid, AdminIndex};

fn data(path: &str) -> String {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/").to_string() + path;
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn cercles() -> AdminIndex {
    let areas = parse_boundaries(&data("boundaries/mli_adm2_cercles_ocha_cod.geojson"), 2, "adm2_pcode", "adm2_name")
        .expect("cercles parse");
    assert_eq!(areas.len(), 50);
    AdminIndex::new(areas)
}

#[test]
fn ged_352268_lies_in_gao_not_ansongo() {
    // UCDP labels it "Ansongo cercle", but its point lies in the Gao cercle polygon.
    let idx = cercles();
    let a = idx.locate(-0.4383, 15.5371).expect("inside Mali");
    assert_eq!(a.name, "Gao");
    assert!(a.code.starts_with("ML07"), "{}", a.code);
}

#[test]
fn bamako_and_outside_points() {
    let idx = cercles();
    assert_eq!(idx.locate(-8.0, 12.65).unwrap().name, "Bamako");
    assert!(idx.locate(-1.53388, 12.36566).is_none(), "Ouagadougou is not in Mali");
    assert!(idx.locate(2.11, 13.51).is_none(), "Niamey is not in Mali");
}

#[test]
fn every_cell_centroid_in_mali_finds_a_cercle() {
    // Every PRIO-GRID cell whose centroid is in Mali: the index must find an area; the
    // gid formula must give back the cell.
    let idx = cercles();
    let text = data("priogrid/priogrid_cells_mali.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut inside = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let g: i64 = rec[0].parse().unwrap();
        let x: f64 = rec[3].parse().unwrap();
        let y: f64 = rec[4].parse().unwrap();
        assert_eq!(gid(x, y), Some(g));
        if &rec[8] == "1" {
            let a = idx.locate(x, y);
            assert!(a.is_some(), "centroid of {g} should be in a cercle");
            inside += 1;
        }
    }
    assert!(inside > 400, "{inside}");
}
