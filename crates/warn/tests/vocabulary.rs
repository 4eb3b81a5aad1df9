//! The vocabulary's CAP value lists and alert lifecycle (crates/model, served to the
//! UI) say what this crate's types do: a value or a step added here and not there, or
//! the other way round, fails.

use vigil_model::vocab::{ALERT_NEXT_STEPS, CAP};
use vigil_warn::cap::{Category, Certainty, Severity, Urgency};
use vigil_warn::AlertStatus;

fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
    v.sort_unstable();
    v
}

#[test]
fn cap_lists_match_the_cap_types() {
    assert_eq!(sorted(CAP.urgency.to_vec()), sorted(Urgency::ALL.iter().map(|u| u.as_str()).collect()));
    assert_eq!(sorted(CAP.severity.to_vec()), sorted(Severity::ALL.iter().map(|u| u.as_str()).collect()));
    assert_eq!(sorted(CAP.certainty.to_vec()), sorted(Certainty::ALL.iter().map(|u| u.as_str()).collect()));
    assert_eq!(sorted(CAP.categories.to_vec()), sorted(Category::ALL.iter().map(|u| u.as_str()).collect()));
}

#[test]
fn alert_next_steps_are_the_lifecycle() {
    let statuses: Vec<AlertStatus> =
        vigil_model::vocab::codes(vigil_model::vocab::ALERT_STATUSES).iter().map(|c| AlertStatus::parse(c).expect(c)).collect();
    let mut forward = vec![];
    for &from in &statuses {
        for &to in &statuses {
            if from.can_become(to) && to != AlertStatus::Cancelled {
                forward.push((from.as_str(), to.as_str()));
            }
        }
    }
    assert_eq!(sorted_pairs(forward), sorted_pairs(ALERT_NEXT_STEPS.to_vec()));
}

fn sorted_pairs(mut v: Vec<(&str, &str)>) -> Vec<(String, String)> {
    v.sort_unstable();
    v.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}
