//! The vocabulary of early-warning networks, the SMS gateway and the call centre
//! (issue #19): call outcomes, what became of an SMS, and who may use which part.
//! Served as `"fieldnet"` of `GET /api/vocabulary`.

use super::{term, Term};
use serde::Serialize;

/// What a call to the call centre came to.
pub const CALL_OUTCOMES: &[Term] = &[
    term("report", "Report opened", "Rapport ouvert"),
    term(
        "information_request",
        "Information request",
        "Demande d’information",
    ),
    term(
        "follow_up",
        "Follow-up of an earlier call",
        "Suivi d’un appel précédent",
    ),
    term("hoax", "Hoax / prank", "Canular"),
    term(
        "wrong_number",
        "Wrong number / silent call",
        "Faux numéro / appel muet",
    ),
    term("other", "Other", "Autre"),
];

/// Languages a call is taken in (codes of ISO 639).
pub const CALL_LANGUAGES: &[Term] = &[
    term("fr", "French", "Français"),
    term("en", "English", "Anglais"),
    term("bm", "Bambara", "Bambara"),
    term("ff", "Fulfulde", "Peul (fulfulde)"),
    term("taq", "Tamasheq", "Tamasheq"),
    term("son", "Songhay", "Songhaï"),
    term("ar", "Arabic", "Arabe"),
];

/// What became of an SMS: a report (known sender), held for review (unknown
/// sender), accepted by an analyst into a report, or rejected.
pub const SMS_STATUSES: &[Term] = &[
    term("report", "Report", "Rapport"),
    term("held", "Held for review", "En attente d’examen"),
    term("accepted", "Accepted", "Accepté"),
    term("rejected", "Rejected", "Rejeté"),
];

/// Who may do what.
pub mod access {
    /// The call-centre screen: log calls (a call may open a report), see volumes and
    /// promised callbacks. The roles that submit reports: reporter (an operator's
    /// account), analyst, hr_officer, admin. Callers' names and callback numbers are
    /// restricted detail all the same (hr_officer, or an operator account with the
    /// audited grant of restricted access).
    pub const CALLS: &[&str] = &["reporter", "analyst", "hr_officer", "admin"];
    /// The SMS inbox: held messages, accept or reject them (the triage roles).
    pub const SMS_REVIEW: &[&str] = &["analyst", "hr_officer", "admin"];
    /// Read the networks register, last reports and silent areas.
    pub const NETWORKS_READ: &[&str] = &["analyst", "responder", "hr_officer", "planner", "admin"];
    /// Add networks, focal points and the places they cover.
    pub const NETWORKS_EDIT: &[&str] = &["analyst", "hr_officer", "admin"];
}

/// As served.
#[derive(Debug, Clone, Serialize)]
pub struct FieldnetVocabulary {
    pub call_outcomes: &'static [Term],
    pub call_languages: &'static [Term],
    pub sms_statuses: &'static [Term],
    pub calls: &'static [&'static str],
    pub sms_review: &'static [&'static str],
    pub networks_read: &'static [&'static str],
    pub networks_edit: &'static [&'static str],
}

pub const VOCAB: FieldnetVocabulary = FieldnetVocabulary {
    call_outcomes: CALL_OUTCOMES,
    call_languages: CALL_LANGUAGES,
    sms_statuses: SMS_STATUSES,
    calls: access::CALLS,
    sms_review: access::SMS_REVIEW,
    networks_read: access::NETWORKS_READ,
    networks_edit: access::NETWORKS_EDIT,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_labelled_and_roles_known() {
        for list in [CALL_OUTCOMES, CALL_LANGUAGES, SMS_STATUSES] {
            for t in list {
                assert!(
                    !t.en.is_empty() && !t.fr.is_empty(),
                    "{} lacks a label",
                    t.code
                );
            }
        }
        for r in access::CALLS
            .iter()
            .chain(access::SMS_REVIEW)
            .chain(access::NETWORKS_READ)
            .chain(access::NETWORKS_EDIT)
        {
            assert!(super::super::is_code(super::super::ROLES, r), "{r}");
        }
    }
}
