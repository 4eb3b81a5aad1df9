//! Reading a filled report form (an XForm instance, as ODK Collect and Enketo send it
//! in `xml_submission_file`) into typed fields, checked against [`crate::xform::FIELDS`].
//! Every error names the element path (`/data/people_affected`) and what is wrong
//! with it, so the OpenRosa answer can say what and where.

use crate::xform::{self, Field, Kind, FORM_ID, ROOT};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;
use vigil_model::vocab;

/// What is wrong with a submitted instance, and where (an element path, or `line:column`
/// of the XML when it is not well-formed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SubmissionError {
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> SubmissionError {
    SubmissionError {
        path: path.into(),
        message: message.into(),
    }
}

/// A filled report form, typed.
#[derive(Debug, Clone, Default)]
pub struct FilledReport {
    /// `meta/instanceID`, e.g. `uuid:0f8f…`.
    pub instance_id: String,
    /// `meta/deprecatedID`: the instance this one is an edit of.
    pub deprecated_id: Option<String>,
    /// The form version it was filled on.
    pub form_version: Option<String>,
    pub category: String,
    pub place_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `YYYY-MM-DD`, or an RFC 3339 time when a time of day was given.
    pub occurred_at: String,
    pub occurred_date: chrono::NaiveDate,
    pub people_affected: Option<i64>,
    pub description: String,
    pub reliability: String,
    pub credibility: i64,
    pub victims: Option<String>,
    pub witnesses: Option<String>,
    pub contacts: Option<String>,
    /// The file fields filled (`photo`, `audio`) and the file name each names, to be
    /// found among the multipart parts.
    pub files: Vec<(&'static Field, String)>,
}

/// Parse an element tree into `path -> text` for leaves, with `line:column` errors.
fn leaves(
    xml: &[u8],
) -> Result<(String, BTreeMap<String, String>, BTreeMap<String, String>), SubmissionError> {
    let text = std::str::from_utf8(xml)
        .map_err(|e| err("xml_submission_file", format!("is not UTF-8 ({e})")))?;
    let mut r = Reader::from_str(text);
    let mut stack: Vec<String> = vec![];
    let mut out = BTreeMap::new();
    let mut root_attrs = BTreeMap::new();
    let mut root = String::new();
    let mut buf = String::new();
    let at = |r: &Reader<&[u8]>| {
        let pos = r.buffer_position() as usize;
        let before = &text[..pos.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        format!("xml_submission_file line {line}, column {col}")
    };
    loop {
        let ev = r
            .read_event()
            .map_err(|e| err(at(&r), format!("not well-formed XML ({e})")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) if stack.is_empty() && root.is_empty() => {
                root = e.local_name().as_ref().to_owned();
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    root_attrs.insert(a.key.local_name().as_ref().to_owned(), v);
                }
                stack.push(root.clone());
                buf.clear();
            }
            Event::Start(e) => {
                if stack.is_empty() {
                    return Err(err(at(&r), "more than one root element"));
                }
                stack.push(e.local_name().as_ref().to_owned());
                buf.clear();
            }
            Event::Empty(e) => {
                if stack.is_empty() {
                    return Err(err(at(&r), "more than one root element"));
                }
                out.insert(
                    format!("/{}/{}", stack.join("/"), e.local_name().as_ref()),
                    String::new(),
                );
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let raw = format!("&{};", g.xml10_content());
                let s = quick_xml::escape::unescape(&raw)
                    .map_err(|e| err(at(&r), format!("bad entity ({e})")))?;
                buf.push_str(&s);
            }
            Event::CData(c) => buf.push_str(&c.xml10_content()),
            Event::End(_) => {
                let path = format!("/{}", stack.join("/"));
                out.insert(path, std::mem::take(&mut buf));
                stack.pop();
            }
            Event::Eof => break,
            Event::DocType(_) => return Err(err(at(&r), "a DOCTYPE is not accepted")),
            _ => {}
        }
    }
    if root.is_empty() {
        return Err(err("xml_submission_file", "has no root element"));
    }
    if !stack.is_empty() {
        return Err(err(format!("/{}", stack.join("/")), "is not closed"));
    }
    Ok((root, root_attrs, out))
}

fn text_opt(v: &BTreeMap<String, String>, fl: &Field) -> Option<String> {
    v.get(&fl.path())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Read a filled report form. `today` bounds the date (a day's clock skew allowed).
pub fn parse(xml: &[u8], today: chrono::NaiveDate) -> Result<FilledReport, SubmissionError> {
    let (root, attrs, v) = leaves(xml)?;
    if root != ROOT {
        return Err(err(
            format!("/{root}"),
            format!("the root element must be <{ROOT}> (form {FORM_ID})"),
        ));
    }
    match attrs.get("id") {
        Some(id) if id == FORM_ID => {}
        Some(id) => {
            return Err(err(
                format!("/{ROOT}/@id"),
                format!("unknown form `{id}`; this server takes {FORM_ID}"),
            ))
        }
        None => {
            return Err(err(
                format!("/{ROOT}/@id"),
                format!("is missing (the form id, {FORM_ID})"),
            ))
        }
    }
    let instance_id = v
        .get(&format!("/{ROOT}/meta/instanceID"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err(format!("/{ROOT}/meta/instanceID"), "is required"))?;
    if instance_id.len() > 100 {
        return Err(err(
            format!("/{ROOT}/meta/instanceID"),
            "is longer than 100 characters",
        ));
    }
    let deprecated_id = v
        .get(&format!("/{ROOT}/meta/deprecatedID"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if deprecated_id.as_ref().is_some_and(|d| d.len() > 100) {
        return Err(err(
            format!("/{ROOT}/meta/deprecatedID"),
            "is longer than 100 characters",
        ));
    }
    if deprecated_id.as_deref() == Some(instance_id.as_str()) {
        return Err(err(
            format!("/{ROOT}/meta/deprecatedID"),
            "is the instance's own instanceID",
        ));
    }
    let mut out = FilledReport {
        instance_id,
        deprecated_id,
        form_version: attrs.get("version").cloned(),
        ..FilledReport::default()
    };
    let mut date: Option<chrono::NaiveDate> = None;
    let mut time: Option<String> = None;
    for fl in xform::FIELDS {
        let p = fl.path();
        let val = text_opt(&v, fl);
        if fl.required && val.is_none() {
            return Err(err(p, "is required"));
        }
        let Some(s) = val else { continue };
        let too_long = |max: usize| -> Result<(), SubmissionError> {
            if s.chars().count() > max {
                Err(err(fl.path(), format!("is longer than {max} characters")))
            } else {
                Ok(())
            }
        };
        match (fl.name, fl.kind) {
            (_, Kind::Choice(terms)) if !vocab::is_code(terms, &s) => {
                let codes: Vec<&str> = terms.iter().map(|t| t.code).collect();
                return Err(err(
                    p,
                    format!("`{}` is not one of {}", clip(&s), codes.join(", ")),
                ));
            }
            ("category", _) => out.category = s,
            ("reliability", _) => out.reliability = s,
            ("credibility", _) => {
                out.credibility = s.parse().map_err(|_| err(p, "is not 1 to 6"))?
            }
            ("place_name", _) => {
                too_long(200)?;
                out.place_name = Some(s)
            }
            ("location", _) => {
                let (la, lo) = geopoint(&s).ok_or_else(|| {
                    err(
                        p,
                        format!(
                            "`{}` is not a geopoint `latitude longitude [altitude accuracy]`",
                            clip(&s)
                        ),
                    )
                })?;
                out.latitude = Some(la);
                out.longitude = Some(lo);
            }
            ("occurred_date", _) => {
                let d = chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                    err(
                        p.clone(),
                        format!("`{}` is not a date YYYY-MM-DD", clip(&s)),
                    )
                })?;
                if d > today + chrono::Duration::days(1) {
                    return Err(err(p, "is in the future"));
                }
                if d < chrono::NaiveDate::from_ymd_opt(1989, 1, 1).expect("valid date") {
                    return Err(err(p, "is before 1989"));
                }
                date = Some(d);
            }
            ("occurred_time", _) => time = Some(s),
            ("people_affected", _) => {
                let n: i64 = s
                    .parse()
                    .map_err(|_| err(p.clone(), format!("`{}` is not a whole number", clip(&s))))?;
                if !(0..=10_000_000).contains(&n) {
                    return Err(err(p, "must be 0 to 10000000"));
                }
                out.people_affected = Some(n);
            }
            ("description", _) => {
                too_long(20_000)?;
                out.description = s
            }
            ("victims", _) | ("witnesses", _) | ("contacts", _) => {
                too_long(20_000)?;
                match fl.name {
                    "victims" => out.victims = Some(s),
                    "witnesses" => out.witnesses = Some(s),
                    _ => out.contacts = Some(s),
                }
            }
            (_, Kind::File(_)) => {
                if s.contains('/') || s.contains('\\') || s.len() > 255 {
                    return Err(err(p, "must be a plain file name"));
                }
                out.files.push((fl, s))
            }
            _ => {}
        }
    }
    let day = date.expect("occurred_date is required");
    out.occurred_date = day;
    out.occurred_at = match time {
        None => day.to_string(),
        Some(t) => {
            let at = format!("{day}T{t}");
            let parsed = chrono::DateTime::parse_from_rfc3339(&at)
                .or_else(|_| chrono::DateTime::parse_from_rfc3339(&format!("{at}Z")))
                .map_err(|_| {
                    err(
                        format!("/{ROOT}/occurred_time"),
                        format!("`{}` is not a time HH:MM:SS[.sss][±hh:mm]", clip(&t)),
                    )
                })?;
            parsed.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
        }
    };
    Ok(out)
}

/// At most 40 characters of a value, for an error message.
fn clip(s: &str) -> String {
    let c: String = s.chars().take(40).collect();
    if c.len() < s.len() {
        format!("{c}…")
    } else {
        c
    }
}

/// `lat lon [alt [accuracy]]` → (lat, lon), in range.
fn geopoint(s: &str) -> Option<(f64, f64)> {
    let mut it = s.split_whitespace();
    let la: f64 = it.next()?.parse().ok()?;
    let lo: f64 = it.next()?.parse().ok()?;
    for rest in it.by_ref().take(2) {
        rest.parse::<f64>().ok()?;
    }
    if it.next().is_some() || !(-90.0..=90.0).contains(&la) || !(-180.0..=180.0).contains(&lo) {
        return None;
    }
    (la.is_finite() && lo.is_finite()).then_some((la, lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    const GOOD: &str = r#"<?xml version='1.0' ?><data id="vigil_report" version="x" xmlns:odk="http://www.opendatakit.org/xforms">
<category>ied</category><place_name>Ménaka &amp; environs</place_name><location>15.9182 2.4022 0 5</location>
<occurred_date>2026-12-01</occurred_date><occurred_time>14:30:00.000+01:00</occurred_time>
<people_affected>3</people_affected><description>Engin explosif sur la route</description>
<reliability>B</reliability><credibility>2</credibility>
<restricted><victims>A. B.</victims><witnesses/><contacts></contacts></restricted>
<photo>1.jpg</photo><audio/>
<meta><instanceID>uuid:6f1b</instanceID><instanceName>x</instanceName><deprecatedID/></meta></data>"#;

    #[test]
    fn a_filled_form_reads_into_typed_fields() {
        let r = parse(GOOD.as_bytes(), today()).unwrap();
        assert_eq!(r.instance_id, "uuid:6f1b");
        assert_eq!(r.deprecated_id, None);
        assert_eq!(r.category, "ied");
        assert_eq!(r.place_name.as_deref(), Some("Ménaka & environs"));
        assert_eq!((r.latitude, r.longitude), (Some(15.9182), Some(2.4022)));
        assert_eq!(r.occurred_at, "2026-12-01T14:30:00+01:00");
        assert_eq!(r.people_affected, Some(3));
        assert_eq!((r.reliability.as_str(), r.credibility), ("B", 2));
        assert_eq!(r.victims.as_deref(), Some("A. B."));
        assert_eq!(r.witnesses, None);
        assert_eq!(r.files.len(), 1);
        assert_eq!(
            (r.files[0].0.name, r.files[0].1.as_str()),
            ("photo", "1.jpg")
        );
    }

    #[test]
    fn errors_name_the_element_and_what_is_wrong() {
        let bad = GOOD.replace("<people_affected>3<", "<people_affected>trois<");
        let e = parse(bad.as_bytes(), today()).unwrap_err();
        assert_eq!(e.path, "/data/people_affected");
        assert!(e.message.contains("`trois` is not a whole number"), "{e}");

        let bad = GOOD.replace("<category>ied<", "<category>bomb<");
        let e = parse(bad.as_bytes(), today()).unwrap_err();
        assert_eq!(e.path, "/data/category");
        assert!(e.message.contains("armed_clash"), "{e}");

        let bad = GOOD.replace(
            "<description>Engin explosif sur la route</description>",
            "<description/>",
        );
        assert_eq!(
            parse(bad.as_bytes(), today()).unwrap_err().to_string(),
            "/data/description: is required"
        );

        let bad = GOOD.replace("<instanceID>uuid:6f1b</instanceID>", "<instanceID/>");
        assert_eq!(
            parse(bad.as_bytes(), today()).unwrap_err().path,
            "/data/meta/instanceID"
        );

        let bad = GOOD.replace("2026-12-01", "2027-01-30");
        assert_eq!(
            parse(bad.as_bytes(), today()).unwrap_err().to_string(),
            "/data/occurred_date: is in the future"
        );

        let bad = GOOD.replace("15.9182 2.4022", "95 2.4");
        assert_eq!(
            parse(bad.as_bytes(), today()).unwrap_err().path,
            "/data/location"
        );

        let bad = GOOD.replace(r#"id="vigil_report""#, r#"id="other""#);
        assert_eq!(
            parse(bad.as_bytes(), today()).unwrap_err().path,
            "/data/@id"
        );
    }

    #[test]
    fn broken_xml_says_line_and_column() {
        let bad = GOOD.replace("</category>", "</categry>");
        let e = parse(bad.as_bytes(), today()).unwrap_err();
        assert!(
            e.path.starts_with("xml_submission_file line 2, column"),
            "{e}"
        );
        assert!(e.message.contains("not well-formed"), "{e}");
    }

    #[test]
    fn an_edit_carries_its_deprecated_id() {
        let x = GOOD.replace("<deprecatedID/>", "<deprecatedID>uuid:0001</deprecatedID>");
        assert_eq!(
            parse(x.as_bytes(), today())
                .unwrap()
                .deprecated_id
                .as_deref(),
            Some("uuid:0001")
        );
    }
}
