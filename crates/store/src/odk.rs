//! ODK Collect / Enketo intake (issue 19): the HTTP Digest credentials of accounts
//! and the offline-first semantics of OpenRosa submissions.
//!
//! **Digest credentials.** ODK Collect authenticates with HTTP Digest (RFC 7616,
//! MD5), which needs HA1 = MD5(`name:realm:password`) on the server; the argon2id
//! password hash cannot give it. So when a password is set ([`Store::add_user`]) or
//! reset ([`Store::change_account`]) for an account whose role may submit reports,
//! HA1 for [`DIGEST_REALM`] is stored in `odk_credentials` in the same transaction.
//! An account created before this existed, or given a submitting role later, needs a
//! password reset before it can use ODK Collect. HA1 is an MD5 of the password: a
//! stolen database lets an attacker test guesses fast, so the table is as secret as
//! the password hashes.
//!
//! **Submissions.** ODK Collect keeps filled forms until it can send them and sends
//! again when an answer is lost. [`Store::submit_odk`]:
//!
//! * a first submission (no `deprecatedID`) is a report whose `client_id` is the
//!   `instanceID` (the idempotent intake of [`crate::report_client_id`]: the key is
//!   written with the report, in its transaction, and unique per author);
//! * the same `instanceID` again, with the same content, is a repeat: the stored
//!   report is answered, nothing new is stored; with other content it is a conflict;
//! * an edited form (`deprecatedID` = an earlier `instanceID` of the same author)
//!   becomes the next version of that report: the report row takes the new fields
//!   (the triage queue shows the latest), `report_versions` keeps every version
//!   (version 1 copied from the report at the first edit), and the new `instanceID`
//!   is unique there per author, written in the same transaction;
//! * an edit whose original never arrived is stored as a new report.

use crate::accounts::{Role, User};
use crate::audit::{audit_append, sha256_hex};
use crate::report_client_id::{submission_digest, Submitted};
use crate::reports::{NewReport, Report, ReportError};
use crate::{on_pool, Store, StoreError};
use md5::{Digest, Md5};
use serde::Serialize;

/// The realm of Vigil's HTTP Digest challenge (part of every stored HA1).
pub const DIGEST_REALM: &str = "Vigil";

/// Lower-case hex MD5.
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// HA1 = MD5(`name:realm:password`) (RFC 7616 §3.4.2, algorithm MD5).
pub fn digest_ha1(name: &str, realm: &str, password: &str) -> String {
    md5_hex(format!("{name}:{realm}:{password}").as_bytes())
}

/// HA1 to store for an account with `role`, when it may submit reports.
pub(crate) fn ha1_for(role: Role, name: &str, password: &str) -> Option<String> {
    vigil_model::vocab::access::SUBMIT_REPORT
        .contains(&role.as_str())
        .then(|| digest_ha1(name, DIGEST_REALM, password))
}

/// Store `ha1` as the digest credential of user `id` inside the open transaction `tx`
/// (either backend).
macro_rules! put_ha1 {
    ($tx:ident, $id:expr, $ha1:expr) => {
        sqlx::query(
            "INSERT INTO odk_credentials (user_id, realm, ha1, set_at) VALUES ($1, $2, $3, $4)",
        )
        .bind($id)
        .bind($crate::odk::DIGEST_REALM)
        .bind(&$ha1)
        .bind($crate::audit::now())
        .execute(&mut *$tx)
        .await?;
    };
}
pub(crate) use put_ha1;

/// What an ODK submission came to.
#[derive(Debug, Clone)]
pub enum OdkSubmitted {
    /// A new report, stored now.
    New(Report),
    /// This instanceID was stored before with the same content: nothing new stored.
    Repeat(Report),
    /// A new version (2, 3, …) of the report, stored now.
    Version { report: Report, version: i64 },
    /// This instanceID was stored before (in `report_id`) with other content.
    Conflict { report_id: i64 },
}

/// One version of a report sent from ODK (no restricted detail).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportVersion {
    pub version: i64,
    pub instance_id: String,
    pub deprecated_id: Option<String>,
    pub received_at: String,
    pub fields: serde_json::Value,
}

/// The fields of a version that anyone who may read the report may see.
fn open_fields(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "category": r.category, "occurred_at": r.occurred_at, "place_name": r.place_name,
        "latitude": r.latitude, "longitude": r.longitude, "town_id": r.town_id,
        "people_affected": r.people_affected, "description": r.description,
        "reliability": r.reliability, "credibility": r.credibility, "language": r.language,
    })
}

fn new_fields(r: &NewReport) -> serde_json::Value {
    serde_json::json!({
        "category": r.category, "occurred_at": r.occurred_at, "place_name": r.place_name,
        "latitude": r.latitude, "longitude": r.longitude, "town_id": r.town_id,
        "people_affected": r.people_affected, "description": r.description,
        "reliability": r.reliability, "credibility": r.credibility, "language": r.language,
    })
}

fn is_unique_violation(e: &ReportError) -> bool {
    matches!(e, ReportError::Store(StoreError::Db(e)) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
}

impl Store {
    /// The enabled account `name` and its stored HA1 for `realm`; `None` when there is
    /// no such enabled account or it has no digest credential.
    pub async fn digest_credential(
        &self,
        name: &str,
        realm: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let Some(user) = self.user(name).await? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        let ha1: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT ha1 FROM odk_credentials WHERE user_id = $1 AND realm = $2")
                .bind(user.id)
                .bind(realm)
                .fetch_optional(pool)
                .await?
        });
        Ok(ha1.map(|h| (user, h)))
    }

    /// Store an ODK submission once (see the module docs). `r.channel` should be `odk`.
    pub async fn submit_odk(
        &self,
        reporter: &User,
        instance_id: &str,
        deprecated_id: Option<&str>,
        r: NewReport,
    ) -> Result<OdkSubmitted, ReportError> {
        let digest = submission_digest(&r);
        if let Some(found) = self.odk_instance(reporter.id, instance_id, &digest).await? {
            return Ok(found);
        }
        let original = match deprecated_id {
            Some(dep) => self.odk_report_of(reporter.id, dep).await?,
            None => None,
        };
        let Some(report_id) = original else {
            return Ok(
                match self
                    .submit_report_once(reporter, Some(instance_id), r)
                    .await?
                {
                    Submitted::New(report) => OdkSubmitted::New(report),
                    Submitted::Repeat(report) => OdkSubmitted::Repeat(report),
                    Submitted::Conflict { report_id } => OdkSubmitted::Conflict { report_id },
                },
            );
        };
        match self
            .write_version(reporter, report_id, instance_id, deprecated_id, &digest, r)
            .await
        {
            Ok(v) => Ok(v),
            // the same edit, racing this one, committed first
            Err(e) if is_unique_violation(&e) => self
                .odk_instance(reporter.id, instance_id, &digest)
                .await?
                .ok_or(e),
            Err(e) => Err(e),
        }
    }

    /// The report `instance_id` (of this author) went into, as a first version or a later one.
    async fn odk_report_of(
        &self,
        reporter_id: i64,
        instance_id: &str,
    ) -> Result<Option<i64>, ReportError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT id FROM reports WHERE reporter_id = $1 AND client_id = $2 \
                 UNION SELECT report_id FROM report_versions WHERE reporter_id = $1 AND instance_id = $2",
            )
            .bind(reporter_id)
            .bind(instance_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// A stored instance: a repeat when its digest is `digest`, else a conflict.
    async fn odk_instance(
        &self,
        reporter_id: i64,
        instance_id: &str,
        digest: &str,
    ) -> Result<Option<OdkSubmitted>, ReportError> {
        let row: Option<(i64, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, client_digest FROM reports WHERE reporter_id = $1 AND client_id = $2 \
                 UNION SELECT report_id, digest FROM report_versions WHERE reporter_id = $1 AND instance_id = $2 AND version > 1",
            )
            .bind(reporter_id)
            .bind(instance_id)
            .fetch_optional(pool)
            .await?
        });
        let Some((report_id, stored)) = row else {
            return Ok(None);
        };
        if stored.as_deref() != Some(digest) {
            return Ok(Some(OdkSubmitted::Conflict { report_id }));
        }
        let report = self
            .report(report_id, false)
            .await?
            .ok_or_else(|| ReportError::NotFound(format!("report {report_id}")))?;
        Ok(Some(OdkSubmitted::Repeat(report)))
    }

    /// Write `r` as the next version of report `report_id`, in one transaction with
    /// its instanceID and its audit entry.
    async fn write_version(
        &self,
        reporter: &User,
        report_id: i64,
        instance_id: &str,
        deprecated_id: Option<&str>,
        digest: &str,
        r: NewReport,
    ) -> Result<OdkSubmitted, ReportError> {
        let before = self
            .report(report_id, false)
            .await?
            .ok_or_else(|| ReportError::NotFound(format!("report {report_id}")))?;
        let before_fields = open_fields(&before);
        let after_fields = new_fields(&r);
        let received_at = match r.received_at {
            Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            None => crate::audit::now(),
        };
        let begin = self.begin_write_sql();
        let version: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM report_versions WHERE report_id = $1")
                .bind(report_id)
                .fetch_one(&mut *tx)
                .await?;
            if last.is_none() {
                // version 1: the report as it was first received
                sqlx::query(
                    "INSERT INTO report_versions (report_id, version, reporter_id, instance_id, deprecated_id, digest, \
                     received_at, fields, content_type, raw_body) \
                     SELECT r.id, 1, r.reporter_id, r.client_id, NULL, r.client_digest, r.received_at, $2, rr.content_type, rr.raw_body \
                     FROM reports r JOIN report_restricted rr ON rr.report_id = r.id WHERE r.id = $1",
                )
                .bind(report_id)
                .bind(before_fields.to_string())
                .execute(&mut *tx)
                .await?;
            }
            let version = last.unwrap_or(1) + 1;
            sqlx::query(
                "UPDATE reports SET category = $1, occurred_at = $2, occurred_date = $3, place_name = $4, latitude = $5, \
                 longitude = $6, town_id = $7, people_affected = $8, description = $9, reliability = $10, \
                 credibility = $11, language = $12 WHERE id = $13",
            )
            .bind(&r.category)
            .bind(&r.occurred_at)
            .bind(r.occurred_date.to_string())
            .bind(r.place_name.as_deref())
            .bind(r.latitude)
            .bind(r.longitude)
            .bind(r.town_id)
            .bind(r.people_affected)
            .bind(&r.description)
            .bind(&r.reliability)
            .bind(r.credibility)
            .bind(r.language.as_deref())
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE report_restricted SET content_type = $1, raw_body = $2, victims = $3, witnesses = $4, contacts = $5 \
                 WHERE report_id = $6",
            )
            .bind(&r.content_type)
            .bind(&r.raw_body)
            .bind(r.restricted.victims.as_deref())
            .bind(r.restricted.witnesses.as_deref())
            .bind(r.restricted.contacts.as_deref())
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
            let mut files = vec![];
            for a in &r.attachments {
                let sha = sha256_hex(&a.bytes);
                // a file the report already has (sent again with the edit) is kept once
                let have: Option<i64> = sqlx::query_scalar("SELECT id FROM attachments WHERE report_id = $1 AND sha256 = $2")
                    .bind(report_id)
                    .bind(&sha)
                    .fetch_optional(&mut *tx)
                    .await?;
                if have.is_some() {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO attachments (report_id, filename, content_type, sha256, size, bytes) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(report_id)
                .bind(a.filename.as_deref())
                .bind(a.content_type.as_deref())
                .bind(&sha)
                .bind(a.bytes.len() as i64)
                .bind(&a.bytes)
                .execute(&mut *tx)
                .await?;
                files.push(serde_json::json!({"filename": a.filename, "sha256": sha, "size": a.bytes.len()}));
            }
            sqlx::query(
                "INSERT INTO report_versions (report_id, version, reporter_id, instance_id, deprecated_id, digest, \
                 received_at, fields, content_type, raw_body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(report_id)
            .bind(version)
            .bind(reporter.id)
            .bind(instance_id)
            .bind(deprecated_id)
            .bind(digest)
            .bind(&received_at)
            .bind(after_fields.to_string())
            .bind(&r.content_type)
            .bind(&r.raw_body)
            .execute(&mut *tx)
            .await?;
            let mut after = after_fields.clone();
            after["version"] = version.into();
            after["instance_id"] = instance_id.into();
            after["attachments"] = files.into();
            if !r.restricted.is_empty() {
                after["restricted_recorded"] = true.into();
            }
            audit_append!(self, tx, &reporter.name, "new_version", &format!("report/{report_id}"), Some(&before_fields), Some(&after));
            tx.commit().await?;
            version
        });
        let report = self
            .report(report_id, false)
            .await?
            .ok_or_else(|| ReportError::NotFound(format!("report {report_id}")))?;
        Ok(OdkSubmitted::Version { report, version })
    }

    /// The versions of a report sent from ODK, oldest first; empty for a report never
    /// edited. No restricted detail.
    pub async fn report_versions(&self, report_id: i64) -> Result<Vec<ReportVersion>, ReportError> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT version, instance_id, deprecated_id, received_at, fields FROM report_versions \
                 WHERE report_id = $1 ORDER BY version",
            )
            .bind(report_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(version, instance_id, deprecated_id, received_at, fields)| {
                    let fields = serde_json::from_str(&fields).map_err(|e| {
                        StoreError::Corrupt(format!("report_versions {report_id}/{version}: {e}"))
                    })?;
                    Ok(ReportVersion {
                        version,
                        instance_id,
                        deprecated_id,
                        received_at,
                        fields,
                    })
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ha1_is_rfc_2617_md5_of_name_realm_password() {
        // RFC 2617 §3.5: Mufasa / testrealm@host.com / Circle Of Life
        assert_eq!(
            digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9"
        );
    }

    #[test]
    fn only_roles_that_submit_get_a_digest_credential() {
        assert!(ha1_for(Role::Reporter, "r", "p").is_some());
        assert!(ha1_for(Role::Responder, "r", "p").is_none());
        assert!(ha1_for(Role::Planner, "r", "p").is_none());
    }
}
