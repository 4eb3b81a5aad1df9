//! Reading incidents: GeoJSON points, one incident with its reports and history,
//! monthly totals, admin areas shaded by totals, towns, and the audit log.
//!
//! What a caller sees is decided by the store's access rules (`vigil_store::access`,
//! table there and in the README): incidents above the caller's sensitivity level
//! are neither listed nor counted nor found (404); a linked report's text, reporter,
//! place as typed and attachments go only to roles that read reports; restricted
//! detail only to hr_officer or an account granted it, and each such read is audited.

use crate::auth::Auth;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;
use vigil_model::{IncidentFilter, ViolenceType};
use vigil_store::reports::IncidentRecord;
use vigil_store::StatKey;

/// Who may read incidents, maps and totals (everyone but reporters).
pub use crate::access::MAP as READ;

pub(crate) const FILTER_FIELDS: &[&str] = &["from", "to", "type", "admin1", "admin2", "gid", "country", "category"];

pub(crate) fn query_fields(q: HashMap<String, String>) -> Fields {
    Fields::new(q.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// Read the shared filters from a query string.
pub(crate) fn filter(f: &Fields) -> ApiResult<IncidentFilter> {
    let from = f.date_opt("from")?;
    let to = f.date_opt("to")?;
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(ApiError::field("to", "is before from"));
        }
    }
    Ok(IncidentFilter {
        from,
        to,
        country: f.str_opt("country", 100)?,
        admin1: f.str_opt("admin1", 20)?,
        admin2: f.str_opt("admin2", 20)?,
        gid: f.i64_opt("gid", 1, 259_200)?,
        type_of_violence: f.i64_opt("type", 1, 3)?.and_then(ViolenceType::from_code),
        category: match f.str_opt("category", 60)? {
            Some(c) if !vigil_model::vocab::is_code(vigil_model::vocab::CATEGORIES, &c) => {
                return Err(ApiError::field("category", format!("must be one of {}", vigil_model::vocab::codes(vigil_model::vocab::CATEGORIES).join(", "))))
            }
            c => c,
        },
    })
}

/// GeoJSON Feature for an incident, with Vigil's additions in the properties.
pub(crate) fn feature(r: &IncidentRecord) -> Value {
    let mut f = vigil_ingest::write::geojson_feature(&r.located);
    let p = &mut f["properties"];
    p["id"] = r.id.into();
    p["synthetic"] = r.synthetic.into();
    p["category"] = r.category.clone().into();
    p["sensitivity"] = r.sensitivity.clone().into();
    p["verification"] = r.verification.clone().into();
    if let Some(x) = &r.retraction {
        p["retraction"] = serde_json::to_value(x).expect("serialises");
    }
    p["injured"] = r.injured.into();
    p["victim_affiliation"] = r.victim_affiliation.clone().into();
    f
}

/// Incidents per page of GET /api/incidents unless `limit` says otherwise.
pub const PAGE_DEFAULT: i64 = 10_000;
/// The most one page may hold.
pub const PAGE_MAX: i64 = 50_000;

/// GET /api/incidents: the matching incidents, newest first, a page at a time
/// (`limit`, `offset`), with `numberMatched`, `numberReturned` and the fatalities of
/// all that match, and a `next` link while more remain (as OGC API – Features pages).
pub async fn list(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read incidents")?;
    let query = q.clone();
    let f = query_fields(q);
    let mut known = FILTER_FIELDS.to_vec();
    known.extend(["limit", "offset"]);
    f.only(&known)?;
    let filter = filter(&f)?;
    let limit = f.i64_opt("limit", 1, PAGE_MAX)?.unwrap_or(PAGE_DEFAULT);
    let offset = f.i64_opt("offset", 0, i64::from(i32::MAX))?.unwrap_or(0);
    let page = st.store.incident_page(principal.visibility(), &filter, None, limit, offset).await?;
    let features: Vec<Value> = page.records.iter().map(feature).collect();
    let returned = features.len() as i64;
    let mut links = vec![];
    if offset + returned < page.matched {
        let mut next: Vec<(String, String)> =
            query.into_iter().filter(|(k, _)| k != "limit" && k != "offset").collect();
        next.sort();
        next.push(("limit".into(), limit.to_string()));
        next.push(("offset".into(), (offset + returned).to_string()));
        let qs = serde_urlencoded::to_string(&next).expect("strings encode");
        links.push(serde_json::json!({"rel": "next", "type": "application/geo+json", "href": format!("/api/incidents?{qs}")}));
    }
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        Json(serde_json::json!({
            "type": "FeatureCollection",
            "numberMatched": page.matched,
            "numberReturned": returned,
            "fatalities": page.fatalities,
            "links": links,
            "features": features,
        })),
    ))
}

/// GET /api/incidents/{id}: the incident (flat), its reports and its history, as
/// far as the caller may see them (an incident held back from the caller is 404).
pub async fn get_one(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read incidents")?;
    let r = st
        .store
        .incident_for(&principal, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("incident {id} not found")))?;
    let f = feature(&r);
    let mut incident = f["properties"].clone();
    incident["latitude"] = r.located.incident.latitude.into();
    incident["longitude"] = r.located.incident.longitude.into();
    if let Some(d) = st.store.incident_restricted_for(&principal, id).await? {
        incident["restricted"] = serde_json::to_value(d).expect("serialises");
    }
    let reports = st.store.incident_reports_for(&principal, id).await?;
    let history = st.store.incident_history_for(&principal, id, &reports).await?;
    Ok(Json(serde_json::json!({
        "incident": incident,
        "geometry": f["geometry"],
        "reports": reports,
        "history": history,
    })))
}

/// GET /api/stats/monthly
pub async fn monthly(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read incident totals")?;
    let f = query_fields(q);
    f.only(FILTER_FIELDS)?;
    let rows = st.store.visible_stats(principal.visibility(), StatKey::Month, &filter(&f)?).await?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| serde_json::json!({"month": r.key, "incidents": r.incidents, "fatalities": r.best}))
        .collect();
    Ok(Json(out))
}

/// GET /api/areas?level=1|2: admin areas with incident and fatality totals for the
/// filters (areas with none get zeros).
pub async fn areas(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read admin areas")?;
    let f = query_fields(q);
    let mut known = FILTER_FIELDS.to_vec();
    known.push("level");
    f.only(&known)?;
    let level = f.i64_opt("level", 1, 2)?.unwrap_or(2) as u8;
    let key = if level == 1 { StatKey::Admin1 } else { StatKey::Admin2 };
    let totals: HashMap<String, (i64, i64)> =
        st.store.visible_stats(principal.visibility(), key, &filter(&f)?).await?.into_iter().map(|r| (r.key, (r.incidents, r.best))).collect();
    let areas = st.store.areas(level).await?;
    let features: Vec<Value> = areas
        .iter()
        .map(|a| {
            let (n, d) = totals.get(&a.code).copied().unwrap_or((0, 0));
            serde_json::json!({
                "type": "Feature",
                "id": a.code,
                "geometry": a.geometry_geojson(),
                "properties": {
                    "code": a.code,
                    // stores loaded before the spellings were corrected read right too
                    "name": vigil_geo::names::admin_spelling(&a.name),
                    "name_en": vigil_geo::names::english_name(vigil_geo::names::admin_spelling(&a.name)),
                    "level": level, "incidents": n, "fatalities": d,
                },
            })
        })
        .collect();
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        Json(serde_json::json!({"type": "FeatureCollection", "features": features})),
    ))
}

/// GET /api/places: towns for the report form (every logged-in role).
pub async fn places(State(st): State<AppState>, _auth: Auth) -> ApiResult<impl IntoResponse> {
    Ok(Json(st.store.places().await?))
}

/// GET /api/audit?limit=: the audit log, admins only.
pub async fn audit(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&crate::access::ADMIN, "read the audit log")?;
    let f = query_fields(q);
    f.only(&["limit"])?;
    let limit = f.i64_opt("limit", 1, 100_000)?.or(Some(1000));
    Ok(Json(st.store.audit_entries(limit).await?))
}

/// GET /api/audit/verify: recompute the chain and the audited rows (admins only);
/// checkpoints are checked by `vigil audit verify`, which reads them from their file.
pub async fn audit_verify(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&crate::access::ADMIN, "verify the audit log")?;
    let v = st.store.verify_audit(&[]).await?;
    let problems: Vec<Value> =
        v.problems.iter().map(|p| serde_json::json!({"problem": p, "message": p.to_string()})).collect();
    Ok(Json(serde_json::json!({"ok": v.ok(), "entries": v.entries, "problems": problems})))
}
