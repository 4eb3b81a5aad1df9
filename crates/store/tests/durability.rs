//! A commit is on disk, and the database files are the owner's only.

mod common;

use vigil_store::{Backend, Store};

/// The server's connections sync the WAL at every commit (`synchronous = FULL`):
/// a report acknowledged with 201 survives a power cut, not only a killed process.
#[tokio::test]
async fn the_servers_sqlite_connections_sync_every_commit() {
    let db = common::sqlite().await;
    let Backend::Sqlite(pool) = db.store.backend() else { panic!("sqlite") };
    // every connection of the pool, not only the first
    let mut conns = vec![];
    for _ in 0..4 {
        conns.push(pool.acquire().await.unwrap());
    }
    for c in &mut conns {
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut **c).await.unwrap();
        assert_eq!(sync, 2, "synchronous = FULL");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut **c).await.unwrap();
        assert_eq!(mode, "wal");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn database_files_are_created_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let store = store.attach_audit_key(vigil_store::audit_key::AuditKey::generate()).await.unwrap();
    // a write through the pool, so the WAL and shared-memory files exist
    store.add_webhook("admin", "http://10.0.0.1/h", "json").await.unwrap();
    let mut seen = 0;
    for suffix in ["", "-wal", "-shm"] {
        let f = dir.path().join(format!("new.db{suffix}"));
        if let Ok(m) = std::fs::metadata(&f) {
            assert_eq!(m.permissions().mode() & 0o777, 0o600, "{}", f.display());
            seen += 1;
        }
    }
    assert!(seen >= 2, "the database file and its WAL");
    store.close().await;
    // an existing file keeps the permissions it has
    let old = dir.path().join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
    Store::connect(&format!("sqlite://{}", old.display())).await.unwrap().close().await;
    assert_eq!(std::fs::metadata(&old).unwrap().permissions().mode() & 0o777, 0o640);
}
