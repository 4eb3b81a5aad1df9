//! Webhook delivery: a background task that POSTs the outbox (CAP XML or JSON, as
//! each subscription asked) with exponential backoff.
//!
//! The queue is the `webhook_outbox` table, written in the same transaction as the
//! alert change that caused the event, so an event is never lost: not when the
//! receiver is down, not across a restart. Each attempt first *claims* the row (moves
//! its next attempt past the attempt's timeout), so a crash mid-attempt is retried
//! and two server processes sharing a database do not both send it. A receiver may
//! still see a delivery twice if the process dies between its 2xx answer and the
//! commit that records it: every request carries `X-Vigil-Delivery` (the outbox id)
//! so receivers can drop repeats.
//!
//! Plain HTTP/1.1 only (hyper-util's client, no TLS stack): receivers are expected on
//! the mission network or loopback; put a TLS-terminating relay in front otherwise.
//! Admins see pending and failed deliveries at `GET /api/webhooks`.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use vigil_store::alerts::{Delivery, WEBHOOK_FORMATS};
use vigil_store::Store;

/// `[webhooks]` in vigil.toml (defined with the alerting settings in `vigil-app`).
pub use vigil_app::alerting::WebhookSettings;

/// The running delivery task; aborted when dropped (with the last [`AppState`]).
pub struct Worker {
    handle: tokio::task::AbortHandle,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Start delivering. `wake` is notified when new outbox rows are committed.
pub fn spawn(store: Store, settings: WebhookSettings, wake: Arc<Notify>) -> Worker {
    let handle = tokio::spawn(run(store, settings, wake)).abort_handle();
    Worker { handle }
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn run(store: Store, settings: WebhookSettings, wake: Arc<Notify>) {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    loop {
        if let Err(e) = round(&store, &settings, &client).await {
            tracing::warn!("webhook delivery round: {e}");
        }
        let idle = Duration::from_secs(60);
        let wait = match store.next_delivery_at().await {
            Ok(Some(t)) => match DateTime::parse_from_rfc3339(&t) {
                Ok(t) => (t.with_timezone(&Utc) - Utc::now()).to_std().unwrap_or(Duration::ZERO).min(idle),
                Err(_) => idle,
            },
            Ok(None) => idle,
            Err(e) => {
                tracing::warn!("webhook outbox: {e}");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait.max(Duration::from_millis(20))) => {}
            _ = wake.notified() => {}
        }
    }
}

/// Deliver everything due now.
async fn round(store: &Store, s: &WebhookSettings, client: &HttpClient) -> vigil_store::Result<()> {
    loop {
        let due = store.due_deliveries(&stamp(Utc::now()), 20).await?;
        if due.is_empty() {
            return Ok(());
        }
        for d in due {
            let lease = Utc::now() + chrono::Duration::milliseconds(s.timeout_ms as i64 + 30_000);
            if !store.claim_delivery(&d, &stamp(lease)).await? {
                continue;
            }
            let result = post(client, &d, Duration::from_millis(s.timeout_ms)).await;
            match result {
                Ok(()) => store.record_delivery(&d, Ok(())).await?,
                Err(e) => {
                    let e = e.to_string();
                    let next = s.retry_delay(d.attempts + 1).map(|delay| {
                        stamp(Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1)))
                    });
                    tracing::info!("webhook delivery {} to {} failed: {e}", d.id, d.url);
                    store.record_delivery(&d, Err((&e, next.as_deref()))).await?
                }
            }
        }
    }
}

/// Why one delivery attempt failed (stored as text with the delivery).
#[derive(Debug, thiserror::Error)]
enum DeliveryError {
    #[error("bad request: {0}")]
    BadRequest(hyper::http::Error),
    #[error("no answer within {0} ms")]
    Timeout(u128),
    #[error("request failed: {0}")]
    Failed(hyper_util::client::legacy::Error),
    #[error("HTTP {0}")]
    Status(u16),
}

async fn post(client: &HttpClient, d: &Delivery, timeout: Duration) -> Result<(), DeliveryError> {
    let req = hyper::Request::post(d.url.as_str())
        .header(hyper::header::CONTENT_TYPE, d.content_type.as_str())
        .header(hyper::header::USER_AGENT, "vigil-webhooks/1")
        .header("x-vigil-event", d.event.as_str())
        .header("x-vigil-delivery", d.id.to_string())
        .body(Full::new(Bytes::from(d.payload.clone())))
        .map_err(DeliveryError::BadRequest)?;
    let res = tokio::time::timeout(timeout, client.request(req))
        .await
        .map_err(|_| DeliveryError::Timeout(timeout.as_millis()))?
        .map_err(DeliveryError::Failed)?;
    let status = res.status();
    // read (and drop) the body so the connection can be reused
    let _ = tokio::time::timeout(timeout, http_body_util::BodyExt::collect(res.into_body())).await;
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

use crate::access::ADMIN;

/// GET /api/webhooks (admin): subscriptions, and pending, failed and recent deliveries.
pub async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require(&ADMIN, "manage webhooks")?;
    let subs = st.store.webhooks().await?;
    let recent = st.store.deliveries(false, 200).await?;
    let pending = recent.iter().filter(|d| d.delivered_at.is_none() && d.failed_at.is_none()).count();
    let failed = recent.iter().filter(|d| d.failed_at.is_some()).count();
    let retrying = recent.iter().filter(|d| d.delivered_at.is_none() && d.failed_at.is_none() && d.attempts > 0).count();
    Ok(Json(serde_json::json!({
        "subscriptions": subs,
        "pending": pending,
        "retrying": retrying,
        "failed": failed,
        "deliveries": recent,
    })))
}

/// POST /api/webhooks (admin) `{url, format: cap|json}`.
pub async fn create(State(st): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<impl IntoResponse> {
    auth.require(&ADMIN, "manage webhooks")?;
    let f = Fields::from_json(&body)?;
    f.only(&["url", "format"])?;
    let url = f.str_req("url", 2000)?;
    match url.parse::<hyper::Uri>() {
        Ok(u) if u.scheme_str() == Some("http") && u.host().is_some() => {}
        Ok(u) if u.scheme_str() == Some("https") => {
            return Err(ApiError::field(
                "url",
                "https is not supported by the built-in client; use http:// on the mission network or a local TLS relay",
            ))
        }
        _ => return Err(ApiError::field("url", "must be an absolute http:// URL")),
    }
    let format = f.str_opt("format", 10)?.unwrap_or_else(|| "cap".into());
    if !WEBHOOK_FORMATS.contains(&format.as_str()) {
        return Err(ApiError::field("format", "must be cap or json"));
    }
    let sub = st.store.add_webhook(&auth.user.name, &url, &format).await?;
    Ok((StatusCode::CREATED, Json(sub)))
}

/// DELETE /api/webhooks/{id} (admin): stop delivering to it.
pub async fn delete(State(st): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<impl IntoResponse> {
    auth.require(&ADMIN, "manage webhooks")?;
    if !st.store.deactivate_webhook(&auth.user.name, id).await? {
        return Err(ApiError::not_found(format!("no active webhook {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}
