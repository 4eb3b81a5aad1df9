//! GET /api/map/towns (issue 15): the offline context layer of every map — the
//! GeoNames towns Vigil ships (`data/places/`, CC BY 4.0, "GeoNames, geonames.org"),
//! as GeoJSON points with their population, their names per language and the zoom
//! from which the map labels them (big towns at low zoom, smaller ones as one zooms
//! in). Nothing comes from the internet; every logged-in role may read it.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};


/// The zoom from which a town is labelled: capitals and towns of 500,000 or more
/// from zoom 4; regional capitals (GeoNames PPLA) and towns of 50,000 or more from 5
/// (the zoom a map of all Mali opens at); 10,000 or more from 6; cercle seats (PPLA2)
/// from 7; the rest from 8.
pub fn label_zoom(feature_code: &str, population: i64) -> u8 {
    if feature_code == "PPLC" || population >= 500_000 {
        4
    } else if feature_code == "PPLA" || population >= 50_000 {
        5
    } else if population >= 10_000 {
        6
    } else if feature_code == "PPLA2" {
        7
    } else {
        8
    }
}

/// The towns as a GeoJSON FeatureCollection, biggest first.
pub fn towns_geojson(csv_text: &str) -> Result<Value, String> {
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let mut rows = vec![];
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("towns file, line {line}: {e}"))?;
        let get = |k: usize| rec.get(k).unwrap_or("").trim();
        let id: i64 = get(0)
            .parse()
            .map_err(|_| format!("towns file, line {line}: bad geonameid `{}`", get(0)))?;
        let lat: f64 = get(6)
            .parse()
            .map_err(|_| format!("towns file, line {line}: bad latitude `{}`", get(6)))?;
        let lon: f64 = get(7)
            .parse()
            .map_err(|_| format!("towns file, line {line}: bad longitude `{}`", get(7)))?;
        let population: i64 = get(5).parse().unwrap_or(0);
        let name = get(1).to_string();
        // GeoNames names are English where English has its own (Timbuktu); the French
        // one comes from the one table of such names (vigil_geo::names). Others are the
        // same in both languages, with their accents (Ségou, Ménaka).
        let fr = vigil_geo::names::french_name(&name).unwrap_or(&name).to_string();
        let en = name.clone();
        rows.push((
            population,
            json!({
                "type": "Feature",
                "id": id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "geonameid": id, "name": name, "names": {"en": en, "fr": fr},
                    "country_code": get(2), "feature_code": get(3), "population": population,
                    "label_zoom": label_zoom(get(3), population),
                },
            }),
        ));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    Ok(json!({
        "type": "FeatureCollection",
        "attribution": "GeoNames, geonames.org (CC BY 4.0)",
        "features": rows.into_iter().map(|(_, f)| f).collect::<Vec<_>>(),
    }))
}

/// GET /api/map/towns
pub async fn towns(_auth: Auth) -> ApiResult<impl IntoResponse> {
    let fc = towns_geojson(crate::demo::PLACES_CSV).map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        Json(fc),
    ))
}

/// The OpenAPI entry of this route.
pub fn openapi_paths() -> Value {
    json!({
        "/api/map/towns": {"get": {
            "summary": "The towns of the maps' context layer (GeoNames, shipped with Vigil): name per language, population, the zoom from which each is labelled",
            "description": "Roles: any logged-in user.",
            "responses": {
                "200": {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                "401": {"description": "not logged in"}
            }
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_towns_are_labelled_first_and_names_keep_their_accents() {
        let fc = towns_geojson(crate::demo::PLACES_CSV).unwrap();
        let feats = fc["features"].as_array().unwrap();
        assert_eq!(feats.len(), 184);
        let by_name = |n: &str| {
            feats
                .iter()
                .find(|f| f["properties"]["name"] == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(by_name("Bamako")["properties"]["label_zoom"], 4);
        assert_eq!(by_name("Ségou")["properties"]["label_zoom"], 5);
        assert_eq!(
            by_name("Ménaka")["properties"]["label_zoom"],
            5,
            "a regional capital (PPLA) of 9,110"
        );
        assert_eq!(
            by_name("Tessalit")["properties"]["label_zoom"],
            7,
            "a cercle seat (PPLA2)"
        );
        let tim = &by_name("Timbuktu")["properties"]["names"];
        assert_eq!(
            (tim["en"].as_str(), tim["fr"].as_str()),
            (Some("Timbuktu"), Some("Tombouctou"))
        );
        assert_eq!(feats[0]["properties"]["name"], "Bamako", "biggest first");
    }

    #[test]
    fn label_zoom_by_rank_and_population() {
        assert_eq!(label_zoom("PPLC", 0), 4);
        assert_eq!(label_zoom("PPL", 600_000), 4);
        assert_eq!(label_zoom("PPL", 60_000), 5);
        assert_eq!(label_zoom("PPL", 12_000), 6);
        assert_eq!(label_zoom("PPLA2", 900), 7);
        assert_eq!(label_zoom("PPL", 900), 8);
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let e = towns_geojson(
            "geonameid,name,cc,fc,a1,pop,lat,lon\n1,A,ML,PPL,,5,12.0,-8.0\nx,B,ML,PPL,,5,1,1\n",
        )
        .unwrap_err();
        assert!(e.contains("line 3") && e.contains("geonameid"), "{e}");
    }
}
