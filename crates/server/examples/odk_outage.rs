//! Issue 19's outage simulation, ODK half: 1,000 forms filled by a simulated ODK
//! Collect while the server is unreachable, sent when the link comes back, every
//! 10th answer lost and the form sent again; prints the figures and fails unless all
//! 1,000 are stored exactly once. SQLite by default; PostgreSQL when
//! `VIGIL_TEST_POSTGRES` is set (as for the tests).
//!
//!     cargo run -p vigil-server --example odk_outage [-- FORMS [LOSE_EVERY]]

#[path = "../tests/odk_outage.rs"]
mod sim;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let lose_every: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let db = match vigil_testkit::postgres().await {
        Some(db) => {
            println!("backend: PostgreSQL");
            db
        }
        None => {
            println!("backend: SQLite");
            vigil_testkit::sqlite().await
        }
    };
    let f = sim::simulate(db.store.clone(), n, lose_every).await;
    sim::print_figures(&f);
    assert_eq!(f.distinct_instances_stored, n as i64, "a form was lost");
    assert_eq!(f.reports_stored, n as i64, "a form was stored twice");
    println!("OK: {n} forms, all stored once");
}
