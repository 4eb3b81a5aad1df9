//! Server settings: `vigil.toml`, overridden by the environment and flags (the CLI
//! applies those). Every setting has a default that works on a field laptop.
//!
//! ```toml
//! [server]
//! addr = "127.0.0.1:8080"
//! db = "sqlite://vigil.db"
//! secure_cookies = false   # true behind HTTPS
//! public_url = "https://vigil.mission.example"  # how readers reach it (CAP <web>,
//!                          # cap_url, Atom links); default: http://{the address served}
//!
//! [audit]
//! key_file = "/etc/vigil/audit.key"            # the audit log's HMAC key; never in the database
//! checkpoints = "/mnt/usb/vigil-checkpoints.jsonl"  # where `vigil audit checkpoint` appends
//!
//! [rights]                 # human-rights records (victims, witnesses: sealed at rest)
//! key_file = "/etc/vigil/rights.key"           # or key_env = "VIGIL_RIGHTS_KEY" (a variable holding it)
//! evidence_dir = "/srv/vigil/evidence"
//!
//! [basemap]                # optional, local only
//! tiles_dir = "/srv/tiles" # {z}/{x}/{y}.png
//! # mbtiles = "/srv/mali.mbtiles"
//! attribution = "© OpenStreetMap contributors"
//! max_zoom = 12
//! ```

use crate::ServerError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasemapConfig {
    /// A folder of `{z}/{x}/{y}.png` tiles.
    pub tiles_dir: Option<PathBuf>,
    /// An MBTiles file (SQLite, TMS row order).
    pub mbtiles: Option<PathBuf>,
    pub attribution: Option<String>,
    pub max_zoom: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    pub addr: Option<String>,
    pub db: Option<String>,
    pub secure_cookies: Option<bool>,
    /// The server's address as its readers reach it (behind a proxy, a name): the
    /// base of CAP `<web>`, `cap_url` and the Atom links. Default: the address served.
    pub public_url: Option<String>,
}

/// The public base URL links are made from: `[cap] base_url` when the file sets it,
/// else `[server] public_url`, else `http://{served}` (the address actually bound).
/// Written into the CAP settings (the exercise settings when there is no `[cap]`).
pub fn apply_public_url(
    alerting: &mut vigil_app::AlertingConfig,
    public_url: Option<&str>,
    served: std::net::SocketAddr,
) -> Result<String, ServerError> {
    let base = match public_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let ok = (u.starts_with("http://") || u.starts_with("https://"))
                && !u.contains(|c: char| c.is_whitespace() || c == '#' || c == '?');
            if !ok {
                return Err(ServerError::Config {
                    path: "[server] public_url".into(),
                    message: format!("`{u}` is not an http(s) URL without query or fragment, e.g. https://vigil.mission.example"),
                });
            }
            u.trim_end_matches('/').to_string()
        }
        None => format!("http://{served}"),
    };
    match alerting.cap.as_mut() {
        Some(cap) if !cap.base_url.trim().is_empty() => {
            cap.base_url = cap.base_url.trim().trim_end_matches('/').to_string();
            return Ok(cap.base_url.clone());
        }
        Some(cap) => cap.base_url = base.clone(),
        None => alerting.cap = Some(vigil_warn::cap::CapConfig::exercise(&base)),
    }
    Ok(base)
}

/// Where the audit key and the audit checkpoints live: outside the database, and
/// best on another disk or machine than it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// The HMAC key file (created 0600 by `vigil serve` when missing); the
    /// environment variable VIGIL_AUDIT_KEY_FILE overrides it.
    pub key_file: Option<PathBuf>,
    /// The checkpoints file `vigil audit checkpoint` appends to and `vigil audit
    /// verify` reads.
    pub checkpoints: Option<PathBuf>,
}

/// Human-rights records: where the key that seals victims, witnesses, sources and
/// investigation files is (never in the database), and where evidence files are kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightsSection {
    /// The key file (64 hex digits, 0600); created by `vigil serve` only for a
    /// database with no sealed records yet. VIGIL_RIGHTS_KEY_FILE overrides it.
    pub key_file: Option<PathBuf>,
    /// The name of an environment variable holding the key (64 hex digits) instead of a file.
    pub key_env: Option<String>,
    /// The folder evidence files are kept in [default: ./vigil-evidence].
    pub evidence_dir: Option<PathBuf>,
}

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub basemap: BasemapConfig,
    #[serde(default)]
    pub audit: AuditSection,
    #[serde(default)]
    pub rights: RightsSection,
    /// Alert rules, CAP and webhooks (see [`vigil_app::alerting`]).
    #[serde(default)]
    pub rules: vigil_app::alerting::RulesSection,
    #[serde(default)]
    pub cap: Option<vigil_warn::cap::CapConfig>,
    #[serde(default)]
    pub webhooks: crate::webhooks::WebhookSettings,
}

impl ConfigFile {
    /// Read a config file; relative basemap paths are taken from the file's folder.
    pub fn load(path: &Path) -> Result<ConfigFile, ServerError> {
        let err = |message: String| ServerError::Config { path: path.display().to_string(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let mut c: ConfigFile = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut c.basemap.tiles_dir, &mut c.basemap.mbtiles, &mut c.audit.key_file, &mut c.audit.checkpoints, &mut c.rights.key_file, &mut c.rights.evidence_dir]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        if let Some(p) = c.rules.file.as_mut().filter(|p| p.is_relative()) {
            *p = base.join(&*p);
        }
        if c.basemap.tiles_dir.is_some() && c.basemap.mbtiles.is_some() {
            return Err(err("[basemap] takes tiles_dir or mbtiles, not both".into()));
        }
        Ok(c)
    }
}

impl ConfigFile {
    /// The alerting settings of a config file.
    pub fn alerting(&self) -> vigil_app::AlertingConfig {
        vigil_app::AlertingConfig {
            rules_file: self.rules.file.clone(),
            schedule_every: self.rules.schedule_minutes.map(|m| std::time::Duration::from_secs(m.max(1) * 60)),
            cap: self.cap.clone(),
            webhooks: self.webhooks.clone(),
        }
    }
}

/// What the running server needs.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Serving the bundled synthetic demo data: the UI labels everything SYNTHETIC.
    pub demo: bool,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    pub basemap: BasemapConfig,
    /// Alert rules, CAP settings, webhook delivery.
    pub alerting: vigil_app::AlertingConfig,
}
