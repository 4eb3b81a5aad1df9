//! OASIS Common Alerting Protocol 1.2 documents and an Atom feed of active alerts.
//!
//! CAP is how an alert leaves Vigil: other UN systems, partners' dashboards and
//! public-alerting gateways read it without knowing anything about Vigil. The
//! documents are built as serde structs and written by quick-xml, so escaping is
//! never hand-rolled. What the official XSD cannot check — closed polygons with at
//! least four points, `lat,lon radius` circles, explicit UTC offsets (CAP forbids
//! `Z`), `references` triples — is guaranteed here by construction and verified
//! independently by [`check`], which the tests (and the server's tests) run on every
//! document.
//!
//! Area mapping: a circle is `<circle>lat,lon radius_km</circle>`; a polygon is closed
//! if the analyst's ring is not; admin areas become `<geocode>` pairs named
//! `ADM1_PCODE` / `ADM2_PCODE` (the OCHA COD attribute names) with the P-code as
//! value; PRIO-GRID cells become a `PRIO-GRID` geocode *and* the cell outline as a
//! polygon, so readers that have never heard of PRIO-GRID still get a shape.
//!
//! Each [`crate::alert::CapMessage`] an alert has is one CAP document; a document is
//! rendered from the alert's current content with that message's identifier, type,
//! time and references.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::alert::{Alert, AlertStatus};
use crate::area::{Area, LatLon};
use crate::engine::Trigger;

pub const CAP_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";
pub const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

macro_rules! cap_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($v),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The CAP spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

cap_enum!(
    /// CAP `urgency`.
    Urgency { Immediate, Expected, Future, Past, Unknown }
);
cap_enum!(
    /// CAP `severity`.
    Severity { Extreme, Severe, Moderate, Minor, Unknown }
);
cap_enum!(
    /// CAP `certainty`.
    Certainty { Observed, Likely, Possible, Unlikely, Unknown }
);
cap_enum!(
    /// CAP `category` (violence against civilians is `Security`; hazards such as
    /// unexploded ordnance may be `Safety`).
    Category { Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other }
);
cap_enum!(
    /// CAP `msgType`, the three Vigil sends.
    MsgType { Alert, Update, Cancel }
);
cap_enum!(
    /// CAP `status`: `Exercise` for training and the synthetic demo data.
    CapStatus { Actual, Exercise, Test }
);
cap_enum!(
    /// CAP `scope`. `Restricted` requires a `restriction` text.
    Scope { Public, Restricted }
);

/// Deployment-wide CAP settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapConfig {
    /// CAP `sender`: unique to the deployment, no spaces, commas or `<` / `&`
    /// (e.g. `vigil@minusma.example`).
    pub sender: String,
    pub sender_name: Option<String>,
    pub status: CapStatus,
    pub scope: Scope,
    /// Required with `Scope::Restricted`: who may see it.
    pub restriction: Option<String>,
    /// RFC 3066 language of the info block (`en`, `fr`).
    pub language: String,
    /// Public base URL of the server, without trailing slash, for `web` and feed
    /// links (e.g. `https://vigil.example.org`). Empty in a config file: the server
    /// fills in its public URL (`[server] public_url`, else the address it serves).
    #[serde(default)]
    pub base_url: String,
}

impl CapConfig {
    /// Settings for demos and tests: `Exercise` status so nothing is mistaken for a
    /// real alert.
    pub fn exercise(base_url: &str) -> CapConfig {
        CapConfig {
            sender: "vigil@demo.invalid".into(),
            sender_name: Some("Vigil demo (synthetic data)".into()),
            status: CapStatus::Exercise,
            scope: Scope::Public,
            restriction: None,
            language: "en".into(),
            base_url: base_url.trim_end_matches('/').into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CapError {
    #[error("alert {0} has no CAP message: it was never issued")]
    NotPublished(u64),
    #[error("alert {id} has no CAP message number {index}")]
    NoSuchMessage { id: u64, index: usize },
    #[error("alert {id}: polygon needs at least 3 distinct points, has {n}")]
    BadPolygon { id: u64, n: usize },
    #[error("CAP scope Restricted requires a restriction text")]
    MissingRestriction,
    #[error("CAP sender `{0}` must not contain spaces, commas, `<` or `&`")]
    BadSender(String),
    #[error("writing XML: {0}")]
    Xml(#[from] quick_xml::SeError),
}

/// CAP date-time: second precision with an explicit offset; CAP 1.2 forbids `Z`.
pub fn cap_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn num(x: f64) -> String {
    let s = format!("{x:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn pair(p: LatLon) -> String {
    format!("{},{}", num(p.lat), num(p.lon))
}

/// A ring as CAP wants it: closed (first point repeated last), so at least 4 points.
pub fn polygon_text(points: &[LatLon]) -> Option<String> {
    let mut ring: Vec<LatLon> = points.to_vec();
    if ring.len() >= 2 && ring.first() == ring.last() {
        ring.pop();
    }
    let mut distinct = ring.clone();
    distinct.dedup();
    if distinct.len() < 3 {
        return None;
    }
    ring.push(ring[0]);
    Some(ring.iter().map(|p| pair(*p)).collect::<Vec<_>>().join(" "))
}

/// `lat,lon radius` with the radius in km.
pub fn circle_text(center: LatLon, radius_km: f64) -> String {
    format!("{} {}", pair(center), num(radius_km))
}

#[derive(Serialize, Clone)]
struct ValuePair {
    #[serde(rename = "valueName")]
    value_name: String,
    value: String,
}

#[derive(Serialize, Clone)]
struct CapArea {
    #[serde(rename = "areaDesc")]
    area_desc: String,
    polygon: Vec<String>,
    circle: Vec<String>,
    geocode: Vec<ValuePair>,
}

#[derive(Serialize)]
struct CapInfo {
    language: String,
    category: &'static str,
    event: String,
    urgency: &'static str,
    severity: &'static str,
    certainty: &'static str,
    expires: String,
    #[serde(rename = "senderName", skip_serializing_if = "Option::is_none")]
    sender_name: Option<String>,
    headline: String,
    description: String,
    web: String,
    parameter: Vec<ValuePair>,
    area: Vec<CapArea>,
}

#[derive(Serialize)]
#[serde(rename = "alert")]
struct CapAlert {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    identifier: String,
    sender: String,
    sent: String,
    status: &'static str,
    #[serde(rename = "msgType")]
    msg_type: &'static str,
    scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    restriction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    references: Option<String>,
    info: Vec<CapInfo>,
}

fn check_config(cfg: &CapConfig) -> Result<(), CapError> {
    if cfg.sender.is_empty()
        || cfg
            .sender
            .contains(|c: char| c.is_whitespace() || ",<&".contains(c))
    {
        return Err(CapError::BadSender(cfg.sender.clone()));
    }
    if cfg.scope == Scope::Restricted
        && cfg
            .restriction
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        return Err(CapError::MissingRestriction);
    }
    Ok(())
}

fn area_xml(alert: &Alert) -> Result<CapArea, CapError> {
    let mut a = CapArea {
        area_desc: alert.area_desc.clone(),
        polygon: vec![],
        circle: vec![],
        geocode: vec![],
    };
    match &alert.area {
        Area::Circle { center, radius_km } => a.circle.push(circle_text(*center, *radius_km)),
        Area::Polygon { points } => {
            a.polygon
                .push(polygon_text(points).ok_or(CapError::BadPolygon {
                    id: alert.id,
                    n: points.len(),
                })?)
        }
        Area::Admin { level, codes } => {
            for c in codes {
                a.geocode.push(ValuePair {
                    value_name: format!("ADM{level}_PCODE"),
                    value: c.clone(),
                });
            }
        }
        Area::Cells { gids } => {
            for g in gids {
                a.polygon
                    .push(polygon_text(&Area::cell_ring(*g)).expect("a cell ring has 4 corners"));
                a.geocode.push(ValuePair {
                    value_name: "PRIO-GRID".into(),
                    value: g.to_string(),
                });
            }
        }
        Area::Unlocated => {}
    }
    Ok(a)
}

fn evidence(triggers: &[Trigger]) -> String {
    evidence_in(triggers, [("incident", "incidents"), ("report", "reports"), ("forecast", "forecasts")])
}

fn evidence_fr(triggers: &[Trigger]) -> String {
    evidence_in(triggers, [("incident", "incidents"), ("signalement", "signalements"), ("prévision", "prévisions")])
}

/// "3 incidents, 1 report", with the words (singular, plural) of a language.
fn evidence_in(triggers: &[Trigger], words: [(&str, &str); 3]) -> String {
    let mut n = [0usize; 3];
    for t in triggers {
        n[match t {
            Trigger::Incident { .. } => 0,
            Trigger::Report { .. } => 1,
            Trigger::Forecast { .. } => 2,
        }] += 1;
    }
    let parts: Vec<String> = n
        .iter()
        .zip(words)
        .filter(|(n, _)| **n > 0)
        .map(|(&n, (one, many))| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    parts.join(", ")
}

/// The CAP document for message `index` of an alert.
pub fn message_xml(alert: &Alert, index: usize, cfg: &CapConfig) -> Result<String, CapError> {
    check_config(cfg)?;
    if alert.messages.is_empty() {
        return Err(CapError::NotPublished(alert.id));
    }
    let msg = alert.messages.get(index).ok_or(CapError::NoSuchMessage {
        id: alert.id,
        index,
    })?;
    let references = (index > 0).then(|| {
        alert.messages[..index]
            .iter()
            .map(|m| format!("{},{},{}", cfg.sender, m.identifier, cap_time(m.sent)))
            .collect::<Vec<_>>()
            .join(" ")
    });
    let note = match msg.msg_type {
        crate::cap::MsgType::Cancel => Some(
            alert
                .history
                .iter()
                .rev()
                .find(|h| h.to == AlertStatus::Cancelled)
                .and_then(|h| h.note.clone())
                .unwrap_or_else(|| "Alert cancelled.".into()),
        ),
        _ => None,
    };
    let mut parameter = vec![
        ValuePair {
            value_name: "vigil:rule".into(),
            value: alert.rule_id.clone(),
        },
        ValuePair {
            value_name: "vigil:firings".into(),
            value: alert.firings.to_string(),
        },
    ];
    let ev = evidence(&alert.triggers);
    if !ev.is_empty() {
        parameter.push(ValuePair {
            value_name: "vigil:evidence".into(),
            value: ev.clone(),
        });
    }
    let description = if ev.is_empty() {
        alert.threat.clone()
    } else {
        format!(
            "{}\n\nEvidence held in Vigil: {ev}. Rule: {} ({}).",
            alert.threat, alert.rule_name, alert.rule_id
        )
    };
    let mut doc = CapAlert {
        xmlns: CAP_NAMESPACE,
        identifier: msg.identifier.clone(),
        sender: cfg.sender.clone(),
        sent: cap_time(msg.sent),
        status: cfg.status.as_str(),
        msg_type: msg.msg_type.as_str(),
        scope: cfg.scope.as_str(),
        restriction: if cfg.scope == Scope::Restricted {
            cfg.restriction.clone()
        } else {
            None
        },
        note,
        references,
        info: vec![],
    };
    let area = area_xml(alert)?;
    let info = |language: &str, event: &str, headline: &str, description: String, area: CapArea| CapInfo {
        language: language.to_owned(),
        category: alert.category.as_str(),
        event: event.to_owned(),
        urgency: alert.urgency.as_str(),
        severity: alert.severity.as_str(),
        certainty: alert.certainty.as_str(),
        expires: cap_time(alert.expires_at),
        sender_name: cfg.sender_name.clone(),
        headline: headline.to_owned(),
        description,
        web: web_url(cfg, alert.id),
        parameter: parameter.clone(),
        area: vec![area],
    };
    doc.info.push(info(&cfg.language, &alert.rule_name, &alert.headline, description, area.clone()));
    // a second block in French, unless the first already claims to be French
    if let Some(fr) = alert.fr.as_ref().filter(|_| !cfg.language.starts_with("fr")) {
        let description = if ev.is_empty() {
            fr.threat.clone()
        } else {
            format!(
                "{}\n\nÉléments conservés dans Vigil : {}. Règle : {} ({}).",
                fr.threat,
                evidence_fr(&alert.triggers),
                fr.rule_name,
                alert.rule_id
            )
        };
        let area = CapArea { area_desc: fr.area_desc.clone(), ..area };
        doc.info.push(info("fr", &fr.rule_name, &fr.headline, description, area));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 2);
    doc.serialize(ser)?;
    out.push('\n');
    Ok(out)
}

/// The CAP document for the alert's latest message (what `/cap/{id}.xml` serves).
pub fn alert_xml(alert: &Alert, cfg: &CapConfig) -> Result<String, CapError> {
    if alert.messages.is_empty() {
        return Err(CapError::NotPublished(alert.id));
    }
    message_xml(alert, alert.messages.len() - 1, cfg)
}

/// URL of an alert's page in the web UI (CAP `web`, the Atom entry's id).
pub fn web_url(cfg: &CapConfig, alert_id: u64) -> String {
    format!("{}/#/alert/{alert_id}", cfg.base_url)
}

/// URL of an alert's CAP document.
pub fn cap_url(cfg: &CapConfig, alert_id: u64) -> String {
    format!("{}/cap/{alert_id}.xml", cfg.base_url)
}

#[derive(Serialize)]
struct AtomLink {
    #[serde(rename = "@rel")]
    rel: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@href")]
    href: String,
}

#[derive(Serialize)]
struct AtomPerson {
    name: String,
}

#[derive(Serialize)]
struct AtomEntry {
    id: String,
    title: String,
    updated: String,
    link: AtomLink,
    summary: String,
}

#[derive(Serialize)]
#[serde(rename = "feed")]
struct AtomFeed {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    id: String,
    title: String,
    updated: String,
    link: AtomLink,
    author: AtomPerson,
    entry: Vec<AtomEntry>,
}

/// Atom feed (RFC 4287) of the alerts active at `now`, newest first, each entry
/// linking to its CAP document — the usual way CAP is syndicated.
pub fn atom_feed<'a>(
    alerts: impl IntoIterator<Item = &'a Alert>,
    cfg: &CapConfig,
    now: DateTime<Utc>,
) -> Result<String, CapError> {
    check_config(cfg)?;
    let mut active: Vec<&Alert> = alerts.into_iter().filter(|a| a.is_active(now)).collect();
    active.sort_by_key(|a| std::cmp::Reverse((a.updated_at, a.id)));
    let updated = active.iter().map(|a| a.updated_at).max().unwrap_or(now);
    let feed = AtomFeed {
        xmlns: ATOM_NAMESPACE,
        id: format!("{}/cap/alerts.atom", cfg.base_url),
        title: format!(
            "{} — active alerts",
            cfg.sender_name.as_deref().unwrap_or(&cfg.sender)
        ),
        updated: cap_time(updated),
        link: AtomLink {
            rel: "self",
            kind: "application/atom+xml",
            href: format!("{}/cap/alerts.atom", cfg.base_url),
        },
        author: AtomPerson {
            name: cfg
                .sender_name
                .clone()
                .unwrap_or_else(|| cfg.sender.clone()),
        },
        entry: active
            .iter()
            .map(|a| AtomEntry {
                id: web_url(cfg, a.id),
                title: a.headline.clone(),
                updated: cap_time(a.updated_at),
                link: AtomLink {
                    rel: "alternate",
                    kind: "application/cap+xml",
                    href: cap_url(cfg, a.id),
                },
                summary: format!(
                    "{} / {} / {} — {} — expires {}",
                    a.urgency,
                    a.severity,
                    a.certainty,
                    a.area_desc,
                    cap_time(a.expires_at)
                ),
            })
            .collect(),
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 2);
    feed.serialize(ser)?;
    out.push('\n');
    Ok(out)
}

pub mod check;
