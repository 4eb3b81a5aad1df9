//! The XForm Vigil serves to ODK Collect and Enketo, checked with ODK's own tooling
//! from the registries, not only with our reader:
//!
//! * ODK Validate (the JavaRosa validator Collect's engine is built on), shipped in
//!   PyPI `pyxform` (`scripts/requirements-test.txt`) and run with `java`;
//! * npm `enketo-transformer` (the transformation Enketo applies before rendering a
//!   form), run by `scripts/odk/enketo-transform.mjs` in Debian's chromium.
//!
//! Each is also given a broken copy of the form, which it must refuse (so a pass means
//! something). A missing tool (java, pyxform, node_modules, chromium) fails under
//! CI=true and skips with a note otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn missing(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what} is missing (required under CI)");
    }
    eprintln!("SKIPPED: {what} is missing");
}

/// The served form (`GET /forms/vigil_report.xml` serves exactly this; the odk test
/// checks it) and a broken copy, written to a temporary directory.
fn forms(dir: &Path) -> (PathBuf, PathBuf) {
    let good = dir.join("vigil_report.xml");
    std::fs::write(&good, vigil_ingest::xform::xform()).unwrap();
    // a bind to a node the instance does not have, and a label reference to no text
    let broken = vigil_ingest::xform::xform()
        .replace(
            r#"<bind nodeset="/data/description""#,
            r#"<bind nodeset="/data/no_such_node""#,
        )
        .replace(
            "jr:itext('/data/category:label')",
            "jr:itext('/data/nothing:label')",
        );
    let bad = dir.join("broken.xml");
    std::fs::write(&bad, broken).unwrap();
    (good, bad)
}

fn python() -> String {
    std::env::var("VIGIL_PYTHON").unwrap_or_else(|_| "python3".into())
}

#[test]
fn odk_validate_accepts_the_served_form() {
    let Ok(out) = Command::new(python())
        .args(["-c", "import os, pyxform; print(os.path.join(os.path.dirname(pyxform.__file__), 'validators', 'odk_validate', 'bin', 'ODK_Validate.jar'))"])
        .output()
    else {
        return missing("python3");
    };
    if !out.status.success() {
        return missing(
            "PyPI pyxform (pip install -r scripts/requirements-test.txt; or set VIGIL_PYTHON)",
        );
    }
    let jar = String::from_utf8(out.stdout).unwrap().trim().to_string();
    if Command::new("java").arg("-version").output().is_err() {
        return missing("java (ODK Validate runs on it)");
    }
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = forms(dir.path());
    let run = |f: &Path| {
        Command::new("java")
            .arg("-jar")
            .arg(&jar)
            .arg(f)
            .output()
            .unwrap()
    };
    let ok = run(&good);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    println!("ODK Validate: {}", text.trim());
    assert!(
        ok.status.success() && text.contains("Xform is valid"),
        "ODK Validate refused the form:\n{text}"
    );
    let no = run(&bad);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&no.stdout),
        String::from_utf8_lossy(&no.stderr)
    );
    assert!(
        !text.contains("Xform is valid"),
        "ODK Validate passed a broken form:\n{text}"
    );
}

#[test]
fn enketo_transformer_transforms_the_served_form() {
    let root = root();
    if !root.join("node_modules/enketo-transformer").exists()
        || !root.join("node_modules/playwright-core").exists()
    {
        return missing("node_modules/enketo-transformer (npm ci)");
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return missing("chromium");
    }
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = forms(dir.path());
    let html = dir.path().join("form.html");
    let run = |f: &Path| {
        Command::new("node")
            .arg(root.join("scripts/odk/enketo-transform.mjs"))
            .arg(f)
            .arg(&html)
            .output()
            .unwrap()
    };
    let ok = run(&good);
    let out = String::from_utf8_lossy(&ok.stdout).to_string();
    println!("enketo-transformer: {out}");
    assert!(
        ok.status.success(),
        "enketo-transformer failed:\n{out}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(summary["languages"], serde_json::json!(["en", "fr"]));
    assert_eq!(summary["hasFrench"], true);
    assert_eq!(summary["hasRestricted"], true);
    // every field of the form is a question in Enketo's HTML form
    let form = std::fs::read_to_string(&html).unwrap();
    for f in vigil_ingest::xform::FIELDS {
        assert!(
            form.contains(&format!("name=\"{}\"", f.path())),
            "{} missing from Enketo's form",
            f.path()
        );
    }
    // not-XML is refused
    std::fs::write(&bad, "<h:html><not closed").unwrap();
    let no = run(&bad);
    assert!(
        !no.status.success(),
        "enketo-transformer passed a broken form"
    );
}
