//! Checks on a CAP 1.2 document that the official XSD cannot express.
//!
//! The XSD types `polygon`, `circle` and `references` as plain strings and cannot
//! relate one element to another, yet CAP 1.2 §3.2 constrains all of them. This
//! module re-reads a finished document with a streaming parser — independently of
//! the writer in [`crate::cap`], so a bug in one is not mirrored in the other — and
//! lists every violation:
//!
//! * `sent`, `effective`, `onset`, `expires`: `YYYY-MM-DDThh:mm:ss±hh:mm`, never `Z`;
//! * `identifier` and `sender`: no spaces, commas, `<` or `&`;
//! * `polygon`: at least 4 `lat,lon` pairs, first equal to last, coordinates in range;
//! * `circle`: `lat,lon radius` with a non-negative radius;
//! * `msgType` Update / Cancel: `references` present; every reference a
//!   `sender,identifier,sent` triple with a valid `sent`, none pointing at itself;
//! * `scope` Restricted: a `restriction` text;
//! * `geocode`: non-empty `valueName` and `value`.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One `references` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    pub sent: String,
}

/// The header fields of a CAP document, for tests that relate documents to each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub identifier: String,
    pub sender: String,
    pub sent: String,
    pub msg_type: String,
    pub references: Vec<Reference>,
}

/// A document that cannot be read as XML at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not well-formed XML: {0}")]
pub struct NotXml(pub String);

/// Root element name, its default namespace, and `(path, text)` for every element,
/// e.g. `("alert/info/area/circle", "…")`.
type Parsed = (String, Option<String>, Vec<(String, String)>);

fn leaves(xml: &str) -> Result<Parsed, NotXml> {
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut root = String::new();
    let mut ns = None;
    let mut text = String::new();
    loop {
        match r
            .read_event()
            .map_err(|e| NotXml(e.to_string()))?
        {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                if stack.is_empty() {
                    root = name.clone();
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == "xmlns" {
                            ns = Some(a.value.into_owned());
                        }
                    }
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_owned();
                out.push((format!("{}/{name}", stack.join("/")), String::new()));
            }
            Event::Text(t) => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) => {
                let name = g.xml10_content();
                let raw = format!("&{name};");
                let s = quick_xml::escape::unescape(&raw).map_err(|e| NotXml(e.to_string()))?;
                text.push_str(&s);
            }
            Event::CData(c) => text.push_str(&c.xml10_content()),
            Event::End(_) => {
                out.push((stack.join("/"), std::mem::take(&mut text)));
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((root, ns, out))
}

fn is_cap_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    b.len() == 25
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b[19] == b'+' || b[19] == b'-')
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

fn parse_pair(s: &str) -> Option<(f64, f64)> {
    let (lat, lon) = s.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.parse().ok()?, lon.parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

fn bad_token(s: &str) -> bool {
    s.is_empty() || s.contains(|c: char| c.is_whitespace() || ",<&".contains(c))
}

/// Parse the header of a CAP document.
pub fn header(xml: &str) -> Result<Header, NotXml> {
    let (_, _, leaves) = leaves(xml)?;
    let get = |p: &str| {
        leaves
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let references = get("alert/references")
        .split_whitespace()
        .filter_map(|t| {
            let mut it = t.splitn(3, ',');
            Some(Reference {
                sender: it.next()?.to_owned(),
                identifier: it.next()?.to_owned(),
                sent: it.next()?.to_owned(),
            })
        })
        .collect();
    Ok(Header {
        identifier: get("alert/identifier"),
        sender: get("alert/sender"),
        sent: get("alert/sent"),
        msg_type: get("alert/msgType"),
        references,
    })
}

/// Every violation found (empty when the document is fine).
pub fn check(xml: &str) -> Vec<String> {
    let (root, ns, leaves) = match leaves(xml) {
        Ok(x) => x,
        Err(e) => return vec![e.to_string()],
    };
    let mut problems = Vec::new();
    if root != "alert" || ns.as_deref() != Some(super::CAP_NAMESPACE) {
        problems.push(format!(
            "root is <{root}> in namespace {ns:?}, expected CAP 1.2 <alert>"
        ));
    }
    let all = |p: &'static str| {
        leaves
            .iter()
            .filter(move |(k, _)| k == p)
            .map(|(_, v)| v.trim())
    };
    let one = |p: &'static str| all(p).next();

    for p in [
        "alert/sent",
        "alert/info/effective",
        "alert/info/onset",
        "alert/info/expires",
    ] {
        for v in all(p) {
            if !is_cap_time(v) {
                problems.push(format!(
                    "{p} `{v}`: not YYYY-MM-DDThh:mm:ss±hh:mm (CAP forbids `Z`)"
                ));
            }
        }
    }
    for p in ["alert/identifier", "alert/sender"] {
        match one(p) {
            Some(v) if !bad_token(v) => {}
            v => problems.push(format!(
                "{p} `{}`: empty or contains a space, comma, `<` or `&`",
                v.unwrap_or("")
            )),
        }
    }
    for v in all("alert/info/area/polygon") {
        let pts: Vec<&str> = v.split_whitespace().collect();
        if pts.len() < 4 {
            problems.push(format!(
                "polygon with {} points (at least 4 needed): `{v}`",
                pts.len()
            ));
        }
        if pts.first() != pts.last()
            || pts.first().and_then(|p| parse_pair(p)) != pts.last().and_then(|p| parse_pair(p))
        {
            problems.push(format!(
                "polygon not closed (first point must equal last): `{v}`"
            ));
        }
        for p in &pts {
            if parse_pair(p).is_none() {
                problems.push(format!("polygon point `{p}` is not `lat,lon` in range"));
            }
        }
    }
    for v in all("alert/info/area/circle") {
        let parts: Vec<&str> = v.split_whitespace().collect();
        let ok = parts.len() == 2
            && parse_pair(parts[0]).is_some()
            && parts[1]
                .parse::<f64>()
                .is_ok_and(|r| r.is_finite() && r >= 0.0);
        if !ok {
            problems.push(format!("circle `{v}` is not `lat,lon radius`"));
        }
    }
    let names: Vec<&str> = all("alert/info/area/geocode/valueName").collect();
    let values: Vec<&str> = all("alert/info/area/geocode/value").collect();
    if names.len() != values.len() || names.iter().chain(&values).any(|s| s.is_empty()) {
        problems.push("geocode with an empty valueName or value".into());
    }
    let msg_type = one("alert/msgType").unwrap_or("");
    let refs = one("alert/references");
    if matches!(msg_type, "Update" | "Cancel") && refs.is_none_or(str::is_empty) {
        problems.push(format!(
            "msgType {msg_type} without references to the message(s) it updates"
        ));
    }
    if let Some(refs) = refs {
        let me = one("alert/identifier").unwrap_or("");
        for t in refs.split_whitespace() {
            let parts: Vec<&str> = t.split(',').collect();
            if parts.len() != 3
                || bad_token(parts[0])
                || bad_token(parts[1])
                || !is_cap_time(parts[2])
            {
                problems.push(format!("reference `{t}` is not sender,identifier,sent"));
            } else if parts[1] == me {
                problems.push(format!("reference `{t}` points at the message itself"));
            }
        }
    }
    if one("alert/scope") == Some("Restricted")
        && one("alert/restriction").is_none_or(str::is_empty)
    {
        problems.push("scope Restricted without a restriction".into());
    }
    problems
}
