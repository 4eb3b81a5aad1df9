//! Convoys: a route, departure and arrival, vehicles, escort, incidents on the way,
//! delays and why; and the convoy duration by route over time.

use crate::Refusal;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// A convoy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convoy {
    pub route_id: Option<i64>,
    pub departed_at: DateTime<Utc>,
    /// `None` while on the way.
    pub arrived_at: Option<DateTime<Utc>>,
    pub vehicles: i64,
    pub escort: String,
    pub delay_reason: Option<String>,
    pub incident_ids: Vec<i64>,
}

/// Check a convoy before it is stored.
pub fn validate(c: &Convoy) -> Result<(), Refusal> {
    if c.vehicles < 0 {
        return Err(Refusal::new("vehicles", format!("{} is negative", c.vehicles)));
    }
    if let Some(a) = c.arrived_at {
        if a < c.departed_at {
            return Err(Refusal::new(
                "arrived_at",
                format!("{} is before the departure {}", a.to_rfc3339(), c.departed_at.to_rfc3339()),
            ));
        }
    }
    Ok(())
}

/// Convoys of one route that left in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationRow {
    pub route_id: Option<i64>,
    /// YYYY-MM of departure.
    pub month: String,
    pub convoys: u64,
    pub arrived: u64,
    pub median_hours: Option<f64>,
    pub max_hours: Option<f64>,
}

/// Durations (arrived convoys) by route and month of departure.
pub fn durations(convoys: &[Convoy]) -> Vec<DurationRow> {
    let mut m: BTreeMap<(Option<i64>, String), (u64, Vec<f64>)> = BTreeMap::new();
    for c in convoys {
        let e = m.entry((c.route_id, c.departed_at.format("%Y-%m").to_string())).or_default();
        e.0 += 1;
        if let Some(a) = c.arrived_at {
            e.1.push((a - c.departed_at).num_minutes() as f64 / 60.0);
        }
    }
    m.into_iter()
        .map(|((route_id, month), (n, mut h))| {
            h.sort_by(f64::total_cmp);
            DurationRow {
                route_id,
                month,
                convoys: n,
                arrived: h.len() as u64,
                median_hours: crate::quantile_sorted(&h, 0.5),
                max_hours: h.last().copied(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::movements::tests::t;

    #[test]
    fn durations_by_route_and_month() {
        let c = |r: i64, dep: &str, arr: Option<&str>| Convoy {
            route_id: Some(r),
            departed_at: t(dep),
            arrived_at: arr.map(t),
            vehicles: 40,
            escort: "company".into(),
            delay_reason: None,
            incident_ids: vec![],
        };
        let rows = durations(&[
            c(1, "2022-01-02T06:00:00Z", Some("2022-01-03T06:00:00Z")),
            c(1, "2022-01-10T06:00:00Z", Some("2022-01-13T06:00:00Z")),
            c(1, "2022-01-20T06:00:00Z", None),
            c(2, "2022-02-01T06:00:00Z", Some("2022-02-01T18:00:00Z")),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].convoys, rows[0].arrived, rows[0].median_hours, rows[0].max_hours),
            (3, 2, Some(24.0), Some(72.0))
        );
        assert_eq!(rows[1].median_hours, Some(12.0));
        let mut bad = c(1, "2022-01-02T06:00:00Z", Some("2022-01-01T06:00:00Z"));
        assert_eq!(validate(&bad).unwrap_err().field, "arrived_at");
        bad.arrived_at = None;
        bad.vehicles = -3;
        assert_eq!(validate(&bad).unwrap_err().field, "vehicles");
    }
}
