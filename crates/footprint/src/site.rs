//! Sites and their units: `sites.csv` (15 rows, facts with sources) and `assets.toml`
//! (how the tool reads the free-text asset columns, unit by unit, with tags).

use crate::{InputError, Tag};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a unit extends the mission's reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReachKind {
    /// CASEVAC by helicopter (when `casevac`)
    Air,
    /// quick reaction by road
    Ground,
    /// no effect on reach (engineers, police, staff…)
    None,
}

/// A unit at a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// as the options name it: `quick_reaction_force`, `medium_utility_helicopter_unit`…
    pub kind: String,
    pub count: u32,
    pub reach: ReachKind,
    pub casevac: bool,
    pub night: bool,
    pub tag: Tag,
    #[serde(default)]
    pub note: String,
}

/// A site as the shipped data describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// mission_hq, sector_hq, camp, police_unit_base, temporary_operating_base, proposed_camp…
    pub kind: String,
    /// North, East, West, Centre, or Bamako (mission HQ)
    pub sector: String,
    pub lat: f64,
    pub lon: f64,
    /// `active` or `proposed` in January 2023
    pub status: String,
    /// a damage-control-surgery (Level 2) facility, from `damage_control_surgery_sites`
    pub level2: bool,
    pub units: Vec<Unit>,
    #[serde(default)]
    pub admin1: String,
    #[serde(default)]
    pub admin2: String,
    #[serde(default)]
    pub coord_quality: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub sources: String,
}

impl Site {
    pub fn active(&self) -> bool {
        self.status == "active"
    }
}

/// What a unit kind does for reach (`[unit_kinds.*]` of assets.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindInfo {
    pub reach: ReachKind,
    pub casevac: bool,
    pub night: bool,
    pub tag: Tag,
    pub note: String,
}

pub type UnitKinds = BTreeMap<String, KindInfo>;

/// A unit of `kind` as the kinds table says (no reach for a kind it does not list).
pub fn unit_of(kinds: &UnitKinds, kind: &str, count: u32, night: Option<bool>) -> Unit {
    match kinds.get(kind) {
        Some(k) => Unit {
            kind: kind.to_string(),
            count,
            reach: k.reach,
            casevac: k.casevac,
            night: night.unwrap_or(k.night),
            tag: k.tag,
            note: k.note.clone(),
        },
        None => Unit {
            kind: kind.to_string(),
            count,
            reach: ReachKind::None,
            casevac: false,
            night: false,
            tag: Tag::Sourced,
            note: String::new(),
        },
    }
}

/// Parse `sites.csv`; errors name the row and column.
pub fn parse_sites(file: &str, text: &str) -> Result<Vec<Site>, InputError> {
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let headers = rd.headers().map_err(|e| InputError::new(file, "header", e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| InputError::new(file, "header", format!("no column `{name}`")))
    };
    let c: BTreeMap<&str, usize> = [
        "site_id",
        "name",
        "kind",
        "sector",
        "status_2023_01",
        "latitude",
        "longitude",
        "coord_quality",
        "adm1_ocha",
        "adm2_ocha",
        "notes",
        "sources",
    ]
    .into_iter()
    .map(|n| col(n).map(|i| (n, i)))
    .collect::<Result<_, _>>()?;
    let mut out: Vec<Site> = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let row = i + 2;
        let rec = rec.map_err(|e| InputError::new(file, format!("line {row}"), e.to_string()))?;
        let get = |n: &str| rec.get(c[n]).unwrap_or("").trim().to_string();
        let num = |n: &str| -> Result<f64, InputError> {
            let v = get(n);
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| InputError::new(file, format!("line {row}, {n}"), format!("`{v}` is not a number")))
        };
        let id = get("site_id");
        if id.is_empty() {
            return Err(InputError::new(file, format!("line {row}, site_id"), "empty site id"));
        }
        if out.iter().any(|s| s.id == id) {
            return Err(InputError::new(file, format!("line {row}, site_id"), format!("site `{id}` listed twice")));
        }
        let (lat, lon) = (num("latitude")?, num("longitude")?);
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(InputError::new(file, format!("line {row}, latitude/longitude"), "outside the globe"));
        }
        let status = get("status_2023_01");
        out.push(Site {
            id,
            name: get("name"),
            kind: get("kind"),
            sector: get("sector"),
            lat,
            lon,
            status: if status.starts_with("proposed") { "proposed".into() } else { status },
            level2: false,
            units: Vec::new(),
            admin1: get("adm1_ocha"),
            admin2: get("adm2_ocha"),
            coord_quality: get("coord_quality"),
            notes: get("notes"),
            sources: get("sources"),
        });
    }
    Ok(out)
}

fn tag_of(file: &str, key: &str, v: Option<&toml::Value>) -> Result<Tag, InputError> {
    match v.and_then(toml::Value::as_str) {
        Some("sourced") => Ok(Tag::Sourced),
        Some("derived") => Ok(Tag::Derived),
        Some("assumption") => Ok(Tag::Assumption),
        other => Err(InputError::new(file, key, format!("tag must be sourced, derived or assumption, not {other:?}"))),
    }
}

/// Read `assets.toml`: put its `[[unit]]`s on their sites and return the kinds table.
pub fn apply_assets(file: &str, text: &str, sites: &mut [Site]) -> Result<UnitKinds, InputError> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| InputError::new(file, "(file)", e.to_string()))?;
    let mut kinds = UnitKinds::new();
    if let Some(t) = doc.get("unit_kinds").and_then(toml::Value::as_table) {
        for (name, v) in t {
            let key = format!("unit_kinds.{name}");
            let reach = match v.get("reach").and_then(toml::Value::as_str) {
                Some("air") => ReachKind::Air,
                Some("ground") => ReachKind::Ground,
                Some("none") | None => ReachKind::None,
                Some(o) => {
                    return Err(InputError::new(
                        file,
                        format!("{key}.reach"),
                        format!("`{o}` is not air, ground or none"),
                    ))
                }
            };
            kinds.insert(
                name.clone(),
                KindInfo {
                    reach,
                    casevac: v.get("casevac").and_then(toml::Value::as_bool).unwrap_or(false),
                    night: v.get("night").and_then(toml::Value::as_bool).unwrap_or(false),
                    tag: tag_of(file, &format!("{key}.tag"), v.get("tag"))?,
                    note: v.get("note").and_then(toml::Value::as_str).unwrap_or("").to_string(),
                },
            );
        }
    }
    for (i, u) in doc.get("unit").and_then(toml::Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
        let key = format!("unit[{i}]");
        let site = u.get("site").and_then(toml::Value::as_str).unwrap_or("");
        let Some(s) = sites.iter_mut().find(|s| s.id == site) else {
            return Err(InputError::new(file, format!("{key}.site"), format!("unknown site `{site}`")));
        };
        let kind = u.get("unit").and_then(toml::Value::as_str).unwrap_or("");
        let mut unit = unit_of(&kinds, kind, 1, None);
        unit.count = u.get("count").and_then(toml::Value::as_integer).unwrap_or(1).max(0) as u32;
        unit.casevac = u.get("casevac").and_then(toml::Value::as_bool).unwrap_or(unit.casevac);
        unit.night = u.get("night").and_then(toml::Value::as_bool).unwrap_or(unit.night);
        unit.tag = tag_of(file, &format!("{key}.tag"), u.get("tag"))?;
        unit.note = u.get("note").and_then(toml::Value::as_str).unwrap_or("").to_string();
        s.units.push(unit);
    }
    Ok(kinds)
}
