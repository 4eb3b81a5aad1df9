//! Vigil's HTTP server: the JSON API (documented at `/api/openapi.json`), the web UI
//! and Leaflet embedded in the binary, and an optional local basemap.
//!
//! [`app`] builds the whole router from an [`AppState`]; `vigil serve` and `vigil
//! demo` bind it to a socket, tests drive it in-process. Nothing here fetches
//! anything from the network, and the Content-Security-Policy forbids the browser to.
//!
//! Modules: [`auth`] (login, sessions, CSRF, roles, rate limit), [`users_api`]
//! (account management), [`reports_api`]
//! (intake and triage), [`incidents_api`] (incidents, totals, areas, places, audit),
//! [`alerts_api`] (alerts), [`responses_api`] (responses, the response dashboard),
//! [`cap_api`] (CAP documents, the Atom feed, the rules in force), [`webhooks`]
//! (subscriptions and delivery), [`ogc_api`] (OGC API – Features for GIS clients),
//! [`assets`] (UI, Leaflet, tiles), [`config`] (vigil.toml), [`demo`] (bundled
//! demo data and users), [`access`] (who may call what), [`openapi`], [`error`].
//!
//! The handlers parse requests and shape responses; the use cases they call are in
//! `vigil-app` ([`vigil_app::Context`], which [`AppState`] dereferences to).
//! See ARCHITECTURE.md at the repository root.

// the hand-written OpenAPI document is one large `json!`
#![recursion_limit = "512"]

pub mod access;
pub mod alerts_api;
pub mod assets;
pub mod auth;
pub mod caller;
pub mod cap_access;
pub mod config;
pub mod demo;
pub mod error;
pub mod footprint_api;
pub mod forecasts_api;
pub mod corrections_api;
pub mod exports_api;
pub mod fieldnet_api;
pub mod rights_api;
pub mod rights_demo;
pub mod incidents_api;
pub mod incidents_map_api;
pub mod map_context_api;
pub mod movement_api;
pub mod odk_api;
pub mod odk_digest;
pub mod parameters_api;
pub mod ogc_api;
pub mod openapi;
pub mod reports_api;
pub mod responses_api;
pub mod cap_api;
pub mod users_api;
pub mod webhooks;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use vigil_store::Store;

pub use config::ServerConfig;

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("config {path}: {message}")]
    Config { path: String, message: String },
    #[error("basemap {path}: {message}")]
    Basemap { path: String, message: String },
    #[error(transparent)]
    Store(#[from] vigil_store::StoreError),
    #[error(transparent)]
    Report(#[from] vigil_store::reports::ReportError),
    #[error(transparent)]
    App(vigil_app::AppError),
    #[error("demo data: {0}")]
    Demo(String),
}

impl From<vigil_app::AppError> for ServerError {
    fn from(e: vigil_app::AppError) -> Self {
        match e {
            vigil_app::AppError::Config { path, message } => ServerError::Config { path, message },
            vigil_app::AppError::Store(e) => ServerError::Store(e),
            vigil_app::AppError::Report(e) => ServerError::Report(e),
            e => ServerError::App(e),
        }
    }
}

/// What every handler shares: the use cases' [`vigil_app::Context`] (the store and
/// the alerting state; `st.store`, `st.alerting` reach them) and what only HTTP
/// needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub cx: vigil_app::Context,
    pub config: Arc<ServerConfig>,
    pub limiter: Arc<auth::LoginLimiter>,
    pub tiles: Option<Arc<assets::TileSource>>,
    /// Whether the store holds synthetic records (for the banner), checked in the background.
    pub synthetic: Arc<SyntheticFlag>,
    /// The webhook delivery task (stopped when the last state is dropped).
    _webhooks: Arc<webhooks::Worker>,
}

impl std::ops::Deref for AppState {
    type Target = vigil_app::Context;
    fn deref(&self) -> &vigil_app::Context {
        &self.cx
    }
}

impl AppState {
    /// State for a store and config; opens the basemap if one is configured, loads
    /// the rules and starts webhook delivery.
    pub async fn new(store: Store, config: ServerConfig) -> Result<AppState, ServerError> {
        let tiles = assets::TileSource::open(&config.basemap).await?.map(Arc::new);
        let cx = vigil_app::Context::new(store, &config.alerting)?;
        let worker = webhooks::spawn(cx.store.clone(), config.alerting.webhooks.clone(), cx.alerting.wake.clone());
        let synthetic = Arc::new(SyntheticFlag::new(config.demo));
        synthetic.refresh(&cx.store);
        Ok(AppState {
            cx,
            synthetic,
            config: Arc::new(config),
            limiter: Arc::new(auth::LoginLimiter::default()),
            tiles,
            _webhooks: Arc::new(worker),
        })
    }
}

/// Browser hardening on every response: no remote origins for anything, no
/// framing, no MIME sniffing, no referrers; API answers are not cached.
const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// GET /api/demo-info (public): whether this is the demo and its data synthetic, the
/// basemap, so the login page can show the SYNTHETIC banner, and the server's "now"
/// (the demo clock under `vigil demo`, the wall clock otherwise) beside the wall
/// clock, so the UI reckons expiry, default dates and response times on the server's.
async fn demo_info(State(st): State<AppState>) -> impl IntoResponse {
    let synthetic = st.synthetic.get(&st.store);
    let basemap = st.tiles.as_ref().map(|t| {
        serde_json::json!({"url": "/tiles/{z}/{x}/{y}.png", "max_zoom": t.max_zoom(), "attribution": st.config.basemap.attribution})
    });
    Json(serde_json::json!({
        "demo": st.config.demo,
        "synthetic_data": synthetic,
        "notice": if synthetic {
            "Demo: every incident shown is SYNTHETIC (generated, not real reporting)."
        } else { "" },
        "basemap": basemap,
        "now": st.alerting.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "wall_clock": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }))
}

/// Whether the store holds synthetic incidents: the last answer of
/// [`Store::holds_synthetic`], asked again in the background when a minute old, so that
/// data imported while the server runs (by `vigil import` beside it) shows its label
/// without slowing the page that asks.
pub struct SyntheticFlag {
    value: std::sync::atomic::AtomicBool,
    checked: std::sync::Mutex<Option<std::time::Instant>>,
}

impl SyntheticFlag {
    const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

    fn new(initial: bool) -> Self {
        SyntheticFlag { value: initial.into(), checked: std::sync::Mutex::new(None) }
    }

    /// The last answer; starts a new check when it is stale.
    pub fn get(self: &Arc<Self>, store: &Store) -> bool {
        let stale = self.checked.lock().map(|c| c.is_none_or(|t| t.elapsed() > Self::MAX_AGE)).unwrap_or(true);
        if stale {
            self.refresh(store);
        }
        self.value.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Check the store in the background (one check at a time).
    fn refresh(self: &Arc<Self>, store: &Store) {
        if let Ok(mut c) = self.checked.lock() {
            *c = Some(std::time::Instant::now());
        }
        let (me, store) = (self.clone(), store.clone());
        tokio::spawn(async move {
            match store.holds_synthetic().await {
                Ok(v) => me.value.store(v, std::sync::atomic::Ordering::Relaxed),
                Err(e) => tracing::warn!("checking for synthetic records: {e}"),
            }
        });
    }
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::not_found("no such API endpoint (see /api/openapi.json)")
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/demo-info", get(demo_info))
        .route("/openapi.json", get(openapi::handler))
        .route("/categories", get(reports_api::categories))
        .route("/vocabulary", get(reports_api::vocabulary))
        .route(
            "/reports",
            get(reports_api::list)
                .post(reports_api::create)
                .layer(DefaultBodyLimit::max(reports_api::MAX_REPORT_BYTES)),
        )
        .route("/reports/{id}", get(reports_api::get_one))
        .route("/reports/{id}/raw", get(reports_api::raw))
        .route("/reports/{id}/attachments/{attachment}", get(reports_api::attachment))
        .route("/reports/{id}/verify", post(reports_api::verify))
        .route("/reports/{id}/merge", post(reports_api::merge))
        .route("/reports/{id}/discard", post(reports_api::discard))
        .route("/incidents", get(incidents_api::list))
        .route("/incidents/export", get(exports_api::export))
        .route("/incidents/map", get(incidents_map_api::map))
        .route("/map/towns", get(map_context_api::towns))
        .route("/incidents/{id}", get(incidents_api::get_one).patch(corrections_api::correct))
        .route("/incidents/{id}/retract", post(corrections_api::retract))
        .route("/stats/monthly", get(incidents_api::monthly))
        .route("/areas", get(incidents_api::areas))
        .route("/places", get(incidents_api::places))
        .route("/audit", get(incidents_api::audit))
        .route("/audit/verify", get(incidents_api::audit_verify))
        .merge(alerts_api::routes())
        .merge(responses_api::routes())
        .merge(cap_api::api_routes())
        .merge(users_api::routes())
        .merge(forecasts_api::routes())
        .merge(footprint_api::routes())
        .merge(rights_api::routes())
        .merge(movement_api::routes())
        .merge(fieldnet_api::routes())
        .merge(parameters_api::routes())
        .fallback(api_not_found);
    Router::new()
        .nest("/api", api)
        .merge(cap_api::routes())
        .merge(ogc_api::routes())
        .merge(odk_api::routes())
        .route("/tiles/{z}/{x}/{y}", get(assets::tile))
        .route("/vendor/leaflet/{*path}", get(assets::leaflet))
        .route("/", get(assets::index))
        .fallback(assets::ui_file)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serve the application on a bound listener until Ctrl-C (or SIGTERM), passing
/// client addresses through for the login rate limit.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
