//! Every planning parameter, with its staged default (options.toml `[planning_defaults]`,
//! assumptions.md) and its tag. Results carry the settings they used.

use crate::{InputError, Tag};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-sector movement restrictions (A-RESTRICT): the share of sorties or convoys
/// denied, and the delay added to the rest. Default 0: the report gives no figure.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Restriction {
    pub denied_share: f64,
    pub added_delay_min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// helicopter planning block speed, km/h (A-HELI)
    pub speed_kmh: f64,
    /// minutes from the call to take-off by day (A-LAUNCH)
    pub launch_day_min: f64,
    /// by night (A-NIGHT); only night-capable units fly
    pub launch_night_min: f64,
    /// host-nation clearance added to every launch (A-LAUNCH)
    pub clearance_min: f64,
    /// minutes on scene before the flight to surgery (A-1012)
    pub on_scene_min: f64,
    /// the "1" of 10-1-2, minutes
    pub window_1h_min: f64,
    /// the "2" of 10-1-2, minutes
    pub window_2h_min: f64,
    /// ground quick reaction: road speed, km/h (A-ROAD, escorted convoy)
    pub road_speed_kmh: f64,
    /// road km per straight-line km (A-ROAD)
    pub road_factor: f64,
    /// QRF notice to move, minutes (A-QRF)
    pub qrf_notice_min: f64,
    /// ground reach counted within this many hours (the N of "within N h")
    pub qrf_hours: f64,
    /// incidents of the last this-many months count
    pub incident_months: u32,
    /// damage-control-surgery (Level 2) sites
    pub dcs_sites: Vec<String>,
    /// per sector
    pub restrictions: BTreeMap<String, Restriction>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            speed_kmh: 200.0,
            launch_day_min: 30.0,
            launch_night_min: 60.0,
            clearance_min: 0.0,
            on_scene_min: 15.0,
            window_1h_min: 60.0,
            window_2h_min: 120.0,
            road_speed_kmh: 10.0,
            road_factor: 1.25,
            qrf_notice_min: 30.0,
            qrf_hours: 2.0,
            incident_months: 12,
            dcs_sites: vec!["gao".into(), "timbuktu".into(), "sevare".into()],
            restrictions: BTreeMap::new(),
        }
    }
}

/// One setting as users see it: value, default, unit, tag, the assumptions.md item
/// it rests on, and where to change it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingInfo {
    pub key: &'static str,
    pub value: serde_json::Value,
    pub default: serde_json::Value,
    pub unit: &'static str,
    pub tag: Tag,
    pub reference: &'static str,
    pub label: &'static str,
}

/// Where a setting is changed (shown with every assumption).
pub const WHERE_TO_CHANGE: &str = "per request: `--set KEY=VALUE` (vigil footprint compare) or `?set=KEY:VALUE` \
(/api/footprint/compare); defaults: [planning_defaults] in data/footprint/options.toml";

type Num = (&'static str, &'static str, Tag, &'static str, &'static str);

/// key, unit, tag, reference, label — for the numeric settings.
const NUMERIC: &[Num] = &[
    ("speed_kmh", "km/h", Tag::Assumption, "A-HELI", "Helicopter planning block speed"),
    ("launch_day_min", "min", Tag::Assumption, "A-LAUNCH", "Launch delay by day"),
    ("launch_night_min", "min", Tag::Assumption, "A-NIGHT", "Launch delay by night"),
    ("clearance_min", "min", Tag::Assumption, "A-LAUNCH", "Host-nation clearance delay"),
    ("on_scene_min", "min", Tag::Assumption, "A-1012", "Time on scene"),
    ("window_1h_min", "min", Tag::Sourced, "A-1012", "10-1-2: first window"),
    ("window_2h_min", "min", Tag::Sourced, "A-1012", "10-1-2: surgery window"),
    ("road_speed_kmh", "km/h", Tag::Assumption, "A-ROAD", "Road speed, escorted"),
    ("road_factor", "road km / km", Tag::Derived, "A-ROAD", "Road factor"),
    ("qrf_notice_min", "min", Tag::Assumption, "A-QRF", "QRF notice to move"),
    ("qrf_hours", "h", Tag::Assumption, "A-QRF", "Ground reach window (N h)"),
    ("incident_months", "months", Tag::Assumption, "", "Incidents counted: last N months"),
];

impl Settings {
    fn num(&self, key: &str) -> f64 {
        match key {
            "speed_kmh" => self.speed_kmh,
            "launch_day_min" => self.launch_day_min,
            "launch_night_min" => self.launch_night_min,
            "clearance_min" => self.clearance_min,
            "on_scene_min" => self.on_scene_min,
            "window_1h_min" => self.window_1h_min,
            "window_2h_min" => self.window_2h_min,
            "road_speed_kmh" => self.road_speed_kmh,
            "road_factor" => self.road_factor,
            "qrf_notice_min" => self.qrf_notice_min,
            "qrf_hours" => self.qrf_hours,
            "incident_months" => f64::from(self.incident_months),
            _ => f64::NAN,
        }
    }

    /// Set one setting from text (`speed_kmh=180`, `restriction.East.added_delay_min=30`),
    /// checked; `file` names where the text came from in the error.
    pub fn set(&mut self, file: &str, key: &str, value: &str) -> Result<(), InputError> {
        let v: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| InputError::new(file, key, format!("`{value}` is not a number")))?;
        if let Some(rest) = key.strip_prefix("restriction.") {
            let (sector, field) = rest
                .split_once('.')
                .ok_or_else(|| InputError::new(file, key, "use restriction.SECTOR.denied_share or .added_delay_min"))?;
            let r = self.restrictions.entry(sector.to_string()).or_default();
            match field {
                "denied_share" => r.denied_share = v,
                "added_delay_min" => r.added_delay_min = v,
                _ => return Err(InputError::new(file, key, "use denied_share or added_delay_min")),
            }
        } else {
            match key {
                "speed_kmh" => self.speed_kmh = v,
                "launch_day_min" => self.launch_day_min = v,
                "launch_night_min" => self.launch_night_min = v,
                "clearance_min" => self.clearance_min = v,
                "on_scene_min" => self.on_scene_min = v,
                "window_1h_min" => self.window_1h_min = v,
                "window_2h_min" => self.window_2h_min = v,
                "road_speed_kmh" => self.road_speed_kmh = v,
                "road_factor" => self.road_factor = v,
                "qrf_notice_min" => self.qrf_notice_min = v,
                "qrf_hours" => self.qrf_hours = v,
                "incident_months" if v >= 1.0 && v.fract() == 0.0 => self.incident_months = v as u32,
                "incident_months" => return Err(InputError::new(file, key, "a whole number of months, at least 1")),
                _ => {
                    let known: Vec<&str> = NUMERIC.iter().map(|n| n.0).collect();
                    return Err(InputError::new(file, key, format!("unknown setting; known: {}", known.join(", "))));
                }
            }
        }
        self.check(file)
    }

    /// Refuse a speed of 0, a negative delay, a road factor below 1, a share outside 0–1.
    pub fn check(&self, file: &str) -> Result<(), InputError> {
        for (key, what) in [("speed_kmh", "a helicopter speed"), ("road_speed_kmh", "a road speed")] {
            if self.num(key) <= 0.0 {
                return Err(InputError::new(file, key, format!("{what} must be above 0 km/h, not {}", self.num(key))));
            }
        }
        for key in ["launch_day_min", "launch_night_min", "clearance_min", "on_scene_min", "qrf_notice_min"] {
            if self.num(key) < 0.0 {
                return Err(InputError::new(file, key, format!("a delay cannot be negative ({} min)", self.num(key))));
            }
        }
        for key in ["window_1h_min", "window_2h_min", "qrf_hours"] {
            if self.num(key) <= 0.0 {
                return Err(InputError::new(
                    file,
                    key,
                    format!("a time window must be above 0, not {}", self.num(key)),
                ));
            }
        }
        if self.road_factor < 1.0 {
            return Err(InputError::new(
                file,
                "road_factor",
                format!("a road is never shorter than the straight line ({})", self.road_factor),
            ));
        }
        for (s, r) in &self.restrictions {
            if !(0.0..=1.0).contains(&r.denied_share) {
                return Err(InputError::new(file, format!("restriction.{s}.denied_share"), "a share between 0 and 1"));
            }
            if r.added_delay_min < 0.0 {
                return Err(InputError::new(
                    file,
                    format!("restriction.{s}.added_delay_min"),
                    "a delay cannot be negative",
                ));
            }
        }
        Ok(())
    }

    /// The settings with their defaults, units, tags and references.
    pub fn describe(&self) -> Vec<SettingInfo> {
        let d = Settings::default();
        let mut out: Vec<SettingInfo> = NUMERIC
            .iter()
            .map(|&(key, unit, tag, reference, label)| SettingInfo {
                key,
                value: serde_json::json!(self.num(key)),
                default: serde_json::json!(d.num(key)),
                unit,
                tag,
                reference,
                label,
            })
            .collect();
        out.push(SettingInfo {
            key: "dcs_sites",
            value: serde_json::json!(self.dcs_sites),
            default: serde_json::json!(d.dcs_sites),
            unit: "site ids",
            tag: Tag::Sourced,
            reference: "A-1012",
            label: "Damage-control-surgery (Level 2) sites",
        });
        out.push(SettingInfo {
            key: "restrictions",
            value: serde_json::json!(self.restrictions),
            default: serde_json::json!({}),
            unit: "per sector: share denied, minutes added",
            tag: Tag::Assumption,
            reference: "A-RESTRICT",
            label: "Movement restrictions",
        });
        out
    }

    /// The settings as a flat JSON object (what a result says it used).
    pub fn used(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
