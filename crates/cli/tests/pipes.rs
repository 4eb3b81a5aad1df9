//! `vigil … | head`: a command whose standard output is closed exits 0, prints no
//! error and no panic, and what it had committed stays committed (issue 21).
//!
//! Each command runs with its stdout on a pipe whose read end is closed before the
//! command starts, so every write to it fails (deterministically, unlike `| head -1`,
//! where the reader may still be there when the command writes).

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;

use common::{ok, repo};

/// Run `vigil` with its stdout a pipe nobody reads.
fn closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIGIL_DB")
        .env_remove("VIGIL_ADDR")
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .expect("run vigil")
}

fn assert_quiet(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(0), "{what} on a closed pipe: {:?}, stderr: {}", o.status, String::from_utf8_lossy(&o.stderr));
    assert!(o.stderr.is_empty(), "{what} on a closed pipe printed: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn every_command_is_quiet_on_a_closed_pipe_and_keeps_what_it_committed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cercles = repo("data/boundaries/mli_adm2_cercles_ocha_cod.geojson");
    let synthetic = repo("data/synthetic/ged_mali_synthetic_2012_2022.csv");

    let o = closed_stdout(d, &["boundaries", "import", cercles.to_str().unwrap(), "--level", "2"]);
    assert_quiet(&o, "boundaries import");
    let o = closed_stdout(d, &["import", synthetic.to_str().unwrap()]);
    assert_quiet(&o, "import");

    // both were committed: the import's rows are stored and placed in the cercles
    let again = ok(d, &["import", synthetic.to_str().unwrap()]);
    let rows = std::fs::read_to_string(&synthetic).unwrap().lines().count() - 1;
    assert!(again.contains(&format!("0 added, 0 updated, {rows} unchanged")), "{again}");
    let by_cercle = ok(d, &["stats", "--by", "admin2", "--format", "csv"]);
    assert!(by_cercle.lines().any(|l| l.starts_with("ML07") && l.contains(",Gao,")), "cercles stored and incidents placed: {by_cercle}");

    // larger outputs than a pipe holds, and the small ones
    assert_quiet(&closed_stdout(d, &["incidents", "--format", "csv"]), "incidents --format csv");
    assert_quiet(&closed_stdout(d, &["incidents", "--format", "geojson"]), "incidents --format geojson");
    assert_quiet(&closed_stdout(d, &["stats", "--by", "month", "--format", "csv"]), "stats --format csv");
    assert_quiet(&closed_stdout(d, &["stats", "--by", "year", "--format", "table"]), "stats --format table");
    assert_quiet(&closed_stdout(d, &["rules", "default"]), "rules default");
}

#[test]
fn a_real_head_sees_the_first_line_and_vigil_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["import", repo("data/synthetic/ged_mali_synthetic_2012_2022.csv").to_str().unwrap()]);
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; '{}' incidents --format csv | head -1", env!("CARGO_BIN_EXE_vigil")))
        .current_dir(dir.path())
        .env_remove("VIGIL_DB")
        .output()
        .unwrap();
    assert!(o.status.success(), "pipeline status {:?}: {}", o.status, String::from_utf8_lossy(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    let first = String::from_utf8(o.stdout).unwrap();
    assert!(first.starts_with("id,") && first.lines().count() == 1, "{first}");
}
