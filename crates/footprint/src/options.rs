//! `options.toml` into scenarios and settings. Bad input is refused with the file, the
//! key (`option[1a].unit_change[3].sectors`) and the reason: an unknown site, a unit
//! placed in no sector, a speed of 0, a negative delay.

use crate::scenario::{Change, Scenario};
use crate::settings::Settings;
use crate::site::{ReachKind, Site, UnitKinds};
use crate::InputError;
use serde::Serialize;
use toml::Value;

/// What options.toml holds.
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    pub source: String,
    pub sectors: Vec<String>,
    pub settings: Settings,
    /// the baseline first, then the options in file order
    pub scenarios: Vec<Scenario>,
    /// changes planned before any option (§32–33): shown, not applied
    pub planned: Vec<String>,
    pub baseline_as_of: String,
}

/// Where a unit named only by its sector goes (A-PLACE): the sector HQ.
pub fn sector_hq<'a>(sites: &'a [Site], sector: &str) -> Option<&'a Site> {
    sites.iter().find(|s| s.kind == "sector_hq" && s.sector == sector)
}

fn num(v: &Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("").to_string()
}

fn strings(file: &str, key: &str, v: &Value) -> Result<Vec<String>, InputError> {
    v.as_array()
        .ok_or_else(|| InputError::new(file, key, "expected a list of names"))?
        .iter()
        .map(|x| x.as_str().map(str::to_string).ok_or_else(|| InputError::new(file, key, "expected a list of names")))
        .collect()
}

struct Ctx<'a> {
    file: &'a str,
    sites: &'a [Site],
    kinds: &'a UnitKinds,
    sectors: Vec<String>,
}

impl Ctx<'_> {
    fn site(&self, key: &str, id: &str) -> Result<String, InputError> {
        if self.sites.iter().any(|s| s.id == id) {
            Ok(id.to_string())
        } else {
            Err(InputError::new(self.file, key, format!("unknown site `{id}` (not in sites.csv)")))
        }
    }

    fn sector(&self, key: &str, s: &str) -> Result<String, InputError> {
        if !self.sectors.iter().any(|x| x == s) {
            return Err(InputError::new(
                self.file,
                key,
                format!("unit placed in no sector: `{s}` is not one of the sectors ({})", self.sectors.join(", ")),
            ));
        }
        sector_hq(self.sites, s)
            .map(|h| h.id.clone())
            .ok_or_else(|| InputError::new(self.file, key, format!("sector `{s}` has no sector HQ in sites.csv")))
    }
}

/// Parse options.toml (`file` names it in errors) against the sites and unit kinds.
pub fn parse_options(file: &str, text_: &str, sites: &[Site], kinds: &UnitKinds) -> Result<Options, InputError> {
    let doc: toml::Table = text_
        .parse()
        .map_err(|e: toml::de::Error| InputError::new(file, "(file)", e.to_string().trim().to_string()))?;
    let sectors = match doc.get("sectors") {
        Some(v) => strings(file, "sectors", v)?,
        None => return Err(InputError::new(file, "sectors", "missing: the list of force sectors")),
    };
    let cx = Ctx { file, sites, kinds, sectors: sectors.clone() };
    let settings = parse_defaults(file, doc.get("planning_defaults"), &cx)?;

    // the baseline
    let base =
        doc.get("baseline").and_then(Value::as_table).ok_or_else(|| InputError::new(file, "baseline", "missing"))?;
    let active = strings(file, "baseline.active_sites", base.get("active_sites").unwrap_or(&Value::Array(vec![])))?;
    let mut base_changes = vec![];
    for (i, a) in active.iter().enumerate() {
        cx.site(&format!("baseline.active_sites[{i}]"), a)?;
    }
    if let Some(p) = base.get("proposed_sites") {
        for (i, a) in strings(file, "baseline.proposed_sites", p)?.iter().enumerate() {
            cx.site(&format!("baseline.proposed_sites[{i}]"), a)?;
        }
    }
    for s in sites.iter().filter(|s| s.active() && !active.contains(&s.id)) {
        base_changes.push(Change::CloseSite {
            site: s.id.clone(),
            action: "not in baseline".into(),
            note: String::new(),
        });
    }
    let mut planned = vec![];
    for (i, p) in
        base.get("planned_change").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate()
    {
        for k in ["site", "from_site"] {
            if let Some(s) = p.get(k).and_then(Value::as_str) {
                cx.site(&format!("baseline.planned_change[{i}].{k}"), s)?;
            }
        }
        planned.push(format!("{} ({}; due {})", text(p.get("what")), text(p.get("source")), text(p.get("due"))));
    }
    let mut scenarios = vec![Scenario {
        id: "baseline".into(),
        title: "Baseline: sites active in January 2023".into(),
        based_on: None,
        description: text(base.get("description")),
        source: "sites.csv, GPKO".into(),
        changes: base_changes,
    }];

    for (oi, o) in doc.get("option").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
        let id = o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| InputError::new(file, format!("option[{oi}].id"), "missing"))?;
        let at = format!("option[{id}]");
        if scenarios.iter().any(|s| s.id == id) {
            return Err(InputError::new(file, format!("{at}.id"), format!("option `{id}` defined twice")));
        }
        let mut changes = vec![];
        for (i, c) in
            o.get("site_change").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate()
        {
            site_change(&cx, &format!("{at}.site_change[{i}]"), c, &mut changes)?;
        }
        for (i, c) in
            o.get("unit_change").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate()
        {
            unit_change(&cx, &format!("{at}.unit_change[{i}]"), c, &mut changes)?;
        }
        for (i, c) in
            o.get("posture_change").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate()
        {
            let key = format!("{at}.posture_change[{i}]");
            let mut ss = vec![];
            if let Some(v) = c.get("sites") {
                for (j, s) in strings(file, &format!("{key}.sites"), v)?.iter().enumerate() {
                    ss.push(cx.site(&format!("{key}.sites[{j}]"), s)?);
                }
            }
            changes.push(Change::Posture { what: text(c.get("what")), sites: ss, note: text(c.get("source")) });
        }
        let paras = o.get("paras").map(|p| strings(file, &format!("{at}.paras"), p)).transpose()?.unwrap_or_default();
        scenarios.push(Scenario {
            id: id.to_string(),
            title: text(o.get("title")),
            based_on: None,
            description: text(o.get("effects")),
            source: paras.join(", "),
            changes,
        });
    }
    Ok(Options {
        source: text(doc.get("source")),
        sectors,
        settings,
        scenarios,
        planned,
        baseline_as_of: text(base.get("as_of")),
    })
}

fn parse_defaults(file: &str, v: Option<&Value>, cx: &Ctx) -> Result<Settings, InputError> {
    let mut s = Settings::default();
    let Some(t) = v.and_then(Value::as_table) else {
        return Ok(s);
    };
    let get = |k: &str| -> Result<Option<f64>, InputError> {
        match t.get(k) {
            None => Ok(None),
            Some(v) => num(v)
                .filter(|x| x.is_finite())
                .map(Some)
                .ok_or_else(|| InputError::new(file, format!("planning_defaults.{k}"), "expected a number")),
        }
    };
    let speeds = [
        ("helicopter_block_speed_kmh", "a helicopter speed"),
        ("road_speed_escorted_kmh", "a road speed"),
        ("road_speed_unthreatened_kmh", "a road speed"),
    ];
    for (k, what) in speeds {
        if let Some(x) = get(k)? {
            if x <= 0.0 {
                return Err(InputError::new(
                    file,
                    format!("planning_defaults.{k}"),
                    format!("{what} must be above 0 km/h, not {x}"),
                ));
            }
        }
    }
    for k in ["launch_delay_day_min", "launch_delay_night_min", "on_scene_min"] {
        if let Some(x) = get(k)? {
            if x < 0.0 {
                return Err(InputError::new(
                    file,
                    format!("planning_defaults.{k}"),
                    format!("a delay cannot be negative ({x} min)"),
                ));
            }
        }
    }
    if let Some(x) = get("helicopter_block_speed_kmh")? {
        s.speed_kmh = x;
    }
    if let Some(x) = get("launch_delay_day_min")? {
        s.launch_day_min = x;
    }
    if let Some(x) = get("launch_delay_night_min")? {
        s.launch_night_min = x;
    }
    if let Some(x) = get("on_scene_min")? {
        s.on_scene_min = x;
    }
    if let Some(x) = get("road_speed_escorted_kmh")? {
        s.road_speed_kmh = x;
    }
    if let Some(x) = get("road_factor")? {
        s.road_factor = x;
    }
    if let Some(v) = t.get("casevac_timeline_min") {
        let w: Vec<f64> = v.as_array().map(|a| a.iter().filter_map(num).collect()).unwrap_or_default();
        if w.len() != 3 || w.iter().any(|x| *x <= 0.0) {
            return Err(InputError::new(
                file,
                "planning_defaults.casevac_timeline_min",
                "expected three positive minutes, e.g. [10, 60, 120]",
            ));
        }
        s.window_1h_min = w[1];
        s.window_2h_min = w[2];
    }
    if let Some(v) = t.get("damage_control_surgery_sites") {
        let key = "planning_defaults.damage_control_surgery_sites";
        s.dcs_sites = strings(file, key, v)?;
        for (i, d) in s.dcs_sites.iter().enumerate() {
            cx.site(&format!("{key}[{i}]"), d)?;
        }
    }
    s.check(file).map_err(|e| InputError::new(file, format!("planning_defaults.{}", e.key), e.reason))?;
    Ok(s)
}

fn site_change(cx: &Ctx, key: &str, c: &Value, out: &mut Vec<Change>) -> Result<(), InputError> {
    let action = text(c.get("action"));
    let note = text(c.get("source"));
    let ids: Vec<String> = match (c.get("site"), c.get("sites")) {
        (Some(s), None) => vec![cx.site(&format!("{key}.site"), s.as_str().unwrap_or(""))?],
        (None, Some(v)) => strings(cx.file, &format!("{key}.sites"), v)?
            .iter()
            .enumerate()
            .map(|(j, s)| cx.site(&format!("{key}.sites[{j}]"), s))
            .collect::<Result<_, _>>()?,
        _ => return Err(InputError::new(cx.file, key, "give `site` or `sites`")),
    };
    for site in ids {
        out.push(match action.as_str() {
            "open" => Change::OpenSite { site, note: note.clone() },
            "close" | "close_and_hand_over" | "withdraw_and_hand_over" => Change::CloseSite { site, action: action.clone(), note: note.clone() },
            "reduce_to_minimum" | "police_units_leave" => Change::ReduceSite { site, action: action.clone(), note: note.clone() },
            "reinforce" | "consolidate" => Change::NoteSite { site, action: action.clone(), note: note.clone() },
            other => {
                return Err(InputError::new(
                    cx.file,
                    format!("{key}.action"),
                    format!("unknown action `{other}` (open, close, close_and_hand_over, withdraw_and_hand_over, reduce_to_minimum, police_units_leave, reinforce, consolidate)"),
                ))
            }
        });
    }
    Ok(())
}

fn unit_change(cx: &Ctx, key: &str, c: &Value, out: &mut Vec<Change>) -> Result<(), InputError> {
    let unit = c
        .get("unit")
        .and_then(Value::as_str)
        .ok_or_else(|| InputError::new(cx.file, format!("{key}.unit"), "missing"))?;
    let count = match c.get("count").or_else(|| c.get("count_per_sector")) {
        None => 1,
        Some(v) => match v.as_integer() {
            Some(n) if n >= 1 => n as u32,
            _ => return Err(InputError::new(cx.file, format!("{key}.count"), "a count of at least 1")),
        },
    };
    let note = text(c.get("source"));
    let reach = cx.kinds.get(unit).map_or(ReachKind::None, |k| k.reach);
    let has = |k: &str| c.get(k).is_some();
    if has("from_site") && has("site") {
        out.push(Change::MoveUnit {
            unit: unit.into(),
            from: cx.site(&format!("{key}.from_site"), &text(c.get("from_site")))?,
            to: cx.site(&format!("{key}.site"), &text(c.get("site")))?,
            count,
            note,
        });
    } else if has("from_sites") && has("to_sites") {
        let from = strings(cx.file, &format!("{key}.from_sites"), &c["from_sites"])?;
        let to = strings(cx.file, &format!("{key}.to_sites"), &c["to_sites"])?;
        if from.len() != to.len() {
            return Err(InputError::new(cx.file, format!("{key}.to_sites"), "as many destinations as origins"));
        }
        for (j, (f, t)) in from.iter().zip(&to).enumerate() {
            out.push(Change::MoveUnit {
                unit: unit.into(),
                from: cx.site(&format!("{key}.from_sites[{j}]"), f)?,
                to: cx.site(&format!("{key}.to_sites[{j}]"), t)?,
                count: 1,
                note: note.clone(),
            });
        }
    } else if has("site") {
        out.push(Change::AddUnit {
            unit: unit.into(),
            site: cx.site(&format!("{key}.site"), &text(c.get("site")))?,
            count,
            night: None,
            placed_by: String::new(),
            note,
        });
    } else if has("sites") {
        for (j, s) in strings(cx.file, &format!("{key}.sites"), &c["sites"])?.iter().enumerate() {
            out.push(Change::AddUnit {
                unit: unit.into(),
                site: cx.site(&format!("{key}.sites[{j}]"), s)?,
                count: 1,
                night: None,
                placed_by: "split not given".into(),
                note: note.clone(),
            });
        }
    } else if has("sectors") || has("sector") {
        let list = match c.get("sectors") {
            Some(v) => strings(cx.file, &format!("{key}.sectors"), v)?,
            None => vec![text(c.get("sector"))],
        };
        if list.is_empty() {
            return Err(InputError::new(
                cx.file,
                format!("{key}.sectors"),
                "unit placed in no sector: the list is empty",
            ));
        }
        let k = if has("sectors") { format!("{key}.sectors") } else { format!("{key}.sector") };
        for s in &list {
            let hq = cx.sector(&k, s)?;
            if has("action") {
                // "reassess number" and the like: nothing to place
                out.push(Change::Unplaced {
                    unit: unit.into(),
                    note: format!("{} ({s}; {note})", text(c.get("action"))),
                });
            } else {
                out.push(Change::AddUnit {
                    unit: unit.into(),
                    site: hq,
                    count,
                    night: None,
                    placed_by: format!("A-PLACE: sector {s} HQ"),
                    note: note.clone(),
                });
            }
        }
    } else if reach != ReachKind::None {
        return Err(InputError::new(
            cx.file,
            key,
            format!(
                "unit placed in no sector: `{unit}` gives reach, so it needs `site`, `sites`, `sector` or `sectors`"
            ),
        ));
    } else {
        out.push(Change::Unplaced { unit: unit.into(), note: format!("{} ({note})", text(c.get("placement"))) });
    }
    Ok(())
}
