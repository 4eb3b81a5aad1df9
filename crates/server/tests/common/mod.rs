//! Fresh stores and an in-process app for the API tests, on SQLite always and on
//! PostgreSQL when `VIGIL_TEST_POSTGRES` names a server where the role may create
//! databases (in CI a missing server is a failure, not a skip).

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;
use vigil_server::{app, AppState, ServerConfig};
use vigil_store::accounts::Role;
use vigil_store::Store;

#[allow(unused_imports)] // each test file uses a different part
pub use vigil_testkit::{
    load_mali_boundaries, mali_boundaries as load_mali_boundaries_sync, postgres, sqlite, TestDb,
};

/// `vigil_testkit::both_backends!`, in scope for every test file of this crate.
#[macro_export]
macro_rules! both_backends {
    ($($t:tt)*) => { vigil_testkit::both_backends!($($t)*); };
}

/// A test user per role: name = role, password = "<role>-password".
pub fn password(role: Role) -> String {
    format!("{}-password", role.as_str())
}

/// The app over a store with towns loaded and one user per role; returns the app
/// and a bearer token per role.
pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    pub tokens: Vec<(Role, String)>,
}

impl TestApp {
    pub async fn new(store: &Store, demo: bool) -> TestApp {
        TestApp::with_config(
            store,
            ServerConfig {
                demo,
                ..Default::default()
            },
            true,
        )
        .await
    }

    /// The app over `store` with `config`, every role logged in (its user created
    /// first unless `create_users` is false: a restart over the same store).
    pub async fn with_config(store: &Store, config: ServerConfig, create_users: bool) -> TestApp {
        vigil_server::demo::ensure_places(store).await.unwrap();
        if create_users {
            for role in Role::ALL {
                store
                    .add_user("test", role.as_str(), role, &password(role))
                    .await
                    .unwrap();
            }
        }
        let state = AppState::new(store.clone(), config).await.unwrap();
        let app = app(state.clone());
        let mut t = TestApp {
            app,
            state,
            tokens: vec![],
        };
        for role in Role::ALL {
            let (s, v, _) = t
                .call(
                    Method::POST,
                    "/api/login",
                    None,
                    Some(serde_json::json!({"username": role.as_str(), "password": password(role), "bearer": true})),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "login {role}: {v}");
            t.tokens
                .push((role, v["token"].as_str().unwrap().to_string()));
        }
        t
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }

    /// A JSON request with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, HeaderMap) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn as_role(
        &self,
        role: Role,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (s, v, _) = self.call(method, path, Some(self.token(role)), body).await;
        (s, v)
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value, HeaderMap) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .unwrap();
        let v = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, v, headers)
    }

    /// Submit a good report as `role`, returning its id.
    pub async fn report(&self, role: Role, extra: Value) -> i64 {
        let mut body = good_report();
        if let (Some(o), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        let (s, v) = self
            .as_role(role, Method::POST, "/api/reports", Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }
}

/// A valid report: an attack near Mopti.
pub fn good_report() -> Value {
    serde_json::json!({
        "category": "attack_on_civilians",
        "occurred_at": "2024-03-02",
        "place_name": "Sévaré",
        "latitude": 14.53,
        "longitude": -4.10,
        "people_affected": 12,
        "description": "Hommes armés à moto ont attaqué le marché de Sévaré, plusieurs blessés",
        "reliability": "B",
        "credibility": 2,
        "language": "fr",
        "channel": "call_centre"
    })
}

/// A valid coding for verify.
pub fn good_coding() -> Value {
    serde_json::json!({
        "type_of_violence": 3, "event_type": "Violence against civilians", "side_a": "JNIM",
        "side_b": "Civilians", "best": 2, "low": 1, "high": 4, "date_prec": 1, "where_prec": 1
    })
}
