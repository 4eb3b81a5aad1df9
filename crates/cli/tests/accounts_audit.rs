//! `vigil user …` account changes and `vigil audit checkpoint|verify` as real
//! processes: the key file is created private, a checkpoint catches a log cut short
//! behind its back, and verification without the key says what is missing.

use std::path::Path;

mod common;
use common::{ok, vigil};

fn sql(db: &str, statements: &[&str]) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(db).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&mut c).await.unwrap();
        }
    });
}

fn add(dir: &Path, db: &str, name: &str, role: &str) {
    ok(dir, &["--db", db, "user", "add", name, "--role", role, "--password", "long-enough-password"]);
}

#[test]
fn checkpoint_catches_a_cut_log_and_verify_needs_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("v.db").display());
    let o = vigil(dir.path(), &["--db", &db, "user", "add", "awa", "--role", "admin", "--password", "long-enough-password"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("created the audit key"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("vigil-audit.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for n in ["binta", "cheick", "djeneba"] {
        add(dir.path(), &db, n, "analyst");
    }
    let out = ok(dir.path(), &["--db", &db, "audit", "checkpoint"]);
    assert!(out.contains("checkpoint: entry 4 of 4 entries"), "{out}");
    add(dir.path(), &db, "fatou", "planner");
    let out = ok(dir.path(), &["--db", &db, "audit", "verify"]);
    assert!(out.contains("intact: 5 entries") && out.contains("1 checkpoint(s)"), "{out}");

    // cut the tail and fix the head: the chain itself still links up
    sql(&db, &["DELETE FROM audit_log WHERE seq > 2", "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)"]);
    let o = vigil(dir.path(), &["--db", &db, "audit", "verify"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("checkpoint on line 1 signed entry 4 as the head, but the log has no entry 4"), "{out}");
    // an explicit checkpoint file that does not exist is an error naming it
    let o = vigil(dir.path(), &["--db", &db, "audit", "verify", "--checkpoint", "elsewhere.jsonl"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("elsewhere.jsonl"));
    // a tampered log is not checkpointed
    let o = vigil(dir.path(), &["--db", &db, "audit", "checkpoint", "--out", "cp2.jsonl"]);
    assert!(!o.status.success() && !dir.path().join("cp2.jsonl").exists());

    std::fs::rename(dir.path().join("vigil-audit.key"), dir.path().join("moved.key")).unwrap();
    let o = vigil(dir.path(), &["--db", &db, "audit", "verify"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("audit key file vigil-audit.key does not exist"), "{err}");
}

#[test]
fn accounts_are_managed_from_the_console_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("v.db").display());
    add(dir.path(), &db, "moussa", "reporter");
    let token = ok(dir.path(), &["--db", &db, "user", "token", "moussa"]).trim().to_string();
    assert_eq!(token.len(), 64);
    let out = ok(dir.path(), &["--db", &db, "user", "disable", "moussa"]);
    assert!(out.contains("disabled moussa; 1 session(s) and token(s) ended"), "{out}");
    let o = vigil(dir.path(), &["--db", &db, "user", "token", "moussa"]);
    assert!(!o.status.success(), "a disabled account gets no token");
    assert!(ok(dir.path(), &["--db", &db, "user", "list"]).contains("moussa\treporter\tdisabled"));
    ok(dir.path(), &["--db", &db, "user", "enable", "moussa"]);
    assert!(ok(dir.path(), &["--db", &db, "user", "role", "moussa", "hr_officer"]).contains("now has role hr_officer"));
    let out = ok(dir.path(), &["--db", &db, "user", "password", "moussa"]);
    assert!(out.contains("password: "), "{out}");
    ok(dir.path(), &["--db", &db, "user", "revoke", "moussa"]);
    ok(dir.path(), &["--db", &db, "user", "grant-restricted", "moussa"]);
    assert!(ok(dir.path(), &["--db", &db, "user", "list"]).contains("restricted access granted"));
    ok(dir.path(), &["--db", &db, "user", "revoke-restricted", "moussa"]);
    let o = vigil(dir.path(), &["--db", &db, "user", "disable", "nobody"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no user nobody"));

    let rt = tokio::runtime::Runtime::new().unwrap();
    let actions: Vec<String> = rt.block_on(async {
        let key = vigil_store::audit_key::AuditKey::load(&dir.path().join("vigil-audit.key")).unwrap();
        let store = vigil_store::Store::connect(&db).await.unwrap().attach_audit_key(key).await.unwrap();
        assert!(store.verify_audit(&[]).await.unwrap().ok());
        store.audit_entries(None).await.unwrap().into_iter().map(|e| e.action).collect()
    });
    assert_eq!(
        actions,
        [
            "create",
            "issue_token",
            "disable",
            "enable",
            "change_role",
            "reset_password",
            "revoke_sessions",
            "grant_restricted",
            "revoke_restricted"
        ]
    );
}
