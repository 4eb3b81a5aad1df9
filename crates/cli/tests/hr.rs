//! `vigil hr note`, `vigil evidence add|verify` and `vigil audit reads` (issue #16)
//! against a demo database with its SYNTHETIC cases: the note's HTML and one CSV per
//! table, with no victim's name and small cells suppressed; a changed evidence file is
//! named and the command fails; who read a case is listed.

use std::path::Path;
use std::process::{Command, Output};
use vigil_store::access::Principal;
use vigil_store::rights::{CaseRow, Restricted};

fn vigil(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIGIL_DB")
        .output()
        .expect("run vigil")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarterly_note_evidence_custody_and_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = format!("sqlite://{}", d.join("vigil.db").display());
    // the CLI makes the audit key in its working folder; the test writes with the same key
    let o = vigil(d, &["evidence", "verify", "--db", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 file(s) re-hashed"), "{}", text(&o));
    let key = vigil_store::audit_key::AuditKey::load(&d.join("vigil-audit.key")).unwrap();
    let store = vigil_store::Store::connect(&url).await.unwrap().attach_audit_key(key).await.unwrap();
    let store = store.attach_rights_key(vigil_store::rights_key::RightsKey::generate()).await.unwrap();
    vigil_server::demo::seed(&store, true).await.unwrap();
    let hr_user = store.users().await.unwrap().into_iter().find(|u| u.name == "hr_officer").unwrap();
    let hr = Principal { user: hr_user, restricted_access: false };
    let cases = store.cases_for(&hr).await.unwrap();
    assert!(
        cases.len() >= 30 && cases.iter().all(|c| c.synthetic && c.title.starts_with("SYNTHETIC")),
        "demo cases are synthetic"
    );
    let q3 =
        cases.iter().filter(|c| c.date.starts_with("2022-0") && ["07", "08", "09"].contains(&&c.date[5..7])).count();
    assert!(q3 > 3, "the demo has cases in 2022-Q3 ({q3})");
    let mut c: CaseRow = cases[0].clone();
    c.title = "SYNTHETIC case for the CLI test".into();
    c.date = "2022-08-02".into();
    c.status = "alleged".into();
    let victim =
        Restricted { id: 0, kind: "victim".into(), data: serde_json::json!({"name": "SYNTHETIC Testname Kappa"}) };
    let id = store.create_case(&hr, &c, &[victim]).await.unwrap();
    store.case_for(&hr, id).await.unwrap();

    // the note: HTML and four CSVs, suppressed, no names
    let out = d.join("note.html");
    let o = vigil(d, &["hr", "note", "--db", &url, "--quarter", "2022-Q3", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("quarterly note, 2022-Q3") && html.contains("SYNTHETIC DATA"), "{html}");
    assert!(html.contains("&lt;3"), "small cells are suppressed");
    for secret in ["Testname", "SYNTHETIC person", "Battalion", "fears reprisals"] {
        assert!(!html.contains(secret), "{secret} in the note");
    }
    for t in ["perpetrator_act", "victims_act", "victims_region", "comparison"] {
        let csv = std::fs::read_to_string(d.join(format!("note-{t}.csv"))).unwrap();
        assert!(csv.lines().count() >= 2, "{t}: {csv}");
        assert!(!csv.contains("Testname"));
    }
    let cmp = std::fs::read_to_string(d.join("note-comparison.csv")).unwrap();
    assert!(cmp.starts_with("quarter,Cases,Violations and abuses,Victims\n2022-Q3,"), "{cmp}");
    assert!(cmp.contains("\n2022-Q2,") && cmp.contains("\n2021-Q3,"), "{cmp}");
    let o = vigil(d, &["hr", "note", "--db", &url, "--quarter", "2022-Q3", "--out", "x.html", "--threshold", "2"]);
    assert!(!o.status.success() && text(&o).contains("at least 3"), "{}", text(&o));
    let o = vigil(d, &["hr", "note", "--db", &url, "--quarter", "2022-Q7", "--out", "x.html"]);
    assert!(!o.status.success() && text(&o).contains("YYYY-QN"), "{}", text(&o));

    // who read the case
    let o = vigil(d, &["audit", "reads", "--db", &url, "--entity", &format!("case/{id}")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("1 read(s) of case/{id}")) && text(&o).contains("hr_officer (hr_officer)"),
        "{}",
        text(&o)
    );

    // evidence: hashed on arrival, a changed file is named
    let photo = d.join("photo.jpg");
    std::fs::write(&photo, b"synthetic evidence bytes").unwrap();
    let o = vigil(
        d,
        &["evidence", "add", "--db", &url, "--case", &id.to_string(), "--as", "hr_officer", photo.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&vigil_store::audit::sha256_hex(b"synthetic evidence bytes")), "{}", text(&o));
    let o = vigil(d, &["evidence", "verify", "--db", &url]);
    assert!(o.status.success() && text(&o).contains("evidence intact: 1 file(s)"), "{}", text(&o));
    let kept = store.evidence_of(Some(id)).await.unwrap()[0].path.clone();
    let kept = if Path::new(&kept).is_absolute() { Path::new(&kept).to_path_buf() } else { d.join(&kept) };
    std::fs::write(&kept, b"synthetic evidence bytes, altered").unwrap();
    let o = vigil(d, &["evidence", "verify", "--db", &url]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("CHANGED evidence 1"), "{}", text(&o));
    let ev = store.evidence_of(Some(id)).await.unwrap()[0].id;
    let custody: Vec<String> = store.custody_of(ev).await.unwrap().into_iter().map(|c| c.action).collect();
    assert_eq!(custody, ["received", "verified", "changed"]);
    let o = vigil(
        d,
        &["evidence", "add", "--db", &url, "--case", &id.to_string(), "--as", "analyst", photo.to_str().unwrap()],
    );
    assert!(
        !o.status.success() && text(&o).contains("human-rights officers"),
        "an analyst cannot add evidence: {}",
        text(&o)
    );
}
