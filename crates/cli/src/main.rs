//! `vigil`: the command-line front of Vigil. Thin by design: each subcommand parses
//! its flags and calls into the library crates; no domain logic lives here.

mod audit_cmd;
mod footprint_cmd;
mod forecast_cmd;
mod hr_cmd;
mod report_cmd;
mod incidents_cmd;
mod movement_cmd;
mod networks_cmd;
mod rules_cmd;
mod serve_cmd;
mod user_cmd;
mod vocab_arg;

use anyhow::{Context, Result};
use std::io::Write;

/// Imports allocate and free millions of small strings across two threads; glibc's
/// allocator spent a third of an import's time on that (perf), mimalloc a fraction.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Parser, Subcommand};

/// Vigil: early warning, incident monitoring and response tracking for the protection
/// of civilians.
#[derive(Parser, Debug)]
#[command(name = "vigil", version, propagate_version = true)]
struct Cli {
    /// Database: sqlite://PATH (the embedded default) or postgres://USER:PASS@HOST/DB.
    #[arg(long, global = true, env = "VIGIL_DB", default_value = "sqlite://vigil.db")]
    db: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Import incidents from a UCDP GED or ACLED CSV file (the layout is detected).
    Import(incidents_cmd::ImportArgs),
    /// Admin-area boundaries.
    #[command(subcommand)]
    Boundaries(incidents_cmd::BoundariesCommand),
    /// Export incidents as GED-layout CSV, GeoJSON or HXL-tagged CSV.
    Incidents(incidents_cmd::IncidentsArgs),
    /// Incident and fatality totals by year, month, admin area, grid cell or type.
    Stats(incidents_cmd::StatsArgs),
    /// Forecast fatalities per cell (or area) and month, 1–12 months ahead, as
    /// predictive distributions.
    Forecast(forecast_cmd::ForecastArgs),
    /// Rolling-origin backtest of the learned model against the VIEWS benchmarks.
    Backtest(forecast_cmd::BacktestArgs),
    /// Footprint options: sites, scenarios, and their CASEVAC and quick-reaction reach.
    #[command(subcommand)]
    Footprint(footprint_cmd::FootprintCommand),
    /// Alert rules: check a rule file, backtest rules on the incident history.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Serve the web UI and the JSON API.
    Serve(serve_cmd::ServeArgs),
    /// Serve a throwaway demo: bundled Mali boundaries, towns and SYNTHETIC incidents,
    /// one login per role, on loopback, with no network needed.
    Demo(serve_cmd::DemoArgs),
    /// User accounts.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// The audit log: verify its keyed chain, sign checkpoints of its head.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Human rights: the quarterly note on violations and abuses.
    #[command(subcommand)]
    Hr(hr_cmd::HrCommand),
    /// Evidence files of human-rights cases: add (hashed on arrival), verify (re-hash).
    #[command(subcommand)]
    Evidence(hr_cmd::EvidenceCommand),
    /// Freedom of movement: movement requests and their decisions, by sector.
    #[command(subcommand)]
    Movement(movement_cmd::MovementCommand),
    /// Attacks on the mission since a date, by kind, year and sector.
    Attacks(movement_cmd::AttacksArgs),
    /// Early-warning networks: the places gone silent for N days.
    #[command(subcommand)]
    Networks(networks_cmd::NetworksCommand),
    /// The SMS gateway webhook: register a gateway and its shared secret.
    #[command(subcommand)]
    Sms(networks_cmd::SmsCommand),
    /// The figures section of the periodic report for a quarter (incidents, human
    /// rights, attacks, movement, alerts, the four parameters) against the previous
    /// quarter and a year earlier: HTML or PDF, with a JSON of every figure and a CSV
    /// of every table beside it.
    Report(report_cmd::ReportArgs),
}

fn main() {
    quiet_on_closed_stdout();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("VIGIL_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = rt.block_on(run(cli)) {
        if closed_pipe(&e) {
            // the reader stopped reading (`vigil … | head`): what it asked for is out,
            // and every command writes its results only after its work is committed
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: {e:#}");
        // a use case's error says what kind it is; anything else is a plain failure
        let code = e.chain().find_map(|c| c.downcast_ref::<vigil_app::AppError>()).map_or(1, |a| i32::from(a.exit_code()));
        std::process::exit(code);
    }
}

/// Whether an error is, somewhere in its chain, a write to a pipe whose reader has
/// gone (wrapped as io, CSV or store errors along the way).
fn closed_pipe(e: &anyhow::Error) -> bool {
    fn io_closed(e: &std::io::Error) -> bool {
        e.kind() == std::io::ErrorKind::BrokenPipe
            || e.get_ref().is_some_and(|inner| error_closed(inner))
    }
    fn error_closed(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut cur = Some(e);
        while let Some(err) = cur {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io_closed(io) {
                    return true;
                }
            }
            if let Some(csv::ErrorKind::Io(io)) = err.downcast_ref::<csv::Error>().map(csv::Error::kind) {
                if io_closed(io) {
                    return true;
                }
            }
            cur = err.source();
        }
        false
    }
    e.chain().any(error_closed)
}

/// `print!` panics when standard output is a closed pipe. The commands write their
/// output through `write!` and return the error (see [`closed_pipe`]); this covers
/// any `print!` left, which in every command runs after its work is done: exit 0
/// without a panic message, as a Unix tool on a closed pipe does.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

async fn run(cli: Cli) -> Result<()> {
    let store = || async {
        vigil_store::Store::connect(&cli.db).await.with_context(|| format!("opening database {}", cli.db))
    };
    // commands that write audit entries carry the audit key (created on first use);
    // read-only ones leave the working folder alone
    let audited = || async {
        let paths = audit_cmd::AuditPaths::from_working_folder()?;
        audit_cmd::with_key_for_writing(store().await?, &paths).await
    };
    match cli.command {
        Command::Import(a) => incidents_cmd::import(a, &store().await?).await,
        Command::Boundaries(c) => incidents_cmd::boundaries(c, &store().await?).await,
        Command::Incidents(a) if a.include_sensitive => incidents_cmd::incidents(a, &audited().await?).await,
        Command::Incidents(a) => incidents_cmd::incidents(a, &store().await?).await,
        Command::Stats(a) => incidents_cmd::stats(a, &store().await?).await,
        Command::Forecast(a) if a.store => forecast_cmd::forecast(a, &audited().await?).await,
        Command::Forecast(a) => forecast_cmd::forecast(a, &store().await?).await,
        Command::Backtest(a) => forecast_cmd::backtest(a, &store().await?).await,
        Command::Footprint(c @ footprint_cmd::FootprintCommand::Load) => footprint_cmd::footprint(c, &audited().await?).await,
        Command::Footprint(c) => footprint_cmd::footprint(c, &store().await?).await,
        Command::Rules(rules_cmd::RulesCommand::Backtest(a)) => rules_cmd::backtest(a, &store().await?).await,
        Command::Rules(c) => rules_cmd::offline(c),
        Command::Serve(a) => serve_cmd::serve(a, &cli.db).await,
        Command::Demo(a) => serve_cmd::demo(a).await,
        Command::User(c) => user_cmd::user(c, store().await?).await,
        Command::Audit(c) => audit_cmd::audit(c, store().await?).await,
        Command::Hr(c) => hr_cmd::hr(c, store().await?).await,
        Command::Evidence(c) => hr_cmd::evidence(c, audited().await?).await,
        Command::Movement(c) => movement_cmd::movement(c, &store().await?).await,
        Command::Attacks(a) => movement_cmd::attacks(a, &store().await?).await,
        Command::Networks(c) => networks_cmd::networks(c, &store().await?).await,
        Command::Sms(c) => networks_cmd::sms(c, &audited().await?).await,
        Command::Report(a) => report_cmd::report(a, &cli.db).await,
    }
}
