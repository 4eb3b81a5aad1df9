//! The human-rights vocabulary: act types (with the six grave violations against
//! children), perpetrator categories, victim groups, verification statuses, HRDDP
//! support types, risk levels and decisions. Served in `GET /api/vocabulary` under
//! `"rights"`; `vigil_rights` checks every code it takes against these lists.

use super::{term, Term};
use serde::Serialize;

/// What was done: violations and abuses, after the "who did what to whom" model.
pub const ACT_TYPES: &[Term] = &[
    term("killing", "Killing", "Meurtre"),
    term("maiming", "Maiming / injury", "Mutilation / blessure"),
    term("abduction", "Abduction", "Enlèvement"),
    term("enforced_disappearance", "Enforced disappearance", "Disparition forcée"),
    term("arbitrary_detention", "Arbitrary detention", "Détention arbitraire"),
    term("torture", "Torture or ill-treatment", "Torture ou mauvais traitements"),
    term("crsv", "Conflict-related sexual violence", "Violences sexuelles liées aux conflits"),
    term("child_killing_maiming", "Killing and maiming of children", "Meurtre et mutilation d’enfants"),
    term("child_recruitment", "Recruitment and use of children", "Recrutement et utilisation d’enfants"),
    term("child_sexual_violence", "Sexual violence against children", "Violences sexuelles contre des enfants"),
    term("child_abduction", "Abduction of children", "Enlèvement d’enfants"),
    term("attack_school_hospital", "Attack on schools or hospitals", "Attaque contre des écoles ou des hôpitaux"),
    term("denial_humanitarian_access", "Denial of humanitarian access", "Refus d’accès humanitaire"),
    term("destruction_property", "Destruction of property", "Destruction de biens"),
    term("forced_displacement", "Forced displacement", "Déplacement forcé"),
    term("threat_intimidation", "Threats and intimidation", "Menaces et intimidation"),
];

/// The six grave violations against children (Security Council resolution 1612):
/// codes of [`ACT_TYPES`].
pub const GRAVE_VIOLATIONS_CHILDREN: &[&str] = &[
    "child_killing_maiming",
    "child_recruitment",
    "child_sexual_violence",
    "child_abduction",
    "attack_school_hospital",
    "denial_humanitarian_access",
];

/// Alleged perpetrator categories (an armed group is named beside the category).
pub const PERPETRATORS: &[Term] = &[
    term("national_forces", "National defence and security forces", "Forces de défense et de sécurité nationales"),
    term("foreign_security", "Foreign security personnel", "Personnel de sécurité étranger"),
    term("self_defence_group", "Self-defence groups", "Groupes d’autodéfense"),
    term("armed_group", "Armed group (named)", "Groupe armé (nommé)"),
    term("unidentified", "Unidentified", "Non identifié"),
];

/// Victims by sex and age group.
pub const VICTIM_GROUPS: &[Term] = &[
    term("man", "Men", "Hommes"),
    term("woman", "Women", "Femmes"),
    term("boy", "Boys", "Garçons"),
    term("girl", "Girls", "Filles"),
    term("unknown", "Sex/age unknown", "Sexe/âge inconnu"),
];

/// Verification status of a case; "verified" is at the standard of reasonable grounds to believe.
pub const CASE_STATUSES: &[Term] = &[
    term("alleged", "Alleged", "Allégué"),
    term("under_verification", "Under verification", "En cours de vérification"),
    term("verified", "Verified (reasonable grounds to believe)", "Vérifié (motifs raisonnables de croire)"),
    term("not_verified", "Not verified", "Non vérifié"),
    term("closed", "Closed", "Clos"),
];

/// Kinds of support to non-UN security forces under the HRDDP.
pub const SUPPORT_TYPES: &[Term] = &[
    term("casevac", "Casualty evacuation (CASEVAC)", "Évacuation sanitaire (CASEVAC)"),
    term("rations", "Rations", "Rations"),
    term("fuel", "Fuel", "Carburant"),
    term("transport", "Transport", "Transport"),
    term("training", "Training", "Formation"),
    term("joint_operation", "Joint operation", "Opération conjointe"),
    term("life_support", "Life support to a camp", "Soutien vie à un camp"),
];

/// HRDDP risk levels.
pub const RISK_LEVELS: &[Term] =
    &[term("low", "Low", "Faible"), term("medium", "Medium", "Moyen"), term("high", "High", "Élevé")];

/// HRDDP decisions.
pub const DECISIONS: &[Term] = &[
    term("support", "Support", "Soutien"),
    term("support_with_mitigation", "Support with mitigation", "Soutien avec mesures d’atténuation"),
    term("decline", "Decline", "Refus"),
];

/// Field-mission access.
pub const MISSION_ACCESS: &[Term] =
    &[term("granted", "Access granted", "Accès accordé"), term("denied", "Access denied", "Accès refusé")];

/// Which roles may use which part of the human-rights module. Restricted records
/// (individual victims, witnesses, sources, investigation files) go to hr_officer
/// and to an account with the explicit grant only (`access::RESTRICTED`).
pub mod access {
    /// Suppressed aggregates of cases (no individual records).
    pub const AGGREGATES: &[&str] = &["analyst", "hr_officer", "planner", "admin"];
    /// Cases, investigations, HRDDP assessments: read and write.
    pub const CASES: &[&str] = &["hr_officer"];
    /// The HRDDP register (assessments by month, decision and force; no victim data).
    pub const HRDDP_REGISTER: &[&str] = &["hr_officer", "planner", "admin"];
}

/// The human-rights lists as served.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RightsVocab {
    pub act_types: &'static [Term],
    pub grave_violations_children: &'static [&'static str],
    pub perpetrators: &'static [Term],
    pub victim_groups: &'static [Term],
    pub case_statuses: &'static [Term],
    pub support_types: &'static [Term],
    pub risk_levels: &'static [Term],
    pub decisions: &'static [Term],
    pub mission_access: &'static [Term],
    pub access_aggregates: &'static [&'static str],
    pub access_cases: &'static [&'static str],
    pub access_hrddp_register: &'static [&'static str],
}

pub const RIGHTS: RightsVocab = RightsVocab {
    act_types: ACT_TYPES,
    grave_violations_children: GRAVE_VIOLATIONS_CHILDREN,
    perpetrators: PERPETRATORS,
    victim_groups: VICTIM_GROUPS,
    case_statuses: CASE_STATUSES,
    support_types: SUPPORT_TYPES,
    risk_levels: RISK_LEVELS,
    decisions: DECISIONS,
    mission_access: MISSION_ACCESS,
    access_aggregates: access::AGGREGATES,
    access_cases: access::CASES,
    access_hrddp_register: access::HRDDP_REGISTER,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_unique_labelled_and_grave_violations_are_act_types() {
        for list in [ACT_TYPES, PERPETRATORS, VICTIM_GROUPS, CASE_STATUSES, SUPPORT_TYPES, RISK_LEVELS, DECISIONS] {
            let mut seen = std::collections::HashSet::new();
            for t in list {
                assert!(seen.insert(t.code), "{} twice", t.code);
                assert!(!t.en.is_empty() && !t.fr.is_empty());
            }
        }
        assert_eq!(GRAVE_VIOLATIONS_CHILDREN.len(), 6);
        for g in GRAVE_VIOLATIONS_CHILDREN {
            assert!(super::super::is_code(ACT_TYPES, g), "{g}");
        }
        for r in access::AGGREGATES.iter().chain(access::CASES).chain(access::HRDDP_REGISTER) {
            assert!(super::super::is_code(super::super::ROLES, r), "{r}");
        }
    }
}
