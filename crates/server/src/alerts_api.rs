//! Alert routes: the list, one alert, lifecycle steps, alerts raised by hand.
//! Request parsing and responses only; the use cases are in [`vigil_app::alerts`].

use crate::access::{ALERTS as READ, MANAGE_ALERTS as MANAGE, RESPOND};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use std::collections::HashMap;
use vigil_app::alerts;
use vigil_warn::{AlertStatus, Area, LatLon};

/// The alert routes under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list).post(create_manual))
        .route("/alerts/{id}", get(get_one))
        .route("/alerts/{id}/transition", post(transition))
}

/// GET /api/alerts?status=&limit=
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read alerts")?;
    let f = Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    f.only(&["status", "limit"])?;
    let statuses: Vec<String> = match f.str_opt("status", 200)? {
        None => vec![],
        Some(s) => s.split(',').map(|x| x.trim().to_string()).collect(),
    };
    for s in &statuses {
        if AlertStatus::parse(s).is_none() {
            return Err(ApiError::field(
                "status",
                format!("unknown status `{s}`; one or more of draft, issued, acknowledged, responding, closed, cancelled"),
            ));
        }
    }
    let limit = f.i64_opt("limit", 1, 5000)?;
    let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
    Ok(Json(alerts::alert_list(&st, &refs, limit).await?))
}

/// GET /api/alerts/{id}
pub async fn get_one(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read alerts")?;
    let s = st.store.alert(id).await?.ok_or_else(|| ApiError::not_found(format!("alert {id} not found")))?;
    Ok(Json(alerts::alert_detail(&st, &s).await?))
}

/// POST /api/alerts/{id}/transition `{to, note}`
pub async fn transition(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "act on alerts")?;
    let f = Fields::from_json(&body)?;
    f.only(&["to", "note"])?;
    let to_text = f.str_req("to", 20)?;
    let to = AlertStatus::parse(&to_text).filter(|s| *s != AlertStatus::Draft).ok_or_else(|| {
        ApiError::field("to", "must be one of issued, acknowledged, responding, closed, cancelled")
    })?;
    let note = f.str_opt("note", 2000)?;
    match to {
        AlertStatus::Acknowledged | AlertStatus::Responding => auth.require(&RESPOND, &format!("mark an alert {to}"))?,
        _ => auth.require(&MANAGE, &format!("mark an alert {to}"))?,
    }
    let s = alerts::transition(&st, id, to, &auth.user.name, note).await?;
    Ok(Json(alerts::alert_detail(&st, &s).await?))
}

/// Read and check the `area` of a manual alert; its default description.
async fn read_area(st: &AppState, f: &Fields) -> ApiResult<(Area, String)> {
    let bad = |m: &str| ApiError::field("area", m.to_string());
    let v = f.value_opt("area").ok_or_else(|| bad("is required"))?;
    let area: Area = serde_json::from_value(v.clone()).map_err(|e| {
        bad(&format!(
            "{e}; expected {{\"type\": \"circle\", \"center\": {{\"lat\", \"lon\"}}, \"radius_km\"}}, \
             {{\"type\": \"polygon\", \"points\": [{{\"lat\", \"lon\"}}, …]}}, \
             {{\"type\": \"admin\", \"level\": 1|2, \"codes\": […]}} or {{\"type\": \"cells\", \"gids\": […]}}"
        ))
    })?;
    let point_ok = |p: &LatLon| (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon);
    let desc = match &area {
        Area::Circle { center, radius_km } => {
            if !point_ok(center) {
                return Err(bad("center: lat must be from -90 to 90 and lon from -180 to 180"));
            }
            if !(0.1..=500.0).contains(radius_km) {
                return Err(bad("radius_km must be from 0.1 to 500"));
            }
            format!("{radius_km} km around {:.3}, {:.3}", center.lat, center.lon)
        }
        Area::Polygon { points } => {
            if points.len() < 3 || !points.iter().all(point_ok) {
                return Err(bad("a polygon needs at least 3 points, each with lat from -90 to 90 and lon from -180 to 180"));
            }
            format!("polygon of {} points", points.len())
        }
        Area::Admin { level, codes } => {
            if !(1..=2).contains(level) || codes.is_empty() {
                return Err(bad("admin areas need level 1 or 2 and at least one code"));
            }
            let names: HashMap<String, String> = st.store.area_names(*level).await?.into_iter().collect();
            let mut shown = vec![];
            for c in codes {
                let n = names.get(c).ok_or_else(|| bad(&format!("no admin{level} area with code {c} is loaded")))?;
                shown.push(format!("{n} ({c})"));
            }
            shown.join(", ")
        }
        Area::Cells { gids } => {
            if gids.is_empty() || !gids.iter().all(|g| (1..=259_200).contains(g)) {
                return Err(bad("cells need at least one PRIO-GRID gid from 1 to 259200"));
            }
            format!("PRIO-GRID cells {}", gids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
        }
        Area::Unlocated => return Err(bad("a manual alert needs an area")),
    };
    Ok((area, desc))
}

/// A CAP code list value, spelled as CAP spells it.
fn read_cap<T: serde::de::DeserializeOwned>(f: &Fields, key: &str, allowed: &str, default: Option<T>) -> ApiResult<T> {
    match f.str_opt(key, 20)? {
        None => default.ok_or_else(|| ApiError::field(key, format!("is required: one of {allowed}"))),
        Some(s) => serde_json::from_value(Value::String(s))
            .map_err(|_| ApiError::field(key, format!("must be one of {allowed}"))),
    }
}

/// POST /api/alerts: an analyst raises an alert by hand (a hotline call, a
/// patrol's word), as a draft or issued at once, optionally resting on reports.
pub async fn create_manual(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&MANAGE, "raise alerts")?;
    let f = Fields::from_json(&body)?;
    f.only(&[
        "headline", "threat", "area", "area_desc", "headline_fr", "threat_fr", "area_desc_fr", "category", "urgency",
        "severity", "certainty", "expires_hours", "issue", "report_ids",
    ])?;
    let headline = f.str_req("headline", 160)?;
    let threat = f.str_req("threat", 4000)?;
    let (area, default_desc) = read_area(&st, &f).await?;
    let area_desc = f.str_opt("area_desc", 300)?.unwrap_or(default_desc);
    // French text is optional, but a French headline without its threat (or the
    // reverse) would make a half-French alert
    let headline_fr = f.str_opt("headline_fr", 160)?.filter(|s| !s.is_empty());
    let threat_fr = f.str_opt("threat_fr", 4000)?.filter(|s| !s.is_empty());
    let fr = match (headline_fr, threat_fr) {
        (Some(headline), Some(threat)) => Some(vigil_warn::FrenchText {
            rule_name: String::new(),
            headline,
            threat,
            area_desc: f.str_opt("area_desc_fr", 300)?.filter(|s| !s.is_empty()).unwrap_or_else(|| area_desc.clone()),
        }),
        (Some(_), None) => return Err(ApiError::field("threat_fr", "is needed with headline_fr")),
        (None, Some(_)) => return Err(ApiError::field("headline_fr", "is needed with threat_fr")),
        (None, None) => None,
    };
    let category = read_cap(&f, "category", "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other", Some(vigil_warn::cap::Category::Security))?;
    let urgency = read_cap(&f, "urgency", "Immediate, Expected, Future, Past, Unknown", None)?;
    let severity = read_cap(&f, "severity", "Extreme, Severe, Moderate, Minor, Unknown", None)?;
    let certainty = read_cap(&f, "certainty", "Observed, Likely, Possible, Unlikely, Unknown", None)?;
    let expires_hours = f.i64_opt("expires_hours", 1, 24 * 90)?.unwrap_or(72);
    let issue = f.bool_opt("issue")?.unwrap_or(false);
    let report_ids = match f.value_opt("report_ids") {
        None => vec![],
        Some(v) => v
            .as_array()
            .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>())
            .ok_or_else(|| ApiError::field("report_ids", "must be a list of report ids"))?,
    };
    let m = vigil_warn::ManualAlert {
        area,
        area_desc,
        headline,
        threat,
        fr,
        category,
        urgency,
        severity,
        certainty,
        expires_hours,
        issue,
        triggers: vec![],
    };
    let s = alerts::raise_manual(&st, m, &report_ids, &auth.user.name).await?;
    Ok((StatusCode::CREATED, Json(alerts::alert_detail(&st, &s).await?)))
}
