//! Incidents: the import pipeline, exports, stats and the rows forecasts read.
//!
//! An import is one transaction. Rows stream from the reader in batches; each batch
//! is placed (gid, admin codes) and fingerprinted on a reader thread, then written by
//! the backend's writer (`sqlite_import`: row by row on the unique key; `pg_import`:
//! staged by COPY and merged set-wise), which splits them into added, updated
//! (fingerprint differs from what is stored by `(source, source_id)`) and unchanged.
//! A bad row aborts the whole import (the transaction is never committed, so the
//! database is as it was), unless rejects are being collected.

use crate::access::Visibility;
use crate::extras::ValueDict;
use crate::placement::Placer;
use crate::sqlite_import::{self, SqliteTarget};
use crate::import_rows::{is_core_column, produce, Produced};
use crate::{on_pool, Result, Store, StoreError};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;
use std::io::Read;
use vigil_ingest::{Format, IncidentReader, Located};
use vigil_model::{ForecastEvent, Incident, IncidentFilter, MissionFields, Placement, Source, ViolenceType};

/// Columns written for each incident, in bind order.
pub(crate) const COLUMNS: [&str; 37] = [
    "source", "source_id", "date_start", "date_end", "date_prec", "type_of_violence", "event_type",
    "sub_event_type", "conflict_name", "dyad_name", "side_a", "side_b", "country", "place",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "where_prec", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "low", "high", "number_of_sources", "source_gid",
    "extra_layout", "extra", "bounds_flag", "row_hash", "gid", "admin1", "admin2", "extra_packed",
];

/// Rows read before they are matched and written.
pub(crate) const BATCH: usize = 4000;

/// How an import treats bad rows.
#[derive(Default)]
pub struct ImportOptions {
    /// When set, bad rows are written here with their reason and the import goes on;
    /// when `None`, the first bad row aborts the import and nothing is stored.
    pub rejects: Option<csv::Writer<Box<dyn std::io::Write + Send>>>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub format: Format,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// rows breaking low <= best <= high (accepted, flagged)
    pub flagged_bounds: u64,
    pub without_point: u64,
    /// points precise enough for a loaded level but inside none of its polygons
    pub outside_admin1: u64,
    pub outside_admin2: u64,
    /// source ids of the first few points outside every admin2 polygon
    pub outside_examples: Vec<String>,
    /// rows whose own PRIO-GRID gid differs from the one computed from their point
    pub gid_mismatches: u64,
}

impl ImportReport {
    pub(crate) fn new(format: Format) -> Self {
        ImportReport {
            format,
            added: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            flagged_bounds: 0,
            without_point: 0,
            outside_admin1: 0,
            outside_admin2: 0,
            outside_examples: vec![],
            gid_mismatches: 0,
        }
    }
}

/// One incident ready to write.
pub(crate) struct Prepared {
    pub incident: Incident,
    pub placement: Placement,
    /// the extras' values: a JSON array (PostgreSQL), or packed (SQLite, [`crate::extras`])
    pub extra: StoredExtra,
    pub hash: i64,
}

/// An incident's extras as written: exactly one of the `extra` (JSON) and
/// `extra_packed` columns is set.
pub(crate) enum StoredExtra {
    Json(String),
    Packed(Vec<u8>),
}

impl StoredExtra {
    pub(crate) fn json(&self) -> Option<&str> {
        match self {
            StoredExtra::Json(s) => Some(s),
            StoredExtra::Packed(_) => None,
        }
    }

    pub(crate) fn packed(&self) -> Option<&[u8]> {
        match self {
            StoredExtra::Json(_) => None,
            StoredExtra::Packed(b) => Some(b),
        }
    }
}

/// Grouping keys for `vigil stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatKey {
    Year,
    Month,
    Admin1,
    Admin2,
    Gid,
    Type,
}

impl StatKey {
    fn sql(self) -> &'static str {
        match self {
            StatKey::Year => "substr(date_start, 1, 4)",
            StatKey::Month => "substr(date_start, 1, 7)",
            StatKey::Admin1 => "admin1",
            StatKey::Admin2 => "admin2",
            StatKey::Gid => "CAST(gid AS TEXT)",
            StatKey::Type => "CAST(type_of_violence AS TEXT)",
        }
    }
}

/// One line of `vigil stats`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatRow {
    /// empty when the key is unknown (e.g. no admin2: too coarse or not loaded)
    pub key: String,
    pub incidents: i64,
    pub best: i64,
    pub low: i64,
    pub high: i64,
    /// `None` when no incident in the group has a civilian-death figure
    pub civilian_deaths: Option<i64>,
}

/// A value bound into a filter.
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// `WHERE …` for a filter, with placeholders numbered from `$1`.
fn filter_sql(f: &IncidentFilter) -> (String, Vec<Param>) {
    filter_sql_with_id(f, None)
}

/// `WHERE …` for a filter and, if given, one incident id.
pub(crate) fn filter_sql_with_id(f: &IncidentFilter, id: Option<i64>) -> (String, Vec<Param>) {
    // a retracted incident is read by its id only: no list, map or figure counts it
    let mut clauses = if id.is_none() { vec!["retracted_at IS NULL".to_string()] } else { vec![] };
    let mut params = vec![];
    let mut add = |clause: &str, p: Param| {
        params.push(p);
        clauses.push(clause.replace('?', &format!("${}", params.len())));
    };
    if let Some(i) = id {
        add("id = ?", Param::Int(i));
    }
    if let Some(d) = f.from {
        add("date_start >= ?", Param::Text(d.to_string()));
    }
    if let Some(d) = f.to {
        add("date_start <= ?", Param::Text(d.to_string()));
    }
    if let Some(c) = &f.country {
        add("lower(country) = lower(?)", Param::Text(c.clone()));
    }
    if let Some(c) = &f.admin1 {
        add("admin1 = ?", Param::Text(c.clone()));
    }
    if let Some(c) = &f.admin2 {
        add("admin2 = ?", Param::Text(c.clone()));
    }
    if let Some(g) = f.gid {
        add("gid = ?", Param::Int(g));
    }
    if let Some(t) = f.type_of_violence {
        add("type_of_violence = ?", Param::Int(t.code()));
    }
    if let Some(c) = &f.category {
        add("category = ?", Param::Text(c.clone()));
    }
    if clauses.is_empty() {
        (String::new(), params)
    } else {
        (format!(" WHERE {}", clauses.join(" AND ")), params)
    }
}

/// A WHERE clause (empty or ` WHERE …`) narrowed to the incidents `vis` allows.
pub(crate) fn with_visibility(wh: String, vis: Visibility) -> String {
    match vis.sql() {
        None => wh,
        Some(v) if wh.is_empty() => format!(" WHERE {v}"),
        Some(v) => format!("{wh} AND {v}"),
    }
}

/// Bind a filter's parameters in order.
macro_rules! bind_params {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Text(s) => q.bind(s.clone()),
                Param::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

/// Bind the 36 [`COLUMNS`] of one incident, in order: the incident, its placement,
/// its extras layout id and values (JSON), and its fingerprint. Used by imports and by
/// incidents coded from reports, so the column order lives in one place.
macro_rules! bind_incident {
    ($q:expr, $incident:expr, $placement:expr, $layout:expr, $extra:expr, $hash:expr) => {{
        let i: &vigil_model::Incident = $incident;
        let pl: &vigil_model::Placement = $placement;
        $q.bind(i.source.as_str())
            .bind(i.source_id.as_str())
            .bind(i.date_start.to_string())
            .bind(i.date_end.to_string())
            .bind(i.date_prec)
            .bind(i.type_of_violence.map(|t| t.code()))
            .bind(i.event_type.as_deref())
            .bind(i.sub_event_type.as_deref())
            .bind(i.conflict_name.as_deref())
            .bind(i.dyad_name.as_deref())
            .bind(i.side_a.as_deref())
            .bind(i.side_b.as_deref())
            .bind(i.country.as_deref())
            .bind(i.place.as_deref())
            .bind(i.where_description.as_deref())
            .bind(i.adm_1.as_deref())
            .bind(i.adm_2.as_deref())
            .bind(i.latitude)
            .bind(i.longitude)
            .bind(i.where_prec)
            .bind(i.deaths_a)
            .bind(i.deaths_b)
            .bind(i.deaths_civilians)
            .bind(i.deaths_unknown)
            .bind(i.best)
            .bind(i.low)
            .bind(i.high)
            .bind(i.number_of_sources)
            .bind(i.source_gid)
            .bind($layout)
            .bind($extra)
            .bind(i.bounds_inconsistent() as i64)
            .bind($hash)
            .bind(pl.gid)
            .bind(pl.admin1.as_deref())
            .bind(pl.admin2.as_deref())
            .bind(None::<Vec<u8>>) // extra_packed: only the SQLite import packs extras
    }};
}
pub(crate) use bind_incident;
pub(crate) use bind_params;

/// `n` placeholders for a list: `?` on SQLite (`$N` is looked up by a linear scan), `$k` from
/// `$first` on PostgreSQL.
pub(crate) fn placeholder_list(n: usize, first: usize, postgres: bool) -> String {
    if postgres {
        (first..first + n).map(|k| format!("${k}")).collect::<Vec<_>>().join(",")
    } else {
        vec!["?"; n].join(",")
    }
}

impl Store {
    /// Import every row of a GED or ACLED file in one transaction. `progress` is
    /// called with the bytes read so far after each batch.
    ///
    /// Reading, validating and placing rows runs on its own thread while another
    /// writes the previous batch, so parsing and the database overlap.
    pub async fn import_incidents<R: Read + Send + 'static>(
        &self,
        reader: IncidentReader<R>,
        opts: ImportOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportReport> {
        let placer = self.placer().await?;
        let format = reader.format();
        let extra_names: Vec<String> =
            reader.header().iter().filter(|h| !is_core_column(format, h)).cloned().collect();
        let layout_json = serde_json::to_string(&extra_names).expect("strings serialise");
        match self.backend() {
            crate::Backend::Sqlite(pool) => {
                let target = self.sqlite_target().ok_or_else(|| StoreError::Corrupt("SQLite store without a database name".into()))?;
                import_sqlite(pool, target, reader, placer, opts, layout_json, progress).await
            }
            crate::Backend::Postgres(pool) => {
                crate::pg_import::import(pool, reader, placer, opts, layout_json, progress).await
            }
        }
    }

    /// Every incident matching a filter, in date then id order, one at a time.
    pub async fn for_each_incident(
        &self,
        filter: &IncidentFilter,
        f: impl FnMut(Located) -> Result<()>,
    ) -> Result<u64> {
        self.for_each_visible_incident(Visibility::Confidential, filter, f).await
    }

    /// [`Store::for_each_incident`] over the incidents `vis` allows.
    pub async fn for_each_visible_incident(
        &self,
        vis: Visibility,
        filter: &IncidentFilter,
        mut f: impl FnMut(Located) -> Result<()>,
    ) -> Result<u64> {
        self.for_each_visible_export(vis, filter, |l, _| f(l)).await
    }

    /// Each incident `vis` allows, with Vigil's fields (category, sensitivity,
    /// verification), streamed in date order: what an export writes.
    pub async fn for_each_visible_export(
        &self,
        vis: Visibility,
        filter: &IncidentFilter,
        mut f: impl FnMut(Located, MissionFields) -> Result<()>,
    ) -> Result<u64> {
        let layouts = self.extra_layouts().await?;
        let values = self.extra_values().await?;
        let (wh, params) = filter_sql(filter);
        let wh = with_visibility(wh, vis);
        let n_cols = COLUMNS.len();
        let sql = format!(
            "SELECT {}, {} FROM incidents{wh} ORDER BY date_start, id",
            COLUMNS.join(", "),
            crate::incident_records::RECORD_EXTRA_COLUMNS
        );
        let mut n = 0u64;
        on_pool!(self, pool => {
            let q = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
            let mut rows = q.fetch(pool);
            while let Some(row) = rows.try_next().await? {
                let m = MissionFields {
                    category: row.try_get(n_cols)?,
                    sensitivity: row.try_get(n_cols + 1)?,
                    verification: row.try_get(n_cols + 2)?,
                };
                f(located_from_row(&row, 0, &layouts, &values)?, m)?;
                n += 1;
            }
        });
        Ok(n)
    }

    /// The stored extras values packed rows refer to (SQLite; none on PostgreSQL),
    /// from a cache topped up with the values added since it was read: values are
    /// only ever added, and a committed id never changes its value.
    pub(crate) async fn extra_values(&self) -> Result<std::sync::Arc<ValueDict>> {
        let crate::Backend::Sqlite(pool) = self.backend() else {
            return Ok(Default::default());
        };
        let cached = self.extra_values.lock().expect("not poisoned").clone();
        let added: Vec<(i64, String)> = sqlx::query_as("SELECT id, value FROM extra_values WHERE id > $1")
            .bind(cached.max_id())
            .fetch_all(pool)
            .await?;
        if added.is_empty() {
            return Ok(cached);
        }
        let mut dict = (*cached).clone();
        dict.extend(added);
        let dict = std::sync::Arc::new(dict);
        *self.extra_values.lock().expect("not poisoned") = dict.clone();
        Ok(dict)
    }

    /// Column names of each layout of source-specific extras, by layout id.
    pub(crate) async fn extra_layouts(&self) -> Result<HashMap<i64, Vec<String>>> {
        on_pool!(self, pool => {
            sqlx::query_as::<_, (i64, String)>("SELECT id, columns FROM extra_layouts")
                .fetch_all(pool)
                .await?
        })
        .into_iter()
        .map(|(id, cols)| Ok((id, serde_json::from_str(&cols).map_err(|e| StoreError::Corrupt(e.to_string()))?)))
        .collect()
    }

    /// Incident and fatality totals grouped by a key.
    pub async fn stats(&self, key: StatKey, filter: &IncidentFilter) -> Result<Vec<StatRow>> {
        self.visible_stats(Visibility::Confidential, key, filter).await
    }

    /// [`Store::stats`] over the incidents `vis` allows (what a role's figures count).
    pub async fn visible_stats(&self, vis: Visibility, key: StatKey, filter: &IncidentFilter) -> Result<Vec<StatRow>> {
        let (wh, params) = filter_sql(filter);
        let wh = with_visibility(wh, vis);
        let k = key.sql();
        let sql = format!(
            "SELECT COALESCE({k}, '') AS k, COUNT(*), CAST(COALESCE(SUM(best), 0) AS BIGINT), \
             CAST(COALESCE(SUM(low), 0) AS BIGINT), CAST(COALESCE(SUM(high), 0) AS BIGINT), \
             CAST(SUM(deaths_civilians) AS BIGINT) FROM incidents{wh} GROUP BY {k} ORDER BY {k}"
        );
        let rows = on_pool!(self, pool => {
            let q = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
            q.fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(StatRow {
                        key: r.try_get(0)?,
                        incidents: r.try_get(1)?,
                        best: r.try_get(2)?,
                        low: r.try_get(3)?,
                        high: r.try_get(4)?,
                        civilian_deaths: r.try_get(5)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The date of the latest incident `vis` allows, if any: up to which month
    /// observed figures are data rather than "not yet known".
    pub async fn last_visible_incident_date(&self, vis: Visibility) -> Result<Option<NaiveDate>> {
        let wh = with_visibility(String::new(), vis);
        let sql = format!("SELECT MAX(date_start) FROM incidents{wh}");
        let d: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(AssertSqlSafe(sql.as_str())).fetch_one(pool).await?
        });
        d.map(|d| parse_date(&d)).transpose()
    }

    /// The rows a forecast panel is built from.
    pub async fn forecast_events(&self, filter: &IncidentFilter) -> Result<Vec<ForecastEvent>> {
        let (wh, params) = filter_sql(filter);
        let sql = format!(
            "SELECT date_start, type_of_violence, best, gid, admin1, admin2, country FROM incidents{wh} ORDER BY date_start, id"
        );
        let rows = on_pool!(self, pool => {
            let q = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
            q.fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let d: String = r.try_get(0)?;
                    Ok(ForecastEvent {
                        date_start: parse_date(&d)?,
                        type_of_violence: r.try_get(1)?,
                        best: r.try_get(2)?,
                        gid: r.try_get(3)?,
                        admin1: r.try_get(4)?,
                        admin2: r.try_get(5)?,
                        country: r.try_get(6)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(rows)
    }

    /// Number of incidents matching a filter.
    pub async fn count_incidents(&self, filter: &IncidentFilter) -> Result<i64> {
        let (wh, params) = filter_sql(filter);
        let sql = format!("SELECT COUNT(*) FROM incidents{wh}");
        Ok(on_pool!(self, pool => {
            bind_params!(sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.as_str())), &params).fetch_one(pool).await?
        }))
    }
}

/// The SQLite side: rows written through a rusqlite connection of its own on a
/// blocking thread ([`crate::sqlite_import`]), under a rollback journal when the
/// file can be switched to one.
async fn import_sqlite<R: Read + Send + 'static>(
    pool: &sqlx::SqlitePool,
    target: SqliteTarget,
    reader: IncidentReader<R>,
    placer: Placer,
    opts: ImportOptions,
    layout_json: String,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportReport> {
    let format = reader.format();
    let panicked = |_| StoreError::Corrupt("the import's writer thread panicked".into());
    // an in-memory database has no journal to switch, and lives only as long as one
    // of its connections: the pool's stay open
    let in_memory = target.in_memory;
    let mut conn = tokio::task::spawn_blocking(move || sqlite_import::open(&target)).await.map_err(panicked)??;
    // SQLite leaves WAL mode only if no other connection has the file open: close this
    // pool's idle ones (it reopens them when next needed), waiting briefly for any
    // still on their way back to the pool. If the pool holds none and the switch
    // still fails, another process has the file open: stay in WAL mode.
    let mut tries = 0;
    let bulk = loop {
        if in_memory {
            break false;
        }
        while let Some(idle) = pool.try_acquire() {
            let _ = idle.close().await;
        }
        let (c, switched) = tokio::task::spawn_blocking(move || {
            let switched = sqlite_import::begin_bulk_load(&conn);
            (conn, switched)
        })
        .await
        .map_err(panicked)?;
        conn = c;
        if switched || pool.size() == 0 || tries >= 100 {
            break switched;
        }
        tries += 1;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    let (sender, batches) = tokio::sync::mpsc::channel::<Produced>(2);
    let (spent_tx, spent_rx) = std::sync::mpsc::channel();
    let (interner_tx, interner_rx) = std::sync::mpsc::sync_channel(1);
    let producer =
        std::thread::spawn(move || produce(reader, placer, opts, sender, Some(spent_rx), Some(interner_rx)));
    let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let writer = tokio::task::spawn_blocking(move || {
        let channels = sqlite_import::Channels { batches, spent: spent_tx, interner: interner_tx, progress: progress_tx };
        sqlite_import::write(conn, bulk, channels, &layout_json, ImportReport::new(format))
    });
    while let Some(bytes) = progress_rx.recv().await {
        progress(bytes);
    }
    let report = writer.await.map_err(panicked)??;
    producer.join().map_err(|_| StoreError::Corrupt("the import's reader thread panicked".into()))?;
    Ok(report)
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("stored date `{s}`")))
}

/// Indexes on `incidents` besides its key, as in the migrations: dropped and
/// rebuilt around a bulk load into an empty table.
pub(crate) const SECONDARY_INDEXES: &[(&str, &str)] = &[
    ("incidents_date", "CREATE INDEX IF NOT EXISTS incidents_date ON incidents (date_start)"),
    ("incidents_gid", "CREATE INDEX IF NOT EXISTS incidents_gid ON incidents (gid)"),
    ("incidents_admin2", "CREATE INDEX IF NOT EXISTS incidents_admin2 ON incidents (admin2)"),
    ("incidents_lon_lat", "CREATE INDEX IF NOT EXISTS incidents_lon_lat ON incidents (longitude, latitude)"),
];

/// Decode an incident from a row holding [`COLUMNS`] from index `at` on.
pub(crate) fn located_from_row<R: Row>(
    r: &R,
    at: usize,
    layouts: &HashMap<i64, Vec<String>>,
    values: &ValueDict,
) -> Result<Located>
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
    f64: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
    String: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
    Vec<u8>: sqlx::Type<R::Database> + for<'a> sqlx::Decode<'a, R::Database>,
{
    let s = |i: usize| -> Result<Option<String>> { Ok(r.try_get::<Option<String>, _>(at + i)?) };
    let n = |i: usize| -> Result<Option<i64>> { Ok(r.try_get::<Option<i64>, _>(at + i)?) };
    let f = |i: usize| -> Result<Option<f64>> { Ok(r.try_get::<Option<f64>, _>(at + i)?) };
    let need = |v: Option<i64>, what: &str| v.ok_or_else(|| StoreError::Corrupt(format!("{what} is NULL")));
    let source_text = s(0)?.unwrap_or_default();
    let source = Source::parse(&source_text).ok_or_else(|| StoreError::Corrupt(format!("source `{source_text}`")))?;
    let layout = n(29)?;
    let values: Vec<String> = match (s(30)?, r.try_get::<Option<Vec<u8>>, _>(at + 36)?) {
        (_, Some(packed)) => values.unpack(&packed),
        (Some(t), None) => serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("extra: {e}"))),
        (None, None) => Ok(vec![]),
    }
    .map_err(|e| StoreError::Corrupt(format!("incident {source_text}:{}: {e}", s(1).ok().flatten().unwrap_or_default())))?;
    let extra = match layout.and_then(|l| layouts.get(&l)) {
        Some(cols) => cols.iter().map(|c| std::sync::Arc::from(c.as_str())).zip(values).collect(),
        None => vec![],
    };
    let incident = Incident {
        source,
        source_id: s(1)?.unwrap_or_default(),
        date_start: parse_date(&s(2)?.unwrap_or_default())?,
        date_end: parse_date(&s(3)?.unwrap_or_default())?,
        date_prec: n(4)?,
        type_of_violence: n(5)?.and_then(ViolenceType::from_code),
        event_type: s(6)?,
        sub_event_type: s(7)?,
        conflict_name: s(8)?,
        dyad_name: s(9)?,
        side_a: s(10)?,
        side_b: s(11)?,
        country: s(12)?,
        place: s(13)?,
        where_description: s(14)?,
        adm_1: s(15)?,
        adm_2: s(16)?,
        latitude: f(17)?,
        longitude: f(18)?,
        where_prec: n(19)?,
        deaths_a: n(20)?,
        deaths_b: n(21)?,
        deaths_civilians: n(22)?,
        deaths_unknown: n(23)?,
        best: need(n(24)?, "best")?,
        low: need(n(25)?, "low")?,
        high: need(n(26)?, "high")?,
        number_of_sources: n(27)?,
        source_gid: n(28)?,
        extra,
    };
    Ok(Located { incident, placement: Placement { gid: n(33)?, admin1: s(34)?, admin2: s(35)? } })
}
