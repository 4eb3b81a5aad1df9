//! Early-warning networks, the SMS gateway and the call centre (issue #19) as use
//! cases, over `vigil_store::fieldnet` and the pure logic of `vigil_fieldnet`.
//!
//! An SMS from the gateway: a part of a long message is kept until the message is
//! whole (then the whole goes on); the message is parsed (keyword, place, counts,
//! category, confidence); from a registered focal point it becomes a report
//! (channel `sms`, reporter the `sms-gateway` account, the sender's number as the
//! report's restricted contact, the text as received as its raw body), from anyone
//! else it is held for an analyst to accept or reject. A message in ODK's compact
//! record representation (`VGL CAT … DSC …`, see `vigil_ingest::xform_compact`) is
//! read as the filled report form instead of parsed as words; one the form refuses is
//! held, with the reason in the reply. Either way it is stored once
//! under its deduplication key, with its report in the same transaction, and the
//! answer carries the reply to the sender.

use crate::{alerts, AppError, AppResult, Context};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use vigil_fieldnet::gateway::{self, InboundSms};
use vigil_fieldnet::parse::{self, Parsed, PlaceName};
use vigil_fieldnet::{calls, concat, silent};
use vigil_model::vocab;
use vigil_model::vocab::fieldnet as fv;
use vigil_store::accounts::{Role, User};
use vigil_store::fieldnet::{
    FieldnetError, NewCall, NewFocalPoint, NewNetwork, NewPart, NewSms, SmsStored,
};
use vigil_store::reports::{NewReport, Place, RestrictedDetail};

/// The account SMS reports are filed under (a disabled reporter account: nobody logs in as it).
pub const GATEWAY_ACCOUNT: &str = "sms-gateway";

/// The store's errors as the use cases' kinds.
pub fn app_error(e: FieldnetError) -> AppError {
    match e {
        FieldnetError::Invalid { field, message } => AppError::invalid(field, message),
        FieldnetError::NotFound(s) => AppError::NotFound(format!("{s} not found")),
        FieldnetError::Conflict(s) => AppError::Conflict(s),
        FieldnetError::Store(s) => AppError::Store(s),
    }
}

fn invalid(e: vigil_fieldnet::Invalid) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// The `sms-gateway` account, created (disabled) on first use.
pub async fn gateway_user(cx: &Context) -> AppResult<User> {
    gateway_user_in(&cx.store).await
}

/// [`gateway_user`] over a store.
pub async fn gateway_user_in(store: &vigil_store::Store) -> AppResult<User> {
    if let Some(u) = store.user(GATEWAY_ACCOUNT).await? {
        return Ok(u);
    }
    let password = vigil_store::accounts::random_token();
    match store
        .add_user("system", GATEWAY_ACCOUNT, Role::Reporter, &password)
        .await
    {
        Ok(_) => {
            store
                .change_account(
                    "system",
                    GATEWAY_ACCOUNT,
                    vigil_store::account_admin::AccountChange::Disable,
                )
                .await?;
        }
        // created meanwhile by another message
        Err(e) if store.user(GATEWAY_ACCOUNT).await?.is_none() => return Err(e.into()),
        Err(_) => {}
    }
    store
        .user(GATEWAY_ACCOUNT)
        .await?
        .ok_or_else(|| AppError::internal("the sms-gateway account could not be created"))
}

/// The gazetteer in the parser's order of preference: Mali first, then by population.
pub(crate) async fn gazetteer_of(store: &vigil_store::Store) -> AppResult<Vec<Place>> {
    let mut places = store.places().await?;
    places.sort_by(|a, b| {
        (b.country_code == "ML")
            .cmp(&(a.country_code == "ML"))
            .then(b.population.unwrap_or(0).cmp(&a.population.unwrap_or(0)))
    });
    Ok(places)
}

pub(crate) fn place_names(places: &[Place]) -> Vec<PlaceName> {
    places
        .iter()
        .map(|p| PlaceName {
            id: p.id,
            name: p.name.clone(),
        })
        .collect()
}

/// The report an SMS makes: its text as received first in the description, then
/// what the parser read.
pub(crate) fn sms_report(
    p: &Parsed,
    places: &[Place],
    sender: &str,
    focal: Option<&str>,
    now: DateTime<Utc>,
    sent: Option<DateTime<Utc>>,
) -> NewReport {
    let day = sent.unwrap_or(now).min(now).date_naive();
    let place = p
        .place_id
        .and_then(|id| places.iter().find(|pl| pl.id == id));
    let mut description = p.original.clone();
    description.push_str(&format!("\n\n[SMS, parsed: {}", p.summary()));
    if !p.free_text.is_empty() {
        description.push_str(&format!("; free text: {}", p.free_text));
    }
    if let Some(f) = focal {
        description.push_str(&format!("; focal point {f}"));
    }
    description.push(']');
    NewReport {
        channel: "sms".into(),
        category: p.category.to_string(),
        occurred_at: day.to_string(),
        occurred_date: day,
        place_name: place.map(|pl| pl.name.clone()),
        latitude: place.map(|pl| pl.latitude),
        longitude: place.map(|pl| pl.longitude),
        town_id: place.map(|pl| pl.id),
        people_affected: p.people_affected(),
        description,
        // a registered focal point is a fairly reliable source whose report is
        // possibly true until checked; anyone else cannot be judged
        reliability: if focal.is_some() { "C" } else { "F" }.into(),
        credibility: if focal.is_some() { 3 } else { 6 },
        language: p.language.map(str::to_string),
        restricted: RestrictedDetail {
            contacts: Some(format!("SMS sender {sender}")),
            ..RestrictedDetail::default()
        },
        content_type: "text/plain; charset=utf-8".into(),
        raw_body: p.original.as_bytes().to_vec(),
        attachments: vec![],
        client: None,
        received_at: Some(now),
    }
}

/// A message in ODK's compact record representation, read as the filled report form:
/// the report it makes (channel `sms`, the sender as its restricted contact), what the
/// SMS record keeps of it, and the form's refusal when it is not a valid form.
fn compact_report(
    text: &str,
    key: &str,
    sender: &str,
    focal: Option<&str>,
    now: DateTime<Utc>,
) -> (Parsed, NewReport, Option<String>) {
    // the form reader takes instance ids of up to 100 characters
    let instance_id: String = format!("sms:{key}").chars().take(100).collect();
    let filled = vigil_ingest::xform_compact::parse(text, &instance_id, now.date_naive());
    let mut parsed = Parsed {
        keyword: Some(vigil_ingest::xform::SMS_PREFIX.to_string()),
        language: None,
        place_id: None,
        place_name: None,
        killed: None,
        injured: None,
        abducted: None,
        category: "other",
        free_text: String::new(),
        confidence: 0.0,
        original: text.to_string(),
    };
    let day = now.date_naive();
    let mut report = NewReport {
        channel: "sms".into(),
        category: "other".into(),
        occurred_at: day.to_string(),
        occurred_date: day,
        place_name: None,
        latitude: None,
        longitude: None,
        town_id: None,
        people_affected: None,
        description: text.to_string(),
        reliability: "F".into(),
        credibility: 6,
        language: None,
        restricted: RestrictedDetail::default(),
        content_type: "text/plain; charset=utf-8".into(),
        raw_body: text.as_bytes().to_vec(),
        attachments: vec![],
        client: None,
        received_at: Some(now),
    };
    let error = match filled {
        Ok(f) => {
            // the form's category is a vocabulary code; `Parsed` keeps the static one
            parsed.category = vocab::CATEGORIES.iter().find(|t| t.code == f.category).map_or("other", |t| t.code);
            parsed.place_name = f.place_name.clone();
            parsed.confidence = 1.0;
            let mut contacts = format!("SMS sender {sender}");
            if let Some(fp) = focal {
                contacts.push_str(&format!(" (focal point {fp})"));
            }
            if let Some(c) = f.contacts.filter(|c| !c.is_empty()) {
                contacts.push_str(&format!("; {c}"));
            }
            report = NewReport {
                category: f.category,
                occurred_at: f.occurred_at,
                occurred_date: f.occurred_date,
                place_name: f.place_name,
                latitude: f.latitude,
                longitude: f.longitude,
                people_affected: f.people_affected,
                description: f.description,
                reliability: f.reliability,
                credibility: f.credibility,
                restricted: RestrictedDetail { victims: f.victims, witnesses: f.witnesses, contacts: Some(contacts) },
                ..report
            };
            None
        }
        Err(e) => {
            report.restricted.contacts = Some(format!("SMS sender {sender}"));
            Some(e.to_string())
        }
    };
    (parsed, report, error)
}

/// What the webhook answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// `part` (waiting for the rest), `report`, `held`, or a repeat's stored status.
    pub status: String,
    pub stored: Option<SmsStored>,
    pub reply: Option<String>,
    /// Parts present of a long message (`(have, total)`), while incomplete.
    pub parts: Option<(usize, i64)>,
    pub parse: Option<Parsed>,
}

impl Receipt {
    /// The body for the gateway (see [`gateway::response`]).
    pub fn json(&self, to: &str) -> Value {
        let mut v = gateway::response(
            &self.status,
            self.stored.as_ref().map(|s| s.message_id),
            self.stored.as_ref().and_then(|s| s.report_id),
            to,
            self.reply.as_deref(),
        );
        v["repeat"] = self.stored.as_ref().is_some_and(|s| s.repeat).into();
        if let Some((have, total)) = self.parts {
            v["parts"] = json!({"have": have, "total": total});
        }
        if let Some(p) = &self.parse {
            v["confidence"] = p.confidence.into();
        }
        v
    }
}

/// Receive one SMS delivery from a gateway (see the module docs).
pub async fn receive_sms(cx: &Context, sms: &InboundSms, synthetic: bool) -> AppResult<Receipt> {
    let now = cx.alerting.now();
    let (text, key, parts) = match (&sms.part, sms.concat_key()) {
        (Some(part), Some(ck)) => {
            let have = cx
                .store
                .sms_part(&NewPart {
                    concat_key: ck.clone(),
                    total: part.total,
                    index: part.index,
                    text: sms.text.clone(),
                })
                .await
                .map_err(app_error)?;
            match concat::join(&have, part.total) {
                Some(whole) => (whole, gateway::joined_key(&ck), part.total),
                None => {
                    return Ok(Receipt {
                        status: "part".into(),
                        stored: None,
                        reply: None,
                        parts: Some((concat::present(&have, part.total), part.total)),
                        parse: None,
                    })
                }
            }
        }
        _ => (sms.text.clone(), sms.dedupe_key(), 1),
    };
    let places = gazetteer_of(&cx.store).await?;
    let focal = cx
        .store
        .focal_point_by_phone(&sms.from)
        .await
        .map_err(app_error)?;
    let focal_name = focal.as_ref().map(|f| f.1.as_str());
    let (parsed, report, form_error) = if vigil_ingest::xform_compact::is_compact(&text) {
        compact_report(&text, &key, &sms.from, focal_name, now)
    } else {
        let parsed = parse::parse(&text, &place_names(&places));
        let report = sms_report(&parsed, &places, &sms.from, focal_name, now, sms.sent_at);
        (parsed, report, None)
    };
    let new = NewSms {
        dedupe_key: key,
        gateway: sms.format.as_str().into(),
        gateway_id: sms.id.clone(),
        sent_at: sms
            .sent_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        received_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        text,
        parts,
        sender: sms.from.clone(),
        focal_point_id: focal.as_ref().map(|f| f.0),
        parse: serde_json::to_value(&parsed).map_err(AppError::internal)?,
        synthetic,
    };
    // a form the compact reader refused is held like an unknown sender's message
    let user = if focal.is_some() && form_error.is_none() {
        Some(gateway_user(cx).await?)
    } else {
        None
    };
    let stored = cx
        .store
        .sms_store(&new, user.as_ref().map(|u| (u, &report)))
        .await
        .map_err(app_error)?;
    if !stored.repeat {
        if let Some(id) = stored.report_id {
            if let Some(r) = cx.store.report(id, false).await? {
                alerts::on_report(cx, &r).await;
            }
        }
    }
    let mut reply = gateway::reply_text(parsed.language, stored.report_id, stored.status == "held");
    if let Some(e) = &form_error {
        reply = format!("Vigil: formulaire refusé / form refused: {e}");
    }
    Ok(Receipt {
        status: stored.status.clone(),
        stored: Some(stored),
        reply: Some(reply),
        parts: None,
        parse: Some(parsed),
    })
}

/// Accept a held SMS: it becomes a report (channel `sms`) in triage.
pub async fn accept_sms(cx: &Context, actor: &User, id: i64) -> AppResult<i64> {
    let sms = cx
        .store
        .sms_with_sender(id)
        .await
        .map_err(app_error)?
        .ok_or_else(|| AppError::NotFound(format!("SMS {id} not found")))?;
    let places = gazetteer_of(&cx.store).await?;
    let parsed = parse::parse(&sms.text, &place_names(&places));
    let sent = sms
        .sent_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let mut report = sms_report(
        &parsed,
        &places,
        sms.sender.as_deref().unwrap_or("unknown"),
        None,
        cx.alerting.now(),
        sent,
    );
    report.description.push_str(&format!(
        "\n[held from an unregistered sender; accepted by {}]",
        actor.name
    ));
    let reporter = gateway_user(cx).await?;
    let rid = cx
        .store
        .sms_accept(actor, id, &reporter, &report)
        .await
        .map_err(app_error)?;
    if let Some(r) = cx.store.report(rid, false).await? {
        alerts::on_report(cx, &r).await;
    }
    Ok(rid)
}

/// Reject a held SMS with a note.
pub async fn reject_sms(cx: &Context, actor: &User, id: i64, note: &str) -> AppResult<()> {
    cx.store
        .sms_reject(actor, id, note)
        .await
        .map_err(app_error)
}

// ---------------------------------------------------------------- JSON inputs

fn s_opt(v: &Value, field: &'static str, max: usize) -> AppResult<Option<String>> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) => Err(AppError::invalid(
            field,
            format!("is longer than {max} characters"),
        )),
        Some(_) => Err(AppError::invalid(field, "must be a string")),
    }
}

fn s_req(v: &Value, field: &'static str, max: usize) -> AppResult<String> {
    s_opt(v, field, max)?.ok_or_else(|| AppError::invalid(field, "is required"))
}

fn i_opt(v: &Value, field: &'static str, lo: i64, hi: i64) -> AppResult<Option<i64>> {
    let n = match v.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    };
    match n {
        Some(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::invalid(
            field,
            format!("must be a whole number from {lo} to {hi}"),
        )),
    }
}

fn b_opt(v: &Value, field: &'static str) -> AppResult<bool> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" || s == "on" => Ok(true),
        Some(Value::String(s)) if s == "false" || s.is_empty() => Ok(false),
        Some(_) => Err(AppError::invalid(field, "must be true or false")),
    }
}

fn only(v: &Value, known: &[&str]) -> AppResult<()> {
    let Value::Object(o) = v else {
        return Err(AppError::invalid("body", "must be a JSON object"));
    };
    match o.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(AppError::invalid(
            "body",
            format!("unknown field `{k}`; fields: {}", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn code(
    v: &Value,
    field: &'static str,
    list: &'static [vocab::Term],
    required: bool,
) -> AppResult<Option<String>> {
    match s_opt(v, field, 60)? {
        Some(c) if vocab::is_code(list, &c) => Ok(Some(c)),
        Some(c) => Err(AppError::invalid(
            field,
            format!(
                "unknown code `{c}`; one of {}",
                vocab::codes(list).join(", ")
            ),
        )),
        None if required => Err(AppError::invalid(field, "is required")),
        None => Ok(None),
    }
}

/// A call as the operator screen sends it (`POST /api/calls`). With `outcome`
/// `report`, the report's fields (`category`, `description`, `occurred_at`,
/// `people_affected`, `reliability`, `credibility`) open a report with channel
/// `call_centre`.
pub struct CallInput {
    pub call: NewCall,
    pub report: Option<NewReport>,
}

const CALL_FIELDS: &[&str] = &[
    "started_at",
    "duration_seconds",
    "language",
    "outcome",
    "town_id",
    "focal_point_id",
    "note",
    "callback_promised",
    "caller",
    "callback_number",
    "category",
    "description",
    "occurred_at",
    "people_affected",
    "reliability",
    "credibility",
    "csrf_token",
];

/// Read a call from JSON; `now` is the server's clock.
pub fn call_from_json(v: &Value, now: DateTime<Utc>, raw: &[u8]) -> AppResult<CallInput> {
    only(v, CALL_FIELDS)?;
    let started = match s_opt(v, "started_at", 40)? {
        Some(t) => DateTime::parse_from_rfc3339(&t)
            .map_err(|_| {
                AppError::invalid(
                    "started_at",
                    "must be an RFC 3339 time, e.g. 2026-12-06T10:00:00Z",
                )
            })?
            .with_timezone(&Utc),
        None => now,
    };
    if started > now + chrono::Duration::minutes(5) {
        return Err(AppError::invalid("started_at", "is in the future"));
    }
    let outcome = code(v, "outcome", fv::CALL_OUTCOMES, true)?.unwrap_or_default();
    let language = code(v, "language", fv::CALL_LANGUAGES, false)?;
    let call = NewCall {
        started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        duration_seconds: i_opt(v, "duration_seconds", 0, 24 * 3600)?,
        language: language.clone(),
        outcome: outcome.clone(),
        place_id: i_opt(v, "town_id", 1, i64::MAX)?,
        focal_point_id: i_opt(v, "focal_point_id", 1, i64::MAX)?,
        note: s_opt(v, "note", 2000)?,
        callback_promised: b_opt(v, "callback_promised")?,
        caller: s_opt(v, "caller", 200)?,
        callback_number: s_opt(v, "callback_number", 40)?,
        synthetic: false,
    };
    if call.callback_promised && call.callback_number.is_none() {
        return Err(AppError::invalid(
            "callback_number",
            "is required when a callback is promised",
        ));
    }
    if outcome != "report" {
        for f in ["category", "description", "people_affected"] {
            if v.get(f).is_some_and(|x| !x.is_null() && x != "") {
                return Err(AppError::invalid(
                    f,
                    "only a call with outcome `report` opens a report",
                ));
            }
        }
        return Ok(CallInput { call, report: None });
    }
    let category = code(v, "category", vocab::CATEGORIES, true)?.unwrap_or_default();
    let description = s_req(v, "description", 20_000)?;
    let occurred_day = match s_opt(v, "occurred_at", 40)? {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map_err(|_| AppError::invalid("occurred_at", "must be a date YYYY-MM-DD"))?,
        None => started.date_naive(),
    };
    if occurred_day > now.date_naive() + chrono::Duration::days(1) {
        return Err(AppError::invalid("occurred_at", "is in the future"));
    }
    let reliability = match s_opt(v, "reliability", 1)? {
        Some(r) if vocab::is_code(vocab::RELIABILITY, &r) => r,
        Some(_) => return Err(AppError::invalid("reliability", "must be a letter A to F")),
        None => "F".into(),
    };
    let credibility = i_opt(v, "credibility", 1, 6)?.unwrap_or(6);
    let contacts = match (&call.caller, &call.callback_number) {
        (None, None) => None,
        (c, n) => Some(format!(
            "Caller: {}; callback number: {}",
            c.as_deref().unwrap_or("not given"),
            n.as_deref().unwrap_or("not given")
        )),
    };
    let mut report_desc = description;
    report_desc.push_str(&format!(
        "\n\n[call centre: call at {}{}{}]",
        call.started_at,
        call.duration_seconds
            .map(|d| format!(", {d} s"))
            .unwrap_or_default(),
        if call.callback_promised {
            ", callback promised"
        } else {
            ""
        }
    ));
    let report = NewReport {
        channel: "call_centre".into(),
        category,
        occurred_at: occurred_day.to_string(),
        occurred_date: occurred_day,
        place_name: None,
        latitude: None,
        longitude: None,
        town_id: call.place_id,
        people_affected: i_opt(v, "people_affected", 0, 10_000_000)?,
        description: report_desc,
        reliability,
        credibility,
        language: language.filter(|l| l == "fr" || l == "en"),
        restricted: RestrictedDetail {
            contacts,
            ..RestrictedDetail::default()
        },
        content_type: "application/json".into(),
        raw_body: raw.to_vec(),
        attachments: vec![],
        client: None,
        received_at: Some(now),
    };
    Ok(CallInput {
        call,
        report: Some(report),
    })
}

/// Log a call (and the report it opens, in one transaction); the call's id and the
/// report's. The report goes through the report rules like any other.
pub async fn log_call(
    cx: &Context,
    operator: &User,
    mut input: CallInput,
) -> AppResult<(i64, Option<i64>)> {
    if let (Some(r), Some(town)) = (input.report.as_mut(), input.call.place_id) {
        let p = cx
            .store
            .place(town)
            .await?
            .ok_or_else(|| AppError::invalid("town_id", format!("no town with id {town}")))?;
        r.latitude = Some(p.latitude);
        r.longitude = Some(p.longitude);
        r.place_name = Some(p.name);
    }
    let (id, rid) = cx
        .store
        .log_call(operator, &input.call, input.report.as_ref())
        .await
        .map_err(app_error)?;
    if let Some(rid) = rid {
        if let Some(r) = cx.store.report(rid, false).await? {
            alerts::on_report(cx, &r).await;
        }
    }
    Ok((id, rid))
}

/// Call volumes over the last `days` days (server clock).
pub async fn call_volumes(cx: &Context, days: i64) -> AppResult<calls::Volumes> {
    let since = (cx.alerting.now() - chrono::Duration::days(days))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let facts = cx
        .store
        .call_facts(Some(&since))
        .await
        .map_err(app_error)?
        .into_iter()
        .filter_map(|(t, language, outcome, duration_seconds)| {
            let started_at = DateTime::parse_from_rfc3339(&t).ok()?.with_timezone(&Utc);
            Some(calls::CallFacts {
                started_at,
                language,
                outcome,
                duration_seconds,
            })
        })
        .collect::<Vec<_>>();
    Ok(calls::volumes(&facts))
}

/// The covered places with no report for `days` days (server clock).
pub async fn silent_places(cx: &Context, days: i64) -> AppResult<Vec<silent::SilentPlace>> {
    silent_places_at(&cx.store, cx.alerting.now(), days).await
}

/// The covered places with no report for `days` days before `now`.
pub async fn silent_places_at(
    store: &vigil_store::Store,
    now: DateTime<Utc>,
    days: i64,
) -> AppResult<Vec<silent::SilentPlace>> {
    let covered = store
        .places_last_report()
        .await
        .map_err(app_error)?
        .into_iter()
        .map(|p| silent::CoveredPlace {
            place_id: p.place_id,
            name: p.name,
            networks: p.networks,
            last_report: p
                .last_report
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc)),
        })
        .collect::<Vec<_>>();
    Ok(silent::silent(&covered, now, days))
}

/// A network from JSON (`name`, `organisation`).
pub fn network_from_json(v: &Value) -> AppResult<NewNetwork> {
    only(v, &["name", "organisation"])?;
    Ok(NewNetwork {
        name: s_req(v, "name", 200)?,
        organisation: s_opt(v, "organisation", 200)?,
        synthetic: false,
    })
}

/// A focal point from JSON (`label`, `phone`, `full_name`, `notes`, `town_id`).
pub fn focal_point_from_json(network_id: i64, v: &Value) -> AppResult<NewFocalPoint> {
    only(v, &["label", "phone", "full_name", "notes", "town_id"])?;
    let phone = gateway::normalise_number(&s_req(v, "phone", 40)?);
    if phone.trim_start_matches('+').len() < 6 {
        return Err(AppError::invalid("phone", "is not a phone number"));
    }
    Ok(NewFocalPoint {
        network_id,
        label: s_req(v, "label", 100)?,
        place_id: i_opt(v, "town_id", 1, i64::MAX)?,
        phone,
        full_name: s_opt(v, "full_name", 200)?,
        notes: s_opt(v, "notes", 2000)?,
        synthetic: false,
    })
}

/// The places of a coverage list (`{"places": [id, …]}`).
pub fn coverage_from_json(v: &Value) -> AppResult<Vec<i64>> {
    only(v, &["places"])?;
    let Some(Value::Array(a)) = v.get("places") else {
        return Err(AppError::invalid(
            "places",
            "is required: a list of gazetteer place ids",
        ));
    };
    a.iter()
        .map(|x| {
            x.as_i64()
                .ok_or_else(|| AppError::invalid("places", "must hold place ids (numbers)"))
        })
        .collect()
}

/// Read a gateway body by its content type.
pub fn inbound_from_body(content_type: &str, body: &[u8]) -> AppResult<InboundSms> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => gateway::from_json(body).map_err(invalid),
        "application/x-www-form-urlencoded" => gateway::from_form(body).map_err(invalid),
        _ => Err(AppError::invalid(
            "content-type",
            "send application/json or application/x-www-form-urlencoded",
        )),
    }
}
