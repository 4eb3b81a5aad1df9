//! The JSON API in-process, on both backends: every role against every endpoint,
//! restricted detail, intake validation, durability, CSRF, the login rate limit,
//! triage and the audit chain.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{good_coding, good_report, TestApp};
use serde_json::{json, Value};
use vigil_store::accounts::Role;
use vigil_store::accounts::Role::*;

const ALL: &[Role] = &Role::ALL;

// Every role against every endpoint: the allowed roles get `ok`, the others 403,
// and an anonymous caller 401 (or `ok` for public endpoints).
both_backends!(role_matrix, |db| {
    let t = TestApp::new(&db.store, false).await;
    let own = t.report(Reporter, json!({})).await;
    // an incident to read
    let seed = t.report(Analyst, json!({})).await;
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{seed}/verify"), Some(good_coding())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let incident = v["incident_id"].as_i64().unwrap();

    let triage: &[Role] = &[Analyst, HrOfficer, Admin];
    let read_incidents: &[Role] = &[Analyst, Responder, HrOfficer, Planner, Admin];
    let report_roles: &[Role] = &[Reporter, Analyst, HrOfficer, Admin];
    struct Case {
        method: Method,
        path: String,
        body: Option<Value>,
        allowed: &'static [Role],
        ok: StatusCode,
        public: bool,
        /// a fresh new report is needed per call (triage actions consume it)
        fresh_report: bool,
    }
    let case = |m: Method, p: &str, body: Option<Value>, allowed: &'static [Role], ok: StatusCode| Case {
        method: m,
        path: p.to_string(),
        body,
        allowed,
        ok,
        public: false,
        fresh_report: false,
    };
    let leak = |r: &[Role]| -> &'static [Role] { Box::leak(r.to_vec().into_boxed_slice()) };
    let mut cases = vec![
        case(Method::GET, "/api/me", None, ALL, StatusCode::OK),
        case(Method::GET, "/api/categories", None, ALL, StatusCode::OK),
        case(Method::GET, "/api/places", None, ALL, StatusCode::OK),
        case(Method::POST, "/api/reports", Some(good_report()), leak(report_roles), StatusCode::CREATED),
        case(Method::GET, "/api/reports", None, leak(report_roles), StatusCode::OK),
        case(Method::GET, "/api/reports?status=new", None, leak(report_roles), StatusCode::OK),
        case(Method::GET, &format!("/api/reports/{own}"), None, leak(report_roles), StatusCode::OK),
        case(Method::GET, &format!("/api/reports/{own}/raw"), None, leak(&[HrOfficer]), StatusCode::OK),
        case(Method::GET, "/api/incidents", None, leak(read_incidents), StatusCode::OK),
        case(Method::GET, &format!("/api/incidents/{incident}"), None, leak(read_incidents), StatusCode::OK),
        case(Method::GET, "/api/stats/monthly?from=2024-01-01", None, leak(read_incidents), StatusCode::OK),
        case(Method::GET, "/api/areas?level=1", None, leak(read_incidents), StatusCode::OK),
        case(Method::GET, "/api/audit", None, leak(&[Admin]), StatusCode::OK),
        case(Method::GET, "/api/audit/verify", None, leak(&[Admin]), StatusCode::OK),
        // no basemap configured: logged-in users get 404, anonymous 401
        case(Method::GET, "/tiles/5/15/14.png", None, ALL, StatusCode::NOT_FOUND),
    ];
    for (action, body) in [
        ("verify", good_coding()),
        ("merge", json!({"incident_id": incident})),
        ("discard", json!({"reason": "rumour"})),
    ] {
        let ok = if action == "verify" { StatusCode::CREATED } else { StatusCode::OK };
        let mut c = case(Method::POST, &format!("/api/reports/{{id}}/{action}"), Some(body), leak(triage), ok);
        c.fresh_report = true;
        cases.push(c);
    }
    for p in ["/api/openapi.json", "/api/demo-info"] {
        let mut c = case(Method::GET, p, None, ALL, StatusCode::OK);
        c.public = true;
        cases.push(c);
    }
    let mut checked = 0;
    for c in &cases {
        for role in Role::ALL {
            let path = if c.fresh_report {
                c.path.replace("{id}", &t.report(Admin, json!({})).await.to_string())
            } else {
                c.path.clone()
            };
            let (s, v) = t.as_role(role, c.method.clone(), &path, c.body.clone()).await;
            let want = if c.allowed.contains(&role) { c.ok } else { StatusCode::FORBIDDEN };
            assert_eq!(s, want, "{role} {} {path}: {v}", c.method);
            if s == StatusCode::FORBIDDEN {
                assert!(v["error"].as_str().unwrap().contains(role.as_str()), "{v}");
            }
            checked += 1;
        }
        let path = c.path.replace("{id}", &own.to_string());
        let (s, v, _) = t.call(c.method.clone(), &path, None, c.body.clone()).await;
        let want = if c.public { c.ok } else { StatusCode::UNAUTHORIZED };
        assert_eq!(s, want, "anonymous {} {path}: {v}", c.method);
    }
    assert!(checked >= 100);
    // a reporter reads only their own reports
    let other = t.report(Analyst, json!({})).await;
    let (s, _) = t.as_role(Reporter, Method::GET, &format!("/api/reports/{other}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "someone else's report looks missing (no existence oracle)");
    let (_, list) = t.as_role(Reporter, Method::GET, "/api/reports", None).await;
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|r| r["reporter"] == "reporter"), "{list:?}");
    assert!(list.iter().all(|r| r["suggested_duplicates"].as_array().unwrap().is_empty()));
    // a garbage token is 401
    let (s, _, _) = t.call(Method::GET, "/api/me", Some("not-a-token"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

const VICTIMS: &str = "Aminata Traoré, 34, blessée";
const WITNESS: &str = "Moussa Coulibaly, commerçant";
const CONTACT: &str = "+223 76 00 00 00";

// Restricted detail reaches hr_officer only (admin by an explicit grant, see
// tests/leaks.rs): in report JSON, incident
// JSON, GeoJSON, the audit log and the `vigil incidents` exports.
both_backends!(restricted_detail_only_for_hr_officer, |db| {
    let t = TestApp::new(&db.store, false).await;
    let restricted = json!({"restricted": {"victims": VICTIMS, "witnesses": WITNESS, "contacts": CONTACT}});
    let mut body = good_report();
    body["restricted"] = restricted["restricted"].clone();
    let (s, created) = t.as_role(Reporter, Method::POST, "/api/reports", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    let merged_id = t.report(Reporter, json!({"restricted": {"victims": "Fatoumata Keita"}})).await;
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{id}/verify"), Some(good_coding())).await;
    assert_eq!(s, StatusCode::CREATED);
    let incident = v["incident_id"].as_i64().unwrap();
    let (s, _) = t
        .as_role(
            Analyst,
            Method::POST,
            &format!("/api/reports/{merged_id}/merge"),
            Some(json!({"incident_id": incident})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let secrets = [VICTIMS, WITNESS, CONTACT, "Fatoumata Keita"];
    let has_secret = |v: &Value| {
        let text = v.to_string();
        secrets.iter().any(|s| text.contains(s))
    };
    assert!(!has_secret(&created), "the submitter (a reporter) got restricted detail back: {created}");
    let paths = [
        "/api/reports".to_string(),
        format!("/api/reports/{id}"),
        format!("/api/reports/{merged_id}"),
        "/api/incidents".to_string(),
        format!("/api/incidents/{incident}"),
        "/api/areas?level=2".to_string(),
        "/api/stats/monthly".to_string(),
        "/api/audit".to_string(),
    ];
    for role in Role::ALL {
        for p in &paths {
            let (s, v) = t.as_role(role, Method::GET, p, None).await;
            if s != StatusCode::OK {
                continue;
            }
            let sees = role.sees_restricted() && (p.starts_with("/api/reports") || p.starts_with("/api/incidents/"));
            assert_eq!(has_secret(&v), sees, "{role} GET {p}: {v}");
        }
    }
    // the detail view shows all of it to hr_officer
    let (_, v) = t.as_role(HrOfficer, Method::GET, &format!("/api/incidents/{incident}"), None).await;
    let r = &v["incident"]["restricted"];
    assert_eq!(r["witnesses"], WITNESS);
    assert!(
        r["victims"].as_str().unwrap().contains(VICTIMS) && r["victims"].as_str().unwrap().contains("Fatoumata Keita")
    );
    assert!(v["reports"].as_array().unwrap().iter().all(|r| r.get("restricted").is_some()));
    let (_, v) = t.as_role(Analyst, Method::GET, &format!("/api/incidents/{incident}"), None).await;
    assert!(v["incident"].get("restricted").is_none());
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert!(v["history"].as_array().unwrap().len() >= 4, "{v}");
    // the raw body carries them too, and is hr_officer's only
    let req = Request::get(format!("/api/reports/{id}/raw"))
        .header(header::AUTHORIZATION, format!("Bearer {}", t.token(HrOfficer)))
        .body(Body::empty())
        .unwrap();
    let (s, raw, _) = t.send(req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(raw.to_string().contains("Moussa Coulibaly"));
    // the `vigil incidents` export path (GED CSV, HXL, GeoJSON) never carries it
    let mut rows = vec![];
    db.store
        .for_each_incident(&Default::default(), |l| {
            rows.push(l);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let mut ged = vigil_ingest::GedWriter::new(Vec::new()).unwrap();
    let mut hxl = vigil_ingest::HxlWriter::new(Vec::new()).unwrap();
    for l in &rows {
        ged.write(l).unwrap();
        hxl.write(l).unwrap();
    }
    let gj = vigil_ingest::write_geojson::<_, std::io::Error>(Vec::new(), rows.iter().cloned().map(Ok)).unwrap();
    for out in [ged.finish().unwrap(), hxl.finish().unwrap(), gj] {
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("V-"), "{text}");
        for s in secrets {
            assert!(!text.contains(s), "export leaks {s}: {text}");
        }
    }
});

/// A human-rights officer reading through the store (the raw body is restricted).
fn hr_reader() -> vigil_store::access::Principal {
    let user = vigil_store::accounts::User { id: 0, name: "test".into(), role: HrOfficer, disabled: false, restricted_access: false };
    vigil_store::access::Principal { user, restricted_access: false }
}

async fn count(db: &common::TestDb, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    vigil_store::on_pool!(db.store, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(p).await.unwrap())
}

// A bad report gets 422 naming the field, and nothing of it is stored.
both_backends!(bad_report_names_the_field_and_stores_nothing, |db| {
    let t = TestApp::new(&db.store, false).await;
    let audit_before = count(&db, "audit_log").await;
    let cases: Vec<(&str, Value)> = vec![
        ("category", json!({"category": null})),
        ("category", json!({"category": "alien_invasion"})),
        ("occurred_at", json!({"occurred_at": "2 March"})),
        ("occurred_at", json!({"occurred_at": "2999-01-01"})),
        ("description", json!({"description": ""})),
        ("reliability", json!({"reliability": "G"})),
        ("credibility", json!({"credibility": 7})),
        ("credibility", json!({"credibility": "high"})),
        ("longitude", json!({"longitude": null})),
        ("latitude", json!({"latitude": 95})),
        ("people_affected", json!({"people_affected": -3})),
        ("language", json!({"language": "de"})),
        ("channel", json!({"channel": "pigeon"})),
        ("town_id", json!({"town_id": 999999999})),
        ("lat", json!({"lat": 14.5})),
        ("restricted.names", json!({"restricted": {"names": "x"}})),
        ("restricted.victims", json!({"restricted": {"victims": 3}})),
    ];
    for (field, change) in cases {
        let mut body = good_report();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v) = t.as_role(Reporter, Method::POST, "/api/reports", Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert_eq!(v["field"], field, "{v}");
        assert!(v["error"].as_str().unwrap().contains(field), "{v}");
    }
    let req = Request::post("/api/reports")
        .header(header::AUTHORIZATION, format!("Bearer {}", t.token(Reporter)))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"category\": "))
        .unwrap();
    let (s, v, _) = t.send(req).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("body")));
    for table in ["reports", "report_restricted", "attachments"] {
        assert_eq!(count(&db, table).await, 0, "{table}");
    }
    assert_eq!(count(&db, "audit_log").await, audit_before);
});

// A 201 means committed: another connection (as after a crash) sees the report,
// its raw body and its audit entry.
both_backends!(report_is_committed_when_201_returns, |db| {
    let t = TestApp::new(&db.store, false).await;
    let id = t.report(Reporter, json!({"town_id": 2453348})).await;
    // a second, independent store on the same database; the first is never closed
    let again = vigil_store::Store::connect(&db.url).await.unwrap().attach_audit_key(db.key.clone()).await.unwrap();
    let r = again.report(id, true).await.unwrap().expect("report stored");
    assert_eq!(r.status, "new");
    assert_eq!(r.reliability, "B");
    assert_eq!(r.credibility, 2);
    let (_, raw) = again.report_raw_for(&hr_reader(), id).await.unwrap().unwrap();
    let raw: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(raw["town_id"], 2453348);
    assert!(again.audit_for(&[format!("report/{id}")]).await.unwrap().iter().any(|e| e.action == "create"));
});

// Multipart form with an attachment: stored with its SHA-256.
both_backends!(multipart_report_with_attachment, |db| {
    let t = TestApp::new(&db.store, false).await;
    let boundary = "XyZvigil";
    let mut body = String::new();
    for (k, v) in [
        ("category", "abduction"),
        ("occurred_at", "2024-03-01T08:30:00Z"),
        ("description", "Deux enseignants enlevés"),
        ("reliability", "c"),
        ("credibility", "3"),
        ("latitude", "16.27"),
        ("longitude", "-0.04"),
        ("victims", "Two teachers, names known"),
    ] {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEGBYTES\r\n--{boundary}--\r\n"));
    let req = Request::post("/api/reports")
        .header(header::AUTHORIZATION, format!("Bearer {}", t.token(Reporter)))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body.clone()))
        .unwrap();
    let (s, v, h) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(h[header::LOCATION], format!("/api/reports/{}", v["id"]));
    assert_eq!(v["reliability"], "C");
    assert_eq!(v["attachments"][0]["sha256"], vigil_store::audit::sha256_hex(b"JPEGBYTES"));
    assert!(v.get("restricted").is_none());
    let id = v["id"].as_i64().unwrap();
    let r = db.store.report(id, true).await.unwrap().unwrap();
    assert_eq!(r.restricted.unwrap().victims.as_deref(), Some("Two teachers, names known"));
    assert_eq!(r.channel, "api");
    let (_, raw) = db.store.report_raw_for(&hr_reader(), id).await.unwrap().unwrap();
    assert_eq!(raw, body.as_bytes(), "the body is stored exactly as received");
});

// Cookie-authenticated writes need the CSRF header; bearer writes do not. The
// cookie is HttpOnly and SameSite=Strict.
both_backends!(csrf_required_for_cookie_writes, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (s, v, h) = t
        .call(
            Method::POST,
            "/api/login",
            None,
            Some(json!({"username": "reporter", "password": common::password(Reporter)})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // the session cookie (a login also sets a device cookie, see logins.rs)
    let set = h
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .find(|c| c.starts_with("vigil_session="))
        .unwrap_or_else(|| panic!("no session cookie: {h:?}"));
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let post = |csrf: Option<&str>| {
        let mut b = Request::post("/api/reports")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("X-CSRF-Token", c);
        }
        let mut r = good_report();
        r.as_object_mut().unwrap().remove("channel");
        b.body(Body::from(r.to_string())).unwrap()
    };
    let (s, v, _) = t.send(post(None)).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::FORBIDDEN, Some("X-CSRF-Token")), "{v}");
    let (s, _, _) = t.send(post(Some("0000"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v, _) = t.send(post(Some(&csrf))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["channel"], "web");
    // reads with the cookie need no token; /api/me hands it back
    let (s, me, _) = t.send(Request::get("/api/me").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!((s, me["csrf_token"].as_str()), (StatusCode::OK, Some(csrf.as_str())));
    // the cookie value is refused as a bearer token, and the other way round
    let cookie_value = cookie.split_once('=').unwrap().1;
    let (s, _, _) = t.call(Method::GET, "/api/me", Some(cookie_value), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // logout (a write: needs the token) ends the session
    let out = |c: &str| {
        Request::post("/api/logout")
            .header(header::COOKIE, &cookie)
            .header("X-CSRF-Token", c)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(t.send(out("nope")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.send(out(&csrf)).await.0, StatusCode::OK);
    let (s, _, _) = t.send(Request::get("/api/me").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

// Five failed logins for a name from one address lock it for the window (even with
// the right password); other names are unaffected; all attempts are audited.
both_backends!(login_rate_limited, |db| {
    let t = TestApp::new(&db.store, false).await;
    let login = |user: &str, pw: &str| json!({"username": user, "password": pw});
    for _ in 0..5 {
        let (s, v, _) = t.call(Method::POST, "/api/login", None, Some(login("analyst", "guess"))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    let (s, v, h) = t.call(Method::POST, "/api/login", None, Some(login("analyst", &common::password(Analyst)))).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(h.contains_key(header::RETRY_AFTER));
    let (s, _, _) = t.call(Method::POST, "/api/login", None, Some(login("planner", &common::password(Planner)))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v, _) = t.call(Method::POST, "/api/login", None, Some(json!({"username": "planner"}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")));
    let audit = db.store.audit_entries(None).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "login_failed").count(), 5);
    assert!(audit.iter().filter(|e| e.action == "login").count() >= 7);
});

// Triage: verify codes a `vigil` incident placed in its admin areas; a report is
// actioned once; merge and discard keep the report; duplicates are suggested.
both_backends!(triage_flow, |db| {
    common::load_mali_boundaries(&db.store).await;
    let t = TestApp::new(&db.store, false).await;
    let first = t.report(Reporter, json!({})).await;
    // same market, next day, 3 km away
    let second = t
        .report(
            Reporter,
            json!({"occurred_at": "2024-03-03", "latitude": 14.55, "longitude": -4.09,
        "description": "Attaque armée au marché de Sévaré hier, des blessés"}),
        )
        .await;
    let far = t
        .report(
            Reporter,
            json!({"latitude": 16.27, "longitude": -0.04, "description": "Tirs entendus à Gao", "place_name": "Gao"}),
        )
        .await;

    let (_, queue) = t.as_role(Analyst, Method::GET, "/api/reports?status=new", None).await;
    let queue = queue.as_array().unwrap();
    assert_eq!(
        queue.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(),
        vec![far, second, first],
        "newest first"
    );
    let sugg = &queue[1]["suggested_duplicates"];
    assert_eq!(sugg[0]["report_id"], first, "{sugg}");
    assert!(
        sugg[0]["reason"].as_str().unwrap().contains("march") || sugg[0]["reason"].as_str().unwrap().contains("km"),
        "{sugg}"
    );
    assert!(queue[0]["suggested_duplicates"].as_array().unwrap().is_empty(), "Gao is not near Sévaré");

    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{first}/verify"), Some(good_coding())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let inc = v["incident_id"].as_i64().unwrap();
    let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{first}/verify"), Some(good_coding())).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) =
        t.as_role(Analyst, Method::POST, &format!("/api/reports/{first}/discard"), Some(json!({"reason": "x"}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    let (_, one) = t.as_role(Analyst, Method::GET, &format!("/api/reports/{second}"), None).await;
    assert!(one["suggested_duplicates"].as_array().unwrap().iter().any(|s| s["incident_id"] == inc), "{one}");

    let (_, detail) = t.as_role(Responder, Method::GET, &format!("/api/incidents/{inc}"), None).await;
    let i = &detail["incident"];
    assert_eq!((i["source"].as_str(), i["source_id"].as_str()), (Some("vigil"), Some(format!("V-{first}").as_str())));
    assert_eq!(i["admin1"], "ML05", "Mopti region: {i}");
    assert_eq!(i["synthetic"], false);
    assert_eq!(i["category"], "attack_on_civilians");
    assert_eq!((i["best"].as_i64(), i["low"].as_i64(), i["high"].as_i64()), (Some(2), Some(1), Some(4)));

    // bad coding names the field
    for (field, change) in [
        ("type_of_violence", json!({"type_of_violence": 4})),
        ("high", json!({"high": 1})),
        ("side_a", json!({"side_a": ""})),
    ] {
        let mut c = good_coding();
        for (k, v) in change.as_object().unwrap() {
            c[k] = v.clone();
        }
        let (s, v) = t.as_role(Analyst, Method::POST, &format!("/api/reports/{second}/verify"), Some(c)).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{v}");
    }
    let (s, v) = t
        .as_role(Analyst, Method::POST, &format!("/api/reports/{second}/merge"), Some(json!({"incident_id": 999999})))
        .await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("incident_id")), "{v}");
    let (s, _) = t
        .as_role(Analyst, Method::POST, &format!("/api/reports/{second}/merge"), Some(json!({"incident_id": inc})))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) =
        t.as_role(Analyst, Method::POST, &format!("/api/reports/{far}/discard"), Some(json!({"reason": ""}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (s, _) = t
        .as_role(
            Analyst,
            Method::POST,
            &format!("/api/reports/{far}/discard"),
            Some(json!({"reason": "single unconfirmed source"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.as_role(Analyst, Method::POST, "/api/reports/424242/discard", Some(json!({"reason": "x"}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // nothing deleted: all three reports remain, with their outcome
    let (_, all) = t.as_role(Admin, Method::GET, "/api/reports", None).await;
    let status: Vec<(i64, String, Value)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["status"].as_str().unwrap().to_string(), r["incident_id"].clone()))
        .collect();
    assert_eq!(
        status,
        vec![
            (far, "discarded".into(), Value::Null),
            (second, "merged".into(), json!(inc)),
            (first, "verified".into(), json!(inc))
        ]
    );
    let (_, fc) = t.as_role(Planner, Method::GET, "/api/incidents?from=2024-01-01&admin1=ML05", None).await;
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    assert_eq!(fc["features"][0]["properties"]["id"], inc);
    let (s, v) = t.as_role(Planner, Method::GET, "/api/incidents?from=2024-13-01", None).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")));
    let (_, months) = t.as_role(Planner, Method::GET, "/api/stats/monthly", None).await;
    assert_eq!(months, json!([{"month": "2024-03", "incidents": 1, "fatalities": 2}]));
    let (_, areas) = t.as_role(Planner, Method::GET, "/api/areas?level=1", None).await;
    let mopti = areas["features"].as_array().unwrap().iter().find(|f| f["properties"]["code"] == "ML05").unwrap();
    assert_eq!(
        (mopti["properties"]["incidents"].as_i64(), mopti["properties"]["fatalities"].as_i64()),
        (Some(1), Some(2))
    );
    assert!(db.store.verify_audit(&[]).await.unwrap().ok());
});

async fn exec(db: &common::TestDb, sql: &str) {
    vigil_store::on_pool!(db.store, p => { sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(p).await.unwrap(); });
}

// Editing, removing or reordering an audit row in the database is detected and the
// entry named.
both_backends!(audit_tamper_is_named, |db| {
    let t = TestApp::new(&db.store, false).await;
    for _ in 0..3 {
        // graded C3 so that no alert rule fires (an alert would add its own entries)
        t.report(Reporter, json!({"reliability": "C", "credibility": 3})).await;
    }
    let v = db.store.verify_audit(&[]).await.unwrap();
    assert!(v.ok(), "{v:?}");
    let n = v.entries as i64;
    assert_eq!(n, 15, "6 users, 6 logins, 3 reports");
    // edit entry 13 (the first report's creation)
    exec(&db, "UPDATE audit_log SET after_json = REPLACE(after_json, '\"status\":\"new\"', '\"status\":\"verified\"') WHERE seq = 13").await;
    let v = db.store.verify_audit(&[]).await.unwrap();
    assert_eq!(v.problems, vec![vigil_store::audit::Tamper::Edited { seq: 13 }], "{v:?}");
    assert!(v.problems[0].to_string().contains("entry 13 was edited"));
    exec(&db, "UPDATE audit_log SET after_json = REPLACE(after_json, '\"status\":\"verified\"', '\"status\":\"new\"') WHERE seq = 13").await;
    assert!(db.store.verify_audit(&[]).await.unwrap().ok());
    // reorder 4 and 5
    exec(&db, "UPDATE audit_log SET seq = -4 WHERE seq = 4").await;
    exec(&db, "UPDATE audit_log SET seq = 4 WHERE seq = 5").await;
    exec(&db, "UPDATE audit_log SET seq = 5 WHERE seq = -4").await;
    let v = db.store.verify_audit(&[]).await.unwrap();
    assert_eq!(v.problems, vec![vigil_store::audit::Tamper::Swapped { first: 4, second: 5 }], "{v:?}");
    // remove entry 2 (the reorder stays; it is reported too)
    exec(&db, "DELETE FROM audit_log WHERE seq = 2").await;
    let v = db.store.verify_audit(&[]).await.unwrap();
    assert!(v.problems.contains(&vigil_store::audit::Tamper::Removed { first: 2, last: 2 }), "{v:?}");
    // remove the last entry
    exec(&db, &format!("DELETE FROM audit_log WHERE seq = {n}")).await;
    let v = db.store.verify_audit(&[]).await.unwrap();
    assert!(v.problems.contains(&vigil_store::audit::Tamper::Head { head_seq: n, last_seq: n - 1 }), "{v:?}");
    // the admin endpoint reports it as well
    let (_, r) = t.as_role(Admin, Method::GET, "/api/audit/verify", None).await;
    assert_eq!(r["ok"], false);
});

// The demo data: SYNTHETIC incidents are flagged so the UI can label them.
both_backends!(demo_data_is_flagged_synthetic, |db| {
    let s = vigil_server::demo::seed(&db.store, false).await.unwrap();
    assert_eq!(s.areas, [1, 9, 50]);
    assert!(s.incidents > 2000);
    let t = TestApp::new(&db.store, true).await;
    let (_, info, _) = t.call(Method::GET, "/api/demo-info", None, None).await;
    assert_eq!((info["demo"].as_bool(), info["synthetic_data"].as_bool()), (Some(true), Some(true)));
    let (_, me) = t.as_role(Planner, Method::GET, "/api/me", None).await;
    assert_eq!(me["synthetic_data"], true);
    let (s, fc) = t.as_role(Analyst, Method::GET, "/api/incidents?from=2019-01-01&to=2019-12-31&type=3", None).await;
    assert_eq!(s, StatusCode::OK);
    let f = fc["features"].as_array().unwrap();
    assert!(!f.is_empty());
    assert!(f.iter().all(|f| f["properties"]["synthetic"] == true && f["properties"]["type_of_violence"] == 3));
    assert!(f.iter().all(|f| f["properties"]["id"].is_i64()));
    let (_, areas) = t.as_role(Analyst, Method::GET, "/api/areas?level=2&from=2019-01-01&to=2019-12-31", None).await;
    let total: i64 =
        areas["features"].as_array().unwrap().iter().map(|f| f["properties"]["incidents"].as_i64().unwrap()).sum();
    let (_, all) = t.as_role(Analyst, Method::GET, "/api/incidents?from=2019-01-01&to=2019-12-31", None).await;
    assert!(total > 0 && total <= all["features"].as_array().unwrap().len() as i64);
});

// A large store is read a page at a time, newest first; the totals cover every match.
both_backends!(incidents_come_in_pages, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    let filter = "from=2018-01-01&to=2020-12-31";
    let (s, first) = t.as_role(Analyst, Method::GET, &format!("/api/incidents?{filter}&limit=5"), None).await;
    assert_eq!(s, StatusCode::OK);
    let matched = first["numberMatched"].as_i64().unwrap();
    assert!(matched > 100, "{matched}");
    assert_eq!(first["numberReturned"], 5);
    assert_eq!(first["features"].as_array().unwrap().len(), 5);
    let dates: Vec<&str> =
        first["features"].as_array().unwrap().iter().map(|f| f["properties"]["date_start"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert!(dates[0] <= "2020-12-31" && dates[0] >= "2020-10-01", "{dates:?}");
    // the fatalities are those of every match, as the monthly totals say
    let (_, months) = t.as_role(Analyst, Method::GET, &format!("/api/stats/monthly?{filter}"), None).await;
    let by_month: i64 = months.as_array().unwrap().iter().map(|m| m["fatalities"].as_i64().unwrap()).sum();
    let in_months: i64 = months.as_array().unwrap().iter().map(|m| m["incidents"].as_i64().unwrap()).sum();
    assert_eq!((first["fatalities"].as_i64().unwrap(), matched), (by_month, in_months));
    // following `next` visits every match once, in pages of 400
    let mut url = format!("/api/incidents?{filter}&limit=400");
    let mut ids = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let (s, page) = t.as_role(Analyst, Method::GET, &url, None).await;
        assert_eq!(s, StatusCode::OK, "{url}: {page}");
        assert_eq!(page["numberMatched"].as_i64(), Some(matched));
        for f in page["features"].as_array().unwrap() {
            assert!(ids.insert(f["properties"]["id"].as_i64().unwrap()), "id twice: {f}");
        }
        pages += 1;
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_string(),
            None => break,
        }
    }
    assert_eq!((ids.len() as i64, pages), (matched, (matched + 399) / 400));
    // the default page holds the whole demo; a bad limit is named
    let (_, all) = t.as_role(Analyst, Method::GET, &format!("/api/incidents?{filter}"), None).await;
    assert_eq!(all["numberReturned"].as_i64(), Some(matched));
    assert!(all["links"].as_array().unwrap().is_empty());
    let (s, v) = t.as_role(Analyst, Method::GET, "/api/incidents?limit=0", None).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")));
});

/// The OpenAPI document is served without login and lists every API route.
#[tokio::test]
async fn openapi_lists_every_route() {
    let db = common::sqlite().await;
    let t = TestApp::new(&db.store, false).await;
    let (s, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    let src = include_str!("../src/lib.rs");
    let mut n = 0;
    for line in src.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix(".route(\"/") {
            let path = rest.split('"').next().unwrap();
            if path.starts_with("vendor") || path.is_empty() {
                continue;
            }
            let full =
                if path.starts_with("tiles") { "/tiles/{z}/{x}/{y}.png".to_string() } else { format!("/api/{path}") };
            assert!(doc["paths"].get(&full).is_some(), "{full} is not in the OpenAPI document");
            n += 1;
        }
    }
    assert!(n >= 18, "{n}");
}

/// The UI and Leaflet are served locally with a CSP that forbids remote origins.
#[tokio::test]
async fn ui_is_served_with_a_strict_csp() {
    let db = common::sqlite().await;
    let t = TestApp::new(&db.store, true).await;
    let (s, body, h) = t.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(
        body.as_str().unwrap().contains("<html")
            || body.as_str().unwrap().contains("<!doctype")
            || body.as_str().unwrap().contains("<!DOCTYPE")
    );
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("http"), "{csp}");
    let (s, _, _) = t.send(Request::get("/nope.js").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v, _) = t.send(Request::get("/api/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].is_string());
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules/leaflet/dist/leaflet.js")).exists()
    {
        let (s, _, h) = t.send(Request::get("/vendor/leaflet/leaflet.js").body(Body::empty()).unwrap()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    }
}

// The SYNTHETIC label follows the records: `vigil serve` over a database the synthetic
// set was imported into says so too, and a server with no synthetic records does not.
both_backends!(the_synthetic_banner_follows_the_records_not_the_command, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (_, info, _) = t.call(Method::GET, "/api/demo-info", None, None).await;
    assert_eq!(info["synthetic_data"], false, "nothing synthetic stored: {info}");
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    // a second server over the same store: `vigil serve`, not `vigil demo`
    let served = TestApp::with_config(&db.store, Default::default(), false).await;
    let mut said = Value::Null;
    for _ in 0..100 {
        let (_, info, _) = served.call(Method::GET, "/api/demo-info", None, None).await;
        said = info["synthetic_data"].clone();
        if said == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(said, true, "the store holds the synthetic set");
    assert!(db.store.holds_synthetic().await.unwrap());
});

// Names as written in Mali: the boundary files' spellings corrected (Koulikouro,
// Segou, Menaka), French and English names where they differ, the mission's towns first.
both_backends!(areas_and_towns_are_named_as_written_in_mali, |db| {
    vigil_server::demo::seed(&db.store, false).await.unwrap();
    let t = TestApp::new(&db.store, true).await;
    let (_, r) = t.as_role(Analyst, Method::GET, "/api/areas?level=1", None).await;
    let names: Vec<&str> = r["features"].as_array().unwrap().iter().map(|f| f["properties"]["name"].as_str().unwrap()).collect();
    for want in ["Koulikoro", "Ségou", "Tombouctou"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    assert!(!names.iter().any(|n| *n == "Koulikouro" || *n == "Segou"), "{names:?}");
    let tbk = r["features"].as_array().unwrap().iter().find(|f| f["properties"]["name"] == "Tombouctou").unwrap();
    assert_eq!(tbk["properties"]["name_en"], "Timbuktu");
    let (_, r) = t.as_role(Analyst, Method::GET, "/api/areas?level=2", None).await;
    let names: Vec<&str> = r["features"].as_array().unwrap().iter().map(|f| f["properties"]["name"].as_str().unwrap()).collect();
    for want in ["Ménaka", "Diré", "Djenné", "Niafunké"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let (_, places) = t.as_role(Reporter, Method::GET, "/api/places", None).await;
    let places = places.as_array().unwrap();
    assert_eq!(places[0]["country_code"], "ML", "the mission's towns first: {}", places[0]);
    let first_other = places.iter().position(|p| p["country_code"] != "ML").unwrap();
    assert!(places[first_other..].iter().all(|p| p["country_code"] != "ML"), "then the neighbours'");
    let timbuktu = places.iter().find(|p| p["name"] == "Timbuktu").unwrap();
    assert_eq!(timbuktu["name_fr"], "Tombouctou");
});
