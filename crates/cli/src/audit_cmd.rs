//! `audit verify` and `audit checkpoint`, and where the audit key and checkpoints
//! live (vigil.toml [audit], the environment, or the defaults in the working folder).

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use vigil_server::config::{AuditSection, ConfigFile};
use vigil_store::audit_key::{AuditKey, Checkpoint};
use vigil_store::Store;

/// The key file when nothing names one: next to where `vigil` runs. Move it (and say
/// where in vigil.toml) to keep it off the database's disk.
pub const DEFAULT_KEY_FILE: &str = "vigil-audit.key";
pub const DEFAULT_CHECKPOINTS: &str = "vigil-audit-checkpoints.jsonl";

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit log's keyed chain, check it against the signed
    /// checkpoints, and compare report and incident rows with their last audited
    /// state; name every edited, removed, reordered, swapped or forged entry and every
    /// changed row, and exit non-zero.
    Verify(VerifyArgs),
    /// Sign the chain's current head (sequence number, head MAC, entry count, time)
    /// and append it to the checkpoints file; keep copies away from the database.
    /// Refuses when the log does not verify.
    Checkpoint(CheckpointArgs),
    /// Who read a record's restricted detail, and when: every `read_restricted` entry
    /// of an entity (case/ID, investigation/ID, incident/ID, report/ID).
    Reads(ReadsArgs),
}

#[derive(Args, Debug)]
pub struct ReadsArgs {
    /// The record, e.g. case/12.
    #[arg(long, value_name = "KIND/ID")]
    pub entity: String,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Checkpoints file [default: [audit] checkpoints in ./vigil.toml, else
    /// ./vigil-audit-checkpoints.jsonl, when it exists].
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// File to append the checkpoint to [default: [audit] checkpoints in
    /// ./vigil.toml, else ./vigil-audit-checkpoints.jsonl].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Where the audit key and checkpoints are.
#[derive(Debug, Clone)]
pub struct AuditPaths {
    pub key_file: PathBuf,
    pub checkpoints: PathBuf,
}

impl AuditPaths {
    /// From the [audit] section of a config file, then VIGIL_AUDIT_KEY_FILE, then the defaults.
    pub fn resolve(section: &AuditSection) -> AuditPaths {
        let key_file = std::env::var_os("VIGIL_AUDIT_KEY_FILE")
            .map(PathBuf::from)
            .or_else(|| section.key_file.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE));
        let checkpoints = section.checkpoints.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_CHECKPOINTS));
        AuditPaths { key_file, checkpoints }
    }

    /// From ./vigil.toml when it exists.
    pub fn from_working_folder() -> Result<AuditPaths> {
        let path = Path::new("vigil.toml");
        let section = if path.is_file() { ConfigFile::load(path)?.audit } else { AuditSection::default() };
        Ok(AuditPaths::resolve(&section))
    }
}

/// Attach the audit key to a store that will write entries, creating the key file
/// (0600) when it does not exist yet.
pub async fn with_key_for_writing(store: Store, paths: &AuditPaths) -> Result<Store> {
    let (key, created) = AuditKey::load_or_create(&paths.key_file)?;
    if created {
        eprintln!(
            "note: created the audit key {} (mode 0600); keep it, and a copy, off the database's disk: without it the audit log cannot be verified",
            paths.key_file.display()
        );
    }
    Ok(store.attach_audit_key(key).await?)
}

/// The same, without the note (the demo's key lives and dies with its temporary folder).
pub async fn with_key_for_writing_quietly(store: Store, paths: &AuditPaths) -> Result<Store> {
    let (key, _) = AuditKey::load_or_create(&paths.key_file)?;
    Ok(store.attach_audit_key(key).await?)
}

/// Attach the existing audit key: verifying needs the key the log was written with.
pub async fn with_existing_key(store: Store, paths: &AuditPaths) -> Result<Store> {
    let key = AuditKey::load(&paths.key_file)?;
    Ok(store.attach_audit_key(key).await?)
}

pub async fn audit(c: AuditCommand, store: Store) -> Result<()> {
    let paths = AuditPaths::from_working_folder()?;
    let store = with_existing_key(store, &paths).await?;
    match c {
        AuditCommand::Verify(a) => {
            let file = match a.checkpoint {
                Some(f) => Some(f),
                None => Some(paths.checkpoints.clone()).filter(|p| p.is_file()),
            };
            let checkpoints = match &file {
                Some(f) => Checkpoint::read_all(f)?,
                None => vec![],
            };
            let v = store.verify_audit(&checkpoints).await?;
            let against = match &file {
                Some(f) => format!("{} checkpoint(s) in {}", v.checkpoints, f.display()),
                None => "no checkpoint file (a log cut short, or wiped and rebuilt, is only caught against a checkpoint: run `vigil audit checkpoint`)".into(),
            };
            if v.ok() {
                println!("audit log intact: {} entries, keyed chain verified, rows match their audited state; against {against}", v.entries);
                return Ok(());
            }
            println!("audit log TAMPERED ({} entries read; against {against}):", v.entries);
            for p in &v.problems {
                println!("  {p}");
            }
            bail!("the audit log does not verify ({} problem(s))", v.problems.len())
        }
        AuditCommand::Reads(a) => {
            let entries = store.audit_for(std::slice::from_ref(&a.entity)).await?;
            let reads: Vec<_> = entries.iter().filter(|e| e.action == "read_restricted").collect();
            println!("{} read(s) of {}:", reads.len(), a.entity);
            for e in reads {
                let role = e.after.as_ref().and_then(|v| v.get("role")).and_then(|v| v.as_str()).unwrap_or("?");
                println!("  {}  {} ({role})", e.at, e.actor);
            }
            Ok(())
        }
        AuditCommand::Checkpoint(a) => {
            let out = a.out.unwrap_or_else(|| paths.checkpoints.clone());
            // every checkpoint already taken, in the default file and in the one written to
            let mut earlier = vec![];
            let mut files = vec![&paths.checkpoints];
            if out != paths.checkpoints {
                files.push(&out);
            }
            for f in files.into_iter().filter(|f| f.is_file()) {
                earlier.extend(Checkpoint::read_all(f)?);
            }
            let cp = match store.audit_checkpoint(&earlier).await? {
                Ok(cp) => cp,
                Err(v) => {
                    for p in &v.problems {
                        eprintln!("  {p}");
                    }
                    bail!("the audit log does not verify ({} problem(s)): no checkpoint written", v.problems.len());
                }
            };
            cp.append_to(&out).with_context(|| format!("writing the checkpoint to {}", out.display()))?;
            println!("checkpoint: entry {} of {} entries, head {}, at {} -> {}", cp.seq, cp.count, cp.head, cp.at, out.display());
            Ok(())
        }
    }
}
