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
    /// ensemble (default: the learned model stacked with the benchmarks), hurdle-gbm,
    /// or a benchmark: zero, no-change, conflictology, bootstrap. For ensemble and
    /// hurdle-gbm a skill backtest over the months before the origin runs first, and at
    /// any horizon where the model does not beat the best benchmark that benchmark is
    /// published instead (columns model_used, fallback_reason).
    #[arg(long, default_value = "ensemble")]
    pub model: String,
    /// Output CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Also keep the run in the database (origin, model, settings, skill by horizon,
    /// per-unit P(any), mean and quantiles 5/25/50/75/95). Off by default.
    #[arg(long)]
    pub store: bool,
    /// Also write the forecast in the VIEWS layout (pgm only): month_id, priogrid_id,
    /// outcome_n (the mean), or with --samples one row per draw (month_id,
    /// priogrid_id, draw, outcome_n).
    #[arg(long, value_name = "FILE.csv")]
    pub views: Option<PathBuf>,
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
    /// Refit the learned model every K origins (1 = at every origin; default 1, and 6
    /// with --skill); between refits the latest fit forecasts from the newer data.
    #[arg(long, value_name = "K")]
    pub every: Option<usize>,
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
    /// The skill backtest instead: every origin, the learned model, the stacked
    /// ensemble and the four benchmarks scored exactly (CRPS, log score, 90% interval
    /// score, 50%/90% coverage, PIT), skill against the best benchmark per horizon and
    /// per origin, surge and lull origins apart, national totals expected against
    /// realised. Uses --origins, --horizons, --every, target, level and seed.
    #[arg(long)]
    pub skill: bool,
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
    let panel = vigil_forecast::Panel::from_events(&ev, s.units, None, origin);
    let published = vigil_forecast::publish::forecast_guarded(&panel, &opts, None)?;
    let rows = &published.rows;
    let f = std::fs::File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    vigil_forecast::write_csv(rows, level, std::io::BufWriter::new(f))
        .with_context(|| format!("writing {}", args.out.display()))?;
    if let Some(p) = &args.views {
        let f = std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
        vigil_forecast::views::write_views_csv(rows, std::io::BufWriter::new(f))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    for sk in &published.skill {
        let used = rows.iter().find(|r| r.horizon == sk.horizon).map(|r| r.model_used).unwrap_or(opts.model);
        eprintln!(
            "horizon {:>2}: {} CRPS skill {:+.1}% against {} over {} backtest origins: published {}",
            sk.horizon,
            opts.model.as_str(),
            100.0 * sk.skill(opts.model),
            sk.best_benchmark.as_str(),
            sk.origins,
            used.as_str()
        );
    }
    if args.store {
        let id = store_run(store, &args.unit, &opts, &published, level).await?;
        eprintln!("stored as forecast run {id}");
    }
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

/// Whether the stored incidents are the synthetic demo data (their source says so).
async fn incidents_synthetic(store: &Store) -> Result<bool> {
    let mut synthetic = false;
    store
        .for_each_incident(&vigil_model::IncidentFilter::default(), |l| {
            synthetic |= l.incident.extra("source_article").is_some_and(|s| s.contains("SYNTHETIC"));
            Ok(())
        })
        .await
        .context("reading incidents")?;
    Ok(synthetic)
}

async fn store_run(
    store: &Store,
    unit: &UnitArgs,
    opts: &ForecastOptions,
    p: &vigil_forecast::publish::PublishedForecast,
    level: Level,
) -> Result<i64> {
    let actor = format!("cli:{}", crate::incidents_cmd::os_user());
    let synthetic = incidents_synthetic(store).await?;
    vigil_app::forecasts::store_published(store, &actor, opts, p, level, unit.country.as_deref(), synthetic)
        .await
        .context("storing the forecast run")
}

pub async fn backtest(args: BacktestArgs, store: &Store) -> Result<()> {
    let (first, last) = parse_month_range(&args.origins)?;
    if args.skill {
        return skill_backtest(args, store, first, last).await;
    }
    let mut opts = BacktestOptions::new(first, last);
    opts.every = args.every.unwrap_or(1).max(1);
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
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} (model fits, then origins scored), {elapsed} (eta {eta})",
        )
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

/// `vigil backtest --skill`.
async fn skill_backtest(args: BacktestArgs, store: &Store, first: Month, last: Month) -> Result<()> {
    let mut opts = vigil_forecast::skill::SkillOptions::new(first, last);
    if let Some(e) = args.every {
        opts.every = e.max(1);
    }
    opts.horizons = parse_horizons(&args.horizons)?;
    opts.target = Target::parse(&args.unit.target)?;
    opts.seed = args.unit.seed;
    if args.format == ReportFormat::Csv || args.plot.is_some() || !args.model.eq_ignore_ascii_case("all") {
        bail!("--skill prints its report as a table and scores every model: drop --format csv, --plot and --model");
    }
    let s = setup(&args.unit, store).await?;
    let ev = events(store, s.country.as_deref().filter(|_| args.unit.country.is_some()), None).await?;
    let data_end = ev
        .iter()
        .map(|e| Month::of(e.date_start))
        .max()
        .context("no incidents: import some first (vigil import FILE)")?;
    let max_h = *opts.horizons.iter().max().context("no horizons")?;
    let panel = vigil_forecast::Panel::from_events(&ev, s.units, None, last.plus(max_h as i32).min(data_end));
    let pb = ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}, {elapsed}").expect("template"));
    pb.set_message("skill backtest");
    let started = std::time::Instant::now();
    let report = vigil_forecast::skill::skill_backtest(&panel, &opts, &mut |done, total| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    })?;
    pb.finish_and_clear();
    print!("{}", report.to_table());
    eprintln!("skill backtest in {:.1}s", started.elapsed().as_secs_f64());
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
