//! Real-browser test of the web UI: Debian's chromium, headless, driven by
//! `tests/browser/e2e.mjs` (Node + playwright-core) against the whole app served
//! in-process on 127.0.0.1 with the bundled demo data and demo users.
//!
//! `reporter_to_analyst_to_map_and_timeline` (`e2e.mjs`): a reporter on a 360 px
//! screen submits a report through the form; an analyst finds it in the triage queue,
//! verifies it into an incident, finds the incident's marker and popup on the map, and
//! sees the month's count in the timeline go up by one.
//!
//! `report_raises_alert_issued_acknowledged_and_answered` (`alerts.mjs`, issue #5): a
//! reporter submits a report the default rule `report-reliable-threat` fires on; an
//! analyst finds the draft alert linked to that report in the Alerts view, issues it,
//! and its CAP link serves CAP XML; on a phone, the analyst raises another alert by hand
//! from the report's page (a circle placed by clicking the map; a missing headline, then
//! a radius the server refuses, shown under their fields; issued, with its CAP link);
//! a responder, who gets no "Raise an alert" button, acknowledges the first, records a patrol
//! response and later its times, and reads the time to acknowledge for the area and
//! the month on the dashboard; a planner reads it all in French without any action
//! button; an admin sees the failed webhook deliveries.
//!
//! `offline_outbox_belongs_to_its_author` (`outbox.mjs`, issue #13): on one phone,
//! reporter A's reports that could not be sent wait under A's name; an analyst who logs
//! in next neither sends nor sees them; when A logs back in they are sent once each, and
//! the ones the server refuses stay with its reason until A corrects or deletes them.
//!
//! `boundary_and_place_names_show_as_text` (`names.mjs`, issue #13): region and town
//! names such as `<img src=x onerror=…>` show as text in the map tooltips and lists.
//!
//! `demo_clock_and_working_loop` (`demo-loop.mjs`, issue #15): on a server that starts
//! as `vigil demo` does (the data replayed, the demo clock in the data's days, the
//! working loop seeded) and with an alert issued a second before the browser looks,
//! the UI shows the server's date, no issued alert as expired, the acknowledged ones
//! with their responses, the report form dated on the server's day, and a responder
//! records a response at the server's now.
//!
//! `admin_manages_accounts_and_reads_the_audit_log` (`admin.mjs`, issue #15): an
//! administrator creates an account, changes its role, logs it out everywhere,
//! disables and enables it and resets its password, each seen from the account's own
//! login; then filters the audit log to that account and verifies the log, in English
//! and French.
//!
//! `analyst_corrects_and_retracts_an_incident` (`correct.mjs`, issue #15): an
//! analyst corrects an incident's fatalities on its page (a high below best is
//! refused on its field), finds the correction and its reason in the history, then
//! retracts it: marked on its page, gone from the incident list.
//!
//! `forecast_layer_and_area_page` (`forecast.mjs`, issue #14): on the demo with its
//! stored forecast run, an analyst turns on the map's forecast layer and finds cells
//! drawn with their P(at least one death) and band, then opens a region's forecast
//! page and reads the band per month against what happened and the skill table.
//!
//! `footprint_compare_map_and_edit_a_copy` (`footprint.mjs`, issue #17): a planner
//! opens the footprint comparison, switches scenarios on the map, copies option 1a,
//! edits the copy and sees an edit with a dangling site refused.
//!
//! They run one after the other (one browser at a time), each on its own server
//! and database.
//!
//! Needs `npm ci` at the repository root (playwright-core, and Leaflet, which the
//! server embeds) and `/usr/bin/chromium` (`apt-get install chromium`). When either is
//! missing the test fails with CI=true and is skipped with a note otherwise.
//!
//! `VIGIL_SCREENSHOTS=1` also writes docs/screenshots/*.png (a path instead of `1`
//! writes them there).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use vigil_server::demo::DEMO_USERS;
use vigil_server::{app, AppState, ServerConfig};
use vigil_store::accounts::Role;
use vigil_store::Store;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// What is missing to run a real browser here, if anything.
fn missing_prerequisite(root: &Path, chromium: &str) -> Option<String> {
    if !Path::new(chromium).exists() {
        return Some(format!("no browser at {chromium}: `apt-get install -y chromium` (or set CHROMIUM)"));
    }
    match std::process::Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Some("no `node` on PATH: install Node.js".into()),
    }
    if !root.join("node_modules/playwright-core/package.json").exists() {
        return Some("node_modules/playwright-core is missing: run `npm ci` at the repository root".into());
    }
    if !root.join("node_modules/leaflet/dist/leaflet.js").exists() {
        return Some("node_modules/leaflet is missing: run `npm ci` at the repository root, then rebuild".into());
    }
    None
}

fn login_of(role: Role) -> String {
    let (user, _, password) = DEMO_USERS.iter().find(|(_, r, _)| *r == role).expect("a demo user for the role");
    format!("{user}:{password}")
}

/// One browser at a time: the machines running this are small.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_to_analyst_to_map_and_timeline() {
    run_script("e2e.mjs", &[Role::Reporter, Role::Analyst]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_raises_alert_issued_acknowledged_and_answered() {
    run_script("alerts.mjs", &[Role::Reporter, Role::Analyst, Role::Responder, Role::Planner, Role::Admin]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_outbox_belongs_to_its_author() {
    run_script("outbox.mjs", &[Role::Reporter, Role::Analyst]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boundary_and_place_names_show_as_text() {
    run_script("names.mjs", &[Role::Analyst]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_manages_accounts_and_reads_the_audit_log() {
    run_script("admin.mjs", &[Role::Admin]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_clock_and_working_loop() {
    run_script_with("demo-loop.mjs", &[Role::Reporter, Role::Responder], true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forecast_layer_and_area_page() {
    run_script("forecast.mjs", &[Role::Analyst]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_corrects_and_retracts_an_incident() {
    run_script("correct.mjs", &[Role::Analyst]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footprint_compare_map_and_edit_a_copy() {
    run_script("footprint.mjs", &[Role::Planner]).await;
}

/// `triage-done.mjs` (issue #15): in French, a refused merge reads in French, a
/// discarded report is listed under its tab with the reason, and places are named as
/// written in Mali.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarded_reports_listed_and_words_in_french() {
    run_script("triage-done.mjs", &[Role::Analyst]).await;
}

/// `movement.mjs` (issue #18): an analyst records a denied CASEVAC flight and finds it
/// on the "Movement and safety" map and in the sector figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_casevac_on_the_map_and_in_the_sector_figures() {
    run_script("movement.mjs", &[Role::Analyst]).await;
}

/// `calls.mjs` (issue #19): a call-centre operator logs a call that opens a report;
/// an analyst finds it in the triage queue with its channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_centre_call_becomes_a_report_in_triage() {
    run_script("calls.mjs", &[Role::Reporter, Role::Analyst]).await;
}

/// Serve the demo app on a fresh database and run `tests/browser/{script}` against it
/// with the demo logins of `roles` (as `VIGIL_REPORTER=user:password` etc.).
async fn run_script(script: &str, roles: &[Role]) {
    run_script_with(script, roles, false).await
}

/// [`run_script`]; with `demo_start`, the server starts as `vigil demo` does (replay,
/// demo clock, working loop) and one more alert is issued just before the script runs
/// (`VIGIL_JUST_ISSUED`, with `VIGIL_SERVER_DATE`, `VIGIL_LOOP_ISSUED` and
/// `VIGIL_LOOP_ACKNOWLEDGED` for the script).
async fn run_script_with(script: &str, roles: &[Role], demo_start: bool) {
    let _one = ONE_BROWSER.lock().await;
    let root = repo_root();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if let Some(why) = missing_prerequisite(&root, &chromium) {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("browser test cannot run in CI: {why}");
        }
        eprintln!("SKIPPED browser test (not in CI): {why}");
        return;
    }

    // The whole app on a fresh SQLite file with the demo data and users.
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&db)
        .await
        .expect("open store")
        .attach_audit_key(vigil_store::audit_key::AuditKey::generate())
        .await
        .expect("audit key");
    vigil_server::demo::seed(&store, true).await.expect("seed demo data");
    if script == "forecast.mjs" {
        let started = std::time::Instant::now();
        let id = vigil_server::demo::seed_forecast(&store).await.expect("seed the demo forecast run");
        eprintln!("demo forecast run {id:?} stored in {:.1}s", started.elapsed().as_secs_f64());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut config = ServerConfig { demo: true, ..ServerConfig::default() };
    // alerts.mjs subscribes a webhook on loopback (port 9, nothing listens), which a
    // server accepts only when configured
    config.alerting.webhooks.allow_loopback = true;
    vigil_server::config::apply_public_url(&mut config.alerting, None, addr).expect("public URL");
    let state = AppState::new(store, config).await.expect("app state");
    let mut script_env: Vec<(&str, String)> = vec![];
    if demo_start {
        let replay = vigil_server::demo::replay_recent(&state).await.expect("replay the demo data");
        let lp = vigil_server::demo::seed_working_loop(&state, replay.clock_start).await.expect("working loop");
        let join = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        script_env.push(("VIGIL_LOOP_ISSUED", join(&lp.issued)));
        script_env.push(("VIGIL_LOOP_ACKNOWLEDGED", join(&lp.acknowledged)));
        // one more live draft issued on the running demo clock, a moment before the
        // browser looks at it
        let now = state.alerting.now();
        let mut fresh = None;
        for s in state.store.alerts(&["draft"], None).await.expect("drafts") {
            if vigil_app::alerts::doc_alert(&s).expect("alert").expires_at > now + chrono::Duration::hours(1) {
                fresh = Some(s.id);
                break;
            }
        }
        let fresh = fresh.expect("a live draft is left after the working loop");
        vigil_app::alerts::issue(&state, fresh, "analyst", None).await.expect("issue");
        script_env.push(("VIGIL_JUST_ISSUED", fresh.to_string()));
        script_env.push(("VIGIL_SERVER_DATE", state.alerting.now().format("%Y-%m-%d").to_string()));
    }
    let server = tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });

    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(root.join("crates/server/tests/browser").join(script))
        .current_dir(&root)
        .env("VIGIL_BASE_URL", format!("http://{addr}"))
        .env("VIGIL_EXPECT_SYNTHETIC", "1")
        .env("CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd.envs(script_env);
    for role in roles {
        cmd.env(format!("VIGIL_{}", role.as_str().to_ascii_uppercase()), login_of(*role));
    }
    match std::env::var("VIGIL_SCREENSHOTS").ok().filter(|v| !v.is_empty() && v != "0") {
        Some(v) => {
            let shots = if v == "1" { root.join("docs/screenshots") } else { PathBuf::from(v) };
            std::fs::create_dir_all(&shots).expect("screenshot folder");
            cmd.env("VIGIL_SCREENSHOTS", shots);
        }
        None => {
            cmd.env_remove("VIGIL_SCREENSHOTS");
        }
    }
    let out = tokio::time::timeout(Duration::from_secs(240), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("the browser test {script} finished within 4 minutes"))
        .expect("run node");
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(out.status.success(), "browser test {script} failed ({}):\n{stdout}\n{stderr}", out.status);
    assert!(
        stdout.lines().any(|l| l.starts_with("[browser ") && l.ends_with("] PASS")),
        "the browser script {script} did not report PASS:\n{stdout}"
    );
}
