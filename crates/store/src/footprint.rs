//! Footprint sites and scenarios (issue #17). A scenario is stored with its ordered
//! changes in one transaction, audited (`create`, `update`, `copy` of
//! `footprint_scenario/{id}`; `load` of `footprint_site/{id}`). Before anything is
//! written the store checks every change's site references against the stored sites
//! and the sites added by earlier changes: a dangling reference is refused and the
//! transaction rolled back, so nothing is half-saved.

use crate::audit::audit_append;
use crate::{on_pool, Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// What can go wrong writing footprint records.
#[derive(Debug, thiserror::Error)]
pub enum FootprintStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("scenario `{scenario}`: change {index} refers to site `{site}`, which is neither stored nor added by an earlier change")]
    Dangling { scenario: String, index: usize, site: String },
    #[error("no scenario `{0}`")]
    NotFound(String),
    #[error("scenario `{0}` exists already")]
    Exists(String),
    #[error("scenario `{0}` is a shipped option (options.toml): copy it to edit it")]
    Shipped(String),
    #[error("scenario `{id}` was changed meanwhile (version {actual}, the edit was made on {expected}): reload and edit again")]
    Conflict { id: String, expected: i64, actual: i64 },
    #[error("scenario id `{0}`: use 1–40 letters, digits, '-' or '_'")]
    BadId(String),
}

impl From<sqlx::Error> for FootprintStoreError {
    fn from(e: sqlx::Error) -> Self {
        FootprintStoreError::Store(StoreError::Db(e))
    }
}

type Result<T, E = FootprintStoreError> = std::result::Result<T, E>;

/// A stored site: its columns and the whole record as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSite {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: String,
    pub site: serde_json::Value,
}

/// A change as stored: its type, the JSON of the whole change, and the sites it
/// refers to and adds (for the dangling-reference check).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredChange {
    pub kind: String,
    pub change: serde_json::Value,
    pub refs: Vec<String>,
    pub defines: Option<String>,
}

/// A scenario to write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioRecord {
    pub id: String,
    pub title: String,
    pub based_on: Option<String>,
    pub description: String,
    pub source: String,
    pub changes: Vec<StoredChange>,
}

/// A stored scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredScenario {
    #[serde(flatten)]
    pub record: ScenarioRecord,
    pub shipped: bool,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The first change naming a site that is neither in `known` nor added before it.
fn dangling(scenario: &str, known: &[String], changes: &[StoredChange]) -> Option<FootprintStoreError> {
    let mut added: Vec<&str> = vec![];
    for (index, c) in changes.iter().enumerate() {
        for r in &c.refs {
            if !known.iter().any(|k| k == r) && !added.contains(&r.as_str()) {
                return Some(FootprintStoreError::Dangling { scenario: scenario.into(), index, site: r.clone() });
            }
        }
        if let Some(d) = &c.defines {
            added.push(d);
        }
    }
    None
}

fn audit_view(r: &ScenarioRecord, version: i64) -> serde_json::Value {
    serde_json::json!({
        "title": r.title, "based_on": r.based_on, "version": version,
        "changes": r.changes.iter().map(|c| &c.change).collect::<Vec<_>>(),
    })
}

/// Read one scenario with its changes through an executor (a pool or `&mut *tx`);
/// a macro so that one body serves both backends inside `on_pool!`.
macro_rules! read_scenario {
    ($ex:expr, $id:expr) => {{
        let id: &str = $id;
        let head = sqlx::query(
            "SELECT title, based_on, description, source, shipped, created_by, created_at, updated_at, version FROM footprint_scenarios WHERE id = $1",
        )
        .bind(id)
        .fetch_optional($ex)
        .await?
        .ok_or_else(|| FootprintStoreError::NotFound(id.into()))?;
        let rows = sqlx::query("SELECT kind, change_json, refs, defines FROM footprint_changes WHERE scenario_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all($ex)
            .await?;
        let mut changes = vec![];
        for r in rows {
            let json: String = r.try_get(1)?;
            let refs: String = r.try_get(2)?;
            changes.push(StoredChange {
                kind: r.try_get(0)?,
                change: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("footprint scenario {id}: {e}")))?,
                refs: refs.split_whitespace().map(str::to_string).collect(),
                defines: r.try_get(3)?,
            });
        }
        StoredScenario {
            record: ScenarioRecord {
                id: id.into(),
                title: head.try_get(0)?,
                based_on: head.try_get(1)?,
                description: head.try_get(2)?,
                source: head.try_get(3)?,
                changes,
            },
            shipped: head.try_get(4)?,
            created_by: head.try_get(5)?,
            created_at: head.try_get(6)?,
            updated_at: head.try_get(7)?,
            version: head.try_get(8)?,
        }
    }};
}

impl Store {
    /// Store the shipped sites (new ones added, changed ones updated, each audited as
    /// `load`); returns (added, updated).
    pub async fn load_footprint_sites(&self, actor: &str, sites: &[StoredSite]) -> Result<(usize, usize)> {
        let begin = self.begin_write_sql();
        let (mut added, mut updated) = (0, 0);
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for s in sites {
                let json = s.site.to_string();
                let old: Option<String> = sqlx::query_scalar("SELECT site_json FROM footprint_sites WHERE id = $1")
                    .bind(&s.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if old.as_deref() == Some(json.as_str()) {
                    continue;
                }
                if old.is_some() {
                    sqlx::query("UPDATE footprint_sites SET name = $2, kind = $3, sector = $4, latitude = $5, longitude = $6, status = $7, site_json = $8 WHERE id = $1")
                        .bind(&s.id).bind(&s.name).bind(&s.kind).bind(&s.sector).bind(s.latitude).bind(s.longitude).bind(&s.status).bind(&json)
                        .execute(&mut *tx).await?;
                    updated += 1;
                } else {
                    sqlx::query("INSERT INTO footprint_sites (id, name, kind, sector, latitude, longitude, status, site_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .bind(&s.id).bind(&s.name).bind(&s.kind).bind(&s.sector).bind(s.latitude).bind(s.longitude).bind(&s.status).bind(&json)
                        .execute(&mut *tx).await?;
                    added += 1;
                }
                let before = old.and_then(|o| serde_json::from_str::<serde_json::Value>(&o).ok());
                audit_append!(self, tx, actor, "load", &format!("footprint_site/{}", s.id), before.as_ref(), Some(&s.site));
            }
            tx.commit().await?;
        });
        Ok((added, updated))
    }

    pub async fn footprint_sites(&self) -> Result<Vec<StoredSite>> {
        let rows = on_pool!(self, pool => {
            sqlx::query("SELECT id, name, kind, sector, latitude, longitude, status, site_json FROM footprint_sites ORDER BY id")
                .fetch_all(pool).await?
                .iter()
                .map(|r| -> Result<StoredSite> {
                    let json: String = r.try_get(7)?;
                    let id: String = r.try_get(0)?;
                    Ok(StoredSite {
                        site: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("footprint site {id}: {e}")))?,
                        id,
                        name: r.try_get(1)?,
                        kind: r.try_get(2)?,
                        sector: r.try_get(3)?,
                        latitude: r.try_get(4)?,
                        longitude: r.try_get(5)?,
                        status: r.try_get(6)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(rows)
    }

    /// Write a scenario. `expect_version`: `None` creates it (refused if it exists);
    /// `Some(v)` replaces an existing, non-shipped scenario's title, description and
    /// changes if its version is still `v`. `shipped` marks a scenario loaded from
    /// options.toml (creating or refreshing one). Returns the new version.
    pub async fn save_footprint_scenario(
        &self,
        actor: &str,
        r: &ScenarioRecord,
        expect_version: Option<i64>,
        shipped: bool,
    ) -> Result<i64> {
        if !valid_id(&r.id) {
            return Err(FootprintStoreError::BadId(r.id.clone()));
        }
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let known: Vec<String> = sqlx::query_scalar("SELECT id FROM footprint_sites").fetch_all(&mut *tx).await?;
            if let Some(e) = dangling(&r.id, &known, &r.changes) {
                return Err(e);
            }
            if let Some(b) = &r.based_on {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM footprint_scenarios WHERE id = $1").bind(b).fetch_one(&mut *tx).await?;
                if n == 0 || b == &r.id {
                    return Err(FootprintStoreError::NotFound(b.clone()));
                }
            }
            let old: Option<(bool, i64)> = sqlx::query_as("SELECT shipped, version FROM footprint_scenarios WHERE id = $1")
                .bind(&r.id)
                .fetch_optional(&mut *tx)
                .await?;
            let before = if old.is_some() { Some(read_scenario!(&mut *tx, &r.id)) } else { None };
            let version = match (old, expect_version) {
                (Some((was_shipped, v)), _) if shipped && was_shipped => {
                    // refreshing a shipped option from options.toml
                    let _ = expect_version;
                    v + 1
                }
                (Some(_), None) => return Err(FootprintStoreError::Exists(r.id.clone())),
                (Some((true, _)), Some(_)) => return Err(FootprintStoreError::Shipped(r.id.clone())),
                (Some((false, v)), Some(e)) if v != e => {
                    return Err(FootprintStoreError::Conflict { id: r.id.clone(), expected: e, actual: v })
                }
                (Some((false, v)), Some(_)) => v + 1,
                (None, Some(_)) => return Err(FootprintStoreError::NotFound(r.id.clone())),
                (None, None) => 1,
            };
            if version == 1 {
                sqlx::query(
                    "INSERT INTO footprint_scenarios (id, title, based_on, description, source, shipped, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)",
                )
                .bind(&r.id).bind(&r.title).bind(&r.based_on).bind(&r.description).bind(&r.source).bind(shipped).bind(actor).bind(&now)
                .execute(&mut *tx).await?;
            } else {
                sqlx::query("UPDATE footprint_scenarios SET title = $2, description = $3, source = $4, updated_at = $5, version = $6 WHERE id = $1")
                    .bind(&r.id).bind(&r.title).bind(&r.description).bind(&r.source).bind(&now).bind(version)
                    .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM footprint_changes WHERE scenario_id = $1").bind(&r.id).execute(&mut *tx).await?;
            }
            for (seq, c) in r.changes.iter().enumerate() {
                sqlx::query("INSERT INTO footprint_changes (scenario_id, seq, kind, change_json, refs, defines) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&r.id).bind(seq as i64).bind(&c.kind).bind(c.change.to_string()).bind(c.refs.join(" ")).bind(&c.defines)
                    .execute(&mut *tx).await?;
            }
            let action = match (&before, &r.based_on) {
                (Some(_), _) => "update",
                (None, Some(_)) => "copy",
                (None, None) => "create",
            };
            let before_json = before.map(|b| audit_view(&b.record, b.version));
            let after = audit_view(r, version);
            audit_append!(self, tx, actor, action, &format!("footprint_scenario/{}", r.id), before_json.as_ref(), Some(&after));
            tx.commit().await?;
            version
        }))
    }

    /// Every scenario with its changes: shipped ones first, in load order, then the rest by id.
    pub async fn footprint_scenarios(&self) -> Result<Vec<StoredScenario>> {
        let ids: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM footprint_scenarios ORDER BY shipped DESC, created_at, id").fetch_all(pool).await?
        });
        let mut out = vec![];
        for id in ids {
            if let Some(s) = self.footprint_scenario(&id).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    pub async fn footprint_scenario(&self, id: &str) -> Result<Option<StoredScenario>> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM footprint_scenarios WHERE id = $1").bind(id).fetch_one(pool).await?
        });
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(on_pool!(self, pool => read_scenario!(pool, id))))
    }
}

/// An incident as the coverage counts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentPoint {
    pub latitude: f64,
    pub longitude: f64,
    pub best: i64,
    pub deaths_civilians: i64,
    pub type_of_violence: Option<i64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
}

impl Store {
    /// Incidents with a position from `since` (YYYY-MM-DD) on, of those `vis` may see.
    pub async fn footprint_incidents(
        &self,
        vis: crate::access::Visibility,
        since: &str,
    ) -> std::result::Result<Vec<IncidentPoint>, StoreError> {
        let wh = crate::incidents::with_visibility(
            " WHERE date_start >= $1 AND latitude IS NOT NULL AND longitude IS NOT NULL".to_string(),
            vis,
        );
        let sql = format!(
            "SELECT latitude, longitude, best, COALESCE(deaths_civilians, 0), type_of_violence, admin1, admin2 FROM incidents{wh}"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(since)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| -> std::result::Result<IncidentPoint, sqlx::Error> {
                    Ok(IncidentPoint {
                        latitude: r.try_get(0)?,
                        longitude: r.try_get(1)?,
                        best: r.try_get(2)?,
                        deaths_civilians: r.try_get(3)?,
                        type_of_violence: r.try_get(4)?,
                        admin1: r.try_get(5)?,
                        admin2: r.try_get(6)?,
                    })
                })
                .collect::<std::result::Result<Vec<_>, _>>()?
        }))
    }
}
