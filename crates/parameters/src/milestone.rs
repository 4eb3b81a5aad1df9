//! Dated milestones of parameters (a) and (b).

use chrono::NaiveDate;
use serde::Serialize;

use crate::indicator::Param;

/// A milestone's status.
pub const STATUSES: &[&str] = &["planned", "achieved", "delayed", "cancelled"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    pub id: i64,
    pub param: Param,
    pub title: String,
    pub planned: NaiveDate,
    pub actual: Option<NaiveDate>,
    /// One of [`STATUSES`].
    pub status: String,
    /// Where the milestone and its dates come from.
    pub sources: String,
    /// A quantity the milestone carries (e.g. 1,765 integrated), as text with its unit.
    pub quantity: Option<String>,
    /// `review` (S/2023/36) or `synthetic` (a demo value).
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneError {
    #[error("parameter: milestones belong to parameter a or b, not `{0}`")]
    Param(String),
    #[error("status: `{0}` is not one of planned, achieved, delayed, cancelled")]
    Status(String),
    #[error("title: a milestone needs a title")]
    NoTitle,
    #[error("sources: a milestone needs its sources")]
    NoSources,
    #[error("actual_date: an achieved milestone needs its actual date")]
    NoActual,
    #[error("provenance: `{0}` is not review or synthetic")]
    Provenance(String),
}

/// Check a milestone as given.
pub fn check(m: &Milestone) -> Result<(), MilestoneError> {
    if !matches!(m.param, Param::A | Param::B) {
        return Err(MilestoneError::Param(m.param.code().into()));
    }
    if !STATUSES.contains(&m.status.as_str()) {
        return Err(MilestoneError::Status(m.status.clone()));
    }
    if m.title.trim().is_empty() {
        return Err(MilestoneError::NoTitle);
    }
    if m.sources.trim().is_empty() {
        return Err(MilestoneError::NoSources);
    }
    if m.status == "achieved" && m.actual.is_none() {
        return Err(MilestoneError::NoActual);
    }
    if !matches!(m.provenance.as_str(), "review" | "synthetic") {
        return Err(MilestoneError::Provenance(m.provenance.clone()));
    }
    Ok(())
}

/// Milestones of `param` due by `end` (planned on or before it, not cancelled), and
/// how many of them were held by `end` (actual date on or before it).
pub fn due_and_held(ms: &[Milestone], param: Param, end: NaiveDate) -> (u32, u32) {
    let due: Vec<&Milestone> = ms
        .iter()
        .filter(|m| m.param == param && m.planned <= end && m.status != "cancelled")
        .collect();
    let held = due
        .iter()
        .filter(|m| m.actual.is_some_and(|a| a <= end))
        .count();
    (due.len() as u32, held as u32)
}

/// The share (%) held of those due, None when none was due.
#[allow(clippy::cast_precision_loss)]
pub fn on_time_share(ms: &[Milestone], param: Param, end: NaiveDate) -> Option<f64> {
    let (due, held) = due_and_held(ms, param, end);
    (due > 0).then(|| round1(f64::from(held) * 100.0 / f64::from(due)))
}

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(param: Param, planned: &str, actual: Option<&str>, status: &str) -> Milestone {
        Milestone {
            id: 0,
            param,
            title: "t".into(),
            planned: planned.parse().unwrap(),
            actual: actual.map(|a| a.parse().unwrap()),
            status: status.into(),
            sources: "s".into(),
            quantity: None,
            provenance: "synthetic".into(),
        }
    }

    #[test]
    fn on_time_share_counts_due_milestones_held_by_the_end() {
        // hand-made: referendum planned 2023-03-19, held 2023-06-18; legislative
        // elections planned 2023-10-29 (not held); one cancelled
        let ms = vec![
            m(Param::A, "2023-03-19", Some("2023-06-18"), "achieved"),
            m(Param::A, "2023-10-29", None, "delayed"),
            m(Param::A, "2023-01-01", None, "cancelled"),
            m(Param::B, "2022-12-31", Some("2022-12-01"), "achieved"),
        ];
        let end = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(on_time_share(&ms, Param::A, end("2022-12-31")), None); // none due
        assert_eq!(due_and_held(&ms, Param::A, end("2023-03-31")), (1, 0));
        assert_eq!(on_time_share(&ms, Param::A, end("2023-03-31")), Some(0.0));
        assert_eq!(on_time_share(&ms, Param::A, end("2023-06-30")), Some(100.0));
        assert_eq!(on_time_share(&ms, Param::A, end("2023-12-31")), Some(50.0));
        assert_eq!(on_time_share(&ms, Param::B, end("2022-12-31")), Some(100.0));
    }

    #[test]
    fn a_milestone_is_checked() {
        let mut x = m(Param::A, "2023-03-19", None, "achieved");
        assert_eq!(check(&x), Err(MilestoneError::NoActual));
        x.status = "done".into();
        assert!(matches!(check(&x), Err(MilestoneError::Status(_))));
        x.status = "planned".into();
        assert_eq!(check(&x), Ok(()));
        x.param = Param::C;
        assert!(matches!(check(&x), Err(MilestoneError::Param(_))));
    }
}
