//! The map's aggregation (issue 15): the incidents a caller may see in a box, counted
//! per square grid cell whose size the map's zoom decides, so that a map of 100,000
//! incidents moves a few hundred numbers instead of every point. The cells are fixed
//! on the globe (column and row counted from 180° W and 90° S), so panning keeps them.
//!
//! The filter and the visibility are those of the incident list
//! ([`Store::incident_page`]): retracted incidents and incidents above the caller's
//! [`Visibility`] are neither counted nor drawn.

use crate::access::Visibility;
use crate::incident_records::{and_where, bbox_sql};
use crate::incidents::{bind_params, filter_sql_with_id, Param};
use crate::reports::ReportError;
use crate::{on_pool, Backend, Store};
use sqlx::{AssertSqlSafe, Row};
use vigil_model::IncidentFilter;

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// One grid cell with incidents in it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MapCell {
    /// Column and row of the cell: `floor((lon + 180) / size)`, `floor((lat + 90) / size)`.
    pub col: i64,
    pub row: i64,
    pub count: i64,
    /// Fatalities (best estimate) of its incidents.
    pub fatalities: i64,
    /// Mean point of its incidents (where its circle is drawn).
    pub lat: f64,
    pub lon: f64,
    /// West, south, east, north of its incidents' points (what a click zooms to).
    pub bbox: [f64; 4],
}

/// How many incidents match and their fatalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MapTotals {
    pub count: i64,
    pub fatalities: i64,
}

/// Grid cell size in degrees for a map zoom: a cell of about 64 screen pixels (a
/// 256-pixel tile spans 360 / 2^zoom degrees), halving with each zoom level.
pub fn cell_size_for_zoom(zoom: f64) -> f64 {
    let z = zoom.round().clamp(0.0, 22.0);
    90.0 / 2f64.powf(z)
}

impl Store {
    /// Incidents `vis` allows matching `filter` (and lying in `bbox`, if given):
    /// their number and fatalities.
    pub async fn incident_map_totals(
        &self,
        vis: Visibility,
        filter: &IncidentFilter,
        bbox: Option<[f64; 4]>,
    ) -> Result<MapTotals> {
        let (wh, params) = filter_sql_with_id(filter, None);
        let wh = and_where(and_where(wh, vis.sql()), bbox.map(bbox_sql).as_deref());
        let sql =
            format!("SELECT COUNT(*), CAST(COALESCE(SUM(best), 0) AS BIGINT) FROM incidents{wh}");
        let (count, fatalities): (i64, i64) = on_pool!(self, pool => {
            let r = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_one(pool).await?;
            (r.try_get(0)?, r.try_get(1)?)
        });
        Ok(MapTotals { count, fatalities })
    }

    /// Incidents `vis` allows matching `filter` in `bbox`, counted per grid cell of
    /// `size` degrees (see [`cell_size_for_zoom`]); cells without incidents are left
    /// out. One `GROUP BY` over a cell computed from each point.
    pub async fn incident_map_cells(
        &self,
        vis: Visibility,
        filter: &IncidentFilter,
        bbox: [f64; 4],
        size: f64,
    ) -> Result<Vec<MapCell>> {
        // `size` is an f64 written by Rust, never text from a request
        let size = if size.is_finite() && size > 0.0 {
            size
        } else {
            1.0
        };
        // longitude + 180 and latitude + 90 are never negative: SQLite's CAST truncates,
        // which is floor there; PostgreSQL's CAST rounds, so it takes floor() first
        let (cx, cy) = match self.backend() {
            Backend::Sqlite(_) => (
                format!("CAST((longitude + 180.0) / {size:?} AS INTEGER)"),
                format!("CAST((latitude + 90.0) / {size:?} AS INTEGER)"),
            ),
            Backend::Postgres(_) => (
                format!("CAST(floor((longitude + 180.0) / {size:?}) AS BIGINT)"),
                format!("CAST(floor((latitude + 90.0) / {size:?}) AS BIGINT)"),
            ),
        };
        let (wh, params) = filter_sql_with_id(filter, None);
        let wh = and_where(and_where(wh, vis.sql()), Some(&bbox_sql(bbox)));
        let sql = format!(
            "SELECT {cx} AS cx, {cy} AS cy, COUNT(*), CAST(COALESCE(SUM(best), 0) AS BIGINT), \
             AVG(latitude), AVG(longitude), MIN(longitude), MIN(latitude), MAX(longitude), MAX(latitude) \
             FROM incidents{wh} GROUP BY cx, cy ORDER BY cy, cx"
        );
        let cells = on_pool!(self, pool => {
            let rows = bind_params!(sqlx::query(AssertSqlSafe(sql.as_str())), &params).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(MapCell {
                    col: r.try_get(0)?,
                    row: r.try_get(1)?,
                    count: r.try_get(2)?,
                    fatalities: r.try_get(3)?,
                    lat: r.try_get(4)?,
                    lon: r.try_get(5)?,
                    bbox: [r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?],
                });
            }
            out
        });
        Ok(cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_halve_with_each_zoom_level() {
        assert_eq!(cell_size_for_zoom(0.0), 90.0);
        assert_eq!(cell_size_for_zoom(5.0), 90.0 / 32.0);
        assert_eq!(cell_size_for_zoom(5.25), 90.0 / 32.0);
        assert_eq!(cell_size_for_zoom(5.75), 90.0 / 64.0);
        assert_eq!(cell_size_for_zoom(-3.0), 90.0);
    }
}
