//! Attacks on the mission and their figures, counted from the records: since a
//! chosen date, by year, sector and kind, and in the review's own sentence ("548 IED
//! attacks since July 2013, killing 103 and wounding 638 peacekeepers").

use crate::movements::Sector;
use crate::{coded, Refusal};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

coded!(
    /// The kind of attack.
    AttackKind {
        Ied = "ied",
        IndirectFire = "indirect_fire",
        ComplexAttack = "complex_attack",
        ConvoyAmbush = "convoy_ambush",
        Mine = "mine",
    }
);

impl AttackKind {
    /// The phrase in a sentence ("N IED attacks").
    pub fn phrase(self) -> &'static str {
        match self {
            AttackKind::Ied => "IED attacks",
            AttackKind::IndirectFire => "indirect-fire attacks",
            AttackKind::ComplexAttack => "complex attacks on camps",
            AttackKind::ConvoyAmbush => "convoy ambushes",
            AttackKind::Mine => "mine strikes",
        }
    }
}

/// An attack on the mission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attack {
    pub date: NaiveDate,
    pub kind: AttackKind,
    pub sector: Sector,
    pub place: String,
    pub pt: Option<(f64, f64)>,
    pub unit: String,
    pub contingent: String,
    pub peacekeepers_killed: i64,
    pub peacekeepers_injured: i64,
    pub civilians_killed: i64,
    pub civilians_injured: i64,
    pub incident_id: Option<i64>,
}

/// Check an attack before it is stored.
pub fn validate(a: &Attack) -> Result<(), Refusal> {
    for (field, v) in [
        ("peacekeepers_killed", a.peacekeepers_killed),
        ("peacekeepers_injured", a.peacekeepers_injured),
        ("civilians_killed", a.civilians_killed),
        ("civilians_injured", a.civilians_injured),
    ] {
        if v < 0 {
            return Err(Refusal::new(field, format!("{v} is negative")));
        }
    }
    if let Some((lon, lat)) = a.pt {
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(Refusal::new("location", format!("({lon}, {lat}) is not a longitude, latitude in degrees")));
        }
    }
    Ok(())
}

/// Attacks and casualties.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub attacks: u64,
    pub peacekeepers_killed: i64,
    pub peacekeepers_injured: i64,
    pub civilians_killed: i64,
    pub civilians_injured: i64,
}

impl Tally {
    fn add(&mut self, a: &Attack) {
        self.attacks += 1;
        self.peacekeepers_killed += a.peacekeepers_killed;
        self.peacekeepers_injured += a.peacekeepers_injured;
        self.civilians_killed += a.civilians_killed;
        self.civilians_injured += a.civilians_injured;
    }
}

/// One group's tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyed {
    pub key: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// The figures since a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub since: NaiveDate,
    pub total: Tally,
    pub by_kind: Vec<Keyed>,
    pub by_year: Vec<Keyed>,
    pub by_sector: Vec<Keyed>,
    /// The review's form, one sentence per kind with attacks, then all kinds.
    pub sentences: Vec<String>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "July 2013" on the first of a month, "5 July 2013" otherwise.
pub fn since_phrase(d: NaiveDate) -> String {
    let m = MONTHS[d.month0() as usize];
    if d.day() == 1 {
        format!("{m} {}", d.year())
    } else {
        format!("{} {m} {}", d.day(), d.year())
    }
}

fn keyed(m: BTreeMap<String, Tally>) -> Vec<Keyed> {
    m.into_iter().map(|(key, tally)| Keyed { key, tally }).collect()
}

/// The figures over the attacks on or after `since`.
pub fn figures(attacks: &[Attack], since: NaiveDate) -> Figures {
    let mut total = Tally::default();
    let mut kind: BTreeMap<AttackKind, Tally> = BTreeMap::new();
    let mut year: BTreeMap<String, Tally> = BTreeMap::new();
    let mut sector: BTreeMap<String, Tally> = BTreeMap::new();
    for a in attacks.iter().filter(|a| a.date >= since) {
        total.add(a);
        kind.entry(a.kind).or_default().add(a);
        year.entry(a.date.year().to_string()).or_default().add(a);
        sector.entry(a.sector.as_str().to_string()).or_default().add(a);
    }
    let when = since_phrase(since);
    let mut sentences: Vec<String> = kind
        .iter()
        .map(|(k, t)| {
            format!(
                "{} {} since {when}, killing {} and wounding {} peacekeepers",
                t.attacks,
                k.phrase(),
                t.peacekeepers_killed,
                t.peacekeepers_injured
            )
        })
        .collect();
    sentences.push(format!(
        "{} attacks on the mission since {when}: {} peacekeepers killed and {} injured; {} civilians killed and {} injured",
        total.attacks, total.peacekeepers_killed, total.peacekeepers_injured, total.civilians_killed, total.civilians_injured
    ));
    Figures {
        since,
        total,
        by_kind: kind.into_iter().map(|(k, tally)| Keyed { key: k.as_str().into(), tally }).collect(),
        by_year: keyed(year),
        by_sector: keyed(sector),
        sentences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(date: &str, kind: AttackKind, sector: Sector, pk: (i64, i64), civ: (i64, i64)) -> Attack {
        Attack {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date"),
            kind,
            sector,
            place: String::new(),
            pt: None,
            unit: String::new(),
            contingent: String::new(),
            peacekeepers_killed: pk.0,
            peacekeepers_injured: pk.1,
            civilians_killed: civ.0,
            civilians_injured: civ.1,
            incident_id: None,
        }
    }

    #[test]
    fn figures_against_hand_counted_records() {
        use AttackKind::*;
        let recs = vec![
            a("2013-06-30", Ied, Sector::East, (5, 5), (0, 0)), // before: not counted
            a("2013-07-01", Ied, Sector::East, (2, 3), (1, 0)),
            a("2014-02-10", Ied, Sector::Centre, (0, 4), (0, 2)),
            a("2014-05-05", IndirectFire, Sector::North, (1, 10), (0, 0)),
            a("2019-01-20", ComplexAttack, Sector::North, (10, 25), (0, 0)),
            a("2022-02-01", Ied, Sector::Centre, (3, 1), (2, 5)),
        ];
        let f = figures(&recs, NaiveDate::from_ymd_opt(2013, 7, 1).expect("date"));
        // hand count: IED 3 attacks, killed 2+0+3 = 5, wounded 3+4+1 = 8
        assert_eq!(f.sentences[0], "3 IED attacks since July 2013, killing 5 and wounding 8 peacekeepers");
        assert_eq!(
            f.total,
            Tally {
                attacks: 5,
                peacekeepers_killed: 16,
                peacekeepers_injured: 43,
                civilians_killed: 3,
                civilians_injured: 7
            }
        );
        assert_eq!(
            f.sentences.last().map(String::as_str),
            Some("5 attacks on the mission since July 2013: 16 peacekeepers killed and 43 injured; 3 civilians killed and 7 injured")
        );
        let years: Vec<(&str, u64)> = f.by_year.iter().map(|k| (k.key.as_str(), k.tally.attacks)).collect();
        assert_eq!(years, [("2013", 1), ("2014", 2), ("2019", 1), ("2022", 1)]);
        let sectors: Vec<(&str, i64)> =
            f.by_sector.iter().map(|k| (k.key.as_str(), k.tally.peacekeepers_killed)).collect();
        assert_eq!(sectors, [("centre", 3), ("east", 2), ("north", 11)]);
        assert_eq!(since_phrase(NaiveDate::from_ymd_opt(2020, 3, 5).expect("date")), "5 March 2020");
    }

    #[test]
    fn negative_counts_are_refused_by_field() {
        let mut x = a("2022-01-01", AttackKind::Mine, Sector::East, (0, 0), (0, 0));
        x.civilians_injured = -1;
        let e = validate(&x).unwrap_err();
        assert_eq!((e.field.as_str(), e.reason.as_str()), ("civilians_injured", "-1 is negative"));
    }
}
