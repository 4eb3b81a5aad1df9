//! The field report as an XForm (XForms 1.0 as profiled by the ODK XForms spec), for
//! ODK Collect and Enketo, generated from code: the fields of the web report form
//! and the choices of the vocabulary ([`vigil_model::vocab`]), labelled in English
//! and French through `itext`. Nothing here is a hand-copied form file.
//!
//! [`FIELDS`] is the form's field list, in form order. It is the one description of
//! the form for every channel that carries it:
//!
//! * [`xform`] renders the XForm served at `/forms/vigil_report.xml`;
//! * [`crate::xform_submission`] reads a filled instance back, field by field;
//! * the SMS channel reads ODK's compact record representation of the same form
//!   with it: each field that may travel by SMS has a [`Field::tag`] (the `odk:tag`
//!   attribute on the instance element), the form root carries
//!   `odk:prefix="`[`SMS_PREFIX`]`"` and `odk:delimiter=" "`; binary fields (photo,
//!   audio) have no tag and never travel by SMS.
//!
//! Instance paths are `/`[`ROOT`]`/<name>` for top-level fields and
//! `/`[`ROOT`]`/<group>/<name>` for fields in a group ([`Field::path`]); the
//! restricted detail sits in the group `restricted`. Submissions use the same element
//! names, so a path in an error message points at the element that was wrong.

use std::fmt::Write;
use vigil_model::vocab::{self, Term};

/// The form's id (`<data id="…">`, the `formID` of the form list).
pub const FORM_ID: &str = "vigil_report";
/// The instance's root element.
pub const ROOT: &str = "data";
/// The form's title.
pub const TITLE: &str = "Vigil field report / Rapport de terrain Vigil";
/// `odk:prefix` of the compact SMS representation.
pub const SMS_PREFIX: &str = "VGL";

/// What kind of value a field holds (XForm `type` and body control).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (`string`, `<input>`).
    Text,
    /// Several lines of free text (`string`, `<input appearance="multiline">`).
    LongText,
    /// A whole number (`int`).
    Int,
    /// A day (`date`), `YYYY-MM-DD`.
    Date,
    /// A time of day (`time`), `HH:MM:SS.sss±hh:mm`.
    Time,
    /// `lat lon altitude accuracy` (`geopoint`).
    GeoPoint,
    /// One code of a vocabulary list (`select1`).
    Choice(&'static [Term]),
    /// A file sent beside the instance (`binary`, `<upload>`), e.g. `image/*`.
    File(&'static str),
}

impl Kind {
    /// The XForm bind type.
    pub fn xform_type(self) -> &'static str {
        match self {
            Kind::Text | Kind::LongText => "string",
            Kind::Int => "int",
            Kind::Date => "date",
            Kind::Time => "time",
            Kind::GeoPoint => "geopoint",
            Kind::Choice(_) => "string",
            Kind::File(_) => "binary",
        }
    }
}

/// One field of the report form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Element name in the instance (and the web form's field it fills).
    pub name: &'static str,
    /// The group it sits in (`restricted` for restricted detail), if any.
    pub group: Option<&'static str>,
    pub kind: Kind,
    pub required: bool,
    /// Restricted detail: seen by human-rights officers only.
    pub restricted: bool,
    /// Tag in the compact SMS representation (`odk:tag`); `None`: not sent by SMS.
    pub tag: Option<&'static str>,
    pub label_en: &'static str,
    pub label_fr: &'static str,
    pub hint_en: Option<&'static str>,
    pub hint_fr: Option<&'static str>,
    /// XPath constraint on `.` and its message (English, French).
    pub constraint: Option<(&'static str, &'static str, &'static str)>,
}

impl Field {
    /// The instance path, e.g. `/data/category` or `/data/restricted/victims`.
    pub fn path(&self) -> String {
        match self.group {
            Some(g) => format!("/{ROOT}/{g}/{}", self.name),
            None => format!("/{ROOT}/{}", self.name),
        }
    }
}

const fn f(
    name: &'static str,
    kind: Kind,
    label_en: &'static str,
    label_fr: &'static str,
) -> Field {
    Field {
        name,
        group: None,
        kind,
        required: false,
        restricted: false,
        tag: None,
        label_en,
        label_fr,
        hint_en: None,
        hint_fr: None,
        constraint: None,
    }
}

const fn req(mut x: Field) -> Field {
    x.required = true;
    x
}

const fn tag(mut x: Field, t: &'static str) -> Field {
    x.tag = Some(t);
    x
}

const fn hint(mut x: Field, en: &'static str, fr: &'static str) -> Field {
    x.hint_en = Some(en);
    x.hint_fr = Some(fr);
    x
}

const fn restricted(mut x: Field) -> Field {
    x.group = Some("restricted");
    x.restricted = true;
    x.hint_en =
        Some("RESTRICTED: only human-rights officers can see this. Leave empty if not needed.");
    x.hint_fr = Some("RESTREINT : visible uniquement par les chargés des droits de l’homme. Laisser vide si inutile.");
    x
}

/// The group of restricted detail: its labels (English, French).
pub const RESTRICTED_GROUP: (&str, &str, &str) = (
    "restricted",
    "RESTRICTED detail",
    "Informations RESTREINTES",
);

/// The fields of the report form, in form order (the web form's order: what, where,
/// when, how many, description, grading, restricted detail, files).
pub const FIELDS: &[Field] = &[
    tag(
        req(f(
            "category",
            Kind::Choice(vocab::CATEGORIES),
            "What happened?",
            "Que s’est-il passé ?",
        )),
        "CAT",
    ),
    tag(
        hint(
            f("place_name", Kind::Text, "Town or place", "Ville ou lieu"),
            "The name of the town, village or place.",
            "Le nom de la ville, du village ou du lieu.",
        ),
        "PL",
    ),
    tag(
        hint(
            f(
                "location",
                Kind::GeoPoint,
                "Location (GPS)",
                "Position (GPS)",
            ),
            "Record the position where it happened, if you are there.",
            "Enregistrez la position du lieu de l’incident, si vous y êtes.",
        ),
        "LOC",
    ),
    tag(
        req(Field {
            constraint: Some((
                ". <= today()",
                "The date cannot be in the future.",
                "La date ne peut pas être dans le futur.",
            )),
            ..f("occurred_date", Kind::Date, "Date", "Date")
        }),
        "DT",
    ),
    tag(f("occurred_time", Kind::Time, "Time", "Heure"), "TM"),
    tag(
        Field {
            constraint: Some((
                ". >= 0",
                "A number of people, 0 or more.",
                "Un nombre de personnes, 0 ou plus.",
            )),
            ..f(
                "people_affected",
                Kind::Int,
                "People affected",
                "Personnes touchées",
            )
        },
        "PPL",
    ),
    tag(
        req(hint(
            f(
                "description",
                Kind::LongText,
                "What happened (free text)",
                "Ce qui s’est passé (texte libre)",
            ),
            "Who, what, how many, what you saw or heard, who told you.",
            "Qui, quoi, combien, ce que vous avez vu ou entendu, qui vous l’a dit.",
        )),
        "DSC",
    ),
    tag(
        req(hint(
            f(
                "reliability",
                Kind::Choice(vocab::RELIABILITY),
                "Reliability of the source",
                "Fiabilité de la source",
            ),
            "How reliable the source usually is (A–F).",
            "La fiabilité habituelle de la source (A–F).",
        )),
        "REL",
    ),
    tag(
        req(hint(
            f(
                "credibility",
                Kind::Choice(vocab::CREDIBILITY),
                "Credibility of the information",
                "Crédibilité de l’information",
            ),
            "How credible this piece of information is (1–6).",
            "La crédibilité de cette information (1–6).",
        )),
        "CRD",
    ),
    tag(
        restricted(f(
            "victims",
            Kind::LongText,
            "Victims (names, age, sex)",
            "Victimes (noms, âge, sexe)",
        )),
        "VIC",
    ),
    tag(
        restricted(f("witnesses", Kind::LongText, "Witnesses", "Témoins")),
        "WIT",
    ),
    tag(
        restricted(f(
            "contacts",
            Kind::LongText,
            "Contacts (phone, how to reach)",
            "Contacts (téléphone, comment joindre)",
        )),
        "CON",
    ),
    f("photo", Kind::File("image/*"), "Photo", "Photo"),
    f(
        "audio",
        Kind::File("audio/*"),
        "Audio recording",
        "Enregistrement audio",
    ),
];

/// The field named `name` (top level or in a group).
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|x| x.name == name)
}

/// XML-escape text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn text_id(path: &str, what: &str) -> String {
    format!("{path}:{what}")
}

/// The form's version: a digest of the form as generated, so that any change of the
/// fields or of the vocabulary's choices gives Collect a new version to download.
pub fn version() -> String {
    let body = render("");
    // FNV-1a, 64 bits: stable across builds (change detection, not security)
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The XForm document.
pub fn xform() -> String {
    render(&version())
}

fn render(version: &str) -> String {
    let mut x = String::with_capacity(32 * 1024);
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms" xmlns:vigil="https://vigil.example/xforms">"#
    );
    let _ = writeln!(
        x,
        "<h:head>\n<h:title>{}</h:title>\n<model odk:xforms-version=\"1.0.0\">",
        esc(TITLE)
    );
    // itext: English first (the default), then French
    let _ = writeln!(x, "<itext>");
    for (lang, name, default) in [("en", "English (en)", true), ("fr", "French (fr)", false)] {
        let d = if default { r#" default="true()""# } else { "" };
        let _ = writeln!(x, r#"<translation lang="{name}"{d}>"#);
        let mut text = |id: String, value: &str| {
            let _ = writeln!(
                x,
                r#"<text id="{}"><value>{}</value></text>"#,
                esc(&id),
                esc(value)
            );
        };
        let g = format!("/{ROOT}/{}", RESTRICTED_GROUP.0);
        text(
            text_id(&g, "label"),
            if lang == "fr" {
                RESTRICTED_GROUP.2
            } else {
                RESTRICTED_GROUP.1
            },
        );
        for fl in FIELDS {
            let p = fl.path();
            text(
                text_id(&p, "label"),
                if lang == "fr" {
                    fl.label_fr
                } else {
                    fl.label_en
                },
            );
            if let (Some(en), Some(fr)) = (fl.hint_en, fl.hint_fr) {
                text(text_id(&p, "hint"), if lang == "fr" { fr } else { en });
            }
            if let Some((_, en, fr)) = fl.constraint {
                text(
                    text_id(&p, "constraintMsg"),
                    if lang == "fr" { fr } else { en },
                );
            }
            if let Kind::Choice(terms) = fl.kind {
                for t in terms {
                    text(
                        text_id(&format!("{p}/{}", t.code), "label"),
                        &choice_label(t, lang),
                    );
                }
            }
        }
        let _ = writeln!(x, "</translation>");
    }
    let _ = writeln!(x, "</itext>");
    // the primary instance
    let _ = writeln!(
        x,
        r#"<instance>
<{ROOT} id="{FORM_ID}" version="{version}" odk:prefix="{SMS_PREFIX}" odk:delimiter=" ">"#
    );
    let mut open_group: Option<&str> = None;
    for fl in FIELDS {
        if fl.group != open_group {
            if let Some(g) = open_group {
                let _ = writeln!(x, "</{g}>");
            }
            if let Some(g) = fl.group {
                let _ = writeln!(x, "<{g}>");
            }
            open_group = fl.group;
        }
        match fl.tag {
            Some(t) => {
                let _ = writeln!(x, r#"<{} odk:tag="{t}"/>"#, fl.name);
            }
            None => {
                let _ = writeln!(x, "<{}/>", fl.name);
            }
        }
    }
    if let Some(g) = open_group {
        let _ = writeln!(x, "</{g}>");
    }
    let _ = writeln!(
        x,
        "<meta>\n<instanceID/>\n<instanceName/>\n<deprecatedID/>\n</meta>\n</{ROOT}>\n</instance>"
    );
    // binds
    for fl in FIELDS {
        let mut b = format!(
            r#"<bind nodeset="{}" type="{}""#,
            fl.path(),
            fl.kind.xform_type()
        );
        if fl.required {
            b.push_str(r#" required="true()""#);
        }
        if let Some((c, _, _)) = fl.constraint {
            let _ = write!(
                b,
                r#" constraint="{}" jr:constraintMsg="jr:itext('{}')""#,
                esc(c),
                esc(&text_id(&fl.path(), "constraintMsg"))
            );
        }
        if fl.restricted {
            b.push_str(r#" vigil:restricted="true""#);
        }
        b.push_str("/>");
        let _ = writeln!(x, "{b}");
    }
    let _ = writeln!(
        x,
        r#"<bind nodeset="/{ROOT}/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
<bind nodeset="/{ROOT}/meta/instanceName" type="string" calculate="concat(/{ROOT}/category, ' ', /{ROOT}/occurred_date, ' ', /{ROOT}/place_name)"/>
<bind nodeset="/{ROOT}/meta/deprecatedID" type="string"/>
</model>
</h:head>
<h:body>"#
    );
    let mut open_group: Option<&str> = None;
    for fl in FIELDS {
        if fl.group != open_group {
            if open_group.is_some() {
                let _ = writeln!(x, "</group>");
            }
            if let Some(g) = fl.group {
                let gp = format!("/{ROOT}/{g}");
                let _ = writeln!(
                    x,
                    r#"<group ref="{gp}"><label ref="jr:itext('{}')"/>"#,
                    text_id(&gp, "label")
                );
            }
            open_group = fl.group;
        }
        let p = fl.path();
        let label = format!(
            r#"<label ref="jr:itext('{}')"/>"#,
            esc(&text_id(&p, "label"))
        );
        let hint = if fl.hint_en.is_some() {
            format!(r#"<hint ref="jr:itext('{}')"/>"#, esc(&text_id(&p, "hint")))
        } else {
            String::new()
        };
        match fl.kind {
            Kind::Choice(terms) => {
                let _ = writeln!(x, r#"<select1 ref="{p}">{label}{hint}"#);
                for t in terms {
                    let _ = writeln!(
                        x,
                        r#"<item><label ref="jr:itext('{}')"/><value>{}</value></item>"#,
                        esc(&text_id(&format!("{p}/{}", t.code), "label")),
                        esc(t.code)
                    );
                }
                let _ = writeln!(x, "</select1>");
            }
            Kind::File(media) => {
                let _ = writeln!(
                    x,
                    r#"<upload ref="{p}" mediatype="{media}">{label}{hint}</upload>"#
                );
            }
            Kind::LongText => {
                let _ = writeln!(
                    x,
                    r#"<input ref="{p}" appearance="multiline">{label}{hint}</input>"#
                );
            }
            _ => {
                let _ = writeln!(x, r#"<input ref="{p}">{label}{hint}</input>"#);
            }
        }
    }
    if open_group.is_some() {
        let _ = writeln!(x, "</group>");
    }
    let _ = writeln!(x, "</h:body>\n</h:html>");
    x
}

/// A choice's label: the Admiralty grades show their code beside the label (`A —
/// Completely reliable`), as the web form does.
fn choice_label(t: &Term, lang: &str) -> String {
    let label = t.label(lang);
    if vocab::RELIABILITY.contains(t) || vocab::CREDIBILITY.contains(t) {
        format!("{} — {label}", t.code)
    } else {
        label.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_of_the_vocabulary_is_a_choice_in_both_languages() {
        let x = xform();
        for t in vocab::CATEGORIES {
            assert!(
                x.contains(&format!("<value>{}</value>", t.code)),
                "{} missing",
                t.code
            );
            assert!(
                x.contains(&format!("<value>{}</value>", esc(t.en))),
                "{} en label missing",
                t.code
            );
            assert!(
                x.contains(&format!("<value>{}</value>", esc(t.fr))),
                "{} fr label missing",
                t.code
            );
        }
        assert!(x.contains(r#"<translation lang="French (fr)">"#));
        assert!(x.contains(r#"<translation lang="English (en)" default="true()">"#));
    }

    #[test]
    fn restricted_fields_are_marked_in_the_bind_and_grouped() {
        let x = xform();
        for name in ["victims", "witnesses", "contacts"] {
            let fl = field(name).unwrap();
            assert!(fl.restricted);
            assert_eq!(fl.path(), format!("/data/restricted/{name}"));
            assert!(x.contains(&format!(
                r#"<bind nodeset="/data/restricted/{name}" type="string" vigil:restricted="true"/>"#
            )));
        }
        assert!(!field("description").unwrap().restricted);
        assert!(x.contains("RESTRICTED: only human-rights officers"));
    }

    #[test]
    fn required_fields_match_the_web_form() {
        let req: Vec<&str> = FIELDS
            .iter()
            .filter(|x| x.required)
            .map(|x| x.name)
            .collect();
        assert_eq!(
            req,
            [
                "category",
                "occurred_date",
                "description",
                "reliability",
                "credibility"
            ]
        );
        assert!(xform().contains(r#"<bind nodeset="/data/location" type="geopoint"/>"#));
        assert!(xform().contains(r#"<upload ref="/data/photo" mediatype="image/*">"#));
        assert!(xform().contains(r#"<upload ref="/data/audio" mediatype="audio/*">"#));
    }

    #[test]
    fn sms_tags_are_unique_and_files_have_none() {
        let tags: Vec<&str> = FIELDS.iter().filter_map(|x| x.tag).collect();
        let mut sorted = tags.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), tags.len());
        assert!(FIELDS
            .iter()
            .filter(|x| matches!(x.kind, Kind::File(_)))
            .all(|x| x.tag.is_none()));
    }

    #[test]
    fn the_version_is_stable_and_is_in_the_form() {
        assert_eq!(version(), version());
        assert!(xform().contains(&format!(r#"version="{}""#, version())));
    }

    #[test]
    fn the_form_is_well_formed_xml() {
        let x = xform();
        let mut r = quick_xml::Reader::from_str(&x);
        let mut depth = 0i32;
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}", r.buffer_position()),
            }
        }
        assert_eq!(depth, 0);
    }
}
