//! `vigil footprint`: load the shipped sites and options, list scenarios, compare
//! them (one table: rows are measures, columns scenarios, deltas against the first).

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use vigil_app::footprint as fp;
use vigil_store::access::Visibility;
use vigil_store::Store;

#[derive(Subcommand, Debug)]
pub enum FootprintCommand {
    /// Load the shipped sites and the baseline and options 1a–3 (S/2023/36 §65–81)
    /// into the store; again, only what changed is written (audited).
    Load,
    /// List the stored scenarios.
    Scenarios,
    /// Compare scenarios: CASEVAC reach within 1 h and 2 h and ground QRF reach, on the
    /// incidents of the last 12 months (public ones, as `vigil incidents` exports them),
    /// the latest cell forecast run and the towns. Figures rest on assumptions: see
    /// data/footprint/assumptions.md and `--set`.
    Compare(CompareArgs),
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario ids, comma-separated; the first is the reference for the deltas.
    #[arg(long, default_value = "baseline,1a,1b,2a,2b,3", value_name = "IDS")]
    pub scenarios: String,
    /// Night: only night-capable helicopter units fly, with the night launch delay.
    #[arg(long)]
    pub night: bool,
    /// Write the table as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the whole comparison (table, coverage by region and cercle, gaps,
    /// settings used) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Change a setting for this run, e.g. speed_kmh=180, launch_day_min=45,
    /// restriction.East.added_delay_min=30 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Also print the sensitivity of this measure (a row key, e.g. fatalities_in_1h)
    /// to the launch delay (15–60 min) and speed (150–250 km/h).
    #[arg(long, value_name = "MEASURE")]
    pub sensitivity: Option<String>,
    /// How many gaps (clusters of risk outside reach) to print per scenario.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub gaps: usize,
}

pub async fn footprint(c: FootprintCommand, store: &Store) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match c {
        FootprintCommand::Load => {
            let s = fp::load(store, "cli").await?;
            writeln!(
                out,
                "footprint: {} sites added, {} updated; {} scenarios created, {} refreshed",
                s.sites_added, s.sites_updated, s.scenarios_created, s.scenarios_refreshed
            )?;
        }
        FootprintCommand::Scenarios => {
            for s in fp::scenarios(store).await? {
                writeln!(
                    out,
                    "{:<12} v{:<3} {:<8} {} changes  {}",
                    s.scenario.id,
                    s.version,
                    if s.shipped { "shipped" } else { "copy" },
                    s.scenario.changes.len(),
                    s.scenario.title
                )?;
            }
        }
        FootprintCommand::Compare(a) => compare(a, store, &mut out).await?,
    }
    Ok(())
}

async fn compare(a: CompareArgs, store: &Store, out: &mut impl Write) -> Result<()> {
    let pairs = a
        .set
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .context(format!("--set `{s}`: use KEY=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let settings = fp::settings("--set", &pairs)?;
    let ids: Vec<String> = a.scenarios.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let started = std::time::Instant::now();
    let c = fp::compare(store, Visibility::Public, &ids, a.night, &settings).await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    write!(out, "{}", c.text_table())?;
    writeln!(out)?;
    for n in &c.inputs {
        writeln!(out, "input: {n}")?;
    }
    let s = &c.settings;
    writeln!(
        out,
        "settings [assumptions]: speed {} km/h; launch {} min by day, {} by night; clearance {} min; on scene {} min; \
         windows {}/{} min; road {} km/h × factor {}; QRF notice {} min, within {} h; Level 2 at {}",
        s.speed_kmh,
        s.launch_day_min,
        s.launch_night_min,
        s.clearance_min,
        s.on_scene_min,
        s.window_1h_min,
        s.window_2h_min,
        s.road_speed_kmh,
        s.road_factor,
        s.qrf_notice_min,
        s.qrf_hours,
        s.dcs_sites.join(", ")
    )?;
    writeln!(out, "note: {}", c.assumptions_note)?;
    writeln!(out, "change settings: {}", vigil_footprint::settings::WHERE_TO_CHANGE)?;
    if a.gaps > 0 {
        for cov in &c.coverage {
            let g: Vec<String> = cov
                .gaps
                .iter()
                .take(a.gaps)
                .map(|g| {
                    format!(
                        "#{} ({:.2}, {:.2}) {:.0} deaths + {:.1} expected, {:.0} km from {}",
                        g.rank, g.lat, g.lon, g.fatalities, g.expected_fatalities, g.nearest_km, g.nearest_site
                    )
                })
                .collect();
            writeln!(out, "gaps {}: {}", cov.scenario, if g.is_empty() { "none".into() } else { g.join("; ") })?;
        }
    }
    writeln!(
        out,
        "({} scenarios, {}, computed in {:.0} ms)",
        c.scenarios.len(),
        if c.night { "night" } else { "day" },
        ms
    )?;
    writeln!(out, "sources: {}", c.attribution)?;
    if let Some(m) = &a.sensitivity {
        let sens = fp::sensitivity(store, Visibility::Public, &ids, a.night, &settings, m).await?;
        writeln!(out, "\nsensitivity of {m} [assumption] (rows: launch delay min; columns: speed km/h)")?;
        for (id, grid) in &sens.scenarios {
            writeln!(out, "{id}:  {}", sens.speeds_kmh.iter().map(|v| format!("{v:>8}")).collect::<String>())?;
            for (l, row) in sens.launch_delays_min.iter().zip(grid) {
                writeln!(out, "  {l:>4} {}", row.iter().map(|v| format!("{v:>8.0}")).collect::<String>())?;
            }
        }
    }
    if let Some(p) = &a.csv {
        std::fs::write(p, c.csv()).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &a.json {
        std::fs::write(p, serde_json::to_string_pretty(&c)?).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}
