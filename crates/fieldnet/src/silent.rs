//! Silent areas: the places an early-warning network covers from which no report
//! has come for N days. In this conflict silence is also a signal (a network cut
//! off, a focal point threatened), so a place never heard from is listed first.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A covered place and when a report last came from it (any channel).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoveredPlace {
    pub place_id: i64,
    pub name: String,
    pub networks: Vec<String>,
    pub last_report: Option<DateTime<Utc>>,
}

/// A place silent for at least the asked number of days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilentPlace {
    pub place_id: i64,
    pub name: String,
    pub networks: Vec<String>,
    pub last_report: Option<DateTime<Utc>>,
    /// Whole days since the last report; `None`: never reported.
    pub days_silent: Option<i64>,
}

/// The places with no report in the `days` days before `now`: never heard from
/// first (by name), then the longest silent.
pub fn silent(places: &[CoveredPlace], now: DateTime<Utc>, days: i64) -> Vec<SilentPlace> {
    let mut out: Vec<SilentPlace> = places
        .iter()
        .filter_map(|p| {
            let days_silent = p.last_report.map(|t| (now - t).num_days());
            if days_silent.is_some_and(|d| d < days) {
                return None;
            }
            Some(SilentPlace {
                place_id: p.place_id,
                name: p.name.clone(),
                networks: p.networks.clone(),
                last_report: p.last_report,
                days_silent,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_silent
            .map_or(i64::MAX, |d| d)
            .cmp(&a.days_silent.map_or(i64::MAX, |d| d))
            .then(a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn place(id: i64, name: &str, last: Option<&str>) -> CoveredPlace {
        CoveredPlace {
            place_id: id,
            name: name.into(),
            networks: vec!["N".into()],
            last_report: last.map(at),
        }
    }

    #[test]
    fn lists_never_heard_then_longest_silent_and_keeps_recent_ones_out() {
        let now = at("2026-12-06T12:00:00Z");
        let list = silent(
            &[
                place(1, "Ménaka", Some("2026-12-05T12:00:00Z")),
                place(2, "Anderamboukane", None),
                place(3, "Tidermène", Some("2026-11-01T00:00:00Z")),
                place(4, "Inékar", Some("2026-11-22T12:00:00Z")),
                place(5, "Ansongo", Some("2026-11-22T12:00:01Z")),
            ],
            now,
            14,
        );
        let names: Vec<_> = list
            .iter()
            .map(|p| (p.name.as_str(), p.days_silent))
            .collect();
        assert_eq!(
            names,
            [
                ("Anderamboukane", None),
                ("Tidermène", Some(35)),
                ("Inékar", Some(14))
            ]
        );
    }
}
