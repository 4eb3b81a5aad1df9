//! Rule evaluation: incidents, reports and forecasts in, [`Firing`]s out.
//!
//! The [`Engine`] keeps a rolling window of recent incidents — as long as the most
//! demanding rule needs (see [`RuleSet::lookback_days`]) — so it can be driven one
//! event at a time, the way the server sees them: load the recent history once with
//! [`Engine::observe`], then call [`Engine::on_incident`] for every new incident,
//! [`Engine::on_report`] for every new report and [`Engine::on_schedule`] on a timer.
//! The backtest drives the very same calls in date order, so what it measures is what
//! runs live.
//!
//! Windows are anchored on data time (the incident date), not on processing time:
//! an incident coded a week late still counts in the week it happened. The firing's
//! own time (`at`) is processing time, which is what CAP `sent` and alert timings use.
//!
//! A firing is not an alert: [`crate::alert::AlertBook`] turns firings into alerts
//! and folds repeats of the same situation into the open alert.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vigil_model::{Incident, Placement, ViolenceType};

use crate::area::{Area, LatLon, Whereabouts};
use crate::rules::{AdminLevel, Reliability, Rule, RuleKind, RuleSet};
use crate::text;

/// What the rules need to know about an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentInput {
    /// Stable id, `source:source_id` for stored incidents (e.g. `ged:90000001`).
    pub id: String,
    pub date: NaiveDate,
    pub place_name: Option<String>,
    pub place: Whereabouts,
    pub type_of_violence: Option<ViolenceType>,
    pub event_type: Option<String>,
    /// Best estimate of fatalities.
    pub fatalities: i64,
}

impl IncidentInput {
    /// From a stored incident and its derived placement (`vigil_ingest::Located`).
    pub fn from_parts(i: &Incident, p: &Placement) -> IncidentInput {
        IncidentInput {
            id: format!("{}:{}", i.source.as_str(), i.source_id),
            date: i.date_start,
            place_name: i.place.clone(),
            place: Whereabouts {
                point: i.point().map(|(lon, lat)| LatLon { lat, lon }),
                admin1: p.admin1.clone(),
                admin2: p.admin2.clone(),
                gid: p.gid,
            },
            type_of_violence: i.type_of_violence,
            event_type: i.event_type.clone(),
            fatalities: i.best,
        }
    }
}

/// A field report, as far as the report rules need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub text: String,
    pub reliability: Option<Reliability>,
    pub credibility: Option<u8>,
    pub place: Whereabouts,
}

/// One forecast: P(any fatality) in a PRIO-GRID cell in a month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    pub gid: i64,
    /// Any day of the forecast month (the first, by convention).
    pub month: NaiveDate,
    pub p_any: f64,
    /// The forecast's own model lost to a benchmark at this horizon in its backtest,
    /// and the benchmark was published instead: forecast rules do not fire on it.
    #[serde(default)]
    pub fallback: bool,
}

/// What caused a firing; kept on the alert so an analyst can see the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    Incident { id: String },
    Report { id: String },
    Forecast { gid: i64, month: NaiveDate },
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trigger::Incident { id } => write!(f, "incident {id}"),
            Trigger::Report { id } => write!(f, "report {id}"),
            Trigger::Forecast { gid, month } => {
                write!(f, "forecast gid {gid} {}", month.format("%Y-%m"))
            }
        }
    }
}

/// A rule fired: the raw material of an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    pub rule_id: String,
    /// Processing time.
    pub at: DateTime<Utc>,
    /// The data date the rule looked at (the incident's date, the schedule's day).
    pub as_of: NaiveDate,
    pub area: Area,
    pub area_desc: String,
    pub triggers: Vec<Trigger>,
    /// One line, for CAP `headline`.
    pub headline: String,
    /// What is feared and why, for CAP `description`. Never quotes report text:
    /// reports can name victims and witnesses, and alerts travel further than reports.
    pub threat: String,
    /// The same in French.
    #[serde(default)]
    pub fr: Option<FrenchText>,
}

/// An alert's words in French beside the English ones: French is the working
/// language of the mission's field staff and partners. CAP carries both, as two
/// `info` blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FrenchText {
    /// The rule's name (CAP `event`).
    pub rule_name: String,
    pub headline: String,
    pub threat: String,
    pub area_desc: String,
}

/// A number with a decimal comma, as French readers write it.
fn fr_num(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

/// Evaluates a rule set against a rolling incident history.
#[derive(Debug, Clone)]
pub struct Engine {
    rules: RuleSet,
    /// Sorted by date (stable for equal dates: arrival order).
    history: Vec<IncidentInput>,
    names: HashMap<String, String>,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Engine {
        Engine {
            rules,
            history: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// Admin area names by P-code, for readable area descriptions.
    pub fn with_area_names(mut self, names: impl IntoIterator<Item = (String, String)>) -> Engine {
        self.names.extend(names);
        self
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Swap the rules (after a reload) keeping the history.
    pub fn set_rules(&mut self, rules: RuleSet) {
        self.rules = rules;
    }

    /// Add an incident to the history without evaluating rules: used to warm up the
    /// window on start and before a backtest period.
    pub fn observe(&mut self, inc: IncidentInput) {
        let date = inc.date;
        let start = self.history.partition_point(|x| x.date < date);
        let end = self.history.partition_point(|x| x.date <= date);
        if self.history[start..end].iter().any(|x| x.id == inc.id) {
            return;
        }
        self.history.insert(end, inc);
        self.prune();
    }

    fn prune(&mut self) {
        let Some(newest) = self.history.last().map(|x| x.date) else {
            return;
        };
        let keep = self.rules.lookback_days().max(1) + 1;
        let cut = newest - Duration::days(keep);
        let n = self.history.partition_point(|x| x.date < cut);
        if n > 0 {
            self.history.drain(..n);
        }
    }

    /// Incidents dated in `[from, to]` (inclusive).
    fn window(&self, from: NaiveDate, to: NaiveDate) -> &[IncidentInput] {
        let a = self.history.partition_point(|x| x.date < from);
        let b = self.history.partition_point(|x| x.date <= to);
        &self.history[a..b.max(a)]
    }

    /// Record a new incident and evaluate the incident-driven rules (count threshold
    /// around it, spike in its admin area) as of its date.
    pub fn on_incident(&mut self, inc: IncidentInput, at: DateTime<Utc>) -> Vec<Firing> {
        self.observe(inc.clone());
        let mut out = Vec::new();
        for rule in self.rules.rules.iter().filter(|r| r.enabled) {
            match &rule.kind {
                RuleKind::CountThreshold { .. } => {
                    if let Some(f) = self.count_threshold(rule, &inc, at) {
                        out.push(f);
                    }
                }
                RuleKind::Spike { level, types, .. } => {
                    if !type_ok(types, inc.type_of_violence) {
                        continue;
                    }
                    if let Some(code) = admin_code(&inc.place, *level) {
                        if let Some(f) = self.spike(rule, code, inc.date, at) {
                            out.push(f);
                        }
                    }
                }
                RuleKind::ForecastThreshold { .. } | RuleKind::Report { .. } => {}
            }
        }
        out
    }

    /// Evaluate the report rules against a new report.
    pub fn on_report(&self, report: &ReportInput, at: DateTime<Utc>) -> Vec<Firing> {
        let words = text::words(&report.text);
        let mut out = Vec::new();
        for rule in self.rules.rules.iter().filter(|r| r.enabled) {
            let RuleKind::Report {
                reliability,
                credibility,
                keywords_fr,
                keywords_en,
                radius_km,
            } = &rule.kind
            else {
                continue;
            };
            let graded = report.reliability.is_some_and(|r| reliability.contains(&r))
                && report.credibility.is_some_and(|c| credibility.contains(&c));
            if !graded {
                continue;
            }
            let hits: Vec<&str> = keywords_fr
                .iter()
                .chain(keywords_en)
                .filter(|k| k.matches_words(&words))
                .map(|k| k.original.as_str())
                .collect();
            if hits.is_empty() {
                continue;
            }
            let (area, area_desc, area_fr) = self.report_area(&report.place, *radius_km);
            let grade = format!(
                "{}{}",
                report
                    .reliability
                    .map(|r| format!("{r:?}"))
                    .unwrap_or_default(),
                report
                    .credibility
                    .map(|c| c.to_string())
                    .unwrap_or_default()
            );
            out.push(Firing {
                rule_id: rule.id.clone(),
                at,
                as_of: report.received_at.date_naive(),
                area,
                area_desc: area_desc.clone(),
                triggers: vec![Trigger::Report {
                    id: report.id.clone(),
                }],
                headline: format!("{}: report graded {grade} — {area_desc}", rule.name),
                threat: format!(
                    "A report graded {grade} (received {}) mentions: {}. Area: {area_desc}.",
                    report.received_at.format("%Y-%m-%d %H:%M UTC"),
                    hits.join(", ")
                ),
                fr: Some(FrenchText {
                    rule_name: rule.name_fr().to_owned(),
                    headline: format!("{} : signalement coté {grade} — {area_fr}", rule.name_fr()),
                    threat: format!(
                        "Un signalement coté {grade} (reçu le {}) mentionne : {}. Zone : {area_fr}.",
                        report.received_at.format("%Y-%m-%d à %H:%M UTC"),
                        hits.join(", ")
                    ),
                    area_desc: area_fr,
                }),
            });
        }
        out
    }

    /// Scheduled round as of a day: spikes in every admin area with recent incidents,
    /// and forecast thresholds over the given forecast rows.
    pub fn on_schedule(
        &self,
        as_of: NaiveDate,
        at: DateTime<Utc>,
        forecasts: &[ForecastRow],
    ) -> Vec<Firing> {
        let mut out = Vec::new();
        for rule in self.rules.rules.iter().filter(|r| r.enabled) {
            match &rule.kind {
                RuleKind::Spike { level, types, .. } => {
                    let codes: BTreeSet<&str> = self
                        .window(as_of - Duration::days(6), as_of)
                        .iter()
                        .filter(|i| type_ok(types, i.type_of_violence))
                        .filter_map(|i| admin_code(&i.place, *level))
                        .collect();
                    for code in codes {
                        if let Some(f) = self.spike(rule, code, as_of, at) {
                            out.push(f);
                        }
                    }
                }
                RuleKind::ForecastThreshold {
                    min_p_any,
                    horizon_months,
                } => {
                    let first = month_index(as_of) + 1;
                    let last = month_index(as_of) + *horizon_months as i64;
                    let hot: Vec<&ForecastRow> = forecasts
                        .iter()
                        .filter(|r| !r.fallback && (first..=last).contains(&month_index(r.month)) && r.p_any >= *min_p_any)
                        .collect();
                    for spot in hot_spots(&hot) {
                        out.push(forecast_firing(rule, *min_p_any, &spot, as_of, at));
                    }
                }
                RuleKind::CountThreshold { .. } | RuleKind::Report { .. } => {}
            }
        }
        out
    }

    fn count_threshold(
        &self,
        rule: &Rule,
        inc: &IncidentInput,
        at: DateTime<Utc>,
    ) -> Option<Firing> {
        let RuleKind::CountThreshold {
            types,
            event_types,
            min_fatalities,
            min_count,
            radius_km,
            window_days,
        } = &rule.kind
        else {
            return None;
        };
        let matches = |i: &IncidentInput| {
            type_ok(types, i.type_of_violence)
                && (event_types.is_empty()
                    || i.event_type
                        .as_ref()
                        .is_some_and(|e| event_types.iter().any(|t| t.eq_ignore_ascii_case(e))))
                && i.fatalities >= *min_fatalities
        };
        if !matches(inc) {
            return None;
        }
        let center = inc.place.point?;
        let from = inc.date - Duration::days(window_days - 1);
        let near: Vec<&IncidentInput> = self
            .window(from, inc.date)
            .iter()
            .filter(|i| {
                matches(i)
                    && i.place
                        .point
                        .is_some_and(|p| center.distance_km(p) <= *radius_km)
            })
            .collect();
        if near.len() < *min_count {
            return None;
        }
        let deaths: i64 = near.iter().map(|i| i.fatalities).sum();
        let place = inc
            .place_name
            .clone()
            .unwrap_or_else(|| format!("{:.3}, {:.3}", center.lat, center.lon));
        let area_desc = format!("{radius_km} km around {place}");
        let area_fr = format!("{radius_km} km autour de {place}");
        let what = describe_filter(types, event_types);
        let what_fr = describe_filter_fr(types, event_types);
        Some(Firing {
            rule_id: rule.id.clone(),
            at,
            as_of: inc.date,
            area: Area::Circle { center, radius_km: *radius_km },
            area_desc: area_desc.clone(),
            triggers: near.iter().map(|i| Trigger::Incident { id: i.id.clone() }).collect(),
            headline: format!("{}: {} incidents in {window_days} days — {area_desc}", rule.name, near.len()),
            threat: format!(
                "{} incidents{what} within {radius_km} km of {place} in the {window_days} days to {} ({deaths} reported fatalities); threshold {min_count}.",
                near.len(),
                inc.date
            ),
            fr: Some(FrenchText {
                rule_name: rule.name_fr().to_owned(),
                headline: format!("{} : {} incidents en {window_days} jours — {area_fr}", rule.name_fr(), near.len()),
                threat: format!(
                    "{} incidents{what_fr} à moins de {radius_km} km de {place} au cours des {window_days} jours jusqu'au {} ({deaths} morts signalés) ; seuil : {min_count}.",
                    near.len(),
                    inc.date
                ),
                area_desc: area_fr,
            }),
        })
    }

    /// Spike test for one admin area as of a day: the last 7 days (as_of inclusive)
    /// against the weekly average of the `baseline_weeks` weeks before them.
    fn spike(
        &self,
        rule: &Rule,
        code: &str,
        as_of: NaiveDate,
        at: DateTime<Utc>,
    ) -> Option<Firing> {
        let RuleKind::Spike {
            level,
            types,
            factor,
            min_fatalities,
            baseline_weeks,
        } = &rule.kind
        else {
            return None;
        };
        let in_area = |i: &&IncidentInput| {
            type_ok(types, i.type_of_violence) && admin_code(&i.place, *level) == Some(code)
        };
        let week_start = as_of - Duration::days(6);
        let week: Vec<&IncidentInput> = self
            .window(week_start, as_of)
            .iter()
            .filter(in_area)
            .collect();
        let week_deaths: i64 = week.iter().map(|i| i.fatalities).sum();
        if week_deaths < *min_fatalities {
            return None;
        }
        let base_from = week_start - Duration::days(7 * baseline_weeks);
        let base_deaths: i64 = self
            .window(base_from, week_start - Duration::days(1))
            .iter()
            .filter(in_area)
            .map(|i| i.fatalities)
            .sum();
        let avg = base_deaths as f64 / *baseline_weeks as f64;
        if (week_deaths as f64) < factor * avg {
            return None;
        }
        let name = self
            .names
            .get(code)
            .map(|n| format!("{n} ({code})"))
            .unwrap_or_else(|| code.to_owned());
        let area_desc = format!("admin{} area {name}", level.number());
        let area_fr = format!("zone admin{} {name}", level.number());
        Some(Firing {
            rule_id: rule.id.clone(),
            at,
            as_of,
            area: Area::Admin { level: level.number(), codes: vec![code.to_owned()] },
            area_desc: area_desc.clone(),
            triggers: week.iter().map(|i| Trigger::Incident { id: i.id.clone() }).collect(),
            headline: format!("{}: {week_deaths} fatalities in 7 days — {name}", rule.name),
            threat: format!(
                "{week_deaths} reported fatalities in {area_desc} in the 7 days to {as_of}, against a weekly average of {avg:.1} over the {baseline_weeks} weeks before (threshold: {factor}× and at least {min_fatalities})."
            ),
            fr: Some(FrenchText {
                rule_name: rule.name_fr().to_owned(),
                headline: format!("{} : {week_deaths} morts en 7 jours — {name}", rule.name_fr()),
                threat: format!(
                    "{week_deaths} morts signalés dans la {area_fr} au cours des 7 jours jusqu'au {as_of}, contre une moyenne hebdomadaire de {} sur les {baseline_weeks} semaines précédentes (seuil : {}× et au moins {min_fatalities}).",
                    fr_num(avg, 1),
                    fr_num(*factor, 1)
                ),
                area_desc: area_fr,
            }),
        })
    }

    /// The area of a report rule's alert, described in English and French.
    fn report_area(&self, w: &Whereabouts, radius_km: f64) -> (Area, String, String) {
        if let Some(p) = w.point {
            return (
                Area::Circle {
                    center: p,
                    radius_km,
                },
                format!("{radius_km} km around {:.3}, {:.3}", p.lat, p.lon),
                format!("{radius_km} km autour de {:.3}, {:.3}", p.lat, p.lon),
            );
        }
        for (level, code) in [(2u8, &w.admin2), (1u8, &w.admin1)] {
            if let Some(c) = code {
                let name = self
                    .names
                    .get(c)
                    .map(|n| format!("{n} ({c})"))
                    .unwrap_or_else(|| c.clone());
                return (
                    Area::Admin {
                        level,
                        codes: vec![c.clone()],
                    },
                    format!("admin{level} area {name}"),
                    format!("zone admin{level} {name}"),
                );
            }
        }
        if let Some(g) = w.gid {
            return (Area::Cells { gids: vec![g] }, format!("PRIO-GRID cell {g}"), format!("cellule PRIO-GRID {g}"));
        }
        (Area::Unlocated, "location not given in the report".into(), "lieu non précisé dans le signalement".into())
    }
}

/// Cells over a forecast threshold, grouped per month into hot spots of touching
/// cells (sides or corners): one situation, one alert, however many cells it spans.
/// Each spot's rows are in gid order; spots come in month, then first-gid order.
fn hot_spots<'a>(hot: &[&'a ForecastRow]) -> Vec<Vec<&'a ForecastRow>> {
    let mut by_month: std::collections::BTreeMap<NaiveDate, HashMap<i64, &'a ForecastRow>> = Default::default();
    for r in hot {
        by_month.entry(r.month).or_default().insert(r.gid, r);
    }
    let mut spots = Vec::new();
    for cells in by_month.values() {
        let mut gids: Vec<i64> = cells.keys().copied().collect();
        gids.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        for g in gids {
            if !seen.insert(g) {
                continue;
            }
            let (mut spot, mut todo) = (vec![cells[&g]], vec![g]);
            while let Some(c) = todo.pop() {
                for n in vigil_geo::grid::neighbours(c, 1) {
                    if cells.contains_key(&n) && seen.insert(n) {
                        spot.push(cells[&n]);
                        todo.push(n);
                    }
                }
            }
            spot.sort_by_key(|r| r.gid);
            spots.push(spot);
        }
    }
    spots
}

/// The firing of a forecast rule for one hot spot (rows of one month, gid order).
fn forecast_firing(rule: &Rule, min_p_any: f64, spot: &[&ForecastRow], as_of: NaiveDate, at: DateTime<Utc>) -> Firing {
    let top = spot.iter().max_by(|a, b| a.p_any.total_cmp(&b.p_any)).expect("a hot spot has a cell");
    let (lon, lat) = vigil_geo::gid_center(top.gid);
    let month = top.month.format("%Y-%m");
    let area_desc = if spot.len() == 1 {
        format!("PRIO-GRID cell {} (centre {lat:.2}, {lon:.2})", top.gid)
    } else {
        format!("{} touching PRIO-GRID cells around cell {} (centre {lat:.2}, {lon:.2})", spot.len(), top.gid)
    };
    let area_fr = if spot.len() == 1 {
        format!("cellule PRIO-GRID {} (centre {lat:.2}, {lon:.2})", top.gid)
    } else {
        format!("{} cellules PRIO-GRID contiguës autour de la cellule {} (centre {lat:.2}, {lon:.2})", spot.len(), top.gid)
    };
    let low = spot.iter().map(|r| r.p_any).fold(f64::INFINITY, f64::min);
    let threat_fr = if spot.len() == 1 {
        format!(
            "La prévision donne une probabilité de {} d'au moins un mort dû à la violence organisée dans la {area_fr} en {month} (seuil : {}).",
            fr_num(top.p_any, 2),
            fr_num(min_p_any, 2)
        )
    } else {
        format!(
            "La prévision donne, pour {month}, une probabilité de {} à {} d'au moins un mort dû à la violence organisée dans chacune des {area_fr} (seuil : {}).",
            fr_num(low, 2),
            fr_num(top.p_any, 2),
            fr_num(min_p_any, 2)
        )
    };
    let threat = if spot.len() == 1 {
        format!(
            "The forecast puts the probability of at least one fatality from organised violence in {area_desc} in {month} at {:.2} (threshold {min_p_any:.2}).",
            top.p_any
        )
    } else {
        format!(
            "The forecast puts the probability of at least one fatality from organised violence in {month} at {low:.2} to {:.2} in each of {area_desc} (threshold {min_p_any:.2}).",
            top.p_any
        )
    };
    Firing {
        rule_id: rule.id.clone(),
        at,
        as_of,
        area: Area::Cells { gids: spot.iter().map(|r| r.gid).collect() },
        area_desc: area_desc.clone(),
        triggers: spot.iter().map(|r| Trigger::Forecast { gid: r.gid, month: r.month }).collect(),
        headline: format!("{}: P(fatal violence) up to {:.0}% in {month} — {area_desc}", rule.name, top.p_any * 100.0),
        threat,
        fr: Some(FrenchText {
            rule_name: rule.name_fr().to_owned(),
            headline: format!(
                "{} : P(violence meurtrière) jusqu'à {:.0} % en {month} — {area_fr}",
                rule.name_fr(),
                top.p_any * 100.0
            ),
            threat: threat_fr,
            area_desc: area_fr,
        }),
    }
}

fn type_ok(types: &[ViolenceType], t: Option<ViolenceType>) -> bool {
    types.is_empty() || t.is_some_and(|t| types.contains(&t))
}

fn admin_code(w: &Whereabouts, level: AdminLevel) -> Option<&str> {
    match level {
        AdminLevel::Admin1 => w.admin1.as_deref(),
        AdminLevel::Admin2 => w.admin2.as_deref(),
    }
}

fn month_index(d: NaiveDate) -> i64 {
    d.year() as i64 * 12 + d.month0() as i64
}

fn describe_filter(types: &[ViolenceType], event_types: &[String]) -> String {
    let names = ["state-based armed conflict", "non-state conflict", "one-sided violence against civilians"];
    describe_filter_in(types, event_types, names, " of ", " or ")
}

/// [`describe_filter`] in French.
fn describe_filter_fr(types: &[ViolenceType], event_types: &[String]) -> String {
    let names =
        ["conflit armé impliquant un État", "conflit entre groupes non étatiques", "violence unilatérale contre des civils"];
    describe_filter_in(types, event_types, names, " de ", " ou ")
}

/// " of X or Y" for the types (named state-based, non-state, one-sided) and event types.
fn describe_filter_in(types: &[ViolenceType], event_types: &[String], names: [&str; 3], of: &str, or: &str) -> String {
    let mut parts: Vec<&str> = types
        .iter()
        .map(|t| match t {
            ViolenceType::StateBased => names[0],
            ViolenceType::NonState => names[1],
            ViolenceType::OneSided => names[2],
        })
        .collect();
    parts.extend(event_types.iter().map(String::as_str));
    if parts.is_empty() {
        String::new()
    } else {
        format!("{of}{}", parts.join(or))
    }
}
