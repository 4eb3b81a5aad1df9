//! What SMS gateways post, read into one [`InboundSms`].
//!
//! Three shapes are accepted on the one webhook (`POST /api/sms/inbound`):
//!
//! - **plain JSON** (Vigil's own, documented in the OpenAPI document):
//!   `{"from": "+22376000000", "text": "…", "id": "gw-123", "received_at": "2026-12-06T10:00:00Z",
//!   "part": 1, "parts": 3, "ref": "a7"}`; only `from` and `text` are required;
//!   `part`/`parts`/`ref` mark one part of a concatenated SMS.
//! - **RapidPro / TextIt flow webhook** (a "Call webhook" action posting the default
//!   body): the message is `input` (`uuid`, `urn` `tel:+…`, `text`, `created_on`), the
//!   sender also `contact.urn`. RapidPro joins concatenated SMS itself.
//! - **form-encoded** (`application/x-www-form-urlencoded`), as SMSSync and
//!   FrontlineSMS-style HTTP gateways post: `from`, `message` or `text`, `message_id`
//!   or `id`, `sent_timestamp` (milliseconds since 1970, or RFC 3339) or `date`,
//!   and optionally `part`, `parts`, `ref`.
//!
//! The deduplication key ([`InboundSms::dedupe_key`]) is the gateway's message id
//! when there is one, else a digest of sender, text and sending time: the same
//! message delivered twice gives the same key.

use crate::Invalid;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// Which shape a payload had (also the `gateway` recorded with the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    RapidPro,
    Form,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::RapidPro => "rapidpro",
            Format::Form => "form",
        }
    }
}

/// One part of a concatenated SMS: part `index` of `total`, with the sender's
/// concatenation reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub reference: String,
    pub index: i64,
    pub total: i64,
}

/// An SMS as a gateway delivered it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundSms {
    pub format: Format,
    /// The gateway's id of the message, when it gives one.
    pub id: Option<String>,
    /// The sender's number, normalised (see [`normalise_number`]).
    pub from: String,
    pub text: String,
    /// When the phone received it (the gateway's time), if given.
    pub sent_at: Option<DateTime<Utc>>,
    pub part: Option<Part>,
    /// A shared secret carried in the body (SMSSync's `secret`), if any.
    pub secret: Option<String>,
}

/// A phone number as digits with a leading `+` for an international number:
/// `tel:` prefix, spaces, dots, dashes and brackets dropped; `00` read as `+`.
pub fn normalise_number(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix("tel:").unwrap_or(s);
    let plus = s.starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if plus {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else {
        digits
    }
}

fn sha_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

impl InboundSms {
    /// The key under which this message is stored once: the gateway's id, else
    /// sender + text + sending time (a digest; never shown).
    pub fn dedupe_key(&self) -> String {
        match &self.id {
            Some(id) => sha_hex(&["id", self.format.as_str(), id]),
            None => {
                let t = self.sent_at.map(|t| t.to_rfc3339()).unwrap_or_default();
                sha_hex(&["msg", &self.from, &self.text, &t])
            }
        }
    }

    /// The key of the concatenated message this part belongs to: sender, reference,
    /// number of parts and the UTC day it was sent (references are one byte on most
    /// phones and come round again, so the day keeps a later message with the same
    /// reference apart).
    pub fn concat_key(&self) -> Option<String> {
        let p = self.part.as_ref()?;
        let day = self
            .sent_at
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default();
        Some(sha_hex(&[
            "concat",
            &self.from,
            &p.reference,
            &p.total.to_string(),
            &day,
        ]))
    }
}

/// The deduplication key of a message joined from parts.
pub fn joined_key(concat_key: &str) -> String {
    sha_hex(&["joined", concat_key])
}

fn time(v: &str, field: &'static str) -> Result<DateTime<Utc>, Invalid> {
    let v = v.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(ms) = v.parse::<i64>() {
        // SMSSync sends milliseconds; ten digits or fewer are seconds
        let t = if v.len() > 11 {
            DateTime::from_timestamp_millis(ms)
        } else {
            DateTime::from_timestamp(ms, 0)
        };
        if let Some(t) = t {
            return Ok(t);
        }
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S") {
        return Ok(t.and_utc());
    }
    Err(Invalid::new(
        field,
        format!(
            "`{v}` is not a time (RFC 3339, `YYYY-MM-DD HH:MM:SS` UTC, or milliseconds since 1970)"
        ),
    ))
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Part `i` of `n` with reference `r`, from three optional strings; all or none.
fn part_of(
    part: Option<String>,
    parts: Option<String>,
    reference: Option<String>,
) -> Result<Option<Part>, Invalid> {
    match (part, parts, reference) {
        (None, None, None) => Ok(None),
        (Some(i), Some(n), Some(r)) => {
            let index: i64 = i
                .trim()
                .parse()
                .map_err(|_| Invalid::new("part", format!("`{i}` is not a number")))?;
            let total: i64 = n
                .trim()
                .parse()
                .map_err(|_| Invalid::new("parts", format!("`{n}` is not a number")))?;
            if !(1..=50).contains(&total) {
                return Err(Invalid::new("parts", "must be 1 to 50"));
            }
            if !(1..=total).contains(&index) {
                return Err(Invalid::new(
                    "part",
                    format!("must be 1 to {total} (parts)"),
                ));
            }
            if r.trim().is_empty() || r.len() > 64 {
                return Err(Invalid::new("ref", "must be 1 to 64 characters"));
            }
            Ok(if total == 1 {
                None
            } else {
                Some(Part {
                    reference: r.trim().to_string(),
                    index,
                    total,
                })
            })
        }
        _ => Err(Invalid::new(
            "part",
            "part, parts and ref go together (part i of parts, with the concatenation ref)",
        )),
    }
}

fn finish(
    format: Format,
    id: Option<String>,
    from: Option<String>,
    text: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    part: Option<Part>,
    secret: Option<String>,
) -> Result<InboundSms, Invalid> {
    let from = normalise_number(
        &from.ok_or_else(|| Invalid::new("from", "is required (the sender's number)"))?,
    );
    if from.trim_start_matches('+').len() < 3 || from.len() > 20 {
        return Err(Invalid::new("from", "is not a phone number"));
    }
    let text = text.ok_or_else(|| Invalid::new("text", "is required (the message)"))?;
    if text.trim().is_empty() && part.is_none() {
        return Err(Invalid::new("text", "is empty"));
    }
    if text.len() > 5_000 {
        return Err(Invalid::new("text", "is longer than 5,000 bytes"));
    }
    let id = id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if id.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(Invalid::new("id", "is longer than 200 characters"));
    }
    Ok(InboundSms {
        format,
        id,
        from,
        text,
        sent_at,
        part,
        secret,
    })
}

/// A JSON body: RapidPro's flow webhook when it has `contact` and `input`, else
/// the plain form.
pub fn from_json(body: &[u8]) -> Result<InboundSms, Invalid> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Invalid::new("body", format!("is not valid JSON ({e})")))?;
    let Value::Object(o) = v else {
        return Err(Invalid::new("body", "must be a JSON object"));
    };
    if let (Some(Value::Object(input)), Some(contact)) = (o.get("input"), o.get("contact")) {
        let from = text_of(input.get("urn")).or_else(|| text_of(contact.get("urn")));
        let sent_at = match text_of(input.get("created_on")) {
            Some(t) => Some(time(&t, "input.created_on")?),
            None => None,
        };
        return finish(
            Format::RapidPro,
            text_of(input.get("uuid")),
            from,
            text_of(input.get("text")),
            sent_at,
            None,
            None,
        );
    }
    plain(&o)
}

fn plain(o: &Map<String, Value>) -> Result<InboundSms, Invalid> {
    const KNOWN: &[&str] = &[
        "from",
        "text",
        "id",
        "received_at",
        "part",
        "parts",
        "ref",
        "secret",
    ];
    if let Some(k) = o.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(Invalid::new(
            "body",
            format!("unknown field `{k}`; fields: {}", KNOWN.join(", ")),
        ));
    }
    let sent_at = match text_of(o.get("received_at")) {
        Some(t) => Some(time(&t, "received_at")?),
        None => None,
    };
    let part = part_of(
        text_of(o.get("part")),
        text_of(o.get("parts")),
        text_of(o.get("ref")),
    )?;
    finish(
        Format::Plain,
        text_of(o.get("id")),
        text_of(o.get("from")),
        text_of(o.get("text")),
        sent_at,
        part,
        text_of(o.get("secret")),
    )
}

/// A form-encoded body (SMSSync, FrontlineSMS-style gateways).
pub fn from_form(body: &[u8]) -> Result<InboundSms, Invalid> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| Invalid::new("body", format!("is not a valid form ({e})")))?;
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
    };
    let sent_at = match get(&["sent_timestamp", "date", "received_at"]) {
        Some(t) if !t.trim().is_empty() => Some(time(&t, "sent_timestamp")?),
        _ => None,
    };
    let part = part_of(get(&["part"]), get(&["parts"]), get(&["ref"]))?;
    finish(
        Format::Form,
        get(&["message_id", "id"]),
        get(&["from", "sender"]),
        get(&["message", "text"]),
        sent_at,
        part,
        get(&["secret"]),
    )
}

/// The answer to the gateway: `reply` (RapidPro: `@webhook.reply` in the flow) and
/// SMSSync's `payload` with the reply as a send task, so either gateway sends the
/// reply to the sender; `None` sends nothing (a part of a longer message).
pub fn response(
    status: &str,
    message_id: Option<i64>,
    report_id: Option<i64>,
    to: &str,
    reply: Option<&str>,
) -> Value {
    let messages: Vec<Value> = reply
        .iter()
        .map(|r| json!({"to": to, "message": r}))
        .collect();
    json!({
        "status": status,
        "message_id": message_id,
        "report_id": report_id,
        "reply": reply,
        "payload": {"success": true, "error": null, "task": if messages.is_empty() { Value::Null } else { "send".into() }, "messages": messages},
    })
}

/// The reply text to the sender, in their language.
pub fn reply_text(lang: Option<&str>, report_id: Option<i64>, held: bool) -> String {
    let fr = lang != Some("en");
    match (report_id, held, fr) {
        (Some(id), _, true) => format!("Vigil: message reçu, rapport n° {id}. Merci."),
        (Some(id), _, false) => format!("Vigil: message received, report no. {id}. Thank you."),
        (None, true, true) => "Vigil: message reçu; il sera examiné. Merci.".to_string(),
        (None, _, false) => "Vigil: message received; it will be reviewed. Thank you.".to_string(),
        (None, false, true) => "Vigil: message reçu. Merci.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_json_with_parts() {
        let m = from_json(
            br#"{"from": "00223 76 00 00 01", "text": "ALERTE", "part": 2, "parts": 3, "ref": "a7",
            "received_at": "2026-12-01T10:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(m.from, "+22376000001");
        assert_eq!(
            m.part,
            Some(Part {
                reference: "a7".into(),
                index: 2,
                total: 3
            })
        );
        assert!(m.concat_key().is_some());
        assert_eq!(m.format, Format::Plain);
    }

    #[test]
    fn rapidpro_flow_webhook() {
        let body = br#"{"contact": {"uuid": "c1", "name": "FP", "urn": "tel:+22376000002"},
            "flow": {"uuid": "f", "name": "alerte"}, "path": [], "results": {},
            "run": {"uuid": "r", "created_on": "2026-12-01T10:00:00Z"},
            "input": {"uuid": "9a1b", "urn": "tel:+22376000002", "text": "ALERTE GAO 2 morts", "attachments": [],
                      "created_on": "2026-12-01T10:00:01.123Z"},
            "channel": {"uuid": "ch", "name": "Orange"}}"#;
        let m = from_json(body).unwrap();
        assert_eq!(m.format, Format::RapidPro);
        assert_eq!(m.id.as_deref(), Some("9a1b"));
        assert_eq!(m.from, "+22376000002");
        assert_eq!(m.text, "ALERTE GAO 2 morts");
    }

    #[test]
    fn smssync_form() {
        let m = from_form(b"from=%2B22376000003&message=ALERT+MOPTI&message_id=42&sent_timestamp=1764583200000&secret=s3")
            .unwrap();
        assert_eq!(m.format, Format::Form);
        assert_eq!(m.id.as_deref(), Some("42"));
        assert_eq!(m.secret.as_deref(), Some("s3"));
        assert_eq!(m.sent_at.unwrap().to_rfc3339(), "2025-12-01T10:00:00+00:00");
    }

    #[test]
    fn same_message_twice_has_one_key_and_a_different_one_another() {
        let a = from_json(
            br#"{"from": "+22376000001", "text": "ALERTE", "received_at": "2026-12-01T10:00:00Z"}"#,
        )
        .unwrap();
        let b = from_json(br#"{"from": "+223 76 00 00 01", "text": "ALERTE", "received_at": "2026-12-01T10:00:00Z"}"#).unwrap();
        let c = from_json(
            br#"{"from": "+22376000001", "text": "ALERTE", "received_at": "2026-12-01T11:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(a.dedupe_key(), b.dedupe_key());
        assert_ne!(a.dedupe_key(), c.dedupe_key());
        let d = from_json(br#"{"from": "+22376000001", "text": "x", "id": "7"}"#).unwrap();
        let e = from_json(br#"{"from": "+22376000009", "text": "y", "id": "7"}"#).unwrap();
        assert_eq!(d.dedupe_key(), e.dedupe_key(), "the gateway's id decides");
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(from_json(br#"{"text": "x"}"#).unwrap_err().field, "from");
        assert_eq!(
            from_json(br#"{"from": "+22376000001"}"#).unwrap_err().field,
            "text"
        );
        assert_eq!(
            from_json(
                br#"{"from": "+22376000001", "text": "x", "part": 4, "parts": 3, "ref": "a"}"#
            )
            .unwrap_err()
            .field,
            "part"
        );
        assert_eq!(
            from_json(br#"{"from": "+22376000001", "text": "x", "part": 1}"#)
                .unwrap_err()
                .field,
            "part"
        );
        assert_eq!(
            from_json(br#"{"from": "+22376000001", "text": "x", "colour": 1}"#)
                .unwrap_err()
                .field,
            "body"
        );
        assert_eq!(
            from_json(br#"{"from": "+22376000001", "text": "x", "received_at": "yesterday"}"#)
                .unwrap_err()
                .field,
            "received_at"
        );
    }

    #[test]
    fn response_carries_the_reply_for_both_gateways() {
        let v = response(
            "stored",
            Some(3),
            Some(12),
            "+22376000001",
            Some(&reply_text(Some("fr"), Some(12), false)),
        );
        assert_eq!(v["reply"], "Vigil: message reçu, rapport n° 12. Merci.");
        assert_eq!(v["payload"]["task"], "send");
        assert_eq!(v["payload"]["messages"][0]["to"], "+22376000001");
        let v = response("part", None, None, "+22376000001", None);
        assert!(v["payload"]["task"].is_null());
    }
}
