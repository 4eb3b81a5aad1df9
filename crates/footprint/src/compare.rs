//! Coverage per scenario, the comparison table (rows: measures; columns: scenarios;
//! deltas against the first, the baseline), ranked gaps and the sensitivity grid.

use crate::reach::{self, ColumnCoverage, PointIn, PointSet, Reach, SourceInfo};
use crate::scenario::{apply, Scenario, ScenarioError, SiteState};
use crate::settings::Settings;
use crate::site::{Site, UnitKinds};
use crate::Tag;
use serde::Serialize;

/// A named route or axis: a polyline between site points (A-MSR). No route geometry
/// exists in the sources: these are straight legs between town points [assumption].
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub id: &'static str,
    pub label: &'static str,
    pub via: &'static [&'static str],
    pub source: &'static str,
}

pub const ROUTES: &[Route] = &[
    Route { id: "gao_kidal", label: "Gao–Kidal axis", via: &["gao", "kidal"], source: "§68" },
    Route {
        id: "timbuktu_gao",
        label: "Timbuktu–Gao MSR (via Bourem, inferred)",
        via: &["timbuktu", "bourem", "gao"],
        source: "§68",
    },
    Route {
        id: "goundam_timbuktu",
        label: "Goundam–Timbuktu axis",
        via: &["goundam", "timbuktu"],
        source: "SAHELINT-2023",
    },
    Route {
        id: "mopti_ogossagou",
        label: "Mopti–Ogossagou road (proxy point)",
        via: &["mopti", "ogossagou"],
        source: "MPR-0804",
    },
    Route {
        id: "douentza_timbuktu",
        label: "Douentza–Timbuktu road",
        via: &["douentza", "timbuktu"],
        source: "TOI-2022-11",
    },
    Route { id: "gao_ansongo", label: "RN17 Gao–Ansongo", via: &["gao", "ansongo"], source: "APA-ANSONGO" },
];

/// Sample step along routes, km.
pub const ROUTE_STEP_KM: f64 = 2.0;

/// Route sample points, one column per route (km of that route at the point).
pub fn route_points(sites: &[Site]) -> PointSet {
    let cols: Vec<&str> = ROUTES.iter().map(|r| r.id).collect();
    let mut pts = vec![];
    for (ri, r) in ROUTES.iter().enumerate() {
        let at: Vec<&Site> = r.via.iter().filter_map(|id| sites.iter().find(|s| &s.id == id)).collect();
        for leg in at.windows(2) {
            let (a, b) = (leg[0], leg[1]);
            let len = crate::km(a.lat, a.lon, b.lat, b.lon);
            let n = (len / ROUTE_STEP_KM).ceil().max(1.0) as usize;
            for k in 0..n {
                // midpoints of n equal pieces (linear in lat/lon: legs are short)
                let f = (k as f64 + 0.5) / n as f64;
                let mut w = vec![0.0; ROUTES.len()];
                w[ri] = len / n as f64;
                pts.push(PointIn {
                    lat: a.lat + f * (b.lat - a.lat),
                    lon: a.lon + f * (b.lon - a.lon),
                    weights: w,
                    admin1: None,
                    admin2: None,
                });
            }
        }
    }
    PointSet::build("routes", &cols, pts)
}

/// What coverage is computed on. Columns:
/// - incidents: `incidents`, `fatalities`, `civilian_fatalities`, `fatalities_sb`, `fatalities_ns`, `fatalities_os`;
/// - forecast: `expected_fatalities`;
/// - towns: `population`, `towns`.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub incidents: PointSet,
    pub forecast: PointSet,
    pub towns: PointSet,
    pub routes: PointSet,
    /// what the inputs are: period, run, synthetic or not
    pub notes: Vec<String>,
}

pub const INCIDENT_COLUMNS: &[&str] =
    &["incidents", "fatalities", "civilian_fatalities", "fatalities_sb", "fatalities_ns", "fatalities_os"];
pub const FORECAST_COLUMNS: &[&str] = &["expected_fatalities"];
pub const TOWN_COLUMNS: &[&str] = &["population", "towns"];

/// One scenario's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioCoverage {
    pub scenario: String,
    pub title: String,
    pub night: bool,
    pub sites_open: usize,
    pub casevac_bases: usize,
    pub qrf_bases: usize,
    pub sources: Vec<SourceInfo>,
    pub incidents: Vec<ColumnCoverage>,
    pub forecast: Vec<ColumnCoverage>,
    pub towns: Vec<ColumnCoverage>,
    pub routes: Vec<ColumnCoverage>,
    pub gaps: Vec<Gap>,
    pub sites: Vec<SiteState>,
}

/// A cluster of risk outside reach (a 0.5° cell).
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub rank: usize,
    pub lat: f64,
    pub lon: f64,
    pub fatalities: f64,
    pub expected_fatalities: f64,
    /// fatalities + expected fatalities: the ranking key
    pub risk: f64,
    pub nearest_site: String,
    pub nearest_km: f64,
    /// minutes by air from the fastest CASEVAC site, if any
    pub air_minutes: Option<f64>,
}

/// Coverage of one scenario.
pub fn coverage(
    sites: &[Site],
    kinds: &UnitKinds,
    sc: &Scenario,
    settings: &Settings,
    inputs: &Inputs,
    night: bool,
    gaps: usize,
) -> Result<ScenarioCoverage, ScenarioError> {
    let state = apply(sites, kinds, sc)?;
    let reach = Reach::new(&state, settings, night);
    let ci = reach.classify(&inputs.incidents);
    let cf = reach.classify(&inputs.forecast);
    let ct = reach.classify(&inputs.towns);
    let cr = reach.classify(&inputs.routes);
    // gaps: observed fatalities and expected fatalities outside reach, per 0.5° cell
    let mut cells: std::collections::HashMap<(i64, i64), (f64, f64)> = Default::default();
    let k = |lat: f64, lon: f64| ((lat * 4.0).round() as i64, (lon * 4.0).round() as i64);
    for (lat, lon, w, _) in reach::outside_cells(&inputs.incidents, &ci, "fatalities") {
        cells.entry(k(lat, lon)).or_default().0 += w;
    }
    for (lat, lon, w, _) in reach::outside_cells(&inputs.forecast, &cf, "expected_fatalities") {
        cells.entry(k(lat, lon)).or_default().1 += w;
    }
    let mut g: Vec<Gap> = cells
        .into_iter()
        .map(|((a, b), (f, e))| {
            let (lat, lon) = (a as f64 / 4.0, b as f64 / 4.0);
            let near = state
                .iter()
                .filter(|s| s.open)
                .map(|s| (s.site.id.clone(), crate::km(lat, lon, s.site.lat, s.site.lon)))
                .min_by(|x, y| x.1.total_cmp(&y.1));
            Gap {
                rank: 0,
                lat,
                lon,
                fatalities: f,
                expected_fatalities: e,
                risk: f + e,
                nearest_site: near.as_ref().map(|n| n.0.clone()).unwrap_or_default(),
                nearest_km: near.map_or(f64::NAN, |n| n.1),
                air_minutes: reach.minutes_to(lat, lon),
            }
        })
        .collect();
    g.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.lat.total_cmp(&b.lat)).then(a.lon.total_cmp(&b.lon)));
    g.truncate(gaps);
    for (i, x) in g.iter_mut().enumerate() {
        x.rank = i + 1;
    }
    Ok(ScenarioCoverage {
        scenario: sc.id.clone(),
        title: sc.title.clone(),
        night,
        sites_open: state.iter().filter(|s| s.open).count(),
        casevac_bases: state.iter().filter(|s| s.casevac_units(night) > 0).count(),
        qrf_bases: state.iter().filter(|s| s.qrf_units() > 0).count(),
        sources: reach.sources.clone(),
        incidents: reach::tally(&inputs.incidents, &ci),
        forecast: reach::tally(&inputs.forecast, &cf),
        towns: reach::tally(&inputs.towns, &ct),
        routes: reach::tally(&inputs.routes, &cr),
        gaps: g,
        sites: state,
    })
}

/// A row of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub unit: &'static str,
    /// what the figure rests on
    pub rests_on: &'static str,
    pub values: Vec<f64>,
    /// value − the first scenario's value
    pub deltas: Vec<f64>,
}

/// The comparison of scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub scenarios: Vec<String>,
    pub titles: Vec<String>,
    pub night: bool,
    pub rows: Vec<Row>,
    pub settings: Settings,
    pub settings_described: Vec<crate::settings::SettingInfo>,
    pub inputs: Vec<String>,
    pub coverage: Vec<ScenarioCoverage>,
    pub assumptions_note: &'static str,
    pub attribution: &'static str,
}

pub const ASSUMPTIONS_NOTE: &str = "Every reach figure rests on assumptions (assumptions.md): the helicopter block speed, \
launch, night and on-scene delays, which units fly by night, where unplaced units go (A-PLACE), road speed and factor, and \
route lines drawn straight between town points. Site positions are town points; Ogossagou is a proxy.";

fn get<'a>(v: &'a [ColumnCoverage], col: &str) -> Option<&'a ColumnCoverage> {
    v.iter().find(|c| c.column == col)
}

/// Compare scenarios on the same inputs (the first is the reference for deltas).
pub fn compare(
    sites: &[Site],
    kinds: &UnitKinds,
    scenarios: &[Scenario],
    settings: &Settings,
    inputs: &Inputs,
    night: bool,
) -> Result<Comparison, ScenarioError> {
    let cov: Vec<ScenarioCoverage> =
        scenarios.iter().map(|s| coverage(sites, kinds, s, settings, inputs, night, 10)).collect::<Result<_, _>>()?;
    let mut rows: Vec<Row> = vec![];
    let mut push = |key: String,
                    label: String,
                    unit: &'static str,
                    rests_on: &'static str,
                    f: &dyn Fn(&ScenarioCoverage) -> f64| {
        let values: Vec<f64> = cov.iter().map(f).collect();
        let base = values.first().copied().unwrap_or(0.0);
        let deltas = values.iter().map(|v| v - base).collect();
        rows.push(Row { key, label, unit, rests_on, values, deltas });
    };
    let a = "assumptions";
    push("sites_open".into(), "Sites open".into(), "sites", "sourced", &|c| c.sites_open as f64);
    push("casevac_bases".into(), "Sites with CASEVAC helicopters".into(), "sites", a, &|c| c.casevac_bases as f64);
    push("qrf_bases".into(), "Sites with a QRF".into(), "sites", a, &|c| c.qrf_bases as f64);
    let months = settings.incident_months;
    for (col, label, unit) in [
        ("incidents", "Incidents", "incidents"),
        ("fatalities", "Fatalities", "deaths"),
        ("civilian_fatalities", "Civilian fatalities", "deaths"),
    ] {
        let l = format!("{label}, last {months} months");
        push(format!("{col}_total"), format!("{l}: total"), unit, "data", &|c| {
            get(&c.incidents, col).map_or(0.0, |x| x.all.total)
        });
        push(format!("{col}_in_1h"), format!("{l}: within 1 h"), unit, a, &|c| {
            get(&c.incidents, col).map_or(0.0, |x| x.all.in_1h)
        });
        push(format!("{col}_in_2h"), format!("{l}: within 2 h (at surgery)"), unit, a, &|c| {
            get(&c.incidents, col).map_or(0.0, |x| x.all.in_2h)
        });
        push(format!("{col}_outside"), format!("{l}: outside both"), unit, a, &|c| {
            get(&c.incidents, col).map_or(0.0, |x| x.all.outside)
        });
    }
    push(
        "fatalities_ground".into(),
        format!("Fatalities, last {months} months: QRF by road within {} h", settings.qrf_hours),
        "deaths",
        a,
        &|c| get(&c.incidents, "fatalities").map_or(0.0, |x| x.all.ground),
    );
    push(
        "expected_total".into(),
        "Forecast expected fatalities, next 12 months: total".into(),
        "deaths",
        "model",
        &|c| get(&c.forecast, "expected_fatalities").map_or(0.0, |x| x.all.total),
    );
    push("expected_in_1h".into(), "Forecast expected fatalities: within 1 h".into(), "deaths", a, &|c| {
        get(&c.forecast, "expected_fatalities").map_or(0.0, |x| x.all.in_1h)
    });
    push("expected_in_2h".into(), "Forecast expected fatalities: within 2 h".into(), "deaths", a, &|c| {
        get(&c.forecast, "expected_fatalities").map_or(0.0, |x| x.all.in_2h)
    });
    push("expected_outside".into(), "Forecast expected fatalities: outside both".into(), "deaths", a, &|c| {
        get(&c.forecast, "expected_fatalities").map_or(0.0, |x| x.all.outside)
    });
    push("population_in_1h".into(), "Town population (GeoNames): within 1 h".into(), "people", a, &|c| {
        get(&c.towns, "population").map_or(0.0, |x| x.all.in_1h)
    });
    push("population_in_2h".into(), "Town population: within 2 h".into(), "people", a, &|c| {
        get(&c.towns, "population").map_or(0.0, |x| x.all.in_2h)
    });
    push("population_outside".into(), "Town population: outside both".into(), "people", a, &|c| {
        get(&c.towns, "population").map_or(0.0, |x| x.all.outside)
    });
    push("towns_outside".into(), "Towns outside both".into(), "towns", a, &|c| {
        get(&c.towns, "towns").map_or(0.0, |x| x.all.outside)
    });
    for r in ROUTES {
        push(format!("route_{}_in_1h", r.id), format!("{}: km within 1 h", r.label), "km", a, &|c| {
            get(&c.routes, r.id).map_or(0.0, |x| x.all.in_1h)
        });
        push(format!("route_{}_in_2h", r.id), format!("{}: km within 2 h", r.label), "km", a, &|c| {
            get(&c.routes, r.id).map_or(0.0, |x| x.all.in_2h)
        });
    }
    Ok(Comparison {
        scenarios: cov.iter().map(|c| c.scenario.clone()).collect(),
        titles: cov.iter().map(|c| c.title.clone()).collect(),
        night,
        rows,
        settings: settings.clone(),
        settings_described: settings.describe(),
        inputs: inputs.notes.clone(),
        coverage: cov,
        assumptions_note: ASSUMPTIONS_NOTE,
        attribution: crate::shipped::ATTRIBUTION,
    })
}

fn fmt_num(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

fn fmt_delta(d: f64) -> String {
    if d.abs() < 0.05 {
        String::new()
    } else if d > 0.0 {
        format!(" (+{})", fmt_num(d))
    } else {
        format!(" ({})", fmt_num(d))
    }
}

impl Comparison {
    /// The table as text: one row per measure, one column per scenario, deltas in brackets.
    pub fn text_table(&self) -> String {
        let mut cells: Vec<Vec<String>> = vec![];
        let mut head = vec![format!("measure ({})", if self.night { "night" } else { "day" })];
        head.extend(self.scenarios.iter().cloned());
        cells.push(head);
        for r in &self.rows {
            let mut line = vec![r.label.clone()];
            for (i, v) in r.values.iter().enumerate() {
                line.push(format!("{}{}", fmt_num(*v), if i == 0 { String::new() } else { fmt_delta(r.deltas[i]) }));
            }
            cells.push(line);
        }
        let widths: Vec<usize> =
            (0..cells[0].len()).map(|c| cells.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for (i, l) in cells.iter().enumerate() {
            for (c, s) in l.iter().enumerate() {
                let pad = widths[c] - s.chars().count();
                if c == 0 {
                    out.push_str(s);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(s);
                }
            }
            out.push('\n');
            if i == 0 {
                out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
                out.push('\n');
            }
        }
        out
    }

    /// The table as CSV: measure, unit, rests_on, then per scenario its value and delta.
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(vec![]);
        let mut head = vec!["measure".to_string(), "key".into(), "unit".into(), "rests_on".into()];
        for s in &self.scenarios {
            head.push(s.clone());
            head.push(format!("{s}_delta"));
        }
        let _ = w.write_record(&head);
        for r in &self.rows {
            let mut l = vec![r.label.clone(), r.key.clone(), r.unit.into(), r.rests_on.into()];
            for (v, d) in r.values.iter().zip(&r.deltas) {
                l.push(format!("{v:.3}"));
                l.push(format!("{d:.3}"));
            }
            let _ = w.write_record(&l);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }
}

/// How one measure moves when the launch delay and the speed move.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub measure: String,
    pub night: bool,
    pub launch_delays_min: Vec<f64>,
    pub speeds_kmh: Vec<f64>,
    /// per scenario: values[launch index][speed index]
    pub scenarios: Vec<(String, Vec<Vec<f64>>)>,
    pub tag: Tag,
}

pub const SENS_LAUNCH: [f64; 4] = [15.0, 30.0, 45.0, 60.0];
pub const SENS_SPEED: [f64; 5] = [150.0, 175.0, 200.0, 225.0, 250.0];

/// The sensitivity grid of a row key (`fatalities_in_1h`…): launch delay 15–60 min (the
/// day or night delay, as `night` says) × speed 150–250 km/h.
pub fn sensitivity(
    sites: &[Site],
    kinds: &UnitKinds,
    scenarios: &[Scenario],
    settings: &Settings,
    inputs: &Inputs,
    night: bool,
    measure: &str,
) -> Result<Sensitivity, ScenarioError> {
    let mut out: Vec<(String, Vec<Vec<f64>>)> = scenarios.iter().map(|s| (s.id.clone(), vec![])).collect();
    for &l in &SENS_LAUNCH {
        let mut per: Vec<Vec<f64>> = vec![vec![]; scenarios.len()];
        for &v in &SENS_SPEED {
            let mut s = settings.clone();
            if night {
                s.launch_night_min = l;
            } else {
                s.launch_day_min = l;
            }
            s.speed_kmh = v;
            let c = compare(sites, kinds, scenarios, &s, inputs, night)?;
            let row = c.row(measure);
            for (i, p) in per.iter_mut().enumerate() {
                p.push(row.map_or(f64::NAN, |r| r.values[i]));
            }
        }
        for (i, p) in per.into_iter().enumerate() {
            out[i].1.push(p);
        }
    }
    Ok(Sensitivity {
        measure: measure.into(),
        night,
        launch_delays_min: SENS_LAUNCH.to_vec(),
        speeds_kmh: SENS_SPEED.to_vec(),
        scenarios: out,
        tag: Tag::Assumption,
    })
}
