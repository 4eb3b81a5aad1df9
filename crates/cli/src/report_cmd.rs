//! `vigil report`: the figures section of the periodic report for a quarter, from the
//! records only (vigil_app::parameters::report): HTML with inline SVG charts, or PDF
//! printed from that HTML by headless chromium; beside it, `<stem>-figures.json`
//! (every figure with its definition and query), `<stem>-figures.csv` and one CSV per
//! table.

use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use vigil_store::access::Visibility;
use vigil_store::Store;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The period, a quarter YYYY-QN (e.g. 2022-Q4); compared with the previous
    /// quarter and the same quarter a year earlier.
    #[arg(long, value_name = "YYYY-QN")]
    pub period: String,
    /// Output file: .html, or .pdf (printed from the HTML by headless chromium;
    /// CHROMIUM names it, default /usr/bin/chromium). The JSON and CSVs go beside it.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Suppress human-rights cells below this count (at least 3).
    #[arg(long, default_value_t = vigil_rights::DEFAULT_THRESHOLD, value_name = "N")]
    pub threshold: u32,
    /// Report on the demo's SYNTHETIC records (seeded into a temporary database, the
    /// rules replayed as `vigil demo` does) instead of --db.
    #[arg(long)]
    pub demo: bool,
}

/// A temporary database with the demo's records, alerts and responses.
async fn demo_store(dir: &Path) -> Result<Store> {
    let url = format!("sqlite://{}", dir.join("vigil.db").display());
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let key = crate::audit_cmd::AuditPaths {
        key_file: dir.join("audit.key"),
        checkpoints: dir.join("audit-checkpoints.jsonl"),
    };
    let store = crate::audit_cmd::with_key_for_writing_quietly(store, &key).await?;
    let store = store
        .attach_rights_key(vigil_store::rights_key::RightsKey::generate())
        .await?;
    vigil_server::demo::seed(&store, true).await?;
    let mut config = vigil_server::config::ServerConfig {
        demo: true,
        ..Default::default()
    };
    let local: std::net::SocketAddr = "127.0.0.1:8080".parse()?;
    vigil_server::config::apply_public_url(&mut config.alerting, None, local)?;
    let state = vigil_server::AppState::new(store.clone(), config).await?;
    let replay = vigil_server::demo::replay_recent(&state).await?;
    vigil_server::demo::seed_working_loop(&state, replay.clock_start).await?;
    Ok(store)
}

pub async fn report(a: ReportArgs, db: &str) -> Result<()> {
    let quarter: vigil_rights::Quarter = a
        .period
        .parse()
        .with_context(|| format!("--period {}", a.period))?;
    if a.threshold < vigil_rights::DEFAULT_THRESHOLD {
        bail!(
            "--threshold {}: at least {} (small cells identify people)",
            a.threshold,
            vigil_rights::DEFAULT_THRESHOLD
        );
    }
    let ext = a
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let pdf = match ext.as_deref() {
        Some("html" | "htm") => false,
        Some("pdf") => true,
        _ => bail!("--out {}: name a .html or .pdf file", a.out.display()),
    };
    let tmp = tempfile::Builder::new()
        .prefix("vigil-report-")
        .tempdir()
        .context("creating a temporary folder")?;
    let store = if a.demo {
        demo_store(tmp.path()).await?
    } else {
        Store::connect(db)
            .await
            .with_context(|| format!("opening database {db}"))?
    };
    // the report counts public incidents: the same figures for every reader
    let r = vigil_app::parameters::report(
        &store,
        Visibility::Public,
        quarter,
        a.threshold,
        chrono::Utc::now(),
    )
    .await?;
    let stem = a.out.with_extension("");
    let html_path = if pdf {
        PathBuf::from(format!("{}.html", stem.display()))
    } else {
        a.out.clone()
    };
    if let Some(dir) = html_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&html_path, vigil_parameters::report::html(&r))
        .with_context(|| format!("writing {}", html_path.display()))?;
    let mut written = vec![html_path.display().to_string()];
    for (name, body) in vigil_app::parameters::side_files(&r) {
        let p = PathBuf::from(format!("{}-{name}", stem.display()));
        std::fs::write(&p, body).with_context(|| format!("writing {}", p.display()))?;
        written.push(p.display().to_string());
    }
    if pdf {
        crate::hr_cmd::print_pdf(&html_path, &a.out)?;
        written.insert(0, a.out.display().to_string());
    }
    let incomplete = r.figures.iter().filter(|f| !f.complete).count();
    println!(
        "figures for {} (against {} and {}): {} figure(s), {} table(s); {} figure(s) with incomplete sources{}",
        r.period,
        r.previous,
        r.year_before,
        r.figures.len(),
        r.tables.len(),
        incomplete,
        if r.synthetic { "; SYNTHETIC data" } else { "" }
    );
    for w in written {
        println!("  {w}");
    }
    Ok(())
}
