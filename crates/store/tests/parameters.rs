//! The parameters' store: milestones, manual values and statuses round-trip with
//! their audit entries; the aggregate queries count hand-made incidents and missions
//! by period, region and type, leave out retracted and hidden ones; on both backends.

mod common;

use common::import_text;
use vigil_store::access::Visibility;
use vigil_store::parameters::{IncidentCount, ManualRow, MilestoneRow};

const HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

/// A synthetic GED row: id, type of violence, date, civilian deaths.
fn row(id: i64, tov: i64, date: &str, civ: i64) -> String {
    format!(
        "{id},MLI-T-{id},{y},1,Clear,{tov},1,1,Mali: test,1,1,A - B,1,1,A,2,2,B,1,SYNTHETIC test row,SYNTHETIC,{date},SYNTHETIC,SYNTHETIC,1,Gao,Gao,Gao region,Gao cercle,16.27,-0.04,POINT (-0.04 16.27),1,Mali,432,Africa,1,1,{date},{date},0,0,{civ},0,{civ},{civ},{civ},432,",
        y = &date[..4]
    )
}

pub fn incidents_csv() -> String {
    let rows = [
        row(1, 3, "2022-10-03", 4),
        row(2, 3, "2022-11-20", 2),
        row(3, 1, "2022-12-31", 0),
        row(4, 2, "2022-09-30", 5), // previous quarter
        row(5, 3, "2022-10-15", 9), // retracted below
        row(6, 3, "2022-10-16", 6), // restricted below
    ];
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

async fn exec(db: &vigil_testkit::TestDb, sql: &'static str) {
    vigil_store::on_pool!(db.store, p => { sqlx::query(sql).execute(p).await.unwrap(); });
}

async fn audit(db: &vigil_testkit::TestDb) -> Vec<(String, String)> {
    vigil_store::on_pool!(db.store, p => {
        sqlx::query_as("SELECT action, entity FROM audit_log ORDER BY seq").fetch_all(p).await.unwrap()
    })
}

both_backends!(milestones_values_and_statuses_round_trip_audited, |db| {
    let s = &db.store;
    let mut m = MilestoneRow {
        id: 0,
        parameter: "a".into(),
        title: "Constitutional referendum".into(),
        planned_date: "2023-03-19".into(),
        actual_date: None,
        status: "delayed".into(),
        sources: "S/2023/36 §5".into(),
        quantity: None,
        provenance: "review".into(),
    };
    m.id = s.add_milestone("planner1", &m).await.unwrap();
    assert_eq!(s.milestones().await.unwrap(), vec![m.clone()]);
    m.actual_date = Some("2023-06-18".into());
    m.status = "achieved".into();
    assert!(s.update_milestone("planner1", &m).await.unwrap());
    assert_eq!(s.milestones().await.unwrap(), vec![m.clone()]);
    assert!(!s
        .update_milestone(
            "planner1",
            &MilestoneRow {
                id: 9999,
                ..m.clone()
            }
        )
        .await
        .unwrap());
    // the schema refuses what the app would: a milestone of (c)
    assert!(s
        .add_milestone(
            "planner1",
            &MilestoneRow {
                parameter: "c".into(),
                ..m.clone()
            }
        )
        .await
        .is_err());

    let v = ManualRow {
        id: 0,
        indicator: "b_combatants_integrated".into(),
        as_of: "2022-12-31".into(),
        value: 1765.0,
        evidence: "S/2023/36 §16".into(),
        synthetic: false,
        entered_by: String::new(),
        entered_at: String::new(),
    };
    let vid = s.add_manual_value("planner1", &v).await.unwrap();
    let back = s.manual_values().await.unwrap();
    assert_eq!(
        (
            back[0].id,
            back[0].value,
            back[0].evidence.as_str(),
            back[0].entered_by.as_str()
        ),
        (vid, 1765.0, "S/2023/36 §16", "planner1")
    );
    // an empty evidence is refused by the schema too
    assert!(s
        .add_manual_value(
            "planner1",
            &ManualRow {
                evidence: "  ".into(),
                ..v.clone()
            }
        )
        .await
        .is_err());
    assert_eq!(s.manual_values().await.unwrap().len(), 1);

    s.set_param_status(
        "planner1",
        "c_casevac_denied",
        "2022-Q4",
        "at_risk",
        "two denials",
    )
    .await
    .unwrap();
    s.set_param_status(
        "admin1",
        "c_casevac_denied",
        "2022-Q4",
        "off_track",
        "a third one",
    )
    .await
    .unwrap();
    let st = s.param_statuses().await.unwrap();
    assert_eq!(st.len(), 2);
    assert_eq!(
        (
            st[1].status.as_str(),
            st[1].set_by.as_str(),
            st[1].reason.as_str()
        ),
        ("off_track", "admin1", "a third one")
    );
    assert!(s
        .set_param_status("admin1", "c_casevac_denied", "2022-Q4", "fine", "x")
        .await
        .is_err());

    let a = audit(&db).await;
    let mine: Vec<(&str, &str)> = a
        .iter()
        .filter(|(_, e)| e.starts_with("milestone/") || e.starts_with("param_"))
        .map(|(x, e)| (x.as_str(), e.as_str()))
        .collect();
    let (me, ve) = (format!("milestone/{}", m.id), format!("param_value/{vid}"));
    assert_eq!(
        mine,
        [
            ("create", me.as_str()),
            ("update", me.as_str()),
            ("create", ve.as_str()),
            ("set_status", "param_status/c_casevac_denied/2022-Q4"),
            ("set_status", "param_status/c_casevac_denied/2022-Q4"),
        ]
    );
});

both_backends!(aggregates_count_hand_made_incidents_by_period, |db| {
    let s = &db.store;
    import_text(s, &incidents_csv(), "hand.csv").await.unwrap();
    exec(
        &db,
        "UPDATE incidents SET admin1 = 'ML07' WHERE source_id IN ('1', '2', '4', '5', '6')",
    )
    .await;
    exec(
        &db,
        "UPDATE incidents SET retracted_at = '2023-01-01T00:00:00Z' WHERE source_id = '5'",
    )
    .await;
    exec(
        &db,
        "UPDATE incidents SET sensitivity = 'restricted' WHERE source_id = '6'",
    )
    .await;
    let q4 = s
        .incident_counts(Visibility::Public, "2022-10-01", "2022-12-31")
        .await
        .unwrap();
    for want in [
        IncidentCount {
            admin1: None,
            type_of_violence: Some(1),
            incidents: 1,
            civilian_deaths: 0,
        },
        IncidentCount {
            admin1: Some("ML07".into()),
            type_of_violence: Some(3),
            incidents: 2,
            civilian_deaths: 6,
        },
    ] {
        assert!(q4.contains(&want), "{want:?} not in {q4:?}");
    }
    assert_eq!(q4.len(), 2, "{q4:?}");
    assert_eq!(q4.iter().map(|c| c.incidents).sum::<i64>(), 3);
    assert_eq!(q4.iter().map(|c| c.civilian_deaths).sum::<i64>(), 6);
    // restricted incidents count for those who may see them
    let r = s
        .incident_counts(Visibility::Restricted, "2022-10-01", "2022-12-31")
        .await
        .unwrap();
    assert_eq!(r.iter().map(|c| c.civilian_deaths).sum::<i64>(), 12);
    // an empty period
    assert!(s
        .incident_counts(Visibility::Confidential, "2021-01-01", "2021-03-31")
        .await
        .unwrap()
        .is_empty());
    let deaths = s
        .incident_death_rows(Visibility::Public, "2022-10-01", "2022-12-31")
        .await
        .unwrap();
    assert_eq!(
        deaths
            .iter()
            .map(|d| (d.1.as_str(), d.2.as_deref(), d.3))
            .collect::<Vec<_>>(),
        [
            ("2022-10-03", Some("ML07"), 4),
            ("2022-11-20", Some("ML07"), 2)
        ]
    );
    let spans = s.record_spans(Visibility::Public).await.unwrap();
    assert_eq!(
        spans.incidents,
        (Some("2022-09-30".into()), Some("2022-12-31".into()))
    );
    assert_eq!(spans.movements, (None, None));

    // missions denied access, counted by start date
    exec(&db, "INSERT INTO hr_investigations (id, title, team_json, opened_on, created_by, created_at) VALUES (1, 't', '[]', '2022-10-01', 'hr1', '2022-10-01T00:00:00Z')").await;
    exec(&db, "INSERT INTO hr_missions (investigation_id, start_date, end_date, place, access) VALUES (1, '2022-10-05', '2022-10-06', 'Moura', 'denied'), (1, '2022-11-05', '2022-11-06', 'Moura', 'granted'), (1, '2022-07-05', '2022-07-06', 'Moura', 'denied')").await;
    assert_eq!(
        s.missions_denied_access("2022-10-01", "2022-12-31")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.missions_denied_access("2022-07-01", "2022-09-30")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.missions_denied_access("2023-01-01", "2023-03-31")
            .await
            .unwrap(),
        0
    );
});
