//! Vigil's store: incidents and admin areas on SQLite (the embedded default) or
//! PostgreSQL (a shared server), behind one [`Store`] type.
//!
//! Both backends run the same SQL wherever the dialects agree (sqlx accepts `$1`
//! placeholders on SQLite too); they part only where speed needs it: an import
//! writes through a rusqlite connection of its own on SQLite (one prepared row
//! `INSERT`, see `sqlite_import`) and by `COPY` into a staging table, merged set-wise,
//! on PostgreSQL (`pg_import`); both are fed by the reader thread of `import_rows`.
//! Schemas live in `migrations/sqlite` and `migrations/postgres` and are applied on
//! connect.
//!
//! Modules: [`incidents`] (import, queries, stats), [`boundaries`] (admin areas and
//! re-assignment), [`forecasts`] (published forecast runs), [`footprint`] (footprint sites and scenarios), [`placement`] (grid and
//! admin codes for a point), `extras` (how
//! the source-specific columns of an incident are stored), [`reports`] (intake and
//! reading of field reports), [`triage`] (duplicate suggestions, verify / merge /
//! discard), [`incident_records`] (incidents with Vigil's fields, paging), [`places`]
//! (the towns gazetteer), [`alerts`] (alerts, responses, the webhook outbox),
//! [`accounts`] and [`account_admin`], [`access`] (who may read what), [`audit`] with
//! [`audit_key`], [`audit_rows`] and [`audit_verify`] (the keyed chain),
//! [`vocab`] (the store's coded types against the model's vocabulary). All of
//! Vigil's SQL is in this crate.

pub mod access;
pub mod account_admin;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod audit_key;
pub mod device_cookies;
pub mod audit_rows;
pub mod audit_verify;
pub mod boundaries;
pub mod corrections;
mod extras;
pub mod fieldnet;
mod import_rows;
pub mod footprint;
pub mod forecasts;
pub mod incident_map;
pub mod incident_records;
pub mod incidents;
pub mod movement;
pub mod odk;
pub mod parameters;
mod pg_import;
pub mod placement;
pub mod places;
pub mod report_client_id;
pub mod reports;
pub mod rights;
pub mod rights_key;
mod synthetic;
mod sqlite_import;
pub mod triage;
pub mod vocab;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub use boundaries::BoundaryReport;
pub use incidents::{ImportOptions, ImportReport, StatKey, StatRow};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL `{0}` is not understood: use sqlite://PATH or postgres://USER:PASS@HOST/DB")]
    BadUrl(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// from the SQLite import's own connection (rusqlite), with what it was doing
    #[error("database error {what}: {source}")]
    Sqlite { what: &'static str, source: rusqlite::Error },
    #[error("could not apply the schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Read(#[from] vigil_ingest::ReadError),
    #[error(transparent)]
    Boundary(#[from] vigil_geo::BoundaryError),
    #[error("writing {what}: {source}")]
    Write { what: String, source: std::io::Error },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("import cancelled")]
    Cancelled,
    #[error("no audit key loaded: nothing is written to the audit log without it ([audit] key_file in vigil.toml, or VIGIL_AUDIT_KEY_FILE)")]
    NoAuditKey,
    #[error(transparent)]
    AuditKey(#[from] audit_key::AuditKeyError),
}

impl From<csv::Error> for StoreError {
    fn from(e: csv::Error) -> Self {
        StoreError::Write { what: "CSV".into(), source: std::io::Error::other(e) }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The connection pool of whichever backend the URL named.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Run the same code against whichever pool the store holds. The body is compiled
/// once per backend, so queries that differ only in their pool type are written once.
#[macro_export]
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.backend() {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// The store. Cheap to clone (pools are reference-counted).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    /// how the SQLite import opens its own connection to the same database
    sqlite: Option<sqlite_import::SqliteTarget>,
    /// stored extras values, as far as read (topped up per query: see `extras`)
    extra_values: std::sync::Arc<std::sync::Mutex<std::sync::Arc<extras::ValueDict>>>,
    /// the key audit entries are MAC'd with (never stored in the database)
    audit_key: Option<std::sync::Arc<audit_key::AuditKey>>,
    /// the key restricted human-rights records are sealed with (never stored in the database)
    rights_key: Option<std::sync::Arc<rights_key::RightsKey>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Create a missing database file readable and writable by its owner only (0600)
/// before SQLite opens it: the records in it are not for other accounts on the
/// machine. SQLite gives the `-wal`, `-shm` and `-journal` files it makes beside it
/// the main file's permissions. An existing file keeps its own.
fn create_private(path: &std::path::Path) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Write { what: format!("database file {}", path.display()), source }),
    }
}

impl Store {
    /// Connect to `sqlite://PATH` (created if missing) or `postgres://…`, and bring
    /// the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let mut sqlite = None;
        let backend = if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.into()));
            }
            let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|_| StoreError::BadUrl(url.into()))?
                .create_if_missing(true)
                // 16 KiB pages for a new file (an existing one keeps its own): a bulk
                // import writes a quarter of the pages and makes a quarter of the write
                // calls it would with the default 4 KiB
                .page_size(16384)
                // WAL + FULL: the WAL is synced at every commit, so a committed
                // transaction (a report acknowledged with 201) survives a power cut,
                // not only a process kill (NORMAL syncs at checkpoints only); a killed
                // import leaves no trace because it never committed.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // temp_store stays on disk: rebuilding indexes after a 10M-row import
                // sorts in temporary storage, which in memory grew the process to 680 MB
                .pragma("cache_size", "-65536");
            let (name, params) = path.split_once('?').unwrap_or((path, ""));
            let in_memory = name == ":memory:" || params.split('&').any(|p| p == "mode=memory");
            if !in_memory {
                create_private(opts.get_filename())?;
            }
            sqlite = Some(sqlite_import::SqliteTarget {
                filename: opts.get_filename().to_path_buf(),
                in_memory,
            });
            let pool = SqlitePoolOptions::new().max_connections(4).connect_with(opts).await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.into()))?;
            let pool = PgPoolOptions::new().max_connections(8).connect_with(opts).await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(url.into()));
        };
        Ok(Store { backend, sqlite, extra_values: Default::default(), audit_key: None, rights_key: None })
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub(crate) fn sqlite_target(&self) -> Option<sqlite_import::SqliteTarget> {
        self.sqlite.clone()
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}
