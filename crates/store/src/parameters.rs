//! The four parameters (issue #20): milestones of (a) and (b), manual indicator values
//! with their evidence, the statuses people set (every write audited in its
//! transaction), and the read-only aggregate queries the periodic figures need over
//! incidents, investigations and the other domains' records. The checks on what is
//! given (codes, evidence, reasons) are in `vigil-parameters`, run by the app before
//! it gets here; the schema's CHECKs refuse an empty evidence or reason again.

use crate::access::Visibility;
use crate::audit::audit_append;
use crate::incidents::with_visibility;
use crate::{on_pool, Result, Store};

/// A milestone of parameter (a) or (b).
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRow {
    pub id: i64,
    /// `a` or `b`.
    pub parameter: String,
    pub title: String,
    /// YYYY-MM-DD.
    pub planned_date: String,
    pub actual_date: Option<String>,
    pub status: String,
    pub sources: String,
    pub quantity: Option<String>,
    /// `review` or `synthetic`.
    pub provenance: String,
}

/// A manual value of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualRow {
    pub id: i64,
    pub indicator: String,
    pub as_of: String,
    pub value: f64,
    pub evidence: String,
    pub synthetic: bool,
    pub entered_by: String,
    pub entered_at: String,
}

/// A status set on an indicator for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub id: i64,
    pub indicator: String,
    pub period: String,
    pub status: String,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
}

/// Incidents and civilian deaths of one region and type of violence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentCount {
    pub admin1: Option<String>,
    pub type_of_violence: Option<i64>,
    pub incidents: i64,
    pub civilian_deaths: i64,
}

/// An incident with civilian deaths: id, date (YYYY-MM-DD), admin1, deaths.
pub type DeathRow = (i64, String, Option<String>, i64);

/// The first and last date (text as stored) of each source's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans {
    pub incidents: (Option<String>, Option<String>),
    pub movements: (Option<String>, Option<String>),
    pub attacks: (Option<String>, Option<String>),
    pub alerts: (Option<String>, Option<String>),
    pub cases: (Option<String>, Option<String>),
}

fn milestone_json(m: &MilestoneRow) -> serde_json::Value {
    serde_json::json!({
        "parameter": m.parameter, "title": m.title, "planned_date": m.planned_date,
        "actual_date": m.actual_date, "status": m.status, "sources": m.sources,
        "quantity": m.quantity, "provenance": m.provenance,
    })
}

type MilestoneTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);

fn milestone_of(t: MilestoneTuple) -> MilestoneRow {
    let (id, parameter, title, planned_date, actual_date, status, sources, quantity, provenance) =
        t;
    MilestoneRow {
        id,
        parameter,
        title,
        planned_date,
        actual_date,
        status,
        sources,
        quantity,
        provenance,
    }
}

const MILESTONE_COLS: &str =
    "id, parameter, title, planned_date, actual_date, status, sources, quantity, provenance FROM param_milestones";

impl Store {
    /// Store a milestone; audited as `create` of `milestone/{id}`.
    pub async fn add_milestone(&self, actor: &str, m: &MilestoneRow) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO param_milestones (parameter, title, planned_date, actual_date, status, sources, quantity, provenance, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&m.parameter).bind(&m.title).bind(&m.planned_date).bind(&m.actual_date).bind(&m.status)
            .bind(&m.sources).bind(&m.quantity).bind(&m.provenance).bind(actor).bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            audit_append!(self, tx, actor, "create", &format!("milestone/{id}"), None, Some(&milestone_json(m)));
            tx.commit().await?;
            id
        }))
    }

    /// Change a milestone (dates, status, sources…); false when there is none with
    /// that id. Audited as `update` with the milestone before and after.
    pub async fn update_milestone(&self, actor: &str, m: &MilestoneRow) -> Result<bool> {
        let begin = self.begin_write_sql();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let old: Option<MilestoneTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {MILESTONE_COLS} WHERE id = $1")))
                .bind(m.id)
                .fetch_optional(&mut *tx)
                .await?;
            match old {
                None => false,
                Some(old) => {
                    sqlx::query(
                        "UPDATE param_milestones SET parameter = $1, title = $2, planned_date = $3, actual_date = $4, \
                         status = $5, sources = $6, quantity = $7, provenance = $8 WHERE id = $9",
                    )
                    .bind(&m.parameter).bind(&m.title).bind(&m.planned_date).bind(&m.actual_date).bind(&m.status)
                    .bind(&m.sources).bind(&m.quantity).bind(&m.provenance).bind(m.id)
                    .execute(&mut *tx)
                    .await?;
                    let before = milestone_json(&milestone_of(old));
                    audit_append!(self, tx, actor, "update", &format!("milestone/{}", m.id), Some(&before), Some(&milestone_json(m)));
                    tx.commit().await?;
                    true
                }
            }
        }))
    }

    /// Every milestone, by parameter then planned date.
    pub async fn milestones(&self) -> Result<Vec<MilestoneRow>> {
        let rows: Vec<MilestoneTuple> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {MILESTONE_COLS} ORDER BY parameter, planned_date, id"))).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(milestone_of).collect())
    }

    /// Store a manual value with its evidence; audited as `create` of `param_value/{id}`.
    pub async fn add_manual_value(&self, actor: &str, v: &ManualRow) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO param_manual_values (indicator, as_of, value, evidence, synthetic, entered_by, entered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&v.indicator).bind(&v.as_of).bind(v.value).bind(&v.evidence).bind(v.synthetic).bind(actor).bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({"indicator": v.indicator, "as_of": v.as_of, "value": v.value, "evidence": v.evidence, "synthetic": v.synthetic});
            audit_append!(self, tx, actor, "create", &format!("param_value/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Every manual value, by indicator then date.
    pub async fn manual_values(&self) -> Result<Vec<ManualRow>> {
        type T = (i64, String, String, f64, String, bool, String, String);
        let rows: Vec<T> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, indicator, as_of, value, evidence, synthetic, entered_by, entered_at FROM param_manual_values \
                 ORDER BY indicator, as_of, id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, indicator, as_of, value, evidence, synthetic, entered_by, entered_at)| {
                    ManualRow {
                        id,
                        indicator,
                        as_of,
                        value,
                        evidence,
                        synthetic,
                        entered_by,
                        entered_at,
                    }
                },
            )
            .collect())
    }

    /// Set an indicator's status for a period (who, why); audited as `set_status` of
    /// `param_status/{indicator}/{period}` with the status it replaces.
    pub async fn set_param_status(
        &self,
        actor: &str,
        indicator: &str,
        period: &str,
        status: &str,
        reason: &str,
    ) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let before: Option<(String, String, String)> = sqlx::query_as(
                "SELECT status, reason, set_by FROM param_statuses WHERE indicator = $1 AND period = $2 ORDER BY id DESC LIMIT 1",
            )
            .bind(indicator).bind(period)
            .fetch_optional(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO param_statuses (indicator, period, status, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(indicator).bind(period).bind(status).bind(reason).bind(actor).bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let before = before.map(|(s, r, b)| serde_json::json!({"status": s, "reason": r, "set_by": b}));
            let after = serde_json::json!({"status": status, "reason": reason});
            audit_append!(self, tx, actor, "set_status", &format!("param_status/{indicator}/{period}"), before.as_ref(), Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Every status set, oldest first (the last per indicator and period is in force).
    pub async fn param_statuses(&self) -> Result<Vec<StatusRow>> {
        type T = (i64, String, String, String, String, String, String);
        let rows: Vec<T> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, indicator, period, status, reason, set_by, set_at FROM param_statuses ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, indicator, period, status, reason, set_by, set_at)| StatusRow {
                    id,
                    indicator,
                    period,
                    status,
                    reason,
                    set_by,
                    set_at,
                },
            )
            .collect())
    }

    /// Incidents and civilian deaths by admin1 and type of violence, dated
    /// `from..=to` (YYYY-MM-DD), visible at `vis`, not retracted.
    pub async fn incident_counts(
        &self,
        vis: Visibility,
        from: &str,
        to: &str,
    ) -> Result<Vec<IncidentCount>> {
        let wh = with_visibility(
            " WHERE date_start >= $1 AND date_start <= $2 AND retracted_at IS NULL".into(),
            vis,
        );
        let sql = format!(
            "SELECT admin1, type_of_violence, COUNT(*), CAST(COALESCE(SUM(deaths_civilians), 0) AS BIGINT) FROM incidents{wh} \
             GROUP BY admin1, type_of_violence ORDER BY admin1, type_of_violence"
        );
        let rows: Vec<(Option<String>, Option<i64>, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(from).bind(to).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(admin1, type_of_violence, incidents, civilian_deaths)| IncidentCount {
                    admin1,
                    type_of_violence,
                    incidents,
                    civilian_deaths,
                },
            )
            .collect())
    }

    /// Incidents with civilian deaths dated `from..=to`, visible at `vis`, not retracted.
    pub async fn incident_death_rows(
        &self,
        vis: Visibility,
        from: &str,
        to: &str,
    ) -> Result<Vec<DeathRow>> {
        let wh = with_visibility(
            " WHERE date_start >= $1 AND date_start <= $2 AND retracted_at IS NULL AND deaths_civilians > 0".into(),
            vis,
        );
        let sql = format!("SELECT id, date_start, admin1, deaths_civilians FROM incidents{wh} ORDER BY date_start, id");
        Ok(
            on_pool!(self, pool => { sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(from).bind(to).fetch_all(pool).await? }),
        )
    }

    /// Field missions of investigations starting `from..=to` whose access was denied
    /// (a count: no investigation is named).
    pub async fn missions_denied_access(&self, from: &str, to: &str) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM hr_missions WHERE access = 'denied' AND start_date >= $1 AND start_date <= $2")
                .bind(from).bind(to).fetch_one(pool).await?
        }))
    }

    /// The first and last date of each source's records (incidents visible at `vis`).
    pub async fn record_spans(&self, vis: Visibility) -> Result<Spans> {
        let inc = format!(
            "SELECT MIN(date_start), MAX(date_start) FROM incidents{}",
            with_visibility(" WHERE retracted_at IS NULL".into(), vis)
        );
        let q = [
            inc.as_str(),
            "SELECT MIN(SUBSTR(planned_at, 1, 10)), MAX(SUBSTR(planned_at, 1, 10)) FROM movement_requests",
            "SELECT MIN(date), MAX(date) FROM mission_attacks",
            "SELECT MIN(SUBSTR(created_at, 1, 10)), MAX(SUBSTR(created_at, 1, 10)) FROM alerts",
            "SELECT MIN(date), MAX(date) FROM hr_cases",
        ];
        let mut out: Vec<(Option<String>, Option<String>)> = vec![];
        for sql in q {
            let r: (Option<String>, Option<String>) = on_pool!(self, pool => { sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(pool).await? });
            out.push(r);
        }
        let mut it = out.into_iter();
        let mut next = || it.next().unwrap_or_default();
        Ok(Spans {
            incidents: next(),
            movements: next(),
            attacks: next(),
            alerts: next(),
            cases: next(),
        })
    }

    /// Whether any record the figures read is marked synthetic (movement requests,
    /// attacks, cases, milestones, manual values): the report then says so.
    pub async fn any_synthetic_records(&self) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM movement_requests WHERE synthetic) + (SELECT COUNT(*) FROM mission_attacks WHERE synthetic) \
                 + (SELECT COUNT(*) FROM hr_cases WHERE synthetic) + (SELECT COUNT(*) FROM param_milestones WHERE provenance = 'synthetic') \
                 + (SELECT COUNT(*) FROM param_manual_values WHERE synthetic)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }
}
