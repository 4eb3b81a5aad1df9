//! Admin areas: loading boundary files into the store and re-assigning every
//! incident's admin codes when a level is loaded or replaced.

use crate::placement::Placer;
use crate::{on_pool, Result, Store};
use sqlx::{AssertSqlSafe, Row};
use vigil_geo::admin::geometry_from_geojson;
use vigil_geo::{AdminArea, AdminIndex};

/// What loading a boundary level did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundaryReport {
    pub level: u8,
    pub areas: usize,
    /// incidents re-assigned an area at this level
    pub assigned: u64,
    /// incidents precise enough for this level whose point lies in no polygon
    pub outside: u64,
    /// incidents too coarse for this level (left unassigned on purpose)
    pub too_coarse: u64,
}

impl Store {
    /// Replace the areas of one level and re-assign every incident's code at that
    /// level, in one transaction: readers see the old areas or the new, never a mix.
    pub async fn import_boundaries(&self, level: u8, areas: &[AdminArea]) -> Result<BoundaryReport> {
        let mut report = BoundaryReport { level, areas: areas.len(), ..Default::default() };
        let index = AdminIndex::new(areas.to_vec());
        let mut placer = Placer::default();
        match level {
            1 => placer.admin1 = Some(index),
            2 => placer.admin2 = Some(index),
            _ => {}
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM admin_areas WHERE level = $1").bind(level as i64).execute(&mut *tx).await?;
            for a in areas {
                sqlx::query("INSERT INTO admin_areas (level, code, name, geometry) VALUES ($1, $2, $3, $4)")
                    .bind(level as i64)
                    .bind(&a.code)
                    .bind(&a.name)
                    .bind(a.geometry_geojson().to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            if level == 1 || level == 2 {
                let col = if level == 1 { "admin1" } else { "admin2" };
                let rows = sqlx::query("SELECT id, longitude, latitude, where_prec FROM incidents WHERE longitude IS NOT NULL")
                    .fetch_all(&mut *tx)
                    .await?;
                let mut assign: Vec<(i64, String)> = Vec::new();
                for r in &rows {
                    let (id, lon, lat, prec): (i64, f64, f64, Option<i64>) =
                        (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
                    match placer.code_at(level, lon, lat, prec) {
                        Some(code) => assign.push((id, code)),
                        None if prec.unwrap_or(1) >= if level == 1 { 6 } else { 4 } => report.too_coarse += 1,
                        None => report.outside += 1,
                    }
                }
                report.assigned = assign.len() as u64;
                sqlx::query(AssertSqlSafe(format!("UPDATE incidents SET {col} = NULL"))).execute(&mut *tx).await?;
                sqlx::query("CREATE TEMPORARY TABLE IF NOT EXISTS vigil_assign (id BIGINT PRIMARY KEY, code TEXT NOT NULL)")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM vigil_assign").execute(&mut *tx).await?;
                for chunk in assign.chunks(5000) {
                    let pairs: Vec<String> = (0..chunk.len())
                        .map(|n| format!("({})", crate::incidents::placeholder_list(2, 2 * n + 1, self.is_postgres())))
                        .collect();
                    let sql = format!("INSERT INTO vigil_assign (id, code) VALUES {}", pairs.join(","));
                    let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
                    for (id, code) in chunk {
                        q = q.bind(*id).bind(code);
                    }
                    q.execute(&mut *tx).await?;
                }
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE incidents SET {col} = vigil_assign.code FROM vigil_assign WHERE vigil_assign.id = incidents.id"
                )))
                .execute(&mut *tx)
                .await?;
                sqlx::query("DROP TABLE vigil_assign").execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// The areas loaded at a level, in code order.
    pub async fn areas(&self, level: u8) -> Result<Vec<AdminArea>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name, geometry FROM admin_areas WHERE level = $1 ORDER BY code")
                .bind(level as i64)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(code, name, g)| Ok(AdminArea { code, name, level, geometry: geometry_from_geojson(&g)? }))
            .collect()
    }

    /// Area names by code for one level (for labels in tables and the UI).
    pub async fn area_names(&self, level: u8) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name FROM admin_areas WHERE level = $1 ORDER BY code")
                .bind(level as i64)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Indices over the loaded admin levels 1 and 2.
    pub async fn placer(&self) -> Result<Placer> {
        let mut p = Placer::default();
        let a1 = self.areas(1).await?;
        if !a1.is_empty() {
            p.admin1 = Some(AdminIndex::new(a1));
        }
        let a2 = self.areas(2).await?;
        if !a2.is_empty() {
            p.admin2 = Some(AdminIndex::new(a2));
        }
        Ok(p)
    }
}
