//! The human rights due diligence policy (HRDDP): before the mission supports a
//! non-UN security force, a risk assessment reads the unit's record in the cases,
//! sets a risk level and mitigation measures, and a decision is taken and signed.
//!
//! Rules: a support request cannot be approved without an assessment; "support with
//! mitigation" needs at least one measure with an owner and a due date; after
//! approval, a new case against the unit raises a follow-up (an alert to the HR
//! officer, and the assessment is marked for review).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use vigil_model::vocab::{self, rights as v};

use crate::case::{same_unit, Case, CaseStatus};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HrddpError {
    #[error("support request {0} cannot be approved without a risk assessment")]
    NoAssessment(i64),
    #[error("{field}: `{code}` is not one of {expected}")]
    UnknownCode { field: &'static str, code: String, expected: String },
    #[error("decision support_with_mitigation needs at least one mitigation measure")]
    NoMitigation,
    #[error("mitigation measure {0}: needs what is to be done, an owner and a due date")]
    IncompleteMeasure(usize),
    #[error("the assessment of request {0} is marked for review after a new case against the unit: review it before approving")]
    UnderReview(i64),
}

fn check(field: &'static str, list: &'static [vocab::Term], code: &str) -> Result<(), HrddpError> {
    if vocab::is_code(list, code) {
        Ok(())
    } else {
        Err(HrddpError::UnknownCode { field, code: code.into(), expected: vocab::codes(list).join(", ") })
    }
}

/// A request for support to a unit of a non-UN security force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRequest {
    #[serde(default)]
    pub id: i64,
    /// The force (e.g. national armed forces), free text.
    pub force: String,
    /// The unit to be supported.
    pub unit: String,
    /// A code of `vocab::rights::SUPPORT_TYPES`.
    pub support_type: String,
    #[serde(default)]
    pub description: String,
    pub requested_on: NaiveDate,
}

impl SupportRequest {
    pub fn validate(&self) -> Result<(), HrddpError> {
        check("support_type", v::SUPPORT_TYPES, &self.support_type)?;
        if self.unit.trim().is_empty() || self.force.trim().is_empty() {
            return Err(HrddpError::UnknownCode {
                field: "unit",
                code: String::new(),
                expected: "a unit and a force".into(),
            });
        }
        Ok(())
    }
}

/// A mitigation measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mitigation {
    pub measure: String,
    pub owner: String,
    pub due: NaiveDate,
    #[serde(default)]
    pub done: bool,
}

/// A unit's record in the cases, as the assessment shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub cases: u32,
    pub verified: u32,
    pub alleged_or_under_verification: u32,
    /// Cases with one of the six grave violations against children.
    pub grave_violations_children: u32,
    /// The most recent case's date.
    pub last_case: Option<NaiveDate>,
    /// Cases in the twelve months before the assessment.
    pub last_12_months: u32,
}

/// The record of `unit` in `cases` as of `on` (closed and not-verified cases are
/// shown in `cases` only).
pub fn unit_record(cases: &[Case], unit: &str, on: NaiveDate) -> UnitRecord {
    let year_ago = on - chrono::Duration::days(365);
    let mut r = UnitRecord::default();
    for c in cases.iter().filter(|c| c.involves_unit(unit)) {
        r.cases += 1;
        match c.status {
            CaseStatus::Verified => r.verified += 1,
            CaseStatus::Alleged | CaseStatus::UnderVerification => r.alleged_or_under_verification += 1,
            _ => {}
        }
        if c.acts.iter().any(crate::Act::is_grave_violation_against_children) {
            r.grave_violations_children += 1;
        }
        if c.event.date > year_ago && c.event.date <= on {
            r.last_12_months += 1;
        }
        r.last_case = r.last_case.max(Some(c.event.date));
    }
    r
}

/// The risk level the record suggests (the officer sets the level; this is shown
/// beside it): high with any verified grave violation against children or a verified
/// case in the last twelve months; medium with any verified or pending case; low otherwise.
pub fn suggested_risk(r: &UnitRecord) -> &'static str {
    if r.verified > 0 && (r.grave_violations_children > 0 || r.last_12_months > 0) {
        "high"
    } else if r.verified > 0 || r.alleged_or_under_verification > 0 {
        "medium"
    } else {
        "low"
    }
}

/// A risk assessment of a support request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    #[serde(default)]
    pub id: i64,
    pub request_id: i64,
    pub record: UnitRecord,
    /// A code of `vocab::rights::RISK_LEVELS`.
    pub risk_level: String,
    #[serde(default)]
    pub mitigations: Vec<Mitigation>,
    /// A code of `vocab::rights::DECISIONS`, once decided.
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
    /// Set by a follow-up: a new case against the unit since approval.
    #[serde(default)]
    pub needs_review: bool,
}

impl Assessment {
    pub fn validate(&self) -> Result<(), HrddpError> {
        check("risk_level", v::RISK_LEVELS, &self.risk_level)?;
        if let Some(d) = &self.decision {
            check("decision", v::DECISIONS, d)?;
        }
        for (i, m) in self.mitigations.iter().enumerate() {
            if m.measure.trim().is_empty() || m.owner.trim().is_empty() {
                return Err(HrddpError::IncompleteMeasure(i + 1));
            }
        }
        Ok(())
    }

    /// Measures not done whose due date is before `today`.
    pub fn overdue(&self, today: NaiveDate) -> Vec<&Mitigation> {
        self.mitigations.iter().filter(|m| !m.done && m.due < today).collect()
    }

    /// Whether support goes ahead under this assessment.
    pub fn approves(&self) -> bool {
        matches!(self.decision.as_deref(), Some("support" | "support_with_mitigation"))
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Declined,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Declined => "declined",
        }
    }
}

/// Decide a request: `decision` under `assessment`, which must exist. Returns the
/// assessment as decided and the request's new status.
pub fn decide(
    request_id: i64,
    assessment: Option<&Assessment>,
    decision: &str,
    by: &str,
    on: NaiveDate,
) -> Result<(Assessment, RequestStatus), HrddpError> {
    check("decision", v::DECISIONS, decision)?;
    let Some(a) = assessment else {
        return Err(HrddpError::NoAssessment(request_id));
    };
    if a.needs_review && decision != "decline" {
        return Err(HrddpError::UnderReview(request_id));
    }
    if decision == "support_with_mitigation" && a.mitigations.is_empty() {
        return Err(HrddpError::NoMitigation);
    }
    let mut a = a.clone();
    a.validate()?;
    a.decision = Some(decision.into());
    a.decided_by = Some(by.into());
    a.decided_on = Some(on);
    let status = if a.approves() { RequestStatus::Approved } else { RequestStatus::Declined };
    Ok((a, status))
}

/// A follow-up raised by a new case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub assessment_id: i64,
    pub request_id: i64,
    pub unit: String,
    pub case_id: i64,
}

/// The approved assessments a new case touches: the case names the supported unit.
/// Each is to be marked for review and an alert raised to the HR officer.
pub fn follow_ups(case: &Case, approved: &[(SupportRequest, Assessment)]) -> Vec<FollowUp> {
    let Some(unit) = case.event.unit.as_deref() else {
        return vec![];
    };
    approved
        .iter()
        .filter(|(r, a)| a.approves() && same_unit(&r.unit, unit))
        .map(|(r, a)| FollowUp { assessment_id: a.id, request_id: r.id, unit: r.unit.clone(), case_id: case.id })
        .collect()
}

/// One line of the register: assessments by month, decision and force.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RegisterLine {
    /// YYYY-MM of the request.
    pub month: String,
    pub force: String,
    /// The decision, or `pending`.
    pub decision: String,
    pub assessments: u32,
}

pub fn register(items: &[(SupportRequest, Assessment)]) -> Vec<RegisterLine> {
    let mut m = std::collections::BTreeMap::<(String, String, String), u32>::new();
    for (r, a) in items {
        let key = (
            r.requested_on.format("%Y-%m").to_string(),
            r.force.trim().to_string(),
            a.decision.clone().unwrap_or_else(|| "pending".into()),
        );
        *m.entry(key).or_default() += 1;
    }
    m.into_iter()
        .map(|((month, force, decision), assessments)| RegisterLine { month, force, decision, assessments })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::sample;
    use crate::VictimCounts;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn assessment(mitigations: Vec<Mitigation>) -> Assessment {
        Assessment {
            id: 7,
            request_id: 3,
            record: UnitRecord::default(),
            risk_level: "medium".into(),
            mitigations,
            decision: None,
            decided_by: None,
            decided_on: None,
            needs_review: false,
        }
    }

    #[test]
    fn approval_needs_an_assessment() {
        let e = decide(3, None, "support", "hr1", d("2022-08-01")).unwrap_err();
        assert_eq!(e, HrddpError::NoAssessment(3));
        assert_eq!(e.to_string(), "support request 3 cannot be approved without a risk assessment");
        let (a, s) = decide(3, Some(&assessment(vec![])), "support", "hr1", d("2022-08-01")).unwrap();
        assert_eq!(s, RequestStatus::Approved);
        assert_eq!(a.decided_by.as_deref(), Some("hr1"));
        let (_, s) = decide(3, Some(&assessment(vec![])), "decline", "hr1", d("2022-08-01")).unwrap();
        assert_eq!(s, RequestStatus::Declined);
    }

    #[test]
    fn mitigation_decision_needs_measures_and_review_blocks_approval() {
        assert_eq!(
            decide(3, Some(&assessment(vec![])), "support_with_mitigation", "hr1", d("2022-08-01")).unwrap_err(),
            HrddpError::NoMitigation
        );
        let m = Mitigation {
            measure: "HR training before delivery".into(),
            owner: "HRD".into(),
            due: d("2022-09-01"),
            done: false,
        };
        let a = assessment(vec![m.clone()]);
        assert!(decide(3, Some(&a), "support_with_mitigation", "hr1", d("2022-08-01")).is_ok());
        assert_eq!(a.overdue(d("2022-09-02")).len(), 1);
        assert!(a.overdue(d("2022-09-01")).is_empty(), "due today is not overdue");
        let review = Assessment { needs_review: true, ..a };
        assert_eq!(
            decide(3, Some(&review), "support", "hr1", d("2022-08-01")).unwrap_err(),
            HrddpError::UnderReview(3)
        );
    }

    #[test]
    fn unit_record_and_follow_up() {
        let two = VictimCounts { boy: 2, ..Default::default() };
        let mut old =
            sample("2020-01-10", "national_forces", Some("Synthetic Battalion 3"), &[("child_recruitment", two)]);
        old.status = CaseStatus::Alleged;
        let cases = vec![
            sample("2022-06-10", "national_forces", Some("synthetic battalion 3"), &[("killing", two)]),
            old,
            sample("2022-06-11", "national_forces", Some("Synthetic Battalion 4"), &[("killing", two)]),
        ];
        let r = unit_record(&cases, "Synthetic Battalion 3", d("2022-08-01"));
        assert_eq!(
            r,
            UnitRecord {
                cases: 2,
                verified: 1,
                alleged_or_under_verification: 1,
                grave_violations_children: 1,
                last_case: Some(d("2022-06-10")),
                last_12_months: 1
            }
        );
        assert_eq!(suggested_risk(&r), "high");
        assert_eq!(suggested_risk(&UnitRecord::default()), "low");

        let req = SupportRequest {
            id: 3,
            force: "Synthetic national army".into(),
            unit: "Synthetic Battalion 3".into(),
            support_type: "fuel".into(),
            description: String::new(),
            requested_on: d("2022-07-20"),
        };
        let (approved, _) = decide(3, Some(&assessment(vec![])), "support", "hr1", d("2022-08-01")).unwrap();
        let (declined, _) = decide(3, Some(&assessment(vec![])), "decline", "hr1", d("2022-08-01")).unwrap();
        let mut new_case = sample("2022-09-01", "national_forces", Some("SYNTHETIC BATTALION 3"), &[("killing", two)]);
        new_case.id = 99;
        let f = follow_ups(&new_case, &[(req.clone(), approved.clone()), (req.clone(), declined)]);
        assert_eq!(
            f,
            [FollowUp { assessment_id: 7, request_id: 3, unit: "Synthetic Battalion 3".into(), case_id: 99 }]
        );
        new_case.event.unit = Some("Synthetic Battalion 4".into());
        assert!(follow_ups(&new_case, &[(req.clone(), approved.clone())]).is_empty());
        let reg = register(&[(req, approved)]);
        assert_eq!(reg[0].month, "2022-07");
        assert_eq!(reg[0].decision, "support");
    }
}
