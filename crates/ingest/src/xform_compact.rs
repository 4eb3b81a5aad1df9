//! ODK's compact record representation for SMS (ODK XForms spec, "Compact Record
//! Representation (for SMS)"): a filled report form sent as one text message when
//! there is no data link, e.g.
//!
//! ```text
//! VGL CAT attack_on_civilians PL Ménaka DT 2022-11-03 DSC Hommes\ armés\ au\ marché REL C CRD 3
//! ```
//!
//! The form's prefix ([`SMS_PREFIX`]) comes first, then each tagged question's tag and
//! value (the tags of [`FIELDS`]), separated by the delimiter (a space). A delimiter
//! inside a value is escaped with a backslash. Questions left empty are not sent.
//!
//! A message is read back into the same XML instance ODK Collect would have posted and
//! then through [`xform_submission::parse`], so an SMS is checked exactly as a
//! submission is (categories and grading from the vocabulary, no date in the future).

use crate::xform::{Field, FIELDS, FORM_ID, ROOT, SMS_PREFIX};
use crate::xform_submission::{self, FilledReport};

/// The delimiter of Vigil's form (`odk:delimiter`).
pub const DELIMITER: char = ' ';

/// What is wrong with a compact message, and where (which tag, or which word).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    #[error("the message does not start with the form's prefix `{SMS_PREFIX}`")]
    NoPrefix,
    #[error("word {position}: `{word}` is not a tag of the form (tags: {known})")]
    UnknownTag {
        position: usize,
        word: String,
        known: String,
    },
    #[error("tag {tag} has no value")]
    MissingValue { tag: String },
    #[error("tag {tag} is given twice")]
    Repeated { tag: String },
    #[error("{0}")]
    Invalid(#[from] xform_submission::SubmissionError),
}

/// True when a message is meant as a compact record (starts with the prefix and a
/// delimiter, in any case): such a message is read as a form, never guessed at.
pub fn is_compact(text: &str) -> bool {
    let t = text.trim_start();
    t.len() > SMS_PREFIX.len()
        && t.is_char_boundary(SMS_PREFIX.len())
        && t[..SMS_PREFIX.len()].eq_ignore_ascii_case(SMS_PREFIX)
        && t[SMS_PREFIX.len()..].starts_with(DELIMITER)
}

/// Split on unescaped delimiters; `\` followed by any character keeps that character.
fn words(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut chars = text.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c == DELIMITER => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The tagged values of a compact message, in message order.
pub fn values(text: &str) -> Result<Vec<(&'static Field, String)>, CompactError> {
    if !is_compact(text) {
        return Err(CompactError::NoPrefix);
    }
    let w = words(text);
    let mut out: Vec<(&'static Field, String)> = vec![];
    let mut i = 1;
    while i < w.len() {
        let word = &w[i];
        let field = FIELDS
            .iter()
            .find(|f| f.tag.is_some_and(|t| t.eq_ignore_ascii_case(word)))
            .ok_or_else(|| CompactError::UnknownTag {
                position: i + 1,
                word: word.clone(),
                known: FIELDS
                    .iter()
                    .filter_map(|f| f.tag)
                    .collect::<Vec<_>>()
                    .join(" "),
            })?;
        let tag = field.tag.unwrap_or_default().to_string();
        if out.iter().any(|(f, _)| f.name == field.name) {
            return Err(CompactError::Repeated { tag });
        }
        let value = w
            .get(i + 1)
            .cloned()
            .ok_or(CompactError::MissingValue { tag })?;
        out.push((field, value));
        i += 2;
    }
    Ok(out)
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The XML instance ODK Collect would have posted for these values, with
/// `instance_id` as its `meta/instanceID`.
pub fn instance_xml(values: &[(&'static Field, String)], instance_id: &str) -> String {
    let mut top = String::new();
    let mut groups: Vec<(&str, String)> = vec![];
    for (f, v) in values {
        let el = format!("<{n}>{v}</{n}>", n = f.name, v = xml_text(v));
        match f.group {
            None => top.push_str(&el),
            Some(g) => match groups.iter_mut().find(|(name, _)| *name == g) {
                Some((_, body)) => body.push_str(&el),
                None => groups.push((g, el)),
            },
        }
    }
    for (g, body) in groups {
        top.push_str(&format!("<{g}>{body}</{g}>"));
    }
    format!(
        "<{ROOT} id=\"{FORM_ID}\">{top}<meta><instanceID>{}</instanceID></meta></{ROOT}>",
        xml_text(instance_id)
    )
}

/// Read a compact message as a filled report form (`instance_id` names it, e.g. from
/// the SMS's own dedupe key); `today` bounds the date as for a submission.
pub fn parse(
    text: &str,
    instance_id: &str,
    today: chrono::NaiveDate,
) -> Result<FilledReport, CompactError> {
    let v = values(text)?;
    Ok(xform_submission::parse(
        instance_xml(&v, instance_id).as_bytes(),
        today,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
    }

    #[test]
    fn a_filled_form_by_sms_reads_as_the_form() {
        let msg = "VGL CAT attack_on_civilians PL Ménaka DT 2022-11-03 PPL 12 \
                   DSC Hommes\\ armés\\ au\\ marché,\\ 3\\ morts REL C CRD 3 VIC 3\\ hommes";
        assert!(is_compact(msg));
        let r = parse(msg, "sms:abc", today()).unwrap();
        assert_eq!(r.category, "attack_on_civilians");
        assert_eq!(r.place_name.as_deref(), Some("Ménaka"));
        assert_eq!(r.occurred_date.to_string(), "2022-11-03");
        assert_eq!(r.people_affected, Some(12));
        assert_eq!(r.description, "Hommes armés au marché, 3 morts");
        assert_eq!((r.reliability.as_str(), r.credibility), ("C", 3));
        assert_eq!(
            r.victims.as_deref(),
            Some("3 hommes"),
            "a restricted field, in its group"
        );
        assert_eq!(r.instance_id, "sms:abc");
    }

    #[test]
    fn tags_and_prefix_in_any_case_and_a_location() {
        let r = parse(
            "vgl cat threat loc 15.93\\ 2.40\\ 0\\ 10 dt 2022-12-30 dsc Menaces rel B crd 2",
            "sms:1",
            today(),
        )
        .unwrap();
        assert_eq!((r.latitude, r.longitude), (Some(15.93), Some(2.40)));
    }

    #[test]
    fn what_is_wrong_is_said_with_where() {
        assert_eq!(
            values("ALERTE MENAKA 3 morts").err(),
            Some(CompactError::NoPrefix)
        );
        assert!(!is_compact("VGLX CAT threat"));
        match values("VGL CAT threat XYZ 3").err() {
            Some(CompactError::UnknownTag { position, word, .. }) => {
                assert_eq!((position, word.as_str()), (4, "XYZ"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            values("VGL CAT threat DSC").err(),
            Some(CompactError::MissingValue { tag: "DSC".into() })
        );
        assert_eq!(
            values("VGL CAT threat CAT other").err(),
            Some(CompactError::Repeated { tag: "CAT".into() })
        );
        // checked as a submission is: an unknown category, a date in the future
        let e = parse(
            "VGL CAT picnic DT 2022-11-03 DSC x REL C CRD 3",
            "sms:2",
            today(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("/data/category"), "{e}");
        let e = parse(
            "VGL CAT threat DT 2031-01-01 DSC x REL C CRD 3",
            "sms:3",
            today(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("/data/occurred_date"), "{e}");
        // markup in a value stays text
        let r = parse(
            "VGL CAT threat DT 2022-11-03 DSC <b>&</b> REL C CRD 3",
            "sms:4",
            today(),
        )
        .unwrap();
        assert_eq!(r.description, "<b>&</b>");
    }
}
