//! Does the mission get stopped where protection needs are critical? For each
//! denied or delayed movement: the incidents and the civilian deaths within `km` of
//! its destination or route in the `days` after its planned time, the alerts active
//! there at that time, and the forecast risk there; and the same for granted
//! movements, so the two groups can be compared.

use crate::movements::Outcome;
use crate::spatial::{dist_to_line_km, PointIndex, Pt};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A decided movement, where it went.
#[derive(Debug, Clone)]
pub struct Movement {
    pub id: i64,
    pub outcome: Outcome,
    pub planned_at: DateTime<Utc>,
    /// The destination (one point) or the route (a line ending at the destination).
    pub path: Vec<Pt>,
}

/// An incident the caller may see.
#[derive(Debug, Clone, Copy)]
pub struct Incident {
    pub pt: Pt,
    pub date: NaiveDate,
    pub civilian_deaths: i64,
}

/// An alert's area and when it was open.
#[derive(Debug, Clone, Copy)]
pub struct AlertArea {
    pub pt: Pt,
    pub radius_km: f64,
    pub opened: DateTime<Utc>,
    /// `None` while still open.
    pub closed: Option<DateTime<Utc>>,
}

/// The measure's settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    pub km: f64,
    pub days: i64,
}

/// One movement's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub id: i64,
    pub outcome: Outcome,
    pub incidents: u64,
    pub civilian_deaths: i64,
    pub active_alerts: u64,
    /// The highest forecast risk along the path (`None` without a forecast there).
    pub risk: Option<f64>,
}

/// A group's figures (means per movement).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub movements: u64,
    pub incidents: u64,
    pub civilian_deaths: i64,
    pub mean_incidents: Option<f64>,
    pub mean_civilian_deaths: Option<f64>,
    /// Share of movements with at least one incident in the window.
    pub share_with_incident: Option<f64>,
    pub mean_active_alerts: Option<f64>,
    pub mean_risk: Option<f64>,
}

/// Denied or delayed against granted (with or without conditions). Requests with no
/// answer in time are in neither group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    pub params: Params,
    pub rows: Vec<Row>,
    pub restricted: Group,
    pub granted: Group,
}

/// The incidents, indexed once for many movements.
pub struct IncidentIndex {
    index: PointIndex,
    incidents: Vec<Incident>,
}

impl IncidentIndex {
    pub fn new(incidents: Vec<Incident>) -> IncidentIndex {
        IncidentIndex { index: PointIndex::new(incidents.iter().map(|i| i.pt).collect()), incidents }
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }
}

/// The measure. `risk` gives the forecast risk at a point (`None` outside the forecast).
pub fn overlap(
    movements: &[Movement],
    incidents: &IncidentIndex,
    alerts: &[AlertArea],
    risk: &dyn Fn(Pt) -> Option<f64>,
    p: Params,
) -> Overlap {
    let rows: Vec<Row> = movements
        .iter()
        .filter(|m| !m.path.is_empty())
        .map(|m| {
            let start = m.planned_at.date_naive();
            let end = start + chrono::Duration::days(p.days);
            let mut n = 0u64;
            let mut deaths = 0i64;
            for i in incidents.index.within_line(&m.path, p.km) {
                let inc = &incidents.incidents[i];
                if inc.date >= start && inc.date < end {
                    n += 1;
                    deaths += inc.civilian_deaths.max(0);
                }
            }
            let active = alerts
                .iter()
                .filter(|a| a.opened <= m.planned_at && a.closed.is_none_or(|c| c > m.planned_at))
                .filter(|a| dist_to_line_km(a.pt, &m.path) <= p.km + a.radius_km)
                .count() as u64;
            let risk = m
                .path
                .iter()
                .filter_map(|&pt| risk(pt))
                .fold(None, |acc: Option<f64>, r| Some(acc.map_or(r, |a| a.max(r))));
            Row { id: m.id, outcome: m.outcome, incidents: n, civilian_deaths: deaths, active_alerts: active, risk }
        })
        .collect();
    let restricted = group(rows.iter().filter(|r| r.outcome.restricted()));
    let granted = group(rows.iter().filter(|r| r.outcome.granted()));
    Overlap { params: p, rows, restricted, granted }
}

fn group<'a>(rows: impl Iterator<Item = &'a Row>) -> Group {
    let rows: Vec<&Row> = rows.collect();
    let n = rows.len() as u64;
    let mean = |s: f64| (n > 0).then(|| s / n as f64);
    let incidents: u64 = rows.iter().map(|r| r.incidents).sum();
    let deaths: i64 = rows.iter().map(|r| r.civilian_deaths).sum();
    let risks: Vec<f64> = rows.iter().filter_map(|r| r.risk).collect();
    Group {
        movements: n,
        incidents,
        civilian_deaths: deaths,
        mean_incidents: mean(incidents as f64),
        mean_civilian_deaths: mean(deaths as f64),
        share_with_incident: mean(rows.iter().filter(|r| r.incidents > 0).count() as f64),
        mean_active_alerts: mean(rows.iter().map(|r| r.active_alerts).sum::<u64>() as f64),
        mean_risk: (!risks.is_empty()).then(|| risks.iter().sum::<f64>() / risks.len() as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::movements::tests::t;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// Two denials near incidents, one far from any, one granted movement.
    #[test]
    fn two_denials_near_incidents_one_far_one_granted() {
        let gao = (-0.0447, 16.2717);
        let ansongo = (0.5022, 15.6597);
        let kidal = (1.4078, 18.4411);
        let tessalit = (1.0119, 20.2013);
        let at = t("2022-03-10T06:00:00Z");
        let movements = vec![
            // denied flight to Gao
            Movement { id: 1, outcome: Outcome::Denied, planned_at: at, path: vec![gao] },
            // delayed convoy Gao -> Ansongo (route)
            Movement { id: 2, outcome: Outcome::Delayed, planned_at: at, path: vec![gao, ansongo] },
            // denied flight to Tessalit: nothing near
            Movement { id: 3, outcome: Outcome::Denied, planned_at: at, path: vec![tessalit] },
            // granted flight to Kidal
            Movement { id: 4, outcome: Outcome::Granted, planned_at: at, path: vec![kidal] },
        ];
        let incidents = IncidentIndex::new(vec![
            // 5 km from Gao, two days later: counts for 1 and 2
            Incident { pt: (0.0, 16.25), date: d("2022-03-12"), civilian_deaths: 4 },
            // halfway Gao-Ansongo, off Gao by ~45 km: counts for 2 only
            Incident { pt: (0.23, 15.97), date: d("2022-03-15"), civilian_deaths: 2 },
            // near Gao but 40 days later: outside the 30-day window
            Incident { pt: (0.0, 16.27), date: d("2022-04-19"), civilian_deaths: 9 },
            // near Gao but the day before: before the window
            Incident { pt: (0.0, 16.27), date: d("2022-03-09"), civilian_deaths: 7 },
            // near Kidal, in the window: the granted movement's
            Incident { pt: (1.40, 18.45), date: d("2022-03-20"), civilian_deaths: 1 },
        ]);
        let alerts = vec![
            AlertArea { pt: (0.0, 16.3), radius_km: 10.0, opened: t("2022-03-01T00:00:00Z"), closed: None },
            // closed before the movement
            AlertArea {
                pt: (1.4, 18.44),
                radius_km: 10.0,
                opened: t("2022-02-01T00:00:00Z"),
                closed: Some(t("2022-03-01T00:00:00Z")),
            },
        ];
        let risk = |p: Pt| if p.1 < 17.0 { Some(0.8) } else { Some(0.1) };
        let o = overlap(&movements, &incidents, &alerts, &risk, Params { km: 20.0, days: 30 });
        let got: Vec<(i64, u64, i64, u64)> =
            o.rows.iter().map(|r| (r.id, r.incidents, r.civilian_deaths, r.active_alerts)).collect();
        assert_eq!(got, [(1, 1, 4, 1), (2, 2, 6, 1), (3, 0, 0, 0), (4, 1, 1, 0)]);
        assert_eq!(o.restricted.movements, 3);
        assert_eq!((o.restricted.incidents, o.restricted.civilian_deaths), (3, 10));
        assert_eq!(o.restricted.mean_incidents, Some(1.0));
        assert_eq!(o.restricted.share_with_incident, Some(2.0 / 3.0));
        assert_eq!(o.restricted.mean_active_alerts, Some(2.0 / 3.0));
        // risk: 0.8, 0.8, 0.1 -> mean 0.5667
        assert!((o.restricted.mean_risk.unwrap() - 1.7 / 3.0).abs() < 1e-9);
        assert_eq!((o.granted.movements, o.granted.incidents, o.granted.civilian_deaths), (1, 1, 1));
        assert_eq!(o.granted.mean_risk, Some(0.1));
    }
}
