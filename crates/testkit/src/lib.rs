//! Test support for every crate of the workspace (a dev-dependency only): fresh
//! stores on SQLite always and on PostgreSQL when `VIGIL_TEST_POSTGRES` names a
//! server where the role may create databases, the [`both_backends!`] macro that
//! runs one test body on both, and the fixtures several crates' tests load.

#![allow(clippy::missing_panics_doc)] // test support: a failed set-up is a failed test

use std::path::PathBuf;
use vigil_store::Store;

/// A fresh store and the URL it was opened from (the temporary directory of a
/// SQLite store lives as long as this).
pub struct TestDb {
    /// with `key` attached
    pub store: Store,
    pub url: String,
    /// the audit key (a fresh one per database); attach it to any other store opened on `url`
    pub key: vigil_store::audit_key::AuditKey,
    _dir: Option<tempfile::TempDir>,
}

/// A store on `url` with a fresh audit key attached.
pub async fn keyed(url: &str) -> (Store, vigil_store::audit_key::AuditKey) {
    let key = vigil_store::audit_key::AuditKey::generate();
    let store = Store::connect(url).await.expect("open store");
    (store.attach_audit_key(key.clone()).await.expect("attach the audit key"), key)
}

/// A path from the repository root.
pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A new SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let (store, key) = keyed(&url).await;
    TestDb { store, url, key, _dir: Some(dir) }
}

/// A new, empty PostgreSQL database; `None` (with a note) when no server is
/// configured outside CI. In CI a missing server is a failure, not a skip.
pub async fn postgres() -> Option<TestDb> {
    use sqlx::Connection;
    let Ok(base) = std::env::var("VIGIL_TEST_POSTGRES") else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "CI is set but VIGIL_TEST_POSTGRES is not: the PostgreSQL half of the suite must run in CI"
        );
        eprintln!("note: VIGIL_TEST_POSTGRES unset; PostgreSQL test skipped (scripts/test.sh starts a server)");
        return None;
    };
    let name = format!("vigil_t_{}_{}", std::process::id(), rand::random::<u32>());
    let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect to VIGIL_TEST_POSTGRES");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.expect("create database");
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    let url = format!("{prefix}/{name}");
    let (store, key) = keyed(&url).await;
    Some(TestDb { store, url, key, _dir: None })
}

/// Define one async test body and run it as `NAME::sqlite` and `NAME::postgres`
/// (each on a two-thread runtime: background tasks such as webhook delivery run
/// beside the test).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($db: $crate::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::postgres().await {
                    run(db).await
                }
            }
        }
    };
}

/// The bundled OCHA COD-AB boundaries of Mali (country, regions, cercles), parsed,
/// with their levels.
pub fn mali_boundaries() -> Vec<(u8, Vec<vigil_geo::AdminArea>)> {
    [
        (0u8, "data/boundaries/mli_adm0_ocha_cod_dissolved.geojson"),
        (1, "data/boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson"),
        (2, "data/boundaries/mli_adm2_cercles_ocha_cod.geojson"),
    ]
    .into_iter()
    .map(|(level, file)| {
        let text = std::fs::read_to_string(repo(file)).expect("bundled boundary file");
        let areas =
            vigil_geo::admin::parse_boundaries(&text, level, &format!("adm{level}_pcode"), &format!("adm{level}_name"))
                .expect("bundled boundaries parse");
        (level, areas)
    })
    .collect()
}

/// Load the bundled boundaries of Mali into `store`.
pub async fn load_mali_boundaries(store: &Store) {
    for (level, areas) in mali_boundaries() {
        store.import_boundaries(level, &areas).await.expect("boundaries stored");
    }
}
