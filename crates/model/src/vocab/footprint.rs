//! The footprint vocabulary (issue #17): site kinds, change types, unit kinds, value
//! tags, and who may read and edit scenarios.

use super::{term, Term};
use serde::Serialize;

/// Read sites, scenarios and comparisons: planners and analysts (the issue), and
/// admin (on every list of this vocabulary but restricted detail).
pub const READ: &[&str] = &["analyst", "planner", "admin"];
/// Create, copy and edit scenarios: planners only (the issue: "a planner role can
/// create and edit scenarios").
pub const EDIT: &[&str] = &["planner"];

pub const SITE_KINDS: &[Term] = &[
    term("mission_hq", "Mission HQ", "QG de la mission"),
    term("sector_hq", "Sector HQ", "QG de secteur"),
    term("camp", "Camp", "Camp"),
    term("police_unit_base", "Formed police unit base", "Base d'unité de police constituée"),
    term("temporary_operating_base", "Temporary operating base", "Base opérationnelle temporaire"),
    term("proposed_camp", "Proposed camp", "Camp proposé"),
];

pub const CHANGE_TYPES: &[Term] = &[
    term("add_site", "Add a site", "Ajouter un site"),
    term("open_site", "Open a site", "Ouvrir un site"),
    term("close_site", "Close or hand over a site", "Fermer ou transférer un site"),
    term("reduce_site", "Reduce a site to the minimum", "Réduire un site au minimum"),
    term("note_site", "Reinforce or consolidate (no unit named)", "Renforcer ou regrouper (sans unité nommée)"),
    term("add_unit", "Add a unit", "Ajouter une unité"),
    term("remove_unit", "Remove a unit", "Retirer une unité"),
    term("move_unit", "Move a unit", "Déplacer une unité"),
    term("posture", "Change of posture", "Changement de posture"),
    term("unplaced", "Unit not placed by the report", "Unité non placée par le rapport"),
];

pub const UNIT_KINDS: &[Term] = &[
    term("utility_helicopter_unit", "Utility helicopter unit", "Unité d'hélicoptères de manœuvre"),
    term("medium_utility_helicopter_unit", "Medium utility helicopter unit", "Unité d'hélicoptères moyens de manœuvre"),
    term("armed_helicopter_unit", "Armed helicopter unit", "Unité d'hélicoptères armés"),
    term("quick_reaction_force", "Quick-reaction force", "Force de réaction rapide"),
    term("formed_police_unit", "Formed police unit", "Unité de police constituée"),
];

pub const TAGS: &[Term] = &[
    term("sourced", "Sourced", "Sourcé"),
    term("derived", "Derived", "Dérivé"),
    term("assumption", "Assumption", "Hypothèse"),
];

/// Served flattened into the vocabulary (`footprint_site_kinds`, …), as lists the UI labels.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FootprintVocab {
    pub footprint_site_kinds: &'static [Term],
    pub footprint_change_types: &'static [Term],
    pub footprint_unit_kinds: &'static [Term],
    pub footprint_tags: &'static [Term],
}

pub const VOCAB: FootprintVocab = FootprintVocab {
    footprint_site_kinds: SITE_KINDS,
    footprint_change_types: CHANGE_TYPES,
    footprint_unit_kinds: UNIT_KINDS,
    footprint_tags: TAGS,
};
