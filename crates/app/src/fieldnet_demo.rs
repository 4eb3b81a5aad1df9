//! The demo's early-warning networks, focal points, SMS and calls (issue #19): all
//! SYNTHETIC (names say so, rows are marked `synthetic`, numbers are in no real
//! plan). Seeded once, into a store with the towns loaded; dated in the last days of
//! the demo data, so that some covered places are silent and some are not.

use crate::fieldnet::{gateway_user_in, gazetteer_of, place_names, sms_report};
use crate::{AppError, AppResult};
use chrono::{DateTime, TimeZone, Utc};
use vigil_fieldnet::{gateway, parse};
use vigil_store::fieldnet::{NewCall, NewFocalPoint, NewNetwork, NewSms};
use vigil_store::reports::{NewReport, RestrictedDetail};
use vigil_store::Store;

const ACTOR: &str = "demo";
const MENAKA: i64 = 2453514;
const INEKAR: i64 = 2596483;
const ANSONGO: i64 = 2461003;
const MOPTI: i64 = 2453348;
const DOUENTZA: i64 = 2458334;
const BANDIAGARA: i64 = 2460489;
const DJENNE: i64 = 2458589;

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 12, d, h, m, 0).single().expect("a time")
}

fn e(e: vigil_store::fieldnet::FieldnetError) -> AppError {
    crate::fieldnet::app_error(e)
}

/// Seed the demo's networks, SMS and calls (nothing when a network exists).
pub async fn seed(store: &Store) -> AppResult<()> {
    let anyone = vigil_store::access::Principal { user: gateway_user_in(store).await?, restricted_access: false };
    if !store.networks_for(&anyone).await.map_err(e)?.is_empty() {
        return Ok(());
    }
    let nets = [
        ("SYNTHETIC Réseau communautaire de Ménaka", "SYNTHETIC CSO", vec![MENAKA, INEKAR, ANSONGO]),
        ("SYNTHETIC Réseau du Centre (Mopti)", "SYNTHETIC CSO", vec![MOPTI, DOUENTZA, BANDIAGARA, DJENNE]),
    ];
    let mut net_ids = vec![];
    for (name, org, places) in &nets {
        let id = store
            .add_network(ACTOR, &NewNetwork { name: (*name).into(), organisation: Some((*org).into()), synthetic: true })
            .await
            .map_err(e)?;
        store.set_coverage(ACTOR, id, places).await.map_err(e)?;
        net_ids.push(id);
    }
    let fps = [
        (0, "SYNTHETIC FP Ménaka 1", MENAKA, "+22300000101"),
        (0, "SYNTHETIC FP Inékar 1", INEKAR, "+22300000102"),
        (1, "SYNTHETIC FP Mopti 1", MOPTI, "+22300000201"),
        (1, "SYNTHETIC FP Douentza 1", DOUENTZA, "+22300000202"),
    ];
    let mut fp_ids = vec![];
    for (n, label, place, phone) in fps {
        let id = store
            .add_focal_point(
                ACTOR,
                &NewFocalPoint {
                    network_id: net_ids[n],
                    label: label.into(),
                    place_id: Some(place),
                    phone: phone.into(),
                    full_name: Some(format!("SYNTHETIC person {}", &phone[phone.len() - 3..])),
                    notes: Some("SYNTHETIC demo focal point".into()),
                    synthetic: true,
                },
            )
            .await
            .map_err(e)?;
        fp_ids.push(id);
    }
    // SMS: three from focal points (reports), one from an unregistered number (held)
    let places = gazetteer_of(store).await?;
    let names = place_names(&places);
    let gw = gateway_user_in(store).await?;
    let sms = [
        (Some(0), "+22300000101", "ALERTE MENAKA 3 morts hommes armés à moto", at(28, 7, 40)),
        (Some(1), "+22300000102", "URGENCE Inékar 5 enlevés sur la route du marché", at(29, 16, 5)),
        (Some(2), "+22300000201", "ALERT MOPTI displaced families arriving from the north", at(30, 9, 12)),
        (None, "+22300000999", "ALERTE DOUENTZA tirs entendus cette nuit", at(31, 6, 30)),
    ];
    for (i, (fp, from, text, t)) in sms.into_iter().enumerate() {
        let parsed = parse::parse(text, &names);
        let label = fp.map(|k| fps[k].1);
        let mut report = sms_report(&parsed, &places, from, label, t, Some(t));
        report.description.push_str("\n[SYNTHETIC demo SMS]");
        let inbound = gateway::InboundSms {
            format: gateway::Format::Plain,
            id: Some(format!("demo-sms-{i}")),
            from: from.into(),
            text: text.into(),
            sent_at: Some(t),
            part: None,
            secret: None,
        };
        let new = NewSms {
            dedupe_key: inbound.dedupe_key(),
            gateway: "plain".into(),
            gateway_id: inbound.id.clone(),
            sent_at: Some(t.to_rfc3339()),
            received_at: t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            text: text.into(),
            parts: 1,
            sender: from.into(),
            focal_point_id: fp.map(|k| fp_ids[k]),
            parse: serde_json::to_value(&parsed).map_err(AppError::internal)?,
            synthetic: true,
        };
        store.sms_store(&new, fp.map(|_| (&gw, &report))).await.map_err(e)?;
    }
    // calls, taken by the demo's reporter account (an operator)
    let Some(operator) = store.user("reporter").await? else { return Ok(()) };
    let calls = [
        ("report", Some(ANSONGO), at(30, 21, 10), 420, "fr", true, Some(("threat", "SYNTHETIC: menaces contre les élèves de l’école d’Ansongo"))),
        ("information_request", None, at(31, 8, 2), 95, "bm", false, None),
        ("hoax", None, at(31, 2, 40), 15, "fr", false, None),
        ("follow_up", Some(MENAKA), at(31, 10, 30), 180, "taq", true, None),
    ];
    for (i, (outcome, place, t, dur, lang, promised, rep)) in calls.into_iter().enumerate() {
        let call = NewCall {
            started_at: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            duration_seconds: Some(dur),
            language: Some(lang.into()),
            outcome: outcome.into(),
            place_id: place,
            focal_point_id: None,
            note: Some("SYNTHETIC demo call".into()),
            callback_promised: promised,
            caller: Some(format!("SYNTHETIC caller {i}")),
            callback_number: promised.then(|| format!("+2230000030{i}")),
            synthetic: true,
        };
        let report = rep.map(|(category, text)| {
            let p = place.and_then(|id| places.iter().find(|pl| pl.id == id));
            NewReport {
                channel: "call_centre".into(),
                category: category.into(),
                occurred_at: t.date_naive().to_string(),
                occurred_date: t.date_naive(),
                place_name: p.map(|pl| pl.name.clone()),
                latitude: p.map(|pl| pl.latitude),
                longitude: p.map(|pl| pl.longitude),
                town_id: place,
                people_affected: None,
                description: text.into(),
                reliability: "F".into(),
                credibility: 6,
                language: Some("fr".into()),
                restricted: RestrictedDetail { contacts: Some(format!("Caller: SYNTHETIC caller {i}")), ..Default::default() },
                content_type: "application/json".into(),
                raw_body: b"{\"synthetic\": true}".to_vec(),
                attachments: vec![],
                client: None,
                received_at: Some(t),
            }
        });
        store.log_call(&operator, &call, report.as_ref()).await.map_err(e)?;
    }
    Ok(())
}
