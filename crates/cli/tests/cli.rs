//! The `vigil` binary end to end: import, export, errors, crash safety, help text.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{ok, repo, vigil};

/// A tool the test needs: its path, or `None` (skip) outside CI. In CI a missing
/// tool is a failure: .ci/run installs it.
fn tool(name: &str) -> Option<&'static str> {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().unwrap();
    if found.status.success() {
        return Some(Box::leak(String::from_utf8(found.stdout).unwrap().trim().to_string().into_boxed_str()));
    }
    if std::env::var("CI").is_ok() {
        panic!("{name} is not installed; .ci/run installs it");
    }
    eprintln!("note: {name} not installed, test skipped");
    None
}

fn load_demo(dir: &Path) {
    ok(dir, &["boundaries", "import", repo("data/boundaries/mli_adm2_cercles_ocha_cod.geojson").to_str().unwrap(), "--level", "2"]);
    ok(dir, &["boundaries", "import", repo("data/boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson").to_str().unwrap(), "--level", "1"]);
    ok(dir, &["import", repo("data/synthetic/ged_mali_synthetic_2012_2022.csv").to_str().unwrap()]);
}

#[test]
fn import_reports_counts_and_is_quiet_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let o = vigil(dir.path(), &["import", repo("testdata/ged191_hdx_format_BGD_fixture.csv").to_str().unwrap()]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("UCDP GED (45 columns, HXL row): 601 added, 0 updated, 0 unchanged, 0 rejected"), "{out}");
    assert!(o.stderr.is_empty(), "no progress bar on a pipe: {:?}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("vigil.db").exists(), "default database is vigil.db in the working directory");
    let again = ok(dir.path(), &["import", repo("testdata/ged191_hdx_format_BGD_fixture.csv").to_str().unwrap()]);
    assert!(again.contains("0 added, 0 updated, 601 unchanged"), "{again}");
}

#[test]
fn a_bad_row_is_an_error_naming_file_line_and_column_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("data/synthetic/ged_mali_synthetic_2012_2022.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().take(2000).map(str::to_string).collect();
    // a negative best estimate on line 1501
    let fields: Vec<&str> = lines[1500].split(',').collect();
    let n = fields.len();
    let mut f: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
    f[n - 5] = "-3".into(); // best
    lines[1500] = f.join(",");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let o = vigil(dir.path(), &["import", path.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.csv:1501: column `best`: a death count cannot be negative"), "{err}");
    assert!(err.contains("nothing was stored"), "{err}");
    let stats = ok(dir.path(), &["stats", "--by", "year", "--format", "csv"]);
    assert_eq!(stats.trim(), "year,incidents,best,low,high,civilian_deaths");
    // with --skip-invalid the good rows go in and the bad one is in the rejects file
    let out = ok(dir.path(), &["import", path.to_str().unwrap(), "--skip-invalid", "rejects.csv"]);
    assert!(out.contains("1998 added, 0 updated, 0 unchanged, 1 rejected"), "{out}");
    let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).unwrap();
    assert!(rejects.lines().nth(1).unwrap().starts_with("1501,best,a death count cannot be negative,"), "{rejects}");
}

#[test]
fn unknown_header_says_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), "when,where,what\n2020-01-01,Gao,clash\n").unwrap();
    let o = vigil(dir.path(), &["import", "x.csv"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("x.csv: unknown header") && err.contains("event_id_cnty") && err.contains("found: when, where, what"), "{err}");
}

#[test]
fn kill_9_mid_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    load_demo(dir.path());
    let before = ok(dir.path(), &["stats", "--by", "year", "--format", "csv"]);
    // a large file: the synthetic rows many times over with fresh ids
    let text = std::fs::read_to_string(repo("data/synthetic/ged_mali_synthetic_2012_2022.csv")).unwrap();
    let mut lines = text.lines();
    let mut big = String::from(lines.next().unwrap());
    big.push('\n');
    let rows: Vec<&str> = lines.collect();
    for copy in 1..=120u64 {
        for r in &rows {
            let (id, rest) = r.split_once(',').unwrap();
            let id: u64 = id.parse().unwrap();
            big.push_str(&format!("{},{rest}\n", id + copy * 1_000_000));
        }
    }
    let path = dir.path().join("big.csv");
    std::fs::write(&path, big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["import", path.to_str().unwrap()])
        .current_dir(dir.path())
        .env_remove("VIGIL_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import has written a good part of its transaction into the
    // database file, then kill -9. The import runs under a rollback journal: once the
    // page cache spills, new pages go straight into vigil.db (past its old end) and
    // the original content of changed pages into vigil.db-journal. (Were it in WAL
    // mode, vigil.db would not grow and this would fail with "finished before it
    // could be killed".)
    let size = |name: &str| std::fs::metadata(dir.path().join(name)).map(|m| m.len()).unwrap_or(0);
    let db_before = size("vigil.db");
    let t0 = std::time::Instant::now();
    loop {
        if size("vigil.db").saturating_sub(db_before) > 8 << 20 {
            assert!(size("vigil.db-journal") > 0, "the import writes into the database file under a rollback journal");
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "import finished before it could be killed; make the file bigger");
        assert!(t0.elapsed().as_secs() < 120, "import wrote nothing for two minutes");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after = ok(dir.path(), &["stats", "--by", "year", "--format", "csv"]);
    assert_eq!(before, after, "the killed import left no trace");
    // and the database still takes the whole file afterwards
    let out = ok(dir.path(), &["import", path.to_str().unwrap()]);
    assert!(out.contains(&format!("{} added", 120 * rows.len())), "{out}");
}

#[test]
fn hxl_export_is_accepted_by_libhxl() {
    let Some(hxlvalidate) = tool("hxlvalidate") else { return };
    let dir = tempfile::tempdir().unwrap();
    load_demo(dir.path());
    ok(dir.path(), &["incidents", "--format", "hxl", "--from", "2021-01-01", "--out", "out.csv"]);
    let schema = repo("crates/cli/tests/fixtures/incidents-hxl-schema.csv");
    let run = |file: &str| {
        Command::new(hxlvalidate).arg("-s").arg(&schema).arg(file).current_dir(dir.path()).output().unwrap()
    };
    let o = run("out.csv");
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && report.contains("Validation succeeded"), "{report}\n{}", String::from_utf8_lossy(&o.stderr));
    // the validator does catch a broken file: an impossible date
    let text = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<&str> = lines[2].splitn(4, ',').collect();
    assert!(fields[2].starts_with("2021-"), "date_start is the third column: {}", lines[2]);
    fields[2] = "2021-13-45";
    lines[2] = fields.join(",");
    std::fs::write(dir.path().join("broken.csv"), lines.join("\n")).unwrap();
    assert!(!run("broken.csv").status.success());
}

#[test]
fn csv_and_geojson_exports_follow_filters() {
    let dir = tempfile::tempdir().unwrap();
    load_demo(dir.path());
    let csv = ok(dir.path(), &["incidents", "--format", "csv", "--admin2", "ML0701", "--type", "3"]);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    // the GED layout's 49 columns, then Vigil's fields
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(headers.len(), 49 + 3);
    assert_eq!(&headers.iter().skip(49).collect::<Vec<_>>(), &vigil_ingest::MISSION_COLUMNS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| &r[5] == "3" && &r[28] == "Gao cercle"), "type 3 in the Gao cercle only");
    let gj = ok(dir.path(), &["incidents", "--format", "geojson", "--gid", "147945"]);
    let v: serde_json::Value = serde_json::from_str(&gj).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    for f in v["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["gid"], 147945);
    }
    let stats = ok(dir.path(), &["stats", "--by", "gid", "--gid", "147945", "--format", "csv"]);
    let n: usize = stats.lines().nth(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).unwrap_or(0);
    assert_eq!(n, v["features"].as_array().unwrap().len());
}

#[test]
fn vigil_db_environment_variable_selects_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["import", repo("testdata/ged191_hdx_format_BGD_fixture.csv").to_str().unwrap()])
        .current_dir(dir.path())
        .env("VIGIL_DB", "sqlite://other.db")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(dir.path().join("other.db").exists() && !dir.path().join("vigil.db").exists());
}

#[test]
fn help_text_in_docs_matches_the_binary() {
    // docs/cli/<command>.txt holds `vigil <command> --help`; regenerate with
    // scripts/gen-cli-docs.sh when flags change.
    let docs = repo("docs/cli");
    let mut checked = 0;
    for entry in std::fs::read_dir(&docs).expect("docs/cli exists") {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let mut args: Vec<&str> = if name == "vigil" { vec![] } else { name.split('_').collect() };
        args.push("--help");
        let dir = tempfile::tempdir().unwrap();
        let got = ok(dir.path(), &args);
        let want = std::fs::read_to_string(&path).unwrap();
        assert_eq!(got, want, "{} is out of date: run scripts/gen-cli-docs.sh", path.display());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} help files");
}
