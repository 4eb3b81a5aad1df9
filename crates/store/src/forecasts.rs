//! Published forecast runs: each run with its origin, model, settings, horizons and
//! the skill its guard read, and per unit and horizon the published distribution's
//! summary (P(any), mean, quantiles 5/25/50/75/95) and the model it came from.
//! Written in one transaction: a run is stored whole or not at all.

use sqlx::Row;

use crate::audit::audit_append;
use crate::{on_pool, Result, Store, StoreError};

/// A run to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewForecastRun {
    pub created_at: String,
    /// YYYY-MM.
    pub origin: String,
    pub model: String,
    pub target: String,
    pub level: String,
    pub horizons: Vec<u32>,
    pub synthetic: bool,
    pub settings: serde_json::Value,
    pub skill: serde_json::Value,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRun {
    pub id: i64,
    pub run: NewForecastRun,
    pub cells: i64,
}

/// One unit at one horizon of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastCell {
    pub unit: String,
    pub horizon: u32,
    /// YYYY-MM.
    pub month: String,
    pub model_used: String,
    pub fallback_reason: Option<String>,
    pub p_any: f64,
    pub mean: f64,
    /// At 0.05, 0.25, 0.50, 0.75, 0.95.
    pub quantiles: [f64; 5],
}

type RunTuple = (i64, String, String, String, String, String, String, bool, String, String, i64);

fn run_from(r: RunTuple) -> Result<ForecastRun> {
    let (id, created_at, origin, model, target, level, horizons, synthetic, settings, skill, cells) = r;
    let horizons = horizons
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|h| h.parse::<u32>().map_err(|_| StoreError::Corrupt(format!("forecast run {id}: horizons `{horizons}`"))))
        .collect::<Result<Vec<_>>>()?;
    let json = |what: &str, s: &str| {
        serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("forecast run {id}: {what}: {e}")))
    };
    Ok(ForecastRun {
        id,
        run: NewForecastRun {
            created_at,
            origin,
            model,
            target,
            level,
            horizons,
            synthetic,
            settings: json("settings", &settings)?,
            skill: json("skill", &skill)?,
        },
        cells,
    })
}

const RUN_COLS: &str = "r.id, r.created_at, r.origin, r.model, r.target, r.level, r.horizons, r.synthetic, \
     r.settings_json, r.skill_json, (SELECT COUNT(*) FROM forecast_cells c WHERE c.run_id = r.id)";

/// Rows per INSERT statement (13 values each, well under SQLite's 32,766 parameters).
const CHUNK: usize = 500;

impl Store {
    /// Store a run and its cells for `actor`; returns the run's id. Audited as
    /// `publish` of `forecast_run/{id}` with its origin, model and size.
    pub async fn save_forecast(&self, actor: &str, run: &NewForecastRun, cells: &[ForecastCell]) -> Result<i64> {
        let begin = self.begin_write_sql();
        let horizons = run.horizons.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(",");
        let settings = run.settings.to_string();
        let skill = run.skill.to_string();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO forecast_runs (created_at, origin, model, target, level, horizons, synthetic, settings_json, skill_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(&run.created_at)
            .bind(&run.origin)
            .bind(&run.model)
            .bind(&run.target)
            .bind(&run.level)
            .bind(&horizons)
            .bind(run.synthetic)
            .bind(&settings)
            .bind(&skill)
            .fetch_one(&mut *tx)
            .await?;
            for chunk in cells.chunks(CHUNK) {
                let mut sql = String::from(
                    "INSERT INTO forecast_cells (run_id, unit, horizon, month, model_used, fallback_reason, p_any, mean, q05, q25, q50, q75, q95) VALUES ",
                );
                for i in 0..chunk.len() {
                    let b = i * 13;
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push('(');
                    sql.push_str(&(1..=13).map(|k| format!("${}", b + k)).collect::<Vec<_>>().join(","));
                    sql.push(')');
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for c in chunk {
                    q = q
                        .bind(id)
                        .bind(&c.unit)
                        .bind(c.horizon as i64)
                        .bind(&c.month)
                        .bind(&c.model_used)
                        .bind(&c.fallback_reason)
                        .bind(c.p_any)
                        .bind(c.mean);
                    for v in c.quantiles {
                        q = q.bind(v);
                    }
                }
                q.execute(&mut *tx).await?;
            }
            let after = serde_json::json!({
                "origin": run.origin, "model": run.model, "target": run.target, "level": run.level,
                "horizons": horizons, "cells": cells.len(),
            });
            audit_append!(self, tx, actor, "publish", &format!("forecast_run/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Every stored run, newest first.
    pub async fn forecast_runs(&self) -> Result<Vec<ForecastRun>> {
        let sql = format!("SELECT {RUN_COLS} FROM forecast_runs r ORDER BY r.id DESC");
        let rows: Vec<RunTuple> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?);
        rows.into_iter().map(run_from).collect()
    }

    pub async fn forecast_run(&self, id: i64) -> Result<Option<ForecastRun>> {
        let sql = format!("SELECT {RUN_COLS} FROM forecast_runs r WHERE r.id = $1");
        let row: Option<RunTuple> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await?);
        row.map(run_from).transpose()
    }

    /// A run's cells, in horizon then unit order; one horizon only when given.
    pub async fn forecast_cells(&self, run_id: i64, horizon: Option<u32>) -> Result<Vec<ForecastCell>> {
        let sql = "SELECT unit, horizon, month, model_used, fallback_reason, p_any, mean, q05, q25, q50, q75, q95 \
                   FROM forecast_cells WHERE run_id = $1 AND ($2 < 0 OR horizon = $2) ORDER BY horizon, unit";
        let h = horizon.map(|h| h as i64).unwrap_or(-1);
        let cells = on_pool!(self, pool => {
            let rows = sqlx::query(sql).bind(run_id).bind(h).fetch_all(pool).await?;
            rows.iter()
                .map(|r| -> Result<ForecastCell> {
                    Ok(ForecastCell {
                        unit: r.try_get(0)?,
                        horizon: r.try_get::<i64, _>(1)? as u32,
                        month: r.try_get(2)?,
                        model_used: r.try_get(3)?,
                        fallback_reason: r.try_get(4)?,
                        p_any: r.try_get(5)?,
                        mean: r.try_get(6)?,
                        quantiles: [r.try_get(7)?, r.try_get(8)?, r.try_get(9)?, r.try_get(10)?, r.try_get(11)?],
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(cells)
    }
}
