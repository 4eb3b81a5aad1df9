//! The demo's movement-and-safety records, all SYNTHETIC (generated here, not
//! reported): movement requests and decisions, attacks on the mission and convoys,
//! concentrated where S/2023/36 §34 says restrictions fall (sector East, Gao; sector
//! Centre, Mopti and Bandiagara), over the synthetic incidents' last two years; and
//! the review's axes (Gao–Kidal, Timbuktu–Gao, Labézanga–Gao, Sévaré–Bandiagara) as
//! straight lines between their towns, labelled approximate. No figure here is the
//! mission's: the counts come from a seeded generator.

use crate::movement::{record_attack, record_convoy, record_movement, MovementInput};
use crate::AppResult;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use vigil_movement::attacks::{Attack, AttackKind};
use vigil_movement::convoys::Convoy;
use vigil_movement::movements::{Decision, Kind, Mode, Outcome, Reason, Request, Sector};
use vigil_store::movement::NewRoute;
use vigil_store::Store;

/// Who the demo's records are written as.
pub const ACTOR: &str = "demo-synthetic";

type P = (f64, f64);
const GAO: P = (-0.04472, 16.27167);
const ANSONGO: P = (0.5022, 15.6597);
const MENAKA: P = (2.4022, 15.9182);
const BOUREM: P = (-0.34861, 16.955);
const SEVARE: P = (-4.09344, 14.52742);
const MOPTI: P = (-4.18296, 14.4843);
const BANDIAGARA: P = (-3.61038, 14.35005);
const DOUENTZA: P = (-2.94978, 15.00155);
const BANKASS: P = (-3.51594, 14.0775);
const KIDAL: P = (1.40778, 18.44111);
const TESSALIT: P = (1.01186, 20.20126);
const AGUELHOK: P = (0.85889, 19.46139);
const TIMBUKTU: P = (-3.00742, 16.77348);
const BER: P = (-2.531944, 16.834927);
const GOUNDAM: P = (-3.67075, 16.41453);
const BAMAKO: P = (-8.0, 12.65);
/// Labézanga, on the Niger border south of Ansongo: not in the project's gazetteer
/// and no coordinates found in its sources; an approximate position.
const LABEZANGA: P = (0.69, 14.95);

/// The review's axes, drawn between their towns.
pub fn demo_routes() -> Vec<NewRoute> {
    let r = |name: &str, note: &str, line: Vec<P>| NewRoute {
        name: name.into(),
        approximate: true,
        note: Some(format!("APPROXIMATION: straight lines between towns, not the road. {note}")),
        line,
        synthetic: false,
    };
    vec![
        r("Gao–Kidal", "S/2023/36 §68: casualty-evacuation gap on the axis.", vec![GAO, BOUREM, KIDAL]),
        r(
            "Timbuktu–Gao",
            "S/2023/36 §68: main supply route; via Bourem inferred from its position, not stated.",
            vec![TIMBUKTU, BOUREM, GAO],
        ),
        r(
            "Labézanga–Gao",
            "S/2023/36 §33. Labézanga's position is approximate (not in the gazetteer).",
            vec![LABEZANGA, ANSONGO, GAO],
        ),
        r("Sévaré–Bandiagara", "S/2023/36 §22: an axis, not called a supply route.", vec![SEVARE, BANDIAGARA]),
    ]
}

/// A small seeded generator (64-bit LCG), so the demo is the same every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[((self.next() * v.len() as f64) as usize).min(v.len() - 1)]
    }
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() * (hi - lo + 1) as f64) as i64
    }
}

/// What was seeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub routes: usize,
    pub movements: usize,
    pub attacks: usize,
    pub convoys: usize,
}

/// Seed the records once (nothing when routes exist already).
pub async fn seed(store: &Store) -> AppResult<Seeded> {
    if !store.routes().await?.is_empty() {
        return Ok(Seeded::default());
    }
    let route_ids = store.save_routes(ACTOR, &demo_routes()).await?;
    let mut g = Lcg(0x5eed_0018);
    let mut s = Seeded { routes: route_ids.len(), ..Default::default() };
    let start = Utc.with_ymd_and_hms(2021, 1, 1, 6, 0, 0).single().expect("a time");
    let days = (NaiveDate::from_ymd_opt(2022, 12, 31).expect("a date") - start.date_naive()).num_days();
    // sector: weight, base, destinations, share denied, share delayed
    type SectorPlan = (Sector, f64, P, &'static [(&'static str, P)], f64, f64);
    let sectors: [SectorPlan; 5] = [
        (
            Sector::East,
            0.38,
            GAO,
            &[("Gao", GAO), ("Ansongo", ANSONGO), ("Ménaka", MENAKA), ("Bourem", BOUREM)],
            0.14,
            0.18,
        ),
        (
            Sector::Centre,
            0.32,
            SEVARE,
            &[("Mopti", MOPTI), ("Bandiagara", BANDIAGARA), ("Douentza", DOUENTZA), ("Bankass", BANKASS)],
            0.12,
            0.20,
        ),
        (Sector::North, 0.13, KIDAL, &[("Kidal", KIDAL), ("Tessalit", TESSALIT), ("Aguelhok", AGUELHOK)], 0.04, 0.08),
        (Sector::West, 0.12, TIMBUKTU, &[("Timbuktu", TIMBUKTU), ("Ber", BER), ("Goundam", GOUNDAM)], 0.03, 0.07),
        (Sector::Bamako, 0.05, BAMAKO, &[("Bamako", BAMAKO)], 0.01, 0.04),
    ];
    let air_kinds = [
        Kind::Patrol,
        Kind::Casevac,
        Kind::Medevac,
        Kind::Isr,
        Kind::Logistics,
        Kind::HrMission,
        Kind::Isr,
        Kind::Logistics,
    ];
    let ground_kinds = [Kind::Patrol, Kind::Convoy, Kind::Investigation, Kind::Patrol];
    let authorities = [
        "Host-nation air authority (SYNTHETIC)",
        "Host-nation military command (SYNTHETIC)",
        "Regional governor (SYNTHETIC)",
    ];
    let reasons = [
        Reason::Insecurity,
        Reason::MilitaryOperations,
        Reason::ProcedureNotFollowed,
        Reason::NoneGiven,
        Reason::NoneGiven,
    ];
    for _ in 0..420 {
        let mut x = g.next();
        let sec = sectors.iter().find(|t| {
            x -= t.1;
            x < 0.0
        });
        let (sector, _, base, dests, p_denied, p_delayed) = sec.copied().unwrap_or(sectors[0]);
        let (to_name, to) = *g.pick(dests);
        let air = g.next() < 0.6;
        let kind = if air { *g.pick(&air_kinds) } else { *g.pick(&ground_kinds) };
        let planned = start + Duration::days(g.int(0, days)) + Duration::hours(g.int(0, 10));
        let requested = planned - Duration::hours(if kind == Kind::Casevac { g.int(1, 3) } else { g.int(24, 96) });
        let roll = g.next();
        let outcome = if roll < p_denied {
            Outcome::Denied
        } else if roll < p_denied + p_delayed {
            Outcome::Delayed
        } else if roll < p_denied + p_delayed + 0.03 {
            Outcome::NoAnswer
        } else if roll < p_denied + p_delayed + 0.15 {
            Outcome::GrantedWithConditions
        } else {
            Outcome::Granted
        };
        let answered = requested + Duration::minutes(g.int(20, 600));
        let route_id = match (air, sector, to_name) {
            (false, Sector::East, "Ansongo") => Some(route_ids[2]),
            (false, Sector::Centre, "Bandiagara") => Some(route_ids[3]),
            _ => None,
        };
        let input = MovementInput {
            request: Request {
                mode: if air { Mode::Air } else { Mode::Ground },
                kind,
                from_place: format!(
                    "{} base",
                    match sector {
                        Sector::East => "Gao",
                        Sector::Centre => "Sévaré",
                        Sector::North => "Kidal",
                        Sector::West => "Timbuktu",
                        Sector::Bamako => "Bamako",
                    }
                ),
                to_place: to_name.into(),
                from_pt: Some(base),
                to_pt: to,
                route_id,
                requested_at: requested,
                planned_at: planned,
                asset: (if air {
                    *g.pick(&["Mi-17", "MD 500E", "NH90", "CH-53", "UAV"])
                } else {
                    *g.pick(&["infantry company", "convoy company", "HR team escort"])
                })
                .into(),
                sector,
                purpose: format!("SYNTHETIC demo: {kind}"),
            },
            decision: Some(Decision {
                outcome,
                decided_at: (outcome != Outcome::NoAnswer).then_some(answered),
                delay_minutes: (outcome == Outcome::Delayed).then(|| g.int(30, 2880)),
                authority: (*g.pick(&authorities)).into(),
                reason: if outcome.restricted() { *g.pick(&reasons) } else { Reason::NoneGiven },
                conditions: (outcome == Outcome::GrantedWithConditions)
                    .then(|| "SYNTHETIC: escort by national forces required".into()),
            }),
            restricted: false,
        };
        record_movement(store, ACTOR, &input, true).await?;
        s.movements += 1;
    }
    // attacks on the mission since July 2013
    let a0 = NaiveDate::from_ymd_opt(2013, 7, 1).expect("a date");
    let adays = (NaiveDate::from_ymd_opt(2022, 12, 31).expect("a date") - a0).num_days();
    let places: [(Sector, &str, P); 10] = [
        (Sector::East, "Gao", GAO),
        (Sector::East, "Ansongo", ANSONGO),
        (Sector::East, "Ménaka", MENAKA),
        (Sector::Centre, "Mopti", MOPTI),
        (Sector::Centre, "Douentza", DOUENTZA),
        (Sector::Centre, "Bandiagara", BANDIAGARA),
        (Sector::Centre, "Bankass", BANKASS),
        (Sector::North, "Kidal", KIDAL),
        (Sector::North, "Aguelhok", AGUELHOK),
        (Sector::West, "Ber", BER),
    ];
    let kinds = [
        AttackKind::Ied,
        AttackKind::Ied,
        AttackKind::Ied,
        AttackKind::IndirectFire,
        AttackKind::ComplexAttack,
        AttackKind::ConvoyAmbush,
        AttackKind::Mine,
    ];
    for _ in 0..160 {
        let (sector, place, pt) = *g.pick(&places);
        let kind = *g.pick(&kinds);
        let heavy = if kind == AttackKind::ComplexAttack { 3 } else { 1 };
        let a = Attack {
            date: a0 + Duration::days(g.int(0, adays)),
            kind,
            sector,
            place: place.into(),
            pt: Some((pt.0 + (g.next() - 0.5) * 0.4, pt.1 + (g.next() - 0.5) * 0.4)),
            unit: "SYNTHETIC unit".into(),
            contingent: "SYNTHETIC".into(),
            peacekeepers_killed: if g.next() < 0.25 { g.int(1, 2) * heavy } else { 0 },
            peacekeepers_injured: g.int(0, 3) * heavy,
            civilians_killed: if g.next() < 0.1 { 1 } else { 0 },
            civilians_injured: if g.next() < 0.15 { g.int(1, 3) } else { 0 },
            incident_id: None,
        };
        record_attack(store, ACTOR, &a, false, true).await?;
        s.attacks += 1;
    }
    // convoys on the axes: typical hours per route, longer when delayed
    let typical = [(0usize, 30.0), (1, 40.0), (2, 10.0), (3, 3.0)];
    for _ in 0..80 {
        let (ri, hours) = *g.pick(&typical);
        let dep: DateTime<Utc> = start + Duration::days(g.int(0, days)) + Duration::hours(5);
        let delayed = g.next() < 0.3;
        let h = hours * (0.8 + g.next() * 0.6) * if delayed { 2.0 + g.next() * 3.0 } else { 1.0 };
        let c = Convoy {
            route_id: Some(route_ids[ri]),
            departed_at: dep,
            arrived_at: Some(dep + Duration::minutes((h * 60.0) as i64)),
            vehicles: g.int(20, 150),
            escort: (*g.pick(&["combat convoy company", "infantry platoon", "none"])).into(),
            delay_reason: delayed.then(|| {
                (*g.pick(&[
                    "SYNTHETIC: IED cleared on the route",
                    "SYNTHETIC: vehicles bogged",
                    "SYNTHETIC: movement not authorised",
                ]))
                .to_string()
            }),
            incident_ids: vec![],
        };
        record_convoy(store, ACTOR, &c, true).await?;
        s.convoys += 1;
    }
    Ok(s)
}
