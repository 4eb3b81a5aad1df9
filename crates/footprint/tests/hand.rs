//! Reach against cases computed by hand from the staged distance table
//! (assumptions.md: Kidal–Gao 286 km; 200 km/h; launch 30 min by day, 60 by night;
//! 15 min on scene; Level 2 at Gao, Timbuktu, Sévaré).

use vigil_footprint::compare::{compare, coverage, Inputs, FORECAST_COLUMNS, INCIDENT_COLUMNS, TOWN_COLUMNS};
use vigil_footprint::reach::{PointIn, PointSet, Reach, IN_1H, IN_2H};
use vigil_footprint::scenario::{apply, Change, NewSite, Scenario};
use vigil_footprint::settings::Settings;
use vigil_footprint::{km, load_shipped, Footprint};

fn fp() -> Footprint {
    load_shipped().expect("the shipped files parse")
}

fn scenario<'a>(f: &'a Footprint, id: &str) -> &'a Scenario {
    f.options.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("scenario {id}"))
}

fn site(f: &Footprint, id: &str) -> (f64, f64) {
    let s = f.sites.iter().find(|s| s.id == id).expect("site");
    (s.lat, s.lon)
}

/// The point `d` km from `a` towards `b` (linear interpolation, as the axis samples).
fn along(f: &Footprint, a: &str, b: &str, d: f64) -> (f64, f64) {
    let (pa, pb) = (site(f, a), site(f, b));
    let len = km(pa.0, pa.1, pb.0, pb.1);
    let t = d / len;
    (pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1))
}

fn reach(f: &Footprint, id: &str, s: &Settings, night: bool) -> Reach {
    let st = apply(&f.sites, &f.kinds, scenario(f, id)).expect("applies");
    Reach::new(&st, s, night)
}

#[test]
fn the_staged_table_and_defaults() {
    let f = fp();
    let (g, k) = (site(&f, "gao"), site(&f, "kidal"));
    assert_eq!(km(g.0, g.1, k.0, k.1).round(), 286.0);
    let s = &f.options.settings;
    assert_eq!((s.speed_kmh, s.launch_day_min, s.launch_night_min, s.on_scene_min), (200.0, 30.0, 60.0, 15.0));
    assert_eq!((s.window_1h_min, s.window_2h_min, s.road_factor, s.road_speed_kmh), (60.0, 120.0, 1.25, 10.0));
    assert_eq!(s.dcs_sites, ["gao", "timbuktu", "sevare"]);
    assert_eq!(
        f.options.scenarios.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["baseline", "1a", "1b", "2a", "2b", "3"]
    );
}

#[test]
fn kidal_from_gao_by_day_and_night() {
    let f = fp();
    let s = f.options.settings.clone();
    let day = reach(&f, "baseline", &s, false);
    let (k0, k1) = site(&f, "kidal");
    // Kidal: 30 + 286/200·60 = 115.8 min > 60; 2 h: 115.8 + 15 + 85.8 = 216.7 > 120
    let t = day.minutes_to(k0, k1).expect("air reach exists");
    assert!((t - (30.0 + 286.27 / 200.0 * 60.0)).abs() < 0.2, "{t}");
    assert_eq!(day.point(k0, k1).0 & (IN_1H | IN_2H), 0);
    // 90 km from Gao towards Kidal: 30 + 27 = 57 ≤ 60 (1 h); 57 + 15 + 27 = 99 ≤ 120 (2 h)
    let p = along(&f, "gao", "kidal", 90.0);
    assert_eq!(day.point(p.0, p.1).0 & (IN_1H | IN_2H), IN_1H | IN_2H);
    // 120 km: 30 + 36 = 66 > 60; 66 + 15 + 36 = 117 ≤ 120: at surgery in 2 h, not reached in 1 h
    let p = along(&f, "gao", "kidal", 120.0);
    assert_eq!(day.point(p.0, p.1).0 & (IN_1H | IN_2H), IN_2H);
    // 130 km: 30 + 39 + 15 + 39 = 123 > 120
    let p = along(&f, "gao", "kidal", 130.0);
    assert_eq!(day.point(p.0, p.1).0 & (IN_1H | IN_2H), 0);

    // by night Gao's helicopters (night capability unknown) do not fly: nothing near Gao;
    // Timbuktu's MD 500E flies with a 60-min launch: 1 h is spent on the ground
    let night = reach(&f, "baseline", &s, true);
    let p = along(&f, "gao", "kidal", 30.0);
    assert_eq!(night.point(p.0, p.1).0, 0);
    // 5 km from Timbuktu: 60 + 1.5 > 60 (only the base itself is at exactly 60 min)
    let p = along(&f, "timbuktu", "goundam", 5.0);
    assert_eq!(night.point(p.0, p.1).0 & IN_1H, 0, "launch 60 min leaves no 1-h reach");
    // 2 h out and back from Timbuktu (a Level 2): (120 − 60 − 15)/2 = 22.5 min = 75 km
    let p = along(&f, "timbuktu", "goundam", 70.0);
    assert_eq!(night.point(p.0, p.1).0 & IN_2H, IN_2H);
    let p = along(&f, "timbuktu", "goundam", 80.0);
    assert_eq!(night.point(p.0, p.1).0 & IN_2H, 0);
}

#[test]
fn a_closed_site_loses_its_coverage() {
    let f = fp();
    let s = f.options.settings.clone();
    let mut closed = scenario(&f, "baseline").clone();
    closed.id = "no-gao".into();
    closed.changes.push(Change::CloseSite { site: "gao".into(), action: "close".into(), note: String::new() });
    let (g0, g1) = site(&f, "gao");
    assert_eq!(reach(&f, "baseline", &s, false).point(g0, g1).0 & (IN_1H | IN_2H), IN_1H | IN_2H);
    let st = apply(&f.sites, &f.kinds, &closed).expect("applies");
    // Gao closed: no helicopter there, and the nearest other CASEVAC base (Timbuktu, 321 km) is too far
    assert_eq!(Reach::new(&st, &s, false).point(g0, g1).0 & (IN_1H | IN_2H), 0);
    // option 3 closes everything but Bamako: Gao and Timbuktu lose their reach
    let three = reach(&f, "3", &s, false);
    assert_eq!(three.point(g0, g1).0, 0);
    let (b0, b1) = site(&f, "bamako");
    assert_eq!(three.point(b0, b1).0 & IN_1H, IN_1H, "Bamako keeps its (assumed) aviation unit");
}

#[test]
fn option_1a_bourem_brings_more_of_the_gao_kidal_axis_inside_1h() {
    let f = fp();
    let s = f.options.settings.clone();
    let (base, a1, b1) = (reach(&f, "baseline", &s, false), reach(&f, "1a", &s, false), reach(&f, "1b", &s, false));
    // 110 km from Gao on the axis: baseline 30 + 33 = 63 > 60 (outside); from the 1a
    // helicopter unit at Bourem (about 101 km away) 30 + 30.4 = 60.4 … so take 105 km:
    // Gao 30 + 31.5 = 61.5 > 60, Bourem ≈ 97 km → 30 + 29.1 = 59.1 ≤ 60
    let p = along(&f, "gao", "kidal", 105.0);
    let (bo0, bo1) = site(&f, "bourem");
    let d_bourem = km(p.0, p.1, bo0, bo1);
    assert!(d_bourem < 100.0, "Bourem is {d_bourem} km from the point");
    assert_eq!(base.point(p.0, p.1).0 & IN_1H, 0, "baseline leaves it outside 1 h");
    assert_eq!(a1.point(p.0, p.1).0 & IN_1H, IN_1H, "1a's Bourem helicopters reach it inside 1 h");
    // 1b opens Bourem without the helicopter unit: no change in air reach
    assert_eq!(b1.point(p.0, p.1).0 & IN_1H, 0);

    // along the whole axis, km within 1 h: baseline 100 km (Gao's radius), 1a more
    let f2 = fp();
    let routes = vigil_footprint::compare::route_points(&f2.sites);
    let empty = |cols: &[&str]| PointSet::build("none", cols, vec![]);
    let inputs = Inputs {
        incidents: empty(INCIDENT_COLUMNS),
        forecast: empty(FORECAST_COLUMNS),
        towns: empty(TOWN_COLUMNS),
        routes,
        notes: vec![],
    };
    let scs: Vec<Scenario> = ["baseline", "1a", "1b"].iter().map(|i| scenario(&f, i).clone()).collect();
    let c = compare(&f.sites, &f.kinds, &scs, &s, &inputs, false).expect("compares");
    let r = c.row("route_gao_kidal_in_1h").expect("row");
    assert!((r.values[0] - 100.0).abs() < 2.5, "baseline {:?}", r.values);
    assert!(r.values[1] > r.values[0] + 10.0, "1a {:?}", r.values);
    assert!(r.values[1] < 286.0 * 0.5, "Kidal stays outside 1 h even in 1a: {:?}", r.values);
    assert!((r.values[2] - r.values[0]).abs() < 1e-9);
}

#[test]
fn coverage_counts_points_by_class_and_region() {
    let f = fp();
    let s = f.options.settings.clone();
    let near = along(&f, "gao", "kidal", 50.0);
    let far = site(&f, "kidal");
    let pts = vec![
        PointIn {
            lat: near.0,
            lon: near.1,
            weights: vec![1.0, 4.0, 2.0, 4.0, 0.0, 0.0],
            admin1: Some("Gao".into()),
            admin2: None,
        },
        PointIn {
            lat: far.0,
            lon: far.1,
            weights: vec![1.0, 10.0, 0.0, 0.0, 10.0, 0.0],
            admin1: Some("Kidal".into()),
            admin2: None,
        },
    ];
    let inputs = Inputs {
        incidents: PointSet::build("incidents", INCIDENT_COLUMNS, pts),
        forecast: PointSet::build("forecast", FORECAST_COLUMNS, vec![]),
        towns: PointSet::build("towns", TOWN_COLUMNS, vec![]),
        routes: PointSet::build("routes", &["x"], vec![]),
        notes: vec![],
    };
    let c = coverage(&f.sites, &f.kinds, scenario(&f, "baseline"), &s, &inputs, false, 5).expect("coverage");
    let fat = c.incidents.iter().find(|x| x.column == "fatalities").expect("fatalities");
    assert_eq!((fat.all.total, fat.all.in_1h, fat.all.in_2h, fat.all.outside), (14.0, 4.0, 4.0, 10.0));
    assert_eq!(
        fat.by_admin1.iter().map(|(n, t)| (n.as_str(), t.outside)).collect::<Vec<_>>(),
        [("Gao", 0.0), ("Kidal", 10.0)]
    );
    assert_eq!(c.gaps.len(), 1);
    assert_eq!((c.gaps[0].rank, c.gaps[0].fatalities, c.gaps[0].nearest_site.as_str()), (1, 10.0, "kidal"));
}

#[test]
fn restrictions_and_settings_move_the_figures() {
    let f = fp();
    let mut s = f.options.settings.clone();
    let p = along(&f, "gao", "kidal", 90.0);
    // 30 min added in sector East: 60 + 27 > 60
    s.set("test", "restriction.East.added_delay_min", "30").expect("valid");
    assert_eq!(reach(&f, "baseline", &s, false).point(p.0, p.1).0 & IN_1H, 0);
    let mut s = f.options.settings.clone();
    s.set("test", "restriction.East.denied_share", "0.25").expect("valid");
    let (b, share) = reach(&f, "baseline", &s, false).point(p.0, p.1);
    assert_eq!((b & IN_1H, share), (IN_1H, 0.75));
    // bad settings are refused with the key and the reason
    let e = s.set("--set", "speed_kmh", "0").unwrap_err();
    assert_eq!((e.key.as_str(), e.reason.as_str()), ("speed_kmh", "a helicopter speed must be above 0 km/h, not 0"));
    let mut s = f.options.settings.clone();
    let e = s.set("--set", "launch_day_min", "-5").unwrap_err();
    assert_eq!(e.to_string(), "--set: launch_day_min: a delay cannot be negative (-5 min)");
}

#[test]
fn a_planner_edit_adds_a_site_and_moves_a_helicopter() {
    let f = fp();
    let s = f.options.settings.clone();
    let mut sc = scenario(&f, "1a").clone();
    sc.id = "1a-copy".into();
    sc.changes.push(Change::AddSite {
        site: NewSite {
            id: "anefis".into(),
            name: "Anéfis".into(),
            kind: "camp".into(),
            sector: "North".into(),
            lat: 17.95,
            lon: 0.52,
            level2: false,
        },
        note: String::new(),
    });
    sc.changes.push(Change::MoveUnit {
        unit: "medium_utility_helicopter_unit".into(),
        from: "bourem".into(),
        to: "anefis".into(),
        count: 1,
        note: String::new(),
    });
    let st = apply(&f.sites, &f.kinds, &sc).expect("applies");
    let r = Reach::new(&st, &s, false);
    assert_eq!(r.point(17.95, 0.52).0 & IN_1H, IN_1H);
    // a change naming a site nobody defined is refused, with its index and reason
    sc.changes.push(Change::CloseSite { site: "nowhere".into(), action: "close".into(), note: String::new() });
    let e = apply(&f.sites, &f.kinds, &sc).unwrap_err();
    assert_eq!(e.index, sc.changes.len() - 1);
    assert_eq!(e.reason, "unknown site `nowhere`");
}

#[test]
fn the_map_raster_marks_the_reach_around_gao() {
    let f = fp();
    let r = reach(&f, "baseline", &f.options.settings, false);
    let grid = r.grid(10.0, -12.5, 25.25, 4.5, 0.25);
    // the cell holding Gao (16.27, -0.04) is within 1 h; a cell 200 km north of Gao is not
    assert!(grid.iter().any(|&(la, lo, b)| la == 16.25 && lo == -0.25 && b & IN_1H != 0), "{} cells", grid.len());
    assert!(!grid.iter().any(|&(la, lo, _)| la == 18.0 && lo == -0.25));
    // about π·100² km² of 1-h reach around each of Gao, Timbuktu and Bamako, in ~27×27 km cells
    let n1 = grid.iter().filter(|c| c.2 & IN_1H != 0).count();
    assert!((80..200).contains(&n1), "{n1} cells within 1 h");
}
