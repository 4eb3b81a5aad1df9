//! Human-rights records in the store, on both backends: restricted records sealed at
//! rest (a copied database holds no victim's name), a lost or wrong key is an error,
//! reads audited, investigations limited to their team, custody entries, HRDDP rows.

use vigil_store::access::Principal;
use vigil_store::accounts::{Role, User};
use vigil_store::rights::{CaseRow, Investigation, InvestigationFile, Mission, Restricted, RightsStoreError};
use vigil_store::rights_key::RightsKey;
use vigil_testkit::both_backends;

const NAME: &str = "Synthetic Victimname Zeta";
const WITNESS: &str = "Synthetic Witnessname Omega";

fn who(name: &str, role: Role, granted: bool) -> Principal {
    Principal {
        user: User { id: 1, name: name.into(), role, disabled: false, restricted_access: granted },
        restricted_access: granted,
    }
}

fn case() -> CaseRow {
    CaseRow {
        id: 0,
        title: "SYNTHETIC killing near a well".into(),
        date: "2022-08-14".into(),
        place: Some("Synthetic town".into()),
        latitude: None,
        longitude: None,
        admin1: Some("ML07".into()),
        admin2: None,
        perpetrator: "national_forces".into(),
        armed_group: None,
        unit: Some("Synthetic Battalion 3".into()),
        acts: serde_json::json!([{"act_type": "killing", "victims": {"man": 1, "woman": 1}}]),
        status: "alleged".into(),
        status_by: String::new(),
        status_at: String::new(),
        synthetic: true,
        created_by: String::new(),
        created_at: String::new(),
        links: vec![],
    }
}

fn victims() -> Vec<Restricted> {
    vec![
        Restricted {
            id: 0,
            kind: "victim".into(),
            data: serde_json::json!({"name": NAME, "group": "woman", "consent": true}),
        },
        Restricted {
            id: 0,
            kind: "witness".into(),
            data: serde_json::json!({"name": WITNESS, "protection_concerns": "threatened"}),
        },
    ]
}

async fn keyed(store: vigil_store::Store) -> (vigil_store::Store, RightsKey) {
    let k = RightsKey::generate();
    (store.attach_rights_key(k.clone()).await.expect("key attached"), k)
}

both_backends!(restricted_records_are_sealed_and_reads_audited, |db| {
    let (store, key) = keyed(db.store.clone()).await;
    let hr = who("hr1", Role::HrOfficer, false);
    let id = store.create_case(&hr, &case(), &victims()).await.unwrap();

    // hr_officer opens the case: names come back, the read is in the audit log
    let d = store.case_for(&hr, id).await.unwrap().unwrap();
    assert_eq!(d.restricted.len(), 2);
    assert_eq!(d.restricted[0].data["name"], NAME);
    assert_eq!(d.history[0].status, "alleged");
    let log = store.audit_for(&[format!("case/{id}")]).await.unwrap();
    let reads: Vec<_> = log.iter().filter(|e| e.action == "read_restricted").map(|e| e.actor.as_str()).collect();
    assert_eq!(reads, ["hr1"]);
    assert!(!serde_json::to_string(&log).unwrap().contains("Victimname"), "names never go into the audit log");

    // an analyst and an admin without the grant get nothing; an account with the grant does
    for p in [who("an1", Role::Analyst, false), who("adm", Role::Admin, false), who("pl", Role::Planner, false)] {
        assert!(matches!(store.case_for(&p, id).await, Err(RightsStoreError::Forbidden(_))), "{:?}", p.role());
        assert!(matches!(store.cases_for(&p).await, Err(RightsStoreError::Forbidden(_))));
        assert!(store.create_case(&p, &case(), &[]).await.is_err());
    }
    let granted = who("adm2", Role::Admin, true);
    assert_eq!(store.case_for(&granted, id).await.unwrap().unwrap().restricted.len(), 2);
    let log = store.audit_for(&[format!("case/{id}")]).await.unwrap();
    let reads: Vec<_> = log.iter().filter(|e| e.action == "read_restricted").map(|e| e.actor.as_str()).collect();
    assert_eq!(reads, ["hr1", "adm2"]);

    // no restricted plaintext in the database
    if db.url.starts_with("sqlite") {
        store.close().await;
        let path = db.url.trim_start_matches("sqlite://");
        let mut bytes = std::fs::read(path).unwrap();
        for ext in ["-wal", "-journal"] {
            if let Ok(b) = std::fs::read(format!("{path}{ext}")) {
                bytes.extend(b);
            }
        }
        assert!(bytes.windows(b"Synthetic town".len()).any(|w| w == b"Synthetic town"), "the check reads the file");
        for secret in [NAME, WITNESS, "threatened"] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in the copied file");
        }
    } else {
        let vigil_store::Backend::Postgres(pool) = store.backend() else { unreachable!() };
        let mut all = String::new();
        for t in ["hr_cases", "hr_restricted", "hr_investigations", "audit_log", "hr_key_check"] {
            let rows: Vec<Option<String>> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT t::text FROM {t} t")))
                    .fetch_all(pool)
                    .await
                    .unwrap();
            all.extend(rows.into_iter().flatten());
        }
        assert!(all.contains("Synthetic town"));
        assert!(!all.contains(NAME) && !all.contains(WITNESS) && !all.contains("threatened"));
        assert!(!all.contains(&key.to_hex()), "the key is not in the database");
    }

    // a store opened without the key: a clear error, never an empty list of victims
    let again = vigil_store::Store::connect(&db.url).await.unwrap().attach_audit_key(db.key.clone()).await.unwrap();
    let e = again.case_for(&hr, id).await.unwrap_err();
    assert!(matches!(e, RightsStoreError::NoKey), "{e}");
    assert!(e.to_string().contains("[rights] key_file"));
    // the wrong key is refused by name before anything is read
    let e = again.clone().attach_rights_key(RightsKey::generate()).await.unwrap_err();
    assert!(matches!(e, RightsStoreError::WrongKey { .. }), "{e}");
    let right = again.attach_rights_key(key).await.unwrap();
    assert_eq!(right.case_for(&hr, id).await.unwrap().unwrap().restricted[1].data["name"], WITNESS);
});

both_backends!(status_links_investigations_and_custody, |db| {
    let (store, _key) = keyed(db.store.clone()).await;
    let hr = who("hr1", Role::HrOfficer, false);
    let mut c = case();
    c.links = vec![("report".into(), 999)];
    assert!(matches!(store.create_case(&hr, &c, &[]).await, Err(RightsStoreError::NotFound(m)) if m == "report 999"));
    let id = store.create_case(&hr, &case(), &[]).await.unwrap();
    store.set_case_status(&hr, id, "alleged", "under_verification").await.unwrap();
    assert!(matches!(store.set_case_status(&hr, id, "alleged", "verified").await, Err(RightsStoreError::Conflict(_))));
    store.set_case_status(&hr, id, "under_verification", "verified").await.unwrap();
    let d = store.case_for(&hr, id).await.unwrap().unwrap();
    assert_eq!(d.case.status, "verified");
    assert_eq!(d.case.status_by, "hr1");
    assert_eq!(
        d.history.iter().map(|s| s.status.as_str()).collect::<Vec<_>>(),
        ["alleged", "under_verification", "verified"]
    );

    let inv = Investigation {
        id: 0,
        title: "SYNTHETIC special investigation".into(),
        team: vec!["hr1".into()],
        team_only: true,
        opened_on: "2022-09-01".into(),
        published_on: None,
        synthetic: true,
        case_ids: vec![id],
        missions: vec![Mission {
            id: 0,
            start_date: "2022-09-05".into(),
            end_date: "2022-09-07".into(),
            place: "Synthetic town".into(),
            access: "denied".into(),
        }],
        file: Some(InvestigationFile {
            terms_of_reference: "ToR".into(),
            findings: format!("{NAME} was seen"),
            recommendations: "R".into(),
        }),
    };
    let iid = store.create_investigation(&hr, &inv).await.unwrap();
    let other_hr = who("hr2", Role::HrOfficer, false);
    assert!(store.investigations_for(&other_hr).await.unwrap().is_empty(), "limited to its team");
    assert!(store.investigation_for(&other_hr, iid).await.unwrap().is_none());
    let got = store.investigation_for(&hr, iid).await.unwrap().unwrap();
    assert_eq!(got.file.unwrap().findings, format!("{NAME} was seen"));
    assert_eq!(got.missions[0].access, "denied");
    assert_eq!(got.case_ids, [id]);
    store.update_investigation(&hr, iid, None, &[], Some("2022-12-01")).await.unwrap();
    assert_eq!(store.investigations_for(&hr).await.unwrap()[0].published_on.as_deref(), Some("2022-12-01"));
    let reads = store.audit_for(&[format!("investigation/{iid}")]).await.unwrap();
    assert!(reads.iter().any(|e| e.action == "read_restricted" && e.actor == "hr1"));

    let ev = store.add_evidence(&hr, id, "photo.jpg", "/evidence/1", "ab12", 4).await.unwrap();
    store.custody("hr1", ev, "transferred", Some("ab12"), Some("to the OHCHR office")).await.unwrap();
    let cust = store.custody_of(ev).await.unwrap();
    assert_eq!(cust.iter().map(|c| c.action.as_str()).collect::<Vec<_>>(), ["received", "transferred"]);
});
