//! The backtest replays history through the live engine and scores rules as the
//! issue defines: alerts, share followed by a fatal incident in their area within 30
//! days, share of fatal incidents with no alert in the 30 days before, median lead.

use chrono::NaiveDate;
use vigil_model::ViolenceType;
use vigil_warn::backtest::{self, BacktestConfig};
use vigil_warn::{IncidentInput, LatLon, RuleSet, Whereabouts};

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

fn inc(id: &str, date: &str, lat: f64, lon: f64, deaths: i64) -> IncidentInput {
    IncidentInput {
        id: id.into(),
        date: day(date),
        place_name: None,
        place: Whereabouts {
            point: Some(LatLon::new(lat, lon)),
            admin1: None,
            admin2: Some("A".into()),
            gid: None,
        },
        type_of_violence: Some(ViolenceType::OneSided),
        event_type: None,
        fatalities: deaths,
    }
}

#[test]
fn scores_alerts_follow_ups_misses_and_lead_time() {
    let rules = RuleSet::parse(
        r#"
[[rule]]
id = "pair"
kind = "count_threshold"
urgency = "Immediate"
severity = "Severe"
certainty = "Likely"
min_count = 2
radius_km = 10
window_days = 3
dedup_window_hours = 24

[[rule]]
id = "rep"
kind = "report"
urgency = "Immediate"
severity = "Severe"
certainty = "Likely"
reliability = ["A"]
credibility = [1]
keywords_en = ["killed"]
"#,
    )
    .unwrap();
    let history = vec![
        inc("w", "2021-12-30", 15.0, 2.0, 1), // warm-up, before the period
        inc("1", "2022-01-01", 15.0, 2.0, 1), // with w: pair → alert 1 on 01-01 (w within 3 days)
        inc("2", "2022-01-05", 15.01, 2.0, 3), // follows alert 1 after 4 days; no pair (1 is 4 days back)
        inc("3", "2022-02-01", 16.0, 2.0, 1),  // alone elsewhere
        inc("4", "2022-02-02", 16.0, 2.01, 2), // pair → alert 2 on 02-02; nothing follows it
        inc("5", "2022-04-01", 17.0, 2.0, 1),  // after `to`: only for follow-up
    ];
    let cfg = BacktestConfig {
        from: day("2022-01-01"),
        to: day("2022-03-31"),
        follow_days: 30,
    };
    let r = backtest::run(&rules, history, &[], cfg);
    assert_eq!(r.incidents_warmup, 1);
    assert_eq!(r.incidents_replayed, 5);
    let pair = &r.rules[0];
    assert_eq!(pair.not_evaluated, None);
    assert_eq!(pair.alerts, 2);
    assert_eq!(pair.alerts_followed, 1);
    assert_eq!(pair.followed_share(), Some(0.5));
    assert_eq!(pair.lead_days, vec![4]);
    assert_eq!(pair.median_lead_days(), Some(4.0));
    // fatal incidents 1..4 in the period; only 2 had an alert for its area before it
    assert_eq!(pair.fatal_incidents, 4);
    assert_eq!(pair.fatal_missed, 3);
    assert_eq!(pair.missed_share(), Some(0.75));
    let rep = &r.rules[1];
    assert!(rep.not_evaluated.is_some());
    assert_eq!(rep.alerts, 0);
}
