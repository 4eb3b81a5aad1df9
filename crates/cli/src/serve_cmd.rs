//! `serve`, `demo`, `user add|list` and `audit verify`: running the web server and
//! looking after its accounts and audit log.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use vigil_server::config::ConfigFile;
use vigil_server::{AppState, ServerConfig};
use vigil_store::accounts::Role;
use vigil_store::Store;

const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: from the config file, else 127.0.0.1:8080].
    #[arg(long, env = "VIGIL_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Config file (TOML: [server] addr/db/secure_cookies, [basemap] tiles_dir or
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

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Without --password a random one is generated and printed once.
    Add(UserAddArgs),
    /// List users and their roles.
    List,
    /// Issue a bearer token for a user without their password, for a GIS client (the
    /// OGC API at /ogc) or a script; prints the token alone on stdout.
    Token(UserTokenArgs),
}

#[derive(Args, Debug)]
pub struct UserTokenArgs {
    /// The user (`vigil user list` shows them).
    pub name: String,
    /// Days the token stays valid.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub days: i64,
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    pub name: String,
    #[arg(long, value_parser = crate::vocab_arg::coded(&Role::ALL, Role::as_str))]
    pub role: Role,
    /// The password (visible in the shell history; prefer VIGIL_PASSWORD or the generated one).
    #[arg(long, env = "VIGIL_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain; name any edited, removed or reordered
    /// entry and exit non-zero.
    Verify,
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
    vigil_server::demo::ensure_places(&store).await?;
    if store.users().await?.is_empty() {
        eprintln!("note: no users yet; create one with `vigil user add NAME --role admin`");
    }
    let config = ServerConfig {
        demo: false,
        secure_cookies: file.server.secure_cookies.unwrap_or(false),
        basemap: file.basemap.clone(),
        alerting: file.alerting(),
    };
    let every = config.alerting.schedule_every.unwrap_or(vigil_app::schedule::DEFAULT_EVERY);
    let state = AppState::new(store, config).await?;
    let (listener, local) = bind(&addr).await?;
    vigil_app::schedule::spawn(state.cx.clone(), every, Default::default());
    println!("Vigil serving {db} on http://{local}/ (Ctrl-C to stop)");
    if let Some(p) = &path {
        println!("config: {}", p.display());
    }
    vigil_server::serve(listener, state).await?;
    Ok(())
}

pub async fn demo(a: DemoArgs) -> Result<()> {
    let addr: SocketAddr =
        a.addr.parse().with_context(|| format!("--addr {}: expected HOST:PORT with an IP", a.addr))?;
    if !addr.ip().is_loopback() {
        bail!("the demo's passwords are printed for anyone to read, so it serves on loopback only (127.0.0.1 or ::1), not {}", addr.ip());
    }
    let dir = tempfile::Builder::new().prefix("vigil-demo-").tempdir().context("creating a temporary folder")?;
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&url).await.with_context(|| format!("opening {url}"))?;
    let s = vigil_server::demo::seed(&store, true).await?;
    let config = ServerConfig { demo: true, ..Default::default() };
    let state = AppState::new(store, config).await?;
    let (listener, local) = bind(&a.addr).await?;
    let replay = vigil_server::demo::replay_recent(&state).await?;
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

pub async fn user(c: UserCommand, store: &Store) -> Result<()> {
    match c {
        UserCommand::Add(a) => {
            if store.user_exists(&a.name).await? {
                bail!("user {} exists already", a.name);
            }
            let (password, generated) = match a.password {
                Some(p) if p.chars().count() >= 10 => (p, false),
                Some(_) => bail!("--password: use at least 10 characters"),
                None => (vigil_store::accounts::random_token()[..20].to_string(), true),
            };
            let u = store.add_user("cli", &a.name, a.role, &password).await?;
            println!("created user {} with role {}", u.name, u.role);
            if generated {
                println!("password: {password}   (shown once; pass it on safely)");
            }
            Ok(())
        }
        UserCommand::List => {
            for u in store.users().await? {
                println!("{}\t{}", u.name, u.role);
            }
            Ok(())
        }
        UserCommand::Token(a) => {
            let Some((u, token, expires_at)) = store.issue_token("cli", &a.name, a.days * 24).await? else {
                bail!("no user {} (vigil user list shows them)", a.name);
            };
            eprintln!("bearer token for {} ({}), valid until {expires_at}; keep it like a password", u.name, u.role);
            println!("{token}");
            Ok(())
        }
    }
}

pub async fn audit(c: AuditCommand, store: &Store) -> Result<()> {
    match c {
        AuditCommand::Verify => {
            let v = store.verify_audit().await?;
            if v.ok() {
                println!("audit log intact: {} entries, hash chain verified", v.entries);
                return Ok(());
            }
            println!("audit log TAMPERED ({} entries read):", v.entries);
            for p in &v.problems {
                println!("  {p}");
            }
            bail!("the audit log's hash chain is broken ({} problem(s))", v.problems.len())
        }
    }
}
