//! A scenario is the baseline plus an ordered list of changes; applying it gives each
//! site's state (open or not, its units).

use crate::site::{unit_of, ReachKind, Site, Unit, UnitKinds};
use serde::{Deserialize, Serialize};

/// A site a scenario adds (a planner's new camp).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSite {
    pub id: String,
    pub name: String,
    #[serde(default = "camp")]
    pub kind: String,
    pub sector: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub level2: bool,
}

fn camp() -> String {
    "camp".into()
}

fn one() -> u32 {
    1
}

/// One change to the footprint, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// a new site, not in sites.csv
    AddSite {
        site: NewSite,
        #[serde(default)]
        note: String,
    },
    /// a proposed site opens (Bourem)
    OpenSite {
        site: String,
        #[serde(default)]
        note: String,
    },
    /// closed, handed over or withdrawn: no reach from it any more
    CloseSite {
        site: String,
        #[serde(default = "close")]
        action: String,
        #[serde(default)]
        note: String,
    },
    /// reduced to the logistics minimum: its QRF and police units leave; helicopters
    /// and hospital stay (assumption)
    ReduceSite {
        site: String,
        #[serde(default)]
        action: String,
        #[serde(default)]
        note: String,
    },
    /// reinforced or consolidated without a stated unit: recorded, no effect on reach
    NoteSite {
        site: String,
        action: String,
        #[serde(default)]
        note: String,
    },
    AddUnit {
        unit: String,
        site: String,
        #[serde(default = "one")]
        count: u32,
        /// `None`: as the unit kind says
        #[serde(default)]
        night: Option<bool>,
        /// how the site was chosen when the report names none (e.g. "A-PLACE")
        #[serde(default)]
        placed_by: String,
        #[serde(default)]
        note: String,
    },
    RemoveUnit {
        unit: String,
        site: String,
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        note: String,
    },
    MoveUnit {
        unit: String,
        from: String,
        to: String,
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        note: String,
    },
    /// a change of posture: recorded, no effect on reach
    Posture {
        what: String,
        #[serde(default)]
        sites: Vec<String>,
        #[serde(default)]
        note: String,
    },
    /// a unit the report places nowhere: recorded, no effect on reach
    Unplaced {
        unit: String,
        #[serde(default)]
        note: String,
    },
}

fn close() -> String {
    "close".into()
}

impl Change {
    /// The site ids this change refers to (that must exist before it).
    pub fn refs(&self) -> Vec<&str> {
        match self {
            Change::AddSite { .. } | Change::Unplaced { .. } => vec![],
            Change::OpenSite { site, .. }
            | Change::CloseSite { site, .. }
            | Change::ReduceSite { site, .. }
            | Change::NoteSite { site, .. }
            | Change::AddUnit { site, .. }
            | Change::RemoveUnit { site, .. } => vec![site.as_str()],
            Change::MoveUnit { from, to, .. } => vec![from.as_str(), to.as_str()],
            Change::Posture { sites, .. } => sites.iter().map(String::as_str).collect(),
        }
    }

    /// The site this change defines, if any.
    pub fn defines(&self) -> Option<&str> {
        match self {
            Change::AddSite { site, .. } => Some(site.id.as_str()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Change::AddSite { .. } => "add_site",
            Change::OpenSite { .. } => "open_site",
            Change::CloseSite { .. } => "close_site",
            Change::ReduceSite { .. } => "reduce_site",
            Change::NoteSite { .. } => "note_site",
            Change::AddUnit { .. } => "add_unit",
            Change::RemoveUnit { .. } => "remove_unit",
            Change::MoveUnit { .. } => "move_unit",
            Change::Posture { .. } => "posture",
            Change::Unplaced { .. } => "unplaced",
        }
    }
}

/// A scenario: the baseline and its changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    /// the option it was copied from, if any
    #[serde(default)]
    pub based_on: Option<String>,
    #[serde(default)]
    pub description: String,
    /// paragraphs of S/2023/36
    #[serde(default)]
    pub source: String,
    pub changes: Vec<Change>,
}

/// A change that cannot apply: which one, which key, why.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[error("scenario `{scenario}`: change {index} ({kind}): {key}: {reason}")]
pub struct ScenarioError {
    pub scenario: String,
    pub index: usize,
    pub kind: String,
    pub key: String,
    pub reason: String,
}

/// A site in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteState {
    pub site: Site,
    pub open: bool,
    /// active, proposed, opened, closed / close_and_hand_over…, reduced, added
    pub status: String,
    /// the changes that touched it, as text
    pub history: Vec<String>,
}

impl SiteState {
    /// CASEVAC-capable helicopter units here (by night: night-capable ones).
    pub fn casevac_units(&self, night: bool) -> u32 {
        if !self.open {
            return 0;
        }
        self.site
            .units
            .iter()
            .filter(|u| u.reach == ReachKind::Air && u.casevac && (!night || u.night))
            .map(|u| u.count)
            .sum()
    }

    pub fn qrf_units(&self) -> u32 {
        if !self.open {
            return 0;
        }
        self.site.units.iter().filter(|u| u.reach == ReachKind::Ground).map(|u| u.count).sum()
    }
}

/// Check every reference of a scenario without applying it.
pub fn validate(sites: &[Site], sc: &Scenario) -> Result<(), ScenarioError> {
    let mut known: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    for (i, c) in sc.changes.iter().enumerate() {
        let err = |key: &str, reason: String| ScenarioError {
            scenario: sc.id.clone(),
            index: i,
            kind: c.type_name().into(),
            key: key.into(),
            reason,
        };
        for r in c.refs() {
            if !known.contains(&r) {
                return Err(err("site", format!("unknown site `{r}`")));
            }
        }
        if let Change::AddSite { site, .. } = c {
            if site.id.trim().is_empty()
                || !site.id.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
            {
                return Err(err("site.id", format!("`{}`: letters, digits, - and _ only", site.id)));
            }
            if known.contains(&site.id.as_str()) {
                return Err(err("site.id", format!("site `{}` exists already", site.id)));
            }
            if !(-90.0..=90.0).contains(&site.lat) || !(-180.0..=180.0).contains(&site.lon) {
                return Err(err("site.lat/lon", "outside the globe".into()));
            }
            if site.sector.trim().is_empty() {
                return Err(err("site.sector", "a site needs a sector".into()));
            }
            known.push(site.id.as_str());
        }
        if let Change::AddUnit { count: 0, .. }
        | Change::MoveUnit { count: 0, .. }
        | Change::RemoveUnit { count: 0, .. } = c
        {
            return Err(err("count", "a count of 0 changes nothing".into()));
        }
    }
    Ok(())
}

/// The sites of a scenario after its changes.
pub fn apply(sites: &[Site], kinds: &UnitKinds, sc: &Scenario) -> Result<Vec<SiteState>, ScenarioError> {
    validate(sites, sc)?;
    let mut st: Vec<SiteState> = sites
        .iter()
        .map(|s| SiteState { site: s.clone(), open: s.active(), status: s.status.clone(), history: vec![] })
        .collect();
    let idx = |st: &Vec<SiteState>, id: &str| st.iter().position(|s| s.site.id == id).unwrap_or(usize::MAX);
    for (i, c) in sc.changes.iter().enumerate() {
        let err = |key: &str, reason: String| ScenarioError {
            scenario: sc.id.clone(),
            index: i,
            kind: c.type_name().into(),
            key: key.into(),
            reason,
        };
        match c {
            Change::AddSite { site, .. } => st.push(SiteState {
                site: Site {
                    id: site.id.clone(),
                    name: site.name.clone(),
                    kind: site.kind.clone(),
                    sector: site.sector.clone(),
                    lat: site.lat,
                    lon: site.lon,
                    status: "added".into(),
                    level2: site.level2,
                    units: vec![],
                    admin1: String::new(),
                    admin2: String::new(),
                    coord_quality: "added in a scenario".into(),
                    notes: String::new(),
                    sources: String::new(),
                },
                open: true,
                status: "added".into(),
                history: vec!["added".into()],
            }),
            Change::OpenSite { site, .. } => {
                let k = idx(&st, site);
                st[k].open = true;
                st[k].status = "opened".into();
                st[k].history.push("opened".into());
            }
            Change::CloseSite { site, action, .. } => {
                let k = idx(&st, site);
                st[k].open = false;
                st[k].status = action.clone();
                st[k].history.push(action.clone());
            }
            Change::ReduceSite { site, action, .. } => {
                let k = idx(&st, site);
                st[k].site.units.retain(|u| u.reach != ReachKind::Ground && u.kind != "formed_police_unit");
                st[k].status = "reduced".into();
                st[k].history.push(if action.is_empty() { "reduced".into() } else { action.clone() });
            }
            Change::NoteSite { site, action, .. } => {
                let k = idx(&st, site);
                st[k].history.push(action.clone());
            }
            Change::AddUnit { unit, site, count, night, .. } => {
                let k = idx(&st, site);
                let mut u = unit_of(kinds, unit, *count, *night);
                if let Some(n) = night {
                    u.night = *n;
                }
                add_unit(&mut st[k].site.units, u);
                st[k].history.push(format!("+{count} {unit}"));
            }
            Change::RemoveUnit { unit, site, count, .. } => {
                let k = idx(&st, site);
                if !remove_unit(&mut st[k].site.units, unit, *count) {
                    return Err(err("unit", format!("no {count} `{unit}` at `{site}` to remove")));
                }
                st[k].history.push(format!("-{count} {unit}"));
            }
            Change::MoveUnit { unit, from, to, count, .. } => {
                let (a, b) = (idx(&st, from), idx(&st, to));
                // a unit the baseline does not itemise (police, companies) moves all the same
                let moved = st[a].site.units.iter().find(|u| &u.kind == unit).cloned();
                remove_unit(&mut st[a].site.units, unit, *count);
                let mut u = moved.unwrap_or_else(|| unit_of(kinds, unit, *count, None));
                u.count = *count;
                add_unit(&mut st[b].site.units, u);
                st[a].history.push(format!("-{count} {unit} to {to}"));
                st[b].history.push(format!("+{count} {unit} from {from}"));
            }
            Change::Posture { .. } | Change::Unplaced { .. } => {}
        }
    }
    Ok(st)
}

fn add_unit(units: &mut Vec<Unit>, u: Unit) {
    match units.iter_mut().find(|x| x.kind == u.kind && x.night == u.night && x.casevac == u.casevac) {
        Some(x) => x.count += u.count,
        None => units.push(u),
    }
}

fn remove_unit(units: &mut Vec<Unit>, kind: &str, count: u32) -> bool {
    let have: u32 = units.iter().filter(|u| u.kind == kind).map(|u| u.count).sum();
    if have < count {
        units.retain(|u| u.kind != kind);
        return false;
    }
    let mut left = count;
    for u in units.iter_mut().filter(|u| u.kind == kind) {
        let take = left.min(u.count);
        u.count -= take;
        left -= take;
    }
    units.retain(|u| u.count > 0);
    true
}
