//! `hr note` (the quarterly note on violations and abuses, HTML or PDF, with a CSV
//! of every table), `evidence add` / `evidence verify` (SHA-256 on arrival, custody,
//! re-hashing), and where the human-rights key is ([rights] in vigil.toml).

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use vigil_server::config::{ConfigFile, RightsSection};
use vigil_store::rights_key::RightsKey;
use vigil_store::Store;

/// The key file when nothing names one: next to where `vigil` runs.
pub const DEFAULT_KEY_FILE: &str = "vigil-rights.key";
pub const DEFAULT_EVIDENCE_DIR: &str = "vigil-evidence";

#[derive(Subcommand, Debug)]
pub enum HrCommand {
    /// The quarterly note on violations and abuses: by alleged perpetrator and act
    /// type, victims by sex and age, by region, against the previous quarter and the
    /// same quarter a year before. Verified cases only, no personal data, cells of
    /// fewer than 3 suppressed. Writes FILE.html or FILE.pdf (through chromium) and
    /// one CSV per table beside it.
    Note(NoteArgs),
}

#[derive(Args, Debug)]
pub struct NoteArgs {
    /// The quarter, YYYY-QN (e.g. 2022-Q3).
    #[arg(long, value_name = "YYYY-QN")]
    pub quarter: String,
    /// Output file: .html, or .pdf (printed by headless chromium; CHROMIUM names it,
    /// default /usr/bin/chromium).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Suppress cells below this count (at least 3).
    #[arg(long, default_value_t = vigil_rights::DEFAULT_THRESHOLD, value_name = "N")]
    pub threshold: u32,
    /// Label the note as made from synthetic data.
    #[arg(long)]
    pub synthetic: bool,
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Keep a file as evidence of a case: copied into the evidence folder, hashed
    /// (SHA-256) and recorded with its first custody entry.
    Add(EvidenceAddArgs),
    /// Re-hash every evidence file and compare with its hash on arrival; each check
    /// is a custody entry. Names every changed or missing file and exits non-zero.
    Verify(EvidenceVerifyArgs),
}

#[derive(Args, Debug)]
pub struct EvidenceAddArgs {
    /// The case it is evidence of.
    #[arg(long)]
    pub case: i64,
    /// The human-rights officer receiving it (an account name).
    #[arg(long = "as", value_name = "USER")]
    pub as_user: String,
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvidenceVerifyArgs {
    /// Who checks (recorded in the custody entries).
    #[arg(long = "as", value_name = "USER", default_value = "vigil-cli")]
    pub as_user: String,
}

fn section() -> Result<RightsSection> {
    let path = Path::new("vigil.toml");
    Ok(if path.is_file() { ConfigFile::load(path)?.rights } else { RightsSection::default() })
}

/// Attach the human-rights key: from VIGIL_RIGHTS_KEY_FILE, else `[rights] key_env`
/// (a variable holding it), else `[rights] key_file`, else ./vigil-rights.key. A new
/// key file is made only when `create` and the database has no sealed records yet;
/// otherwise a missing key is an error naming where it was looked for.
pub async fn with_rights_key(store: Store, s: &RightsSection, create: bool) -> Result<Store> {
    let env_file = std::env::var_os("VIGIL_RIGHTS_KEY_FILE").map(PathBuf::from);
    let key = match (&env_file, &s.key_env) {
        (None, Some(var)) => RightsKey::from_env(var)?,
        _ => {
            let file = env_file.or_else(|| s.key_file.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE));
            if create && !store.has_sealed_records().await? {
                let (k, made) = RightsKey::load_or_create(&file)?;
                if made {
                    eprintln!(
                        "note: created the human-rights key {} (mode 0600); keep it, and a copy, off the database's disk: without it victims, witnesses and sources cannot be read",
                        file.display()
                    );
                }
                k
            } else {
                RightsKey::load(&file)?
            }
        }
    };
    Ok(store.attach_rights_key(key).await?)
}

pub async fn hr(c: HrCommand, store: Store) -> Result<()> {
    match c {
        HrCommand::Note(a) => note(a, &store).await,
    }
}

async fn note(a: NoteArgs, store: &Store) -> Result<()> {
    let quarter: vigil_rights::Quarter = a.quarter.parse()?;
    if a.threshold < vigil_rights::DEFAULT_THRESHOLD {
        bail!(
            "--threshold {}: at least {} (small cells identify people)",
            a.threshold,
            vigil_rights::DEFAULT_THRESHOLD
        );
    }
    let ext = a.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let pdf = match ext.as_deref() {
        Some("html" | "htm") => false,
        Some("pdf") => true,
        _ => bail!("--out {}: name a .html or .pdf file", a.out.display()),
    };
    let n = vigil_app::rights::note(store, quarter, a.threshold).await?;
    let regions = store.area_names(1).await?.into_iter().collect();
    let synthetic = a.synthetic || vigil_app::forecasts::incidents_synthetic(store).await?;
    let html = vigil_app::rights::note_html(&n, &regions, synthetic);
    let stem = a.out.with_extension("");
    let html_path = if pdf { PathBuf::from(format!("{}.html", stem.display())) } else { a.out.clone() };
    std::fs::write(&html_path, &html).with_context(|| format!("writing {}", html_path.display()))?;
    let mut written = vec![html_path.display().to_string()];
    for t in &n.tables {
        let p = PathBuf::from(format!("{}-{}.csv", stem.display(), t.name));
        std::fs::write(&p, vigil_app::rights::note_csv(t, &regions))
            .with_context(|| format!("writing {}", p.display()))?;
        written.push(p.display().to_string());
    }
    if pdf {
        print_pdf(&html_path, &a.out)?;
        written.insert(0, a.out.display().to_string());
    }
    println!(
        "quarterly note {}: {} table(s), verified cases only, cells under {} suppressed ({} case(s) of the quarter not yet verified)",
        n.quarter,
        n.tables.len(),
        a.threshold,
        n.unverified
    );
    for w in written {
        println!("  {w}");
    }
    Ok(())
}

/// Headless chromium's `--print-to-pdf` of a local HTML file.
pub(crate) fn print_pdf(html: &Path, out: &Path) -> Result<()> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        bail!(
            "no chromium at {chromium} to print the PDF (apt-get install chromium, or set CHROMIUM); the HTML is at {}",
            html.display()
        );
    }
    let html = html.canonicalize()?;
    let out_abs = std::env::current_dir()?.join(out);
    let profile = tempfile::tempdir()?;
    let status = std::process::Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", out_abs.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {chromium}"))?;
    let ok = std::fs::read(&out_abs).is_ok_and(|b| b.starts_with(b"%PDF"));
    if !status.success() || !ok {
        bail!("{chromium} did not print {} ({status}); the HTML is at {}", out.display(), html.display());
    }
    Ok(())
}

pub async fn evidence(c: EvidenceCommand, store: Store) -> Result<()> {
    match c {
        EvidenceCommand::Add(a) => {
            let s = section()?;
            let dir = s.evidence_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_EVIDENCE_DIR));
            let user = store
                .users()
                .await?
                .into_iter()
                .find(|u| u.name == a.as_user)
                .with_context(|| format!("--as {}: no such account", a.as_user))?;
            let p = store.principal(&user).await?;
            let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
            let name = a.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "evidence".into());
            let id = vigil_app::rights::add_evidence(&store, &p, a.case, &name, &bytes, &dir).await?;
            println!(
                "evidence {id} of case {}: {name}, {} bytes, sha256 {}",
                a.case,
                bytes.len(),
                vigil_store::audit::sha256_hex(&bytes)
            );
            Ok(())
        }
        EvidenceCommand::Verify(a) => {
            let checks = vigil_app::rights::verify_evidence(&store, &a.as_user).await?;
            let bad: Vec<_> = checks.iter().filter(|c| !c.ok).collect();
            for c in &bad {
                match &c.found {
                    None => {
                        println!("MISSING evidence {} (case {}): {} cannot be read", c.evidence_id, c.case_id, c.path)
                    }
                    Some(f) => println!(
                        "CHANGED evidence {} (case {}): {} sha256 {f}, {} on arrival",
                        c.evidence_id, c.case_id, c.path, c.expected
                    ),
                }
            }
            if bad.is_empty() {
                println!("evidence intact: {} file(s) re-hashed, each matches its SHA-256 on arrival", checks.len());
                Ok(())
            } else {
                bail!("{} of {} evidence file(s) changed or missing", bad.len(), checks.len())
            }
        }
    }
}
