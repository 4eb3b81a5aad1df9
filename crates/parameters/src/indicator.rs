//! Indicators: definitions, sources, baselines, targets and status.

use serde::Serialize;

/// The four parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Param {
    /// (a) advances in the political transition, in line with the electoral timetable.
    A,
    /// (b) progress in implementing the peace Agreement.
    B,
    /// (c) freedom of movement, including for ISR assets.
    C,
    /// (d) the ability to implement the whole mandate, human rights and protection included.
    D,
}

impl Param {
    pub const ALL: [Param; 4] = [Param::A, Param::B, Param::C, Param::D];

    pub fn code(self) -> &'static str {
        match self {
            Param::A => "a",
            Param::B => "b",
            Param::C => "c",
            Param::D => "d",
        }
    }

    pub fn parse(s: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Param::A => "(a) Political transition, in line with the electoral timetable",
            Param::B => "(b) Implementation of the peace Agreement",
            Param::C => "(c) Freedom of movement, including for ISR assets",
            Param::D => "(d) Ability to implement the whole mandate (human rights, protection)",
        }
    }

    pub fn title_fr(self) -> &'static str {
        match self {
            Param::A => "(a) Transition politique, conformément au calendrier électoral",
            Param::B => "(b) Mise en œuvre de l'Accord pour la paix",
            Param::C => "(c) Liberté de mouvement, y compris des moyens ISR",
            Param::D => "(d) Capacité à exécuter tout le mandat (droits de l'homme, protection)",
        }
    }
}

/// Where an indicator's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Computed from Vigil's records; `query` says which and how.
    Computed { query: &'static str },
    /// Entered by hand; every value must carry its evidence.
    Manual,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// An indicator of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Indicator {
    pub code: &'static str,
    pub param: Param,
    pub name: &'static str,
    pub name_fr: &'static str,
    pub definition: &'static str,
    pub unit: &'static str,
    pub source: Source,
    pub better: Better,
    /// The value the mission started from (None: not set).
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// Where to see the records behind the figure (a UI route, filters appended).
    pub records: &'static str,
}

/// The indicators, in the order the dashboard shows them. Baselines and targets of
/// the computed indicators are the mission's planning assumptions for the demo and
/// are SYNTHETIC; the review's figures (§14–17) are the manual combatant values.
pub const INDICATORS: &[Indicator] = &[
    Indicator {
        code: "a_milestones_on_time",
        param: Param::A,
        name: "Transition milestones due by the period's end that were held",
        name_fr: "Jalons de la transition échus à la fin de la période et tenus",
        definition: "Share (%) of the milestones of parameter (a) planned on or before the period's last day that have an actual date on or before it.",
        unit: "%",
        source: Source::Computed { query: "param_milestones WHERE parameter = 'a' AND planned_date <= period end: count(actual_date <= period end) / count(*)" },
        better: Better::Higher,
        baseline: Some(0.0),
        target: Some(100.0),
        records: "#/parameters/milestones?parameter=a",
    },
    Indicator {
        code: "b_milestones_on_time",
        param: Param::B,
        name: "Agreement steps due by the period's end that were done",
        name_fr: "Étapes de l'Accord échues à la fin de la période et accomplies",
        definition: "Share (%) of the milestones of parameter (b) planned on or before the period's last day that have an actual date on or before it.",
        unit: "%",
        source: Source::Computed { query: "param_milestones WHERE parameter = 'b' AND planned_date <= period end: count(actual_date <= period end) / count(*)" },
        better: Better::Higher,
        baseline: Some(0.0),
        target: Some(100.0),
        records: "#/parameters/milestones?parameter=b",
    },
    Indicator {
        code: "b_combatants_integrated",
        param: Param::B,
        name: "Former combatants integrated into the reconstituted forces",
        name_fr: "Ex-combattants intégrés dans les forces reconstituées",
        definition: "Cumulative number of former combatants integrated, as last reported with its evidence (the review, S/2023/36 §14-17: 26,000 to integrate, 2,300 disarmed, 1,765 integrated).",
        unit: "persons",
        source: Source::Manual,
        better: Better::Higher,
        baseline: Some(0.0),
        target: Some(26000.0),
        records: "#/parameters/manual?indicator=b_combatants_integrated",
    },
    Indicator {
        code: "c_denied_or_delayed",
        param: Param::C,
        name: "Movement requests denied or delayed",
        name_fr: "Demandes de mouvement refusées ou retardées",
        definition: "Share (%) of the movement requests planned in the period with a decision recorded whose decision is denied, delayed or no answer in time (restricted requests counted, never shown).",
        unit: "%",
        source: Source::Computed { query: "movement_requests JOIN movement_decisions WHERE planned_at in period: count(outcome IN ('denied','delayed','no_answer')) / count(*), by sector" },
        better: Better::Lower,
        baseline: Some(25.0),
        target: Some(10.0),
        records: "#/movement",
    },
    Indicator {
        code: "c_casevac_denied",
        param: Param::C,
        name: "CASEVAC flights denied or unanswered",
        name_fr: "Vols CASEVAC refusés ou sans réponse",
        definition: "Number of CASEVAC requests planned in the period that were denied or had no answer in time.",
        unit: "requests",
        source: Source::Computed { query: "movement_requests JOIN movement_decisions WHERE kind = 'casevac' AND planned_at in period AND outcome IN ('denied','no_answer'): count(*)" },
        better: Better::Lower,
        baseline: Some(2.0),
        target: Some(0.0),
        records: "#/movement?kind=casevac",
    },
    Indicator {
        code: "d_access_denied",
        param: Param::D,
        name: "Human-rights investigation missions denied access",
        name_fr: "Missions d'enquête droits de l'homme sans accès",
        definition: "Number of field missions of special investigations starting in the period whose access was denied (an aggregate: no investigation is named).",
        unit: "missions",
        source: Source::Computed { query: "hr_investigation_missions WHERE start_date in period AND access = 'denied': count(*)" },
        better: Better::Lower,
        baseline: Some(2.0),
        target: Some(0.0),
        records: "#/rights",
    },
    Indicator {
        code: "d_alerts_acted_in_time",
        param: Param::D,
        name: "Alerts acted on within the target time",
        name_fr: "Alertes suivies d'action dans le délai cible",
        definition: "Share (%) of the alerts issued in the period with a response dispatched within the target time (24 hours) of issue.",
        unit: "%",
        source: Source::Computed { query: "alerts WHERE issued_at in period; responses: min(dispatched_at) per alert; count(dispatched_at - issued_at <= 24 h) / count(*)" },
        better: Better::Higher,
        baseline: Some(50.0),
        target: Some(80.0),
        records: "#/alerts",
    },
    Indicator {
        code: "d_deaths_in_alerted_areas",
        param: Param::D,
        name: "Civilian deaths in areas with an active alert",
        name_fr: "Civils tués dans des zones sous alerte active",
        definition: "Civilian deaths (deaths_civilians) of incidents in the period in a region (admin1) where an alert was issued on or before the incident's date and had not expired.",
        unit: "deaths",
        source: Source::Computed { query: "incidents WHERE date_start in period (visible to the caller, not retracted) with an alert of the same admin1 where issued_at <= date_start <= expires_at: sum(deaths_civilians)" },
        better: Better::Lower,
        baseline: None,
        target: None,
        records: "#/map",
    },
];

pub fn indicator(code: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.code == code)
}

/// A status set by a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::OnTrack, Status::AtRisk, Status::OffTrack];

    pub fn code(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::OffTrack => "off track",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The status the figures suggest: the target reached is on track; no worse than
    /// the baseline, at risk; worse than the baseline, off track. None without a value
    /// or without both a baseline and a target.
    pub fn suggested(ind: &Indicator, value: Option<f64>) -> Option<Status> {
        let (v, b, t) = (value?, ind.baseline?, ind.target?);
        let ge = |x: f64, y: f64| match ind.better {
            Better::Higher => x >= y,
            Better::Lower => x <= y,
        };
        Some(if ge(v, t) {
            Status::OnTrack
        } else if ge(v, b) {
            Status::AtRisk
        } else {
            Status::OffTrack
        })
    }
}

/// Why a status cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("indicator `{0}` is not one of the parameters' indicators")]
    UnknownIndicator(String),
    #[error("status `{0}` is not one of on_track, at_risk, off_track")]
    UnknownStatus(String),
    #[error("reason: a status needs a reason (why it was set)")]
    NoReason,
}

/// Check a status a person sets: a known indicator and status, and a reason.
pub fn check_status(
    indicator_code: &str,
    status: &str,
    reason: &str,
) -> Result<Status, StatusError> {
    indicator(indicator_code)
        .ok_or_else(|| StatusError::UnknownIndicator(indicator_code.into()))?;
    let s = Status::parse(status).ok_or_else(|| StatusError::UnknownStatus(status.into()))?;
    if reason.trim().is_empty() {
        return Err(StatusError::NoReason);
    }
    Ok(s)
}

/// A value entered by hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManualValue {
    pub indicator: String,
    /// YYYY-MM-DD: the date the value is true on.
    pub as_of: chrono::NaiveDate,
    pub value: f64,
    /// Where the value comes from (a document, its paragraph, a link): required.
    pub evidence: String,
    /// From a published source (e.g. the review) or a SYNTHETIC demo value.
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManualError {
    #[error("indicator `{0}` is not one of the parameters' indicators")]
    UnknownIndicator(String),
    #[error("indicator `{0}` is computed from Vigil's records; it takes no manual value")]
    Computed(String),
    #[error("evidence: a manual value of `{0}` needs its evidence (the document and paragraph, or a link it comes from); refused without it")]
    NoEvidence(String),
    #[error("value: must be a finite number")]
    NotFinite,
}

/// Check a manual value: a manual indicator, a finite value, and evidence.
pub fn check_manual(v: &ManualValue) -> Result<(), ManualError> {
    let ind = indicator(&v.indicator)
        .ok_or_else(|| ManualError::UnknownIndicator(v.indicator.clone()))?;
    if ind.source != Source::Manual {
        return Err(ManualError::Computed(v.indicator.clone()));
    }
    if !v.value.is_finite() {
        return Err(ManualError::NotFinite);
    }
    if v.evidence.trim().is_empty() {
        return Err(ManualError::NoEvidence(v.indicator.clone()));
    }
    Ok(())
}

/// The manual value that holds at a date: the latest with `as_of` on or before it.
pub fn manual_at<'a>(
    values: &'a [ManualValue],
    indicator: &str,
    on: chrono::NaiveDate,
) -> Option<&'a ManualValue> {
    values
        .iter()
        .filter(|v| v.indicator == indicator && v.as_of <= on)
        .max_by_key(|v| v.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_parameter_has_indicators_and_codes_are_unique() {
        for p in Param::ALL {
            assert!(INDICATORS.iter().any(|i| i.param == p), "{p:?}");
        }
        let mut codes: Vec<_> = INDICATORS.iter().map(|i| i.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), INDICATORS.len());
    }

    #[test]
    fn a_manual_value_without_evidence_is_refused() {
        let mut v = ManualValue {
            indicator: "b_combatants_integrated".into(),
            as_of: d("2022-12-31"),
            value: 1765.0,
            evidence: "  ".into(),
            synthetic: false,
        };
        let e = check_manual(&v).unwrap_err();
        assert_eq!(e, ManualError::NoEvidence("b_combatants_integrated".into()));
        assert!(e.to_string().contains("needs its evidence"), "{e}");
        v.evidence = "S/2023/36 §16".into();
        assert!(check_manual(&v).is_ok());
        v.indicator = "c_denied_or_delayed".into();
        assert_eq!(
            check_manual(&v),
            Err(ManualError::Computed("c_denied_or_delayed".into()))
        );
        v.indicator = "nope".into();
        assert!(matches!(
            check_manual(&v),
            Err(ManualError::UnknownIndicator(_))
        ));
    }

    #[test]
    fn manual_value_at_a_date_is_the_latest_before_it() {
        let mk = |as_of: &str, value: f64| ManualValue {
            indicator: "b_combatants_integrated".into(),
            as_of: d(as_of),
            value,
            evidence: "x".into(),
            synthetic: false,
        };
        let vs = vec![mk("2022-06-30", 1000.0), mk("2022-12-31", 1765.0)];
        assert_eq!(
            manual_at(&vs, "b_combatants_integrated", d("2022-09-30"))
                .unwrap()
                .value,
            1000.0
        );
        assert_eq!(
            manual_at(&vs, "b_combatants_integrated", d("2023-01-01"))
                .unwrap()
                .value,
            1765.0
        );
        assert!(manual_at(&vs, "b_combatants_integrated", d("2022-01-01")).is_none());
    }

    #[test]
    fn suggested_status_follows_baseline_and_target() {
        let c = indicator("c_denied_or_delayed").unwrap(); // baseline 25, target 10, lower better
        assert_eq!(Status::suggested(c, Some(8.0)), Some(Status::OnTrack));
        assert_eq!(Status::suggested(c, Some(10.0)), Some(Status::OnTrack));
        assert_eq!(Status::suggested(c, Some(20.0)), Some(Status::AtRisk));
        assert_eq!(Status::suggested(c, Some(30.0)), Some(Status::OffTrack));
        assert_eq!(Status::suggested(c, None), None);
        let a = indicator("d_alerts_acted_in_time").unwrap(); // 50 -> 80, higher better
        assert_eq!(Status::suggested(a, Some(90.0)), Some(Status::OnTrack));
        assert_eq!(Status::suggested(a, Some(49.0)), Some(Status::OffTrack));
        assert_eq!(
            Status::suggested(indicator("d_deaths_in_alerted_areas").unwrap(), Some(3.0)),
            None
        );
    }

    #[test]
    fn a_status_needs_a_reason_and_known_codes() {
        assert_eq!(
            check_status("c_casevac_denied", "at_risk", "two denials in Kidal"),
            Ok(Status::AtRisk)
        );
        assert_eq!(
            check_status("c_casevac_denied", "at_risk", " "),
            Err(StatusError::NoReason)
        );
        assert!(matches!(
            check_status("c_casevac_denied", "fine", "x"),
            Err(StatusError::UnknownStatus(_))
        ));
        assert!(matches!(
            check_status("zz", "at_risk", "x"),
            Err(StatusError::UnknownIndicator(_))
        ));
    }
}
