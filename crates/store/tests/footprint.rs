//! Footprint sites and scenarios: audited writes, copies, edits, and a dangling
//! reference refused with nothing half-saved, on both backends.

mod common;

use serde_json::json;
use vigil_store::footprint::{FootprintStoreError, ScenarioRecord, StoredChange, StoredSite};

fn site(id: &str, lat: f64) -> StoredSite {
    StoredSite {
        id: id.into(),
        name: id.to_uppercase(),
        kind: "camp".into(),
        sector: "East".into(),
        latitude: lat,
        longitude: 0.5,
        status: "active".into(),
        site: json!({"id": id, "lat": lat, "units": []}),
    }
}

fn change(kind: &str, refs: &[&str], defines: Option<&str>) -> StoredChange {
    StoredChange {
        kind: kind.into(),
        change: json!({"type": kind, "refs": refs}),
        refs: refs.iter().map(|s| s.to_string()).collect(),
        defines: defines.map(str::to_string),
    }
}

fn scenario(id: &str, based_on: Option<&str>, changes: Vec<StoredChange>) -> ScenarioRecord {
    ScenarioRecord {
        id: id.into(),
        title: format!("Scenario {id}"),
        based_on: based_on.map(str::to_string),
        description: String::new(),
        source: "§68".into(),
        changes,
    }
}

both_backends!(footprint_scenarios_round_trip_and_audit, |db| {
    let s = &db.store;
    assert_eq!(s.load_footprint_sites("demo", &[site("gao", 16.27), site("kidal", 18.44)]).await.unwrap(), (2, 0));
    // loading the same again changes nothing and writes no audit entry
    assert_eq!(s.load_footprint_sites("demo", &[site("gao", 16.27), site("kidal", 18.44)]).await.unwrap(), (0, 0));
    assert_eq!(s.load_footprint_sites("demo", &[site("gao", 16.3)]).await.unwrap(), (0, 1));
    assert_eq!(s.footprint_sites().await.unwrap().iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["gao", "kidal"]);

    let shipped =
        scenario("1a", None, vec![change("close_site", &["kidal"], None), change("add_unit", &["gao"], None)]);
    assert_eq!(s.save_footprint_scenario("demo", &shipped, None, true).await.unwrap(), 1);
    // a shipped option is not edited in place
    let e = s.save_footprint_scenario("planner", &shipped, Some(1), false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::Shipped(ref id) if id == "1a"), "{e}");
    // a copy: same changes plus a new site and a change on it
    let mut copy = scenario(
        "1a-bis",
        Some("1a"),
        vec![
            change("close_site", &["kidal"], None),
            change("add_site", &[], Some("anefis")),
            change("move_unit", &["gao", "anefis"], None),
        ],
    );
    assert_eq!(s.save_footprint_scenario("planner", &copy, None, false).await.unwrap(), 1);
    let e = s.save_footprint_scenario("planner", &copy, None, false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::Exists(_)), "{e}");
    copy.title = "Bourem helicopters at Anéfis".into();
    copy.changes.pop();
    assert_eq!(s.save_footprint_scenario("planner", &copy, Some(1), false).await.unwrap(), 2);
    // an edit made on an old version is refused
    let e = s.save_footprint_scenario("planner", &copy, Some(1), false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::Conflict { expected: 1, actual: 2, .. }), "{e}");

    let got = s.footprint_scenario("1a-bis").await.unwrap().unwrap();
    assert_eq!(
        (got.record.title.as_str(), got.version, got.shipped, got.created_by.as_str()),
        ("Bourem helicopters at Anéfis", 2, false, "planner")
    );
    assert_eq!(got.record.changes, copy.changes);
    assert_eq!(got.record.based_on.as_deref(), Some("1a"));
    let all = s.footprint_scenarios().await.unwrap();
    assert_eq!(all.iter().map(|x| x.record.id.as_str()).collect::<Vec<_>>(), ["1a", "1a-bis"]);

    let audit: Vec<_> =
        s.audit_entries(None).await.unwrap().into_iter().filter(|e| e.entity.starts_with("footprint_")).collect();
    assert_eq!(
        audit.iter().map(|e| (e.actor.as_str(), e.action.as_str(), e.entity.as_str())).collect::<Vec<_>>(),
        [
            ("demo", "load", "footprint_site/gao"),
            ("demo", "load", "footprint_site/kidal"),
            ("demo", "load", "footprint_site/gao"),
            ("demo", "create", "footprint_scenario/1a"),
            ("planner", "copy", "footprint_scenario/1a-bis"),
            ("planner", "update", "footprint_scenario/1a-bis"),
        ]
    );
    // the update's entry holds what was there before and after
    let last = audit.last().unwrap();
    assert_eq!(last.before.as_ref().unwrap()["changes"].as_array().unwrap().len(), 3);
    assert_eq!(last.after.as_ref().unwrap()["changes"].as_array().unwrap().len(), 2);
    assert!(s.verify_audit(&[]).await.unwrap().problems.is_empty());
});

both_backends!(footprint_dangling_reference_refused_nothing_saved, |db| {
    let s = &db.store;
    s.load_footprint_sites("demo", &[site("gao", 16.27)]).await.unwrap();
    let before = s.audit_entries(None).await.unwrap().len();
    // the new site is used before the change that adds it: dangling at change 0
    let bad = scenario(
        "x",
        None,
        vec![change("move_unit", &["gao", "anefis"], None), change("add_site", &[], Some("anefis"))],
    );
    let e = s.save_footprint_scenario("planner", &bad, None, false).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "scenario `x`: change 0 refers to site `anefis`, which is neither stored nor added by an earlier change"
    );
    assert!(s.footprint_scenario("x").await.unwrap().is_none());
    // an edit of a good scenario that would dangle leaves the stored one whole
    let good = scenario("y", None, vec![change("close_site", &["gao"], None)]);
    s.save_footprint_scenario("planner", &good, None, false).await.unwrap();
    let worse = scenario("y", None, vec![change("close_site", &["gao"], None), change("open_site", &["bourem"], None)]);
    let e = s.save_footprint_scenario("planner", &worse, Some(1), false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::Dangling { index: 1, ref site, .. } if site == "bourem"), "{e}");
    let y = s.footprint_scenario("y").await.unwrap().unwrap();
    assert_eq!((y.version, y.record.changes.len()), (1, 1));
    // a copy of something that does not exist
    let e = s.save_footprint_scenario("planner", &scenario("z", Some("nope"), vec![]), None, false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::NotFound(ref id) if id == "nope"), "{e}");
    assert_eq!(s.audit_entries(None).await.unwrap().len(), before + 1, "only the good scenario was audited");
    let e = s.save_footprint_scenario("planner", &scenario("bad id!", None, vec![]), None, false).await.unwrap_err();
    assert!(matches!(e, FootprintStoreError::BadId(_)));
});
