//! Movement requests (an air sortie's flight authorisation, or a ground move) and
//! their decisions; the checks a request and a decision must pass; the figures by
//! sector, month, kind, purpose and authority.

use crate::{coded, parse_code, quantile_sorted, Refusal};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

coded!(
    /// Air (a flight authorisation for a sortie) or ground.
    Mode { Air = "air", Ground = "ground" }
);

coded!(
    /// What the movement is for. Air: patrol, casevac, medevac, isr, logistics,
    /// hr_mission; ground: patrol, convoy, investigation.
    Kind {
        Patrol = "patrol",
        Casevac = "casevac",
        Medevac = "medevac",
        Isr = "isr",
        Logistics = "logistics",
        HrMission = "hr_mission",
        Convoy = "convoy",
        Investigation = "investigation",
    }
);

impl Kind {
    /// Whether this kind of movement exists in `mode`.
    pub fn fits(self, mode: Mode) -> bool {
        match mode {
            Mode::Air => matches!(
                self,
                Kind::Patrol | Kind::Casevac | Kind::Medevac | Kind::Isr | Kind::Logistics | Kind::HrMission
            ),
            Mode::Ground => matches!(self, Kind::Patrol | Kind::Convoy | Kind::Investigation),
        }
    }
}

coded!(
    /// What was decided on a request.
    Outcome {
        Granted = "granted",
        GrantedWithConditions = "granted_with_conditions",
        Delayed = "delayed",
        Denied = "denied",
        NoAnswer = "no_answer",
    }
);

impl Outcome {
    /// Denied or delayed: the movement did not go as asked.
    pub fn restricted(self) -> bool {
        matches!(self, Outcome::Denied | Outcome::Delayed)
    }

    pub fn granted(self) -> bool {
        matches!(self, Outcome::Granted | Outcome::GrantedWithConditions)
    }
}

coded!(
    /// The reason the authority cited.
    Reason {
        Insecurity = "insecurity",
        MilitaryOperations = "military_operations",
        ProcedureNotFollowed = "procedure_not_followed",
        NoneGiven = "none_given",
    }
);

coded!(
    /// The mission's sectors (S/2023/36: sector East = Gao region, sector Centre =
    /// Mopti and Bandiagara regions).
    Sector { North = "north", East = "east", Centre = "centre", West = "west", Bamako = "bamako" }
);

/// A movement request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub mode: Mode,
    pub kind: Kind,
    pub from_place: String,
    pub to_place: String,
    /// (lon, lat) of the origin, if known.
    pub from_pt: Option<(f64, f64)>,
    /// (lon, lat) of the destination.
    pub to_pt: (f64, f64),
    /// A stored route the movement follows, if any.
    pub route_id: Option<i64>,
    pub requested_at: DateTime<Utc>,
    pub planned_at: DateTime<Utc>,
    pub asset: String,
    pub sector: Sector,
    pub purpose: String,
}

/// The decision on a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// When the answer came; `None` for no answer in time.
    pub decided_at: Option<DateTime<Utc>>,
    /// Minutes of delay (delayed only).
    pub delay_minutes: Option<i64>,
    pub authority: String,
    pub reason: Reason,
    pub conditions: Option<String>,
}

fn check_pt(field: &str, (lon, lat): (f64, f64)) -> Result<(), Refusal> {
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) || !lon.is_finite() || !lat.is_finite() {
        return Err(Refusal::new(field, format!("({lon}, {lat}) is not a longitude, latitude in degrees")));
    }
    Ok(())
}

/// Check a request before it is stored.
pub fn validate_request(r: &Request) -> Result<(), Refusal> {
    if !r.kind.fits(r.mode) {
        return Err(Refusal::new("kind", format!("`{}` is not a kind of {} movement", r.kind, r.mode)));
    }
    if r.to_place.trim().is_empty() {
        return Err(Refusal::new("to_place", "is empty"));
    }
    check_pt("to", r.to_pt)?;
    if let Some(p) = r.from_pt {
        check_pt("from", p)?;
    }
    Ok(())
}

/// Check a decision against its request before it is stored.
pub fn validate_decision(r: &Request, d: &Decision) -> Result<(), Refusal> {
    match (d.outcome, d.decided_at) {
        (Outcome::NoAnswer, Some(_)) => {
            return Err(Refusal::new("decided_at", "a request with no answer in time has no decision time"))
        }
        (Outcome::NoAnswer, None) => {}
        (_, None) => return Err(Refusal::new("decided_at", "missing: when was it decided?")),
        (_, Some(t)) if t < r.requested_at => {
            return Err(Refusal::new(
                "decided_at",
                format!("{} is before the request time {}", t.to_rfc3339(), r.requested_at.to_rfc3339()),
            ))
        }
        _ => {}
    }
    match (d.outcome, d.delay_minutes) {
        (_, Some(m)) if m < 0 => return Err(Refusal::new("delay_minutes", format!("{m} is negative"))),
        (Outcome::Delayed, None) => {
            return Err(Refusal::new("delay_minutes", "missing: a delayed movement needs its delay"))
        }
        (o, Some(_)) if o != Outcome::Delayed => {
            return Err(Refusal::new("delay_minutes", format!("only a delayed movement has a delay, not `{o}`")))
        }
        _ => {}
    }
    if d.authority.trim().is_empty() {
        return Err(Refusal::new("authority", "is empty: name the authority that decided (or did not answer)"));
    }
    Ok(())
}

/// Parse the codes of a request (for edges that receive strings).
pub fn parse_mode(s: &str) -> Result<Mode, Refusal> {
    parse_code("mode", s)
}
pub fn parse_kind(s: &str) -> Result<Kind, Refusal> {
    parse_code("kind", s)
}
pub fn parse_outcome(s: &str) -> Result<Outcome, Refusal> {
    parse_code("outcome", s)
}
pub fn parse_reason(s: &str) -> Result<Reason, Refusal> {
    parse_code("reason", s)
}
pub fn parse_sector(s: &str) -> Result<Sector, Refusal> {
    parse_code("sector", s)
}

/// How the figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Sector,
    /// YYYY-MM of the planned time.
    Month,
    Kind,
    Purpose,
    Authority,
}

impl GroupBy {
    pub fn parse(s: &str) -> Result<GroupBy, Refusal> {
        Ok(match s {
            "sector" => GroupBy::Sector,
            "month" => GroupBy::Month,
            "kind" => GroupBy::Kind,
            "purpose" => GroupBy::Purpose,
            "authority" => GroupBy::Authority,
            _ => {
                return Err(Refusal::new("by", format!("`{s}` is not one of sector, month, kind, purpose, authority")))
            }
        })
    }
}

/// One group's figures. Shares are over the decided requests (an answer, or no
/// answer in time); requests still waiting are counted as `pending` only. Delays are
/// over the delayed movements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureRow {
    pub key: String,
    pub requests: u64,
    pub pending: u64,
    pub granted: u64,
    pub granted_with_conditions: u64,
    pub delayed: u64,
    pub denied: u64,
    pub no_answer: u64,
    /// (denied + delayed) / decided; `None` with nothing decided.
    pub share_denied_or_delayed: Option<f64>,
    pub median_delay_minutes: Option<f64>,
    pub p90_delay_minutes: Option<f64>,
    pub casevac_requests: u64,
    pub casevac_denied: u64,
}

/// The figures over `items`, one row per group in key order, and a last row `all`.
pub fn figures(items: &[(Request, Option<Decision>)], by: GroupBy) -> Vec<FigureRow> {
    let mut groups: BTreeMap<String, Vec<&(Request, Option<Decision>)>> = BTreeMap::new();
    for it in items {
        let (r, d) = it;
        let key = match by {
            GroupBy::Sector => r.sector.as_str().to_string(),
            GroupBy::Month => r.planned_at.format("%Y-%m").to_string(),
            GroupBy::Kind => format!("{}:{}", r.mode, r.kind),
            GroupBy::Purpose => r.purpose.trim().to_string(),
            GroupBy::Authority => {
                d.as_ref().map(|d| d.authority.trim().to_string()).unwrap_or_else(|| "(pending)".into())
            }
        };
        groups.entry(key).or_default().push(it);
    }
    let mut rows: Vec<FigureRow> = groups.into_iter().map(|(k, v)| row(k, &v)).collect();
    rows.push(row("all".into(), &items.iter().collect::<Vec<_>>()));
    rows
}

fn row(key: String, items: &[&(Request, Option<Decision>)]) -> FigureRow {
    let mut f = FigureRow {
        key,
        requests: items.len() as u64,
        pending: 0,
        granted: 0,
        granted_with_conditions: 0,
        delayed: 0,
        denied: 0,
        no_answer: 0,
        share_denied_or_delayed: None,
        median_delay_minutes: None,
        p90_delay_minutes: None,
        casevac_requests: 0,
        casevac_denied: 0,
    };
    let mut delays = Vec::new();
    for (r, d) in items {
        let casevac = r.kind == Kind::Casevac;
        f.casevac_requests += u64::from(casevac);
        let Some(d) = d else {
            f.pending += 1;
            continue;
        };
        match d.outcome {
            Outcome::Granted => f.granted += 1,
            Outcome::GrantedWithConditions => f.granted_with_conditions += 1,
            Outcome::Delayed => {
                f.delayed += 1;
                if let Some(m) = d.delay_minutes {
                    delays.push(m as f64);
                }
            }
            Outcome::Denied => {
                f.denied += 1;
                f.casevac_denied += u64::from(casevac);
            }
            Outcome::NoAnswer => f.no_answer += 1,
        }
    }
    let decided = f.requests - f.pending;
    if decided > 0 {
        f.share_denied_or_delayed = Some((f.denied + f.delayed) as f64 / decided as f64);
    }
    delays.sort_by(f64::total_cmp);
    f.median_delay_minutes = quantile_sorted(&delays, 0.5);
    f.p90_delay_minutes = quantile_sorted(&delays, 0.9);
    f
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
    }

    pub fn req(kind: Kind, sector: Sector, to: (f64, f64)) -> Request {
        Request {
            mode: if matches!(kind, Kind::Convoy | Kind::Investigation) { Mode::Ground } else { Mode::Air },
            kind,
            from_place: "Gao".into(),
            to_place: "Ansongo".into(),
            from_pt: None,
            to_pt: to,
            route_id: None,
            requested_at: t("2022-03-01T08:00:00Z"),
            planned_at: t("2022-03-01T12:00:00Z"),
            asset: "Mi-17".into(),
            sector,
            purpose: "resupply".into(),
        }
    }

    pub fn dec(outcome: Outcome, delay: Option<i64>) -> Decision {
        Decision {
            outcome,
            decided_at: (outcome != Outcome::NoAnswer).then(|| t("2022-03-01T09:00:00Z")),
            delay_minutes: delay,
            authority: "civil aviation".into(),
            reason: Reason::Insecurity,
            conditions: None,
        }
    }

    #[test]
    fn refusals_name_the_field_and_the_reason() {
        let r = req(Kind::Casevac, Sector::East, (0.5, 15.6));
        let mut d = dec(Outcome::Denied, None);
        d.decided_at = Some(t("2022-03-01T07:59:00Z"));
        let e = validate_decision(&r, &d).unwrap_err();
        assert_eq!(e.field, "decided_at");
        assert!(e.reason.contains("before the request time"), "{e}");
        let e = validate_decision(&r, &dec(Outcome::Delayed, Some(-5))).unwrap_err();
        assert_eq!((e.field.as_str(), e.reason.as_str()), ("delay_minutes", "-5 is negative"));
        let e = validate_decision(&r, &dec(Outcome::Delayed, None)).unwrap_err();
        assert_eq!(e.field, "delay_minutes");
        let mut g = req(Kind::Casevac, Sector::East, (0.5, 15.6));
        g.mode = Mode::Ground;
        assert_eq!(validate_request(&g).unwrap_err().field, "kind");
        let mut bad = req(Kind::Casevac, Sector::East, (200.0, 15.6));
        assert_eq!(validate_request(&bad).unwrap_err().field, "to");
        bad.to_pt = (0.5, 15.6);
        assert!(validate_request(&bad).is_ok());
        assert!(validate_decision(&r, &dec(Outcome::Delayed, Some(90))).is_ok());
        assert_eq!(parse_kind("helicopter").unwrap_err().field, "kind");
    }

    #[test]
    fn sector_figures_against_a_hand_count() {
        let e = (0.0, 16.0);
        let items = vec![
            (req(Kind::Casevac, Sector::East, e), Some(dec(Outcome::Denied, None))),
            (req(Kind::Casevac, Sector::East, e), Some(dec(Outcome::Granted, None))),
            (req(Kind::Patrol, Sector::East, e), Some(dec(Outcome::Delayed, Some(30)))),
            (req(Kind::Patrol, Sector::East, e), Some(dec(Outcome::Delayed, Some(120)))),
            (req(Kind::Patrol, Sector::East, e), None),
            (req(Kind::Isr, Sector::Centre, e), Some(dec(Outcome::Delayed, Some(60)))),
            (req(Kind::Isr, Sector::Centre, e), Some(dec(Outcome::NoAnswer, None))),
        ];
        let rows = figures(&items, GroupBy::Sector);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["centre", "east", "all"]);
        let east = &rows[1];
        assert_eq!((east.requests, east.pending, east.denied, east.delayed, east.granted), (5, 1, 1, 2, 1));
        // 3 of 4 decided were denied or delayed
        assert_eq!(east.share_denied_or_delayed, Some(0.75));
        assert_eq!((east.casevac_requests, east.casevac_denied), (2, 1));
        // delays 30, 120: nearest-rank median 30, p90 120
        assert_eq!((east.median_delay_minutes, east.p90_delay_minutes), (Some(30.0), Some(120.0)));
        let centre = &rows[0];
        assert_eq!(centre.share_denied_or_delayed, Some(0.5));
        let all = &rows[2];
        assert_eq!((all.requests, all.denied, all.delayed, all.no_answer), (7, 1, 3, 1));
        // delays 30, 60, 120
        assert_eq!((all.median_delay_minutes, all.p90_delay_minutes), (Some(60.0), Some(120.0)));
        let by_month = figures(&items, GroupBy::Month);
        assert_eq!(by_month[0].key, "2022-03");
        let by_auth = figures(&items, GroupBy::Authority);
        assert_eq!(by_auth.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["(pending)", "civil aviation", "all"]);
    }
}
