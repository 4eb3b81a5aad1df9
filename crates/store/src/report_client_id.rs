//! Idempotent report intake: a report may carry a client-generated id (`client_id`,
//! a UUID the client makes once per report). The first submission stores it with the
//! report; a repeat from the same account (a retry after a lost answer) finds that
//! report instead of storing a second one, and the same id sent with a different
//! report is a conflict. The unique index on `(reporter_id, client_id)` decides
//! between two submissions racing each other.

use crate::reports::{NewReport, Report, ReportError};
use crate::{on_pool, Store, StoreError};

/// A report's client id and the digest of what was submitted with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId {
    pub id: String,
    pub digest: String,
}

/// What a submission with a client id came to.
#[derive(Debug, Clone)]
pub enum Submitted {
    /// Stored now.
    New(Report),
    /// Stored before under this client id, with the same content: nothing new stored.
    Repeat(Report),
    /// This client id was used by this account for a different report (`report_id`).
    Conflict { report_id: i64 },
}

/// SHA-256 over what the client submitted, as parsed (not the raw body: a form
/// re-sent by a browser gets a new multipart boundary). Attachments count by their
/// name, type and content hash. Never shown: it only tells a repeat from a reuse.
pub fn submission_digest(r: &NewReport) -> String {
    let files: Vec<_> = r
        .attachments
        .iter()
        .map(|a| serde_json::json!([a.filename, a.content_type, crate::audit::sha256_hex(&a.bytes)]))
        .collect();
    let v = serde_json::json!([
        r.channel, r.category, r.occurred_at, r.place_name, r.latitude, r.longitude, r.town_id,
        r.people_affected, r.description, r.reliability, r.credibility, r.language,
        r.restricted.victims, r.restricted.witnesses, r.restricted.contacts, files,
    ]);
    crate::audit::sha256_hex(v.to_string().as_bytes())
}

impl Store {
    /// [`Store::submit_report`], idempotent when `client_id` is given (see the module
    /// docs). Without one, every call stores a report.
    pub async fn submit_report_once(
        &self,
        reporter: &crate::accounts::User,
        client_id: Option<&str>,
        mut r: NewReport,
    ) -> Result<Submitted, ReportError> {
        let Some(id) = client_id else {
            return Ok(Submitted::New(self.submit_report(reporter, r).await?));
        };
        let digest = submission_digest(&r);
        if let Some(found) = self.by_client_id(reporter.id, id, &digest).await? {
            return Ok(found);
        }
        r.client = Some(ClientId { id: id.to_string(), digest: digest.clone() });
        match self.submit_report(reporter, r).await {
            Ok(report) => Ok(Submitted::New(report)),
            // the same submission, racing this one, committed first
            Err(ReportError::Store(StoreError::Db(e)))
                if e.as_database_error().is_some_and(|d| d.is_unique_violation()) =>
            {
                self.by_client_id(reporter.id, id, &digest)
                    .await?
                    .ok_or_else(|| ReportError::Store(StoreError::Db(e)))
            }
            Err(e) => Err(e),
        }
    }

    async fn by_client_id(&self, reporter_id: i64, client_id: &str, digest: &str) -> Result<Option<Submitted>, ReportError> {
        let row: Option<(i64, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, client_digest FROM reports WHERE reporter_id = $1 AND client_id = $2")
                .bind(reporter_id)
                .bind(client_id)
                .fetch_optional(pool)
                .await?
        });
        let Some((report_id, stored)) = row else { return Ok(None) };
        if stored.as_deref() != Some(digest) {
            return Ok(Some(Submitted::Conflict { report_id }));
        }
        let report = self.report(report_id, true).await?.ok_or_else(|| ReportError::NotFound(format!("report {report_id}")))?;
        Ok(Some(Submitted::Repeat(report)))
    }
}
