//! Vigil's early warning: alert rules, their evaluation, the alert lifecycle, and
//! CAP 1.2 output.
//!
//! A pure library — no database, no HTTP — so that the same code runs in the server,
//! in `vigil rules backtest`, and in tests:
//!
//! * [`rules`]: the TOML rule file analysts edit (count threshold, spike, forecast
//!   threshold, report keywords), parsed with errors that name rule and field, and
//!   re-read on change.
//! * [`engine`]: incidents, reports and forecast rows in; [`engine::Firing`]s out.
//! * [`alert`]: firings become alerts; repeats within a rule's window update the open
//!   alert; the draft → issued → acknowledged → responding → closed / cancelled
//!   lifecycle with who and when.
//! * [`cap`]: OASIS CAP 1.2 documents and an Atom feed of active alerts, plus
//!   [`cap::check`] for what the XSD cannot verify.
//! * [`backtest`]: replay history through the engine and score each rule.
//! * [`text`]: case- and accent-insensitive keyword matching (French and English).

pub mod alert;
pub mod area;
pub mod backtest;
pub mod cap;
pub mod engine;
pub mod rules;
pub mod text;

pub use alert::{
    Alert, AlertBook, AlertStatus, Applied, CapMessage, ManualAlert, StatusChange, TransitionError,
    MANUAL_RULE_ID,
};
pub use area::{Area, LatLon, Whereabouts};
pub use engine::{Engine, Firing, ForecastRow, FrenchText, IncidentInput, ReportInput, Trigger};
pub use rules::{Rule, RuleError, RuleKind, RuleSet, RulesFile};
