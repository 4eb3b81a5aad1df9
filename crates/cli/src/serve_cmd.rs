//! `serve` and `demo`: running the web server (with the audit key loaded, created
//! on first start).

use anyhow::{bail, Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use vigil_server::config::ConfigFile;
use vigil_server::{AppState, ServerConfig};
use vigil_store::Store;

const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: from the config file, else 127.0.0.1:8080].
    #[arg(long, env = "VIGIL_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Config file (TOML: [server] addr/db/secure_cookies/public_url, [basemap] tiles_dir or
    /// mbtiles) [default: ./vigil.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Loopback address to listen on.
    #[arg(long, env = "VIGIL_ADDR", default_value = DEFAULT_ADDR, value_name = "HOST:PORT")]
    pub addr: String,
}

/// Whether the database was named on the command line or in the environment (then
/// it wins over the config file).
fn db_given() -> bool {
    std::env::var_os("VIGIL_DB").is_some() || std::env::args().any(|a| a == "--db" || a.starts_with("--db="))
}

async fn bind(addr: &str) -> Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

pub async fn serve(a: ServeArgs, db_flag: &str) -> Result<()> {
    let path = match &a.config {
        Some(p) => Some(p.clone()),
        None => Some(PathBuf::from("vigil.toml")).filter(|p| p.is_file()),
    };
    let file = match &path {
        Some(p) => ConfigFile::load(p)?,
        None => ConfigFile::default(),
    };
    let db =
        if db_given() { db_flag.to_string() } else { file.server.db.clone().unwrap_or_else(|| db_flag.to_string()) };
    let addr = a.addr.or(file.server.addr.clone()).unwrap_or_else(|| DEFAULT_ADDR.to_string());
    let store = Store::connect(&db).await.with_context(|| format!("opening database {db}"))?;
    let audit_paths = crate::audit_cmd::AuditPaths::resolve(&file.audit);
    let store = crate::audit_cmd::with_key_for_writing(store, &audit_paths).await?;
    let store = crate::hr_cmd::with_rights_key(store, &file.rights, true).await?;
    vigil_server::demo::ensure_places(&store).await?;
    if store.users().await?.is_empty() {
        eprintln!("note: no users yet; create one with `vigil user add NAME --role admin`");
    }
    let (listener, local) = bind(&addr).await?;
    let mut config = ServerConfig {
        demo: false,
        secure_cookies: file.server.secure_cookies.unwrap_or(false),
        basemap: file.basemap.clone(),
        alerting: file.alerting(),
    };
    let public = vigil_server::config::apply_public_url(&mut config.alerting, file.server.public_url.as_deref(), local)?;
    let every = config.alerting.schedule_every.unwrap_or(vigil_app::schedule::DEFAULT_EVERY);
    let state = AppState::new(store, config).await?;
    vigil_app::schedule::spawn(state.cx.clone(), every, Default::default());
    println!("Vigil serving {db} on http://{local}/ (Ctrl-C to stop)");
    if let Some(p) = &path {
        println!("config: {}", p.display());
    }
    println!("public URL (CAP and Atom links): {public}");
    vigil_server::serve(listener, state).await?;
    Ok(())
}

pub async fn demo(a: DemoArgs) -> Result<()> {
    let addr: SocketAddr =
        a.addr.parse().with_context(|| format!("--addr {}: expected HOST:PORT with an IP", a.addr))?;
    if !addr.ip().is_loopback() {
        bail!("the demo's passwords are printed for anyone to read, so it serves on loopback only (127.0.0.1 or ::1), not {}", addr.ip());
    }
    // the port first: a busy port fails before anything is seeded
    let (listener, local) = bind(&a.addr).await?;
    let dir = tempfile::Builder::new().prefix("vigil-demo-").tempdir().context("creating a temporary folder")?;
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&url).await.with_context(|| format!("opening {url}"))?;
    let key = crate::audit_cmd::AuditPaths {
        key_file: dir.path().join("audit.key"),
        checkpoints: dir.path().join("audit-checkpoints.jsonl"),
    };
    let store = crate::audit_cmd::with_key_for_writing_quietly(store, &key).await?;
    let store = store.attach_rights_key(vigil_store::rights_key::RightsKey::generate()).await?;
    let s = vigil_server::demo::seed(&store, true).await?;
    // the demo's forecast run: computed in the background (the guard's backtest takes
    // tens of seconds), shown on the map's forecast layer once stored
    let fc_store = store.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match vigil_server::demo::seed_forecast(&fc_store).await {
            Ok(Some(id)) => eprintln!(
                "Forecast: run {id} stored in {:.0}s (cells, 12 months from a year before the data end, SYNTHETIC like the data).",
                started.elapsed().as_secs_f64()
            ),
            Ok(None) => {}
            Err(e) => eprintln!("Forecast: no demo run stored: {e}"),
        }
    });
    let mut config = ServerConfig { demo: true, ..Default::default() };
    vigil_server::config::apply_public_url(&mut config.alerting, None, local)?;
    let state = AppState::new(store, config).await?;
    let replay = vigil_server::demo::replay_recent(&state).await?;
    let working = vigil_server::demo::seed_working_loop(&state, replay.clock_start).await?;
    println!("Vigil demo. SYNTHETIC DATA: every incident shown was generated by a model; none is real reporting.");
    println!("Database: {url} (temporary, deleted on exit)");
    println!(
        "Loaded: {} country outline, {} regions, {} cercles, {} towns, {} synthetic incidents.",
        s.areas[0], s.areas[1], s.areas[2], s.places, s.incidents
    );
    println!(
        "Alerts: the last {} days of the data were replayed through the default rules ({} alerts raised, {} updates); the clock starts at {} UTC.",
        replay.days,
        replay.summary.created,
        replay.summary.updated,
        replay.clock_start.format("%Y-%m-%d %H:%M")
    );
    println!(
        "Working loop: {} alerts issued by the demo analyst, {} acknowledged by the demo responder with {} responses, {} drafts waiting.",
        working.issued.len(),
        working.acknowledged.len(),
        working.responses,
        working.drafts_left
    );
    println!("Forecast: the demo's forecast run is being computed in the background; the map's forecast layer shows it once stored.");
    println!("Logins (user / password), one per role:");
    for (name, role, password) in vigil_server::demo::DEMO_USERS {
        println!("  {name:<11} {password:<16} ({role})");
    }
    println!("Open http://{local}/ (Ctrl-C to stop)");
    vigil_app::schedule::spawn(state.cx.clone(), vigil_app::schedule::DEFAULT_EVERY, replay.forecast);
    vigil_server::serve(listener, state).await?;
    drop(dir);
    Ok(())
}
