//! The movement-and-safety vocabulary (issue #18): movement modes and kinds,
//! decisions and the reasons cited, the mission's sectors, kinds of attack on the
//! mission, victims' affiliation; and who may record and read them. Served as
//! `"movement"` of `GET /api/vocabulary`. `vigil-movement`'s codes are checked
//! against these lists in the app's tests.

use super::{term, Term};
use serde::Serialize;

pub const MODES: &[Term] =
    &[term("air", "Air (flight authorisation)", "Aérien (autorisation de vol)"), term("ground", "Ground", "Terrestre")];

pub const KINDS: &[Term] = &[
    term("patrol", "Patrol", "Patrouille"),
    term("casevac", "CASEVAC", "CASEVAC"),
    term("medevac", "MEDEVAC", "MEDEVAC"),
    term("isr", "Surveillance (ISR)", "Surveillance (ISR)"),
    term("logistics", "Logistics", "Logistique"),
    term("hr_mission", "Human-rights mission", "Mission droits de l'homme"),
    term("convoy", "Convoy", "Convoi"),
    term("investigation", "Investigation team", "Équipe d'enquête"),
];

/// Kinds that are air sorties, and kinds that are ground moves.
pub const AIR_KINDS: &[&str] = &["patrol", "casevac", "medevac", "isr", "logistics", "hr_mission"];
pub const GROUND_KINDS: &[&str] = &["patrol", "convoy", "investigation"];

pub const OUTCOMES: &[Term] = &[
    term("granted", "Granted", "Accordée"),
    term("granted_with_conditions", "Granted with conditions", "Accordée sous conditions"),
    term("delayed", "Delayed", "Retardée"),
    term("denied", "Denied", "Refusée"),
    term("no_answer", "No answer in time", "Sans réponse à temps"),
];

pub const REASONS: &[Term] = &[
    term("insecurity", "Insecurity", "Insécurité"),
    term("military_operations", "Ongoing military operations", "Opérations militaires en cours"),
    term("procedure_not_followed", "Procedure not followed", "Procédure non respectée"),
    term("none_given", "None given", "Aucune donnée"),
];

pub const SECTORS: &[Term] = &[
    term("north", "Sector North (Kidal)", "Secteur Nord (Kidal)"),
    term("east", "Sector East (Gao)", "Secteur Est (Gao)"),
    term("centre", "Sector Centre (Mopti, Bandiagara)", "Secteur Centre (Mopti, Bandiagara)"),
    term("west", "Sector West (Timbuktu)", "Secteur Ouest (Tombouctou)"),
    term("bamako", "Bamako", "Bamako"),
];

pub const ATTACK_KINDS: &[Term] = &[
    term("ied", "IED", "EEI"),
    term("indirect_fire", "Indirect fire", "Tirs indirects"),
    term("complex_attack", "Complex attack on a camp", "Attaque complexe contre un camp"),
    term("convoy_ambush", "Ambush of a convoy", "Embuscade contre un convoi"),
    term("mine", "Mine", "Mine"),
];

pub const AFFILIATIONS: &[Term] = &[
    term("civilian", "Civilians", "Civils"),
    term("national_forces", "National forces", "Forces nationales"),
    term("peacekeepers", "Peacekeepers", "Casques bleus"),
    term("armed_group", "Armed group", "Groupe armé"),
];

/// Who may do what with movements, attacks, routes and convoys.
pub mod access {
    /// Submit a restriction (movement request with its decision) or an attack.
    pub const SUBMIT: &[&str] = &["reporter", "analyst", "hr_officer", "admin"];
    /// Code: record decisions, import routes, record convoys.
    pub const CODE: &[&str] = &["analyst", "admin"];
    /// Read the records, the map layers and the figures.
    pub const READ: &[&str] = &["analyst", "responder", "hr_officer", "planner", "admin"];
}

/// As served.
#[derive(Debug, Clone, Serialize)]
pub struct MovementVocabulary {
    pub modes: &'static [Term],
    pub kinds: &'static [Term],
    pub air_kinds: &'static [&'static str],
    pub ground_kinds: &'static [&'static str],
    pub outcomes: &'static [Term],
    pub reasons: &'static [Term],
    pub sectors: &'static [Term],
    pub attack_kinds: &'static [Term],
    pub affiliations: &'static [Term],
    pub submit: &'static [&'static str],
    pub code: &'static [&'static str],
    pub read: &'static [&'static str],
}

pub const VOCAB: MovementVocabulary = MovementVocabulary {
    modes: MODES,
    kinds: KINDS,
    air_kinds: AIR_KINDS,
    ground_kinds: GROUND_KINDS,
    outcomes: OUTCOMES,
    reasons: REASONS,
    sectors: SECTORS,
    attack_kinds: ATTACK_KINDS,
    affiliations: AFFILIATIONS,
    submit: access::SUBMIT,
    code: access::CODE,
    read: access::READ,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_labelled_and_roles_known() {
        for list in [MODES, KINDS, OUTCOMES, REASONS, SECTORS, ATTACK_KINDS, AFFILIATIONS] {
            for t in list {
                assert!(!t.en.is_empty() && !t.fr.is_empty(), "{} lacks a label", t.code);
            }
        }
        for k in AIR_KINDS.iter().chain(GROUND_KINDS) {
            assert!(super::super::is_code(KINDS, k), "{k}");
        }
        for r in access::SUBMIT.iter().chain(access::CODE).chain(access::READ) {
            assert!(super::super::is_code(super::super::ROLES, r), "{r}");
        }
    }
}
