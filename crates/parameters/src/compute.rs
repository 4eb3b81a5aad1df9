//! The computed indicators, from plain records (the app reads them from the store).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::milestone::round1;

/// A movement request as the figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveRec {
    pub id: i64,
    pub planned: NaiveDate,
    pub sector: String,
    pub kind: String,
    /// The decision's outcome, None when none is recorded.
    pub outcome: Option<String>,
}

fn in_period(d: NaiveDate, start: NaiveDate, end: NaiveDate) -> bool {
    start <= d && d <= end
}

/// Movement requests of a sector (or all sectors: `sector` = `total`) in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SectorRow {
    pub sector: String,
    pub requests: u32,
    pub decided: u32,
    pub denied: u32,
    pub delayed: u32,
    pub no_answer: u32,
    pub casevac_denied: u32,
    /// (denied + delayed + no answer) / decided, %; None when nothing was decided.
    pub share_denied_or_delayed: Option<f64>,
}

impl SectorRow {
    fn add(&mut self, m: &MoveRec) {
        self.requests += 1;
        if let Some(o) = &m.outcome {
            self.decided += 1;
            match o.as_str() {
                "denied" => self.denied += 1,
                "delayed" => self.delayed += 1,
                "no_answer" => self.no_answer += 1,
                _ => {}
            }
            if m.kind == "casevac" && matches!(o.as_str(), "denied" | "no_answer") {
                self.casevac_denied += 1;
            }
        }
    }

    fn finish(mut self) -> SectorRow {
        self.share_denied_or_delayed = (self.decided > 0).then(|| {
            round1(
                f64::from(self.denied + self.delayed + self.no_answer) * 100.0
                    / f64::from(self.decided),
            )
        });
        self
    }
}

/// By sector (in `sectors` order; sectors with no request included as zeros), then the total.
pub fn movement_by_sector(
    recs: &[MoveRec],
    sectors: &[&str],
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<SectorRow> {
    let mut by: BTreeMap<String, SectorRow> = BTreeMap::new();
    let mut total = SectorRow {
        sector: "total".into(),
        ..Default::default()
    };
    for m in recs.iter().filter(|m| in_period(m.planned, start, end)) {
        by.entry(m.sector.clone())
            .or_insert_with(|| SectorRow {
                sector: m.sector.clone(),
                ..Default::default()
            })
            .add(m);
        total.add(m);
    }
    let mut out: Vec<SectorRow> = sectors
        .iter()
        .map(|s| {
            by.remove(*s)
                .unwrap_or_else(|| SectorRow {
                    sector: (*s).into(),
                    ..Default::default()
                })
                .finish()
        })
        .collect();
    out.extend(by.into_values().map(SectorRow::finish));
    out.push(total.finish());
    out
}

/// An alert as the figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRec {
    pub id: i64,
    pub created: DateTime<Utc>,
    pub issued: Option<DateTime<Utc>>,
    pub expires: DateTime<Utc>,
    pub admin1: Option<String>,
    /// The first response dispatched for it.
    pub first_dispatch: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertFigures {
    /// Alerts created in the period (drafts included).
    pub raised: u32,
    /// Alerts issued in the period.
    pub issued: u32,
    /// Of those issued, with a response dispatched within the target.
    pub acted_in_time: u32,
    /// Of those issued, with a response dispatched at all.
    pub acted: u32,
    /// acted_in_time / issued, %.
    pub share_acted_in_time: Option<f64>,
    /// Median minutes from issue to first dispatch, over those acted on.
    pub median_minutes_to_respond: Option<f64>,
    pub target_hours: i64,
}

fn date_of(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

#[allow(clippy::cast_precision_loss)]
pub fn alert_figures(
    recs: &[AlertRec],
    start: NaiveDate,
    end: NaiveDate,
    target_hours: i64,
) -> AlertFigures {
    let raised = recs
        .iter()
        .filter(|a| in_period(date_of(a.created), start, end))
        .count() as u32;
    let mut issued = 0;
    let mut acted = 0;
    let mut in_time = 0;
    let mut minutes = vec![];
    for a in recs {
        let Some(i) = a.issued.filter(|i| in_period(date_of(*i), start, end)) else {
            continue;
        };
        issued += 1;
        if let Some(d) = a.first_dispatch {
            acted += 1;
            let m = (d - i).num_seconds() as f64 / 60.0;
            minutes.push(m);
            if d - i <= chrono::Duration::hours(target_hours) {
                in_time += 1;
            }
        }
    }
    minutes.sort_by(f64::total_cmp);
    let median = (!minutes.is_empty()).then(|| {
        let n = minutes.len();
        round1(if n % 2 == 1 {
            minutes[n / 2]
        } else {
            (minutes[n / 2 - 1] + minutes[n / 2]) / 2.0
        })
    });
    AlertFigures {
        raised,
        issued,
        acted_in_time: in_time,
        acted,
        share_acted_in_time: (issued > 0)
            .then(|| round1(f64::from(in_time) * 100.0 / f64::from(issued))),
        median_minutes_to_respond: median,
        target_hours,
    }
}

/// An incident as the figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncRec {
    pub id: i64,
    pub date: NaiveDate,
    pub admin1: Option<String>,
    pub civilian_deaths: u32,
}

/// Civilian deaths of incidents in the period in a region with an alert issued on or
/// before the incident's date that had not expired by then; and those incidents' ids.
pub fn deaths_in_alerted_areas(
    incs: &[IncRec],
    alerts: &[AlertRec],
    start: NaiveDate,
    end: NaiveDate,
) -> (u32, Vec<i64>) {
    let mut deaths = 0;
    let mut ids = vec![];
    for i in incs.iter().filter(|i| in_period(i.date, start, end)) {
        let Some(region) = &i.admin1 else { continue };
        let alerted = alerts.iter().any(|a| {
            a.admin1.as_ref() == Some(region)
                && a.issued.is_some_and(|t| date_of(t) <= i.date)
                && date_of(a.expires) >= i.date
        });
        if alerted {
            deaths += i.civilian_deaths;
            ids.push(i.id);
        }
    }
    (deaths, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn mv(id: i64, planned: &str, sector: &str, kind: &str, outcome: Option<&str>) -> MoveRec {
        MoveRec {
            id,
            planned: d(planned),
            sector: sector.into(),
            kind: kind.into(),
            outcome: outcome.map(Into::into),
        }
    }

    #[test]
    fn movement_shares_by_sector_from_hand_made_requests() {
        let recs = vec![
            mv(1, "2022-10-03", "north", "patrol", Some("granted")),
            mv(2, "2022-10-04", "north", "casevac", Some("denied")),
            mv(3, "2022-11-10", "north", "isr", Some("delayed")),
            mv(4, "2022-11-11", "centre", "casevac", Some("no_answer")),
            mv(5, "2022-12-01", "centre", "patrol", None), // undecided: a request, not decided
            mv(6, "2022-09-30", "north", "patrol", Some("denied")), // previous quarter
        ];
        let rows = movement_by_sector(
            &recs,
            &["north", "east", "centre"],
            d("2022-10-01"),
            d("2022-12-31"),
        );
        let north = &rows[0];
        assert_eq!(
            (north.requests, north.decided, north.denied, north.delayed),
            (3, 3, 1, 1)
        );
        assert_eq!(north.share_denied_or_delayed, Some(66.7));
        assert_eq!(north.casevac_denied, 1);
        assert_eq!(rows[1].sector, "east");
        assert_eq!(
            (rows[1].requests, rows[1].share_denied_or_delayed),
            (0, None)
        );
        let centre = &rows[2];
        assert_eq!(
            (
                centre.requests,
                centre.decided,
                centre.no_answer,
                centre.casevac_denied
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(centre.share_denied_or_delayed, Some(100.0));
        let total = rows.last().unwrap();
        assert_eq!(
            (
                total.sector.as_str(),
                total.requests,
                total.decided,
                total.casevac_denied
            ),
            ("total", 5, 4, 2)
        );
        assert_eq!(total.share_denied_or_delayed, Some(75.0));
        // an empty period: every count zero, no share
        let empty = movement_by_sector(&recs, &["north"], d("2021-01-01"), d("2021-03-31"));
        assert_eq!(empty.last().unwrap().requests, 0);
        assert_eq!(empty.last().unwrap().share_denied_or_delayed, None);
    }

    #[test]
    fn alerts_acted_on_within_the_target() {
        let a = |id, issued: Option<&str>, dispatch: Option<&str>| AlertRec {
            id,
            created: t("2022-10-01T00:00:00Z"),
            issued: issued.map(t),
            expires: t("2022-10-10T00:00:00Z"),
            admin1: Some("ML07".into()),
            first_dispatch: dispatch.map(t),
        };
        let recs = vec![
            a(
                1,
                Some("2022-10-01T08:00:00Z"),
                Some("2022-10-01T10:00:00Z"),
            ), // 120 min
            a(
                2,
                Some("2022-10-02T08:00:00Z"),
                Some("2022-10-03T10:00:00Z"),
            ), // 26 h: late
            a(3, Some("2022-10-02T08:00:00Z"), None),
            a(4, None, None), // draft: raised, not issued
        ];
        let f = alert_figures(&recs, d("2022-10-01"), d("2022-12-31"), 24);
        assert_eq!((f.raised, f.issued, f.acted, f.acted_in_time), (4, 3, 2, 1));
        assert_eq!(f.share_acted_in_time, Some(33.3));
        assert_eq!(f.median_minutes_to_respond, Some((120.0 + 1560.0) / 2.0));
        let none = alert_figures(&recs, d("2023-01-01"), d("2023-03-31"), 24);
        assert_eq!(
            (
                none.raised,
                none.issued,
                none.share_acted_in_time,
                none.median_minutes_to_respond
            ),
            (0, 0, None, None)
        );
    }

    #[test]
    fn deaths_count_only_where_and_while_an_alert_is_active() {
        let alert = AlertRec {
            id: 1,
            created: t("2022-10-05T00:00:00Z"),
            issued: Some(t("2022-10-05T06:00:00Z")),
            expires: t("2022-10-20T00:00:00Z"),
            admin1: Some("ML07".into()),
            first_dispatch: None,
        };
        let i = |id, date: &str, a1: &str, n| IncRec {
            id,
            date: d(date),
            admin1: Some(a1.into()),
            civilian_deaths: n,
        };
        let incs = vec![
            i(1, "2022-10-04", "ML07", 5), // before the alert
            i(2, "2022-10-05", "ML07", 3), // the day it was issued
            i(3, "2022-10-20", "ML07", 2), // the day it expires
            i(4, "2022-10-21", "ML07", 7), // after
            i(5, "2022-10-10", "ML06", 4), // another region
        ];
        let (n, ids) = deaths_in_alerted_areas(&incs, &[alert], d("2022-10-01"), d("2022-12-31"));
        assert_eq!((n, ids), (5, vec![2, 3]));
        assert_eq!(
            deaths_in_alerted_areas(&incs, &[], d("2022-10-01"), d("2022-12-31")).0,
            0
        );
    }
}
