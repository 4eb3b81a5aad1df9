//! Fresh stores for tests, on SQLite always and on PostgreSQL when
//! `VIGIL_TEST_POSTGRES` names a server where the role may create databases.

#![allow(dead_code)]

use std::path::PathBuf;
use vigil_store::Store;

pub struct TestDb {
    /// with `key` attached
    pub store: Store,
    pub url: String,
    /// the audit key (a fresh one per database); attach it to any other store opened on `url`
    pub key: vigil_store::audit_key::AuditKey,
    _dir: Option<tempfile::TempDir>,
}

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A store on `url` with a fresh audit key attached.
pub async fn keyed(url: &str) -> (Store, vigil_store::audit_key::AuditKey) {
    let key = vigil_store::audit_key::AuditKey::generate();
    (Store::connect(url).await.unwrap().attach_audit_key(key.clone()).await.unwrap(), key)
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let (store, key) = keyed(&url).await;
    TestDb { store, url, key, _dir: Some(dir) }
}

/// A new, empty PostgreSQL database; `None` (with a note) when no server is
/// configured outside CI. In CI a missing server is a failure, not a skip.
pub async fn postgres() -> Option<TestDb> {
    let Ok(base) = std::env::var("VIGIL_TEST_POSTGRES") else {
        if std::env::var("CI").is_ok() {
            panic!("CI is set but VIGIL_TEST_POSTGRES is not: the PostgreSQL half of the suite must run in CI");
        }
        eprintln!("note: VIGIL_TEST_POSTGRES unset; PostgreSQL test skipped (scripts/test.sh starts a server)");
        return None;
    };
    use sqlx::Connection;
    let name = format!("vigil_t_{}_{}", std::process::id(), rand::random::<u32>());
    let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect to VIGIL_TEST_POSTGRES");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    let url = format!("{prefix}/{name}");
    let (store, key) = keyed(&url).await;
    Some(TestDb { store, url, key, _dir: None })
}

/// Define one async test body and run it as `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($db: $crate::common::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::common::sqlite().await).await
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::common::postgres().await {
                    run(db).await
                }
            }
        }
    };
}

pub async fn load_mali_boundaries(store: &Store) {
    for (level, file) in [
        (0u8, "data/boundaries/mli_adm0_ocha_cod_dissolved.geojson"),
        (1, "data/boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson"),
        (2, "data/boundaries/mli_adm2_cercles_ocha_cod.geojson"),
    ] {
        let text = std::fs::read_to_string(repo(file)).unwrap();
        let areas = vigil_geo::admin::parse_boundaries(
            &text,
            level,
            &format!("adm{level}_pcode"),
            &format!("adm{level}_name"),
        )
        .unwrap();
        store.import_boundaries(level, &areas).await.unwrap();
    }
}

/// Import CSV text (named `name` in errors) with the default options.
pub async fn import_text(store: &Store, text: &str, name: &str) -> vigil_store::Result<vigil_store::ImportReport> {
    let r = vigil_ingest::IncidentReader::from_reader(std::io::Cursor::new(text.to_string()), name)?;
    store.import_incidents(r, vigil_store::ImportOptions::default(), &|_| {}).await
}

/// Every stored incident, in date then id order.
pub async fn all(store: &Store) -> Vec<vigil_ingest::Located> {
    let mut v = vec![];
    store
        .for_each_incident(&vigil_model::IncidentFilter::default(), |l| {
            v.push(l);
            Ok(())
        })
        .await
        .unwrap();
    v
}
