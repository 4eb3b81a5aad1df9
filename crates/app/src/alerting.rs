//! The alerting state the use cases share: the rules in force (re-read when their
//! file changes), the alert clock, the CAP settings, the placer for admin codes, and
//! the signal that wakes webhook delivery when outbox rows were committed.
//!
//! Settings (vigil.toml, read by the server's config):
//!
//! ```toml
//! [rules]
//! file = "rules.toml"      # default: the rules built into vigil-warn; re-read when changed
//! schedule_minutes = 60    # scheduled round of the spike and forecast rules
//!
//! [cap]                    # default: Exercise status, sender vigil@demo.invalid
//! sender = "vigil@mission.example"
//! sender_name = "Mission JOC"
//! status = "Actual"        # Actual | Exercise | Test
//! scope = "Public"         # Public | Restricted (then restriction = "...")
//! language = "en"
//! base_url = "https://vigil.mission.example"
//!
//! [webhooks]
//! backoff_base_ms = 5000
//! max_attempts = 20
//! ```

use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use vigil_store::placement::Placer;
use vigil_store::Store;
use vigil_warn::cap::{self, CapConfig};
use vigil_warn::{RuleSet, RulesFile};

/// `[rules]` in vigil.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    pub file: Option<PathBuf>,
    /// Minutes between scheduled rounds of the spike and forecast rules (default 60).
    pub schedule_minutes: Option<u64>,
}

/// `[webhooks]` in vigil.toml: how webhook delivery retries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    /// Delay before the first retry; doubled for each further one.
    pub backoff_base_ms: u64,
    /// Longest delay between two attempts.
    pub backoff_max_ms: u64,
    /// Attempts before a delivery is given up (and audited as such).
    pub max_attempts: i64,
    /// Time allowed for one request.
    pub timeout_ms: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings { backoff_base_ms: 5_000, backoff_max_ms: 3_600_000, max_attempts: 20, timeout_ms: 10_000 }
    }
}

impl WebhookSettings {
    /// Delay after the `attempts`-th failed attempt, or `None` to give up.
    pub fn retry_delay(&self, attempts: i64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let shift = u32::try_from((attempts.max(1) - 1).min(30)).unwrap_or(30);
        let ms = self.backoff_base_ms.saturating_mul(1u64 << shift).min(self.backoff_max_ms);
        Some(Duration::from_millis(ms))
    }
}

/// What alerting is configured with.
#[derive(Debug, Clone, Default)]
pub struct AlertingConfig {
    /// A rule file (re-read when it changes); `None`: the built-in default rules.
    pub rules_file: Option<PathBuf>,
    /// Period of the scheduled round ([`crate::schedule`]).
    pub schedule_every: Option<Duration>,
    /// `None`: [`CapConfig::exercise`] at `http://127.0.0.1:8080`.
    pub cap: Option<CapConfig>,
    pub webhooks: WebhookSettings,
}

/// The notion of "now" for alerts.
#[derive(Debug, Clone, Copy)]
enum Clock {
    System,
    /// Tests, and the demo while it replays its data.
    Fixed(DateTime<Utc>),
    /// The system clock moved by an offset (the demo, after the replay).
    Shifted(chrono::Duration),
}

enum Rules {
    File(RulesFile),
    Builtin(RuleSet),
}

/// Alerting state shared by every use case.
pub struct Alerting {
    rules: Mutex<Rules>,
    pub cap: CapConfig,
    clock: Mutex<Clock>,
    placer: tokio::sync::OnceCell<Arc<Placer>>,
    /// Notified when webhook outbox rows were committed (the delivery task waits on it).
    pub wake: Arc<Notify>,
}

impl Alerting {
    /// Load the rules and check the CAP settings.
    pub fn new(c: &AlertingConfig) -> AppResult<Alerting> {
        let rules = match &c.rules_file {
            Some(p) => Rules::File(
                RulesFile::open(p)
                    .map_err(|e| AppError::Config { path: p.display().to_string(), message: e.to_string() })?,
            ),
            None => Rules::Builtin(RuleSet::default_rules()),
        };
        let cap = c.cap.clone().unwrap_or_else(|| CapConfig::exercise("http://127.0.0.1:8080"));
        if let Err(e) = cap::atom_feed([], &cap, Utc::now()) {
            return Err(AppError::Config { path: "[cap]".into(), message: e.to_string() });
        }
        Ok(Alerting {
            rules: Mutex::new(rules),
            cap,
            clock: Mutex::new(Clock::System),
            placer: tokio::sync::OnceCell::new(),
            wake: Arc::new(Notify::new()),
        })
    }

    /// The rules in force, re-reading the file if it changed (a broken file is logged
    /// and the previous rules stay in force).
    pub fn rules(&self) -> RuleSet {
        let mut r = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *r {
            Rules::Builtin(set) => set.clone(),
            Rules::File(f) => {
                match f.reload_if_changed() {
                    Ok(true) => tracing::info!("alert rules reloaded from {}", f.path.display()),
                    Ok(false) => {}
                    Err(e) => tracing::error!("alert rules {}: {e} (previous rules stay in force)", f.path.display()),
                }
                f.rules().clone()
            }
        }
    }

    /// Time used for firings, transitions and the dashboard.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.clock.lock().unwrap_or_else(PoisonError::into_inner) {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
            Clock::Shifted(d) => Utc::now() + d,
        }
    }

    /// Fix "now" (or go back to the system clock with `None`).
    pub fn set_clock(&self, t: Option<DateTime<Utc>>) {
        *self.clock.lock().unwrap_or_else(PoisonError::into_inner) = t.map_or(Clock::System, Clock::Fixed);
    }

    /// Let "now" run from `start` on, at the system clock's pace: the demo lives just
    /// after the end of its data, so alerts raised from that data are still current.
    pub fn run_clock_from(&self, start: DateTime<Utc>) {
        *self.clock.lock().unwrap_or_else(PoisonError::into_inner) = Clock::Shifted(start - Utc::now());
    }

    /// The admin-area placer, read from the store once.
    pub async fn placer(&self, store: &Store) -> AppResult<Arc<Placer>> {
        Ok(self.placer.get_or_try_init(|| async { store.placer().await.map(Arc::new) }).await?.clone())
    }
}
