//! Alert rules: the TOML file analysts edit, parsed and checked.
//!
//! Analysts, not developers, own the rules, so the file is plain TOML with one
//! `[[rule]]` table per rule, and every error names the rule (by `id`, or by its
//! position when the id itself is the problem) and the field. A file with any error is
//! rejected as a whole: half a rule set silently in force is worse than the previous
//! set staying in force, which is what [`RulesFile::reload_if_changed`] does.
//!
//! ```toml
//! [[rule]]
//! id = "civ-cluster"
//! name = "Attacks on civilians cluster"
//! kind = "count_threshold"
//! status_on_fire = "issued"          # or "draft": an analyst reviews before issue
//! urgency = "Immediate"              # CAP urgency / severity / certainty
//! severity = "Severe"
//! certainty = "Likely"
//! dedup_window_hours = 168           # a new firing for the same area within this updates the open alert
//! expires_hours = 72
//! type_of_violence = [3]             # UCDP codes; empty or absent = any
//! min_count = 3
//! radius_km = 25
//! window_days = 7
//! ```
//!
//! Kinds and their fields:
//!
//! * `count_threshold`: `min_count`, `radius_km`, `window_days`, optional filters
//!   `type_of_violence` (UCDP codes 1–3), `event_types` (strings, case-insensitive),
//!   `min_fatalities` (per incident, default 0).
//! * `spike`: `admin_level` (1 or 2), `factor`, `min_fatalities`, `baseline_weeks`,
//!   optional `type_of_violence`.
//! * `forecast_threshold`: `min_p_any` (0–1), `level` (`"pgm"`), `horizon_months`
//!   (default 1: "next month").
//! * `report`: `reliability` (Admiralty letters A–F), `credibility` (1–6),
//!   `keywords_fr`, `keywords_en` (at least one keyword overall; a trailing `*` makes a
//!   prefix), `radius_km` (circle drawn around a located report, default 10).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use vigil_model::ViolenceType;

use crate::cap::{Category, Certainty, Severity, Urgency};
use crate::text::Keyword;

/// Why a rule file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("reading rule file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("rule file is not valid TOML: {0}")]
    Syntax(String),
    #[error("rule file: {0}")]
    File(String),
    #[error("rule `{rule}`: field `{field}`: {message}")]
    Field {
        rule: String,
        field: String,
        message: String,
    },
    #[error("rule `{rule}`: {message}")]
    Rule { rule: String, message: String },
}

fn field_err(rule: &str, field: &str, message: impl Into<String>) -> RuleError {
    RuleError::Field {
        rule: rule.into(),
        field: field.into(),
        message: message.into(),
    }
}

/// Alert status given to a new alert when its rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FireStatus {
    /// An analyst must review and issue it (the default: rules are blunt).
    Draft,
    /// Issued at once — for rules the mission trusts to speak for it.
    Issued,
}

/// Admiralty source reliability, A (completely reliable) … F (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

impl Reliability {
    pub fn parse(s: &str) -> Option<Reliability> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Some(Reliability::A),
            "B" => Some(Reliability::B),
            "C" => Some(Reliability::C),
            "D" => Some(Reliability::D),
            "E" => Some(Reliability::E),
            "F" => Some(Reliability::F),
            _ => None,
        }
    }
}

/// Admin level a spike rule aggregates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AdminLevel {
    Admin1 = 1,
    Admin2 = 2,
}

impl AdminLevel {
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// What a rule looks at, with the kind's own parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// "≥ `min_count` matching incidents within `radius_km` in `window_days` days".
    CountThreshold {
        types: Vec<ViolenceType>,
        event_types: Vec<String>,
        min_fatalities: i64,
        min_count: usize,
        radius_km: f64,
        window_days: i64,
    },
    /// "fatalities in an admin area in the last 7 days ≥ `factor` × its weekly average
    /// over the `baseline_weeks` before, and ≥ `min_fatalities`".
    Spike {
        level: AdminLevel,
        types: Vec<ViolenceType>,
        factor: f64,
        min_fatalities: i64,
        baseline_weeks: i64,
    },
    /// "P(any fatality) in a PRIO-GRID cell ≥ `min_p_any` within `horizon_months`".
    ForecastThreshold { min_p_any: f64, horizon_months: u32 },
    /// "a report graded (reliability ∈ set, credibility ∈ set) whose text matches a keyword".
    Report {
        reliability: Vec<Reliability>,
        credibility: Vec<u8>,
        #[serde(serialize_with = "ser_keywords")]
        keywords_fr: Vec<Keyword>,
        #[serde(serialize_with = "ser_keywords")]
        keywords_en: Vec<Keyword>,
        radius_km: f64,
    },
}

fn ser_keywords<S: serde::Serializer>(k: &[Keyword], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(k.iter().map(|k| k.original.as_str()))
}

impl RuleKind {
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::CountThreshold { .. } => "count_threshold",
            RuleKind::Spike { .. } => "spike",
            RuleKind::ForecastThreshold { .. } => "forecast_threshold",
            RuleKind::Report { .. } => "report",
        }
    }
}

/// One alert rule. Serializable so the UI can show the rules in force as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// The name in French (alerts carry French text beside English); the English
    /// name when not given.
    pub name_fr: Option<String>,
    pub description: Option<String>,
    pub enabled: bool,
    pub status_on_fire: FireStatus,
    pub category: Category,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub dedup_window_hours: i64,
    pub expires_hours: i64,
    #[serde(flatten)]
    pub kind: RuleKind,
}

impl Rule {
    /// The name for French text.
    pub fn name_fr(&self) -> &str {
        self.name_fr.as_deref().unwrap_or(&self.name)
    }

    /// How many days of incident history the rule needs to look back.
    pub fn lookback_days(&self) -> i64 {
        match &self.kind {
            RuleKind::CountThreshold { window_days, .. } => *window_days,
            RuleKind::Spike { baseline_weeks, .. } => (baseline_weeks + 1) * 7,
            _ => 0,
        }
    }
}

/// A parsed, checked rule set, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

/// The rule set `vigil demo` ships: tuned to fire on the synthetic demo data.
pub const DEFAULT_RULES_TOML: &str = include_str!("../rules/default.toml");

impl RuleSet {
    pub fn parse(text: &str) -> Result<RuleSet, RuleError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| RuleError::Syntax(e.to_string()))?;
        for key in table.keys() {
            if key != "rule" {
                return Err(RuleError::File(format!(
                    "unknown top-level key `{key}` (rules go in [[rule]] tables)"
                )));
            }
        }
        let Some(list) = table.get("rule") else {
            return Ok(RuleSet::default());
        };
        let list = list.as_array().ok_or_else(|| {
            RuleError::File("`rule` must be an array of tables: write [[rule]]".into())
        })?;
        let mut rules = Vec::with_capacity(list.len());
        let mut seen = HashSet::new();
        for (i, v) in list.iter().enumerate() {
            let label = format!("#{}", i + 1);
            let t = v.as_table().ok_or_else(|| RuleError::Rule {
                rule: label.clone(),
                message: "not a table".into(),
            })?;
            let rule = parse_rule(t, &label)?;
            if !seen.insert(rule.id.clone()) {
                return Err(field_err(
                    &rule.id,
                    "id",
                    format!("duplicate id (rule {label})"),
                ));
            }
            rules.push(rule);
        }
        Ok(RuleSet { rules })
    }

    pub fn load(path: &Path) -> Result<RuleSet, RuleError> {
        let text = std::fs::read_to_string(path).map_err(|source| RuleError::Io {
            path: path.to_owned(),
            source,
        })?;
        RuleSet::parse(&text)
    }

    /// The shipped default rules (see [`DEFAULT_RULES_TOML`]).
    pub fn default_rules() -> RuleSet {
        RuleSet::parse(DEFAULT_RULES_TOML).expect("the embedded default rule set parses (tested)")
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The longest incident history any enabled rule needs, in days.
    pub fn lookback_days(&self) -> i64 {
        self.rules
            .iter()
            .filter(|r| r.enabled)
            .map(Rule::lookback_days)
            .max()
            .unwrap_or(0)
    }

    /// How many months ahead the enabled forecast rules look (`None`: no such rule,
    /// so no forecast needs computing).
    pub fn forecast_months_ahead(&self) -> Option<u32> {
        self.rules
            .iter()
            .filter(|r| r.enabled)
            .filter_map(|r| match r.kind {
                RuleKind::ForecastThreshold { horizon_months, .. } => Some(horizon_months),
                _ => None,
            })
            .max()
    }
}

/// A rule file on disk that can be re-read while the system runs.
///
/// Polling the modification time (rather than a file-system watcher) keeps this
/// portable and dependency-free; the server calls `reload_if_changed` before each
/// evaluation round, which is cheap.
#[derive(Debug)]
pub struct RulesFile {
    pub path: PathBuf,
    modified: Option<SystemTime>,
    rules: RuleSet,
}

impl RulesFile {
    pub fn open(path: impl Into<PathBuf>) -> Result<RulesFile, RuleError> {
        let path = path.into();
        let modified = mtime(&path);
        let rules = RuleSet::load(&path)?;
        Ok(RulesFile {
            path,
            modified,
            rules,
        })
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Re-read the file if it changed. `Ok(true)` when new rules are in force; on an
    /// error the previous rules stay in force and the error is returned for display.
    pub fn reload_if_changed(&mut self) -> Result<bool, RuleError> {
        let now = mtime(&self.path);
        if now.is_some() && now == self.modified {
            return Ok(false);
        }
        // Remember the attempt so a broken file is reported once, not on every poll.
        self.modified = now;
        let rules = RuleSet::load(&self.path)?;
        let changed = rules != self.rules;
        self.rules = rules;
        Ok(changed)
    }
}

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Fields of each kind, besides the common ones.
fn kind_fields(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "count_threshold" => &[
            "type_of_violence",
            "event_types",
            "min_fatalities",
            "min_count",
            "radius_km",
            "window_days",
        ],
        "spike" => &[
            "admin_level",
            "type_of_violence",
            "factor",
            "min_fatalities",
            "baseline_weeks",
        ],
        "forecast_threshold" => &["min_p_any", "level", "horizon_months"],
        "report" => &[
            "reliability",
            "credibility",
            "keywords_fr",
            "keywords_en",
            "radius_km",
        ],
        _ => return None,
    })
}

const COMMON: &[&str] = &[
    "id",
    "name",
    "name_fr",
    "description",
    "kind",
    "enabled",
    "status_on_fire",
    "category",
    "urgency",
    "severity",
    "certainty",
    "dedup_window_hours",
    "expires_hours",
];

/// Reads typed fields out of one rule's table, naming the rule and field on error.
struct Fields<'a> {
    t: &'a toml::Table,
    rule: String,
}

impl<'a> Fields<'a> {
    fn opt<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, RuleError> {
        match self.t.get(name) {
            None => Ok(None),
            Some(v) => v
                .clone()
                .try_into::<T>()
                .map(Some)
                .map_err(|e| field_err(&self.rule, name, clean(e))),
        }
    }
    fn req<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, RuleError> {
        self.opt(name)?
            .ok_or_else(|| field_err(&self.rule, name, "missing (required for this kind)"))
    }
    fn err(&self, name: &str, msg: impl Into<String>) -> RuleError {
        field_err(&self.rule, name, msg)
    }
    fn positive_f64(&mut self, name: &'static str, default: Option<f64>) -> Result<f64, RuleError> {
        let v: f64 = match default {
            Some(d) => self.opt(name)?.unwrap_or(d),
            None => self.req(name)?,
        };
        if !(v.is_finite() && v > 0.0) {
            return Err(self.err(name, format!("must be a number > 0, got {v}")));
        }
        Ok(v)
    }
    fn positive_i64(&mut self, name: &'static str, default: Option<i64>) -> Result<i64, RuleError> {
        let v: i64 = match default {
            Some(d) => self.opt(name)?.unwrap_or(d),
            None => self.req(name)?,
        };
        if v <= 0 {
            return Err(self.err(name, format!("must be a whole number > 0, got {v}")));
        }
        Ok(v)
    }
    fn types(&mut self) -> Result<Vec<ViolenceType>, RuleError> {
        let codes: Vec<i64> = self.opt("type_of_violence")?.unwrap_or_default();
        codes
            .into_iter()
            .map(|c| {
                ViolenceType::from_code(c).ok_or_else(|| {
                    self.err(
                        "type_of_violence",
                        format!("{c} is not a UCDP type of violence (1, 2 or 3)"),
                    )
                })
            })
            .collect()
    }
}

/// toml's messages carry a trailing newline and sometimes a "for key" prefix that we
/// replace with our own naming.
fn clean(e: toml::de::Error) -> String {
    e.message().trim().to_owned()
}

fn parse_rule(t: &toml::Table, label: &str) -> Result<Rule, RuleError> {
    let id = match t.get("id") {
        None => return Err(field_err(label, "id", "missing")),
        Some(v) => v
            .as_str()
            .ok_or_else(|| field_err(label, "id", "must be a string"))?
            .to_owned(),
    };
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(field_err(
            label,
            "id",
            format!("`{id}`: use letters, digits, `-`, `_` or `.` (it goes into CAP identifiers)"),
        ));
    }
    if id == crate::alert::MANUAL_RULE_ID {
        return Err(field_err(label, "id", format!("`{id}` is reserved for alerts raised by hand")));
    }
    let mut f = Fields {
        t,
        rule: id.clone(),
    };
    let name: String = f.opt("name")?.unwrap_or_else(|| id.clone());
    let name_fr: Option<String> = f.opt("name_fr")?;
    let description: Option<String> = f.opt("description")?;
    let enabled: bool = f.opt("enabled")?.unwrap_or(true);
    let kind_name: String = f.req("kind")?;
    // Unknown keys first: a misspelt field ("radius" for "radius_km") is better reported
    // as itself than as the required field it failed to provide.
    if let Some(own) = kind_fields(&kind_name) {
        for key in t.keys() {
            if !COMMON.contains(&key.as_str()) && !own.contains(&key.as_str()) {
                return Err(f.err(
                    key,
                    format!(
                        "not a field of a {kind_name} rule (its own fields: {})",
                        own.join(", ")
                    ),
                ));
            }
        }
    }
    let status_on_fire: FireStatus = f.opt("status_on_fire")?.unwrap_or(FireStatus::Draft);
    let category: Category = f.opt("category")?.unwrap_or(Category::Security);
    let urgency: Urgency = f.req("urgency")?;
    let severity: Severity = f.req("severity")?;
    let certainty: Certainty = f.req("certainty")?;
    let dedup_window_hours = f.positive_i64("dedup_window_hours", Some(168))?;
    let expires_hours = f.positive_i64("expires_hours", Some(72))?;

    let kind = match kind_name.as_str() {
        "count_threshold" => {
            let types = f.types()?;
            let event_types: Vec<String> = f.opt("event_types")?.unwrap_or_default();
            let min_fatalities: i64 = f.opt("min_fatalities")?.unwrap_or(0);
            if min_fatalities < 0 {
                return Err(f.err("min_fatalities", "must be ≥ 0"));
            }
            let min_count = f.positive_i64("min_count", None)? as usize;
            let radius_km = f.positive_f64("radius_km", None)?;
            let window_days = f.positive_i64("window_days", None)?;
            RuleKind::CountThreshold { types, event_types, min_fatalities, min_count, radius_km, window_days }
        }
        "spike" => {
            let level = match f.req::<i64>("admin_level")? {
                1 => AdminLevel::Admin1,
                2 => AdminLevel::Admin2,
                n => return Err(f.err("admin_level", format!("must be 1 or 2, got {n}"))),
            };
            let types = f.types()?;
            let factor = f.positive_f64("factor", None)?;
            let min_fatalities = f.positive_i64("min_fatalities", None)?;
            let baseline_weeks = f.positive_i64("baseline_weeks", Some(12))?;
            RuleKind::Spike { level, types, factor, min_fatalities, baseline_weeks }
        }
        "forecast_threshold" => {
            let min_p_any: f64 = f.req("min_p_any")?;
            if !(0.0..=1.0).contains(&min_p_any) {
                return Err(f.err("min_p_any", format!("a probability between 0 and 1, got {min_p_any}")));
            }
            let level: String = f.opt("level")?.unwrap_or_else(|| "pgm".into());
            if level != "pgm" {
                return Err(f.err("level", format!("only \"pgm\" (PRIO-GRID cell-month) is supported, got \"{level}\"")));
            }
            let horizon_months = f.positive_i64("horizon_months", Some(1))?;
            if horizon_months > 12 {
                return Err(f.err("horizon_months", "forecasts reach at most 12 months"));
            }
            RuleKind::ForecastThreshold { min_p_any, horizon_months: horizon_months as u32 }
        }
        "report" => {
            let rel: Vec<String> = f.req("reliability")?;
            let reliability = rel
                .iter()
                .map(|s| Reliability::parse(s).ok_or_else(|| f.err("reliability", format!("`{s}` is not A–F"))))
                .collect::<Result<Vec<_>, _>>()?;
            let credibility: Vec<u8> = f.req("credibility")?;
            if let Some(c) = credibility.iter().find(|c| !(1..=6).contains(*c)) {
                return Err(f.err("credibility", format!("{c} is not 1–6")));
            }
            if reliability.is_empty() || credibility.is_empty() {
                let which = if reliability.is_empty() { "reliability" } else { "credibility" };
                return Err(f.err(which, "empty: the rule could never fire"));
            }
            let mut kw = |field: &'static str| -> Result<Vec<Keyword>, RuleError> {
                let raw: Vec<String> = f.opt(field)?.unwrap_or_default();
                raw.iter()
                    .map(|k| Keyword::new(k).ok_or_else(|| f.err(field, format!("keyword `{k}` has no letters"))))
                    .collect()
            };
            let keywords_fr = kw("keywords_fr")?;
            let keywords_en = kw("keywords_en")?;
            if keywords_fr.is_empty() && keywords_en.is_empty() {
                return Err(f.err("keywords_fr", "no keywords in keywords_fr or keywords_en"));
            }
            let radius_km = f.positive_f64("radius_km", Some(10.0))?;
            RuleKind::Report { reliability, credibility, keywords_fr, keywords_en, radius_km }
        }
        other => {
            return Err(f.err(
                "kind",
                format!("unknown kind `{other}` (expected count_threshold, spike, forecast_threshold or report)"),
            ))
        }
    };
    Ok(Rule {
        id,
        name,
        name_fr,
        description,
        enabled,
        status_on_fire,
        category,
        urgency,
        severity,
        certainty,
        dedup_window_hours,
        expires_hours,
        kind,
    })
}
