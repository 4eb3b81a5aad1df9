//! The response dashboard: for issued alerts, the time from issue to acknowledgement
//! and to the first dispatched response (medians in minutes, overall, by admin area
//! and by month of issue), and the alerts that had no response some hours after
//! they were issued.

use crate::alerts::{doc_alert, parse_time, stamp};
use crate::{AppResult, Context};
use chrono::{DateTime, Datelike, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

fn median(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    json!((m * 10.0).round() / 10.0)
}

#[derive(Default)]
struct Group {
    alerts: usize,
    ack: Vec<f64>,
    respond: Vec<f64>,
}

impl Group {
    fn json(&self) -> Value {
        json!({
            "alerts": self.alerts,
            "acknowledged": self.ack.len(),
            "responded": self.respond.len(),
            "median_minutes_to_acknowledge": median(self.ack.clone()),
            "median_minutes_to_respond": median(self.respond.clone()),
        })
    }
}

/// The figures, with "no response" meaning none requested within `hours` of issue;
/// areas at admin `level` (1 or 2).
#[allow(clippy::cast_precision_loss)] // minutes and hours are far below 2^52
pub async fn dashboard(cx: &Context, hours: i64, level: i64) -> AppResult<Value> {
    let now = cx.alerting.now();
    let alerts = cx.store.alerts(&[], None).await?;
    let mut acks: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for (id, c) in cx.store.alert_status_changes(None).await? {
        if c.to == "acknowledged" {
            if let Some(t) = parse_time(&c.at) {
                acks.entry(id).or_insert(t);
            }
        }
    }
    let mut first_request: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut first_dispatch: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for r in cx.store.responses(None).await? {
        if let Some(t) = parse_time(&r.requested_at) {
            let e = first_request.entry(r.alert_id).or_insert(t);
            *e = (*e).min(t);
        }
        if let Some(t) = r.dispatched_at.as_deref().and_then(parse_time) {
            let e = first_dispatch.entry(r.alert_id).or_insert(t);
            *e = (*e).min(t);
        }
    }
    let level_u8 = if level == 2 { 2 } else { 1 };
    let mut names: HashMap<String, String> = cx.store.area_names(level_u8).await?.into_iter().collect();
    let mut all = Group::default();
    let mut by_area: BTreeMap<String, Group> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Group> = BTreeMap::new();
    let mut unanswered = vec![];
    let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds() as f64 / 60.0;
    for s in &alerts {
        let Some(issued) = s.issued_at.as_deref().and_then(parse_time) else { continue };
        let area = if level == 1 { s.admin1.clone() } else { s.admin2.clone() }.unwrap_or_default();
        let month = format!("{:04}-{:02}", issued.year(), issued.month());
        let ack = acks.get(&s.id).map(|t| minutes(issued, *t));
        let respond = first_dispatch.get(&s.id).map(|t| minutes(issued, *t));
        for g in [&mut all, by_area.entry(area).or_default(), by_month.entry(month).or_default()] {
            g.alerts += 1;
            g.ack.extend(ack);
            g.respond.extend(respond);
        }
        let deadline = issued + chrono::Duration::hours(hours);
        let answered_in_time = first_request.get(&s.id).is_some_and(|t| *t <= deadline);
        if deadline <= now && !answered_in_time {
            let a = doc_alert(s)?;
            unanswered.push(json!({
                "id": s.id, "status": s.status, "headline": a.headline, "area_desc": a.area_desc,
                "issued_at": s.issued_at, "first_response_at": first_request.get(&s.id).map(|t| stamp(*t)),
                "hours_since_issue": ((now - issued).num_minutes() as f64 / 60.0 * 10.0).round() / 10.0,
            }));
        }
    }
    let by_area: Vec<Value> = by_area
        .iter()
        .map(|(code, g)| {
            let mut v = g.json();
            v["level"] = level.into();
            v["code"] = if code.is_empty() { Value::Null } else { code.clone().into() };
            v["name"] = names.remove(code).map_or(Value::Null, Value::from);
            v
        })
        .collect();
    let by_month: Vec<Value> = by_month
        .iter()
        .map(|(m, g)| {
            let mut v = g.json();
            v["month"] = m.clone().into();
            v
        })
        .collect();
    Ok(json!({
        "now": stamp(now),
        "hours": hours,
        "overall": all.json(),
        "by_area": by_area,
        "by_month": by_month,
        "no_response_after_hours": unanswered,
    }))
}
