//! Human-rights cases, special investigations, evidence and its chain of custody,
//! HRDDP support requests and assessments (the logic is `vigil-rights`; this module
//! only stores and reads, and decides nothing beyond who may read).
//!
//! Who may read: cases, investigations and assessments go to callers who read
//! restricted detail ([`Principal::sees_restricted_detail`]: hr_officer, or an
//! account with the explicit, audited grant); an investigation limited to its team
//! only to its team. Others get counts through [`Store::case_rows_coded`], which the
//! application suppresses before it serves them.
//!
//! Restricted records (victims, witnesses, sources, investigation files) are sealed
//! with the human-rights key ([`crate::rights_key`]) before they reach SQL: a copied
//! database file or dump holds no name in the clear. Each read of one (opening a case
//! or an investigation) is audited as `read_restricted`; each change as usual.

use serde::{Deserialize, Serialize};

use crate::access::Principal;
use crate::audit::{audit_append, now};
use crate::rights_key::{RightsKey, RightsKeyError};
use crate::{on_pool, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RightsStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("no human-rights key loaded: restricted records (victims, witnesses, sources, investigation files) are neither written nor read without it ([rights] key_file or key_env in vigil.toml, or VIGIL_RIGHTS_KEY_FILE)")]
    NoKey,
    #[error("the human-rights key loaded is not the one this database's restricted records were sealed with (fingerprint {found}, database {expected}): load the right key file; nothing was read or written")]
    WrongKey { expected: String, found: String },
    #[error("{what} cannot be opened with the key loaded (damaged, moved, or sealed under another key)")]
    Unreadable { what: String },
    #[error(transparent)]
    Key(#[from] RightsKeyError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} is for human-rights officers (or an account granted restricted access)")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(String),
}

type Result<T, E = RightsStoreError> = std::result::Result<T, E>;

/// The coded fields of a case (no person named).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    #[serde(default)]
    pub id: i64,
    pub title: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub place: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub perpetrator: String,
    pub armed_group: Option<String>,
    pub unit: Option<String>,
    /// `[{act_type, victims: {man, woman, boy, girl, unknown}}]`.
    pub acts: serde_json::Value,
    pub status: String,
    pub status_by: String,
    pub status_at: String,
    pub synthetic: bool,
    pub created_by: String,
    pub created_at: String,
    /// `(incident|report, id)`.
    pub links: Vec<(String, i64)>,
}

/// One restricted record: a victim, witness or source (with consent and protection
/// concerns), as JSON; sealed at rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restricted {
    #[serde(default)]
    pub id: i64,
    /// victim | witness | source
    pub kind: String,
    pub data: serde_json::Value,
}

/// A case's status change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusStep {
    pub status: String,
    pub decided_by: String,
    pub decided_at: String,
}

/// A case with what only its readers get.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub restricted: Vec<Restricted>,
    pub history: Vec<StatusStep>,
    pub evidence: Vec<Evidence>,
    pub investigations: Vec<i64>,
}

const CASE_COLS: &str = "id, title, date, place, latitude, longitude, admin1, admin2, perpetrator, armed_group, unit, \
     acts_json, status, status_by, status_at, synthetic, created_by, created_at";

type CaseParts = (Vec<(String, i64)>, Vec<(i64, String, String, String)>, Vec<(String, String, String)>, Vec<i64>);
type MissionRow = (i64, String, String, String, String);
type EvidenceRow = (i64, i64, String, String, String, i64, String, String);
type CustodyRow = (String, String, String, Option<String>, Option<String>);

/// A case row as read (either backend's row type).
macro_rules! case_from_row {
    ($r:expr) => {{
        use sqlx::Row;
        let r = $r;
        let id: i64 = r.try_get(0)?;
        let acts: String = r.try_get(11)?;
        let acts = serde_json::from_str(&acts).map_err(|e| StoreError::Corrupt(format!("case {id}: acts: {e}")))?;
        CaseRow {
            id,
            title: r.try_get(1)?,
            date: r.try_get(2)?,
            place: r.try_get(3)?,
            latitude: r.try_get(4)?,
            longitude: r.try_get(5)?,
            admin1: r.try_get(6)?,
            admin2: r.try_get(7)?,
            perpetrator: r.try_get(8)?,
            armed_group: r.try_get(9)?,
            unit: r.try_get(10)?,
            acts,
            status: r.try_get(12)?,
            status_by: r.try_get(13)?,
            status_at: r.try_get(14)?,
            synthetic: r.try_get(15)?,
            created_by: r.try_get(16)?,
            created_at: r.try_get(17)?,
            links: vec![],
        }
    }};
}

/// What the audit log says about a case (coded fields only).
fn case_audit(c: &CaseRow, restricted: usize) -> serde_json::Value {
    serde_json::json!({
        "title": c.title, "date": c.date, "admin1": c.admin1, "perpetrator": c.perpetrator,
        "armed_group": c.armed_group, "unit": c.unit, "acts": c.acts, "status": c.status,
        "links": c.links, "restricted_records": restricted,
    })
}

/// An investigation's file (sealed at rest).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InvestigationFile {
    #[serde(default)]
    pub terms_of_reference: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub recommendations: String,
}

/// A field mission of an investigation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mission {
    #[serde(default)]
    pub id: i64,
    pub start_date: String,
    pub end_date: String,
    pub place: String,
    /// granted | denied
    pub access: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Investigation {
    #[serde(default)]
    pub id: i64,
    pub title: String,
    pub team: Vec<String>,
    #[serde(default)]
    pub team_only: bool,
    pub opened_on: String,
    #[serde(default)]
    pub published_on: Option<String>,
    #[serde(default)]
    pub synthetic: bool,
    #[serde(default)]
    pub case_ids: Vec<i64>,
    #[serde(default)]
    pub missions: Vec<Mission>,
    /// Only when opened (`investigation_for`); `None` in lists.
    #[serde(default)]
    pub file: Option<InvestigationFile>,
}

/// An evidence file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub case_id: i64,
    pub file_name: String,
    pub path: String,
    pub sha256: String,
    pub size: i64,
    pub received_by: String,
    pub received_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub sha256: Option<String>,
    pub note: Option<String>,
}

/// A support request as stored (the logic's types are in `vigil_rights::hrddp`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportRequestRow {
    #[serde(default)]
    pub id: i64,
    pub force: String,
    pub unit: String,
    pub support_type: String,
    #[serde(default)]
    pub description: String,
    pub requested_on: String,
    #[serde(default = "pending")]
    pub status: String,
    #[serde(default)]
    pub synthetic: bool,
}

fn pending() -> String {
    "pending".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentRow {
    #[serde(default)]
    pub id: i64,
    pub request_id: i64,
    pub record: serde_json::Value,
    pub risk_level: String,
    pub mitigations: serde_json::Value,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_on: Option<String>,
    pub needs_review: bool,
}

/// An alert to the HR officers: a new case against a unit whose support was approved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUpRow {
    pub id: i64,
    pub assessment_id: i64,
    pub case_id: i64,
    pub unit: String,
    pub raised_at: String,
    pub acknowledged_by: Option<String>,
}

impl Store {
    /// Use `key` for restricted human-rights records. A database that already has
    /// sealed records under another key refuses it (by fingerprint); a database
    /// with none records the key's fingerprint.
    pub async fn attach_rights_key(mut self, key: RightsKey) -> Result<Store> {
        let found = key.fingerprint();
        let expected: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT fingerprint FROM hr_key_check WHERE id = 1").fetch_optional(pool).await?
        });
        match expected {
            Some(e) if e != found => return Err(RightsStoreError::WrongKey { expected: e, found }),
            Some(_) => {}
            None => on_pool!(self, pool => {
                sqlx::query("INSERT INTO hr_key_check (id, fingerprint) VALUES (1, $1)").bind(&found).execute(pool).await?;
            }),
        }
        self.rights_key = Some(std::sync::Arc::new(key));
        Ok(self)
    }

    /// Whether sealed records exist (then a new key must not be made for this database).
    pub async fn has_sealed_records(&self) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM hr_key_check").fetch_one(pool).await?
        });
        Ok(n > 0)
    }

    /// Whether a human-rights key is loaded.
    pub fn has_rights_key(&self) -> bool {
        self.rights_key.is_some()
    }

    fn rights_key(&self) -> Result<std::sync::Arc<RightsKey>> {
        self.rights_key.clone().ok_or(RightsStoreError::NoKey)
    }

    fn seal_json(&self, aad: &str, v: &impl Serialize) -> Result<(String, String)> {
        let text = serde_json::to_vec(v).map_err(|e| StoreError::Corrupt(format!("{aad}: {e}")))?;
        Ok(self.rights_key()?.seal(aad, &text))
    }

    fn open_json<T: serde::de::DeserializeOwned>(&self, aad: &str, nonce: &str, sealed: &str) -> Result<T> {
        let bytes = self
            .rights_key()?
            .open(aad, nonce, sealed)
            .ok_or_else(|| RightsStoreError::Unreadable { what: aad.into() })?;
        serde_json::from_slice(&bytes).map_err(|_| RightsStoreError::Unreadable { what: aad.into() })
    }

    /// Audit one read of restricted records.
    async fn audit_rights_read(&self, p: &Principal, entity: &str) -> Result<()> {
        let begin = self.begin_write_sql();
        let after = serde_json::json!({"role": p.role().as_str()});
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            audit_append!(self, tx, &p.user.name, "read_restricted", entity, None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    fn need_hr(p: &Principal, what: &'static str) -> Result<()> {
        if p.sees_restricted_detail() {
            Ok(())
        } else {
            Err(RightsStoreError::Forbidden(what))
        }
    }

    /// Record a case with its links and restricted records, for `p` (hr_officer or
    /// granted). Links must name incidents and reports that exist.
    pub async fn create_case(&self, p: &Principal, c: &CaseRow, restricted: &[Restricted]) -> Result<i64> {
        Self::need_hr(p, "recording a case")?;
        if !restricted.is_empty() {
            self.rights_key()?;
        }
        let begin = self.begin_write_sql();
        let at = now();
        let acts = c.acts.to_string();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for (kind, target) in &c.links {
                let sql = match kind.as_str() {
                    "incident" => "SELECT COUNT(*) FROM incidents WHERE id = $1",
                    "report" => "SELECT COUNT(*) FROM reports WHERE id = $1",
                    _ => return Err(RightsStoreError::Conflict(format!("link kind `{kind}`: incident or report"))),
                };
                let n: i64 = sqlx::query_scalar(sql).bind(target).fetch_one(&mut *tx).await?;
                if n == 0 {
                    return Err(RightsStoreError::NotFound(format!("{kind} {target}")));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO hr_cases (title, date, place, latitude, longitude, admin1, admin2, perpetrator, armed_group, unit, \
                 acts_json, status, status_by, status_at, synthetic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            )
            .bind(&c.title).bind(&c.date).bind(&c.place).bind(c.latitude).bind(c.longitude).bind(&c.admin1).bind(&c.admin2)
            .bind(&c.perpetrator).bind(&c.armed_group).bind(&c.unit).bind(&acts).bind(&c.status)
            .bind(&p.user.name).bind(&at).bind(c.synthetic).bind(&p.user.name).bind(&at)
            .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO hr_case_status (case_id, status, decided_by, decided_at) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(&c.status).bind(&p.user.name).bind(&at).execute(&mut *tx).await?;
            for (kind, target) in &c.links {
                sqlx::query("INSERT INTO hr_case_links (case_id, kind, target_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(id).bind(kind).bind(target).execute(&mut *tx).await?;
            }
            for r in restricted {
                let (nonce, sealed) = self.seal_json(&format!("{}/case/{id}", r.kind), &r.data)?;
                sqlx::query("INSERT INTO hr_restricted (case_id, kind, nonce, sealed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id).bind(&r.kind).bind(&nonce).bind(&sealed).bind(&p.user.name).bind(&at).execute(&mut *tx).await?;
            }
            let after = case_audit(c, restricted.len());
            audit_append!(self, tx, &p.user.name, "create", &format!("case/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Add a victim, witness or source to a case.
    pub async fn add_case_restricted(&self, p: &Principal, case_id: i64, r: &Restricted) -> Result<i64> {
        Self::need_hr(p, "adding a victim, witness or source")?;
        let (nonce, sealed) = self.seal_json(&format!("{}/case/{case_id}", r.kind), &r.data)?;
        let begin = self.begin_write_sql();
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hr_cases WHERE id = $1").bind(case_id).fetch_one(&mut *tx).await?;
            if n == 0 {
                return Err(RightsStoreError::NotFound(format!("case {case_id}")));
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO hr_restricted (case_id, kind, nonce, sealed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(case_id).bind(&r.kind).bind(&nonce).bind(&sealed).bind(&p.user.name).bind(&at).fetch_one(&mut *tx).await?;
            let after = serde_json::json!({"kind": r.kind, "record": id});
            audit_append!(self, tx, &p.user.name, "add_restricted", &format!("case/{case_id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Move a case to `status` (the logic decided the step is allowed) if it is still
    /// at `from`; who and when are recorded.
    pub async fn set_case_status(&self, p: &Principal, case_id: i64, from: &str, status: &str) -> Result<()> {
        Self::need_hr(p, "changing a case's verification status")?;
        let begin = self.begin_write_sql();
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE hr_cases SET status = $1, status_by = $2, status_at = $3 WHERE id = $4 AND status = $5")
                .bind(status).bind(&p.user.name).bind(&at).bind(case_id).bind(from).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(RightsStoreError::Conflict(format!("case {case_id} is no longer {from}")));
            }
            sqlx::query("INSERT INTO hr_case_status (case_id, status, decided_by, decided_at) VALUES ($1, $2, $3, $4)")
                .bind(case_id).bind(status).bind(&p.user.name).bind(&at).execute(&mut *tx).await?;
            let (b, a) = (serde_json::json!({"status": from}), serde_json::json!({"status": status}));
            audit_append!(self, tx, &p.user.name, "status", &format!("case/{case_id}"), Some(&b), Some(&a));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every case's coded fields (no person named, nothing sealed), for aggregates,
    /// the quarterly note and HRDDP unit records. Callers that are not human-rights
    /// officers get these only as suppressed counts (the application's job).
    pub async fn case_rows_coded(&self) -> Result<Vec<CaseRow>> {
        let mut out: Vec<CaseRow> = on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {CASE_COLS} FROM hr_cases ORDER BY date, id"))).fetch_all(pool).await?;
            let mut v = Vec::with_capacity(rows.len());
            for r in &rows {
                v.push(case_from_row!(r));
            }
            v
        });
        let links: Vec<(i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT case_id, kind, target_id FROM hr_case_links ORDER BY case_id, kind, target_id").fetch_all(pool).await?
        });
        for c in &mut out {
            c.links = links.iter().filter(|l| l.0 == c.id).map(|l| (l.1.clone(), l.2)).collect();
        }
        Ok(out)
    }

    /// Cases for `p` (coded fields): human-rights officers only.
    pub async fn cases_for(&self, p: &Principal) -> Result<Vec<CaseRow>> {
        Self::need_hr(p, "the case list")?;
        self.case_rows_coded().await
    }

    /// One case with its victims, witnesses and sources (opened with the key), its
    /// status history, evidence and investigations; audited as a read of restricted
    /// records. `None` when there is no such case.
    pub async fn case_for(&self, p: &Principal, id: i64) -> Result<Option<CaseDetail>> {
        Self::need_hr(p, "a case")?;
        let case: Option<CaseRow> = on_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {CASE_COLS} FROM hr_cases WHERE id = $1"))).bind(id).fetch_optional(pool).await? {
                Some(r) => Some(case_from_row!(&r)),
                None => None,
            }
        });
        let Some(mut case) = case else { return Ok(None) };
        let (links, sealed, history, inv): CaseParts = on_pool!(self, pool => {(
            sqlx::query_as("SELECT kind, target_id FROM hr_case_links WHERE case_id = $1 ORDER BY kind, target_id").bind(id).fetch_all(pool).await?,
            sqlx::query_as("SELECT id, kind, nonce, sealed FROM hr_restricted WHERE case_id = $1 ORDER BY id").bind(id).fetch_all(pool).await?,
            sqlx::query_as("SELECT status, decided_by, decided_at FROM hr_case_status WHERE case_id = $1 ORDER BY decided_at").bind(id).fetch_all(pool).await?,
            sqlx::query_scalar("SELECT investigation_id FROM hr_investigation_cases WHERE case_id = $1 ORDER BY investigation_id").bind(id).fetch_all(pool).await?,
        )});
        case.links = links;
        let mut restricted = vec![];
        for (rid, kind, nonce, s) in sealed {
            let data = self.open_json(&format!("{kind}/case/{id}"), &nonce, &s).map_err(|e| match e {
                RightsStoreError::Unreadable { .. } => {
                    RightsStoreError::Unreadable { what: format!("{kind} record {rid} of case {id}") }
                }
                e => e,
            })?;
            restricted.push(Restricted { id: rid, kind, data });
        }
        self.audit_rights_read(p, &format!("case/{id}")).await?;
        let history = history
            .into_iter()
            .map(|(status, decided_by, decided_at)| StatusStep { status, decided_by, decided_at })
            .collect();
        let evidence = self.evidence_of(Some(id)).await?;
        Ok(Some(CaseDetail { case, restricted, history, evidence, investigations: inv }))
    }

    // ---- investigations ----

    /// Open a special investigation grouping `inv.case_ids`; its file is sealed.
    pub async fn create_investigation(&self, p: &Principal, inv: &Investigation) -> Result<i64> {
        Self::need_hr(p, "opening an investigation")?;
        let file = inv.file.clone().unwrap_or_default();
        let begin = self.begin_write_sql();
        let at = now();
        let team = serde_json::to_string(&inv.team).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.rights_key()?;
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO hr_investigations (title, team_json, team_only, opened_on, published_on, synthetic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&inv.title).bind(&team).bind(inv.team_only).bind(&inv.opened_on).bind(&inv.published_on).bind(inv.synthetic)
            .bind(&p.user.name).bind(&at).fetch_one(&mut *tx).await?;
            for c in &inv.case_ids {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hr_cases WHERE id = $1").bind(c).fetch_one(&mut *tx).await?;
                if n == 0 {
                    return Err(RightsStoreError::NotFound(format!("case {c}")));
                }
                sqlx::query("INSERT INTO hr_investigation_cases (investigation_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id).bind(c).execute(&mut *tx).await?;
            }
            for m in &inv.missions {
                sqlx::query("INSERT INTO hr_missions (investigation_id, start_date, end_date, place, access) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(&m.start_date).bind(&m.end_date).bind(&m.place).bind(&m.access).execute(&mut *tx).await?;
            }
            let (nonce, sealed) = self.seal_json(&format!("investigation_file/investigation/{id}"), &file)?;
            sqlx::query("INSERT INTO hr_restricted (investigation_id, kind, nonce, sealed, created_by, created_at) VALUES ($1, 'investigation_file', $2, $3, $4, $5)")
                .bind(id).bind(&nonce).bind(&sealed).bind(&p.user.name).bind(&at).execute(&mut *tx).await?;
            let after = serde_json::json!({"title": inv.title, "team": inv.team, "team_only": inv.team_only, "cases": inv.case_ids, "missions": inv.missions.len()});
            audit_append!(self, tx, &p.user.name, "create", &format!("investigation/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    fn may_see_investigation(p: &Principal, inv: &Investigation) -> bool {
        p.sees_restricted_detail() && (!inv.team_only || inv.team.iter().any(|m| m == &p.user.name))
    }

    async fn investigation_rows(&self, id: Option<i64>) -> Result<Vec<Investigation>> {
        type Row = (i64, String, String, bool, String, Option<String>, bool);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, title, team_json, team_only, opened_on, published_on, synthetic FROM hr_investigations WHERE ($1 IS NULL OR id = $1) ORDER BY id")
                .bind(id).fetch_all(pool).await?
        });
        let mut out = vec![];
        for (id, title, team, team_only, opened_on, published_on, synthetic) in rows {
            let (case_ids, missions): (Vec<i64>, Vec<MissionRow>) = on_pool!(self, pool => {(
                sqlx::query_scalar("SELECT case_id FROM hr_investigation_cases WHERE investigation_id = $1 ORDER BY case_id").bind(id).fetch_all(pool).await?,
                sqlx::query_as("SELECT id, start_date, end_date, place, access FROM hr_missions WHERE investigation_id = $1 ORDER BY start_date, id").bind(id).fetch_all(pool).await?,
            )});
            out.push(Investigation {
                id,
                title,
                team: serde_json::from_str(&team)
                    .map_err(|e| StoreError::Corrupt(format!("investigation {id}: team: {e}")))?,
                team_only,
                opened_on,
                published_on,
                synthetic,
                case_ids,
                missions: missions
                    .into_iter()
                    .map(|(id, start_date, end_date, place, access)| Mission {
                        id,
                        start_date,
                        end_date,
                        place,
                        access,
                    })
                    .collect(),
                file: None,
            });
        }
        Ok(out)
    }

    /// Investigations `p` may see (without their files): human-rights officers, and
    /// for one limited to its team, its team only.
    pub async fn investigations_for(&self, p: &Principal) -> Result<Vec<Investigation>> {
        Self::need_hr(p, "investigations")?;
        Ok(self.investigation_rows(None).await?.into_iter().filter(|i| Self::may_see_investigation(p, i)).collect())
    }

    /// One investigation with its file (audited); `None` when missing or held back
    /// from `p` (the same answer).
    pub async fn investigation_for(&self, p: &Principal, id: i64) -> Result<Option<Investigation>> {
        Self::need_hr(p, "an investigation")?;
        let Some(mut inv) = self.investigation_rows(Some(id)).await?.pop() else { return Ok(None) };
        if !Self::may_see_investigation(p, &inv) {
            return Ok(None);
        }
        let sealed: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT nonce, sealed FROM hr_restricted WHERE investigation_id = $1 AND kind = 'investigation_file' ORDER BY id DESC LIMIT 1")
                .bind(id).fetch_optional(pool).await?
        });
        if let Some((n, s)) = sealed {
            inv.file = Some(self.open_json(&format!("investigation_file/investigation/{id}"), &n, &s)?);
        }
        self.audit_rights_read(p, &format!("investigation/{id}")).await?;
        Ok(Some(inv))
    }

    /// Replace an investigation's file, add missions, set its publication date.
    pub async fn update_investigation(
        &self,
        p: &Principal,
        id: i64,
        file: Option<&InvestigationFile>,
        missions: &[Mission],
        published_on: Option<&str>,
    ) -> Result<()> {
        if self.investigation_for(p, id).await?.is_none() {
            return Err(RightsStoreError::NotFound(format!("investigation {id}")));
        }
        let sealed = file.map(|f| self.seal_json(&format!("investigation_file/investigation/{id}"), f)).transpose()?;
        let begin = self.begin_write_sql();
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            if let Some((nonce, s)) = &sealed {
                sqlx::query("DELETE FROM hr_restricted WHERE investigation_id = $1 AND kind = 'investigation_file'").bind(id).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO hr_restricted (investigation_id, kind, nonce, sealed, created_by, created_at) VALUES ($1, 'investigation_file', $2, $3, $4, $5)")
                    .bind(id).bind(nonce).bind(s).bind(&p.user.name).bind(&at).execute(&mut *tx).await?;
            }
            for m in missions {
                sqlx::query("INSERT INTO hr_missions (investigation_id, start_date, end_date, place, access) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(&m.start_date).bind(&m.end_date).bind(&m.place).bind(&m.access).execute(&mut *tx).await?;
            }
            if let Some(d) = published_on {
                sqlx::query("UPDATE hr_investigations SET published_on = $1 WHERE id = $2").bind(d).bind(id).execute(&mut *tx).await?;
            }
            let after = serde_json::json!({"file_changed": sealed.is_some(), "missions_added": missions.len(), "published_on": published_on});
            audit_append!(self, tx, &p.user.name, "update", &format!("investigation/{id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- evidence ----

    /// Register an evidence file that arrived (its bytes already kept at `path`,
    /// hashed on arrival): the first custody entry.
    pub async fn add_evidence(
        &self,
        p: &Principal,
        case_id: i64,
        file_name: &str,
        path: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64> {
        Self::need_hr(p, "adding evidence")?;
        let begin = self.begin_write_sql();
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hr_cases WHERE id = $1").bind(case_id).fetch_one(&mut *tx).await?;
            if n == 0 {
                return Err(RightsStoreError::NotFound(format!("case {case_id}")));
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO hr_evidence (case_id, file_name, path, sha256, size, received_by, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(case_id).bind(file_name).bind(path).bind(sha256).bind(size).bind(&p.user.name).bind(&at).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO hr_custody (evidence_id, at, actor, action, sha256, note) VALUES ($1, $2, $3, 'received', $4, NULL)")
                .bind(id).bind(&at).bind(&p.user.name).bind(sha256).execute(&mut *tx).await?;
            let after = serde_json::json!({"case": case_id, "file_name": file_name, "sha256": sha256, "size": size});
            audit_append!(self, tx, &p.user.name, "create", &format!("evidence/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Evidence of one case, or all.
    pub async fn evidence_of(&self, case_id: Option<i64>) -> Result<Vec<Evidence>> {
        let rows: Vec<EvidenceRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, case_id, file_name, path, sha256, size, received_by, received_at FROM hr_evidence WHERE ($1 IS NULL OR case_id = $1) ORDER BY id")
                .bind(case_id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, case_id, file_name, path, sha256, size, received_by, received_at)| Evidence {
                id,
                case_id,
                file_name,
                path,
                sha256,
                size,
                received_by,
                received_at,
            })
            .collect())
    }

    /// Add a custody entry (access, export, transfer, verification) by `actor`.
    pub async fn custody(
        &self,
        actor: &str,
        evidence_id: i64,
        action: &str,
        sha256: Option<&str>,
        note: Option<&str>,
    ) -> Result<()> {
        let begin = self.begin_write_sql();
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("INSERT INTO hr_custody (evidence_id, at, actor, action, sha256, note) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(evidence_id).bind(&at).bind(actor).bind(action).bind(sha256).bind(note).execute(&mut *tx).await?;
            let after = serde_json::json!({"action": action, "sha256": sha256, "note": note});
            audit_append!(self, tx, actor, "custody", &format!("evidence/{evidence_id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn custody_of(&self, evidence_id: i64) -> Result<Vec<CustodyEntry>> {
        let rows: Vec<CustodyRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT at, actor, action, sha256, note FROM hr_custody WHERE evidence_id = $1 ORDER BY id").bind(evidence_id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(at, actor, action, sha256, note)| CustodyEntry { at, actor, action, sha256, note })
            .collect())
    }

    // ---- HRDDP ----

    pub async fn create_support_request(&self, p: &Principal, r: &SupportRequestRow) -> Result<i64> {
        Self::need_hr(p, "recording a support request")?;
        let begin = self.begin_write_sql();
        let at = now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO hr_support_requests (force, unit, support_type, description, requested_on, status, synthetic, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) RETURNING id")
                .bind(&r.force).bind(&r.unit).bind(&r.support_type).bind(&r.description).bind(&r.requested_on).bind(r.synthetic).bind(&p.user.name).bind(&at)
                .fetch_one(&mut *tx).await?;
            let after = serde_json::json!({"force": r.force, "unit": r.unit, "support_type": r.support_type, "requested_on": r.requested_on});
            audit_append!(self, tx, &p.user.name, "create", &format!("support_request/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Every support request with its assessment, if any (the register; no person named).
    pub async fn support_requests(&self) -> Result<Vec<(SupportRequestRow, Option<AssessmentRow>)>> {
        type R = (i64, String, String, String, String, String, String, bool);
        type A = (i64, i64, String, String, String, Option<String>, Option<String>, Option<String>, bool);
        let (reqs, asses): (Vec<R>, Vec<A>) = on_pool!(self, pool => {(
            sqlx::query_as("SELECT id, force, unit, support_type, description, requested_on, status, synthetic FROM hr_support_requests ORDER BY requested_on, id").fetch_all(pool).await?,
            sqlx::query_as("SELECT id, request_id, record_json, risk_level, mitigations_json, decision, decided_by, decided_on, needs_review FROM hr_assessments").fetch_all(pool).await?,
        )});
        let json = |id: i64, s: &str| {
            serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("assessment {id}: {e}")))
        };
        let mut out = vec![];
        for (id, force, unit, support_type, description, requested_on, status, synthetic) in reqs {
            let a = match asses.iter().find(|a| a.1 == id) {
                None => None,
                Some(a) => Some(AssessmentRow {
                    id: a.0,
                    request_id: a.1,
                    record: json(a.0, &a.2)?,
                    risk_level: a.3.clone(),
                    mitigations: json(a.0, &a.4)?,
                    decision: a.5.clone(),
                    decided_by: a.6.clone(),
                    decided_on: a.7.clone(),
                    needs_review: a.8,
                }),
            };
            out.push((
                SupportRequestRow { id, force, unit, support_type, description, requested_on, status, synthetic },
                a,
            ));
        }
        Ok(out)
    }

    /// Write (or rewrite, while undecided) the assessment of a request.
    pub async fn save_assessment(&self, p: &Principal, a: &AssessmentRow) -> Result<i64> {
        Self::need_hr(p, "a risk assessment")?;
        let begin = self.begin_write_sql();
        let at = now();
        let (record, mitigations) = (a.record.to_string(), a.mitigations.to_string());
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM hr_support_requests WHERE id = $1").bind(a.request_id).fetch_optional(&mut *tx).await?;
            match status.as_deref() {
                None => return Err(RightsStoreError::NotFound(format!("support request {}", a.request_id))),
                Some("pending") => {}
                Some(s) => return Err(RightsStoreError::Conflict(format!("support request {} is already {s}", a.request_id))),
            }
            sqlx::query("DELETE FROM hr_assessments WHERE request_id = $1").bind(a.request_id).execute(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO hr_assessments (request_id, record_json, risk_level, mitigations_json, needs_review, created_by, created_at) VALUES ($1, $2, $3, $4, FALSE, $5, $6) RETURNING id")
                .bind(a.request_id).bind(&record).bind(&a.risk_level).bind(&mitigations).bind(&p.user.name).bind(&at).fetch_one(&mut *tx).await?;
            let after = serde_json::json!({"request": a.request_id, "risk_level": a.risk_level, "record": a.record, "mitigations": a.mitigations});
            audit_append!(self, tx, &p.user.name, "assess", &format!("support_request/{}", a.request_id), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Record a decision (the logic checked it: an assessment exists, measures for a
    /// mitigated support) and the request's new status.
    pub async fn decide_support(
        &self,
        p: &Principal,
        request_id: i64,
        decision: &str,
        decided_on: &str,
        status: &str,
        mitigations: &serde_json::Value,
    ) -> Result<()> {
        Self::need_hr(p, "an HRDDP decision")?;
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE hr_assessments SET decision = $1, decided_by = $2, decided_on = $3, mitigations_json = $4, needs_review = FALSE WHERE request_id = $5")
                .bind(decision).bind(&p.user.name).bind(decided_on).bind(mitigations.to_string()).bind(request_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(RightsStoreError::NotFound(format!("assessment of support request {request_id}")));
            }
            sqlx::query("UPDATE hr_support_requests SET status = $1 WHERE id = $2").bind(status).bind(request_id).execute(&mut *tx).await?;
            let after = serde_json::json!({"decision": decision, "status": status, "decided_on": decided_on});
            audit_append!(self, tx, &p.user.name, "decide", &format!("support_request/{request_id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Raise follow-ups (the logic found them): each marks its assessment for review.
    pub async fn raise_followups(&self, actor: &str, items: &[(i64, i64, String)]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let begin = self.begin_write_sql();
        let at = now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for (assessment_id, case_id, unit) in items {
                let id: i64 = sqlx::query_scalar("INSERT INTO hr_followups (assessment_id, case_id, unit, raised_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(assessment_id).bind(case_id).bind(unit).bind(&at).fetch_one(&mut *tx).await?;
                sqlx::query("UPDATE hr_assessments SET needs_review = TRUE WHERE id = $1").bind(assessment_id).execute(&mut *tx).await?;
                let after = serde_json::json!({"assessment": assessment_id, "case": case_id, "unit": unit, "followup": id});
                audit_append!(self, tx, actor, "followup", &format!("assessment/{assessment_id}"), None, Some(&after));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn followups(&self) -> Result<Vec<FollowUpRow>> {
        let rows: Vec<(i64, i64, i64, String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, assessment_id, case_id, unit, raised_at, acknowledged_by FROM hr_followups ORDER BY id").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, assessment_id, case_id, unit, raised_at, acknowledged_by)| FollowUpRow {
                id,
                assessment_id,
                case_id,
                unit,
                raised_at,
                acknowledged_by,
            })
            .collect())
    }
}
