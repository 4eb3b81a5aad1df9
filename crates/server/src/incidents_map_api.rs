//! GET /api/incidents/map (issue 15): what the map draws for its box and zoom.
//!
//! The same filters and the same visibility as `GET /api/incidents` (an incident the
//! caller may not see is neither counted nor drawn, see `vigil_store::access`). When
//! the box holds at most [`POINTS_MAX`] incidents they come back as GeoJSON points with
//! the properties the popups show; otherwise as counts per grid cell, the cell size
//! chosen from the zoom (`vigil_store::incident_map::cell_size_for_zoom`). `total` counts
//! every incident matching the filters, in the box or not, so the map's summary never
//! depends on where it is looking.

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::incidents_api::{feature, filter, query_fields, READ};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use vigil_store::incident_map::cell_size_for_zoom;

/// Up to this many incidents in the box come back as points; more as cells.
pub const POINTS_MAX: i64 = 2000;

/// `bbox=west,south,east,north` in degrees (west > east crosses the antimeridian);
/// the whole world when absent.
fn read_bbox(f: &Fields) -> ApiResult<[f64; 4]> {
    let Some(s) = f.str_opt("bbox", 200)? else {
        return Ok([-180.0, -90.0, 180.0, 90.0]);
    };
    let bad = |m: &str| ApiError::field("bbox", m.to_string());
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("must be four numbers: west,south,east,north"))?;
    let [w, s, e, n] = v[..] else {
        return Err(bad("must be four numbers: west,south,east,north"));
    };
    if !v.iter().all(|x| x.is_finite()) {
        return Err(bad("must be four finite numbers"));
    }
    if s > n {
        return Err(bad("south is above north"));
    }
    // a map zoomed out past the world's edge asks for more than ±180 / ±90: clamp it
    let (s, n) = (s.max(-90.0), n.min(90.0));
    if e - w >= 360.0 {
        return Ok([-180.0, s, 180.0, n]);
    }
    let wrap = |x: f64| ((x + 180.0).rem_euclid(360.0)) - 180.0;
    let (w, e) = (wrap(w), wrap(e));
    // an east edge that wrapped onto -180 means the box ends at the antimeridian
    Ok([w, s, if e == -180.0 && w > e { 180.0 } else { e }, n])
}

/// GET /api/incidents/map?bbox=w,s,e,n&zoom=z&(the map's filters)
pub async fn map(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "read incidents")?;
    let f = query_fields(q);
    let mut known = crate::incidents_api::FILTER_FIELDS.to_vec();
    known.extend(["bbox", "zoom"]);
    f.only(&known)?;
    let filter = filter(&f)?;
    let bbox = read_bbox(&f)?;
    let zoom = f.f64_opt("zoom", 0.0, 22.0)?.unwrap_or(6.0);
    let vis = principal.visibility();
    let total = st.store.incident_map_totals(vis, &filter, None).await?;
    let in_view = st
        .store
        .incident_map_totals(vis, &filter, Some(bbox))
        .await?;
    let mut out = json!({
        "total": total,
        "in_view": in_view,
        "bbox": bbox,
        "zoom": zoom,
        "points_max": POINTS_MAX,
    });
    if in_view.count <= POINTS_MAX {
        let page = st
            .store
            .incident_page(vis, &filter, Some(bbox), POINTS_MAX, 0)
            .await?;
        let features: Vec<Value> = page.records.iter().map(feature).collect();
        out["mode"] = "points".into();
        out["features"] = Value::Array(features);
        out["cells"] = json!([]);
    } else {
        let size = cell_size_for_zoom(zoom);
        let cells = st
            .store
            .incident_map_cells(vis, &filter, bbox, size)
            .await?;
        out["mode"] = "cells".into();
        out["cell_size"] = size.into();
        out["cells"] = serde_json::to_value(cells).expect("serialises");
        out["features"] = json!([]);
    }
    Ok(Json(out))
}

/// The OpenAPI entry of this route.
pub fn openapi_paths() -> Value {
    let mut params = crate::openapi::filter_params()
        .as_array()
        .cloned()
        .unwrap_or_default();
    params.push(json!({"name": "bbox", "in": "query", "schema": {"type": "string"}, "description": "west,south,east,north in degrees (default: the world)"}));
    params.push(json!({"name": "zoom", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 22, "default": 6}, "description": "the map's zoom: decides the grid cell size (90 / 2^round(zoom) degrees)"}));
    json!({
        "/api/incidents/map": {"get": {
            "summary": "What the map draws for a box and zoom: points when the box holds at most 2,000 incidents, else counts per grid cell",
            "description": "Roles: analyst, responder, hr_officer, planner, admin. The same filters and visibility as /api/incidents. `total` counts all incidents matching the filters; `in_view` those in the box; `mode` is `points` (`features`, GeoJSON) or `cells` (`cells`: col, row, count, fatalities, lat, lon, bbox; `cell_size` in degrees).",
            "parameters": params,
            "responses": {
                "200": {"description": "totals and points or cells", "content": {"application/json": {"schema": {"type": "object"}}}},
                "401": {"description": "not logged in"},
                "403": {"description": "role may not read incidents"},
                "422": {"description": "a bad filter, bbox or zoom (the field is named)"}
            }
        }}
    })
}
