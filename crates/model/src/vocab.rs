//! The vocabulary: every coded value a user picks or reads (categories, roles,
//! statuses, channels, precisions, Admiralty grading), with its English and French
//! label, and which roles may use which part of the system.
//!
//! Defined once here. The server validates input against these lists, checks roles
//! against [`access`], and serves the whole vocabulary at `GET /api/vocabulary`, so the
//! web UI never retypes a code or a label. Codes are the strings the API already uses;
//! every list is in display order.

pub mod rights;
pub mod movement;
pub mod fieldnet;
pub mod parameters;

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// One coded value and its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub code: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
}

const fn term(code: &'static str, en: &'static str, fr: &'static str) -> Term {
    Term { code, en, fr }
}

impl Term {
    /// The label in `lang` (`fr`, else English).
    pub fn label(&self, lang: &str) -> &'static str {
        if lang == "fr" {
            self.fr
        } else {
            self.en
        }
    }
}

/// Serialised as `{"code": …, "label": {"en": …, "fr": …}}`.
impl Serialize for Term {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Label {
            en: &'static str,
            fr: &'static str,
        }
        let mut st = s.serialize_struct("Term", 2)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("label", &Label { en: self.en, fr: self.fr })?;
        st.end()
    }
}

/// Whether `code` is one of `list`'s codes.
pub fn is_code(list: &[Term], code: &str) -> bool {
    list.iter().any(|t| t.code == code)
}

/// The codes of `list`, in order.
pub fn codes(list: &'static [Term]) -> Vec<&'static str> {
    list.iter().map(|t| t.code).collect()
}

/// The term with `code`, if any.
pub fn find(list: &'static [Term], code: &str) -> Option<&'static Term> {
    list.iter().find(|t| t.code == code)
}

/// Mission report categories (the category of a field report and of an incident
/// coded from one).
pub const CATEGORIES: &[Term] = &[
    term("armed_clash", "Armed clash / attack", "Affrontement / attaque armée"),
    term("attack_on_civilians", "Violence against civilians", "Violence contre des civils"),
    term("ied", "Explosive device (IED)", "Engin explosif (EEI)"),
    term("attack_on_peacekeepers", "Attack on peacekeepers", "Attaque contre des Casques bleus"),
    term("abduction", "Abduction / kidnapping", "Enlèvement"),
    term("crsv", "Sexual violence (CRSV)", "Violences sexuelles (VSLC)"),
    term("grave_violation_children", "Grave violation against children", "Violation grave contre des enfants"),
    term("threat", "Threat / intimidation", "Menace / intimidation"),
    term("displacement", "Displacement of people", "Déplacement de population"),
    term("looting_destruction", "Looting / destruction of property", "Pillage / destruction de biens"),
    term("other", "Other", "Autre"),
];

/// Account roles (the store's `Role` has the same codes in the same order; a test
/// in the store checks it).
pub const ROLES: &[Term] = &[
    term("reporter", "reporter", "rapporteur"),
    term("analyst", "analyst", "analyste"),
    term("responder", "responder", "intervenant"),
    term("hr_officer", "human-rights officer", "chargé des droits de l’homme"),
    term("planner", "planner", "planificateur"),
    term("admin", "administrator", "administrateur"),
];

/// Triage status of a field report.
pub const REPORT_STATUSES: &[Term] = &[
    term("new", "new", "nouveau"),
    term("verified", "verified", "vérifié"),
    term("merged", "merged", "fusionné"),
    term("discarded", "discarded", "écarté"),
];

/// Lifecycle status of an alert (the warn crate's `AlertStatus` codes).
pub const ALERT_STATUSES: &[Term] = &[
    term("draft", "draft", "brouillon"),
    term("issued", "issued", "émise"),
    term("acknowledged", "acknowledged", "accusée"),
    term("responding", "responding", "en intervention"),
    term("closed", "closed", "close"),
    term("cancelled", "cancelled", "annulée"),
];

/// Verification status of an incident (empty for imported incidents).
pub const VERIFICATION_STATUSES: &[Term] = &[term("verified", "verified", "vérifié")];

/// Who may see a record's restricted detail (see [`crate::Sensitivity`]).
pub const SENSITIVITIES: &[Term] = &[
    term("public", "public", "public"),
    term("restricted", "restricted", "restreint"),
    term("confidential", "confidential", "confidentiel"),
];

/// How a field report came in.
pub const CHANNELS: &[Term] = &[
    term("web", "web form", "formulaire web"),
    term("api", "API", "API"),
    term("call_centre", "call centre", "centre d’appels"),
    term("sms", "SMS", "SMS"),
    term("odk", "ODK Collect", "ODK Collect"),
];

/// Admiralty source reliability, A–F.
pub const RELIABILITY: &[Term] = &[
    term("A", "Completely reliable", "Entièrement fiable"),
    term("B", "Usually reliable", "Habituellement fiable"),
    term("C", "Fairly reliable", "Assez fiable"),
    term("D", "Not usually reliable", "Habituellement peu fiable"),
    term("E", "Unreliable", "Pas fiable"),
    term("F", "Reliability cannot be judged", "Fiabilité impossible à évaluer"),
];

/// Admiralty information credibility, 1–6.
pub const CREDIBILITY: &[Term] = &[
    term("1", "Confirmed by other sources", "Confirmée par d’autres sources"),
    term("2", "Probably true", "Probablement vraie"),
    term("3", "Possibly true", "Possiblement vraie"),
    term("4", "Doubtful", "Douteuse"),
    term("5", "Improbable", "Improbable"),
    term("6", "Truth cannot be judged", "Véracité impossible à évaluer"),
];

/// GED `date_prec`: how precisely the date is known.
pub const DATE_PRECISIONS: &[Term] = &[
    term("1", "exact day", "jour exact"),
    term("2", "within 2–6 days", "à 2–6 jours près"),
    term("3", "week", "semaine"),
    term("4", "month", "mois"),
    term("5", "year", "année"),
];

/// GED `where_prec`: how precisely the place is known.
pub const GEO_PRECISIONS: &[Term] = &[
    term("1", "exact location", "lieu exact"),
    term("2", "within 25 km of a known place", "à moins de 25 km d’un lieu connu"),
    term("3", "second-level admin area (cercle)", "unité administrative de second niveau (cercle)"),
    term("4", "first-level admin area (region)", "unité administrative de premier niveau (région)"),
    term("5", "linear feature or wider area", "élément linéaire ou zone plus vaste"),
    term("6", "country", "pays"),
    term("7", "international waters or airspace", "eaux ou espace aérien internationaux"),
];

/// Which roles may use which part of the system, by role code. The server checks
/// these lists (not copies of them) on every endpoint, and the UI hides what a role
/// may not use.
pub mod footprint;

pub mod access {
    /// Submit a field report.
    pub const SUBMIT_REPORT: &[&str] = &["reporter", "analyst", "hr_officer", "admin"];
    /// Incidents, the map, admin areas, the OGC API.
    pub const MAP: &[&str] = &["analyst", "responder", "hr_officer", "planner", "admin"];
    /// Verify, merge or discard reports.
    pub const TRIAGE: &[&str] = &["analyst", "hr_officer", "admin"];
    /// Read reports (reporters: only their own).
    pub const REPORT_PAGE: &[&str] = &["reporter", "analyst", "hr_officer", "admin"];
    /// Read alerts, the response dashboard and the rules.
    pub const ALERTS: &[&str] = &["analyst", "responder", "hr_officer", "planner", "admin"];
    /// Raise, issue, close and cancel alerts.
    pub const MANAGE_ALERTS: &[&str] = &["analyst", "admin"];
    /// Acknowledge an alert and mark it responding.
    pub const RESPOND: &[&str] = &["responder", "admin"];
    /// Record what was done about an alert.
    pub const RECORD_RESPONSE: &[&str] = &["responder", "analyst", "admin"];
    /// Webhooks, the audit log.
    pub const ADMIN: &[&str] = &["admin"];
    /// Restricted detail (victims, witnesses, contacts, a report's raw body) and
    /// confidential incidents; another account only by an explicit, audited grant
    /// (`users.restricted_access`, see vigil_store::access).
    pub const RESTRICTED: &[&str] = &["hr_officer"];
}

/// The access lists as served (`"access"` of the vocabulary).
#[derive(Debug, Clone, Serialize)]
pub struct Access {
    pub submit_report: &'static [&'static str],
    pub map: &'static [&'static str],
    pub triage: &'static [&'static str],
    pub report_page: &'static [&'static str],
    pub alerts: &'static [&'static str],
    pub manage_alerts: &'static [&'static str],
    pub respond: &'static [&'static str],
    pub record_response: &'static [&'static str],
    pub admin: &'static [&'static str],
    pub restricted: &'static [&'static str],
    pub footprint_read: &'static [&'static str],
    pub footprint_edit: &'static [&'static str],
}

/// What a response to an alert does (the responder's log; `POST /api/responses`).
pub const RESPONSE_ACTIONS: &[Term] = &[
    term("patrol", "Patrol", "Patrouille"),
    term("quick_reaction_force", "Quick-reaction force", "Force de réaction rapide"),
    term("air_reconnaissance", "Air reconnaissance", "Reconnaissance aérienne"),
    term("casualty_evacuation", "Casualty evacuation", "Évacuation sanitaire"),
    term("dialogue", "Dialogue / good offices", "Dialogue / bons offices"),
    term("referral", "Referral to humanitarian partners", "Orientation vers les partenaires humanitaires"),
    term("liaison", "Liaison with national forces", "Liaison avec les forces nationales"),
];

/// The CAP 1.2 values an alert is written with, in CAP's own spelling (the UI labels
/// them; `vigil_warn::cap`'s types are checked against these lists in its tests).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CapLists {
    pub urgency: &'static [&'static str],
    pub severity: &'static [&'static str],
    pub certainty: &'static [&'static str],
    pub categories: &'static [&'static str],
}

/// See [`CapLists`].
pub const CAP: CapLists = CapLists {
    urgency: &["Immediate", "Expected", "Future", "Past", "Unknown"],
    severity: &["Extreme", "Severe", "Moderate", "Minor", "Unknown"],
    certainty: &["Observed", "Likely", "Possible", "Unlikely", "Unknown"],
    categories: &["Security", "Safety", "Rescue", "Health", "Env", "Fire", "Geo", "Met", "Transport", "Infra", "CBRNE", "Other"],
};

/// The alert lifecycle's forward steps, `(from, to)`; any open status may also be
/// cancelled (`vigil_warn::AlertStatus::can_become` is checked against this list).
pub const ALERT_NEXT_STEPS: &[(&str, &str)] =
    &[("draft", "issued"), ("issued", "acknowledged"), ("acknowledged", "responding"), ("responding", "closed")];

/// The whole vocabulary, as `GET /api/vocabulary` serves it.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    pub categories: &'static [Term],
    pub roles: &'static [Term],
    pub report_statuses: &'static [Term],
    pub alert_statuses: &'static [Term],
    pub verification_statuses: &'static [Term],
    pub sensitivities: &'static [Term],
    pub channels: &'static [Term],
    pub reliability: &'static [Term],
    pub credibility: &'static [Term],
    pub date_precisions: &'static [Term],
    pub geo_precisions: &'static [Term],
    pub response_actions: &'static [Term],
    pub cap: CapLists,
    pub alert_next_steps: &'static [(&'static str, &'static str)],
    pub access: Access,
    #[serde(flatten)]
    pub footprint: footprint::FootprintVocab,
    /// Human-rights cases and the HRDDP (see [`rights`]).
    pub rights: rights::RightsVocab,
    pub movement: movement::MovementVocabulary,
    pub fieldnet: fieldnet::FieldnetVocabulary,
    pub parameters: parameters::ParametersVocab,
}

/// The vocabulary.
pub const VOCABULARY: Vocabulary = Vocabulary {
    categories: CATEGORIES,
    roles: ROLES,
    report_statuses: REPORT_STATUSES,
    alert_statuses: ALERT_STATUSES,
    verification_statuses: VERIFICATION_STATUSES,
    sensitivities: SENSITIVITIES,
    channels: CHANNELS,
    reliability: RELIABILITY,
    credibility: CREDIBILITY,
    date_precisions: DATE_PRECISIONS,
    geo_precisions: GEO_PRECISIONS,
    response_actions: RESPONSE_ACTIONS,
    cap: CAP,
    alert_next_steps: ALERT_NEXT_STEPS,
    access: Access {
        submit_report: access::SUBMIT_REPORT,
        map: access::MAP,
        triage: access::TRIAGE,
        report_page: access::REPORT_PAGE,
        alerts: access::ALERTS,
        manage_alerts: access::MANAGE_ALERTS,
        respond: access::RESPOND,
        record_response: access::RECORD_RESPONSE,
        admin: access::ADMIN,
        restricted: access::RESTRICTED,
        footprint_read: footprint::READ,
        footprint_edit: footprint::EDIT,
    },
    footprint: footprint::VOCAB,
    rights: rights::RIGHTS,
    movement: movement::VOCAB,
    fieldnet: fieldnet::VOCAB,
    parameters: parameters::VOCAB,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> [(&'static str, &'static [Term]); 12] {
        [
            ("categories", CATEGORIES),
            ("roles", ROLES),
            ("report_statuses", REPORT_STATUSES),
            ("alert_statuses", ALERT_STATUSES),
            ("verification_statuses", VERIFICATION_STATUSES),
            ("sensitivities", SENSITIVITIES),
            ("channels", CHANNELS),
            ("reliability", RELIABILITY),
            ("credibility", CREDIBILITY),
            ("date_precisions", DATE_PRECISIONS),
            ("geo_precisions", GEO_PRECISIONS),
            ("response_actions", RESPONSE_ACTIONS),
        ]
    }

    #[test]
    fn codes_are_unique_and_every_label_is_filled_in_both_languages() {
        for (name, list) in lists() {
            let mut seen = std::collections::HashSet::new();
            for t in list {
                assert!(seen.insert(t.code), "{name}: code {} twice", t.code);
                assert!(!t.en.trim().is_empty() && !t.fr.trim().is_empty(), "{name}: {} lacks a label", t.code);
            }
        }
    }

    #[test]
    fn access_lists_name_only_known_roles() {
        let a = VOCABULARY.access;
        for list in [
            a.submit_report,
            a.map,
            a.triage,
            a.report_page,
            a.alerts,
            a.manage_alerts,
            a.respond,
            a.record_response,
            a.admin,
            a.restricted,
        ] {
            for code in list {
                assert!(is_code(ROLES, code), "unknown role {code}");
            }
        }
    }

    #[test]
    fn precisions_and_grading_cover_their_scales() {
        assert_eq!(codes(RELIABILITY), ["A", "B", "C", "D", "E", "F"]);
        assert_eq!(codes(CREDIBILITY), ["1", "2", "3", "4", "5", "6"]);
        assert_eq!(codes(DATE_PRECISIONS), ["1", "2", "3", "4", "5"]);
        assert_eq!(codes(GEO_PRECISIONS), ["1", "2", "3", "4", "5", "6", "7"]);
        assert_eq!(find(CATEGORIES, "ied").map(|t| t.label("fr")), Some("Engin explosif (EEI)"));
    }
}
