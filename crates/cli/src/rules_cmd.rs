//! `vigil rules check` and `vigil rules backtest`: alert rules from the command line.
//!
//! Analysts edit rule files by hand; `check` tells them what is wrong before the
//! server reloads the file, and `backtest` tells them what a threshold would have
//! done on the mission's own history before they put it in force.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Duration, NaiveDate};
use clap::{Args, Subcommand};
use vigil_model::IncidentFilter;
use vigil_store::Store;
use vigil_warn::backtest::{self, BacktestConfig, BacktestReport};
use vigil_warn::{ForecastRow, IncidentInput, RuleSet};

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Validate a rule file: every error names the rule and the field.
    Check(CheckArgs),
    /// Replay the stored incident history in time order through the rules and report,
    /// per rule: alerts fired, the share followed by a fatal incident in their area
    /// within 30 days, the share of fatal incidents with no alert in the 30 days
    /// before, and the median lead time.
    Backtest(BacktestArgs),
    /// Print the default rule set (the one `vigil demo` ships) as TOML, to start a
    /// rule file from.
    Default,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Rule file (TOML, one [[rule]] table per rule).
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct BacktestArgs {
    /// Rule file [default: the built-in default rules].
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// First day alerts may fire.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: NaiveDate,
    /// Last day alerts may fire.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: NaiveDate,
    /// Follow-up window in days, for "followed by" and "no alert before".
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub follow_days: i64,
    /// Forecast rows for forecast_threshold rules: CSV with `gid`, `month` (YYYY-MM)
    /// and `p_any` columns, as `vigil forecast --level pgm` writes. Without it, the
    /// learned model forecasts the country's cells here, month by month, from the last
    /// month complete before each day (needs the country outline loaded).
    #[arg(long, value_name = "FILE.csv")]
    pub forecasts: Option<PathBuf>,
}

pub fn check(a: CheckArgs) -> Result<()> {
    let set = RuleSet::load(&a.file)
        .with_context(|| format!("{} is not a valid rule file", a.file.display()))?;
    println!(
        "{}: {} rule(s), all valid",
        a.file.display(),
        set.rules.len()
    );
    for r in &set.rules {
        println!(
            "  {:<28} {:<19} {:<6} {}{}",
            r.id,
            r.kind.name(),
            format!("{:?}", r.status_on_fire).to_lowercase(),
            r.name,
            if r.enabled { "" } else { "  (disabled)" }
        );
    }
    Ok(())
}

/// The subcommands that need no database.
pub fn offline(c: RulesCommand) -> Result<()> {
    match c {
        RulesCommand::Check(a) => check(a),
        RulesCommand::Default => {
            print!("{}", vigil_warn::rules::DEFAULT_RULES_TOML);
            Ok(())
        }
        RulesCommand::Backtest(_) => bail!("rules backtest needs the database"),
    }
}

fn read_forecasts(path: &Path) -> Result<Vec<ForecastRow>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let h = r.headers()?.clone();
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .with_context(|| format!("{}: no `{name}` column", path.display()))
    };
    let (gid, month, p_any) = (col("gid")?, col("month")?, col("p_any")?);
    // `vigil forecast` files say where a benchmark was published instead of the model
    let fallback = h.iter().position(|c| c == "fallback_reason");
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        let line = i + 2;
        let ctx = || format!("{}:{line}", path.display());
        let m = NaiveDate::parse_from_str(&format!("{}-01", &rec[month]), "%Y-%m-%d")
            .with_context(ctx)?;
        rows.push(ForecastRow {
            gid: rec[gid].parse().with_context(ctx)?,
            month: m,
            p_any: rec[p_any].parse().with_context(ctx)?,
            fallback: fallback.is_some_and(|i| !rec[i].is_empty()),
        });
    }
    Ok(rows)
}

pub async fn backtest(a: BacktestArgs, store: &Store) -> Result<()> {
    if a.to < a.from {
        bail!("--to {} is before --from {}", a.to, a.from);
    }
    if a.follow_days <= 0 {
        bail!("--follow-days must be > 0");
    }
    let (rules, source) = match &a.rules {
        Some(p) => (
            RuleSet::load(p)
                .with_context(|| format!("{} is not a valid rule file", p.display()))?,
            p.display().to_string(),
        ),
        None => (
            RuleSet::default_rules(),
            "built-in default rules".to_owned(),
        ),
    };
    let forecasts = match (&a.forecasts, rules.forecast_months_ahead()) {
        (Some(p), _) => read_forecasts(p)?,
        (None, Some(h)) => crate::forecast_cmd::rolling_cell_forecasts(store, a.from, a.to, h).await?,
        (None, None) => Vec::new(),
    };
    // Enough history before `from` for the longest rule window, and enough after `to`
    // to see whether the last alerts were followed.
    let filter = IncidentFilter {
        from: Some(a.from - Duration::days(rules.lookback_days() + 1)),
        to: Some(a.to + Duration::days(a.follow_days)),
        ..Default::default()
    };
    let mut incidents = Vec::new();
    store
        .for_each_incident(&filter, |l| {
            incidents.push(IncidentInput::from_parts(&l.incident, &l.placement));
            Ok(())
        })
        .await?;
    let cfg = BacktestConfig {
        from: a.from,
        to: a.to,
        follow_days: a.follow_days,
    };
    let report = backtest::run(&rules, incidents, &forecasts, cfg);
    print!("{}", render(&report, &cfg, &source));
    Ok(())
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// The report as a plain-text table.
pub fn render(r: &BacktestReport, cfg: &BacktestConfig, source: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Rule backtest {} to {} ({} days), {source}: {} incidents replayed (+{} before the period for rule windows); follow-up window {} days.",
        cfg.from, cfg.to, r.days, r.incidents_replayed, r.incidents_warmup, cfg.follow_days
    );
    let _ = writeln!(
        s,
        "{:<26} {:<19} {:>7} {:>7} {:>17} {:>17} {:>12}",
        "rule", "kind", "firings", "alerts", "followed ≤30d", "fatal, no alert", "median lead"
    );
    for x in &r.rules {
        if let Some(why) = &x.not_evaluated {
            let _ = writeln!(s, "{:<26} {:<19} not evaluated: {why}", x.rule_id, x.kind);
            continue;
        }
        let _ = writeln!(
            s,
            "{:<26} {:<19} {:>7} {:>7} {:>17} {:>17} {:>12}",
            x.rule_id,
            x.kind,
            x.firings,
            x.alerts,
            format!(
                "{} ({}/{})",
                pct(x.followed_share()),
                x.alerts_followed,
                x.alerts
            ),
            format!(
                "{} ({}/{})",
                pct(x.missed_share()),
                x.fatal_missed,
                x.fatal_incidents
            ),
            x.median_lead_days()
                .map(|d| format!("{d:.1} days"))
                .unwrap_or_else(|| "–".into()),
        );
    }
    s
}
