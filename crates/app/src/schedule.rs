//! The rules' scheduled round, and the demo's replay of its own recent history.
//!
//! Incident and report rules run as things arrive ([`crate::alerts::on_report`],
//! [`crate::alerts::on_incident`]). Two kinds of rule also need a clock: spikes
//! (a quiet week after a bad one is news too, and imports add incidents in bulk) and
//! forecast thresholds (a new month means a new forecast). [`spawn`] runs a round of
//! those every `[rules] schedule_minutes` (default 60) as of the alerting clock's day.
//!
//! The forecast behind the forecast rules is the learned model of `vigil-forecast`
//! over the PRIO-GRID cells of the loaded country outline, from the last complete
//! month ([`crate::forecast::cell_forecast`]). It takes seconds, so it runs off the
//! async threads and is computed once per origin month ([`ForecastCache`]); incidents coded later in the month reach the
//! next month's forecast, as with any monthly forecast.
//!
//! [`replay`] drives the very same engine calls over a stretch of stored history in
//! date order with the clock at data time: `vigil demo` replays its last 90 days so it
//! opens with the alerts an operations centre would have had (all from SYNTHETIC data).

use crate::alerts::{apply_firings, engine_over};
use crate::forecast::cell_forecast;
use crate::{AppResult, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;
use vigil_forecast::Month;
use vigil_model::IncidentFilter;
use vigil_warn::{Applied, Engine, ForecastRow, IncidentInput, RuleSet};

/// Default period of the scheduled round.
pub const DEFAULT_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The forecast of the last origin month computed, kept between rounds.
#[derive(Debug, Clone, Default)]
pub struct ForecastCache {
    origin: Option<Month>,
    rows: Vec<ForecastRow>,
}

impl ForecastCache {
    /// The origin month of the forecast held, if any.
    pub fn origin(&self) -> Option<Month> {
        self.origin
    }
}

/// What one round or a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundSummary {
    pub created: usize,
    pub updated: usize,
}

impl RoundSummary {
    fn add(&mut self, applied: &[Applied]) {
        for a in applied {
            match a {
                Applied::Created(_) => self.created += 1,
                Applied::Updated(_) => self.updated += 1,
            }
        }
    }
}

/// The last month complete on `day`: its own month on the month's last day, else the
/// month before.
pub fn last_complete_month(day: NaiveDate) -> Month {
    let m = Month::of(day);
    if (day + Duration::days(1)).month() != day.month() {
        m
    } else {
        m.plus(-1)
    }
}

/// An engine holding the stored incidents the rules look back over from `as_of`,
/// and the map from their rule ids (`source:source_id`) to store ids.
async fn engine_as_of(cx: &Context, rules: &RuleSet, as_of: NaiveDate) -> AppResult<(Engine, HashMap<String, i64>)> {
    let filter = IncidentFilter {
        from: Some(as_of - Duration::days(rules.lookback_days().max(1) + 1)),
        to: Some(as_of),
        ..Default::default()
    };
    engine_over(&cx.store, rules, &filter, None).await
}

/// Bring the forecast up to the last month complete on `as_of` (no-op when it is).
async fn refresh_forecast(cx: &Context, rules: &RuleSet, as_of: NaiveDate, cache: &mut ForecastCache) -> AppResult<()> {
    let Some(months) = rules.forecast_months_ahead() else { return Ok(()) };
    let origin = last_complete_month(as_of);
    if cache.origin == Some(origin) {
        return Ok(());
    }
    let started = std::time::Instant::now();
    cache.rows = cell_forecast(&cx.store, origin, months).await?;
    cache.origin = Some(origin);
    tracing::info!(
        "forecast rules: {} cell-months forecast from {origin} in {:.1}s",
        cache.rows.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One scheduled round as of `as_of`, alert times from the alerting clock.
pub async fn round(cx: &Context, as_of: NaiveDate, cache: &mut ForecastCache) -> AppResult<RoundSummary> {
    let rules = cx.alerting.rules();
    refresh_forecast(cx, &rules, as_of, cache).await?;
    let (engine, targets) = engine_as_of(cx, &rules, as_of).await?;
    let firings = engine.on_schedule(as_of, cx.alerting.now(), &cache.rows);
    let mut s = RoundSummary::default();
    s.add(&apply_firings(cx, &rules, &firings, &targets).await?);
    Ok(s)
}

/// Run [`round`] now and then every `every`, as of the alerting clock's day, until
/// the runtime stops. Errors are logged and the next round tries again.
pub fn spawn(cx: Context, every: std::time::Duration, mut cache: ForecastCache) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let as_of = cx.alerting.now().date_naive();
            match round(&cx, as_of, &mut cache).await {
                Ok(s) if s.created + s.updated > 0 => {
                    tracing::info!("scheduled rules as of {as_of}: {} alerts raised, {} updated", s.created, s.updated)
                }
                Ok(_) => {}
                Err(e) => tracing::error!("scheduled rules as of {as_of}: {e}"),
            }
        }
    })
}

/// When, in data time, an incident of `day` is taken to have been coded: the
/// evening of the day it happened.
fn coded_at(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc()
}

/// Replay the stored incidents dated `from..=to` in date order as if each had been
/// coded the evening of its day, with a scheduled round every morning and a last one
/// (with the forecast) as of `to`. The alerting clock is fixed at data time while it
/// runs and left at the end of `to`; the caller decides what "now" is next.
pub async fn replay(
    cx: &Context,
    from: NaiveDate,
    to: NaiveDate,
    cache: &mut ForecastCache,
) -> AppResult<RoundSummary> {
    let rules = cx.alerting.rules();
    let (mut engine, mut targets) = engine_as_of(cx, &rules, from - Duration::days(1)).await?;
    let filter = IncidentFilter { from: Some(from), to: Some(to), ..Default::default() };
    let records = cx.store.incident_records(&filter, None).await?;
    let mut s = RoundSummary::default();
    let mut next = records.into_iter().peekable();
    let mut day = from;
    while day <= to {
        let morning = day.and_time(NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc();
        cx.alerting.set_clock(Some(morning));
        let firings = engine.on_schedule(day - Duration::days(1), morning, &[]);
        s.add(&apply_firings(cx, &rules, &firings, &targets).await?);
        cx.alerting.set_clock(Some(coded_at(day)));
        while let Some(rec) = next.next_if(|r| r.located.incident.date_start <= day) {
            let i = IncidentInput::from_parts(&rec.located.incident, &rec.located.placement);
            targets.insert(i.id.clone(), rec.id);
            let firings = engine.on_incident(i, coded_at(day));
            s.add(&apply_firings(cx, &rules, &firings, &targets).await?);
        }
        day += Duration::days(1);
    }
    cx.alerting.set_clock(Some(coded_at(to) + Duration::hours(5)));
    refresh_forecast(cx, &rules, to, cache).await?;
    let firings = engine.on_schedule(to, cx.alerting.now(), &cache.rows);
    s.add(&apply_firings(cx, &rules, &firings, &targets).await?);
    Ok(s)
}
