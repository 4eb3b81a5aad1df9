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
//! the mission network; put a TLS-terminating relay in front otherwise. Admins see
//! pending and failed deliveries at `GET /api/webhooks`.
//!
//! Where a webhook may point ([`check_url`], [`refused_ip`]): not at link-local
//! addresses (169.254.0.0/16, fe80::/10: cloud metadata services answer there), known
//! metadata names and addresses, unspecified, broadcast or multicast addresses; at
//! loopback only when `allow_loopback` is set; never with `user:password@` in the
//! URL. The check runs when a webhook is created and again at each delivery, where
//! the host name is resolved and every address it resolves to is checked before
//! connecting to it (so a name cannot be re-pointed at a refused address later).

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
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use vigil_store::alerts::{Delivery, WEBHOOK_FORMATS};
use vigil_store::Store;

/// `[webhooks]` in vigil.toml (defined with the alerting settings in `vigil-app`).
pub use vigil_app::alerting::WebhookSettings;

/// Why webhooks may not be sent to `ip`, or `None` if they may.
pub fn refused_ip(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    if ip.is_unspecified() {
        return Some("the unspecified address");
    }
    if ip.is_loopback() {
        return (!allow_loopback).then_some("loopback (set allow_loopback in [webhooks] to allow it)");
    }
    if ip.is_multicast() {
        return Some("a multicast address");
    }
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_link_local() {
                Some("link-local (169.254.0.0/16, where cloud metadata services answer)")
            } else if v4.is_broadcast() {
                Some("the broadcast address")
            } else if v4 == Ipv4Addr::new(100, 100, 100, 200) {
                Some("a cloud metadata address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if v6.segments()[0] & 0xffc0 == 0xfe80 {
                Some("link-local (fe80::/10)")
            } else if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                Some("a cloud metadata address")
            } else {
                None
            }
        }
    }
}

/// Host names of cloud metadata services.
const METADATA_HOSTS: &[&str] = &["metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"];

/// A webhook URL as it may be stored and used: absolute `http://`, no credentials,
/// and a host that is not a refused address or name (see [`refused_ip`]). Names
/// are checked again, resolved, at each delivery.
pub fn check_url(url: &str, allow_loopback: bool) -> Result<hyper::Uri, UrlRefused> {
    check_url_text(url, allow_loopback).map_err(UrlRefused)
}

/// Why a webhook URL is refused, as a sentence that follows "url: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UrlRefused(pub String);

fn check_url_text(url: &str, allow_loopback: bool) -> Result<hyper::Uri, String> {
    let uri = url.parse::<hyper::Uri>().map_err(|_| "must be an absolute http:// URL".to_string())?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err("https is not supported by the built-in client; use http:// on the mission network or a local TLS relay".into())
        }
        _ => return Err("must be an absolute http:// URL".into()),
    }
    let authority = uri.authority().ok_or("must be an absolute http:// URL")?;
    if authority.as_str().contains('@') {
        return Err("must not carry a user name or password (`user:password@`): they would be stored and shown in clear".into());
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err("must be an absolute http:// URL".into());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        if let Some(why) = refused_ip(ip, allow_loopback) {
            return Err(format!("points at {ip}, {why}"));
        }
    } else {
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        if METADATA_HOSTS.contains(&name.as_str()) {
            return Err(format!("points at {name}, a cloud metadata service"));
        }
        if (name == "localhost" || name.ends_with(".localhost")) && !allow_loopback {
            return Err(format!("points at {name}, loopback (set allow_loopback in [webhooks] to allow it)"));
        }
    }
    Ok(uri)
}

/// The URL with any `user:password@` replaced by `***@`, for showing a webhook that
/// was stored before such URLs were refused.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// The delivery client's resolver: the system's, then [`refused_ip`] on every
/// address a name resolves to; a name with any refused address is not connected to.
/// The connector then connects only to the addresses checked here.
#[derive(Clone, Debug)]
pub struct CheckedResolver {
    pub allow_loopback: bool,
}

impl tower::Service<Name> for CheckedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some((a, why)) = addrs.iter().find_map(|a| refused_ip(a.ip(), allow_loopback).map(|w| (a, w))) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{host} resolves to {}, {why}", a.ip()),
                ));
            }
            Ok(addrs.into_iter())
        })
    }
}


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

type HttpClient = Client<HttpConnector<CheckedResolver>, Full<Bytes>>;

async fn run(store: Store, settings: WebhookSettings, wake: Arc<Notify>) {
    let connector = HttpConnector::new_with_resolver(CheckedResolver { allow_loopback: settings.allow_loopback });
    let client: HttpClient = Client::builder(TokioExecutor::new()).build(connector);
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
            // checked again: the rules may have changed since it was stored
            let result = match check_url(&d.url, s.allow_loopback) {
                Ok(_) => post(client, &d, Duration::from_millis(s.timeout_ms)).await,
                Err(why) => Err(DeliveryError::Refused(why.0)),
            };
            match result {
                Ok(()) => store.record_delivery(&d, Ok(())).await?,
                Err(e) => {
                    let e = e.to_string();
                    let next = s.retry_delay(d.attempts + 1).map(|delay| {
                        stamp(Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1)))
                    });
                    tracing::info!("webhook delivery {} to {} failed: {e}", d.id, redact_url(&d.url));
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
    /// hyper's error says "client error (Connect)"; the reason (such as a refused
    /// resolved address) is in its sources, shown after it.
    #[error("request failed: {0}{more}", more = sources(.0))]
    Failed(hyper_util::client::legacy::Error),
    #[error("HTTP {0}")]
    Status(u16),
    /// The URL may not receive webhooks ([`check_url`]).
    #[error("refused: the URL {0}")]
    Refused(String),
}

/// `: source: source …` for each source of `e`.
fn sources(e: &dyn std::error::Error) -> String {
    let mut out = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
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
    let mut subs = st.store.webhooks().await?;
    let mut recent = st.store.deliveries(false, 200).await?;
    for s in &mut subs {
        s.url = redact_url(&s.url);
    }
    for d in &mut recent {
        d.url = redact_url(&d.url);
    }
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
    check_url(&url, st.config.alerting.webhooks.allow_loopback).map_err(|why| ApiError::field("url", why.0))?;
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
