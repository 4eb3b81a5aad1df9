//! Shared loaders for the integration tests: the SYNTHETIC Mali events and the OCHA
//! boundaries shipped in data/.
#![allow(dead_code)]

use std::path::PathBuf;

use vigil_forecast::{io, ForecastEvent, Geography, UnitSet};
use vigil_geo::admin::{parse_boundaries, AdminArea, AdminIndex};

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data").join(path)
}

pub fn boundaries(level: u8) -> Vec<AdminArea> {
    let (file, code, name) = match level {
        0 => ("boundaries/mli_adm0_ocha_cod_dissolved.geojson", "adm0_pcode", "adm0_name"),
        1 => ("boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson", "adm1_pcode", "adm1_name"),
        _ => ("boundaries/mli_adm2_cercles_ocha_cod.geojson", "adm2_pcode", "adm2_name"),
    };
    let text = std::fs::read_to_string(data(file)).unwrap();
    parse_boundaries(&text, level, code, name).unwrap()
}

pub fn geography() -> Geography {
    let outline = boundaries(0).remove(0).geometry;
    Geography { outline: Some(outline), admin1: boundaries(1), capital: vigil_forecast::units::known_capital("Mali") }
}

/// The synthetic events, with admin codes assigned from the polygons as the store does.
pub fn synthetic_events() -> Vec<ForecastEvent> {
    let f = std::fs::File::open(data("synthetic/ged_mali_synthetic_2012_2022.csv")).unwrap();
    let mut ev = io::read_ged_csv(f).unwrap();
    let rdr = csv::Reader::from_path(data("synthetic/ged_mali_synthetic_2012_2022.csv")).unwrap();
    let a1 = AdminIndex::new(boundaries(1));
    let a2 = AdminIndex::new(boundaries(2));
    let mut rdr = rdr;
    let h = rdr.headers().unwrap().clone();
    let (ilat, ilon, iprec) = (
        h.iter().position(|c| c == "latitude").unwrap(),
        h.iter().position(|c| c == "longitude").unwrap(),
        h.iter().position(|c| c == "where_prec").unwrap(),
    );
    for (e, rec) in ev.iter_mut().zip(rdr.records()) {
        let rec = rec.unwrap();
        let lat: f64 = rec[ilat].parse().unwrap();
        let lon: f64 = rec[ilon].parse().unwrap();
        let prec: i64 = rec[iprec].parse().unwrap();
        if prec < 6 {
            e.admin1 = a1.locate(lon, lat).map(|a| a.code.clone());
        }
        if prec < 4 {
            e.admin2 = a2.locate(lon, lat).map(|a| a.code.clone());
        }
    }
    ev
}

pub fn mali_cells() -> UnitSet {
    UnitSet::cells_of_outline(&geography()).unwrap()
}
