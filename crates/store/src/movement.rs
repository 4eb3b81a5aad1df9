//! Freedom of movement and the mission's own safety (issue #18): movement requests
//! with their decisions, attacks on the mission, named routes, convoys; and the
//! incident points the overlap and exposure figures read (only those the caller may
//! see). Codes are checked by `vigil-movement` in the app before they get here; the
//! schema's CHECKs refuse negative counts again. Every write is one transaction with
//! its audit entry: a request and its decision, or a file of routes, are stored whole
//! or not at all.

use sqlx::Row;

use crate::access::Visibility;
use crate::audit::audit_append;
use crate::incidents::with_visibility;
use crate::{on_pool, Result, Store, StoreError};

/// A route to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRoute {
    pub name: String,
    pub approximate: bool,
    pub note: Option<String>,
    /// (lon, lat) in degrees.
    pub line: Vec<(f64, f64)>,
    pub synthetic: bool,
}

/// A stored route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRow {
    pub id: i64,
    pub route: NewRoute,
}

/// A movement request to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMovement {
    pub mode: String,
    pub kind: String,
    pub from_place: String,
    pub to_place: String,
    pub from_pt: Option<(f64, f64)>,
    pub to_pt: (f64, f64),
    pub route_id: Option<i64>,
    /// RFC 3339 UTC.
    pub requested_at: String,
    pub planned_at: String,
    pub asset: String,
    pub sector: String,
    pub purpose: String,
    pub restricted: bool,
    pub synthetic: bool,
}

/// A decision to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    pub outcome: String,
    pub decided_at: Option<String>,
    pub delay_minutes: Option<i64>,
    pub authority: String,
    pub reason: String,
    pub conditions: Option<String>,
}

/// A stored request with its decision, if one is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct MovementRow {
    pub id: i64,
    pub m: NewMovement,
    pub decision: Option<NewDecision>,
    pub created_by: String,
    pub created_at: String,
}

/// An attack on the mission to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttack {
    /// YYYY-MM-DD.
    pub date: String,
    pub kind: String,
    pub sector: String,
    pub place: String,
    pub pt: Option<(f64, f64)>,
    pub unit: String,
    pub contingent: String,
    pub peacekeepers_killed: i64,
    pub peacekeepers_injured: i64,
    pub civilians_killed: i64,
    pub civilians_injured: i64,
    pub incident_id: Option<i64>,
    pub restricted: bool,
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttackRow {
    pub id: i64,
    pub a: NewAttack,
    pub created_by: String,
}

/// A convoy to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConvoy {
    pub route_id: Option<i64>,
    pub departed_at: String,
    pub arrived_at: Option<String>,
    pub vehicles: i64,
    pub escort: String,
    pub delay_reason: Option<String>,
    pub incident_ids: Vec<i64>,
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConvoyRow {
    pub id: i64,
    pub c: NewConvoy,
}

/// An incident as the movement figures read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentPoint {
    pub lon: f64,
    pub lat: f64,
    pub date: chrono::NaiveDate,
    pub civilian_deaths: i64,
    /// Coded `ied`, or an explosive / remote-violence event type.
    pub ied: bool,
}

fn corrupt(what: &str, id: i64, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} {id}: {e}"))
}

fn line_json(line: &[(f64, f64)]) -> String {
    serde_json::to_string(&line.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

fn movement_json(m: &NewMovement) -> serde_json::Value {
    serde_json::json!({
        "mode": m.mode, "kind": m.kind, "from_place": m.from_place, "to_place": m.to_place,
        "to": [m.to_pt.0, m.to_pt.1], "route_id": m.route_id, "requested_at": m.requested_at,
        "planned_at": m.planned_at, "asset": m.asset, "sector": m.sector, "purpose": m.purpose,
        "restricted": m.restricted, "synthetic": m.synthetic,
    })
}

fn decision_json(d: &NewDecision) -> serde_json::Value {
    serde_json::json!({
        "outcome": d.outcome, "decided_at": d.decided_at, "delay_minutes": d.delay_minutes,
        "authority": d.authority, "reason": d.reason, "conditions": d.conditions,
    })
}

/// Insert or replace the decision of `id` inside `tx`, with its audit entry.
macro_rules! put_decision {
    ($self:expr, $tx:ident, $actor:expr, $id:expr, $d:expr, $before:expr) => {{
        let d: &NewDecision = $d;
        sqlx::query("DELETE FROM movement_decisions WHERE request_id = $1").bind($id).execute(&mut *$tx).await?;
        sqlx::query(
            "INSERT INTO movement_decisions (request_id, outcome, decided_at, delay_minutes, authority, reason, conditions, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind($id)
        .bind(&d.outcome)
        .bind(&d.decided_at)
        .bind(d.delay_minutes)
        .bind(&d.authority)
        .bind(&d.reason)
        .bind(&d.conditions)
        .bind($actor)
        .bind(crate::audit::now())
        .execute(&mut *$tx)
        .await?;
        let after = decision_json(d);
        audit_append!($self, $tx, $actor, "decide", &format!("movement/{}", $id), $before, Some(&after));
    }};
}

const MOVEMENT_COLS: &str = "r.id, r.mode, r.kind, r.from_place, r.to_place, r.from_lon, r.from_lat, r.to_lon, r.to_lat, \
     r.route_id, r.requested_at, r.planned_at, r.asset, r.sector, r.purpose, r.restricted, r.synthetic, r.created_by, r.created_at, \
     d.outcome, d.decided_at, d.delay_minutes, d.authority, d.reason, d.conditions";

fn movement_from<R: Row>(r: &R) -> Result<MovementRow>
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    f64: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    bool: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    String: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
{
    let from_lon: Option<f64> = r.try_get(5)?;
    let from_lat: Option<f64> = r.try_get(6)?;
    let outcome: Option<String> = r.try_get(19)?;
    Ok(MovementRow {
        id: r.try_get(0)?,
        m: NewMovement {
            mode: r.try_get(1)?,
            kind: r.try_get(2)?,
            from_place: r.try_get(3)?,
            to_place: r.try_get(4)?,
            from_pt: from_lon.zip(from_lat),
            to_pt: (r.try_get(7)?, r.try_get(8)?),
            route_id: r.try_get(9)?,
            requested_at: r.try_get(10)?,
            planned_at: r.try_get(11)?,
            asset: r.try_get(12)?,
            sector: r.try_get(13)?,
            purpose: r.try_get(14)?,
            restricted: r.try_get(15)?,
            synthetic: r.try_get(16)?,
        },
        created_by: r.try_get(17)?,
        created_at: r.try_get(18)?,
        decision: match outcome {
            None => None,
            Some(outcome) => Some(NewDecision {
                outcome,
                decided_at: r.try_get(20)?,
                delay_minutes: r.try_get(21)?,
                authority: r.try_get(22)?,
                reason: r.try_get(23)?,
                conditions: r.try_get(24)?,
            }),
        },
    })
}

const ATTACK_COLS: &str =
    "id, date, kind, sector, place, lon, lat, unit, contingent, peacekeepers_killed, peacekeepers_injured, \
     civilians_killed, civilians_injured, incident_id, restricted, synthetic, created_by";

fn attack_from<R: Row>(r: &R) -> Result<AttackRow>
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    f64: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    bool: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
    String: sqlx::Type<R::Database> + for<'q> sqlx::Decode<'q, R::Database>,
{
    let lon: Option<f64> = r.try_get(5)?;
    let lat: Option<f64> = r.try_get(6)?;
    Ok(AttackRow {
        id: r.try_get(0)?,
        a: NewAttack {
            date: r.try_get(1)?,
            kind: r.try_get(2)?,
            sector: r.try_get(3)?,
            place: r.try_get(4)?,
            pt: lon.zip(lat),
            unit: r.try_get(7)?,
            contingent: r.try_get(8)?,
            peacekeepers_killed: r.try_get(9)?,
            peacekeepers_injured: r.try_get(10)?,
            civilians_killed: r.try_get(11)?,
            civilians_injured: r.try_get(12)?,
            incident_id: r.try_get(13)?,
            restricted: r.try_get(14)?,
            synthetic: r.try_get(15)?,
        },
        created_by: r.try_get(16)?,
    })
}

impl Store {
    /// Store routes (one GeoJSON file) in one transaction: all of them or none.
    /// Audited as `create` of `route/{id}` each.
    pub async fn save_routes(&self, actor: &str, routes: &[NewRoute]) -> Result<Vec<i64>> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let mut ids = Vec::with_capacity(routes.len());
            for r in routes {
                let line = line_json(&r.line);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO movement_routes (name, approximate, note, line_json, synthetic, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&r.name)
                .bind(r.approximate)
                .bind(&r.note)
                .bind(&line)
                .bind(r.synthetic)
                .bind(actor)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?;
                let after = serde_json::json!({"name": r.name, "approximate": r.approximate, "points": r.line.len(), "synthetic": r.synthetic});
                audit_append!(self, tx, actor, "create", &format!("route/{id}"), None, Some(&after));
                ids.push(id);
            }
            tx.commit().await?;
            ids
        }))
    }

    /// Every route, by id.
    pub async fn routes(&self) -> Result<Vec<RouteRow>> {
        let rows: Vec<(i64, String, bool, Option<String>, String, bool)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, approximate, note, line_json, synthetic FROM movement_routes ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(id, name, approximate, note, line, synthetic)| {
                let pts: Vec<[f64; 2]> = serde_json::from_str(&line).map_err(|e| corrupt("route", id, e))?;
                Ok(RouteRow {
                    id,
                    route: NewRoute {
                        name,
                        approximate,
                        note,
                        line: pts.into_iter().map(|p| (p[0], p[1])).collect(),
                        synthetic,
                    },
                })
            })
            .collect()
    }

    /// Store a request and, if given, its decision, in one transaction; returns the
    /// request's id. Audited as `create` of `movement/{id}` (and `decide`).
    pub async fn add_movement(&self, actor: &str, m: &NewMovement, d: Option<&NewDecision>) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO movement_requests (mode, kind, from_place, to_place, from_lon, from_lat, to_lon, to_lat, route_id, \
                 requested_at, planned_at, asset, sector, purpose, restricted, synthetic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
            )
            .bind(&m.mode)
            .bind(&m.kind)
            .bind(&m.from_place)
            .bind(&m.to_place)
            .bind(m.from_pt.map(|p| p.0))
            .bind(m.from_pt.map(|p| p.1))
            .bind(m.to_pt.0)
            .bind(m.to_pt.1)
            .bind(m.route_id)
            .bind(&m.requested_at)
            .bind(&m.planned_at)
            .bind(&m.asset)
            .bind(&m.sector)
            .bind(&m.purpose)
            .bind(m.restricted)
            .bind(m.synthetic)
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = movement_json(m);
            audit_append!(self, tx, actor, "create", &format!("movement/{id}"), None, Some(&after));
            if let Some(d) = d {
                put_decision!(self, tx, actor, id, d, None);
            }
            tx.commit().await?;
            id
        }))
    }

    /// Record (or replace) the decision on request `id`; `false` when there is no such
    /// request. The replaced decision is the audit entry's `before`.
    pub async fn decide_movement(&self, actor: &str, id: i64, d: &NewDecision) -> Result<bool> {
        let Some(old) = self.movement(id).await? else { return Ok(false) };
        let before = old.decision.as_ref().map(decision_json);
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            put_decision!(self, tx, actor, id, d, before.as_ref());
            tx.commit().await?;
        });
        Ok(true)
    }

    /// Requests with their decisions, by planned time; restricted ones only when
    /// `include_restricted`.
    pub async fn movements(&self, include_restricted: bool) -> Result<Vec<MovementRow>> {
        let sql = format!(
            "SELECT {MOVEMENT_COLS} FROM movement_requests r LEFT JOIN movement_decisions d ON d.request_id = r.id \
             WHERE ($1 OR NOT r.restricted) ORDER BY r.planned_at, r.id"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(include_restricted).fetch_all(pool).await?;
            rows.iter().map(movement_from).collect()
        })
    }

    pub async fn movement(&self, id: i64) -> Result<Option<MovementRow>> {
        let sql = format!(
            "SELECT {MOVEMENT_COLS} FROM movement_requests r LEFT JOIN movement_decisions d ON d.request_id = r.id WHERE r.id = $1"
        );
        on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(movement_from).transpose()
        })
    }

    /// Store an attack on the mission. Audited as `create` of `attack/{id}`.
    pub async fn add_attack(&self, actor: &str, a: &NewAttack) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO mission_attacks (date, kind, sector, place, lon, lat, unit, contingent, peacekeepers_killed, \
                 peacekeepers_injured, civilians_killed, civilians_injured, incident_id, restricted, synthetic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            )
            .bind(&a.date)
            .bind(&a.kind)
            .bind(&a.sector)
            .bind(&a.place)
            .bind(a.pt.map(|p| p.0))
            .bind(a.pt.map(|p| p.1))
            .bind(&a.unit)
            .bind(&a.contingent)
            .bind(a.peacekeepers_killed)
            .bind(a.peacekeepers_injured)
            .bind(a.civilians_killed)
            .bind(a.civilians_injured)
            .bind(a.incident_id)
            .bind(a.restricted)
            .bind(a.synthetic)
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({
                "date": a.date, "kind": a.kind, "sector": a.sector, "place": a.place, "unit": a.unit,
                "contingent": a.contingent, "peacekeepers_killed": a.peacekeepers_killed,
                "peacekeepers_injured": a.peacekeepers_injured, "civilians_killed": a.civilians_killed,
                "civilians_injured": a.civilians_injured, "incident_id": a.incident_id,
                "restricted": a.restricted, "synthetic": a.synthetic,
            });
            audit_append!(self, tx, actor, "create", &format!("attack/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Attacks by date; restricted ones only when `include_restricted`.
    pub async fn attacks(&self, include_restricted: bool) -> Result<Vec<AttackRow>> {
        let sql = format!("SELECT {ATTACK_COLS} FROM mission_attacks WHERE ($1 OR NOT restricted) ORDER BY date, id");
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(include_restricted).fetch_all(pool).await?;
            rows.iter().map(attack_from).collect()
        })
    }

    /// Store a convoy. Audited as `create` of `convoy/{id}`.
    pub async fn add_convoy(&self, actor: &str, c: &NewConvoy) -> Result<i64> {
        let begin = self.begin_write_sql();
        let now = crate::audit::now();
        let ids = c.incident_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO convoys (route_id, departed_at, arrived_at, vehicles, escort, delay_reason, incident_ids, synthetic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(c.route_id)
            .bind(&c.departed_at)
            .bind(&c.arrived_at)
            .bind(c.vehicles)
            .bind(&c.escort)
            .bind(&c.delay_reason)
            .bind(&ids)
            .bind(c.synthetic)
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({
                "route_id": c.route_id, "departed_at": c.departed_at, "arrived_at": c.arrived_at, "vehicles": c.vehicles,
                "escort": c.escort, "delay_reason": c.delay_reason, "incident_ids": c.incident_ids, "synthetic": c.synthetic,
            });
            audit_append!(self, tx, actor, "create", &format!("convoy/{id}"), None, Some(&after));
            tx.commit().await?;
            id
        }))
    }

    /// Every convoy, by departure.
    pub async fn convoys(&self) -> Result<Vec<ConvoyRow>> {
        type T = (i64, Option<i64>, String, Option<String>, i64, String, Option<String>, String, bool);
        let rows: Vec<T> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, route_id, departed_at, arrived_at, vehicles, escort, delay_reason, incident_ids, synthetic \
                 FROM convoys ORDER BY departed_at, id",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, route_id, departed_at, arrived_at, vehicles, escort, delay_reason, ids, synthetic)| {
                let incident_ids = ids
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<i64>().map_err(|e| corrupt("convoy", id, e)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(ConvoyRow {
                    id,
                    c: NewConvoy {
                        route_id,
                        departed_at,
                        arrived_at,
                        vehicles,
                        escort,
                        delay_reason,
                        incident_ids,
                        synthetic,
                    },
                })
            })
            .collect()
    }

    /// The located incidents `vis` allows with a start date in `from..=to` (YYYY-MM-DD)
    /// and a point in `bbox` (west, south, east, north; `None`: anywhere).
    pub async fn movement_incident_points(
        &self,
        vis: Visibility,
        from: &str,
        to: &str,
        bbox: Option<[f64; 4]>,
    ) -> Result<Vec<IncidentPoint>> {
        let [w, s, e, n] = bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
        let wh = with_visibility(
            " WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND date_start >= $1 AND date_start <= $2 \
              AND longitude >= $3 AND latitude >= $4 AND longitude <= $5 AND latitude <= $6"
                .to_string(),
            vis,
        );
        let sql = format!(
            "SELECT longitude, latitude, date_start, COALESCE(deaths_civilians, 0), \
             CASE WHEN category = 'ied' OR lower(COALESCE(sub_event_type, '')) LIKE '%explosive%' \
                  OR lower(COALESCE(event_type, '')) LIKE '%explosion%' THEN 1 ELSE 0 END \
             FROM incidents{wh}"
        );
        let rows: Vec<(f64, f64, String, i64, i32)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(from)
                .bind(to)
                .bind(w)
                .bind(s)
                .bind(e)
                .bind(n)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(lon, lat, d, deaths, ied)| {
                let date = d
                    .get(..10)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| StoreError::Corrupt(format!("incident date `{d}`")))?;
                Ok(IncidentPoint { lon, lat, date, civilian_deaths: deaths, ied: ied != 0 })
            })
            .collect()
    }
}
