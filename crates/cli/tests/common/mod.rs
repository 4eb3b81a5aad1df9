//! Running the `vigil` binary from the tests: in a folder of the test's, with no
//! database or address taken from the environment of whoever runs the tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A path in the repository (fixtures, the bundled data).
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p)
}

pub fn vigil(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIGIL_DB")
        .env_remove("VIGIL_ADDR")
        .output()
        .expect("run vigil")
}

/// Run `vigil` and return its stdout; fail the test with its stderr if it fails.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = vigil(dir, args);
    assert!(o.status.success(), "vigil {args:?} failed:\n{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}
