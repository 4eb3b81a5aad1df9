//! Logins and accounts over the API: parallel guesses are counted before any
//! password is checked, lockout is per account (and account and address), unknown
//! names are throttled and never logged as typed, hashing is bounded, and
//! administrators disable, enable, re-role, reset, revoke and grant, all audited.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;
use vigil_store::accounts::Role::*;

mod common;
use common::TestApp;

/// POST /api/login from a given client address.
async fn login_from(t: &TestApp, addr: &str, user: &str, password: &str) -> (StatusCode, Value) {
    let (s, v, _) = t.send(login_request(addr, user, password)).await;
    (s, v)
}

fn login_request(addr: &str, user: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"username": user, "password": password, "bearer": true}).to_string()))
        .unwrap();
    let sock: SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(sock));
    req
}

/// Send all requests at once, each on its own task; their status codes.
async fn all_at_once(t: &TestApp, reqs: Vec<Request<Body>>) -> Vec<StatusCode> {
    use tower::ServiceExt;
    let mut set = tokio::task::JoinSet::new();
    for r in reqs {
        let app = t.app.clone();
        set.spawn(async move { app.oneshot(r).await.unwrap().status() });
    }
    set.join_all().await
}

async fn count_actions(db: &common::TestDb, action: &str) -> usize {
    db.store.audit_entries(None).await.unwrap().iter().filter(|e| e.action == action).count()
}

// 80 parallel wrong guesses for one account from one address: at most 5 passwords
// are checked (401); the rest are refused unchecked (429).
both_backends!(parallel_guesses_check_at_most_the_limit, |db| {
    let t = TestApp::new(&db.store, false).await;
    let guesses = (0..80).map(|i| login_request("10.1.1.1", "analyst", &format!("guess-{i}"))).collect();
    let codes = all_at_once(&t, guesses).await;
    let checked = codes.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = codes.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    eprintln!("login race: {checked} of 80 parallel guesses had their password checked");
    assert!(checked <= 5, "{checked} passwords checked");
    assert_eq!(checked + refused, 80, "{codes:?}");
    assert_eq!(count_actions(&db, "login_failed").await, checked);
});

/// POST /api/login from `addr` presenting `cookie` (`name=value`), as a browser would.
async fn login_with_cookie(t: &TestApp, addr: &str, user: &str, password: &str, cookie: &str) -> StatusCode {
    let mut req = login_request(addr, user, password);
    req.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    t.send(req).await.0
}

/// A login from `addr` that must succeed; the device cookie it sets, as `name=value`.
async fn device_cookie_from_login(t: &TestApp, addr: &str, user: &str, password: &str) -> String {
    let (s, v, h) = t.send(login_request(addr, user, password)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let set = h
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("vigil_device_"))
        .unwrap_or_else(|| panic!("no device cookie set by a login: {h:?}"));
    for attr in ["HttpOnly", "SameSite=Strict", "Max-Age=31536000", "Path=/api/login"] {
        assert!(set.contains(attr), "device cookie without {attr}: {set}");
    }
    assert!(!set.contains("Secure"), "Secure on a plain-http test server: {set}");
    set.split(';').next().unwrap().to_string()
}

// One person guessing at one account from a shared address locks neither the other
// accounts behind it nor that account from elsewhere, nor the account's owner behind
// the same address in a browser that logged in before (device cookie); guesses spread
// over many addresses lock the account itself for attempts without a device cookie.
both_backends!(lockout_is_per_account, |db| {
    let t = TestApp::new(&db.store, false).await;
    let right = common::password(Analyst);
    // the owner logged in from the office yesterday; the planner did too on their own browser
    let owner = device_cookie_from_login(&t, "10.2.0.1", "analyst", &right).await;
    let planners = device_cookie_from_login(&t, "10.2.0.1", "planner", &common::password(Planner)).await;
    // someone else behind the office NAT guesses
    for _ in 0..5 {
        assert_eq!(login_from(&t, "10.2.0.1", "analyst", "wrong").await.0, StatusCode::UNAUTHORIZED);
    }
    // the right password without the cookie is refused; with it, the owner gets in
    assert_eq!(login_from(&t, "10.2.0.1", "analyst", &right).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login_with_cookie(&t, "10.2.0.1", "analyst", &right, &owner).await, StatusCode::OK);
    assert_eq!(login_from(&t, "10.2.0.1", "analyst", &right).await.0, StatusCode::TOO_MANY_REQUESTS);
    // another account's cookie, renamed or not, and forged ones do not bypass the limit
    let (owner_name, owner_value) = owner.split_once('=').unwrap();
    let (_, planner_value) = planners.split_once('=').unwrap();
    let (signed, mac) = owner_value.rsplit_once('.').unwrap();
    let flipped = format!("{signed}.{}{}", if mac.starts_with('0') { '1' } else { '0' }, &mac[1..]);
    let (_, nonce_mac) = owner_value.split_once('.').unwrap();
    for forged in [
        planners.clone(),
        format!("{owner_name}={planner_value}"),
        format!("{owner_name}={flipped}"),
        format!("{owner_name}=999.{nonce_mac}"),
        format!("{owner_name}={}", owner_value.split('.').take(2).collect::<Vec<_>>().join(".")),
    ] {
        assert_eq!(
            login_with_cookie(&t, "10.2.0.1", "analyst", &right, &forged).await,
            StatusCode::TOO_MANY_REQUESTS,
            "{forged} let the right password through"
        );
    }
    // the device has its own limit: 5 wrong guesses with the cookie throttle it
    for _ in 0..5 {
        assert_eq!(login_with_cookie(&t, "10.2.0.1", "analyst", "wrong", &owner).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_with_cookie(&t, "10.2.0.1", "analyst", &right, &owner).await, StatusCode::TOO_MANY_REQUESTS);
    // a colleague behind the same NAT, and the analyst from another office
    assert_eq!(login_from(&t, "10.2.0.1", "planner", &common::password(Planner)).await.0, StatusCode::OK);
    assert_eq!(login_from(&t, "10.3.0.1", "analyst", &right).await.0, StatusCode::OK);
    // 20 guesses from four more addresses use up the account's own allowance ...
    let responders = device_cookie_from_login(&t, "10.5.0.1", "responder", &common::password(Responder)).await;
    for a in 1..=4 {
        for _ in 0..5 {
            assert_eq!(login_from(&t, &format!("10.4.0.{a}"), "responder", "wrong").await.0, StatusCode::UNAUTHORIZED);
        }
    }
    let (s, v) = login_from(&t, "10.5.0.1", "responder", "wrong").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(v["error"].as_str().unwrap().contains("too many failed logins for responder"), "{v}");
    let (s, _) = login_from(&t, "10.5.0.1", "responder", &common::password(Responder)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // ... but not the owner's browser that holds a device cookie
    let ok = login_with_cookie(&t, "10.5.0.1", "responder", &common::password(Responder), &responders).await;
    assert_eq!(ok, StatusCode::OK);
    // the audit log says which logins came with a device cookie
    let logins: Vec<_> = db.store.audit_entries(None).await.unwrap().into_iter().filter(|e| e.action == "login").collect();
    let with_device = logins.iter().filter(|e| e.after.as_ref().unwrap()["device_cookie"] == true).count();
    assert_eq!(with_device, 2, "{logins:?}");
});

// Names that match no account are throttled per address, and no typed name (which
// may be a password typed in the wrong box) reaches the audit log.
both_backends!(unknown_names_throttled_and_not_logged, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut codes = vec![];
    for i in 0..30 {
        codes.push(login_from(&t, "10.6.0.1", &format!("Secret-Pass-{i:02}"), "x").await.0);
    }
    let checked = codes.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!((1..=10).contains(&checked), "{codes:?}");
    assert_eq!(codes.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 30 - checked);
    // another address is not affected, and a real account from the same one works
    assert_eq!(login_from(&t, "10.6.0.2", "nobody-here", "x").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(&t, "10.6.0.1", "analyst", &common::password(Analyst)).await.0, StatusCode::OK);
    let log = serde_json::to_string(&db.store.audit_entries(None).await.unwrap()).unwrap();
    assert!(!log.contains("Secret-Pass") && !log.contains("nobody-here"), "a typed name is in the audit log");
    let failed: Vec<_> =
        db.store.audit_entries(None).await.unwrap().into_iter().filter(|e| e.action == "login_failed").collect();
    assert_eq!(failed.len(), checked + 1);
    assert_eq!((failed[0].actor.as_str(), failed[0].entity.as_str()), ("unknown user", "user/unknown"));
    assert_eq!(failed[0].after.as_ref().unwrap()["name_length"], 14);
});

// Concurrent logins never run more argon2 hashes at once than there are cores.
both_backends!(hashing_is_bounded, |db| {
    let t = TestApp::new(&db.store, false).await;
    let logins = (0..40).map(|i| login_request(&format!("10.7.0.{}", i + 1), "ghost", "x")).collect();
    let codes = all_at_once(&t, logins).await;
    assert!(codes.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{codes:?}");
    let (peak, slots) = (vigil_store::accounts::hashing_peak(), vigil_store::accounts::hashing_slots());
    assert!(peak >= 1 && peak <= slots, "peak {peak} hashes at once, {slots} slots");
});

// A browser login gets the HttpOnly cookie and no bearer token; a script asks for one.
both_backends!(browser_login_gets_no_bearer_token, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (s, v, _) = t
        .call(Method::POST, "/api/login", None, Some(json!({"username": "analyst", "password": common::password(Analyst)})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.get("token").is_none(), "browser login handed out a bearer token: {v}");
    let (_, v) = login_from(&t, "10.8.0.1", "analyst", &common::password(Analyst)).await;
    assert_eq!(v["token"].as_str().map(str::len), Some(64));
});

// Expired sessions are purged when anyone logs in.
both_backends!(expired_sessions_are_purged_at_login, |db| {
    let t = TestApp::new(&db.store, false).await;
    vigil_store::on_pool!(db.store, p => {
        sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE name = 'planner')")
            .execute(p).await.unwrap();
    });
    assert_eq!(t.as_role(Planner, Method::GET, "/api/me", None).await.0, StatusCode::UNAUTHORIZED);
    login_from(&t, "10.9.0.1", "analyst", &common::password(Analyst)).await;
    let stale: i64 = vigil_store::on_pool!(db.store, p => {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at <= '2001-01-01'").fetch_one(p).await.unwrap()
    });
    assert_eq!(stale, 0);
});

// Administrators manage accounts through /api/users; a disabled account's tokens
// stop at once; every change is audited; other roles are refused.
both_backends!(admin_manages_accounts, |db| {
    let t = TestApp::new(&db.store, false).await;
    let post = |path: &'static str, body: Option<Value>| t.as_role(Admin, Method::POST, path, body);
    // every account path, for every role but admin, and with no token
    let paths: [(Method, &str, Option<Value>); 9] = [
        (Method::GET, "/api/users", None),
        (Method::POST, "/api/users", Some(json!({"name": "x1", "role": "analyst", "password": "a-long-enough-password"}))),
        (Method::POST, "/api/users/planner/disable", None),
        (Method::POST, "/api/users/planner/enable", None),
        (Method::POST, "/api/users/planner/role", Some(json!({"role": "admin"}))),
        (Method::POST, "/api/users/planner/password", Some(json!({"password": "a-new-long-password"}))),
        (Method::POST, "/api/users/planner/revoke", None),
        (Method::POST, "/api/users/planner/grant-restricted", None),
        (Method::POST, "/api/users/planner/revoke-restricted", None),
    ];
    for (m, p, body) in &paths {
        for role in [Reporter, Analyst, Responder, HrOfficer, Planner] {
            let (s, v) = t.as_role(role, m.clone(), p, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {m} {p}: {v}");
        }
        let (s, _, _) = t.call(m.clone(), p, None, body.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "no token {m} {p}");
    }
    let (_, list) = t.as_role(Admin, Method::GET, "/api/users", None).await;
    assert!(list.to_string().contains("\"planner\""), "nothing changed: {list}");
    assert!(!list.to_string().contains("\"x1\""), "no account created by a refused call: {list}");

    let (s, v) = post("/api/users/planner/disable", None).await;
    assert_eq!((s, v["disabled"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    assert!(v["sessions_ended"].as_u64().unwrap() >= 1);
    assert_eq!(t.as_role(Planner, Method::GET, "/api/me", None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(&t, "10.10.0.1", "planner", &common::password(Planner)).await.0, StatusCode::UNAUTHORIZED);
    let (_, list) = t.as_role(Admin, Method::GET, "/api/users", None).await;
    let planner = list["users"].as_array().unwrap().iter().find(|u| u["name"] == "planner").unwrap().clone();
    assert_eq!(planner["disabled"], true);
    assert_eq!(post("/api/users/planner/enable", None).await.0, StatusCode::OK);
    let (s, v) = login_from(&t, "10.10.0.1", "planner", &common::password(Planner)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let planner_token = v["token"].as_str().unwrap().to_string();

    let (s, v) = post("/api/users/planner/role", Some(json!({"role": "analyst"}))).await;
    assert_eq!((s, v["role"].as_str()), (StatusCode::OK, Some("analyst")), "{v}");
    let (_, me, _) = t.call(Method::GET, "/api/me", Some(&planner_token), None).await;
    assert_eq!(me["role"], "analyst");
    let (s, v) = post("/api/users/planner/role", Some(json!({"role": "boss"}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("role")));

    let (s, v) = post("/api/users/planner/password", Some(json!({"password": "short"}))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")));
    assert_eq!(post("/api/users/planner/password", Some(json!({"password": "a-new-long-password"}))).await.0, StatusCode::OK);
    assert_eq!(t.call(Method::GET, "/api/me", Some(&planner_token), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(&t, "10.10.0.2", "planner", "a-new-long-password").await.0, StatusCode::OK);

    let (s, v) = post("/api/users/planner/revoke", None).await;
    assert_eq!((s, v["sessions_ended"].as_u64()), (StatusCode::OK, Some(2)), "{v}");
    let (s, v) = post("/api/users/planner/grant-restricted", None).await;
    assert_eq!((s, v["restricted_access"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(post("/api/users/planner/revoke-restricted", None).await.1["restricted_access"], false);
    assert_eq!(post("/api/users/nobody/disable", None).await.0, StatusCode::NOT_FOUND);
    // no admin disables or demotes themself
    assert_eq!(post("/api/users/admin/disable", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post("/api/users/admin/role", Some(json!({"role": "planner"}))).await.0, StatusCode::FORBIDDEN);

    let actions: Vec<String> = db
        .store
        .audit_entries(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor == "admin" && e.entity.starts_with("user/") && e.action != "login")
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["disable", "enable", "change_role", "reset_password", "revoke_sessions", "grant_restricted", "revoke_restricted"]
    );
    let log = serde_json::to_string(&db.store.audit_entries(None).await.unwrap()).unwrap();
    assert!(!log.contains("a-new-long-password"));
    assert!(db.store.verify_audit(&[]).await.unwrap().ok());
});

// "Log out everywhere" ends every session and token of the caller.
both_backends!(logout_everywhere, |db| {
    let t = TestApp::new(&db.store, false).await;
    let (_, v) = login_from(&t, "10.11.0.1", "analyst", &common::password(Analyst)).await;
    let second = v["token"].as_str().unwrap().to_string();
    let (s, v) = t.as_role(Analyst, Method::POST, "/api/logout?everywhere=true", None).await;
    assert_eq!((s, v["sessions_ended"].as_u64()), (StatusCode::OK, Some(4)), "{v}");
    assert_eq!(t.call(Method::GET, "/api/me", Some(&second), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(t.as_role(Analyst, Method::GET, "/api/me", None).await.0, StatusCode::UNAUTHORIZED);
});
