//! Who may call which endpoint: the vocabulary's access lists
//! ([`vigil_model::vocab::access`]) as the store's roles. The same lists are served to
//! the UI at `GET /api/vocabulary`, so what the UI offers and what the server allows
//! cannot drift apart.

use std::sync::LazyLock;
use vigil_model::vocab::access;
use vigil_store::accounts::Role;

type Roles = LazyLock<Vec<Role>>;

/// The roles named by `codes`. Every code is a role: the model's tests check the
/// access lists against its role list, and the store's tests that list against `Role`.
fn roles(codes: &[&str]) -> Vec<Role> {
    codes.iter().map(|c| Role::parse(c).unwrap_or_else(|| panic!("access list names unknown role {c}"))).collect()
}

/// Submit a field report.
pub static SUBMIT_REPORT: Roles = LazyLock::new(|| roles(access::SUBMIT_REPORT));
/// Incidents, the map, admin areas, the OGC API.
pub static MAP: Roles = LazyLock::new(|| roles(access::MAP));
/// Verify, merge, discard reports.
pub static TRIAGE: Roles = LazyLock::new(|| roles(access::TRIAGE));
/// Read reports (reporters: only their own).
pub static REPORT_PAGE: Roles = LazyLock::new(|| roles(access::REPORT_PAGE));
/// Read alerts, the response dashboard, the rules.
pub static ALERTS: Roles = LazyLock::new(|| roles(access::ALERTS));
/// Raise, issue, close, cancel alerts.
pub static MANAGE_ALERTS: Roles = LazyLock::new(|| roles(access::MANAGE_ALERTS));
/// Acknowledge an alert, mark it responding.
pub static RESPOND: Roles = LazyLock::new(|| roles(access::RESPOND));
/// Record responses.
pub static RECORD_RESPONSE: Roles = LazyLock::new(|| roles(access::RECORD_RESPONSE));
/// Webhooks, the audit log.
pub static ADMIN: Roles = LazyLock::new(|| roles(access::ADMIN));
/// A report's raw body and other restricted detail.
pub static RESTRICTED: Roles = LazyLock::new(|| roles(access::RESTRICTED));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_resolves_to_the_roles_it_names() {
        for (list, codes) in [
            (&SUBMIT_REPORT, access::SUBMIT_REPORT),
            (&MAP, access::MAP),
            (&TRIAGE, access::TRIAGE),
            (&REPORT_PAGE, access::REPORT_PAGE),
            (&ALERTS, access::ALERTS),
            (&MANAGE_ALERTS, access::MANAGE_ALERTS),
            (&RESPOND, access::RESPOND),
            (&RECORD_RESPONSE, access::RECORD_RESPONSE),
            (&ADMIN, access::ADMIN),
            (&RESTRICTED, access::RESTRICTED),
        ] {
            let got: Vec<&str> = list.iter().map(|r| r.as_str()).collect();
            assert_eq!(got, codes);
        }
    }
}
