//! A field report to an issued alert through the use cases alone (no HTTP): the
//! report is stored, the report rule fires, the alert is raised as a draft, a second
//! report of the same situation updates it instead of raising another, two reports
//! arriving together still make one alert, and issuing publishes CAP. On SQLite and
//! PostgreSQL.

use vigil_app::{alerts, reports, AppError, AlertingConfig, Context};
use vigil_store::accounts::{Role, User};
use vigil_store::reports::{NewReport, RestrictedDetail};
use vigil_testkit::both_backends;
use vigil_warn::AlertStatus;

/// A report graded B2 of armed men attacking a market (the built-in
/// `report-reliable-threat` rule's keywords), at `lat`, `lon`.
fn report(lat: f64, lon: f64, text: &str) -> NewReport {
    NewReport {
        channel: "api".into(),
        category: "attack_on_civilians".into(),
        occurred_at: "2024-03-02".into(),
        occurred_date: chrono::NaiveDate::from_ymd_opt(2024, 3, 2).unwrap(),
        place_name: Some("market".into()),
        latitude: Some(lat),
        longitude: Some(lon),
        town_id: None,
        people_affected: Some(12),
        description: text.into(),
        reliability: "B".into(),
        credibility: 2,
        language: Some("fr".into()),
        restricted: RestrictedDetail::default(),
        content_type: "application/json".into(),
        raw_body: text.as_bytes().to_vec(),
        attachments: vec![],
        client: None,
        received_at: None,
    }
}

async fn user(cx: &Context, name: &str, role: Role) -> User {
    cx.store.add_user("test", name, role, "a long enough test password").await.unwrap()
}

both_backends!(a_report_becomes_an_issued_alert_without_http, |db| {
    let cx = Context::new(db.store.clone(), &AlertingConfig::default()).unwrap();
    let reporter = user(&cx, "field1", Role::Reporter).await;
    let analyst = user(&cx, "analyst1", Role::Analyst).await;

    let first = reports::submit_report(&cx, &reporter, report(14.53, -4.10, "Hommes armés ont attaqué le marché de Sévaré"))
        .await
        .unwrap();
    let open = cx.store.alerts(&[], None).await.unwrap();
    assert_eq!(open.len(), 1, "one alert raised: {open:?}");
    let alert = &open[0];
    assert_eq!(alert.rule_id, "report-reliable-threat");
    assert_eq!(alert.status, "draft");
    let triggers = cx.store.alert_triggers(alert.id).await.unwrap();
    assert_eq!(triggers.len(), 1);
    assert_eq!((triggers[0].kind.as_str(), triggers[0].target_id), ("report", Some(first.id)));
    assert!(cx.store.cap_messages(alert.id).await.unwrap().is_empty(), "a draft publishes nothing");

    // the same situation again, 2 km away: the open alert absorbs it
    reports::submit_report(&cx, &reporter, report(14.55, -4.09, "Des hommes armés menacent les habitants")).await.unwrap();
    let open = cx.store.alerts(&[], None).await.unwrap();
    assert_eq!(open.len(), 1, "deduplicated: {open:?}");
    assert_eq!(open[0].doc["firings"], 2);
    assert_eq!(cx.store.alert_triggers(alert.id).await.unwrap().len(), 2);

    // two reports of a new situation (Gao, 600 km away) arriving together: one alert
    let (a, b) = tokio::join!(
        reports::submit_report(&cx, &reporter, report(16.27, -0.04, "Attaque contre un village près de Gao")),
        reports::submit_report(&cx, &reporter, report(16.28, -0.05, "Hommes armés à l'entrée de Gao")),
    );
    a.unwrap();
    b.unwrap();
    let open = cx.store.alerts(&[], None).await.unwrap();
    assert_eq!(open.len(), 2, "one more alert, not two: {open:?}");
    let gao = open.iter().find(|s| s.id != alert.id).unwrap();
    assert_eq!(gao.doc["firings"], 2);

    // an analyst issues the first alert: CAP is published and the step audited
    let issued = alerts::issue(&cx, alert.id, &analyst.name, Some("confirmed by patrol".into())).await.unwrap();
    assert_eq!(issued.status, "issued");
    assert!(issued.issued_at.is_some());
    let cap = cx.store.cap_messages(alert.id).await.unwrap();
    assert_eq!(cap.len(), 1);
    assert_eq!(cap[0].msg_type, "Alert");
    let xml = alerts::cap_xml(&cx, alert.id).await.unwrap().expect("published");
    assert!(xml.contains("<msgType>Alert</msgType>"), "{xml}");
    let changes = cx.store.alert_status_changes(Some(alert.id)).await.unwrap();
    assert_eq!(changes.last().map(|(_, c)| (c.to.as_str(), c.actor.as_str())), Some(("issued", "analyst1")));
    assert!(cx.store.audit_entries(None).await.unwrap().iter().any(|e| e.actor == "analyst1"));

    // issuing twice is refused, and the alert stays as it was
    let again = alerts::transition(&cx, alert.id, AlertStatus::Issued, &analyst.name, None).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    assert_eq!(cx.store.cap_messages(alert.id).await.unwrap().len(), 1);
    // an unknown alert is named
    let missing = alerts::issue(&cx, 999, &analyst.name, None).await;
    assert!(matches!(&missing, Err(AppError::NotFound(m)) if m == "alert 999 not found"), "{missing:?}");
});
