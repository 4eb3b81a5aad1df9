//! `vigil serve`, `vigil demo`, `vigil user add` and `vigil audit verify` as real
//! processes: a report acknowledged with 201 survives `kill -9` of the server, the
//! demo serves the UI from an empty folder, and a tampered audit row is named.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::vigil;

/// Start a server process and wait for the line announcing its address. The caller
/// kills and waits for the child.
#[allow(clippy::zombie_processes)]
fn spawn(dir: &Path, args: &[&str], marker: &str) -> (Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIGIL_DB")
        .env_remove("VIGIL_ADDR")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start vigil");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = vec![];
    let start = Instant::now();
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 || start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vigil {args:?} stopped before announcing its address: {lines:?}");
        }
        let line = line.trim_end().to_string();
        lines.push(line.clone());
        if let Some(rest) = line.split(marker).nth(1) {
            let addr = rest.trim_start_matches("http://").split('/').next().unwrap().to_string();
            // keep draining stdout so the server never blocks on a full pipe
            std::thread::spawn(move || for _ in out.lines() {});
            return (child, addr, lines);
        }
    }
}

/// A minimal HTTP/1.1 client: (status, headers + body as text).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, resp)
}

fn json_body(resp: &str) -> serde_json::Value {
    serde_json::from_str(resp.split("\r\n\r\n").nth(1).unwrap_or("")).unwrap_or(serde_json::Value::Null)
}

#[test]
fn report_survives_kill_9_and_audit_tamper_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("v.db").display());
    let o = vigil(
        dir.path(),
        &["--db", &db, "user", "add", "amadou", "--role", "reporter", "--password", "field-reporter-1"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (mut child, addr, _) = spawn(dir.path(), &["--db", &db, "serve", "--addr", "127.0.0.1:0"], " on ");
    let (s, resp) = http(
        &addr,
        "POST",
        "/api/login",
        &[("Content-Type", "application/json")],
        r#"{"username":"amadou","password":"field-reporter-1","bearer":true}"#,
    );
    assert_eq!(s, 200, "{resp}");
    let token = json_body(&resp)["token"].as_str().unwrap().to_string();
    let report = r#"{"category":"ied","occurred_at":"2024-05-01","town_id":2457163,"description":"Engin explosif sur la route de Gao","reliability":"A","credibility":1}"#;
    let (s, resp) = http(
        &addr,
        "POST",
        "/api/reports",
        &[("Content-Type", "application/json"), ("Authorization", &format!("Bearer {token}"))],
        report,
    );
    assert_eq!(s, 201, "{resp}");
    let id = json_body(&resp)["id"].as_i64().unwrap();
    // SIGKILL, straight after the 201: no shutdown, no checkpoint
    child.kill().unwrap();
    child.wait().unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = vigil_store::Store::connect(&db).await.unwrap();
        // reading the restricted body is audited: with the key `vigil serve` created
        let key = vigil_store::audit_key::AuditKey::load(&dir.path().join("vigil-audit.key")).unwrap();
        let store = store.attach_audit_key(key).await.unwrap();
        let r = store.report(id, true).await.unwrap().expect("the acknowledged report is stored");
        assert_eq!((r.category.as_str(), r.reliability.as_str(), r.credibility), ("ied", "A", 1));
        let hr = vigil_store::access::Principal {
            user: vigil_store::accounts::User { id: 0, name: "test".into(), role: vigil_store::accounts::Role::HrOfficer, disabled: false, restricted_access: false },
            restricted_access: false,
        };
        let (_, raw) = store.report_raw_for(&hr, id).await.unwrap().unwrap();
        assert_eq!(raw, report.as_bytes());
    });

    let o = vigil(dir.path(), &["--db", &db, "audit", "verify"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    // user, login, report, the alert the report rule raised (A1 mentioning an explosive
    // device), and the audited read of the raw body above
    assert!(out.contains("intact: 5 entries"), "{out}");

    // edit entry 3 (the report's creation) behind the server's back
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3").execute(&mut c).await.unwrap();
    });
    let o = vigil(dir.path(), &["--db", &db, "audit", "verify"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success());
    assert!(out.contains("TAMPERED") && out.contains("entry 3 was edited"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("the audit log does not verify"));
}

#[test]
fn demo_serves_the_ui_from_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, lines) = spawn(dir.path(), &["demo", "--addr", "127.0.0.1:0"], "Open ");
    let text = lines.join("\n");
    assert!(text.contains("SYNTHETIC"), "{text}");
    for (user, password) in [("reporter", "reporter-demo"), ("hr_officer", "hr_officer-demo"), ("admin", "admin-demo")]
    {
        assert!(lines.iter().any(|l| l.contains(user) && l.contains(password)), "{text}");
    }
    let (s, resp) = http(&addr, "GET", "/", &[], "");
    assert_eq!(s, 200);
    assert!(resp.to_lowercase().contains("content-security-policy: default-src 'self'"), "{resp}");
    let (s, resp) = http(&addr, "GET", "/api/demo-info", &[], "");
    assert_eq!(s, 200);
    assert_eq!(json_body(&resp)["synthetic_data"], true);
    let (s, resp) = http(
        &addr,
        "POST",
        "/api/login",
        &[("Content-Type", "application/json")],
        r#"{"username":"analyst","password":"analyst-demo","bearer":true}"#,
    );
    assert_eq!(s, 200, "{resp}");
    let token = json_body(&resp)["token"].as_str().unwrap().to_string();
    let (s, resp) =
        http(&addr, "GET", "/api/stats/monthly?from=2022-01-01", &[("Authorization", &format!("Bearer {token}"))], "");
    assert_eq!(s, 200);
    assert_eq!(json_body(&resp).as_array().unwrap().len(), 12, "{resp}");
    // the demo opens with live alerts, replayed from its last 90 days of data
    assert!(lines.iter().any(|l| l.starts_with("Alerts: the last 90 days")), "{text}");
    let (s, resp) = http(&addr, "GET", "/api/alerts", &[("Authorization", &format!("Bearer {token}"))], "");
    assert_eq!(s, 200, "{resp}");
    let alerts = json_body(&resp);
    let open: Vec<&serde_json::Value> =
        alerts.as_array().unwrap().iter().filter(|a| a["status"] == "draft" || a["status"] == "issued").collect();
    assert!(open.len() >= 5, "the demo should open with live alerts: {resp}");
    // SIGTERM: a graceful stop, which deletes the demo's temporary database
    let db_line = lines.iter().find(|l| l.starts_with("Database: sqlite://")).expect("database line").clone();
    let db_dir = Path::new(db_line.trim_start_matches("Database: sqlite://").split(' ').next().unwrap())
        .parent()
        .unwrap()
        .to_path_buf();
    assert!(db_dir.is_dir());
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!db_dir.exists(), "the demo's temporary folder is removed on exit");
    // nothing written to the working folder
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // the demo refuses a non-loopback address: its passwords are public
    let o = vigil(dir.path(), &["demo", "--addr", "0.0.0.0:0"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("loopback"));
}

#[test]
fn user_token_opens_the_ogc_api_to_a_gis_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("v.db").display());
    let o = vigil(dir.path(), &["--db", &db, "user", "add", "mariam", "--role", "planner", "--password", "gis-planner-01"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = vigil(dir.path(), &["--db", &db, "user", "token", "mariam", "--days", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // the token alone on stdout (for TOKEN=$(vigil user token …)); who and until when on stderr
    let token = String::from_utf8(o.stdout).unwrap().trim().to_string();
    assert!(token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    let note = String::from_utf8_lossy(&o.stderr);
    assert!(note.contains("mariam (planner), valid until"), "{note}");
    // an unknown user, or a token for no days, is refused
    let o = vigil(dir.path(), &["--db", &db, "user", "token", "nobody"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("no enabled user nobody"));
    let o = vigil(dir.path(), &["--db", &db, "user", "token", "mariam", "--days", "0"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--days"));

    let (mut child, addr, _) = spawn(dir.path(), &["--db", &db, "serve", "--addr", "127.0.0.1:0"], " on ");
    let bearer = format!("Bearer {token}");
    let (s, resp) = http(&addr, "GET", "/ogc/collections", &[("Authorization", &bearer)], "");
    assert_eq!(s, 200, "{resp}");
    assert!(json_body(&resp)["collections"].as_array().is_some_and(|c| c.len() == 4), "{resp}");
    let (s, _) = http(&addr, "GET", "/ogc/collections", &[], "");
    assert_eq!(s, 401);
    child.kill().unwrap();
    child.wait().unwrap();

    // the audit log records the issue and its expiry, never the token
    let rt = tokio::runtime::Runtime::new().unwrap();
    let entries = rt.block_on(async {
        let store = vigil_store::Store::connect(&db).await.unwrap();
        store.audit_entries(Some(100)).await.unwrap()
    });
    let issued: Vec<_> = entries.iter().filter(|e| e.action == "issue_token").collect();
    assert_eq!(issued.len(), 1, "{entries:?}");
    assert_eq!(issued[0].actor, "cli");
    assert!(!format!("{entries:?}").contains(&token));
}
