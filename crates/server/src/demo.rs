//! The bundled demo: Mali boundaries (OCHA COD-AB, levels 0–2), GeoNames towns and
//! the SYNTHETIC Mali events, compiled into the binary so `vigil demo` works from any
//! folder with no network; and one demo user per role.
//!
//! The events are synthetic (see `data/synthetic/README.md`): every row says so in
//! `source_article`, the API flags each as `synthetic`, and the UI labels them.

use crate::ServerError;
use std::io::Cursor;
use vigil_store::accounts::Role;
use vigil_store::{ImportOptions, Store};

const ADM0: &str = include_str!("../../../data/boundaries/mli_adm0_ocha_cod_dissolved.geojson");
const ADM1: &str = include_str!("../../../data/boundaries/mli_adm1_regions_ocha_cod_dissolved.geojson");
const ADM2: &str = include_str!("../../../data/boundaries/mli_adm2_cercles_ocha_cod.geojson");
/// GeoNames cities1000 extract for Mali, Burkina Faso and Niger (CC BY 4.0).
pub const PLACES_CSV: &str = include_str!("../../../data/places/geonames_cities1000_MLI_BFA_NER.csv");
const SYNTHETIC_CSV: &str = include_str!("../../../data/synthetic/ged_mali_synthetic_2012_2022.csv");

/// One login per role: (user, role, password). Demo only: printed at start-up.
pub const DEMO_USERS: [(&str, Role, &str); 6] = [
    ("reporter", Role::Reporter, "reporter-demo"),
    ("analyst", Role::Analyst, "analyst-demo"),
    ("responder", Role::Responder, "responder-demo"),
    ("hr_officer", Role::HrOfficer, "hr_officer-demo"),
    ("planner", Role::Planner, "planner-demo"),
    ("admin", Role::Admin, "admin-demo"),
];

/// What [`seed`] loaded.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub areas: [usize; 3],
    pub places: u64,
    pub incidents: u64,
    pub users: usize,
}

/// Load the towns if the store has none (every server needs them for the form).
pub async fn ensure_places(store: &Store) -> Result<u64, ServerError> {
    if store.places().await?.is_empty() {
        Ok(store.load_places(PLACES_CSV).await?)
    } else {
        Ok(0)
    }
}

/// Load boundaries, towns and the synthetic events into an empty store, and create
/// the demo users (skipping any that exist).
pub async fn seed(store: &Store, with_users: bool) -> Result<DemoSummary, ServerError> {
    let mut s = DemoSummary::default();
    for (level, text) in [(0u8, ADM0), (1, ADM1), (2, ADM2)] {
        let areas =
            vigil_geo::admin::parse_boundaries(text, level, &format!("adm{level}_pcode"), &format!("adm{level}_name"))
                .map_err(|e| ServerError::Demo(format!("boundaries level {level}: {e}")))?;
        s.areas[level as usize] = store.import_boundaries(level, &areas).await?.areas;
    }
    s.places = ensure_places(store).await?;
    let reader = vigil_ingest::IncidentReader::from_reader(
        Cursor::new(SYNTHETIC_CSV.as_bytes()),
        "ged_mali_synthetic_2012_2022.csv",
    )
    .map_err(|e| ServerError::Demo(e.to_string()))?;
    let r = store.import_incidents(reader, ImportOptions::default(), &|_| {}).await?;
    s.incidents = r.added + r.updated + r.unchanged;
    crate::footprint_api::seed_demo(store).await?;
    vigil_app::movement_demo::seed(store).await.map_err(|e| ServerError::Demo(format!("movement and safety: {e}")))?;
    if with_users {
        for (name, role, password) in DEMO_USERS {
            if !store.user_exists(name).await? {
                store.add_user("demo", name, role, password).await?;
                s.users += 1;
            }
        }
    }
    crate::rights_demo::seed(store).await?;
    vigil_app::fieldnet_demo::seed(store).await.map_err(|e| ServerError::Demo(format!("networks and call centre: {e}")))?;
    vigil_app::parameters_demo::seed(store).await.map_err(|e| ServerError::Demo(format!("parameters: {e}")))?;
    Ok(s)
}

/// Days of demo data [`replay_recent`] runs through the rules.
pub const REPLAY_DAYS: i64 = 90;

/// What [`replay_recent`] did.
#[derive(Debug, Clone)]
pub struct DemoReplay {
    pub days: i64,
    pub summary: vigil_app::schedule::RoundSummary,
    /// Where the demo's alert clock starts: the morning after the last day of data.
    pub clock_start: chrono::DateTime<chrono::Utc>,
    /// The forecast made at the end of the replay, for the scheduler to keep.
    pub forecast: vigil_app::schedule::ForecastCache,
}

/// Replay the last [`REPLAY_DAYS`] days of the (SYNTHETIC) demo data through the
/// rules in force, then let the alert clock run from the morning after the data ends,
/// so the demo opens the way an operations centre would find it: live alerts, some
/// issued, some drafts waiting for an analyst.
pub async fn replay_recent(st: &crate::AppState) -> Result<DemoReplay, ServerError> {
    use chrono::{Duration, NaiveTime};
    let events = st.store.forecast_events(&vigil_model::IncidentFilter::default()).await?;
    let Some(last) = events.last().map(|e| e.date_start) else {
        return Err(ServerError::Demo("no incidents to replay".into()));
    };
    let mut forecast = vigil_app::schedule::ForecastCache::default();
    let from = last - Duration::days(REPLAY_DAYS - 1);
    let summary = vigil_app::schedule::replay(st, from, last, &mut forecast)
        .await
        .map_err(|e| ServerError::Demo(format!("replaying {from}..{last}: {e}")))?;
    let clock_start = (last + Duration::days(1)).and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time")).and_utc();
    st.alerting.run_clock_from(clock_start);
    Ok(DemoReplay { days: REPLAY_DAYS, summary, clock_start, forecast })
}

/// What [`seed_working_loop`] did: alerts issued by the demo analyst, acknowledged
/// and answered by the demo responder, and drafts left waiting.
#[derive(Debug, Clone, Default)]
pub struct DemoLoop {
    pub issued: Vec<i64>,
    pub acknowledged: Vec<i64>,
    pub responses: usize,
    pub drafts_left: usize,
}

/// How many live drafts [`seed_working_loop`] issues at most, and how many of those
/// the responder acknowledges.
pub const LOOP_ISSUE: usize = 6;
pub const LOOP_ACKNOWLEDGE: usize = 3;

/// Open the demo on the working loop rather than on drafts only: in the hours before
/// `clock_start` the demo analyst (`analyst`) issues the newest live drafts (up to
/// [`LOOP_ISSUE`], always leaving drafts to triage), the demo responder
/// (`responder`) acknowledges the first [`LOOP_ACKNOWLEDGE`] of them and records
/// responses (one patrol completed, one under way). Every step goes through the use
/// cases, so each is audited under the demo user's name and published (CAP, Atom feed,
/// webhooks) as in real use. The alert clock is fixed while this runs and runs from
/// `clock_start` again at the end.
pub async fn seed_working_loop(
    st: &crate::AppState,
    clock_start: chrono::DateTime<chrono::Utc>,
) -> Result<DemoLoop, ServerError> {
    use chrono::Duration;
    use vigil_warn::AlertStatus;
    let err = |what: &str, e: vigil_app::AppError| ServerError::Demo(format!("demo working loop, {what}: {e}"));
    let (analyst, responder) = ("analyst", "responder");
    let drafts = st.store.alerts(&["draft"], None).await?;
    let mut live = Vec::new();
    for s in &drafts {
        let a = vigil_app::alerts::doc_alert(s).map_err(|e| err("reading a draft", e))?;
        // still current some hours into the demo
        if a.expires_at > clock_start + Duration::hours(12) {
            live.push(s.id);
        }
    }
    // leave at least a third of the live drafts (and one) for the analyst to triage
    let n = LOOP_ISSUE.min(live.len().saturating_sub((live.len() / 3).max(1)));
    let mut out = DemoLoop::default();
    let t0 = clock_start - Duration::hours(3);
    let step = |t: chrono::DateTime<chrono::Utc>| st.alerting.set_clock(Some(t));
    for (i, &id) in live.iter().take(n).enumerate() {
        let issued_at = t0 + Duration::minutes(7 * i as i64);
        step(issued_at);
        vigil_app::alerts::issue(st, id, analyst, Some("Issued by the demo analyst (SYNTHETIC demo data).".into()))
            .await
            .map_err(|e| err(&format!("issuing alert {id}"), e))?;
        out.issued.push(id);
        if i >= LOOP_ACKNOWLEDGE {
            continue;
        }
        let acked = issued_at + Duration::minutes(12 + 4 * i as i64);
        step(acked);
        vigil_app::alerts::transition(st, id, AlertStatus::Acknowledged, responder, None)
            .await
            .map_err(|e| err(&format!("acknowledging alert {id}"), e))?;
        out.acknowledged.push(id);
        let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let response = match i {
            0 => Some(vigil_store::alerts::NewResponse {
                alert_id: id,
                responder: "Patrouille Secteur Centre (demo)".into(),
                action: "patrol".into(),
                requested_at: stamp(acked + Duration::minutes(3)),
                dispatched_at: Some(stamp(acked + Duration::minutes(15))),
                on_scene_at: Some(stamp(acked + Duration::minutes(70))),
                completed_at: Some(stamp(acked + Duration::minutes(120))),
                outcome: Some("Patrol reached the area; situation calm, population reassured (SYNTHETIC demo).".into()),
            }),
            1 => Some(vigil_store::alerts::NewResponse {
                alert_id: id,
                responder: "Équipe des affaires civiles (demo)".into(),
                action: "dialogue".into(),
                requested_at: stamp(acked + Duration::minutes(5)),
                dispatched_at: Some(stamp(acked + Duration::minutes(25))),
                on_scene_at: None,
                completed_at: None,
                outcome: None,
            }),
            _ => None,
        };
        if let Some(r) = response {
            if i == 0 {
                step(acked + Duration::minutes(15));
                vigil_app::alerts::transition(st, id, AlertStatus::Responding, responder, None)
                    .await
                    .map_err(|e| err(&format!("marking alert {id} responding"), e))?;
            }
            step(acked + Duration::minutes(130));
            vigil_app::responses::record_response(st, responder, &r)
                .await
                .map_err(|e| err(&format!("recording a response to alert {id}"), e))?;
            out.responses += 1;
        }
    }
    out.drafts_left = drafts.len() - out.issued.len();
    st.alerting.run_clock_from(clock_start);
    Ok(out)
}

/// The demo's stored forecast run (cell level, from twelve months before the data
/// end, labelled synthetic with the data): seeded once, when no run is stored. Takes
/// a few seconds (the guard's backtest runs first). Returns the run's id.
pub async fn seed_forecast(store: &Store) -> Result<Option<i64>, ServerError> {
    vigil_app::forecasts::seed_demo_run(store).await.map_err(|e| ServerError::Demo(format!("forecast run: {e}")))
}
