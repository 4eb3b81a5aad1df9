//! Incidents as Vigil's own screens read them: with their store id and the fields
//! Vigil adds to the coding (category, sensitivity, verification), one by one, by
//! filter, or a page at a time with what matched in all.

use crate::access::Visibility;
use crate::incidents::{bind_params, filter_sql_with_id, located_from_row, parse_date, Param, COLUMNS};
use crate::reports::ReportError;
use crate::{on_pool, Store};
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, Row};
use vigil_ingest::Located;
use vigil_model::IncidentFilter;

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// Columns after `id` and the incident columns in an incident record query.
pub(crate) const RECORD_EXTRA_COLUMNS: &str = "category, sensitivity, verification, injured, victim_affiliation";
/// Read after [`RECORD_EXTRA_COLUMNS`]: whether, when, by whom and why it was retracted.
const RETRACTION_COLUMNS: &str = "retracted_at, retracted_by, retract_reason";

/// A retracted incident's mark (see [`crate::corrections`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Retraction {
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// An incident with its store id and the fields Vigil adds to the coding.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    pub id: i64,
    pub located: Located,
    pub category: Option<String>,
    pub sensitivity: Option<String>,
    pub verification: Option<String>,
    /// How many were injured (coded from a report; imported rows have none).
    pub injured: Option<i64>,
    /// Who the victims were: civilian | national_forces | peacekeepers | armed_group.
    pub victim_affiliation: Option<String>,
    /// The source marks it as synthetic (the demo data): never to be shown as real.
    pub synthetic: bool,
    /// Set when an analyst retracted it: then it is read only by id, marked.
    pub retraction: Option<Retraction>,
}

/// SQL for "the point lies in this box". The numbers are f64s, written by Rust (never
/// text from a request), so they cannot carry SQL.
pub(crate) fn bbox_sql([w, s, e, n]: [f64; 4]) -> String {
    let lon = if w <= e {
        format!("longitude >= {w} AND longitude <= {e}")
    } else {
        format!("(longitude >= {w} OR longitude <= {e})")
    };
    format!("{lon} AND latitude >= {s} AND latitude <= {n}")
}

/// A WHERE clause (empty or ` WHERE …`) with one more condition.
pub(crate) fn and_where(wh: String, extra: Option<&str>) -> String {
    match extra {
        None => wh,
        Some(x) if wh.is_empty() => format!(" WHERE {x}"),
        Some(x) => format!("{wh} AND {x}"),
    }
}

/// A page of incidents and what matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPage {
    pub records: Vec<IncidentRecord>,
    /// Incidents matching the filter, on every page.
    pub matched: i64,
    /// Their fatalities (best estimate), on every page.
    pub fatalities: i64,
}

impl Store {
    /// One incident by store id.
    pub async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>> {
        Ok(self.incident_records(&IncidentFilter::default(), Some(id)).await?.pop())
    }

    /// Incidents matching a filter (and an id, if given), in date then id order,
    /// with their store ids.
    pub async fn incident_records(&self, filter: &IncidentFilter, id: Option<i64>) -> Result<Vec<IncidentRecord>> {
        self.select_records(filter, id, None, "ORDER BY date_start, id", None).await
    }

    /// Where and when the stored incidents lie: (west, south, east, north) of their
    /// points, and the first start and last end date; `None` when there are none.
    /// Only the incidents `vis` allows count.
    pub async fn incident_extent(&self, vis: Visibility) -> Result<Option<([f64; 4], NaiveDate, NaiveDate)>> {
        type Extent = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<String>, Option<String>);
        let sql = format!(
            "SELECT MIN(longitude), MIN(latitude), MAX(longitude), MAX(latitude), MIN(date_start), MAX(date_end) \
             FROM incidents{}",
            and_where(" WHERE retracted_at IS NULL".to_string(), vis.sql())
        );
        let r: Extent = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_one(pool).await?
        });
        Ok(match r {
            (w, s, e, n, Some(a), Some(b)) => {
                let bbox = [w.unwrap_or(-180.0), s.unwrap_or(-90.0), e.unwrap_or(180.0), n.unwrap_or(90.0)];
                Some((bbox, parse_date(&a)?, parse_date(&b)?))
            }
            _ => None,
        })
    }

    /// One page of the incidents matching a filter, newest first, with the count and
    /// fatalities of all that match: a map of a whole GED release must not fetch
    /// every row, and when it cannot show them all the latest matter most.
    ///
    /// `bbox` (west, south, east, north in degrees; west > east crosses the
    /// antimeridian) keeps incidents whose point lies in it; `vis` keeps those the
    /// caller may see (see [`crate::access`]).
    pub async fn incident_page(
        &self,
        vis: Visibility,
        filter: &IncidentFilter,
        bbox: Option<[f64; 4]>,
        limit: i64,
        offset: i64,
    ) -> Result<IncidentPage> {
        let within = match (bbox.map(bbox_sql), vis.sql()) {
            (Some(b), Some(v)) => Some(format!("{b} AND {v}")),
            (b, v) => b.or(v.map(str::to_string)),
        };
        let records = self
            .select_records(filter, None, within.as_deref(), "ORDER BY date_start DESC, id DESC", Some((limit, offset)))
            .await?;
        let (wh, params) = filter_sql_with_id(filter, None);
        let wh = and_where(wh, within.as_deref());
        let sql = format!("SELECT COUNT(*), CAST(COALESCE(SUM(best), 0) AS BIGINT) FROM incidents{wh}");
        let (matched, fatalities): (i64, i64) = on_pool!(self, pool => {
            let r = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_one(pool).await?;
            (r.try_get(0)?, r.try_get(1)?)
        });
        Ok(IncidentPage { records, matched, fatalities })
    }

    async fn select_records(
        &self,
        filter: &IncidentFilter,
        id: Option<i64>,
        within: Option<&str>,
        order: &str,
        window: Option<(i64, i64)>,
    ) -> Result<Vec<IncidentRecord>> {
        let layouts = self.extra_layouts().await?;
        let values = self.extra_values().await?;
        let (wh, params) = filter_sql_with_id(filter, id);
        let wh = and_where(wh, within);
        let n = COLUMNS.len();
        let window = window.map(|(l, o)| format!(" LIMIT {} OFFSET {}", l.max(0), o.max(0))).unwrap_or_default();
        let sql = format!(
            "SELECT id, {}, {RECORD_EXTRA_COLUMNS}, {RETRACTION_COLUMNS} FROM incidents{wh} {order}{window}",
            COLUMNS.join(", ")
        );
        let out: Vec<IncidentRecord> = on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let located = located_from_row(r, 1, &layouts, &values)?;
                let synthetic = located.incident.extra("source_article").is_some_and(|s| s.contains("SYNTHETIC"));
                out.push(IncidentRecord {
                    id: r.try_get(0)?,
                    located,
                    category: r.try_get(n + 1)?,
                    sensitivity: r.try_get(n + 2)?,
                    verification: r.try_get(n + 3)?,
                    injured: r.try_get(n + 4)?,
                    victim_affiliation: r.try_get(n + 5)?,
                    synthetic,
                    retraction: match r.try_get::<Option<String>, _>(n + 6)? {
                        None => None,
                        Some(at) => Some(Retraction {
                            at,
                            by: r.try_get::<Option<String>, _>(n + 7)?.unwrap_or_default(),
                            reason: r.try_get::<Option<String>, _>(n + 8)?.unwrap_or_default(),
                        }),
                    },
                });
            }
            out
        });
        Ok(out)
    }
}
