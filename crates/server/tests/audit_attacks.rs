//! Rewriting the audit log by someone who can write to the database but does not
//! hold the audit key: each of the five rewrites, a swap of two entries, and a
//! report changed behind the application's back are caught by verification against
//! a checkpoint taken earlier, and named. On both backends.

use axum::http::Method;
use serde_json::json;
use vigil_store::accounts::Role::*;
use vigil_store::audit::{entry_mac, Tamper, GENESIS};
use vigil_store::audit_key::{AuditKey, Checkpoint};

mod common;
use common::{TestApp, TestDb};

async fn exec(db: &TestDb, sql: &str) {
    vigil_store::on_pool!(db.store, p => { sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(p).await.unwrap(); });
}

/// 6 users, 6 logins and 3 reports (15 entries), a checkpoint of that head, then 2
/// more reports (17 entries). Graded C3 so that no alert rule adds entries.
async fn logged(db: &TestDb) -> (TestApp, Vec<(usize, Checkpoint)>) {
    let t = TestApp::new(&db.store, false).await;
    for _ in 0..3 {
        t.report(Reporter, json!({"reliability": "C", "credibility": 3})).await;
    }
    let cp = db.store.audit_checkpoint(&[]).await.unwrap().expect("an intact log is checkpointed");
    assert_eq!((cp.seq, cp.count), (15, 15));
    for _ in 0..2 {
        t.report(Reporter, json!({"reliability": "C", "credibility": 3})).await;
    }
    let v = db.store.verify_audit(&[(1, cp.clone())]).await.unwrap();
    assert!(v.ok() && v.entries == 17, "{v:?}");
    (t, vec![(1, cp)])
}

type Row = (i64, String, String, String, String, Option<String>, Option<String>, String, String, Option<String>);

async fn rows(db: &TestDb) -> Vec<Row> {
    vigil_store::on_pool!(db.store, p => {
        sqlx::query_as(
            "SELECT seq, at, actor, action, entity, before_json, after_json, prev_hash, hash, row_mac FROM audit_log ORDER BY seq",
        )
        .fetch_all(p)
        .await
        .unwrap()
    })
}

/// What the attacker can do without the key: re-chain entries `from` onward with a
/// key of their own, writing every entry and the head back.
async fn rechain_from(db: &TestDb, from: i64) {
    let forger = AuditKey::generate();
    let rows = rows(db).await;
    let mut prev = rows.iter().find(|r| r.0 == from - 1).map(|r| r.8.clone()).unwrap_or(GENESIS.into());
    for r in rows.iter().filter(|r| r.0 >= from) {
        let mac = entry_mac(&forger, &prev, &r.1, &r.2, &r.3, &r.4, r.5.as_deref(), r.6.as_deref(), r.9.as_deref());
        vigil_store::on_pool!(db.store, p => {
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                .bind(&prev).bind(&mac).bind(r.0).execute(p).await.unwrap();
        });
        prev = mac;
    }
    let last = rows.last().map(|r| r.0).unwrap_or(0);
    vigil_store::on_pool!(db.store, p => {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(last).bind(&prev).execute(p).await.unwrap();
    });
}

async fn problems(db: &TestDb, cps: &[(usize, Checkpoint)]) -> Vec<Tamper> {
    db.store.verify_audit(cps).await.unwrap().problems
}

// (a) The tail is cut and the head fixed to the new last entry.
both_backends!(truncated_tail_with_fixed_head, |db| {
    let (_t, cps) = logged(&db).await;
    exec(&db, "DELETE FROM audit_log WHERE seq > 10").await;
    exec(&db, "UPDATE audit_head SET seq = 10, hash = (SELECT hash FROM audit_log WHERE seq = 10) WHERE id = 1").await;
    let p = problems(&db, &cps).await;
    assert!(p.contains(&Tamper::CheckpointMissing { line: 1, seq: 15, last_seq: 10 }), "{p:?}");
    // the reports whose creation was cut have no audited state any more
    assert!(p.contains(&Tamper::RowUnaudited { entity: "report/5".into() }), "{p:?}");
});

// (b) An entry is edited and every entry from it on re-chained.
both_backends!(edited_and_rechained_to_the_end, |db| {
    let (_t, cps) = logged(&db).await;
    exec(&db, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 13").await;
    rechain_from(&db, 13).await;
    let p = problems(&db, &cps).await;
    assert!(p.contains(&Tamper::Edited { seq: 13 }), "{p:?}");
    assert!(p.contains(&Tamper::Edited { seq: 17 }), "{p:?}");
    assert!(p.contains(&Tamper::CheckpointDiffers { line: 1, seq: 15 }), "{p:?}");
    assert!(p[0].to_string().contains("entry 13 was edited"), "{}", p[0]);
});

// (c) An entry is deleted, the later ones renumbered and re-chained.
both_backends!(deleted_renumbered_and_rechained, |db| {
    let (_t, cps) = logged(&db).await;
    exec(&db, "DELETE FROM audit_log WHERE seq = 8").await;
    for seq in 9..=17 {
        exec(&db, &format!("UPDATE audit_log SET seq = {} WHERE seq = {seq}", seq - 1)).await;
    }
    rechain_from(&db, 8).await;
    let p = problems(&db, &cps).await;
    assert!(p.contains(&Tamper::Edited { seq: 8 }), "{p:?}");
    assert!(!p.iter().any(|t| matches!(t, Tamper::Removed { .. })), "numbers were closed up: {p:?}");
    assert!(p.contains(&Tamper::CheckpointDiffers { line: 1, seq: 15 }), "{p:?}");
});

// (d) Everything is wiped and the head reset to the start.
both_backends!(wiped_and_head_reset, |db| {
    let (_t, cps) = logged(&db).await;
    exec(&db, "DELETE FROM audit_log").await;
    exec(&db, &format!("UPDATE audit_head SET seq = 0, hash = '{GENESIS}' WHERE id = 1")).await;
    let p = problems(&db, &cps).await;
    assert!(p.contains(&Tamper::CheckpointMissing { line: 1, seq: 15, last_seq: 0 }), "{p:?}");
    let v = db.store.verify_audit(&cps).await.unwrap();
    assert_eq!(v.entries, 0);
});

// (e) A forged entry is appended and the head moved to it.
both_backends!(forged_entry_appended, |db| {
    let (_t, cps) = logged(&db).await;
    let last = rows(&db).await.pop().unwrap();
    let forger = AuditKey::generate();
    let after = json!({"status": "discarded"}).to_string();
    let at = "2030-01-01T00:00:00.000Z";
    let mac = entry_mac(&forger, &last.8, at, "admin", "discard", "report/1", None, Some(&after), None);
    vigil_store::on_pool!(db.store, p => {
        sqlx::query("INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash) \
                     VALUES (18, $1, 'admin', 'discard', 'report/1', NULL, $2, $3, $4)")
            .bind(at).bind(&after).bind(&last.8).bind(&mac).execute(p).await.unwrap();
        sqlx::query("UPDATE audit_head SET seq = 18, hash = $1 WHERE id = 1").bind(&mac).execute(p).await.unwrap();
    });
    assert_eq!(problems(&db, &cps).await, vec![Tamper::Edited { seq: 18 }]);
});

// Two entries trade places: exactly those two are named.
both_backends!(swap_names_the_two_entries, |db| {
    let (t, cps) = logged(&db).await;
    exec(&db, "UPDATE audit_log SET seq = -4 WHERE seq = 4").await;
    exec(&db, "UPDATE audit_log SET seq = 4 WHERE seq = 5").await;
    exec(&db, "UPDATE audit_log SET seq = 5 WHERE seq = -4").await;
    let p = problems(&db, &cps).await;
    assert_eq!(p, vec![Tamper::Swapped { first: 4, second: 5 }]);
    assert_eq!(p[0].to_string(), "entries 4 and 5 were swapped");
    let (_, r) = t.as_role(Admin, Method::GET, "/api/audit/verify", None).await;
    assert_eq!(r["ok"], false);
});

// A report row and a report's restricted row changed outside the application are
// named; the untouched reports are not.
both_backends!(report_changed_out_of_band_is_named, |db| {
    let (_t, cps) = logged(&db).await;
    exec(&db, "UPDATE reports SET description = 'nothing happened' WHERE id = 2").await;
    exec(&db, "UPDATE report_restricted SET victims = 'someone else' WHERE report_id = 4").await;
    let p = problems(&db, &cps).await;
    assert_eq!(
        p,
        vec![Tamper::RowChanged { entity: "report/2".into() }, Tamper::RowChanged { entity: "report/4".into() }]
    );
    assert!(p[0].to_string().contains("report/2 differs from its last audited state"));
    // a report slipped in by SQL has no audit entry at all
    exec(
        &db,
        "INSERT INTO reports (received_at, reporter_id, channel, category, occurred_at, occurred_date, description, reliability, credibility) \
         SELECT received_at, reporter_id, channel, category, occurred_at, occurred_date, 'planted', reliability, credibility FROM reports WHERE id = 1",
    )
    .await;
    let p = problems(&db, &cps).await;
    assert!(p.contains(&Tamper::RowUnaudited { entity: "report/6".into() }), "{p:?}");
});

// Without the key nothing is written and nothing verified; a checkpoint from another
// key is refused.
both_backends!(the_key_is_required, |db| {
    let (_t, cps) = logged(&db).await;
    let keyless = vigil_store::Store::connect(&db.url).await.unwrap();
    let e = keyless.audit_record("x", "y", "z", None).await.unwrap_err();
    assert!(e.to_string().contains("no audit key loaded"), "{e}");
    let other = vigil_store::Store::connect(&db.url).await.unwrap().attach_audit_key(AuditKey::generate()).await.unwrap();
    let v = other.verify_audit(&cps).await.unwrap();
    assert!(v.problems.contains(&Tamper::CheckpointUnsigned { line: 1 }), "{v:?}");
    assert!(v.problems.contains(&Tamper::Edited { seq: 1 }), "{v:?}");
});
