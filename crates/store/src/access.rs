//! Who may read what: the caller's [`Principal`] (a role plus an explicit, audited
//! grant of restricted access), the [`Visibility`] of incidents by their
//! sensitivity, and the read functions through which reports and restricted detail
//! leave the store. Each takes the principal; each read of restricted detail writes
//! an audit entry (`read_restricted`: who, which record, when).
//!
//! Incidents by sensitivity (DESIGN.md: public / restricted / confidential; "restricted
//! detail goes to hr_officer only, and to another account only by an explicit,
//! audited grant"):
//!
//! | sensitivity  | hr_officer, or an account granted restricted access | analyst, admin | responder, planner | CAP/Atom, webhooks | `vigil incidents` export |
//! |--------------|------------------------------------------------------|----------------|--------------------|--------------------|--------------------------|
//! | public       | coded fields and restricted detail                   | coded fields   | coded fields       | coded fields       | yes                      |
//! | restricted   | coded fields and restricted detail                   | coded fields   | no                 | no                 | only with `--include-sensitive` (audited) |
//! | confidential | coded fields and restricted detail                   | no             | no                 | no                 | only with `--include-sensitive` (audited) |
//!
//! Analysts (and admins) keep restricted incidents' coded fields because they code
//! and de-duplicate them; the victims', witnesses' and contacts' detail is never
//! theirs without a grant. A sensitivity the store does not know counts as
//! confidential. Incidents without a sensitivity (imported GED / ACLED rows) are public.
//!
//! Reports (free text, reporter, place as typed, attachments) go to the roles that
//! read reports: analyst, hr_officer, admin, and a reporter for their own only (any
//! other report is "not found" to them, exactly as a missing one). A report that went
//! into an incident held back from a caller is held back with it.

use crate::accounts::{Role, User};
use crate::audit::{audit_append, AuditEntry};
use crate::reports::{Report, ReportError, ReportQuery, RestrictedDetail};
use crate::{on_pool, Store};

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// The highest sensitivity of incident a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visibility {
    Public,
    Restricted,
    Confidential,
}

impl Visibility {
    /// Whether an incident of this sensitivity is visible.
    pub fn allows(self, sensitivity: Option<&str>) -> bool {
        let level = match sensitivity {
            None | Some("public") => Visibility::Public,
            Some("restricted") => Visibility::Restricted,
            _ => Visibility::Confidential,
        };
        level <= self
    }

    /// The SQL condition on `incidents.sensitivity`, `None` when everything is visible.
    pub(crate) fn sql(self) -> Option<&'static str> {
        match self {
            Visibility::Public => Some("(sensitivity IS NULL OR sensitivity = 'public')"),
            Visibility::Restricted => Some("(sensitivity IS NULL OR sensitivity IN ('public', 'restricted'))"),
            Visibility::Confidential => None,
        }
    }
}

/// Who is asking: the account, its role, and whether it holds the explicit grant
/// of restricted access (`users.restricted_access`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    pub restricted_access: bool,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Victims', witnesses' and contacts' detail, reports' raw bodies, confidential
    /// incidents: hr_officer, or an account granted restricted access.
    pub fn sees_restricted_detail(&self) -> bool {
        vigil_model::vocab::access::RESTRICTED.contains(&self.user.role.as_str()) || self.restricted_access
    }

    /// Reads reports other than their own (free text, reporter, attachments).
    pub fn reads_reports(&self) -> bool {
        matches!(self.user.role, Role::Analyst | Role::HrOfficer | Role::Admin)
    }

    /// Which incidents this caller may see.
    pub fn visibility(&self) -> Visibility {
        if self.sees_restricted_detail() {
            Visibility::Confidential
        } else if matches!(self.user.role, Role::Analyst | Role::Admin) {
            Visibility::Restricted
        } else {
            Visibility::Public
        }
    }
}

/// Remove what a caller who may not read restricted detail must not get from an
/// audit entry: digests of restricted detail (older databases stored an unsalted
/// `restricted_sha256` and `raw_sha256`, which let a guessed name be confirmed).
fn strip_digests(v: &mut Option<serde_json::Value>) {
    if let Some(serde_json::Value::Object(o)) = v {
        o.remove("restricted_sha256");
        o.remove("raw_sha256");
    }
}

impl Store {
    /// The principal behind a logged-in user (reads the grant).
    pub async fn principal(&self, user: &User) -> crate::Result<Principal> {
        let granted: Option<bool> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT restricted_access FROM users WHERE id = $1").bind(user.id).fetch_optional(pool).await?
        });
        Ok(Principal { user: user.clone(), restricted_access: granted.unwrap_or(false) })
    }

    /// One audit entry per restricted record read by `p`, in one transaction.
    async fn audit_reads(&self, p: &Principal, entities: &[String]) -> crate::Result<()> {
        if entities.is_empty() {
            return Ok(());
        }
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"role": p.role().as_str()});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for e in entities {
                audit_append!(self, tx, &p.user.name, "read_restricted", e, None, Some(&after));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// An incident `p` may see (`None` also when it exists but is held back).
    pub async fn incident_for(&self, p: &Principal, id: i64) -> Result<Option<crate::reports::IncidentRecord>> {
        Ok(self.incident(id).await?.filter(|r| p.visibility().allows(r.sensitivity.as_deref())))
    }

    /// An incident's restricted detail for `p`: `None` unless `p` may read it; a
    /// read of stored detail is audited.
    pub async fn incident_restricted_for(&self, p: &Principal, id: i64) -> Result<Option<RestrictedDetail>> {
        if !p.sees_restricted_detail() {
            return Ok(None);
        }
        let d = self.incident_restricted(id).await?;
        if !d.is_empty() {
            self.audit_reads(p, &[format!("incident/{id}")]).await?;
        }
        Ok(Some(d))
    }

    /// Restricted detail into loaded reports for `p` (audited), or none.
    async fn reports_restricted_for(&self, p: &Principal, reports: &mut [Report]) -> Result<()> {
        if !p.sees_restricted_detail() {
            return Ok(());
        }
        let mut read = vec![];
        for r in reports.iter_mut() {
            let d = self.report_restricted(r.id).await?;
            if !d.is_empty() {
                read.push(format!("report/{}", r.id));
            }
            r.restricted = Some(d);
        }
        self.audit_reads(p, &read).await?;
        Ok(())
    }

    /// Whether `p` may see a report: their own always; others' if `p` reads reports
    /// and the incident it went into (if any) is one `p` may see.
    async fn report_visible(&self, p: &Principal, r: &Report) -> Result<bool> {
        if r.reporter_id == p.user.id {
            return Ok(true);
        }
        if !p.reads_reports() {
            return Ok(false);
        }
        match r.incident_id {
            None => Ok(true),
            Some(incident) => self.incident_visible(p, incident).await,
        }
    }

    /// Whether an incident exists and `p` may see it (by its sensitivity).
    async fn incident_visible(&self, p: &Principal, id: i64) -> Result<bool> {
        let level: Option<Option<String>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT sensitivity FROM incidents WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        Ok(level.is_some_and(|l| p.visibility().allows(l.as_deref())))
    }

    /// One report as `p` may see it; `None` for a report that does not exist and for
    /// one `p` may not read (a reporter asking for someone else's, a report behind an
    /// incident held back from `p`): the same answer.
    pub async fn report_for(&self, p: &Principal, id: i64) -> Result<Option<Report>> {
        let Some(r) = self.report(id, false).await? else { return Ok(None) };
        if !self.report_visible(p, &r).await? {
            return Ok(None);
        }
        let mut v = vec![r];
        self.reports_restricted_for(p, &mut v).await?;
        Ok(v.pop())
    }

    /// Reports as `p` may see them: a reporter only their own; roles that do not
    /// read reports none.
    pub async fn reports_for(&self, p: &Principal, q: &ReportQuery) -> Result<Vec<Report>> {
        let mut q = q.clone();
        if p.role() == Role::Reporter {
            q.reporter_id = Some(p.user.id);
        } else if !p.reads_reports() {
            return Ok(vec![]);
        }
        let mut list = vec![];
        for r in self.reports(&q, false).await? {
            if self.report_visible(p, &r).await? {
                list.push(r);
            }
        }
        self.reports_restricted_for(p, &mut list).await?;
        Ok(list)
    }

    /// The reports behind an incident, for roles that read reports (others get none).
    pub async fn incident_reports_for(&self, p: &Principal, incident_id: i64) -> Result<Vec<Report>> {
        if !p.reads_reports() || !self.incident_visible(p, incident_id).await? {
            return Ok(vec![]);
        }
        let mut list = self.reports_for_incident(incident_id, false).await?;
        self.reports_restricted_for(p, &mut list).await?;
        Ok(list)
    }

    /// A report's body as received (it carries the restricted detail): only for
    /// those who read restricted detail; audited.
    pub async fn report_raw_for(&self, p: &Principal, id: i64) -> Result<Option<(String, Vec<u8>)>> {
        if !p.sees_restricted_detail() {
            return Ok(None);
        }
        let raw = self.report_raw(id).await?;
        if raw.is_some() {
            self.audit_reads(p, &[format!("report/{id}")]).await?;
        }
        Ok(raw)
    }

    /// One attachment of a report `p` may see, with its name and type; each download
    /// is audited (`read_attachment` on `attachment/{id}`): a photograph can show a
    /// victim as well as a name can.
    pub async fn attachment_for(
        &self,
        p: &Principal,
        report_id: i64,
        attachment_id: i64,
    ) -> Result<Option<(Option<String>, Option<String>, Vec<u8>)>> {
        // the visibility check only: the report's restricted detail is not read here
        let Some(r) = self.report(report_id, false).await? else { return Ok(None) };
        if !self.report_visible(p, &r).await? {
            return Ok(None);
        }
        type Row = (Option<String>, Option<String>, Vec<u8>);
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT filename, content_type, bytes FROM attachments WHERE id = $1 AND report_id = $2")
                .bind(attachment_id)
                .bind(report_id)
                .fetch_optional(pool)
                .await?
        });
        if row.is_some() {
            let begin = self.begin_write_sql();
            let after = serde_json::json!({"role": p.role().as_str(), "report": report_id});
            on_pool!(self, pool => {
                let mut tx = pool.begin_with(begin).await?;
                audit_append!(self, tx, &p.user.name, "read_attachment", &format!("attachment/{attachment_id}"), None, Some(&after));
                tx.commit().await?;
            });
        }
        Ok(row)
    }

    /// The history of an incident as `p` may see it: the entries of the incident and,
    /// for roles that read reports, of its reports. Digests of restricted detail and
    /// the record of who read it only for those who read restricted detail.
    pub async fn incident_history_for(&self, p: &Principal, incident_id: i64, reports: &[Report]) -> Result<Vec<AuditEntry>> {
        let mut entities = vec![format!("incident/{incident_id}")];
        if p.reads_reports() {
            entities.extend(reports.iter().map(|r| format!("report/{}", r.id)));
        }
        let mut list = self.audit_for(&entities).await.map_err(ReportError::from)?;
        if !p.sees_restricted_detail() {
            list.retain(|e| e.action != "read_restricted");
            for e in &mut list {
                strip_digests(&mut e.before);
                strip_digests(&mut e.after);
            }
        }
        Ok(list)
    }
}

impl Store {
    /// The public place of an incident coded from a report when the analyst gave
    /// none: the gazetteer town the reporter picked, else the name of the admin area
    /// (level 2, else 1) it was placed in. A reporter's free text never becomes it.
    pub(crate) async fn gazetteer_place(
        &self,
        town_id: Option<i64>,
        placement: &vigil_model::Placement,
    ) -> Result<Option<String>> {
        if let Some(t) = town_id {
            if let Some(p) = self.place(t).await? {
                return Ok(Some(p.name));
            }
        }
        for (level, code) in [(2u8, &placement.admin2), (1, &placement.admin1)] {
            if let Some(code) = code {
                if let Some((_, name)) = self.area_names(level).await?.into_iter().find(|(c, _)| c == code) {
                    return Ok(Some(name));
                }
            }
        }
        Ok(None)
    }
}
