//! `vigil rules backtest` on the bundled SYNTHETIC demo data: every rule kind that
//! incidents can drive is scored, the forecast rule included (with forecasts computed
//! month by month, or read from a file).

mod common;

use common::{ok, repo};

/// The columns of the backtest table's line for a rule.
fn line<'a>(out: &'a str, rule: &str) -> Vec<&'a str> {
    let l = out.lines().find(|l| l.starts_with(rule)).unwrap_or_else(|| panic!("no line for {rule}:\n{out}"));
    l.split_whitespace().collect()
}

#[test]
fn rules_backtest_scores_every_rule_on_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (file, level) in [
        ("mli_adm0_ocha_cod_dissolved.geojson", "0"),
        ("mli_adm1_regions_ocha_cod_dissolved.geojson", "1"),
        ("mli_adm2_cercles_ocha_cod.geojson", "2"),
    ] {
        let path = repo(&format!("data/boundaries/{file}"));
        ok(d, &["boundaries", "import", path.to_str().unwrap(), "--level", level]);
    }
    ok(d, &["import", repo("data/synthetic/ged_mali_synthetic_2012_2022.csv").to_str().unwrap()]);

    let out = ok(d, &["rules", "backtest", "--from", "2022-10-03", "--to", "2022-12-31"]);
    assert!(out.contains("2022-10-03 to 2022-12-31 (90 days), built-in default rules"), "{out}");
    for rule in ["civilians-cluster", "violence-cluster", "cercle-fatality-spike"] {
        let cols = line(&out, rule);
        assert!(cols.len() >= 7, "{rule}: {cols:?}");
    }
    // the forecast rule is scored from forecasts made here, not skipped
    let fc = line(&out, "forecast-high-risk-cell");
    assert_eq!(fc[1], "forecast_threshold");
    assert_ne!(fc[2], "not", "{out}");
    let alerts: usize = fc[3].parse().unwrap_or_else(|_| panic!("{out}"));
    assert!(alerts > 0, "{out}");
    // report rules need reports, which an incident history does not have
    assert!(line(&out, "report-reliable-threat").join(" ").contains("not evaluated"), "{out}");

    // with a forecast file, exactly what it says: one hot cell in November, none after
    let csv = d.join("forecast.csv");
    std::fs::write(&csv, "gid,month,p_any\n151571,2022-11,0.9\n151572,2022-12,0.1\n").unwrap();
    let out = ok(d, &["rules", "backtest", "--from", "2022-10-03", "--to", "2022-12-31", "--forecasts", csv.to_str().unwrap()]);
    let fc = line(&out, "forecast-high-risk-cell");
    assert_eq!(fc[3], "1", "one cell over the threshold in one month, one alert:\n{out}");
}
