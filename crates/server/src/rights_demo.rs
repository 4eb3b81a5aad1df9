//! The demo's human-rights records: SYNTHETIC cases drawn from the synthetic
//! incidents of one-sided violence (same dates, places and admin codes, linked to
//! them), two special investigations and HRDDP support requests with their
//! assessments. Every title says SYNTHETIC; victims and witnesses carry made-up
//! labels ("SYNTHETIC person 12-1"), never names. Individual victims are written only
//! when the human-rights key is loaded.

use crate::ServerError;
use vigil_model::{IncidentFilter, ViolenceType};
use vigil_store::access::Principal;
use vigil_store::accounts::{Role, User};
use vigil_store::rights::{CaseRow, Investigation, InvestigationFile, Mission, Restricted, SupportRequestRow};
use vigil_store::Store;

/// What was seeded.
#[derive(Debug, Clone, Default)]
pub struct RightsDemo {
    pub cases: usize,
    pub investigations: usize,
    pub requests: usize,
}

const UNITS: [&str; 4] =
    ["Synthetic Battalion 1", "Synthetic Battalion 2", "Synthetic Battalion 3", "Synthetic Gendarmerie Squadron"];

fn err(e: impl std::fmt::Display) -> ServerError {
    ServerError::Demo(format!("human-rights demo data: {e}"))
}

/// Seed the demo's cases, investigations and HRDDP records (idempotent: nothing when cases exist).
pub async fn seed(store: &Store) -> Result<RightsDemo, ServerError> {
    let mut out = RightsDemo::default();
    if !store.case_rows_coded().await.map_err(err)?.is_empty() {
        return Ok(out);
    }
    let user = match store.users().await?.into_iter().find(|u| u.role == Role::HrOfficer) {
        Some(u) => u,
        None => {
            User { id: 0, name: "hr_officer".into(), role: Role::HrOfficer, disabled: false, restricted_access: false }
        }
    };
    let hr = Principal { user, restricted_access: false };
    let filter = IncidentFilter {
        from: chrono::NaiveDate::from_ymd_opt(2021, 1, 1),
        type_of_violence: Some(ViolenceType::OneSided),
        ..Default::default()
    };
    let mut incidents = store.incident_records(&filter, None).await?;
    incidents.sort_by_key(|r| (r.located.incident.date_start, r.id));
    let mut ids = vec![];
    let step = (incidents.len() / 60).max(1);
    for (k, r) in incidents.iter().step_by(step).take(60).enumerate() {
        let i = &r.located.incident;
        let n = i.best.clamp(1, 12) as u32;
        // a spread of perpetrators and acts, victims split by sex and age; deterministic
        let (perpetrator, group, unit) = match k % 5 {
            0 | 3 => ("national_forces", None, Some(UNITS[k % 3])),
            // named armed groups: made-up names, never those of the incidents' real-world actors
            1 => (
                "armed_group",
                Some(if k % 2 == 0 { "Synthetic armed group A" } else { "Synthetic armed group B" }.to_string()),
                None,
            ),
            2 => ("self_defence_group", None, None),
            _ => ("unidentified", None, None),
        };
        let men = n.div_ceil(2);
        let mut acts = vec![serde_json::json!({"act_type": "killing", "victims": {"man": men, "woman": n - men}})];
        if k % 4 == 1 {
            acts.push(
                serde_json::json!({"act_type": "child_abduction", "victims": {"boy": 2 + (k % 3) as u32, "girl": 1}}),
            );
        }
        if k % 6 == 2 {
            acts.push(serde_json::json!({"act_type": "destruction_property", "victims": {"unknown": 3}}));
        }
        if k % 7 == 3 {
            acts.push(serde_json::json!({"act_type": "arbitrary_detention", "victims": {"man": 4}}));
        }
        let status = match k % 9 {
            0 => "alleged",
            4 => "under_verification",
            7 => "not_verified",
            _ => "verified",
        };
        let case = CaseRow {
            id: 0,
            title: format!("SYNTHETIC case {}: {}", k + 1, i.place.clone().unwrap_or_else(|| "unnamed place".into())),
            date: i.date_start.to_string(),
            place: i.place.clone().or_else(|| i.adm_2.clone()),
            latitude: i.latitude,
            longitude: i.longitude,
            admin1: r.located.placement.admin1.clone(),
            admin2: r.located.placement.admin2.clone(),
            perpetrator: perpetrator.into(),
            armed_group: group,
            unit: unit.map(Into::into),
            acts: serde_json::Value::Array(acts),
            status: status.into(),
            status_by: String::new(),
            status_at: String::new(),
            synthetic: true,
            created_by: String::new(),
            created_at: String::new(),
            links: vec![("incident".into(), r.id)],
        };
        let restricted: Vec<Restricted> = if store.has_rights_key() && k % 3 == 0 {
            (1..=2)
                .map(|v| Restricted {
                    id: 0,
                    kind: if v == 1 { "victim" } else { "witness" }.into(),
                    data: serde_json::json!({
                        "name": format!("SYNTHETIC person {}-{v}", k + 1),
                        "group": if v == 1 { "woman" } else { "man" },
                        "consent": v == 1,
                        "protection_concerns": if v == 2 { "fears reprisals (synthetic)" } else { "" },
                    }),
                })
                .collect()
        } else {
            vec![]
        };
        ids.push(store.create_case(&hr, &case, &restricted).await.map_err(err)?);
    }
    out.cases = ids.len();
    if store.has_rights_key() && ids.len() >= 6 {
        for (title, cases, team_only, published, missions) in [
            (
                "SYNTHETIC special investigation: killings of civilians in the centre",
                vec![ids[0], ids[3], ids[5]],
                false,
                Some("2022-11-30"),
                vec![("2022-06-10", "2022-06-14", "granted"), ("2022-07-02", "2022-07-03", "denied")],
            ),
            (
                "SYNTHETIC special investigation: abductions of children",
                vec![ids[1]],
                true,
                None,
                vec![("2022-08-20", "2022-08-22", "granted")],
            ),
        ] {
            let inv = Investigation {
                id: 0,
                title: title.into(),
                team: vec![hr.user.name.clone()],
                team_only,
                opened_on: "2022-06-01".into(),
                published_on: published.map(Into::into),
                synthetic: true,
                case_ids: cases,
                missions: missions
                    .into_iter()
                    .map(|(s, e, a)| Mission {
                        id: 0,
                        start_date: s.into(),
                        end_date: e.into(),
                        place: "Synthetic town (SYNTHETIC)".into(),
                        access: a.into(),
                    })
                    .collect(),
                file: Some(InvestigationFile {
                    terms_of_reference: "SYNTHETIC terms of reference: establish the facts and circumstances.".into(),
                    findings: "SYNTHETIC findings: reasonable grounds to believe that the acts were committed.".into(),
                    recommendations: "SYNTHETIC recommendations: investigate and prosecute; reparations.".into(),
                }),
            };
            store.create_investigation(&hr, &inv).await.map_err(err)?;
            out.investigations += 1;
        }
    }
    // HRDDP: approved with mitigation (one measure overdue), approved, declined, pending
    let requests = [
        ("fuel", UNITS[0], "2022-05-03", Some(("medium", "support_with_mitigation"))),
        ("casevac", UNITS[1], "2022-06-12", Some(("low", "support"))),
        ("joint_operation", UNITS[2], "2022-07-21", Some(("high", "decline"))),
        ("training", UNITS[3], "2022-09-02", None),
    ];
    for (kind, unit, on, decision) in requests {
        let r = SupportRequestRow {
            id: 0,
            force: "SYNTHETIC national armed forces".into(),
            unit: unit.into(),
            support_type: kind.into(),
            description: format!("SYNTHETIC request: {kind} for {unit}"),
            requested_on: on.into(),
            status: "pending".into(),
            synthetic: true,
        };
        let id = vigil_app::rights::request_support(store, &hr, r).await.map_err(err)?;
        out.requests += 1;
        if let Some((risk, d)) = decision {
            let mitigations = if d == "support_with_mitigation" {
                vec![
                    vigil_rights::hrddp::Mitigation {
                        measure: "SYNTHETIC: human-rights training of the unit before delivery".into(),
                        owner: "Human Rights Division".into(),
                        due: chrono::NaiveDate::from_ymd_opt(2022, 6, 30).expect("date"),
                        done: false,
                    },
                    vigil_rights::hrddp::Mitigation {
                        measure: "SYNTHETIC: monthly reporting on the fuel's use".into(),
                        owner: "Force HQ liaison".into(),
                        due: chrono::NaiveDate::from_ymd_opt(2022, 12, 31).expect("date"),
                        done: false,
                    },
                ]
            } else {
                vec![]
            };
            vigil_app::rights::assess(store, &hr, id, risk, mitigations).await.map_err(err)?;
            let day = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").map_err(err)? + chrono::Duration::days(10);
            vigil_app::rights::decide(store, &hr, id, d, day).await.map_err(err)?;
        }
    }
    // follow-up: cases against an approved unit after approval raise an alert and mark the assessment for review
    for c in store.case_rows_coded().await.map_err(err)? {
        if c.date.as_str() > "2022-05-13" {
            let case = vigil_app::rights::case_of(&c).map_err(err)?;
            vigil_app::rights::follow_up(store, &hr.user.name, &case).await.map_err(err)?;
        }
    }
    Ok(out)
}
