//! Links that work where the server runs (issue #15): the CAP `<web>`, the API's
//! `cap_url` and every Atom link are made from the server's public URL (`[server]
//! public_url`, default the address served), and each one, fetched over TCP from the
//! server actually listening there, answers 200; `<web>` names the UI's alert page.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vigil_server::config::apply_public_url;
use vigil_server::ServerConfig;
use vigil_store::accounts::Role;

/// GET `url` (http://host:port/path) over a plain TCP connection: status and body.
async fn fetch(url: &str) -> (u16, String, String) {
    let rest = url.strip_prefix("http://").unwrap_or_else(|| panic!("{url}: not an http:// URL"));
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    // the fragment never reaches the server
    let path = path.split('#').next().unwrap_or("/").to_string();
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap_or_else(|e| panic!("connect {host} for {url}: {e}"));
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status: u16 = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("{url}: no status in {text}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_string(), body.to_string())
}

/// Every `href="…"` and `<web>…</web>` in an XML document.
fn links(xml: &str) -> Vec<String> {
    let mut out = vec![];
    for (open, close) in [("href=\"", "\""), ("<web>", "</web>")] {
        let mut rest = xml;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let j = rest.find(close).expect("closed");
            out.push(rest[..j].replace("&amp;", "&"));
            rest = &rest[j..];
        }
    }
    out
}

/// The app served on a real socket with the public URL taken from the bound address
/// (or `public_url`), an issued alert raised from a report; (base URL, alert id, app).
async fn served(db: &vigil_testkit::TestDb, public_url: Option<&str>) -> (String, SocketAddr, i64, TestApp) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ServerConfig::default();
    let base = apply_public_url(&mut config.alerting, public_url, addr).unwrap();
    let t = TestApp::with_config(&db.store, config, true).await;
    let app = vigil_server::app(t.state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    t.report(Role::Reporter, json!({"reliability": "A", "credibility": 1})).await;
    let (s, list) = t.as_role(Role::Analyst, Method::GET, "/api/alerts", None).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let id = list[0]["id"].as_i64().expect("the report raised a draft alert");
    let (s, v) =
        t.as_role(Role::Analyst, Method::POST, &format!("/api/alerts/{id}/transition"), Some(json!({"to": "issued"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (base, addr, id, t)
}

both_backends!(every_cap_and_atom_link_answers_where_the_server_runs, |db| {
    let (base, addr, id, t) = served(&db, None).await;
    assert_eq!(base, format!("http://{addr}"), "the default public URL is the address served");

    // the API's cap_url
    let (_, detail) = t.as_role(Role::Analyst, Method::GET, &format!("/api/alerts/{id}"), None).await;
    let cap_url = detail["cap_url"].as_str().expect("an issued alert has a cap_url").to_string();
    assert_eq!(cap_url, format!("{base}/cap/{id}.xml"));

    let (s, _, atom) = fetch(&format!("{base}/cap/alerts.atom")).await;
    assert_eq!(s, 200, "{atom}");
    let (s, _, cap) = fetch(&cap_url).await;
    assert_eq!(s, 200, "{cap}");
    let mut all = links(&atom);
    all.extend(links(&cap));
    assert!(all.contains(&format!("{base}/cap/alerts.atom")), "the feed links itself: {atom}");
    assert!(all.contains(&cap_url), "the feed links the alert's CAP: {atom}");
    let web = format!("{base}/#/alert/{id}");
    assert!(all.contains(&web), "CAP <web> is the UI's alert page: {cap}");
    for link in &all {
        assert!(link.starts_with(&base), "{link} is on the server's public URL {base}");
        let (s, head, body) = fetch(link).await;
        assert_eq!(s, 200, "{link}: {head}\n{body}");
    }
    // <web> serves the UI, whose route table has the alert page the fragment names
    let (_, _, page) = fetch(&web).await;
    assert!(page.contains("main.js"), "{web} serves the UI: {page}");
    let main_js = include_str!("../ui/main.js");
    assert!(main_js.contains("\n  alert: { view: viewAlert"), "the UI has the #/alert/{{id}} route");

    // links from older CAP documents (/alerts/{id}) reach the same page
    let (s, head, _) = fetch(&format!("{base}/alerts/{id}")).await;
    assert_eq!(s, 303, "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("location: /#/alert/{id}")), "{head}");
});

both_backends!(a_configured_public_url_makes_the_links, |db| {
    let (base, _, id, t) = served(&db, Some("https://vigil.mission.example/")).await;
    assert_eq!(base, "https://vigil.mission.example");
    let (_, detail) = t.as_role(Role::Analyst, Method::GET, &format!("/api/alerts/{id}"), None).await;
    assert_eq!(detail["cap_url"], Value::from(format!("{base}/cap/{id}.xml")));
    let xml = vigil_app::alerts::cap_xml(&t.state, id).await.unwrap().unwrap();
    assert!(xml.contains(&format!("<web>{base}/#/alert/{id}</web>")), "{xml}");
    let atom = vigil_app::alerts::atom_feed(&t.state).await.unwrap();
    for link in links(&atom) {
        assert!(link.starts_with(&base), "{link}: {atom}");
    }
});

#[test]
fn a_public_url_must_be_an_http_url() {
    let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    for bad in ["vigil.example", "ftp://vigil.example", "https://vigil.example/#/x", "https://a b"] {
        let mut c = vigil_app::AlertingConfig::default();
        let e = apply_public_url(&mut c, Some(bad), addr).expect_err(bad).to_string();
        assert!(e.contains("public_url") && e.contains(bad), "{e}");
    }
    // an explicit [cap] base_url wins
    let mut c = vigil_app::AlertingConfig::default();
    c.cap = Some(vigil_warn::cap::CapConfig::exercise("https://cap.example/"));
    assert_eq!(apply_public_url(&mut c, Some("https://other.example"), addr).unwrap(), "https://cap.example");
    let mut c = vigil_app::AlertingConfig::default();
    assert_eq!(apply_public_url(&mut c, None, addr).unwrap(), "http://127.0.0.1:8080");
    assert_eq!(c.cap.unwrap().base_url, "http://127.0.0.1:8080");
}
