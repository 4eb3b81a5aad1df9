//! Real-browser test of the parameters dashboard (issue #20): `tests/browser/parameters.mjs`
//! against the demo app (SYNTHETIC data, demo users). A planner opens the dashboard and
//! follows a figure to its records. Skipped with a note (failed in CI) without chromium
//! or `npm ci`, like `browser.rs`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use vigil_server::demo::DEMO_USERS;
use vigil_server::{app, AppState, ServerConfig};
use vigil_store::accounts::Role;
use vigil_store::Store;

fn login_of(role: Role) -> String {
    let (name, _, pass) = DEMO_USERS
        .iter()
        .find(|(_, r, _)| *r == role)
        .expect("a demo user per role");
    format!("{name}:{pass}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_opens_the_parameters_and_follows_a_figure_to_its_records() {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = if !Path::new(&chromium).exists() {
        Some(format!("no browser at {chromium}"))
    } else if !root.join("node_modules/playwright-core").is_dir() {
        Some("node_modules/playwright-core missing: `npm ci`".into())
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "browser test cannot run in CI: {why}"
        );
        eprintln!("SKIPPED browser test (not in CI): {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&db)
        .await
        .expect("open store")
        .attach_audit_key(vigil_store::audit_key::AuditKey::generate())
        .await
        .expect("audit key")
        .attach_rights_key(vigil_store::rights_key::RightsKey::generate())
        .await
        .expect("rights key");
    vigil_server::demo::seed(&store, true)
        .await
        .expect("seed demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut config = ServerConfig {
        demo: true,
        ..ServerConfig::default()
    };
    vigil_server::config::apply_public_url(&mut config.alerting, None, addr).expect("public URL");
    let state = AppState::new(store, config).await.expect("app state");
    let server = tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(root.join("crates/server/tests/browser/parameters.mjs"))
        .current_dir(&root)
        .env("VIGIL_BASE_URL", format!("http://{addr}"))
        .env("CHROMIUM", &chromium)
        .env("VIGIL_PLANNER", login_of(Role::Planner))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    match std::env::var("VIGIL_SCREENSHOTS")
        .ok()
        .filter(|v| !v.is_empty() && v != "0")
    {
        Some(v) => {
            let shots = if v == "1" {
                root.join("docs/screenshots")
            } else {
                PathBuf::from(v)
            };
            std::fs::create_dir_all(&shots).expect("screenshot folder");
            cmd.env("VIGIL_SCREENSHOTS", shots);
        }
        None => {
            cmd.env_remove("VIGIL_SCREENSHOTS");
        }
    }
    let out = tokio::time::timeout(Duration::from_secs(240), cmd.output())
        .await
        .expect("within 4 minutes")
        .expect("run node");
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser test parameters.mjs failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.lines().any(|l| l == "[browser parameters] PASS"),
        "parameters.mjs did not report PASS:\n{stdout}"
    );
}
