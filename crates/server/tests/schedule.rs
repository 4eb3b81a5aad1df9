//! The scheduled rule round and the demo's replay, on both backends: `vigil demo`
//! must open with live alerts raised from its own (SYNTHETIC) history, each linked to
//! what fired it, and a scheduled round that finds the same situations again must
//! not raise them twice.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use vigil_app::schedule::{self, last_complete_month};
use vigil_server::{AppState, ServerConfig};

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn the_forecast_origin_is_the_last_complete_month() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(last_complete_month(d("2022-12-31")).to_string(), "2022-12");
    assert_eq!(last_complete_month(d("2023-01-01")).to_string(), "2022-12");
    assert_eq!(last_complete_month(d("2023-01-30")).to_string(), "2022-12");
    assert_eq!(last_complete_month(d("2024-02-29")).to_string(), "2024-02");
}

both_backends!(demo_replay_opens_with_live_alerts_linked_to_their_evidence, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let st = AppState::new(db.store.clone(), ServerConfig { demo: true, ..Default::default() }).await.unwrap();
    let r = vigil_server::demo::replay_recent(&st).await.unwrap();
    assert!(r.summary.created > 0, "{:?}", r.summary);
    assert_eq!(r.clock_start, time("2023-01-01T07:00:00Z"), "the morning after the last synthetic day");
    let now = st.alerting.now();
    assert!(now >= r.clock_start && now < time("2023-01-01T08:00:00Z"), "the clock runs from there: {now}");
    assert_eq!(r.forecast.origin().map(|m| m.to_string()).as_deref(), Some("2022-12"));

    let alerts = db.store.alerts(&[], None).await.unwrap();
    assert_eq!(alerts.len(), r.summary.created);
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &alerts {
        *by_rule.entry(a.rule_id.as_str()).or_default() += 1;
        // in French too, under the rule's French name
        let fr = &a.doc["fr"];
        assert!(fr["headline"].as_str().is_some_and(|h| !h.is_empty() && h != a.doc["headline"]), "alert {}: {fr}", a.id);
        let name_fr = match a.rule_id.as_str() {
            "violence-cluster" => "Violence armée : série d'incidents",
            "cercle-fatality-spike" => "Pic de morts dans un cercle",
            "forecast-high-risk-cell" => "Prévision : risque élevé de violence meurtrière",
            _ => "",
        };
        assert!(name_fr.is_empty() || fr["rule_name"] == name_fr, "alert {}: {fr}", a.id);
        // raised in data time, inside the replayed 90 days
        let created = time(&a.created_at);
        assert!(created >= time("2022-10-03T00:00:00Z") && created < r.clock_start, "alert {}: {created}", a.id);
        let triggers = db.store.alert_triggers(a.id).await.unwrap();
        assert!(!triggers.is_empty(), "alert {} has no evidence", a.id);
        for t in &triggers {
            match t.kind.as_str() {
                // incident triggers point at stored incidents
                "incident" => assert!(t.target_id.is_some(), "alert {}: {t:?}", a.id),
                // forecast triggers name a cell and the month after the origin
                "forecast" => assert!(t.reference.ends_with("2023-01"), "alert {}: {t:?}", a.id),
                other => panic!("alert {}: unexpected trigger kind {other}", a.id),
            }
        }
    }
    for rule in ["violence-cluster", "cercle-fatality-spike", "forecast-high-risk-cell"] {
        assert!(by_rule.contains_key(rule), "no alert from {rule}: {by_rule:?}");
    }
    // the forecast rule groups touching cells: fewer alerts than cells over the threshold
    let forecast_cells: usize = alerts
        .iter()
        .filter(|a| a.rule_id == "forecast-high-risk-cell")
        .map(|a| a.doc["area"]["gids"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(forecast_cells > by_rule["forecast-high-risk-cell"], "{forecast_cells} cells in {by_rule:?}");

    // the scheduler's first round, as of the demo's clock: the same situations,
    // nothing new raised, and the forecast is not recomputed
    let mut cache = r.forecast.clone();
    let again = schedule::round(&st, now.date_naive(), &mut cache).await.unwrap();
    assert_eq!(again.created, 0, "{again:?}");
    assert_eq!(db.store.alerts(&[], None).await.unwrap().len(), alerts.len());

});
