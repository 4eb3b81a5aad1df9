//! The four parameters' vocabulary (issue #20): indicator statuses, milestone
//! statuses and provenances, and who may read and edit. Served as `"parameters"` of
//! `GET /api/vocabulary`. `vigil-parameters`' codes are checked against these lists
//! in its consumers' tests.

use super::{term, Term};
use serde::Serialize;

pub const STATUSES: &[Term] = &[
    term("on_track", "On track", "En bonne voie"),
    term("at_risk", "At risk", "À risque"),
    term("off_track", "Off track", "Hors de la trajectoire"),
];

pub const MILESTONE_STATUSES: &[Term] = &[
    term("planned", "Planned", "Prévu"),
    term("achieved", "Achieved", "Atteint"),
    term("delayed", "Delayed", "Retardé"),
    term("cancelled", "Cancelled", "Annulé"),
];

pub const PROVENANCES: &[Term] = &[
    term(
        "review",
        "From the review (S/2023/36)",
        "Tiré de l'examen (S/2023/36)",
    ),
    term(
        "synthetic",
        "Synthetic demo value",
        "Valeur de démonstration synthétique",
    ),
];

/// Who may read the dashboard and the report, and who may set statuses, enter
/// manual values and record milestones.
pub mod access {
    /// The dashboard, the report, the milestones: planners and leadership (admin),
    /// analysts and human-rights officers. Human-rights figures are aggregates only.
    pub const READ: &[&str] = &["analyst", "hr_officer", "planner", "admin"];
    /// Set a status (with its reason), enter a manual value (with its evidence),
    /// record or change a milestone.
    pub const EDIT: &[&str] = &["planner", "admin"];
}

#[derive(Debug, Clone, Serialize)]
pub struct ParametersVocab {
    pub statuses: &'static [Term],
    pub milestone_statuses: &'static [Term],
    pub provenances: &'static [Term],
    pub read: &'static [&'static str],
    pub edit: &'static [&'static str],
}

pub const VOCAB: ParametersVocab = ParametersVocab {
    statuses: STATUSES,
    milestone_statuses: MILESTONE_STATUSES,
    provenances: PROVENANCES,
    read: access::READ,
    edit: access::EDIT,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_labelled_and_roles_known() {
        for list in [STATUSES, MILESTONE_STATUSES, PROVENANCES] {
            for t in list {
                assert!(
                    !t.en.is_empty() && !t.fr.is_empty(),
                    "{} lacks a label",
                    t.code
                );
            }
        }
        for r in access::READ.iter().chain(access::EDIT) {
            assert!(super::super::is_code(super::super::ROLES, r), "{r}");
        }
    }
}
