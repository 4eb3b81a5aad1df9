//! `GET /api/incidents/export`: the incidents the caller may see, with the map's
//! filters, as a file to download: GED-layout CSV, HXL-tagged CSV or GeoJSON, each
//! with Vigil's own fields (mission category, sensitivity, verification) after the
//! source's. Never restricted detail. Every export is an audit entry (who, which
//! format, which filter, how many incidents): a file leaves the system.

use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::incidents_api::{filter, query_fields, FILTER_FIELDS, READ};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use std::collections::HashMap;
use vigil_ingest::write::geojson_feature_mission;
use vigil_ingest::{write_feature_collection, GedWriter, HxlWriter};

fn io(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("writing the export: {e}"))
}

/// GET /api/incidents/export?format=csv|hxl|geojson&<the map's filters>
pub async fn export(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    auth.require(&READ, "export incidents")?;
    let f = query_fields(q);
    let mut known = FILTER_FIELDS.to_vec();
    known.push("format");
    f.only(&known)?;
    let format = f.str_opt("format", 10)?.unwrap_or_else(|| "csv".into());
    let filter = filter(&f)?;
    let vis = principal.visibility();
    let mut buf: Vec<u8> = Vec::new();
    let (n, content_type, ext) = match format.as_str() {
        "csv" | "hxl" => {
            let hxl = format == "hxl";
            let n = if hxl {
                let mut w = HxlWriter::with_mission(&mut buf).map_err(io)?;
                let n = st.store.for_each_visible_export(vis, &filter, |l, m| Ok(w.write_mission(&l, &m)?)).await?;
                w.finish().map_err(io)?;
                n
            } else {
                let mut w = GedWriter::with_mission(&mut buf).map_err(io)?;
                let n = st.store.for_each_visible_export(vis, &filter, |l, m| Ok(w.write_mission(&l, &m)?)).await?;
                w.finish().map_err(io)?;
                n
            };
            (n, "text/csv; charset=utf-8", if hxl { "hxl.csv" } else { "csv" })
        }
        "geojson" => {
            let mut features = Vec::new();
            let n = st
                .store
                .for_each_visible_export(vis, &filter, |l, m| {
                    features.push(geojson_feature_mission(&l, &m));
                    Ok(())
                })
                .await?;
            write_feature_collection::<_, std::io::Error>(&mut buf, features.into_iter().map(Ok)).map_err(io)?;
            (n, "application/geo+json", "geojson")
        }
        other => return Err(ApiError::field("format", format!("`{other}`: must be csv, hxl or geojson"))),
    };
    let details = serde_json::json!({"format": format, "filter": filter, "incidents": n, "role": auth.role().as_str()});
    st.store.audit_record(&auth.user.name, "export", "incidents", Some(&details)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"vigil-incidents.{ext}\"")),
        ],
        buf,
    ))
}
