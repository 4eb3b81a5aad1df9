//! Call volumes: calls by hour of day, day, language and outcome, and the median
//! duration.

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the volumes count of one call.
#[derive(Debug, Clone)]
pub struct CallFacts {
    pub started_at: DateTime<Utc>,
    pub language: Option<String>,
    pub outcome: String,
    pub duration_seconds: Option<i64>,
}

/// Counts, keyed for display (hours `00`–`23`, days `YYYY-MM-DD`, language
/// `unknown` when none was noted).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Volumes {
    pub total: usize,
    pub by_hour: BTreeMap<String, usize>,
    pub by_day: BTreeMap<String, usize>,
    pub by_language: BTreeMap<String, usize>,
    pub by_outcome: BTreeMap<String, usize>,
    pub median_duration_seconds: Option<i64>,
}

/// The volumes of `calls` (hours in UTC, every hour listed).
pub fn volumes(calls: &[CallFacts]) -> Volumes {
    let mut v = Volumes {
        total: calls.len(),
        ..Volumes::default()
    };
    for h in 0..24 {
        v.by_hour.insert(format!("{h:02}"), 0);
    }
    let mut durations = vec![];
    for c in calls {
        *v.by_hour
            .entry(format!("{:02}", c.started_at.hour()))
            .or_default() += 1;
        *v.by_day
            .entry(c.started_at.date_naive().to_string())
            .or_default() += 1;
        *v.by_language
            .entry(c.language.clone().unwrap_or_else(|| "unknown".into()))
            .or_default() += 1;
        *v.by_outcome.entry(c.outcome.clone()).or_default() += 1;
        if let Some(d) = c.duration_seconds {
            durations.push(d);
        }
    }
    durations.sort_unstable();
    v.median_duration_seconds = durations
        .get(durations.len() / 2)
        .copied()
        .filter(|_| !durations.is_empty());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(t: &str, lang: Option<&str>, outcome: &str, d: i64) -> CallFacts {
        CallFacts {
            started_at: DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc),
            language: lang.map(str::to_string),
            outcome: outcome.into(),
            duration_seconds: Some(d),
        }
    }

    #[test]
    fn counts_by_hour_day_language_and_outcome() {
        let v = volumes(&[
            call("2026-12-01T08:10:00Z", Some("fr"), "report", 120),
            call("2026-12-01T08:50:00Z", Some("fr"), "hoax", 30),
            call("2026-12-02T22:00:00Z", None, "information_request", 300),
        ]);
        assert_eq!(v.total, 3);
        assert_eq!(v.by_hour["08"], 2);
        assert_eq!(v.by_hour["22"], 1);
        assert_eq!(v.by_hour["00"], 0);
        assert_eq!(v.by_day["2026-12-01"], 2);
        assert_eq!(v.by_language["fr"], 2);
        assert_eq!(v.by_language["unknown"], 1);
        assert_eq!(v.by_outcome["hoax"], 1);
        assert_eq!(v.median_duration_seconds, Some(120));
        assert_eq!(volumes(&[]).median_duration_seconds, None);
    }
}
