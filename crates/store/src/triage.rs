//! Triage of field reports: the possible duplicates shown beside a report in the
//! queue, and the three ways a report leaves the queue (verified into a new
//! incident, merged into an existing one, discarded with a reason). Every step
//! writes its audit entry in the same transaction as the change.

use crate::access::Visibility;
use crate::accounts::User;
use crate::audit::audit_append;
use crate::incident_records::RECORD_EXTRA_COLUMNS;
use crate::incidents::{bind_incident, parse_date, COLUMNS};
use crate::reports::{Report, ReportError};
use crate::{on_pool, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use vigil_model::duplicates::{score, words, DUP_DAYS};
use vigil_model::{Incident, Source, ViolenceType};

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// How an analyst codes a report into a new incident. Fields left `None` are taken
/// from the report (date, point, place).
#[derive(Debug, Clone, Default)]
pub struct Coding {
    pub type_of_violence: Option<ViolenceType>,
    pub event_type: String,
    pub category: Option<String>,
    pub side_a: String,
    pub side_b: String,
    pub best: i64,
    pub low: i64,
    pub high: i64,
    /// Civilians among the dead, when the report says.
    pub deaths_civilians: Option<i64>,
    pub date_prec: Option<i64>,
    pub where_prec: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub place: Option<String>,
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub country: Option<String>,
    pub sensitivity: Option<String>,
    /// How many were injured.
    pub injured: Option<i64>,
    /// Who the victims were (`vocab::movement::AFFILIATIONS`).
    pub victim_affiliation: Option<String>,
}

/// A possible duplicate of a report in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<i64>,
    /// 0–1, higher is likelier.
    pub score: f64,
    pub reason: String,
}

/// Inside a write transaction: return `AlreadyActioned` unless the report is still
/// new. Re-checked under the write lock because two analysts may act at once.
macro_rules! ensure_still_new {
    ($tx:ident, $report_id:expr) => {{
        let status: String =
            sqlx::query_scalar("SELECT status FROM reports WHERE id = $1").bind($report_id).fetch_one(&mut *$tx).await?;
        if status != "new" {
            return Err(ReportError::AlreadyActioned { id: $report_id, status });
        }
    }};
}

impl Store {
    /// Incidents and other reports that may describe the same event as `report`:
    /// within [`DUP_DAYS`] days, within [`DUP_KM`] km (or sharing words when a point
    /// is missing), best first.
    /// Only incidents `vis` allows are suggested.
    pub async fn suggest_duplicates(&self, vis: Visibility, report: &Report) -> Result<Vec<Suggestion>> {
        let day = parse_date(&report.occurred_date)?;
        let lo = (day - chrono::Duration::days(DUP_DAYS)).to_string();
        let hi = (day + chrono::Duration::days(DUP_DAYS)).to_string();
        let point = report.longitude.zip(report.latitude);
        let mine = words(&format!(
            "{} {} {}",
            report.description,
            report.place_name.as_deref().unwrap_or(""),
            report.category
        ));
        // bounding box around the point, a little larger than DUP_KM
        let (dlat, dlon) = match point {
            Some((_, lat)) => (0.3, 0.3 / lat.to_radians().cos().max(0.1)),
            None => (180.0, 360.0),
        };
        let (lon0, lat0) = point.unwrap_or((0.0, 0.0));
        let with_point = point.is_some();
        type Cand = (i64, String, Option<f64>, Option<f64>, String);
        let visible = vis.sql().map(|v| format!(" AND {v}")).unwrap_or_default();
        let inc_sql = format!(
            "SELECT id, date_start, latitude, longitude, \
             COALESCE(place, '') || ' ' || COALESCE(where_description, '') || ' ' || COALESCE(event_type, '') || ' ' || \
             COALESCE(category, '') || ' ' || COALESCE(side_a, '') || ' ' || COALESCE(side_b, '') \
             FROM incidents WHERE retracted_at IS NULL AND date_start >= $1 AND date_start <= $2 \
             AND ($3 = 0 OR (latitude BETWEEN $4 AND $5 AND longitude BETWEEN $6 AND $7)){visible} ORDER BY id LIMIT 200"
        );
        let (incidents, reports): (Vec<Cand>, Vec<Cand>) = on_pool!(self, pool => {
            let inc = sqlx::query_as(AssertSqlSafe(inc_sql.as_str()))
            .bind(&lo)
            .bind(&hi)
            .bind(with_point as i64)
            .bind(lat0 - dlat)
            .bind(lat0 + dlat)
            .bind(lon0 - dlon)
            .bind(lon0 + dlon)
            .fetch_all(pool)
            .await?;
            let rep = sqlx::query_as(
                "SELECT id, occurred_date, latitude, longitude, description || ' ' || COALESCE(place_name, '') || ' ' || category \
                 FROM reports WHERE occurred_date >= $1 AND occurred_date <= $2 AND id <> $3 AND status <> 'discarded' \
                 ORDER BY id LIMIT 200",
            )
            .bind(&lo)
            .bind(&hi)
            .bind(report.id)
            .fetch_all(pool)
            .await?;
            (inc, rep)
        });
        let mut out = vec![];
        for (is_incident, list) in [(true, incidents), (false, reports)] {
            for (id, date, lat, lon, text) in list {
                if !is_incident && report.incident_id.is_some() {
                    continue;
                }
                let Ok(d) = parse_date(&date) else { continue };
                let km = match (point, lon.zip(lat)) {
                    (Some(a), Some(b)) => Some(vigil_geo::distance::haversine_km(a, b)),
                    _ => None,
                };
                if let Some((s, reason)) = score((d - day).num_days(), km, &mine, &words(&text)) {
                    out.push(Suggestion {
                        incident_id: is_incident.then_some(id),
                        report_id: (!is_incident).then_some(id),
                        score: s,
                        reason,
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(5);
        Ok(out)
    }

    /// Load a report that triage is about to act on, inside the triage transaction.
    async fn new_report_for_triage(&self, id: i64) -> Result<Report> {
        let r = self.report(id, false).await?.ok_or_else(|| ReportError::NotFound(format!("report {id}")))?;
        if r.status != "new" {
            return Err(ReportError::AlreadyActioned { id, status: r.status });
        }
        Ok(r)
    }

    /// Verify a new report into a new incident (source `vigil`, id `V-<report id>`),
    /// copying its restricted detail to the incident. Returns the incident's store id.
    pub async fn verify_report(&self, actor: &User, report_id: i64, c: &Coding) -> Result<i64> {
        let report = self.new_report_for_triage(report_id).await?;
        let restricted = self.report_restricted(report_id).await?;
        let start = c.date_start.unwrap_or(parse_date(&report.occurred_date)?);
        let end = c.date_end.unwrap_or(start);
        if end < start {
            return Err(ReportError::Invalid { field: "date_end", message: "is before date_start".into() });
        }
        let mut incident = Incident {
            source: Source::Vigil,
            source_id: format!("V-{report_id}"),
            date_start: start,
            date_end: end,
            date_prec: c.date_prec.or(Some(1)),
            type_of_violence: c.type_of_violence,
            event_type: Some(c.event_type.clone()),
            sub_event_type: None,
            conflict_name: None,
            dyad_name: Some(format!("{} - {}", c.side_a, c.side_b)),
            side_a: Some(c.side_a.clone()),
            side_b: Some(c.side_b.clone()),
            country: c.country.clone(),
            // the public place is coded: the analyst's, else the gazetteer's (below),
            // never the reporter's text as typed
            place: c.place.clone(),
            where_description: None,
            adm_1: None,
            adm_2: None,
            latitude: c.latitude.or(report.latitude),
            longitude: c.longitude.or(report.longitude),
            where_prec: c.where_prec.or(Some(1)),
            deaths_a: None,
            deaths_b: None,
            deaths_civilians: c.deaths_civilians,
            deaths_unknown: None,
            best: c.best,
            low: c.low,
            high: c.high,
            number_of_sources: Some(1),
            source_gid: None,
            extra: vec![],
        };
        let category = c.category.clone().unwrap_or(report.category.clone());
        let sensitivity =
            c.sensitivity.clone().unwrap_or_else(|| if restricted.is_empty() { "public" } else { "restricted" }.into());
        let (placement, _) = self.placer().await?.place(&incident);
        if incident.place.is_none() {
            incident.place = self.gazetteer_place(report.town_id, &placement).await?;
        }
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let cols = format!("{}, {RECORD_EXTRA_COLUMNS}", COLUMNS.join(", "));
        let marks: Vec<String> = (1..=COLUMNS.len() + 5).map(|n| format!("${n}")).collect();
        let insert = format!("INSERT INTO incidents ({cols}) VALUES ({}) RETURNING id", marks.join(", "));
        let mut inc_json = serde_json::to_value(&incident).expect("incident serialises");
        inc_json["category"] = category.clone().into();
        inc_json["sensitivity"] = sensitivity.clone().into();
        inc_json["verification"] = "verified".into();
        inc_json["injured"] = c.injured.into();
        inc_json["victim_affiliation"] = c.victim_affiliation.clone().into();
        inc_json["placement"] = serde_json::to_value(&placement).expect("placement serialises");
        inc_json["from_report"] = report_id.into();
        if !restricted.is_empty() {
            inc_json["restricted_recorded"] = true.into();
        }
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            ensure_still_new!(tx, report_id);
            let i = &incident;
            let q = sqlx::query_scalar(AssertSqlSafe(insert.as_str()));
            let id: i64 = bind_incident!(q, i, &placement, None::<i64>, "[]", vigil_ingest::fingerprint(i))
                .bind(&category)
                .bind(&sensitivity)
                .bind("verified")
                .bind(c.injured)
                .bind(&c.victim_affiliation)
                .fetch_one(&mut *tx)
                .await?;
            if !restricted.is_empty() {
                sqlx::query("INSERT INTO incident_restricted (incident_id, victims, witnesses, contacts) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(restricted.victims.as_deref())
                    .bind(restricted.witnesses.as_deref())
                    .bind(restricted.contacts.as_deref())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE reports SET status = 'verified', incident_id = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(id)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            audit_append!(self, tx, &actor.name, "create", &format!("incident/{id}"), None, Some(&inc_json));
            audit_append!(
                self,
                tx,
                &actor.name,
                "verify",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "verified", "incident_id": id}))
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Merge a new report into an existing incident: the report is linked, its
    /// restricted detail is appended to the incident's.
    pub async fn merge_report(&self, actor: &User, report_id: i64, incident_id: i64) -> Result<()> {
        self.new_report_for_triage(report_id).await?;
        match self.incident(incident_id).await? {
            None => {
                return Err(ReportError::Invalid { field: "incident_id", message: format!("no incident with id {incident_id}") })
            }
            Some(i) if i.retraction.is_some() => {
                return Err(ReportError::Invalid { field: "incident_id", message: format!("incident {incident_id} is retracted") })
            }
            Some(_) => {}
        }
        let extra = self.report_restricted(report_id).await?;
        let old = self.incident_restricted(incident_id).await?;
        let merged = old.merged_with(&extra);
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            ensure_still_new!(tx, report_id);
            sqlx::query("UPDATE reports SET status = 'merged', incident_id = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(incident_id)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            if !extra.is_empty() {
                sqlx::query("DELETE FROM incident_restricted WHERE incident_id = $1").bind(incident_id).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO incident_restricted (incident_id, victims, witnesses, contacts) VALUES ($1, $2, $3, $4)")
                    .bind(incident_id)
                    .bind(merged.victims.as_deref())
                    .bind(merged.witnesses.as_deref())
                    .bind(merged.contacts.as_deref())
                    .execute(&mut *tx)
                    .await?;
            }
            audit_append!(
                self,
                tx,
                &actor.name,
                "merge",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "merged", "incident_id": incident_id}))
            );
            let mut after = serde_json::json!({"merged_report": report_id});
            if !extra.is_empty() {
                after["restricted_changed"] = true.into();
            }
            audit_append!(self, tx, &actor.name, "merge", &format!("incident/{incident_id}"), None, Some(&after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Discard a new report with a reason. The report is kept.
    pub async fn discard_report(&self, actor: &User, report_id: i64, reason: &str) -> Result<()> {
        self.new_report_for_triage(report_id).await?;
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            ensure_still_new!(tx, report_id);
            sqlx::query("UPDATE reports SET status = 'discarded', discard_reason = $1, actioned_by = $2, actioned_at = $3 WHERE id = $4")
                .bind(reason)
                .bind(actor.id)
                .bind(&now)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            audit_append!(
                self,
                tx,
                &actor.name,
                "discard",
                &format!("report/{report_id}"),
                Some(&serde_json::json!({"status": "new"})),
                Some(&serde_json::json!({"status": "discarded", "reason": reason}))
            );
            tx.commit().await?;
        });
        Ok(())
    }
}
