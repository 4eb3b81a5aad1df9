//! `vigil forecast` and `vigil backtest`: read incidents and boundaries from the store,
//! hand them to `vigil-forecast`, write what it returns.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vigil_forecast::backtest::BacktestOptions;
use vigil_forecast::forecast::{ForecastOptions, DEFAULT_SEED};
use vigil_forecast::month::{parse_horizons, parse_month_range};
use vigil_app::forecast::Setup;
use vigil_forecast::{ForecastEvent, Level, ModelKind, Month, Target};
use vigil_store::Store;

/// Where and what to forecast: shared by `forecast` and `backtest`.
#[derive(Args, Debug, Clone)]
pub struct UnitArgs {
    /// Fatalities to forecast: all organised violence, or one UCDP type of violence
    /// (sb = state-based, ns = non-state, os = one-sided).
    #[arg(long, default_value = "all", value_parser = ["all", "sb", "ns", "os"])]
    pub target: String,
    /// Spatial unit: PRIO-GRID cells (every cell touching the country, empty ones
    /// included), admin areas or the whole country, from the loaded boundaries.
    #[arg(long, default_value = "pgm", value_parser = ["pgm", "admin1", "admin2", "country"])]
    pub level: String,
    /// Country (name or code of a loaded level-0 boundary); needed only when several
    /// countries are loaded. Also restricts the incidents used.
    #[arg(long, value_name = "NAME")]
    pub country: Option<String>,
    /// CSV with a `gid` column: forecast these cells instead of the country's.
    #[arg(long, value_name = "FILE")]
    pub cells: Option<PathBuf>,
    /// Random seed for sampling and subsampling; the same data and seed give the same output.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// Forecast origin: the last month whose incidents are used.
    #[arg(long, value_name = "YYYY-MM")]
    pub origin: String,
    /// Months ahead (1 = the month after the origin), e.g. 1-12 or 1,3,6,12.
    #[arg(long, default_value = "1-12")]
    pub horizons: String,
    #[command(flatten)]
    pub unit: UnitArgs,
    /// Also write N integer draws from each predictive distribution (`samples` column).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub samples: usize,
    /// hurdle-gbm (the learned default) or a benchmark: zero, no-change, conflictology, bootstrap.
    #[arg(long, default_value = "hurdle-gbm")]
    pub model: String,
    /// Output CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Csv,
}

#[derive(Args, Debug)]
pub struct BacktestArgs {
    /// Forecast origins, inclusive: YYYY-MM..YYYY-MM (one per month).
    #[arg(long, value_name = "YYYY-MM..YYYY-MM")]
    pub origins: String,
    /// Refit the learned model every K origins (1 = at every origin); between refits
    /// the latest fit forecasts from the newer data.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub every: usize,
    #[arg(long, default_value = "1,3,6,12")]
    pub horizons: String,
    #[command(flatten)]
    pub unit: UnitArgs,
    /// `all` (the learned model and the four benchmarks) or one model name.
    #[arg(long, default_value = "all")]
    pub model: String,
    /// Draws per forecast for CRPS and MSE.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub samples: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write SVG charts here: CRPS by horizon, a reliability diagram for P(any),
    /// and a map of next month's P(any) at the last origin.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
}

/// The units and geography for `u`, set up by the application layer (the one
/// forecast setup, shared with the server's forecast rules).
async fn setup(u: &UnitArgs, store: &Store) -> Result<Setup> {
    let level = Level::parse(&u.level)?;
    let cells = match &u.cells {
        Some(path) => {
            let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            Some(vigil_forecast::io::read_cells_csv(f).with_context(|| format!("reading {}", path.display()))?)
        }
        None => None,
    };
    Ok(vigil_app::forecast::setup(store, level, u.country.as_deref(), cells.as_deref()).await?)
}

async fn events(store: &Store, country: Option<&str>, to: Option<Month>) -> Result<Vec<ForecastEvent>> {
    vigil_app::forecast::events(store, country, to).await.context("reading incidents")
}

pub async fn forecast(args: ForecastArgs, store: &Store) -> Result<()> {
    let origin: Month = args.origin.parse()?;
    let mut opts = ForecastOptions::new(origin);
    opts.horizons = parse_horizons(&args.horizons)?;
    opts.target = Target::parse(&args.unit.target)?;
    opts.model = ModelKind::parse(&args.model)?;
    opts.samples = args.samples;
    opts.seed = args.unit.seed;
    let s = setup(&args.unit, store).await?;
    let ev = events(store, s.country.as_deref().filter(|_| args.unit.country.is_some()), Some(origin)).await?;
    if ev.is_empty() {
        bail!("no incidents up to {origin}: import some first (vigil import FILE)");
    }
    let started = std::time::Instant::now();
    let level = s.units.level;
    let n_units = s.units.len();
    let rows = vigil_forecast::forecast(&ev, s.units, &opts)?;
    let f = std::fs::File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    vigil_forecast::write_csv(&rows, level, std::io::BufWriter::new(f))
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "{}: {} units × {} horizons from origin {origin} ({} model, {} incidents used) in {:.1}s",
        args.out.display(),
        n_units,
        opts.horizons.len(),
        opts.model.as_str(),
        ev.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn backtest(args: BacktestArgs, store: &Store) -> Result<()> {
    let (first, last) = parse_month_range(&args.origins)?;
    let mut opts = BacktestOptions::new(first, last);
    opts.every = args.every.max(1);
    opts.horizons = parse_horizons(&args.horizons)?;
    opts.target = Target::parse(&args.unit.target)?;
    opts.models = if args.model.eq_ignore_ascii_case("all") {
        ModelKind::ALL.to_vec()
    } else {
        vec![ModelKind::parse(&args.model)?]
    };
    opts.samples = args.samples.max(1);
    opts.seed = args.unit.seed;
    let s = setup(&args.unit, store).await?;
    let ev = events(store, s.country.as_deref().filter(|_| args.unit.country.is_some()), None).await?;
    if ev.is_empty() {
        bail!("no incidents: import some first (vigil import FILE)");
    }
    let pb = ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} (model fits, then origins scored), {elapsed} (eta {eta})")
            .expect("template"),
    );
    pb.set_message("backtest");
    let report = vigil_forecast::backtest(&ev, s.units, &opts, &mut |done, total| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    })?;
    pb.finish_and_clear();
    match args.format {
        ReportFormat::Table => print!("{}", report.to_table()),
        ReportFormat::Csv => print!("{}", report.to_csv()),
    }
    if let Some(dir) = &args.plot {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let written = vigil_forecast::plot::write_plots(&report, dir, s.geo.outline.as_ref())
            .with_context(|| format!("writing charts to {}", dir.display()))?;
        for p in written {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// Cell forecasts as the alert rules would have had them day by day over
/// `from..=to` ([`vigil_app::forecast::rolling_cell_forecasts`]), with a progress bar.
pub(crate) async fn rolling_cell_forecasts(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    months_ahead: u32,
) -> Result<Vec<vigil_warn::ForecastRow>> {
    let pb = ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} months, {elapsed}").expect("template"));
    pb.set_message("forecasts for the forecast rules");
    let rows = vigil_app::forecast::rolling_cell_forecasts(store, from, to, months_ahead, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })
    .await
    .context("forecasts for the forecast rules")?;
    pb.finish_and_clear();
    Ok(rows)
}
