//! Static files: the web UI (`crates/server/ui/`) and Leaflet's `dist/` (from
//! `node_modules`, installed by `npm ci`), both embedded into release binaries so the
//! server needs no network and no files beside it; and the optional local basemap.
//!
//! When `node_modules` was absent at build time the binary still builds; Leaflet's
//! URLs then answer 404 with a message saying to run `npm ci`.

use crate::auth::Auth;
use crate::config::BasemapConfig;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, ServerError};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;

#[derive(rust_embed::Embed)]
#[folder = "ui/"]
struct Ui;

#[derive(rust_embed::Embed)]
#[folder = "../../node_modules/leaflet/dist/"]
#[allow_missing = true]
struct Leaflet;

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(path: &str, data: std::borrow::Cow<'static, [u8]>) -> Response {
    ([(header::CONTENT_TYPE, mime(path)), (header::CACHE_CONTROL, "no-cache")], data.into_owned()).into_response()
}

/// GET /
pub async fn index() -> Response {
    match Ui::get("index.html") {
        Some(f) => file_response("index.html", f.data),
        None => (StatusCode::NOT_FOUND, "the web UI is missing from this build (crates/server/ui/index.html)")
            .into_response(),
    }
}

/// Any other path outside /api: a UI file, or 404.
pub async fn ui_file(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.split('/').any(|s| s == "..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    match Ui::get(path) {
        Some(f) => file_response(path, f.data),
        None => (StatusCode::NOT_FOUND, format!("not found: /{path}")).into_response(),
    }
}

/// GET /vendor/leaflet/{*path}
pub async fn leaflet(Path(path): Path<String>) -> Response {
    match Leaflet::get(&path) {
        Some(f) => file_response(&path, f.data),
        None if Leaflet::iter().next().is_none() => {
            (StatusCode::NOT_FOUND, "Leaflet was not embedded: run `npm ci` at the repository root, then rebuild")
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, format!("not found: /vendor/leaflet/{path}")).into_response(),
    }
}

/// Where basemap tiles come from.
pub enum TileSource {
    Dir { root: PathBuf, max_zoom: u8 },
    Mbtiles { pool: sqlx::SqlitePool, max_zoom: u8 },
}

impl TileSource {
    /// Open what `[basemap]` names, if anything; a named source that cannot be read
    /// is an error at startup rather than a blank map later.
    pub async fn open(c: &BasemapConfig) -> Result<Option<TileSource>, ServerError> {
        let max_zoom = c.max_zoom.unwrap_or(12);
        if let Some(dir) = &c.tiles_dir {
            if !dir.is_dir() {
                return Err(ServerError::Basemap {
                    path: dir.display().to_string(),
                    message: "is not a folder".into(),
                });
            }
            return Ok(Some(TileSource::Dir { root: dir.clone(), max_zoom }));
        }
        if let Some(file) = &c.mbtiles {
            let err = |message: String| ServerError::Basemap { path: file.display().to_string(), message };
            if !file.is_file() {
                return Err(err("no such file".into()));
            }
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(2)
                .connect_with(opts)
                .await
                .map_err(|e| err(e.to_string()))?;
            sqlx::query("SELECT 1 FROM tiles LIMIT 1")
                .fetch_optional(&pool)
                .await
                .map_err(|e| err(format!("not an MBTiles file: {e}")))?;
            return Ok(Some(TileSource::Mbtiles { pool, max_zoom }));
        }
        Ok(None)
    }

    pub fn max_zoom(&self) -> u8 {
        match self {
            TileSource::Dir { max_zoom, .. } | TileSource::Mbtiles { max_zoom, .. } => *max_zoom,
        }
    }
}

/// GET /tiles/{z}/{x}/{y}.png (logged-in users).
pub async fn tile(
    State(st): State<AppState>,
    _auth: Auth,
    Path((z, x, y)): Path<(u32, u32, String)>,
) -> ApiResult<Response> {
    let Some(src) = st.tiles.as_ref() else {
        return Err(ApiError::not_found("no basemap configured"));
    };
    let y: u32 = y.strip_suffix(".png").unwrap_or(&y).parse().map_err(|_| ApiError::not_found("bad tile row"))?;
    if z > 22 || x >= (1u32 << z) || y >= (1u32 << z) {
        return Err(ApiError::not_found("no such tile"));
    }
    let bytes: Option<Vec<u8>> = match &**src {
        TileSource::Dir { root, .. } => {
            tokio::fs::read(root.join(z.to_string()).join(x.to_string()).join(format!("{y}.png"))).await.ok()
        }
        TileSource::Mbtiles { pool, .. } => {
            // MBTiles rows count from the south (TMS)
            let tms_y = (1i64 << z) - 1 - y as i64;
            sqlx::query_scalar(
                "SELECT tile_data FROM tiles WHERE zoom_level = $1 AND tile_column = $2 AND tile_row = $3",
            )
            .bind(z as i64)
            .bind(x as i64)
            .bind(tms_y)
            .fetch_optional(pool)
            .await
            .map_err(ApiError::internal)?
        }
    };
    match bytes {
        Some(b) => {
            Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "max-age=86400")], b).into_response())
        }
        None => Err(ApiError::not_found("no such tile")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI is a tree of ES modules: every one of them, in every subfolder, is
    /// embedded and served as JavaScript (a browser refuses a module of another type).
    #[test]
    fn ui_modules_in_subfolders_are_embedded_as_javascript() {
        let modules: Vec<String> = Ui::iter().filter(|p| p.ends_with(".js")).map(|p| p.into_owned()).collect();
        assert!(modules.iter().any(|p| p == "main.js"), "main.js is embedded: {modules:?}");
        assert!(modules.iter().any(|p| p.starts_with("views/") && p.matches('/').count() >= 2), "views/*/… are embedded: {modules:?}");
        for p in &modules {
            assert_eq!(mime(p), "text/javascript; charset=utf-8", "{p}");
        }
        let index = Ui::get("index.html").expect("index.html");
        let html = std::str::from_utf8(&index.data).expect("utf-8");
        assert!(html.contains(r#"<script type="module" src="/main.js"></script>"#), "index.html loads the entry module");
        assert_eq!(html.matches("<script").count(), 1, "one script: the entry module");
    }
}
