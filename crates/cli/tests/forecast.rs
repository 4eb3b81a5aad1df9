//! `vigil forecast` on the bundled SYNTHETIC demo data: the guarded forecast says which
//! model each row comes from, is written in the VIEWS layout and kept in the database.

mod common;

use common::{ok, repo, vigil};

#[test]
fn forecast_is_guarded_exported_in_the_views_layout_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (file, level) in [
        ("mli_adm0_ocha_cod_dissolved.geojson", "0"),
        ("mli_adm1_regions_ocha_cod_dissolved.geojson", "1"),
    ] {
        let path = repo(&format!("data/boundaries/{file}"));
        ok(d, &["boundaries", "import", path.to_str().unwrap(), "--level", level]);
    }
    ok(d, &["import", repo("data/synthetic/ged_mali_synthetic_2012_2022.csv").to_str().unwrap()]);
    let (f, v) = (d.join("f.csv"), d.join("v.csv"));
    let out = vigil(
        d,
        &["forecast", "--origin", "2019-06", "--horizons", "1,12", "--out", f.to_str().unwrap(), "--views", v.to_str().unwrap(), "--store"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("stored as forecast run 1"), "{err}");
    // one guard line per horizon, naming what was published
    for h in [" 1:", "12:"] {
        let l = err.lines().find(|l| l.starts_with(&format!("horizon {h}"))).unwrap_or_else(|| panic!("{err}"));
        assert!(l.contains("ensemble CRPS skill") && l.contains("published "), "{l}");
    }
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",q95,model_used,fallback_reason"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 498 * 2);
    for r in &rows {
        let cols: Vec<&str> = r.split(',').collect();
        let (used, why) = (cols[12], cols[13]);
        // the ensemble as asked, or a benchmark with the reason
        assert!(used == "ensemble" && why.is_empty() || used != "ensemble" && why.contains("publishing"), "{r}");
    }
    let views = std::fs::read_to_string(&v).unwrap();
    let mut vl = views.lines();
    assert_eq!(vl.next(), Some("month_id,priogrid_id,outcome_n"));
    let vrows: Vec<&str> = vl.collect();
    assert_eq!(vrows.len(), 498 * 2);
    // 2019-07 is VIEWS month 475, 2020-06 is 486
    assert!(vrows.iter().all(|r| r.starts_with("475,") || r.starts_with("486,")), "{views:.200}");
}
