//! `import`, `boundaries import`, `incidents` and `stats`.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use vigil_ingest::{GedWriter, HxlWriter, IncidentReader};
use vigil_model::{IncidentFilter, ViolenceType};
use vigil_store::access::Visibility;
use vigil_store::{ImportOptions, StatKey, Store};

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// GED (19.x or 2x.1, with or without the HDX hashtag row) or ACLED CSV file.
    pub file: PathBuf,
    /// Import the good rows and write every rejected row, with its line and reason,
    /// to this CSV file. Without it, one bad row aborts the import and nothing is stored.
    #[arg(long, value_name = "REJECTS.csv")]
    pub skip_invalid: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum BoundariesCommand {
    /// Load (or replace) one admin level from a GeoJSON FeatureCollection and
    /// re-assign every incident's area at that level.
    Import(BoundariesImportArgs),
}

#[derive(Args, Debug)]
pub struct BoundariesImportArgs {
    /// GeoJSON file of Polygon / MultiPolygon features.
    pub file: PathBuf,
    /// 0 = country outline, 1 = first-level areas (regions), 2 = second-level (cercles).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub level: u8,
    /// Feature property holding the area code [default: adm<LEVEL>_pcode].
    #[arg(long)]
    pub code_field: Option<String>,
    /// Feature property holding the area name [default: adm<LEVEL>_name].
    #[arg(long)]
    pub name_field: Option<String>,
}

/// Filters shared by `incidents` and `stats`.
#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    /// First day included (YYYY-MM-DD), on the incident's start date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Last day included (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Country name as the source gives it (case-insensitive).
    #[arg(long)]
    pub country: Option<String>,
    /// Admin-1 code (e.g. ML07).
    #[arg(long, value_name = "CODE")]
    pub admin1: Option<String>,
    /// Admin-2 code (e.g. ML0701).
    #[arg(long, value_name = "CODE")]
    pub admin2: Option<String>,
    /// PRIO-GRID cell id.
    #[arg(long, value_name = "N")]
    pub gid: Option<i64>,
    /// UCDP type of violence: 1 state-based, 2 non-state, 3 one-sided.
    #[arg(long = "type", value_name = "1|2|3", value_parser = clap::value_parser!(i64).range(1..=3))]
    pub type_of_violence: Option<i64>,
    /// Mission category (ied, attack_on_peacekeepers, crsv, …): incidents coded from reports.
    #[arg(long, value_name = "CODE", value_parser = vigil_model::vocab::codes(vigil_model::vocab::CATEGORIES))]
    pub category: Option<String>,
}

impl FilterArgs {
    pub fn filter(&self) -> IncidentFilter {
        IncidentFilter {
            from: self.from,
            to: self.to,
            country: self.country.clone(),
            admin1: self.admin1.clone(),
            admin2: self.admin2.clone(),
            gid: self.gid,
            type_of_violence: self.type_of_violence.and_then(ViolenceType::from_code),
            category: self.category.clone(),
        }
    }
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ExportFormat {
    /// UCDP GED 2x.1 layout (49 columns).
    Csv,
    /// RFC 7946 FeatureCollection of points.
    Geojson,
    /// CSV with an HXL hashtag row.
    Hxl,
}

#[derive(Args, Debug)]
pub struct IncidentsArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also export restricted and confidential incidents (held back by default);
    /// the export is recorded in the audit log with who ran it.
    #[arg(long)]
    pub include_sensitive: bool,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum TableFormat {
    Csv,
    Table,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Grouping key.
    #[arg(long, value_parser = crate::vocab_arg::coded(&StatKey::ALL, StatKey::as_str))]
    pub by: StatKey,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output layout [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
}

/// A byte-based progress bar on stderr, drawn only on a terminal.
pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let pb = ProgressBar::with_draw_target(Some(len), target);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

pub async fn import(a: ImportArgs, store: &Store) -> Result<()> {
    let reader = IncidentReader::open(&a.file)?;
    let format = reader.format();
    let size = std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0);
    let mut opts = ImportOptions::default();
    if let Some(path) = &a.skip_invalid {
        let f = std::fs::File::create(path).with_context(|| format!("creating rejects file {}", path.display()))?;
        let w: Box<dyn Write + Send> = Box::new(std::io::BufWriter::new(f));
        opts.rejects = Some(csv::WriterBuilder::new().flexible(true).from_writer(w));
    }
    let pb = progress_bar(size, "importing");
    let report = store
        .import_incidents(reader, opts, &|bytes| pb.set_position(bytes))
        .await
        .with_context(|| format!("importing {} (nothing was stored)", a.file.display()))?;
    pb.finish_and_clear();
    // committed by now: a closed stdout (`| head`) ends the command quietly (main.rs)
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {format}: {} added, {} updated, {} unchanged, {} rejected",
        a.file.display(),
        report.added,
        report.updated,
        report.unchanged,
        report.rejected
    )?;
    if report.rejected > 0 {
        if let Some(p) = &a.skip_invalid {
            writeln!(out, "  rejected rows and their reasons: {}", p.display())?;
        }
    }
    if report.flagged_bounds > 0 {
        writeln!(out, "  {} rows break low <= best <= high (accepted and flagged)", report.flagged_bounds)?;
    }
    if report.without_point > 0 {
        writeln!(out, "  {} rows have no coordinates (no grid cell or admin area)", report.without_point)?;
    }
    if report.gid_mismatches > 0 {
        writeln!(out, "  {} rows carry a priogrid_gid that differs from their point's cell", report.gid_mismatches)?;
    }
    if report.outside_admin2 > 0 || report.outside_admin1 > 0 {
        writeln!(
            out,
            "  points in no loaded polygon (left unassigned): {} at admin1, {} at admin2; e.g. {}",
            report.outside_admin1,
            report.outside_admin2,
            report.outside_examples.join(", ")
        )?;
    }
    Ok(())
}

pub async fn boundaries(c: BoundariesCommand, store: &Store) -> Result<()> {
    match c {
        BoundariesCommand::Import(a) => {
            let code = a.code_field.unwrap_or_else(|| format!("adm{}_pcode", a.level));
            let name = a.name_field.unwrap_or_else(|| format!("adm{}_name", a.level));
            let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
            let areas = vigil_geo::admin::parse_boundaries(&text, a.level, &code, &name)
                .with_context(|| format!("{}", a.file.display()))?;
            let r = store.import_boundaries(a.level, &areas).await.context("storing boundaries (nothing was changed)")?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}: {} areas at level {}", a.file.display(), r.areas, r.level)?;
            if a.level > 0 {
                writeln!(
                    out,
                    "  incidents assigned: {}; too coarse for this level: {}; in no polygon (left unassigned): {}",
                    r.assigned, r.too_coarse, r.outside
                )?;
            }
            Ok(())
        }
    }
}

/// Who ran a command, for the audit log: the operating-system account.
pub(crate) fn os_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into())
}

pub async fn incidents(a: IncidentsArgs, store: &Store) -> Result<()> {
    let filter = a.filter.filter();
    // public incidents only, unless asked for the rest: then the request is audited
    // before anything is written (see vigil_store::access)
    let vis = if a.include_sensitive {
        let details = serde_json::json!({
            "format": format!("{:?}", a.format).to_lowercase(),
            "filter": filter,
            "out": a.out.as_ref().map(|p| p.display().to_string()),
        });
        store
            .audit_record(&format!("cli:{}", os_user()), "export_sensitive", "incidents", Some(&details))
            .await
            .context("recording the sensitive export in the audit log (nothing was exported)")?;
        Visibility::Confidential
    } else {
        Visibility::Public
    };
    let out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    // Vigil's own fields (mission category, sensitivity, verification) follow the
    // source's columns in every format
    let n = match a.format {
        ExportFormat::Csv => {
            let mut w = GedWriter::with_mission(out)?;
            let n = store.for_each_visible_export(vis, &filter, |l, m| Ok(w.write_mission(&l, &m)?)).await?;
            w.finish()?;
            n
        }
        ExportFormat::Hxl => {
            let mut w = HxlWriter::with_mission(out)?;
            let n = store.for_each_visible_export(vis, &filter, |l, m| Ok(w.write_mission(&l, &m)?)).await?;
            w.finish()?;
            n
        }
        ExportFormat::Geojson => {
            // collect first: the GeoJSON writer pulls from an iterator
            let mut all = Vec::new();
            let n = store
                .for_each_visible_export(vis, &filter, |l, m| {
                    all.push(vigil_ingest::write::geojson_feature_mission(&l, &m));
                    Ok(())
                })
                .await?;
            vigil_ingest::write_feature_collection::<_, std::io::Error>(out, all.into_iter().map(Ok))?;
            n
        }
    };
    if let Some(p) = &a.out {
        eprintln!("{n} incidents written to {}", p.display());
    }
    Ok(())
}

pub async fn stats(a: StatsArgs, store: &Store) -> Result<()> {
    let key = a.by;
    let rows = store.stats(key, &a.filter.filter()).await?;
    let names: std::collections::HashMap<String, String> = match key {
        StatKey::Admin1 => store.area_names(1).await?.into_iter().collect(),
        StatKey::Admin2 => store.area_names(2).await?.into_iter().collect(),
        _ => Default::default(),
    };
    let key_name = format!("{:?}", a.by).to_lowercase();
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() { TableFormat::Table } else { TableFormat::Csv });
    let mut header = vec![key_name.as_str()];
    if !names.is_empty() {
        header.push("name");
    }
    header.extend(["incidents", "best", "low", "high", "civilian_deaths"]);
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![r.key.clone()];
            if !names.is_empty() {
                v.push(names.get(&r.key).cloned().unwrap_or_default());
            }
            v.extend([
                r.incidents.to_string(),
                r.best.to_string(),
                r.low.to_string(),
                r.high.to_string(),
                r.civilian_deaths.map(|c| c.to_string()).unwrap_or_default(),
            ]);
            v
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            // area names come from boundary files: neutralised for spreadsheets
            w.write_record(&header)?;
            for l in &lines {
                w.write_record(l.iter().map(|c| vigil_ingest::write::neutralise(c)))?;
            }
            w.flush()?;
        }
        TableFormat::Table => {
            let widths: Vec<usize> = (0..header.len())
                .map(|c| lines.iter().map(|l| l[c].chars().count()).chain([header[c].len()]).max().unwrap_or(0))
                .collect();
            // the key column, and the area name beside an area code, are text
            let numeric = |c: usize| c > 1 || (c == 1 && names.is_empty());
            let fmt = |cells: Vec<&str>| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(c, s)| if numeric(c) { format!("{s:>w$}", w = widths[c]) } else { format!("{s:<w$}", w = widths[c]) })
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            writeln!(out, "{}", fmt(header.clone()))?;
            for l in &lines {
                writeln!(out, "{}", fmt(l.iter().map(String::as_str).collect()))?;
            }
            if lines.is_empty() {
                writeln!(out, "(no incidents match)")?;
            }
        }
    }
    if rows.iter().any(|r| r.key.is_empty()) && matches!(key, StatKey::Admin1 | StatKey::Admin2) {
        eprintln!("note: the row with an empty key counts incidents with no area at this level (too coarse, outside the loaded polygons, or no boundaries loaded)");
    }
    Ok(())
}
