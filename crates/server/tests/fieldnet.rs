//! Early-warning networks, the SMS gateway and the call centre through the API
//! (issue #19), on both backends: a gateway SMS delivered twice is stored once; a
//! split SMS is joined (parts out of order, one twice); a French structured message
//! becomes a report with its place, count and category; an unknown sender is held
//! out of the triage queue until accepted; the three gateway formats; a call that
//! opens a report (channel call_centre) and one that does not; volumes and promised
//! callbacks; silent areas; restricted detail (senders, focal points' contacts,
//! callers, callback numbers) only to hr_officer; every route's roles, allowed and
//! denied; and the gateway retrying SMS after an outage: all stored once, none lost.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use tower::ServiceExt;
use vigil_store::accounts::Role;
use Role::*;

const SECRET: &str = "test-gateway-secret-0123456789";
const MENAKA: i64 = 2453514;
const GAO: i64 = 2457163;
const ANSONGO: i64 = 2461003;
const FP_PHONE: &str = "+22376000001";

async fn count(db: &vigil_testkit::TestDb, sql: &str) -> i64 {
    let sql = sql.to_string();
    vigil_store::on_pool!(db.store, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await.unwrap())
}

fn sms_request(content_type: &str, body: String, secret: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method(Method::POST).uri("/api/sms/inbound").header(header::CONTENT_TYPE, content_type);
    if let Some(s) = secret {
        b = b.header("x-gateway-secret", s);
    }
    b.body(Body::from(body)).unwrap()
}

async fn sms(t: &TestApp, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send(sms_request("application/json", body.to_string(), Some(SECRET))).await;
    (s, v)
}

/// A network covering Ménaka, Gao and Ansongo with one focal point.
async fn register(t: &TestApp) -> (i64, i64) {
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/networks", Some(json!({"name": "Réseau Ménaka", "organisation": "CSO"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let net = v["id"].as_i64().unwrap();
    let (s, v) = t
        .as_role(Analyst, Method::PUT, &format!("/api/networks/{net}/places"), Some(json!({"places": [MENAKA, GAO, ANSONGO]})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let fp = json!({"label": "FP Ménaka 1", "phone": "+223 76 00 00 01", "full_name": "Aminata Test", "town_id": MENAKA});
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/networks/{net}/focal-points"), Some(fp)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (net, v["id"].as_i64().unwrap())
}

async fn queue(t: &TestApp) -> Vec<Value> {
    let (s, v) = t.as_role(Analyst, Method::GET, "/api/reports?status=new", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

both_backends!(gateway_sms_stored_once_joined_parsed_and_held, |db| {
    let t = TestApp::new(&db.store, false).await;
    db.store.set_sms_gateway("test", "rapidpro", SECRET).await.unwrap();
    register(&t).await;
    let msg = json!({"from": FP_PHONE, "text": "ALERTE MENAKA 3 morts hommes armés", "id": "gw-1", "received_at": "2024-03-02T08:00:00Z"});

    // no secret, a wrong one: 401 and nothing stored
    let (s, _, _) = t.send(sms_request("application/json", msg.to_string(), None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = t.send(sms_request("application/json", msg.to_string(), Some("wrong-secret-0123456789"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sms_messages").await, 0);

    // the French structured message from the focal point: a report, parsed
    let (s, v) = sms(&t, msg.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "report");
    assert_eq!(v["repeat"], false);
    let rid = v["report_id"].as_i64().unwrap();
    assert_eq!(v["reply"], format!("Vigil: message reçu, rapport n° {rid}. Merci."));
    assert_eq!(v["payload"]["messages"][0]["to"], FP_PHONE);
    let (s, r) = t.as_role(Analyst, Method::GET, &format!("/api/reports/{rid}"), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["channel"], "sms");
    assert_eq!(r["place_name"], "Ménaka");
    assert_eq!(r["town_id"], MENAKA);
    assert_eq!(r["category"], "attack_on_civilians");
    assert_eq!(r["people_affected"], 3);
    assert_eq!(r["language"], "fr");
    assert_eq!(r["reporter"], "sms-gateway");
    assert!(r["description"].as_str().unwrap().starts_with("ALERTE MENAKA 3 morts hommes armés\n"), "{r}");
    assert!(r["description"].as_str().unwrap().contains("confidence 1.00"), "{r}");
    assert!(r.get("restricted").is_none(), "the analyst gets no sender: {r}");
    let (_, r) = t.as_role(HrOfficer, Method::GET, &format!("/api/reports/{rid}"), None).await;
    assert_eq!(r["restricted"]["contacts"], format!("SMS sender {FP_PHONE}"));

    // delivered twice (same gateway id): stored once, the same answer
    let (s, v) = sms(&t, msg.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["report_id"].as_i64(), v["repeat"].as_bool()), (Some("report"), Some(rid), Some(true)));
    // without a gateway id: sender, text and time decide
    let noid = json!({"from": FP_PHONE, "text": "ALERT GAO 2 killed", "received_at": "2024-03-02T09:00:00Z"});
    let (_, a) = sms(&t, noid.clone()).await;
    let (_, b) = sms(&t, noid).await;
    assert_eq!(a["report_id"], b["report_id"]);
    assert_eq!(b["repeat"], true);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sms_messages").await, 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM reports WHERE channel = 'sms'").await, 2);

    // a split SMS, parts out of order and one twice: joined once
    let part = |i: i64, text: &str| json!({"from": FP_PHONE, "text": text, "part": i, "parts": 3, "ref": "7f", "received_at": "2024-03-02T10:00:00Z"});
    let (_, v) = sms(&t, part(3, "sur la route")).await;
    assert_eq!((v["status"].as_str(), v["parts"]["have"].as_i64()), (Some("part"), Some(1)), "{v}");
    assert!(v["reply"].is_null() && v["payload"]["task"].is_null(), "no reply to a part: {v}");
    let (_, v) = sms(&t, part(3, "sur la route")).await;
    assert_eq!(v["parts"]["have"], 1);
    let (_, v) = sms(&t, part(1, "URGENCE ANSONGO 2 blessés, 4 enlev")).await;
    assert_eq!(v["parts"]["have"], 2);
    let (_, v) = sms(&t, part(2, "és par des hommes armés ")).await;
    assert_eq!(v["status"], "report", "{v}");
    let joined = v["report_id"].as_i64().unwrap();
    let (_, r) = t.as_role(Analyst, Method::GET, &format!("/api/reports/{joined}"), None).await;
    assert!(r["description"].as_str().unwrap().starts_with("URGENCE ANSONGO 2 blessés, 4 enlevés par des hommes armés sur la route\n"), "{r}");
    assert_eq!(r["place_name"], "Ansongo");
    assert_eq!(r["people_affected"], 6);
    assert_eq!(r["category"], "abduction");
    let (_, v) = sms(&t, part(1, "URGENCE ANSONGO 2 blessés, 4 enlev")).await;
    assert_eq!((v["report_id"].as_i64(), v["repeat"].as_bool()), (Some(joined), Some(true)), "a late part again: {v}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM reports WHERE channel = 'sms'").await, 3);

    // RapidPro's flow webhook and SMSSync's form, secret in the body
    let rapidpro = json!({"contact": {"uuid": "c", "urn": "tel:+22376000001", "name": "FP"}, "flow": {"uuid": "f"}, "results": {},
        "input": {"uuid": "rp-1", "urn": "tel:+22376000001", "text": "ALERT MOPTI fighting", "created_on": "2024-03-02T11:00:00Z"}});
    let (s, v) = sms(&t, rapidpro).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("report")), "{v}");
    let form = format!("from=%2B22376000001&message=ALERTE+GAO+pillage&message_id=ss-1&sent_timestamp=1709373600000&secret={SECRET}");
    let (s, v, _) = t.send(sms_request("application/x-www-form-urlencoded", form.clone(), None)).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("report")), "{v}");
    assert_eq!(v["payload"]["success"], true);
    let (_, v, _) = t.send(sms_request("application/x-www-form-urlencoded", form, None)).await;
    assert_eq!(v["repeat"], true);

    // an unknown sender: held, not in the triage queue until accepted
    let before = queue(&t).await.len();
    let (_, v) = sms(&t, json!({"from": "+22370999999", "text": "ALERTE GAO 1 mort", "id": "gw-unknown"})).await;
    assert_eq!(v["status"], "held", "{v}");
    assert!(v["report_id"].is_null());
    assert_eq!(v["reply"], "Vigil: message reçu; il sera examiné. Merci.");
    assert_eq!(queue(&t).await.len(), before);
    let (s, held) = t.as_role(Analyst, Method::GET, "/api/sms?status=held", None).await;
    assert_eq!(s, StatusCode::OK, "{held}");
    let held = held["sms"].as_array().unwrap().clone();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["text"], "ALERTE GAO 1 mort");
    assert!(held[0].get("sender").is_none(), "analysts get no sender number: {}", held[0]);
    assert_eq!(held[0]["parse"]["place_name"], "Gao");
    let (_, hr) = t.as_role(HrOfficer, Method::GET, "/api/sms?status=held", None).await;
    assert_eq!(hr["sms"][0]["sender"], "+22370999999");
    let id = held[0]["id"].as_i64().unwrap();
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/sms/{id}/accept"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let accepted = v["report_id"].as_i64().unwrap();
    let q = queue(&t).await;
    assert_eq!(q.len(), before + 1);
    let r = q.iter().find(|r| r["id"] == accepted).unwrap();
    assert_eq!((r["channel"].as_str(), r["reliability"].as_str()), (Some("sms"), Some("F")));
    let (s, _) = t.as_role(Analyst, Method::POST, &format!("/api/sms/{id}/accept"), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "accepted once");
    let (_, v) = sms(&t, json!({"from": "+22370999998", "text": "bonjour", "id": "gw-spam"})).await;
    let spam = v["message_id"].as_i64().unwrap();
    let (s, _) = t.as_role(Analyst, Method::POST, &format!("/api/sms/{spam}/reject"), Some(json!({"note": "not a report"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = t.as_role(Analyst, Method::GET, "/api/sms?status=rejected", None).await;
    assert_eq!(v["sms"][0]["review_note"], "not a report");

    // every message and change has its audit entry; none carries a number
    let audited = count(&db, "SELECT COUNT(*) FROM audit_log WHERE entity LIKE 'sms/%' AND action = 'receive'").await;
    assert_eq!(audited, count(&db, "SELECT COUNT(*) FROM sms_messages").await);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%76000001%' OR after_json LIKE '%70999999%'").await, 0);
    let (s, v) = t.as_role(Admin, Method::GET, "/api/audit/verify", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["ok"], true, "{v}");
});

both_backends!(a_call_opens_a_report_volumes_callbacks_and_silent_areas, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (net, fp) = register(&t).await;
    // an operator (a reporter account) logs a call that opens a report
    let call = json!({"started_at": "2024-03-02T08:15:00Z", "duration_seconds": 240, "language": "fr", "outcome": "report",
        "town_id": MENAKA, "caller": "Moussa (test)", "callback_number": "+223 66 00 00 00", "callback_promised": true,
        "category": "threat", "description": "Menaces contre le chef de village", "people_affected": 1});
    let (s, v) = t.as_role(Reporter, Method::POST, "/api/calls", Some(call)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (call_id, rid) = (v["id"].as_i64().unwrap(), v["report_id"].as_i64().unwrap());
    let q = queue(&t).await;
    let r = q.iter().find(|r| r["id"] == rid).expect("the call's report is in the triage queue");
    assert_eq!(r["channel"], "call_centre");
    assert_eq!(r["place_name"], "Ménaka");
    assert_eq!(r["reporter"], "reporter");
    assert!(r.get("restricted").is_none());
    let (_, r) = t.as_role(HrOfficer, Method::GET, &format!("/api/reports/{rid}"), None).await;
    assert_eq!(r["restricted"]["contacts"], "Caller: Moussa (test); callback number: +223 66 00 00 00");
    // a hoax, logged with no report; a report's fields on it are refused
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/calls", Some(json!({"started_at": "2024-03-02T22:05:00Z", "outcome": "hoax", "language": "bm", "duration_seconds": 20}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["report_id"].is_null());
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/calls", Some(json!({"outcome": "hoax", "category": "threat"}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")), "{v}");
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/calls", Some(json!({"outcome": "gossip"}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("outcome")), "{v}");
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/calls", Some(json!({"outcome": "follow_up", "callback_promised": true}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("callback_number")), "{v}");

    // volumes by hour, language and outcome
    let (s, v) = t.as_role(Reporter, Method::GET, "/api/calls/volumes?days=3650", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let vol = &v["volumes"];
    assert_eq!(vol["total"], 2);
    assert_eq!((vol["by_hour"]["08"].as_i64(), vol["by_hour"]["22"].as_i64()), (Some(1), Some(1)));
    assert_eq!((vol["by_outcome"]["report"].as_i64(), vol["by_outcome"]["hoax"].as_i64()), (Some(1), Some(1)));
    assert_eq!(vol["by_language"]["bm"], 1);
    assert_eq!(vol["by_day"]["2024-03-02"], 2);

    // promised callbacks: the number only for hr_officer; marked made once
    let (_, v) = t.as_role(Reporter, Method::GET, "/api/calls?callbacks=pending", None).await;
    assert_eq!(v["calls"].as_array().unwrap().len(), 1);
    assert_eq!(v["calls"][0]["id"], call_id);
    assert!(v["calls"][0].get("contact").is_none(), "{v}");
    let (_, v) = t.as_role(HrOfficer, Method::GET, "/api/calls?callbacks=pending", None).await;
    assert_eq!(v["calls"][0]["contact"]["callback_number"], "+223 66 00 00 00");
    let (s, _) = t.as_role(Reporter, Method::POST, &format!("/api/calls/{call_id}/callback-done"), None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = t.as_role(Reporter, Method::GET, "/api/calls?callbacks=pending", None).await;
    assert!(v["calls"].as_array().unwrap().is_empty());
    let (s, _) = t.as_role(Reporter, Method::POST, &format!("/api/calls/{call_id}/callback-done"), None).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // silent areas: Ménaka reported (the call); Gao and Ansongo never
    let (s, v) = t.as_role(Planner, Method::GET, "/api/networks/silent?days=14", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let names: Vec<&str> = v["silent"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ansongo", "Gao"], "{v}");
    assert!(v["silent"][0]["days_silent"].is_null());
    assert_eq!(v["silent"][0]["networks"][0], "Réseau Ménaka");

    // the register: focal points' contacts only for hr_officer
    let (_, v) = t.as_role(Responder, Method::GET, "/api/networks", None).await;
    let n = &v["networks"][0];
    assert_eq!(n["id"], net);
    assert_eq!(n["focal_points"][0]["id"], fp);
    assert!(n["focal_points"][0].get("contact").is_none(), "{n}");
    assert_eq!(n["places"].as_array().unwrap().len(), 3);
    assert!(n["last_reported"].as_str().is_some(), "the call's report from Ménaka: {n}");
    let (_, v) = t.as_role(HrOfficer, Method::GET, "/api/networks", None).await;
    assert_eq!(v["networks"][0]["focal_points"][0]["contact"]["phone"], FP_PHONE);
    assert_eq!(v["networks"][0]["focal_points"][0]["contact"]["full_name"], "Aminata Test");
    let reads = count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'read_restricted' AND (entity LIKE 'focal_point/%' OR entity LIKE 'call/%')").await;
    assert!(reads >= 2, "hr_officer's reads are audited ({reads})");
    // a second focal point with the same number is refused
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/networks/{net}/focal-points"), Some(json!({"label": "FP 2", "phone": FP_PHONE}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phone")), "{v}");
});

both_backends!(every_route_allows_its_roles_and_denies_the_others, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (net, _) = register(&t).await;
    let (_, v) = t.as_role(Analyst, Method::POST, "/api/calls", Some(json!({"outcome": "follow_up", "callback_promised": true, "callback_number": "+22366000001"}))).await;
    let call = v["id"].as_i64().unwrap();
    let calls = ["reporter", "analyst", "hr_officer", "admin"];
    let review = ["analyst", "hr_officer", "admin"];
    let read = ["analyst", "responder", "hr_officer", "planner", "admin"];
    let edit = ["analyst", "hr_officer", "admin"];
    let cases: Vec<(Method, String, Option<Value>, &[&str])> = vec![
        (Method::GET, "/api/calls".into(), None, &calls),
        (Method::GET, "/api/calls/volumes".into(), None, &calls),
        (Method::POST, "/api/calls".into(), Some(json!({"outcome": "information_request"})), &calls),
        (Method::POST, format!("/api/calls/{call}/callback-done"), None, &calls),
        (Method::GET, "/api/sms".into(), None, &review),
        (Method::POST, "/api/sms/999999/accept".into(), None, &review),
        (Method::POST, "/api/sms/999999/reject".into(), Some(json!({"note": "x"})), &review),
        (Method::GET, "/api/networks".into(), None, &read),
        (Method::GET, "/api/networks/silent".into(), None, &read),
        (Method::POST, "/api/networks".into(), Some(json!({"name": "N"})), &edit),
        (Method::POST, format!("/api/networks/{net}/focal-points"), Some(json!({"label": "L", "phone": "+22300000000"})), &edit),
        (Method::PUT, format!("/api/networks/{net}/places"), Some(json!({"places": [GAO]})), &edit),
    ];
    for (method, path, body, allowed) in cases {
        for role in Role::ALL {
            let mut body = body.clone();
            // unique names so a second allowed role is not refused as a duplicate
            if let Some(Value::Object(o)) = body.as_mut() {
                for k in ["name", "label"] {
                    if o.contains_key(k) {
                        o.insert(k.into(), json!(format!("{k} {}", role.as_str())));
                    }
                }
                if o.contains_key("phone") {
                    o.insert("phone".into(), json!(format!("+2230000{:04}", role.as_str().len() * 7)));
                }
            }
            let (s, v) = t.as_role(role, method.clone(), &path, body).await;
            if allowed.contains(&role.as_str()) {
                assert_ne!(s, StatusCode::FORBIDDEN, "{role} {method} {path}: {v}");
                assert_ne!(s, StatusCode::UNAUTHORIZED, "{role} {method} {path}: {v}");
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} {method} {path}: {v}");
            }
        }
        let (s, _, _) = t.call(method.clone(), &path, None, body.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path} without login");
    }
    // restricted detail: only hr_officer gets senders, contacts, callers
    db.store.set_sms_gateway("test", "gw", SECRET).await.unwrap();
    sms(&t, json!({"from": "+22370999999", "text": "ALERTE GAO", "id": "x1"})).await;
    for role in Role::ALL {
        let sees = role == HrOfficer;
        if review.contains(&role.as_str()) {
            let (_, v) = t.as_role(role, Method::GET, "/api/sms", None).await;
            assert_eq!(v["sms"][0].get("sender").is_some(), sees, "{role}: {v}");
        }
        if calls.contains(&role.as_str()) {
            let (_, v) = t.as_role(role, Method::GET, "/api/calls", None).await;
            assert_eq!(v["calls"][0].get("contact").is_some(), sees, "{role}: {v}");
        }
        if read.contains(&role.as_str()) {
            let (_, v) = t.as_role(role, Method::GET, "/api/networks", None).await;
            assert_eq!(v["networks"][0]["focal_points"][0].get("contact").is_some(), sees, "{role}: {v}");
        }
    }
});

/// A small deterministic generator (the test needs no randomness crate).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The gateway retries `n` SMS after an outage: each delivered 2–5 times, one in
/// four split in 2–3 parts, one in five from an unknown sender, every delivery
/// shuffled and sent by four concurrent connections. Returns (deliveries, stored
/// messages, reports, held).
async fn outage(db: &vigil_testkit::TestDb, n: usize) -> (usize, i64, i64, i64) {
    let t = TestApp::new(&db.store, false).await;
    register(&t).await;
    db.store.set_sms_gateway("test", "gw", SECRET).await.unwrap();
    let towns = ["MENAKA", "GAO", "ANSONGO", "MOPTI", "KIDAL", "Tombouctou", "Douentza"];
    let mut rng = Lcg(19);
    let mut deliveries = vec![];
    let mut unknown = 0;
    for i in 0..n {
        let from = if i % 5 == 4 {
            unknown += 1;
            format!("+2237099{i:04}")
        } else {
            FP_PHONE.to_string()
        };
        let text = format!("ALERTE {} {} morts message {i} hommes armés vus près du marché", towns[i % towns.len()], i % 7);
        let at = format!("2024-03-{:02}T{:02}:{:02}:00Z", 1 + i / 600, (i / 60) % 10, i % 60);
        let bodies: Vec<Value> = if i % 4 == 3 {
            let k = 2 + rng.next(2) as usize;
            let chars: Vec<char> = text.chars().collect();
            let size = chars.len().div_ceil(k);
            chars
                .chunks(size)
                .enumerate()
                .map(|(j, c)| json!({"from": from, "text": c.iter().collect::<String>(), "part": j + 1, "parts": k, "ref": format!("r{i}"), "received_at": at}))
                .collect()
        } else if i % 2 == 0 {
            vec![json!({"from": from, "text": text, "id": format!("gw-{i}"), "received_at": at})]
        } else {
            vec![json!({"from": from, "text": text, "received_at": at})]
        };
        for b in bodies {
            for _ in 0..2 + rng.next(4) {
                deliveries.push(b.to_string());
            }
        }
    }
    for i in (1..deliveries.len()).rev() {
        deliveries.swap(i, rng.next(i as u64 + 1) as usize);
    }
    let total = deliveries.len();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(deliveries));
    let mut workers = vec![];
    for _ in 0..4 {
        let (app, queue) = (t.app.clone(), queue.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let Some(body) = queue.lock().unwrap().pop() else { break };
                let res = app.clone().oneshot(sms_request("application/json", body, Some(SECRET))).await.unwrap();
                assert_eq!(res.status(), StatusCode::OK);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let stored = count(db, "SELECT COUNT(*) FROM sms_messages").await;
    let reports = count(db, "SELECT COUNT(*) FROM reports WHERE channel = 'sms'").await;
    let held = count(db, "SELECT COUNT(*) FROM sms_messages WHERE status = 'held'").await;
    assert_eq!(held, unknown as i64);
    (total, stored, reports, held)
}

both_backends!(a_gateway_retrying_after_an_outage_stores_every_sms_once, |db| {
    // SMS_OUTAGE_N=1000 for the figure (the note gives the command)
    let n: usize = std::env::var("SMS_OUTAGE_N").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    let started = std::time::Instant::now();
    let (deliveries, stored, reports, held) = outage(&db, n).await;
    let backend = if db.store.is_postgres() { "postgres" } else { "sqlite" };
    println!(
        "sms outage ({backend}): {n} SMS, {deliveries} deliveries (shuffled, 4 connections) in {:.1} s -> {stored} stored once ({reports} reports, {held} held), lost {}, doubled {}",
        started.elapsed().as_secs_f64(),
        n as i64 - stored,
        (reports + held - stored).max(0)
    );
    assert_eq!(stored, n as i64, "none lost, none doubled");
    assert_eq!(reports + held, n as i64);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sms_messages WHERE report_id IS NOT NULL").await, reports);
});

// A filled report form sent by SMS in ODK's compact record representation: read as the
// form (not as words), its restricted field kept for hr_officer; a form the reader
// refuses is held, and the reply says what is wrong and where.
both_backends!(a_form_sent_by_sms_in_the_compact_representation_becomes_its_report, |db| {
    let t = TestApp::new(&db.store, false).await;
    db.store.set_sms_gateway("test", "rapidpro", SECRET).await.unwrap();
    register(&t).await;
    let text = "VGL CAT attack_on_civilians PL Ménaka DT 2024-03-01 PPL 7 \
                DSC Hommes\\ armés\\ au\\ marché REL B CRD 2 VIC Deux\\ commerçants";
    let msg = json!({"from": FP_PHONE, "text": text, "id": "gw-form-1", "received_at": "2024-03-02T08:00:00Z"});
    let (s, v) = sms(&t, msg.clone()).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("report")), "{v}");
    let rid = v["report_id"].as_i64().unwrap();
    let (_, r) = t.as_role(Analyst, Method::GET, &format!("/api/reports/{rid}"), None).await;
    assert_eq!(r["channel"], "sms");
    assert_eq!(r["category"], "attack_on_civilians");
    assert_eq!(r["place_name"], "Ménaka");
    assert_eq!(r["occurred_date"], "2024-03-01");
    assert_eq!(r["people_affected"], 7);
    assert_eq!(r["description"], "Hommes armés au marché");
    assert_eq!((r["reliability"].as_str(), r["credibility"].as_i64()), (Some("B"), Some(2)));
    assert!(r.get("restricted").is_none(), "no restricted detail for the analyst: {r}");
    let (_, r) = t.as_role(HrOfficer, Method::GET, &format!("/api/reports/{rid}"), None).await;
    assert_eq!(r["restricted"]["victims"], "Deux commerçants");
    assert!(r["restricted"]["contacts"].as_str().unwrap().contains(FP_PHONE), "{r}");
    // the gateway retries: stored once
    let (_, again) = sms(&t, msg).await;
    assert_eq!((again["report_id"].as_i64(), again["repeat"].as_bool()), (Some(rid), Some(true)));

    // an unknown category: held (no report), and the reply names the element
    let bad = json!({"from": FP_PHONE, "text": "VGL CAT picnic DT 2024-03-01 DSC x REL C CRD 3", "id": "gw-form-2"});
    let (s, v) = sms(&t, bad).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("held")), "{v}");
    assert!(v["report_id"].is_null(), "{v}");
    assert!(v["reply"].as_str().unwrap().contains("/data/category"), "{v}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM reports WHERE channel = 'sms'").await, 1);
});
