//! OGC API – Features (Part 1: Core, GeoJSON) under `/ogc`, so that QGIS, GDAL and
//! other GIS clients read incidents and admin areas straight from Vigil: the landing
//! page, conformance, the collections `incidents`, `admin1` and `admin2`, and their
//! items, paged with `limit` / `offset` and `next` links and filtered by `bbox` and
//! `datetime` (incidents also by `type`, `admin1`, `admin2`, `country`, `gid`).
//!
//! The same roles as the JSON API read the data, with the same bearer tokens (GDAL:
//! `GDAL_HTTP_HEADERS="Authorization: Bearer …"`); restricted detail never appears,
//! and incidents above the caller's sensitivity level (`vigil_store::access`) are
//! neither listed, counted, found (404) nor part of the extent.
//! The landing page and conformance are open, as the standard expects of a client's
//! first look. Invalid parameters are `400` (not the API's `422`), as the standard asks.

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::incidents_api::{feature, filter, query_fields, READ};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use geo::BoundingRect;
use serde_json::{json, Value};
use std::collections::HashMap;
use vigil_store::access::Visibility;

/// Items per page unless `limit` says otherwise.
pub const ITEMS_DEFAULT: i64 = 1_000;
/// The most one page holds.
pub const ITEMS_MAX: i64 = 10_000;

const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const GEOJSON: &str = "application/geo+json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{collection}", get(collection))
        .route("/ogc/collections/{collection}/items", get(items))
        .route("/ogc/collections/{collection}/items/{feature}", get(item))
}

/// The `/ogc` paths for the OpenAPI document.
pub fn openapi_paths() -> Value {
    use crate::openapi::with;
    let q = |name: &str, schema: Value, description: &str| {
        json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
    };
    let cid = json!({"name": "collection", "in": "path", "required": true,
        "schema": {"type": "string", "enum": COLLECTIONS.iter().map(|c| c.0).collect::<Vec<_>>()}});
    let fid = json!({"name": "feature", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "incident store id, or admin area code"});
    let fc = json!({"description": "GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp and self / next links",
        "content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}});
    let reads = "analyst, responder, hr_officer, planner, admin";
    json!({
        "/ogc": {"get": {"summary": "OGC API – Features landing page (no login)",
            "responses": with("200", json!({"description": "links to conformance, collections, this document"}), &[])}},
        "/ogc/conformance": {"get": {"summary": "Conformance classes: Core, GeoJSON (no login)",
            "responses": with("200", json!({"description": "conformsTo"}), &[])}},
        "/ogc/collections": {"get": {"summary": "The collections: incidents, admin1, admin2, with their extents",
            "description": format!("Roles: {reads}."), "responses": with("200", json!({"description": "collections"}), &["401", "403"])}},
        "/ogc/collections/{collection}": {"get": {"summary": "One collection", "parameters": [cid.clone()],
            "responses": with("200", json!({"description": "collection"}), &["401", "403", "404"])}},
        "/ogc/collections/{collection}/items": {"get": {"summary": "A page of a collection's features",
            "description": "Incidents newest first; unknown parameters are 400. Incidents also take the API's filters: from, to, type, admin1, admin2, gid, country.",
            "parameters": [cid.clone(),
                q("limit", json!({"type": "integer", "minimum": 1, "maximum": ITEMS_MAX, "default": ITEMS_DEFAULT}), "features per page"),
                q("offset", json!({"type": "integer", "minimum": 0, "default": 0}), "features to skip"),
                q("bbox", json!({"type": "string"}), "west,south,east,north in CRS84"),
                q("datetime", json!({"type": "string"}), "a date or date-time, or an interval a/b with .. for an open end (incidents: start date)"),
                q("horizon", json!({"type": "integer", "minimum": 1}), "forecast only: months ahead")],
            "responses": with("200", fc, &["400", "401", "403", "404"])}},
        "/ogc/collections/{collection}/items/{feature}": {"get": {"summary": "One feature", "parameters": [cid, fid],
            "responses": with("200", json!({"description": "GeoJSON Feature", "content": {GEOJSON: {}}}), &["401", "403", "404"])}},
    })
}

/// `400` naming the parameter.
fn bad(param: &str, message: impl Into<String>) -> ApiError {
    let mut e = ApiError::field(param, message);
    e.status = StatusCode::BAD_REQUEST;
    e
}

/// Query-string fields, `f=json` (the one format) allowed and then ignored.
fn params(q: HashMap<String, String>) -> ApiResult<Fields> {
    if let Some(f) = q.get("f").filter(|f| !matches!(f.as_str(), "json" | "geojson")) {
        return Err(bad("f", format!("format `{f}` is not served; json is")));
    }
    Ok(query_fields(q.into_iter().filter(|(k, _)| k != "f").collect()))
}

/// Field errors of the shared filters become `400` here.
fn as_bad(e: ApiError) -> ApiError {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        let mut e = e;
        e.status = StatusCode::BAD_REQUEST;
        e
    } else {
        e
    }
}

/// The server's base URL as the client reached it (links must be absolute for
/// some clients), from the Host header.
fn base(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let proto = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    format!("{proto}://{host}")
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

fn geojson(v: Value) -> Response {
    ([(header::CONTENT_TYPE, GEOJSON)], Json(v)).into_response()
}

/// GET /ogc
async fn landing(headers: HeaderMap) -> Json<Value> {
    let b = base(&headers);
    Json(json!({
        "title": "Vigil",
        "description": "Incidents and admin areas of this Vigil server as OGC API – Features.",
        "links": [
            link(format!("{b}/ogc"), "self", "application/json", "this document"),
            link(format!("{b}/api/openapi.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
            link(format!("{b}/ogc/conformance"), "conformance", "application/json", "conformance classes"),
            link(format!("{b}/ogc/collections"), "data", "application/json", "the collections"),
        ],
    }))
}

/// GET /ogc/conformance
async fn conformance() -> Json<Value> {
    Json(json!({"conformsTo": CONFORMANCE}))
}

/// The collections served: id, title, description.
const COLLECTIONS: &[(&str, &str, &str)] = &[
    ("incidents", "Incidents", "Incidents (GED / ACLED fields, Vigil's admin and PRIO-GRID placement) as points."),
    ("admin1", "Admin areas, level 1", "Regions (admin level 1) as loaded with `vigil boundaries import`."),
    ("admin2", "Admin areas, level 2", "Cercles (admin level 2) as loaded with `vigil boundaries import`."),
    ("forecast", "Forecast, latest cell run", "The latest stored PRIO-GRID cell forecast run: per cell (0.5° polygon) and horizon, P(at least one death), expected deaths, quantiles q05–q95, month, model_used (the guard's fallback, if any). Filter with `horizon`."),
];

async fn describe(st: &AppState, vis: Visibility, b: &str, id: &str) -> ApiResult<Value> {
    let (_, title, description) =
        COLLECTIONS.iter().find(|c| c.0 == id).ok_or_else(|| ApiError::not_found(format!("no collection `{id}`")))?;
    let mut extent = json!({});
    if id == "forecast" {
        // the extent of the cells is the country's: no extent is claimed
    } else if id == "incidents" {
        if let Some((bbox, first, last)) = st.store.incident_extent(vis).await? {
            extent = json!({
                "spatial": {"bbox": [bbox], "crs": CRS84},
                "temporal": {"interval": [[format!("{first}T00:00:00Z"), format!("{last}T23:59:59Z")]],
                    "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
            });
        }
    } else {
        let areas = st.store.areas(level_of(id)).await?;
        if let Some(bbox) = areas_bbox(&areas) {
            extent = json!({"spatial": {"bbox": [bbox], "crs": CRS84}});
        }
    }
    Ok(json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            link(format!("{b}/ogc/collections/{id}"), "self", "application/json", "this collection"),
            link(format!("{b}/ogc/collections/{id}/items"), "items", GEOJSON, "its features"),
        ],
    }))
}

fn level_of(collection: &str) -> u8 {
    if collection == "admin1" {
        1
    } else {
        2
    }
}

fn areas_bbox(areas: &[vigil_geo::AdminArea]) -> Option<[f64; 4]> {
    areas.iter().filter_map(|a| a.geometry.bounding_rect()).fold(None, |acc, r| {
        let (min, max) = (r.min(), r.max());
        Some(match acc {
            None => [min.x, min.y, max.x, max.y],
            Some([w, s, e, n]) => [w.min(min.x), s.min(min.y), e.max(max.x), n.max(max.y)],
        })
    })
}

/// GET /ogc/collections
async fn collections(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    auth.require(&READ, "read incidents and admin areas")?;
    let b = base(&headers);
    let mut list = Vec::new();
    for (id, _, _) in COLLECTIONS {
        list.push(describe(&st, principal.visibility(), &b, id).await?);
    }
    Ok(Json(json!({
        "links": [link(format!("{b}/ogc/collections"), "self", "application/json", "the collections")],
        "collections": list,
    })))
}

/// GET /ogc/collections/{collection}
async fn collection(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth.require(&READ, "read incidents and admin areas")?;
    Ok(Json(describe(&st, principal.visibility(), &base(&headers), &id).await?))
}

/// `bbox=west,south,east,north` (CRS84).
fn read_bbox(f: &Fields) -> ApiResult<Option<[f64; 4]>> {
    let Some(s) = f.str_opt("bbox", 200)? else { return Ok(None) };
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("bbox", "must be four numbers: west,south,east,north"))?;
    let [w, s, e, n] = v[..] else {
        return Err(bad("bbox", format!("must be four numbers (west,south,east,north), got {}", v.len())));
    };
    if !v.iter().all(|x| x.is_finite()) || w.abs() > 180.0 || e.abs() > 180.0 || s.abs() > 90.0 || n.abs() > 90.0 {
        return Err(bad("bbox", "longitudes must be within ±180 and latitudes within ±90"));
    }
    if s > n {
        return Err(bad("bbox", "south is above north"));
    }
    Ok(Some([w, s, e, n]))
}

/// `datetime`: an instant or date, or an interval `a/b` with `..` (or nothing) for an
/// open end, read as the days its dates fall on (incidents are dated by day).
fn read_datetime(f: &Fields) -> ApiResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let Some(s) = f.str_opt("datetime", 100)? else { return Ok((None, None)) };
    let day = |x: &str| -> ApiResult<Option<NaiveDate>> {
        let x = x.trim();
        if x.is_empty() || x == ".." {
            return Ok(None);
        }
        let date = x.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let rest_ok = x.len() == 10 || chrono::DateTime::parse_from_rfc3339(x).is_ok();
        match date {
            Some(d) if rest_ok => Ok(Some(d)),
            _ => Err(bad("datetime", format!("`{x}` is not an RFC 3339 date or date-time"))),
        }
    };
    let (from, to) = match s.split_once('/') {
        Some((a, b)) => (day(a)?, day(b)?),
        None => {
            let d = day(&s)?.ok_or_else(|| bad("datetime", "an open interval needs a `/`"))?;
            (Some(d), Some(d))
        }
    };
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(bad("datetime", "the interval ends before it starts"));
        }
    }
    Ok((from, to))
}

/// `limit` and `offset`; a limit above the maximum is the maximum, not an error (as
/// the standard requires).
fn read_page(f: &Fields) -> ApiResult<(i64, i64)> {
    let limit = match f.str_opt("limit", 40)? {
        None => ITEMS_DEFAULT,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if n >= 1 => n.min(ITEMS_MAX as u64) as i64,
            _ => return Err(bad("limit", format!("must be a whole number from 1 (at most {ITEMS_MAX} are served), got `{s}`"))),
        },
    };
    let offset = f.i64_opt("offset", 0, i64::from(i32::MAX)).map_err(as_bad)?.unwrap_or(0);
    Ok((limit, offset))
}

/// The `self` and `next` links of a page: the request's own parameters, with the
/// offset moved on.
fn page_links(b: &str, id: &str, q: &HashMap<String, String>, offset: i64, returned: i64, matched: i64) -> Vec<Value> {
    let with_offset = |o: i64| {
        let mut p: Vec<(&str, String)> =
            q.iter().filter(|(k, _)| k.as_str() != "offset").map(|(k, v)| (k.as_str(), v.clone())).collect();
        p.sort();
        if o > 0 {
            p.push(("offset", o.to_string()));
        }
        let qs = serde_urlencoded::to_string(&p).expect("strings encode");
        let sep = if qs.is_empty() { "" } else { "?" };
        format!("{b}/ogc/collections/{id}/items{sep}{qs}")
    };
    let mut links = vec![link(with_offset(offset), "self", GEOJSON, "this page")];
    if offset + returned < matched {
        links.push(link(with_offset(offset + returned), "next", GEOJSON, "the next page"));
    }
    links
}

fn time_stamp(st: &AppState) -> String {
    st.alerting.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// GET /ogc/collections/{collection}/items
async fn items(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    auth.require(&READ, "read incidents and admin areas")?;
    if !COLLECTIONS.iter().any(|c| c.0 == id) {
        return Err(ApiError::not_found(format!("no collection `{id}`")));
    }
    let b = base(&headers);
    let f = params(q.clone())?;
    let (limit, offset) = read_page(&f)?;
    let bbox = read_bbox(&f)?;
    let (features, matched) = if id == "incidents" {
        f.only(&["limit", "offset", "bbox", "datetime", "from", "to", "type", "admin1", "admin2", "gid", "country", "category"])
            .map_err(as_bad)?;
        let mut fl = filter(&f).map_err(as_bad)?;
        let (from, to) = read_datetime(&f)?;
        fl.from = fl.from.max(from);
        fl.to = match (fl.to, to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let page = st.store.incident_page(principal.visibility(), &fl, bbox, limit, offset).await?;
        (page.records.iter().map(ogc_feature).collect::<Vec<_>>(), page.matched)
    } else if id == "forecast" {
        f.only(&["limit", "offset", "bbox", "horizon"]).map_err(as_bad)?;
        let h = f.i64_opt("horizon", 1, 120).map_err(as_bad)?.map(|h| h as u32);
        let hits = crate::forecasts_api::ogc_features(&st, h, bbox).await?;
        let matched = hits.len() as i64;
        (hits.into_iter().skip(offset as usize).take(limit as usize).collect(), matched)
    } else {
        f.only(&["limit", "offset", "bbox"]).map_err(as_bad)?;
        let areas = st.store.areas(level_of(&id)).await?;
        let hits: Vec<Value> = areas.iter().filter(|a| bbox.is_none_or(|bb| meets(a, bb))).map(area_feature).collect();
        let matched = hits.len() as i64;
        (hits.into_iter().skip(offset as usize).take(limit as usize).collect(), matched)
    };
    let returned = features.len() as i64;
    Ok(geojson(json!({
        "type": "FeatureCollection",
        "timeStamp": time_stamp(&st),
        "numberMatched": matched,
        "numberReturned": returned,
        "links": page_links(&b, &id, &q, offset, returned, matched),
        "features": features,
    })))
}

/// GET /ogc/collections/{collection}/items/{feature}
async fn item(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    headers: HeaderMap,
    Path((id, fid)): Path<(String, String)>,
) -> ApiResult<Response> {
    auth.require(&READ, "read incidents and admin areas")?;
    let b = base(&headers);
    let missing = || ApiError::not_found(format!("no feature `{fid}` in collection `{id}`"));
    let mut feat = match id.as_str() {
        "incidents" => {
            let n: i64 = fid.parse().map_err(|_| missing())?;
            ogc_feature(&st.store.incident_for(&principal, n).await?.ok_or_else(missing)?)
        }
        "forecast" => crate::forecasts_api::ogc_features(&st, None, None)
            .await?
            .into_iter()
            .find(|f| f["id"] == fid.as_str())
            .ok_or_else(missing)?,
        "admin1" | "admin2" => {
            let areas = st.store.areas(level_of(&id)).await?;
            area_feature(areas.iter().find(|a| a.code == fid).ok_or_else(missing)?)
        }
        _ => return Err(ApiError::not_found(format!("no collection `{id}`"))),
    };
    feat["links"] = json!([
        link(format!("{b}/ogc/collections/{id}/items/{fid}"), "self", GEOJSON, "this feature"),
        link(format!("{b}/ogc/collections/{id}"), "collection", "application/json", "its collection"),
    ]);
    Ok(geojson(feat))
}

/// An incident as an OGC feature: the store id is the feature id (what
/// `/items/{feature}` takes); the source and its id stay in the properties.
fn ogc_feature(r: &vigil_store::reports::IncidentRecord) -> Value {
    let mut f = feature(r);
    f["id"] = r.id.into();
    f
}

fn area_feature(a: &vigil_geo::AdminArea) -> Value {
    json!({
        "type": "Feature",
        "id": a.code,
        "geometry": a.geometry_geojson(),
        "properties": {"code": a.code, "name": a.name, "level": a.level},
    })
}

/// The area's bounding box meets `bbox` (what a map view asks for).
fn meets(a: &vigil_geo::AdminArea, [w, s, e, n]: [f64; 4]) -> bool {
    let Some(r) = a.geometry.bounding_rect() else { return false };
    let lat = r.min().y <= n && r.max().y >= s;
    let lon = if w <= e { r.min().x <= e && r.max().x >= w } else { r.max().x >= w || r.min().x <= e };
    lat && lon
}
