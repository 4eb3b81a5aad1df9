//! The store tests' fixtures; fresh stores on both backends come from `vigil-testkit`.

#![allow(dead_code)]

use vigil_store::Store;

#[allow(unused_imports)] // each test file uses a different part
pub use vigil_testkit::{load_mali_boundaries, postgres, repo, sqlite, TestDb};

/// `vigil_testkit::both_backends!`, in scope for every test file of this crate.
#[macro_export]
macro_rules! both_backends {
    ($($t:tt)*) => { vigil_testkit::both_backends!($($t)*); };
}

/// Import CSV text (named `name` in errors) with the default options.
pub async fn import_text(
    store: &Store,
    text: &str,
    name: &str,
) -> vigil_store::Result<vigil_store::ImportReport> {
    let r =
        vigil_ingest::IncidentReader::from_reader(std::io::Cursor::new(text.to_string()), name)?;
    store
        .import_incidents(r, vigil_store::ImportOptions::default(), &|_| {})
        .await
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
