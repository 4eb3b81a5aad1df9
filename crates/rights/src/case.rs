//! A case: an event (when, where, by whom) and its acts (what, to whom), with its
//! verification status.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use vigil_model::vocab::{self, rights as v};

/// Something wrong with a case as given, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("{field}: `{code}` is not one of {expected}")]
    UnknownCode { field: &'static str, code: String, expected: String },
    #[error("a case needs at least one act (what was done)")]
    NoActs,
    #[error("perpetrator armed_group needs the group's name (armed_group)")]
    GroupUnnamed,
    #[error("status cannot go from {from} to {to}")]
    BadTransition { from: &'static str, to: &'static str },
    #[error("{0}")]
    Invalid(String),
}

fn check(field: &'static str, list: &'static [vocab::Term], code: &str) -> Result<(), CaseError> {
    if vocab::is_code(list, code) {
        Ok(())
    } else {
        Err(CaseError::UnknownCode { field, code: code.into(), expected: vocab::codes(list).join(", ") })
    }
}

/// Victims of one act by sex and age group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimCounts {
    #[serde(default)]
    pub man: u32,
    #[serde(default)]
    pub woman: u32,
    #[serde(default)]
    pub boy: u32,
    #[serde(default)]
    pub girl: u32,
    #[serde(default)]
    pub unknown: u32,
}

impl VictimCounts {
    pub fn total(&self) -> u32 {
        self.man + self.woman + self.boy + self.girl + self.unknown
    }

    /// The count of a group by its vocabulary code.
    pub fn get(&self, group: &str) -> u32 {
        match group {
            "man" => self.man,
            "woman" => self.woman,
            "boy" => self.boy,
            "girl" => self.girl,
            _ => self.unknown,
        }
    }

    /// Add one victim of `group` (a vocabulary code; anything else counts as unknown).
    pub fn add(&mut self, group: &str, n: u32) {
        match group {
            "man" => self.man += n,
            "woman" => self.woman += n,
            "boy" => self.boy += n,
            "girl" => self.girl += n,
            _ => self.unknown += n,
        }
    }

    pub fn plus(&self, o: &VictimCounts) -> VictimCounts {
        VictimCounts {
            man: self.man + o.man,
            woman: self.woman + o.woman,
            boy: self.boy + o.boy,
            girl: self.girl + o.girl,
            unknown: self.unknown + o.unknown,
        }
    }
}

/// One violation or abuse: what was done and to how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    /// A code of `vocab::rights::ACT_TYPES`.
    pub act_type: String,
    #[serde(default)]
    pub victims: VictimCounts,
}

impl Act {
    /// One of the six grave violations against children.
    pub fn is_grave_violation_against_children(&self) -> bool {
        v::GRAVE_VIOLATIONS_CHILDREN.contains(&self.act_type.as_str())
    }
}

/// The event of a case: when, where, by whom; with the same admin placement as incidents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub date: NaiveDate,
    /// Public place name (a town or area, never a victim's address).
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub admin1: Option<String>,
    #[serde(default)]
    pub admin2: Option<String>,
    /// A code of `vocab::rights::PERPETRATORS`.
    pub perpetrator: String,
    /// The armed group's name when `perpetrator` is `armed_group`.
    #[serde(default)]
    pub armed_group: Option<String>,
    /// The unit, where known (what HRDDP assessments look up).
    #[serde(default)]
    pub unit: Option<String>,
}

/// A case's verification status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Alleged,
    UnderVerification,
    /// At the standard of reasonable grounds to believe.
    Verified,
    NotVerified,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Alleged => "alleged",
            CaseStatus::UnderVerification => "under_verification",
            CaseStatus::Verified => "verified",
            CaseStatus::NotVerified => "not_verified",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Result<CaseStatus, CaseError> {
        Ok(match code {
            "alleged" => CaseStatus::Alleged,
            "under_verification" => CaseStatus::UnderVerification,
            "verified" => CaseStatus::Verified,
            "not_verified" => CaseStatus::NotVerified,
            "closed" => CaseStatus::Closed,
            _ => {
                return Err(CaseError::UnknownCode {
                    field: "status",
                    code: code.into(),
                    expected: vocab::codes(v::CASE_STATUSES).join(", "),
                })
            }
        })
    }

    /// The steps of verification: alleged → under verification → verified / not
    /// verified; a verified or not-verified case may be re-opened for verification
    /// (new information); any open case may be closed; a closed case stays closed.
    pub fn can_become(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (Alleged | Verified | NotVerified, UnderVerification)
                | (UnderVerification, Verified | NotVerified)
                | (Alleged | UnderVerification | Verified | NotVerified, Closed)
        )
    }

    pub fn transition(self, to: CaseStatus) -> Result<CaseStatus, CaseError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(CaseError::BadTransition { from: self.as_str(), to: to.as_str() })
        }
    }
}

/// A case as the logic sees it (coded fields only; restricted records are elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    #[serde(default)]
    pub id: i64,
    pub title: String,
    #[serde(flatten)]
    pub event: Event,
    pub acts: Vec<Act>,
    pub status: CaseStatus,
}

impl Case {
    /// Check every code and the shape of the case.
    pub fn validate(&self) -> Result<(), CaseError> {
        if self.title.trim().is_empty() {
            return Err(CaseError::Invalid("title is empty".into()));
        }
        check("perpetrator", v::PERPETRATORS, &self.event.perpetrator)?;
        if self.event.perpetrator == "armed_group"
            && self.event.armed_group.as_deref().is_none_or(|g| g.trim().is_empty())
        {
            return Err(CaseError::GroupUnnamed);
        }
        if self.acts.is_empty() {
            return Err(CaseError::NoActs);
        }
        for a in &self.acts {
            check("acts.act_type", v::ACT_TYPES, &a.act_type)?;
            if a.is_grave_violation_against_children() && (a.victims.man > 0 || a.victims.woman > 0) {
                return Err(CaseError::Invalid(format!(
                    "act {}: a grave violation against children counts boys, girls or unknown, not men or women",
                    a.act_type
                )));
            }
        }
        Ok(())
    }

    /// Victims over all acts (a person suffering two acts counts in each).
    pub fn victims(&self) -> VictimCounts {
        self.acts.iter().fold(VictimCounts::default(), |s, a| s.plus(&a.victims))
    }

    /// The perpetrator as reported in tables: the category, or the named armed group.
    pub fn perpetrator_label(&self) -> String {
        match (&*self.event.perpetrator, &self.event.armed_group) {
            ("armed_group", Some(g)) if !g.trim().is_empty() => g.trim().to_string(),
            (p, _) => p.to_string(),
        }
    }

    /// Whether the case names `unit` (trimmed, case-insensitive).
    pub fn involves_unit(&self, unit: &str) -> bool {
        self.event.unit.as_deref().is_some_and(|u| same_unit(u, unit))
    }
}

/// Unit names compared as people type them: trimmed, case and inner spacing ignored.
pub fn same_unit(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    !a.trim().is_empty() && norm(a) == norm(b)
}

#[cfg(test)]
pub(crate) fn sample(date: &str, perpetrator: &str, unit: Option<&str>, acts: &[(&str, VictimCounts)]) -> Case {
    Case {
        id: 0,
        title: "synthetic".into(),
        event: Event {
            date: date.parse().expect("date"),
            place: None,
            latitude: None,
            longitude: None,
            admin1: Some("ML07".into()),
            admin2: None,
            perpetrator: perpetrator.into(),
            armed_group: None,
            unit: unit.map(Into::into),
        },
        acts: acts.iter().map(|(t, v)| Act { act_type: (*t).into(), victims: *v }).collect(),
        status: CaseStatus::Verified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_goes_through_its_steps() {
        use CaseStatus::*;
        assert_eq!(Alleged.transition(UnderVerification), Ok(UnderVerification));
        assert_eq!(UnderVerification.transition(Verified), Ok(Verified));
        assert!(Alleged.transition(Verified).is_err(), "verification needs the under-verification step");
        assert!(Closed.transition(Alleged).is_err());
        assert!(Closed.transition(UnderVerification).is_err());
        assert_eq!(Verified.transition(Closed), Ok(Closed));
        assert_eq!(CaseStatus::parse("not_verified"), Ok(NotVerified));
        for t in vocab::rights::CASE_STATUSES {
            assert_eq!(CaseStatus::parse(t.code).map(CaseStatus::as_str), Ok(t.code));
        }
    }

    #[test]
    fn validation_names_the_field() {
        let mut c = sample(
            "2022-08-01",
            "national_forces",
            None,
            &[("killing", VictimCounts { man: 2, ..Default::default() })],
        );
        assert_eq!(c.validate(), Ok(()));
        c.event.perpetrator = "army".into();
        assert!(c.validate().unwrap_err().to_string().starts_with("perpetrator: `army`"));
        c.event.perpetrator = "armed_group".into();
        assert_eq!(c.validate(), Err(CaseError::GroupUnnamed));
        c.event.armed_group = Some("Synthetic Group A".into());
        assert_eq!(c.perpetrator_label(), "Synthetic Group A");
        c.acts[0].act_type = "child_recruitment".into();
        assert!(c.validate().is_err(), "men counted under a grave violation against children");
        c.acts.clear();
        assert_eq!(c.validate(), Err(CaseError::NoActs));
    }

    #[test]
    fn units_match_as_typed() {
        assert!(same_unit(" 33e  Régiment ", "33e régiment"));
        assert!(!same_unit("", ""));
        assert!(!same_unit("33e RCP", "34e RCP"));
    }
}
