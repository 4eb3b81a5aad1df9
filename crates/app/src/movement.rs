//! Freedom of movement and the mission's own safety (issue #18): record movement
//! requests and decisions, attacks on the mission, routes and convoys; the figures
//! (by sector, month, kind, purpose, authority), the overlap with protection needs,
//! the attack figures in the review's form, route exposure and convoy durations.
//!
//! Who sees what: restrictions and attacks are open to every reading role unless
//! marked `restricted`, then to those who see restricted detail only (hr_officer, or
//! a granted account). The overlap and exposure figures count only the incidents the
//! caller may see (`Visibility`, as `forecasts::area_forecast` does).
//!
//! The logic is `vigil-movement`'s; this module converts between the store's rows
//! (codes as text) and its types, and gathers incidents, alerts and forecast risk.

use crate::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use vigil_movement::attacks::{self, Attack, AttackKind};
use vigil_movement::convoys::{self, Convoy};
use vigil_movement::movements::{self, Decision, GroupBy, Request};
use vigil_movement::overlap::{self, AlertArea, IncidentIndex, Params};
use vigil_movement::routes::{self, ExposureParams, RouteLine};
use vigil_movement::spatial::{PointIndex, Pt};
use vigil_movement::Refusal;
use vigil_store::access::Visibility;
use vigil_store::movement::{
    AttackRow, ConvoyRow, MovementRow, NewAttack, NewConvoy, NewDecision, NewMovement, NewRoute, RouteRow,
};
use vigil_store::Store;

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Invalid { field: r.field, message: r.reason }
    }
}

fn corrupt(what: &str, id: i64, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} does not read: {e}"))
}

fn time(field: &str, s: &str) -> Result<DateTime<Utc>, Refusal> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Refusal::new(field, format!("`{s}` is not an RFC 3339 time (2022-03-01T08:00:00Z)")))
}

fn date(field: &str, s: &str) -> Result<NaiveDate, Refusal> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Refusal::new(field, format!("`{s}` is not a date YYYY-MM-DD")))
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

// ---- JSON in: one reader for the server and the cli ----

struct Obj<'a>(&'a serde_json::Map<String, Value>);

impl Obj<'_> {
    fn str(&self, k: &str) -> Result<String, Refusal> {
        self.opt_str(k)?.ok_or_else(|| Refusal::new(k, "missing"))
    }
    fn opt_str(&self, k: &str) -> Result<Option<String>, Refusal> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.len() <= 2000 => Ok(Some(s.trim().to_string())),
            Some(Value::String(_)) => Err(Refusal::new(k, "longer than 2000 characters")),
            Some(_) => Err(Refusal::new(k, "is not a string")),
        }
    }
    fn opt_i64(&self, k: &str) -> Result<Option<i64>, Refusal> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| Refusal::new(k, "is not a whole number")),
        }
    }
    fn count(&self, k: &str) -> Result<i64, Refusal> {
        Ok(self.opt_i64(k)?.unwrap_or(0))
    }
    fn bool(&self, k: &str) -> Result<bool, Refusal> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Refusal::new(k, "is not true or false")),
        }
    }
    fn pt(&self, k: &str) -> Result<Option<Pt>, Refusal> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) if a.len() == 2 => match (a[0].as_f64(), a[1].as_f64()) {
                (Some(lon), Some(lat)) => Ok(Some((lon, lat))),
                _ => Err(Refusal::new(k, "is not [longitude, latitude] in numbers")),
            },
            Some(_) => Err(Refusal::new(k, "is not [longitude, latitude]")),
        }
    }
    fn only(&self, keys: &[&str]) -> Result<(), Refusal> {
        match self.0.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(k) => Err(Refusal::new(k.as_str(), format!("unknown field (known: {})", keys.join(", ")))),
            None => Ok(()),
        }
    }
}

fn obj<'a>(field: &str, v: &'a Value) -> Result<Obj<'a>, Refusal> {
    v.as_object().map(Obj).ok_or_else(|| Refusal::new(field, "is not a JSON object"))
}

/// A request (and optionally its decision) as received.
#[derive(Debug, Clone)]
pub struct MovementInput {
    pub request: Request,
    pub decision: Option<Decision>,
    pub restricted: bool,
}

/// Read a decision object (`field` names it in refusals).
pub fn decision_from_json(v: &Value) -> Result<Decision, Refusal> {
    let o = obj("decision", v)?;
    o.only(&["outcome", "decided_at", "delay_minutes", "authority", "reason", "conditions"])?;
    Ok(Decision {
        outcome: movements::parse_outcome(&o.str("outcome")?)?,
        decided_at: o.opt_str("decided_at")?.map(|s| time("decided_at", &s)).transpose()?,
        delay_minutes: o.opt_i64("delay_minutes")?,
        authority: o.str("authority")?,
        reason: movements::parse_reason(&o.opt_str("reason")?.unwrap_or_else(|| "none_given".into()))?,
        conditions: o.opt_str("conditions")?,
    })
}

/// Read a movement request body: the request's fields, `decision` (optional) and
/// `restricted` (optional, default false).
pub fn movement_from_json(v: &Value) -> Result<MovementInput, Refusal> {
    let o = obj("body", v)?;
    o.only(&[
        "mode",
        "kind",
        "from_place",
        "to_place",
        "from",
        "to",
        "route_id",
        "requested_at",
        "planned_at",
        "asset",
        "sector",
        "purpose",
        "decision",
        "restricted",
    ])?;
    let request = Request {
        mode: movements::parse_mode(&o.str("mode")?)?,
        kind: movements::parse_kind(&o.str("kind")?)?,
        from_place: o.opt_str("from_place")?.unwrap_or_default(),
        to_place: o.str("to_place")?,
        from_pt: o.pt("from")?,
        to_pt: o.pt("to")?.ok_or_else(|| Refusal::new("to", "missing: [longitude, latitude] of the destination"))?,
        route_id: o.opt_i64("route_id")?,
        requested_at: time("requested_at", &o.str("requested_at")?)?,
        planned_at: time("planned_at", &o.str("planned_at")?)?,
        asset: o.opt_str("asset")?.unwrap_or_default(),
        sector: movements::parse_sector(&o.str("sector")?)?,
        purpose: o.opt_str("purpose")?.unwrap_or_default(),
    };
    let decision = match v.get("decision") {
        None | Some(Value::Null) => None,
        Some(d) => Some(decision_from_json(d).map_err(|r| Refusal::new(format!("decision.{}", r.field), r.reason))?),
    };
    Ok(MovementInput { request, decision, restricted: o.bool("restricted")? })
}

/// Read an attack body.
pub fn attack_from_json(v: &Value) -> Result<(Attack, bool), Refusal> {
    let o = obj("body", v)?;
    o.only(&[
        "date",
        "kind",
        "sector",
        "place",
        "location",
        "unit",
        "contingent",
        "peacekeepers_killed",
        "peacekeepers_injured",
        "civilians_killed",
        "civilians_injured",
        "incident_id",
        "restricted",
    ])?;
    let a = Attack {
        date: date("date", &o.str("date")?)?,
        kind: vigil_movement::parse_code::<AttackKind>("kind", &o.str("kind")?)?,
        sector: movements::parse_sector(&o.str("sector")?)?,
        place: o.opt_str("place")?.unwrap_or_default(),
        pt: o.pt("location")?,
        unit: o.opt_str("unit")?.unwrap_or_default(),
        contingent: o.opt_str("contingent")?.unwrap_or_default(),
        peacekeepers_killed: o.count("peacekeepers_killed")?,
        peacekeepers_injured: o.count("peacekeepers_injured")?,
        civilians_killed: o.count("civilians_killed")?,
        civilians_injured: o.count("civilians_injured")?,
        incident_id: o.opt_i64("incident_id")?,
    };
    Ok((a, o.bool("restricted")?))
}

/// Read a convoy body.
pub fn convoy_from_json(v: &Value) -> Result<Convoy, Refusal> {
    let o = obj("body", v)?;
    o.only(&["route_id", "departed_at", "arrived_at", "vehicles", "escort", "delay_reason", "incident_ids"])?;
    let ids = match v.get("incident_ids") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_i64().ok_or_else(|| Refusal::new("incident_ids", "is not a list of incident ids")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(Refusal::new("incident_ids", "is not a list of incident ids")),
    };
    Ok(Convoy {
        route_id: o.opt_i64("route_id")?,
        departed_at: time("departed_at", &o.str("departed_at")?)?,
        arrived_at: o.opt_str("arrived_at")?.map(|s| time("arrived_at", &s)).transpose()?,
        vehicles: o.count("vehicles")?,
        escort: o.opt_str("escort")?.unwrap_or_default(),
        delay_reason: o.opt_str("delay_reason")?,
        incident_ids: ids,
    })
}

// ---- conversions ----

fn new_decision(d: &Decision) -> NewDecision {
    NewDecision {
        outcome: d.outcome.as_str().into(),
        decided_at: d.decided_at.map(rfc),
        delay_minutes: d.delay_minutes,
        authority: d.authority.clone(),
        reason: d.reason.as_str().into(),
        conditions: d.conditions.clone(),
    }
}

fn request_of(r: &MovementRow) -> Result<Request, Refusal> {
    let m = &r.m;
    Ok(Request {
        mode: movements::parse_mode(&m.mode)?,
        kind: movements::parse_kind(&m.kind)?,
        from_place: m.from_place.clone(),
        to_place: m.to_place.clone(),
        from_pt: m.from_pt,
        to_pt: m.to_pt,
        route_id: m.route_id,
        requested_at: time("requested_at", &m.requested_at)?,
        planned_at: time("planned_at", &m.planned_at)?,
        asset: m.asset.clone(),
        sector: movements::parse_sector(&m.sector)?,
        purpose: m.purpose.clone(),
    })
}

fn decision_of(d: &NewDecision) -> Result<Decision, Refusal> {
    Ok(Decision {
        outcome: movements::parse_outcome(&d.outcome)?,
        decided_at: d.decided_at.as_deref().map(|s| time("decided_at", s)).transpose()?,
        delay_minutes: d.delay_minutes,
        authority: d.authority.clone(),
        reason: movements::parse_reason(&d.reason)?,
        conditions: d.conditions.clone(),
    })
}

fn attack_of(r: &AttackRow) -> Result<Attack, Refusal> {
    let a = &r.a;
    Ok(Attack {
        date: date("date", &a.date)?,
        kind: vigil_movement::parse_code::<AttackKind>("kind", &a.kind)?,
        sector: movements::parse_sector(&a.sector)?,
        place: a.place.clone(),
        pt: a.pt,
        unit: a.unit.clone(),
        contingent: a.contingent.clone(),
        peacekeepers_killed: a.peacekeepers_killed,
        peacekeepers_injured: a.peacekeepers_injured,
        civilians_killed: a.civilians_killed,
        civilians_injured: a.civilians_injured,
        incident_id: a.incident_id,
    })
}

// ---- movements ----

/// Record a request (and its decision, if given), checked first: nothing is stored
/// when any check fails. A route it names must exist.
pub async fn record_movement(store: &Store, actor: &str, input: &MovementInput, synthetic: bool) -> AppResult<i64> {
    let r = &input.request;
    movements::validate_request(r)?;
    if let Some(d) = &input.decision {
        movements::validate_decision(r, d).map_err(|e| Refusal::new(format!("decision.{}", e.field), e.reason))?;
    }
    if let Some(id) = r.route_id {
        if !store.routes().await?.iter().any(|x| x.id == id) {
            return Err(AppError::invalid("route_id", format!("no route {id}")));
        }
    }
    let m = NewMovement {
        mode: r.mode.as_str().into(),
        kind: r.kind.as_str().into(),
        from_place: r.from_place.clone(),
        to_place: r.to_place.clone(),
        from_pt: r.from_pt,
        to_pt: r.to_pt,
        route_id: r.route_id,
        requested_at: rfc(r.requested_at),
        planned_at: rfc(r.planned_at),
        asset: r.asset.clone(),
        sector: r.sector.as_str().into(),
        purpose: r.purpose.clone(),
        restricted: input.restricted,
        synthetic,
    };
    Ok(store.add_movement(actor, &m, input.decision.as_ref().map(new_decision).as_ref()).await?)
}

/// Record (or replace) the decision on request `id`, checked against the request.
pub async fn decide(store: &Store, actor: &str, id: i64, d: &Decision) -> AppResult<()> {
    let row = store.movement(id).await?.ok_or_else(|| AppError::NotFound(format!("no movement request {id}")))?;
    let r = request_of(&row).map_err(|e| corrupt("movement", id, e))?;
    movements::validate_decision(&r, d)?;
    store.decide_movement(actor, id, &new_decision(d)).await?;
    Ok(())
}

/// A stored request as the API shows it.
pub fn movement_json(r: &MovementRow) -> Value {
    let m = &r.m;
    json!({
        "id": r.id, "mode": m.mode, "kind": m.kind, "from_place": m.from_place, "to_place": m.to_place,
        "from": m.from_pt.map(|p| [p.0, p.1]), "to": [m.to_pt.0, m.to_pt.1], "route_id": m.route_id,
        "requested_at": m.requested_at, "planned_at": m.planned_at, "asset": m.asset, "sector": m.sector,
        "purpose": m.purpose, "restricted": m.restricted, "synthetic": m.synthetic,
        "created_by": r.created_by, "created_at": r.created_at,
        "decision": r.decision.as_ref().map(|d| json!({
            "outcome": d.outcome, "decided_at": d.decided_at, "delay_minutes": d.delay_minutes,
            "authority": d.authority, "reason": d.reason, "conditions": d.conditions,
        })),
    })
}

/// The requests; those marked restricted only with `include_restricted`.
pub async fn movements(store: &Store, include_restricted: bool) -> AppResult<Vec<MovementRow>> {
    Ok(store.movements(include_restricted).await?)
}

fn decided(rows: &[MovementRow]) -> AppResult<Vec<(i64, Request, Option<Decision>)>> {
    rows.iter()
        .map(|r| {
            let req = request_of(r).map_err(|e| corrupt("movement", r.id, e))?;
            let d = r.decision.as_ref().map(decision_of).transpose().map_err(|e| corrupt("movement", r.id, e))?;
            Ok((r.id, req, d))
        })
        .collect()
}

/// The figures grouped `by`, over the requests visible (see [`movements`]).
pub async fn movement_figures(
    store: &Store,
    include_restricted: bool,
    by: GroupBy,
) -> AppResult<Vec<movements::FigureRow>> {
    let items: Vec<(Request, Option<Decision>)> =
        decided(&movements(store, include_restricted).await?)?.into_iter().map(|(_, r, d)| (r, d)).collect();
    Ok(movements::figures(&items, by))
}

/// Forecast risk by PRIO-GRID cell: P(at least one death) at horizon 1 of the latest
/// cell-level run (empty without one).
async fn risk_by_cell(store: &Store) -> AppResult<HashMap<i64, f64>> {
    let Some(run) = crate::forecasts::latest_cell_run(store).await? else { return Ok(HashMap::new()) };
    Ok(store
        .forecast_cells(run.id, Some(1))
        .await?
        .into_iter()
        .filter_map(|c| c.unit.parse::<i64>().ok().map(|g| (g, c.p_any)))
        .collect())
}

/// The box around `paths` widened by `km` (west, south, east, north).
fn bbox_around<'a>(paths: impl Iterator<Item = &'a [Pt]>, km: f64) -> Option<[f64; 4]> {
    let mut b: Option<[f64; 4]> = None;
    for p in paths.flatten() {
        let x = b.get_or_insert([p.0, p.1, p.0, p.1]);
        x[0] = x[0].min(p.0);
        x[1] = x[1].min(p.1);
        x[2] = x[2].max(p.0);
        x[3] = x[3].max(p.1);
    }
    // 1° of latitude is 111 km; a degree of longitude is shorter away from the equator
    b.map(|[w, s, e, n]| {
        let dlat = km / 110.0 + 0.01;
        let dlon = km / (110.0 * s.abs().max(n.abs()).min(80.0).to_radians().cos()) + 0.01;
        [w - dlon, s - dlat, e + dlon, n + dlat]
    })
}

fn risk_fn(cells: &HashMap<i64, f64>) -> impl Fn(Pt) -> Option<f64> + '_ {
    move |(lon, lat)| vigil_geo::grid::gid(lon, lat).and_then(|g| cells.get(&g).copied())
}

/// Circle-shaped alert areas with when they were open (issued to closed or expiry).
async fn alert_areas(store: &Store) -> AppResult<Vec<AlertArea>> {
    let mut out = vec![];
    for a in store.alerts(&[], None).await? {
        if a.status == "draft" || a.status == "cancelled" {
            continue;
        }
        let Ok(area) = serde_json::from_value::<vigil_warn::area::Area>(a.doc["area"].clone()) else { continue };
        let vigil_warn::area::Area::Circle { center, radius_km } = area else { continue };
        let opened = a.issued_at.as_deref().or(Some(a.created_at.as_str())).and_then(|s| time("issued_at", s).ok());
        let Some(opened) = opened else { continue };
        let end = if a.status == "closed" { Some(a.updated_at.as_str()) } else { Some(a.expires_at.as_str()) };
        out.push(AlertArea {
            pt: (center.lon, center.lat),
            radius_km,
            opened,
            closed: end.and_then(|s| time("closed", s).ok()),
        });
    }
    Ok(out)
}

/// The overlap measure over the decided requests visible, counting the incidents
/// `vis` allows. A movement on a stored route is measured along it, otherwise at
/// its destination.
pub async fn overlap(
    store: &Store,
    include_restricted: bool,
    vis: Visibility,
    params: Params,
) -> AppResult<overlap::Overlap> {
    if !(params.km > 0.0 && params.km <= 500.0) {
        return Err(AppError::invalid("km", "must be more than 0 and at most 500"));
    }
    if !(1..=366).contains(&params.days) {
        return Err(AppError::invalid("days", "must be 1 to 366"));
    }
    let rows = decided(&movements(store, include_restricted).await?)?;
    let routes: HashMap<i64, Vec<Pt>> = store.routes().await?.into_iter().map(|r| (r.id, r.route.line)).collect();
    let ms: Vec<overlap::Movement> = rows
        .iter()
        .filter_map(|(id, r, d)| {
            let d = d.as_ref()?;
            let path = r.route_id.and_then(|rid| routes.get(&rid).cloned()).unwrap_or_else(|| vec![r.to_pt]);
            Some(overlap::Movement { id: *id, outcome: d.outcome, planned_at: r.planned_at, path })
        })
        .collect();
    let (Some(first), Some(last)) = (ms.iter().map(|m| m.planned_at).min(), ms.iter().map(|m| m.planned_at).max())
    else {
        return Ok(overlap::overlap(&[], &IncidentIndex::new(vec![]), &[], &|_| None, params));
    };
    let to = last.date_naive() + chrono::Duration::days(params.days);
    let bbox = bbox_around(ms.iter().map(|m| m.path.as_slice()), params.km);
    let pts = store.movement_incident_points(vis, &first.date_naive().to_string(), &to.to_string(), bbox).await?;
    let index = IncidentIndex::new(
        pts.iter()
            .map(|i| overlap::Incident { pt: (i.lon, i.lat), date: i.date, civilian_deaths: i.civilian_deaths })
            .collect(),
    );
    let cells = risk_by_cell(store).await?;
    let alerts = alert_areas(store).await?;
    let risk = risk_fn(&cells);
    let o = overlap::overlap(&ms, &index, &alerts, &risk, params);
    Ok(o)
}

// ---- attacks ----

/// Record an attack, checked first.
pub async fn record_attack(
    store: &Store,
    actor: &str,
    a: &Attack,
    restricted: bool,
    synthetic: bool,
) -> AppResult<i64> {
    attacks::validate(a)?;
    let n = NewAttack {
        date: a.date.to_string(),
        kind: a.kind.as_str().into(),
        sector: a.sector.as_str().into(),
        place: a.place.clone(),
        pt: a.pt,
        unit: a.unit.clone(),
        contingent: a.contingent.clone(),
        peacekeepers_killed: a.peacekeepers_killed,
        peacekeepers_injured: a.peacekeepers_injured,
        civilians_killed: a.civilians_killed,
        civilians_injured: a.civilians_injured,
        incident_id: a.incident_id,
        restricted,
        synthetic,
    };
    Ok(store.add_attack(actor, &n).await?)
}

pub fn attack_json(r: &AttackRow) -> Value {
    let a = &r.a;
    json!({
        "id": r.id, "date": a.date, "kind": a.kind, "sector": a.sector, "place": a.place,
        "location": a.pt.map(|p| [p.0, p.1]), "unit": a.unit, "contingent": a.contingent,
        "peacekeepers_killed": a.peacekeepers_killed, "peacekeepers_injured": a.peacekeepers_injured,
        "civilians_killed": a.civilians_killed, "civilians_injured": a.civilians_injured,
        "incident_id": a.incident_id, "restricted": a.restricted, "synthetic": a.synthetic, "created_by": r.created_by,
    })
}

/// The attacks; those marked restricted only with `include_restricted`.
pub async fn attacks(store: &Store, include_restricted: bool) -> AppResult<Vec<AttackRow>> {
    Ok(store.attacks(include_restricted).await?)
}

/// The attack figures since `since`, over the attacks visible.
pub async fn attack_figures(store: &Store, include_restricted: bool, since: NaiveDate) -> AppResult<attacks::Figures> {
    let rows = attacks(store, include_restricted).await?;
    let list: Vec<Attack> =
        rows.iter().map(|r| attack_of(r).map_err(|e| corrupt("attack", r.id, e))).collect::<AppResult<_>>()?;
    Ok(attacks::figures(&list, since))
}

// ---- routes ----

/// Import routes from a GeoJSON text: every line or none.
pub async fn import_routes(store: &Store, actor: &str, text: &str, synthetic: bool) -> AppResult<Vec<i64>> {
    let lines = routes::parse_geojson(text)?;
    let existing: Vec<String> = store.routes().await?.into_iter().map(|r| r.route.name).collect();
    for (i, l) in lines.iter().enumerate() {
        if existing.contains(&l.name) || lines[..i].iter().any(|o| o.name == l.name) {
            return Err(AppError::invalid(
                format!("features[{i}].properties.name"),
                format!("a route named `{}` exists", l.name),
            ));
        }
    }
    let new: Vec<NewRoute> = lines
        .into_iter()
        .map(|RouteLine { name, approximate, note, line }| NewRoute { name, approximate, note, line, synthetic })
        .collect();
    Ok(store.save_routes(actor, &new).await?)
}

pub fn route_feature(r: &RouteRow) -> Value {
    json!({
        "type": "Feature", "id": r.id,
        "geometry": {"type": "LineString", "coordinates": r.route.line.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>()},
        "properties": {
            "id": r.id, "name": r.route.name, "approximate": r.route.approximate, "note": r.route.note,
            "synthetic": r.route.synthetic, "length_km": vigil_movement::spatial::line_km(&r.route.line),
        },
    })
}

pub async fn routes(store: &Store) -> AppResult<Vec<RouteRow>> {
    Ok(store.routes().await?)
}

/// A route's exposure by segment, ranked, counting the incidents `vis` allows.
pub async fn route_exposure(store: &Store, vis: Visibility, id: i64, p: ExposureParams) -> AppResult<Value> {
    if !(p.buffer_km > 0.0 && p.buffer_km <= 200.0) {
        return Err(AppError::invalid("buffer_km", "must be more than 0 and at most 200"));
    }
    if !(p.segment_km >= 1.0 && p.segment_km <= 1000.0) {
        return Err(AppError::invalid("segment_km", "must be 1 to 1000"));
    }
    let r = store
        .routes()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound(format!("no route {id}")))?;
    let from = p.as_of.checked_sub_months(chrono::Months::new(12)).unwrap_or(p.as_of);
    let bbox = bbox_around(std::iter::once(r.route.line.as_slice()), p.buffer_km);
    let pts = store.movement_incident_points(vis, &from.to_string(), &p.as_of.to_string(), bbox).await?;
    let incs: Vec<routes::Incident> =
        pts.iter().map(|i| routes::Incident { pt: (i.lon, i.lat), date: i.date, ied: i.ied }).collect();
    let index = PointIndex::new(incs.iter().map(|i| i.pt).collect());
    let cells = risk_by_cell(store).await?;
    let risk = risk_fn(&cells);
    let segs = routes::exposure(&r.route.line, &incs, &index, &risk, p);
    let ranked = routes::ranked(segs.clone());
    Ok(json!({
        "route": route_feature(&r),
        "params": p,
        "segments": segs,
        "most_exposed": ranked.iter().take(5).map(|s| s.index).collect::<Vec<_>>(),
    }))
}

// ---- convoys ----

pub async fn record_convoy(store: &Store, actor: &str, c: &Convoy, synthetic: bool) -> AppResult<i64> {
    convoys::validate(c)?;
    if let Some(id) = c.route_id {
        if !store.routes().await?.iter().any(|x| x.id == id) {
            return Err(AppError::invalid("route_id", format!("no route {id}")));
        }
    }
    let n = NewConvoy {
        route_id: c.route_id,
        departed_at: rfc(c.departed_at),
        arrived_at: c.arrived_at.map(rfc),
        vehicles: c.vehicles,
        escort: c.escort.clone(),
        delay_reason: c.delay_reason.clone(),
        incident_ids: c.incident_ids.clone(),
        synthetic,
    };
    Ok(store.add_convoy(actor, &n).await?)
}

pub fn convoy_json(r: &ConvoyRow) -> Value {
    let c = &r.c;
    json!({
        "id": r.id, "route_id": c.route_id, "departed_at": c.departed_at, "arrived_at": c.arrived_at,
        "vehicles": c.vehicles, "escort": c.escort, "delay_reason": c.delay_reason,
        "incident_ids": c.incident_ids, "synthetic": c.synthetic,
    })
}

pub async fn convoys(store: &Store) -> AppResult<Vec<ConvoyRow>> {
    Ok(store.convoys().await?)
}

/// Convoy durations by route and month of departure.
pub async fn convoy_durations(store: &Store) -> AppResult<Vec<convoys::DurationRow>> {
    let list: Vec<Convoy> = store
        .convoys()
        .await?
        .iter()
        .map(|r| {
            Ok(Convoy {
                route_id: r.c.route_id,
                departed_at: time("departed_at", &r.c.departed_at).map_err(|e| corrupt("convoy", r.id, e))?,
                arrived_at: r
                    .c
                    .arrived_at
                    .as_deref()
                    .map(|s| time("arrived_at", s))
                    .transpose()
                    .map_err(|e| corrupt("convoy", r.id, e))?,
                vehicles: r.c.vehicles,
                escort: r.c.escort.clone(),
                delay_reason: r.c.delay_reason.clone(),
                incident_ids: r.c.incident_ids.clone(),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(convoys::durations(&list))
}

#[cfg(test)]
mod tests {
    use vigil_model::vocab::{codes, movement as v};
    use vigil_movement::attacks::AttackKind;
    use vigil_movement::movements::{Kind, Mode, Outcome, Reason, Sector};
    use vigil_movement::Code;

    fn of<T: Code>() -> Vec<&'static str> {
        T::ALL.iter().map(|x| x.code()).collect()
    }

    /// The logic crate's codes are the vocabulary's, in the same order, and the kinds
    /// each mode allows are the vocabulary's air and ground lists.
    #[test]
    fn movement_codes_match_the_vocabulary() {
        assert_eq!(of::<Mode>(), codes(v::MODES));
        assert_eq!(of::<Kind>(), codes(v::KINDS));
        assert_eq!(of::<Outcome>(), codes(v::OUTCOMES));
        assert_eq!(of::<Reason>(), codes(v::REASONS));
        assert_eq!(of::<Sector>(), codes(v::SECTORS));
        assert_eq!(of::<AttackKind>(), codes(v::ATTACK_KINDS));
        let fits = |m: Mode| Kind::ALL.iter().filter(|k| k.fits(m)).map(|k| k.code()).collect::<Vec<_>>();
        assert_eq!(fits(Mode::Air), v::AIR_KINDS);
        assert_eq!(fits(Mode::Ground), v::GROUND_KINDS);
    }
}
