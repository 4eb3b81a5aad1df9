//! Movement requests and decisions, attacks, routes, convoys: what is saved comes
//! back the same, each write is audited, a write the schema refuses leaves nothing
//! behind, and records marked restricted are only read when asked for; on both
//! backends.

mod common;

use vigil_store::movement::{NewAttack, NewConvoy, NewDecision, NewMovement, NewRoute};

fn movement(restricted: bool) -> NewMovement {
    NewMovement {
        mode: "air".into(),
        kind: "casevac".into(),
        from_place: "Gao camp".into(),
        to_place: "Ansongo".into(),
        from_pt: Some((-0.04, 16.27)),
        to_pt: (0.5, 15.66),
        route_id: None,
        requested_at: "2022-03-01T08:00:00Z".into(),
        planned_at: "2022-03-01T09:00:00Z".into(),
        asset: "Mi-17".into(),
        sector: "east".into(),
        purpose: "casualty".into(),
        restricted,
        synthetic: false,
    }
}

fn decision(outcome: &str, delay: Option<i64>) -> NewDecision {
    NewDecision {
        outcome: outcome.into(),
        decided_at: Some("2022-03-01T08:30:00Z".into()),
        delay_minutes: delay,
        authority: "air authority".into(),
        reason: "insecurity".into(),
        conditions: None,
    }
}

fn attack(killed: i64) -> NewAttack {
    NewAttack {
        date: "2022-05-01".into(),
        kind: "ied".into(),
        sector: "centre".into(),
        place: "Douentza".into(),
        pt: Some((-2.95, 15.0)),
        unit: "BATT".into(),
        contingent: "X".into(),
        peacekeepers_killed: killed,
        peacekeepers_injured: 2,
        civilians_killed: 0,
        civilians_injured: 1,
        incident_id: None,
        restricted: false,
        synthetic: true,
    }
}

async fn audit_entities(db: &vigil_testkit::TestDb) -> Vec<(String, String)> {
    vigil_store::on_pool!(db.store, p => {
        sqlx::query_as("SELECT action, entity FROM audit_log ORDER BY seq").fetch_all(p).await.unwrap()
    })
}

both_backends!(movement_records_round_trip_audited_and_whole, |db| {
    let s = &db.store;
    // a request with its decision, read back; a replaced decision keeps the old in the audit
    let id = s.add_movement("analyst1", &movement(false), Some(&decision("denied", None))).await.unwrap();
    let got = s.movement(id).await.unwrap().unwrap();
    assert_eq!(got.m, movement(false));
    assert_eq!(got.decision, Some(decision("denied", None)));
    assert!(s.decide_movement("analyst1", id, &decision("delayed", Some(45))).await.unwrap());
    assert_eq!(s.movement(id).await.unwrap().unwrap().decision, Some(decision("delayed", Some(45))));
    assert!(!s.decide_movement("analyst1", 999_999, &decision("granted", None)).await.unwrap());
    let audit = audit_entities(&db).await;
    let mine: Vec<(&str, &str)> =
        audit.iter().filter(|(_, e)| e.starts_with("movement/")).map(|(a, e)| (a.as_str(), e.as_str())).collect();
    let ent = format!("movement/{id}");
    assert_eq!(mine, [("create", ent.as_str()), ("decide", ent.as_str()), ("decide", ent.as_str())]);

    // a decision the schema refuses (negative delay) takes its request with it
    let n = s.movements(true).await.unwrap().len();
    assert!(s.add_movement("analyst1", &movement(false), Some(&decision("delayed", Some(-5)))).await.is_err());
    assert_eq!(s.movements(true).await.unwrap().len(), n, "a request was half-saved without its decision");

    // restricted records only when asked for
    let hidden = s.add_movement("hr1", &movement(true), None).await.unwrap();
    assert!(!s.movements(false).await.unwrap().iter().any(|m| m.id == hidden));
    assert!(s.movements(true).await.unwrap().iter().any(|m| m.id == hidden && m.decision.is_none()));

    // attacks: round trip; a negative count refused by the schema, nothing stored
    let a = s.add_attack("reporter1", &attack(3)).await.unwrap();
    let back = s.attacks(false).await.unwrap();
    assert_eq!((back.len(), back[0].id, &back[0].a), (1, a, &attack(3)));
    assert!(s.add_attack("reporter1", &attack(-1)).await.is_err());
    assert_eq!(s.attacks(true).await.unwrap().len(), 1);

    // routes: a file is stored whole or not at all (a duplicate name fails the lot)
    let r = |name: &str| NewRoute {
        name: name.into(),
        approximate: true,
        note: Some("approximation".into()),
        line: vec![(-0.04, 16.27), (1.41, 18.44)],
        synthetic: false,
    };
    assert!(s.save_routes("analyst1", &[r("A"), r("B"), r("A")]).await.is_err());
    assert!(s.routes().await.unwrap().is_empty(), "part of a refused file was stored");
    let ids = s.save_routes("analyst1", &[r("Gao–Kidal")]).await.unwrap();
    let routes = s.routes().await.unwrap();
    assert_eq!((routes.len(), routes[0].id, &routes[0].route), (1, ids[0], &r("Gao–Kidal")));

    // convoys
    let c = NewConvoy {
        route_id: Some(ids[0]),
        departed_at: "2022-01-01T06:00:00Z".into(),
        arrived_at: Some("2022-01-03T06:00:00Z".into()),
        vehicles: 40,
        escort: "company".into(),
        delay_reason: Some("IED cleared".into()),
        incident_ids: vec![],
        synthetic: true,
    };
    let cid = s.add_convoy("analyst1", &c).await.unwrap();
    let back = s.convoys().await.unwrap();
    assert_eq!((back[0].id, &back[0].c), (cid, &c));
    let audit = audit_entities(&db).await;
    for e in [format!("attack/{a}"), format!("route/{}", ids[0]), format!("convoy/{cid}")] {
        assert!(audit.iter().any(|(act, ent)| act == "create" && *ent == e), "no audit entry for {e}");
    }
});
