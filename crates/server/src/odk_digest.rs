//! HTTP Digest authentication (RFC 7616, algorithm MD5, `qop=auth`) for the OpenRosa
//! endpoints, as ODK Collect does it: a request without credentials gets 401 with a
//! `WWW-Authenticate: Digest` challenge; the client answers with
//! `response = MD5(HA1:nonce:nc:cnonce:auth:MD5(method:uri))`, where HA1 =
//! MD5(`name:Vigil:password`) is stored for accounts that may submit reports (see
//! `vigil_store::odk`).
//!
//! Nonces are stateless: the time they were made and an HMAC of it under a key made at
//! start-up, valid for [`NONCE_SECS`]; an expired (or pre-restart) nonce gets a new
//! challenge with `stale=true`, which Collect answers without asking the user again.
//! Each `nc` of a nonce is accepted once (a replayed request is challenged again).
//! Failed attempts draw on the login limiter's bucket for the client address.

use hmac::{KeyInit, Mac};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};
use vigil_store::odk::{md5_hex, DIGEST_REALM};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// How long a nonce is good for.
pub const NONCE_SECS: i64 = 300;

static KEY: LazyLock<String> = LazyLock::new(vigil_store::accounts::random_token);
static OPAQUE: LazyLock<String> = LazyLock::new(|| md5_hex(format!("opaque:{}", *KEY).as_bytes()));
/// nonce → the nc values already used with it.
static SEEN: LazyLock<Mutex<HashMap<String, (i64, HashSet<u32>)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Makes each nonce unique (two clients challenged in the same second get different
/// nonces, so their nonce counts cannot collide).
static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn mac(ts: i64, n: u64) -> String {
    let mut m =
        <HmacSha256 as KeyInit>::new_from_slice(KEY.as_bytes()).expect("HMAC takes any key length");
    m.update(format!("nonce:{ts}:{n}").as_bytes());
    hex::encode(&m.finalize().into_bytes()[..16])
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh nonce.
pub fn nonce(now: i64) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{now:x}.{n:x}.{}", mac(now, n))
}

/// The `WWW-Authenticate` value of a challenge.
pub fn challenge(now: i64, stale: bool) -> String {
    format!(
        r#"Digest realm="{DIGEST_REALM}", qop="auth", algorithm=MD5, nonce="{}", opaque="{}"{}"#,
        nonce(now),
        *OPAQUE,
        if stale { ", stale=true" } else { "" }
    )
}

/// The parameters of an `Authorization: Digest …` header.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DigestParams {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
    pub response: String,
    pub algorithm: Option<String>,
}

/// Parse `Digest k="v", k=v, …`; `None` when it is not a Digest header or lacks a
/// required parameter.
pub fn parse(header: &str) -> Option<DigestParams> {
    let rest = header.trim();
    let (scheme, rest) = rest.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut p = DigestParams::default();
    let mut s = rest.trim();
    while !s.is_empty() {
        let (k, after) = s.split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (v, next) = if let Some(q) = after.strip_prefix('"') {
            // quoted-string, with backslash escapes
            let mut out = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n)
                        }
                    }
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => out.push(c),
                }
            }
            let end = end?;
            (out, &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        match k.as_str() {
            "username" => p.username = v,
            "realm" => p.realm = v,
            "nonce" => p.nonce = v,
            "uri" => p.uri = v,
            "qop" => p.qop = Some(v),
            "nc" => p.nc = Some(v),
            "cnonce" => p.cnonce = Some(v),
            "response" => p.response = v,
            "algorithm" => p.algorithm = Some(v),
            _ => {}
        }
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    (!p.username.is_empty() && !p.nonce.is_empty() && !p.uri.is_empty() && !p.response.is_empty())
        .then_some(p)
}

/// The expected `response` for `p` with `ha1` on `method`.
pub fn expected_response(p: &DigestParams, ha1: &str, method: &str) -> String {
    let ha2 = md5_hex(format!("{method}:{}", p.uri).as_bytes());
    match (&p.qop, &p.nc, &p.cnonce) {
        (Some(qop), Some(nc), Some(cnonce)) => {
            md5_hex(format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", p.nonce).as_bytes())
        }
        _ => md5_hex(format!("{ha1}:{}:{ha2}", p.nonce).as_bytes()),
    }
}

/// Why a digest answer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The nonce is ours but too old (or its nc was used): challenge again, `stale=true`.
    Stale,
    /// Anything else: wrong realm, qop, uri, user or password; a nonce not ours.
    Bad(&'static str),
}

/// Check the nonce and the request line of `p` (not the password): Ok when the
/// nonce is ours, fresh, and this nc has not been used with it.
pub fn check_nonce(p: &DigestParams, path_and_query: &str, now: i64) -> Result<(), Refused> {
    if p.realm != DIGEST_REALM {
        return Err(Refused::Bad("wrong realm"));
    }
    if p.algorithm
        .as_deref()
        .is_some_and(|a| !a.eq_ignore_ascii_case("MD5"))
    {
        return Err(Refused::Bad("algorithm must be MD5"));
    }
    if p.qop.as_deref() != Some("auth") || p.nc.is_none() || p.cnonce.is_none() {
        return Err(Refused::Bad("qop=auth with nc and cnonce is required"));
    }
    // the uri may be absolute (some clients) or the request target
    let uri_path = match p.uri.find("://") {
        Some(i) => p.uri[i + 3..]
            .find('/')
            .map(|j| &p.uri[i + 3 + j..])
            .unwrap_or("/"),
        None => p.uri.as_str(),
    };
    if uri_path != path_and_query {
        return Err(Refused::Bad("the digest uri is not this request's"));
    }
    let mut parts = p.nonce.splitn(3, '.');
    let (Some(ts), Some(n), Some(m)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Refused::Bad("not our nonce"));
    };
    let ts = i64::from_str_radix(ts, 16).map_err(|_| Refused::Bad("not our nonce"))?;
    let n = u64::from_str_radix(n, 16).map_err(|_| Refused::Bad("not our nonce"))?;
    if !ct_eq(m.as_bytes(), mac(ts, n).as_bytes()) {
        return Err(Refused::Bad("not our nonce"));
    }
    if now - ts > NONCE_SECS || ts > now + 60 {
        return Err(Refused::Stale);
    }
    Ok(())
}

/// Record the nonce's nc as used: `Err(Stale)` when it was used before.
pub fn use_nc(p: &DigestParams, now: i64) -> Result<(), Refused> {
    let nc =
        p.nc.as_deref()
            .and_then(|n| u32::from_str_radix(n, 16).ok())
            .ok_or(Refused::Bad("bad nc"))?;
    let mut seen = SEEN.lock().expect("nonce lock");
    if seen.len() > 10_000 {
        seen.retain(|_, (at, _)| now - *at <= NONCE_SECS);
    }
    let (_, used) = seen
        .entry(p.nonce.clone())
        .or_insert_with(|| (now, HashSet::new()));
    if !used.insert(nc) {
        return Err(Refused::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2617_example_response() {
        // RFC 2617 §3.5
        let p = DigestParams {
            username: "Mufasa".into(),
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            uri: "/dir/index.html".into(),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
            cnonce: Some("0a4f113b".into()),
            response: String::new(),
            algorithm: None,
        };
        let ha1 = vigil_store::odk::digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assert_eq!(
            expected_response(&p, &ha1, "GET"),
            "6629fae49393a05397450978507c4ef1"
        );
    }

    #[test]
    fn parses_what_collect_sends() {
        let h = r#"Digest username="reporter", realm="Vigil", nonce="1a.b", uri="/submission", response="abc", qop=auth, nc=00000001, cnonce="x\"y", algorithm=MD5, opaque="o""#;
        let p = parse(h).unwrap();
        assert_eq!(p.username, "reporter");
        assert_eq!(p.uri, "/submission");
        assert_eq!(p.qop.as_deref(), Some("auth"));
        assert_eq!(p.nc.as_deref(), Some("00000001"));
        assert_eq!(p.cnonce.as_deref(), Some("x\"y"));
        assert!(parse("Basic dXNlcjpwYXNz").is_none());
        assert!(parse(r#"Digest username="a""#).is_none());
    }

    #[test]
    fn nonces_expire_and_an_nc_is_used_once() {
        let now = 1_800_000_000;
        let mut p = parse(&format!(
            r#"Digest username="u", realm="Vigil", nonce="{}", uri="/formList", response="r", qop=auth, nc=00000001, cnonce="c""#,
            nonce(now)
        ))
        .unwrap();
        assert_eq!(check_nonce(&p, "/formList", now + 10), Ok(()));
        assert_eq!(
            check_nonce(&p, "/submission", now + 10),
            Err(Refused::Bad("the digest uri is not this request's"))
        );
        assert_eq!(
            check_nonce(&p, "/formList", now + NONCE_SECS + 1),
            Err(Refused::Stale)
        );
        assert_eq!(use_nc(&p, now), Ok(()));
        assert_eq!(use_nc(&p, now), Err(Refused::Stale));
        p.nc = Some("00000002".into());
        assert_eq!(use_nc(&p, now), Ok(()));
        p.nonce = format!("{now:x}.0.0000");
        assert_eq!(
            check_nonce(&p, "/formList", now),
            Err(Refused::Bad("not our nonce"))
        );
    }
}
