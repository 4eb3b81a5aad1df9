//! Rule backtest: replay incident history in time order through the live engine and
//! score each rule against what happened next.
//!
//! The replay makes the same calls the server makes — [`Engine::on_incident`] for
//! each incident, [`Engine::on_schedule`] once per day — and feeds every firing to an
//! [`AlertBook`], so de-duplication is part of what is measured (a rule that fires
//! daily on one situation counts one alert, as an analyst would see it).
//!
//! Per rule:
//!
//! * **alerts**: alerts created with `from ≤ date ≤ to`;
//! * **followed**: the share of those alerts followed by a fatal incident in their
//!   area within `follow_days` (default 30) — an incident processed after the alert
//!   was created, so the alert's own triggers do not count;
//! * **missed**: the share of fatal incidents in the period with no alert of the
//!   rule for their area in the `follow_days` before — that is, no alert created, or
//!   updated by a new firing, in that window and before the incident came in;
//! * **median lead time**: over followed alerts, days from the alert to the first
//!   fatal incident that followed it.
//!
//! Dates are whole days: incidents carry a date, not a time. Scheduled rounds run at
//! the end of each day, after that day's incidents; incidents are processed at noon.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::alert::{AlertBook, Applied};
use crate::engine::{Engine, ForecastRow, IncidentInput};
use crate::rules::{RuleKind, RuleSet};

/// Backtest period and follow-up window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktestConfig {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub follow_days: i64,
}

/// The score of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleScore {
    pub rule_id: String,
    pub rule_name: String,
    pub kind: &'static str,
    /// `None` when the rule could not be evaluated (report rules: no reports in the
    /// incident history; forecast rules without forecast rows), with the reason.
    pub not_evaluated: Option<String>,
    pub firings: usize,
    pub alerts: usize,
    pub alerts_followed: usize,
    pub fatal_incidents: usize,
    pub fatal_missed: usize,
    /// Sorted.
    pub lead_days: Vec<i64>,
}

impl RuleScore {
    pub fn followed_share(&self) -> Option<f64> {
        (self.alerts > 0).then(|| self.alerts_followed as f64 / self.alerts as f64)
    }
    pub fn missed_share(&self) -> Option<f64> {
        (self.fatal_incidents > 0).then(|| self.fatal_missed as f64 / self.fatal_incidents as f64)
    }
    pub fn median_lead_days(&self) -> Option<f64> {
        let n = self.lead_days.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.lead_days[n / 2] as f64),
            _ => Some((self.lead_days[n / 2 - 1] + self.lead_days[n / 2]) as f64 / 2.0),
        }
    }
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub incidents_replayed: usize,
    pub incidents_warmup: usize,
    pub days: i64,
    pub rules: Vec<RuleScore>,
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).expect("valid time"))
}
fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(23, 0, 0).expect("valid time"))
}

/// What the replay remembers about each alert.
struct Track {
    rule: usize,
    created_step: u64,
    created: NaiveDate,
    /// (step, date) of the creation and of every firing folded in.
    firings: Vec<(u64, NaiveDate)>,
}

/// Replay `incidents` (any order; sorted here by date, stably) through `rules`.
///
/// Incidents before `from` only warm up the engine's window; incidents after `to`
/// (up to `to + follow_days`) only serve to see whether alerts were followed.
pub fn run(
    rules: &RuleSet,
    incidents: impl IntoIterator<Item = IncidentInput>,
    forecasts: &[ForecastRow],
    cfg: BacktestConfig,
) -> BacktestReport {
    let mut incidents: Vec<IncidentInput> = incidents.into_iter().collect();
    incidents.sort_by_key(|i| i.date);
    let mut engine = Engine::new(rules.clone());
    let mut book = AlertBook::new();
    let mut tracks: HashMap<u64, Track> = HashMap::new();
    let rule_index: HashMap<&str, usize> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut firings = vec![0usize; rules.rules.len()];
    // (step, incident) for every incident processed from `from` on.
    let mut processed: Vec<(u64, IncidentInput)> = Vec::new();
    let mut step = 0u64;
    let mut warmup = 0usize;
    let last_day = cfg.to + Duration::days(cfg.follow_days);

    let mut record = |fs: Vec<crate::engine::Firing>,
                      step: u64,
                      book: &mut AlertBook,
                      tracks: &mut HashMap<u64, Track>| {
        for f in fs {
            let ri = rule_index[f.rule_id.as_str()];
            firings[ri] += 1;
            match book.apply(&f, &rules.rules[ri]) {
                Applied::Created(id) => {
                    tracks.insert(
                        id,
                        Track {
                            rule: ri,
                            created_step: step,
                            created: f.as_of,
                            firings: vec![(step, f.as_of)],
                        },
                    );
                }
                Applied::Updated(id) => {
                    if let Some(t) = tracks.get_mut(&id) {
                        t.firings.push((step, f.as_of));
                    }
                }
            }
        }
    };

    let mut next_schedule = cfg.from;
    for inc in incidents {
        if inc.date < cfg.from {
            engine.observe(inc);
            warmup += 1;
            continue;
        }
        if inc.date > last_day {
            break;
        }
        // Scheduled rounds for the days that ended before this incident's day.
        while next_schedule < inc.date && next_schedule <= cfg.to {
            step += 1;
            let fs = engine.on_schedule(next_schedule, end_of_day(next_schedule), forecasts);
            record(fs, step, &mut book, &mut tracks);
            next_schedule += Duration::days(1);
        }
        step += 1;
        if inc.date <= cfg.to {
            let fs = engine.on_incident(inc.clone(), noon(inc.date));
            record(fs, step, &mut book, &mut tracks);
        } else {
            engine.observe(inc.clone());
        }
        processed.push((step, inc));
    }
    while next_schedule <= cfg.to {
        step += 1;
        let fs = engine.on_schedule(next_schedule, end_of_day(next_schedule), forecasts);
        record(fs, step, &mut book, &mut tracks);
        next_schedule += Duration::days(1);
    }

    let fatal: Vec<&(u64, IncidentInput)> =
        processed.iter().filter(|(_, i)| i.fatalities > 0).collect();
    let mut scores = Vec::with_capacity(rules.rules.len());
    for (ri, rule) in rules.rules.iter().enumerate() {
        let not_evaluated = match &rule.kind {
            RuleKind::Report { .. } => {
                Some("needs field reports; the incident history has none".to_owned())
            }
            RuleKind::ForecastThreshold { .. } if forecasts.is_empty() => {
                Some("needs forecast rows (--forecasts FILE.csv)".to_owned())
            }
            _ if !rule.enabled => Some("disabled".to_owned()),
            _ => None,
        };
        let mine: Vec<(&Track, &crate::alert::Alert)> = tracks
            .iter()
            .filter(|(_, t)| t.rule == ri)
            .filter_map(|(id, t)| book.get(*id).map(|a| (t, a)))
            .collect();
        let mut lead_days = Vec::new();
        for (t, a) in &mine {
            let horizon = t.created + Duration::days(cfg.follow_days);
            let first = fatal
                .iter()
                .filter(|(s, i)| *s > t.created_step && i.date >= t.created && i.date <= horizon)
                .filter(|(_, i)| a.area.contains(&i.place))
                .map(|(_, i)| (i.date - t.created).num_days())
                .min();
            if let Some(d) = first {
                lead_days.push(d);
            }
        }
        lead_days.sort_unstable();
        let in_period: Vec<&&(u64, IncidentInput)> = fatal
            .iter()
            .filter(|(_, i)| i.date >= cfg.from && i.date <= cfg.to)
            .collect();
        let missed = in_period
            .iter()
            .filter(|(s, i)| {
                let since = i.date - Duration::days(cfg.follow_days);
                !mine.iter().any(|(t, a)| {
                    t.firings.iter().any(|(fs, fd)| fs < s && *fd >= since)
                        && a.area.contains(&i.place)
                })
            })
            .count();
        scores.push(RuleScore {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            kind: rule.kind.name(),
            not_evaluated,
            firings: firings[ri],
            alerts: mine.len(),
            alerts_followed: lead_days.len(),
            fatal_incidents: in_period.len(),
            fatal_missed: missed,
            lead_days,
        });
    }
    BacktestReport {
        incidents_replayed: processed.len(),
        incidents_warmup: warmup,
        days: (cfg.to - cfg.from).num_days() + 1,
        rules: scores,
    }
}
