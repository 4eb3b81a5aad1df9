//! The reach test, made fast for a million points:
//! - points are unit vectors, sorted once into 1° grid cells ([`PointSet::build`]);
//! - a site's reach is a cosine threshold (no trigonometry for points out of range);
//! - per cell, only the sources that can reach some part of the cell are tried.
//!
//! Rules (assumptions.md A-1012, A-ROAD, A-QRF, A-RESTRICT), for a point P:
//! - **within 1 h**: for some open site S with a CASEVAC helicopter (by night a
//!   night-capable one), `launch + d(S,P)/speed ≤ window_1h`;
//! - **within 2 h**: `min_S(launch + d(S,P)/speed) + on_scene + d(P, nearest open
//!   Level 2)/speed ≤ window_2h`;
//! - **ground**: some open site with a QRF has P within
//!   `(qrf_hours·60 − notice − sector delay)/60 · road_speed / road_factor` km.
//!
//! `launch` = the day or night launch delay + clearance + the site's sector added delay.
//! A sector's denied share counts the point as reached in that share of cases only
//! (expected value), by the sector of the fastest responding site.

use crate::scenario::SiteState;
use crate::settings::Settings;
use crate::EARTH_RADIUS_KM as R;
use serde::Serialize;

fn xyz(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

#[inline]
fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Angle between unit vectors, radians.
#[inline]
fn ang(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    dot(a, b).clamp(-1.0, 1.0).acos()
}

/// One input point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointIn {
    pub lat: f64,
    pub lon: f64,
    /// one value per column of the set
    pub weights: Vec<f64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
}

#[derive(Debug, Clone)]
struct Cell {
    center: [f64; 3],
    /// angular radius of the cell around its centre
    radius: f64,
    start: usize,
    end: usize,
}

/// Points of one kind (incidents, towns, forecast cells, route samples) with their
/// weight columns, sorted into 1° cells.
#[derive(Debug, Clone)]
pub struct PointSet {
    pub name: String,
    pub columns: Vec<String>,
    xyz: Vec<[f64; 3]>,
    pub lat: Vec<f32>,
    pub lon: Vec<f32>,
    /// column-major: `weights[col][point]`
    weights: Vec<Vec<f64>>,
    admin1: Vec<u16>,
    admin2: Vec<u16>,
    pub admin1_names: Vec<String>,
    pub admin2_names: Vec<String>,
    cells: Vec<Cell>,
}

fn intern(names: &mut Vec<String>, map: &mut std::collections::HashMap<String, u16>, v: Option<&String>) -> u16 {
    let k = v.cloned().unwrap_or_else(|| "(no area)".into());
    if let Some(&i) = map.get(&k) {
        return i;
    }
    let i = names.len() as u16;
    names.push(k.clone());
    map.insert(k, i);
    i
}

impl PointSet {
    pub fn build(name: &str, columns: &[&str], mut points: Vec<PointIn>) -> PointSet {
        let key = |p: &PointIn| {
            ((p.lat.floor() as i64 + 90) * 360 + (p.lon.floor() as i64 + 180), p.lat.to_bits(), p.lon.to_bits())
        };
        points.retain(|p| p.lat.is_finite() && p.lon.is_finite());
        points.sort_by_key(key);
        let n = points.len();
        let mut s = PointSet {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            xyz: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
            weights: vec![Vec::with_capacity(n); columns.len()],
            admin1: Vec::with_capacity(n),
            admin2: Vec::with_capacity(n),
            admin1_names: vec![],
            admin2_names: vec![],
            cells: vec![],
        };
        let (mut m1, mut m2) = (Default::default(), Default::default());
        let mut cur: Option<(i64, usize)> = None;
        for (i, p) in points.iter().enumerate() {
            let k = key(p).0;
            if cur.is_none_or(|c| c.0 != k) {
                if let Some((ck, st)) = cur {
                    s.cells.push(Self::cell(ck, st, i));
                }
                cur = Some((k, i));
            }
            s.xyz.push(xyz(p.lat, p.lon));
            s.lat.push(p.lat as f32);
            s.lon.push(p.lon as f32);
            for (c, col) in s.weights.iter_mut().enumerate() {
                col.push(p.weights.get(c).copied().unwrap_or(0.0));
            }
            s.admin1.push(intern(&mut s.admin1_names, &mut m1, p.admin1.as_ref()));
            s.admin2.push(intern(&mut s.admin2_names, &mut m2, p.admin2.as_ref()));
        }
        if let Some((ck, st)) = cur {
            s.cells.push(Self::cell(ck, st, n));
        }
        s
    }

    fn cell(k: i64, start: usize, end: usize) -> Cell {
        let lat0 = (k / 360 - 90) as f64;
        let lon0 = (k % 360 - 180) as f64;
        let center = xyz(lat0 + 0.5, lon0 + 0.5);
        let radius = [(lat0, lon0), (lat0 + 1.0, lon0), (lat0, lon0 + 1.0), (lat0 + 1.0, lon0 + 1.0)]
            .iter()
            .map(|&(a, b)| ang(&center, &xyz(a, b)))
            .fold(0.0, f64::max)
            * 1.0001;
        Cell { center, radius, start, end }
    }

    pub fn len(&self) -> usize {
        self.xyz.len()
    }

    pub fn is_empty(&self) -> bool {
        self.xyz.is_empty()
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns.iter().position(|c| c == name).map(|i| self.weights[i].as_slice())
    }
}

#[derive(Debug, Clone)]
struct Air {
    xyz: [f64; 3],
    launch: f64,
    /// farthest useful angle (1-h or 2-h leg)
    max_ang: f64,
    sector: usize,
}

#[derive(Debug, Clone)]
struct Ground {
    xyz: [f64; 3],
    cos_r: f64,
    r_ang: f64,
    sector: usize,
}

/// A source of reach, for maps: a site with its 1-h radius and ground radius.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    pub site: String,
    pub lat: f64,
    pub lon: f64,
    /// CASEVAC-capable helicopter units (0 when only ground)
    pub casevac_units: u32,
    pub launch_min: f64,
    /// radius within 1 h, km (0 when the launch alone takes the hour)
    pub radius_1h_km: f64,
    /// radius of the 2-h out-and-back when the site has a Level 2 itself, km
    pub radius_2h_km: Option<f64>,
    pub qrf_units: u32,
    pub ground_radius_km: f64,
}

/// Reach of one scenario, day or night, under one set of settings.
#[derive(Debug, Clone)]
pub struct Reach {
    air: Vec<Air>,
    dcs: Vec<[f64; 3]>,
    ground: Vec<Ground>,
    /// denied share per sector index
    denied: Vec<f64>,
    pub sectors: Vec<String>,
    pub sources: Vec<SourceInfo>,
    speed_rad_per_min: f64,
    w1: f64,
    w2: f64,
    on_scene: f64,
    pub night: bool,
}

/// Per point: bit 0 = within 1 h, bit 1 = within 2 h (at surgery), bit 2 = ground QRF
/// within N h; and the share of cases the reach holds (1 without restrictions).
#[derive(Debug, Clone, Default)]
pub struct Classes {
    pub bits: Vec<u8>,
    pub air_share: Vec<f32>,
    pub ground_share: Vec<f32>,
}

pub const IN_1H: u8 = 1;
pub const IN_2H: u8 = 2;
pub const GROUND: u8 = 4;

impl Reach {
    pub fn new(state: &[SiteState], s: &Settings, night: bool) -> Reach {
        let mut sectors: Vec<String> = vec![];
        let mut sector_of = |name: &str| match sectors.iter().position(|x| x == name) {
            Some(i) => i,
            None => {
                sectors.push(name.to_string());
                sectors.len() - 1
            }
        };
        let speed_rad_per_min = s.speed_kmh / 60.0 / R;
        let base_launch = if night { s.launch_night_min } else { s.launch_day_min } + s.clearance_min;
        let (w1, w2) = (s.window_1h_min, s.window_2h_min);
        let mut air = vec![];
        let mut ground = vec![];
        let mut sources = vec![];
        let dcs: Vec<[f64; 3]> = state
            .iter()
            .filter(|st| st.open && (st.site.level2 || s.dcs_sites.contains(&st.site.id)))
            .map(|st| xyz(st.site.lat, st.site.lon))
            .collect();
        for st in state.iter().filter(|st| st.open) {
            let restr = s.restrictions.get(&st.site.sector).copied().unwrap_or_default();
            let sector = sector_of(&st.site.sector);
            let units = st.casevac_units(night);
            let qrf = st.qrf_units();
            let launch = base_launch + restr.added_delay_min;
            let p = xyz(st.site.lat, st.site.lon);
            let mut info = SourceInfo {
                site: st.site.id.clone(),
                lat: st.site.lat,
                lon: st.site.lon,
                casevac_units: units,
                launch_min: launch,
                radius_1h_km: 0.0,
                radius_2h_km: None,
                qrf_units: qrf,
                ground_radius_km: 0.0,
            };
            if units > 0 {
                // the farthest a useful leg reaches: the 1-h leg, or the 2-h outbound leg
                let max_min = (w1 - launch).max(w2 - on_scene(s) - launch).max(0.0);
                air.push(Air { xyz: p, launch, max_ang: max_min * speed_rad_per_min * 1.000001, sector });
                info.radius_1h_km = ((w1 - launch).max(0.0)) * s.speed_kmh / 60.0;
                if st.site.level2 || s.dcs_sites.contains(&st.site.id) {
                    info.radius_2h_km = Some(((w2 - launch - s.on_scene_min) / 2.0).max(0.0) * s.speed_kmh / 60.0);
                }
            }
            if qrf > 0 {
                let minutes = (s.qrf_hours * 60.0 - s.qrf_notice_min - restr.added_delay_min).max(0.0);
                let r_km = minutes / 60.0 * s.road_speed_kmh / s.road_factor;
                let r_ang = r_km / R;
                ground.push(Ground { xyz: p, cos_r: r_ang.cos(), r_ang, sector });
                info.ground_radius_km = r_km;
            }
            if units > 0 || qrf > 0 {
                sources.push(info);
            }
        }
        let denied = sectors.iter().map(|n| s.restrictions.get(n).map_or(0.0, |r| r.denied_share)).collect();
        Reach { air, dcs, ground, denied, sectors, sources, speed_rad_per_min, w1, w2, on_scene: s.on_scene_min, night }
    }

    /// Classify one point (used by the map grid and tests).
    pub fn point(&self, lat: f64, lon: f64) -> (u8, f64) {
        let p = xyz(lat, lon);
        let air: Vec<usize> = (0..self.air.len()).collect();
        let ground: Vec<usize> = (0..self.ground.len()).collect();
        let (b, a, _) = self.classify_one(&p, &air, &ground);
        (b, a)
    }

    /// Minutes to reach a point by air (launch + flight) from the fastest site, if any.
    pub fn minutes_to(&self, lat: f64, lon: f64) -> Option<f64> {
        let p = xyz(lat, lon);
        self.air.iter().map(|a| a.launch + ang(&a.xyz, &p) / self.speed_rad_per_min).min_by(f64::total_cmp)
    }

    #[inline]
    fn classify_one(&self, p: &[f64; 3], air: &[usize], ground: &[usize]) -> (u8, f64, f64) {
        let mut bits = 0u8;
        let mut best = f64::INFINITY;
        let mut best_sector = 0;
        for &i in air {
            let a = &self.air[i];
            let d = dot(&a.xyz, p);
            if d < a.max_ang.cos() {
                continue;
            }
            let t = a.launch + d.clamp(-1.0, 1.0).acos() / self.speed_rad_per_min;
            if t < best {
                best = t;
                best_sector = a.sector;
            }
        }
        if best <= self.w1 {
            bits |= IN_1H;
        }
        if best + self.on_scene <= self.w2 && !self.dcs.is_empty() {
            let near = self.dcs.iter().map(|d| dot(d, p)).fold(f64::NEG_INFINITY, f64::max);
            if best + self.on_scene + near.clamp(-1.0, 1.0).acos() / self.speed_rad_per_min <= self.w2 {
                bits |= IN_2H;
            }
        }
        let air_share = if bits & (IN_1H | IN_2H) != 0 { 1.0 - self.denied[best_sector] } else { 0.0 };
        let mut ground_share = 0.0;
        for &i in ground {
            let g = &self.ground[i];
            if dot(&g.xyz, p) >= g.cos_r {
                bits |= GROUND;
                ground_share = f64::max(ground_share, 1.0 - self.denied[g.sector]);
            }
        }
        (bits, air_share, ground_share)
    }

    /// Classify every point of a set, cell by cell.
    pub fn classify(&self, set: &PointSet) -> Classes {
        let n = set.len();
        let mut out = Classes { bits: vec![0; n], air_share: vec![0.0; n], ground_share: vec![0.0; n] };
        let mut air = Vec::with_capacity(self.air.len());
        let mut ground = Vec::with_capacity(self.ground.len());
        for c in &set.cells {
            air.clear();
            ground.clear();
            for (i, a) in self.air.iter().enumerate() {
                if ang(&c.center, &a.xyz) - c.radius <= a.max_ang {
                    air.push(i);
                }
            }
            for (i, g) in self.ground.iter().enumerate() {
                if ang(&c.center, &g.xyz) - c.radius <= g.r_ang {
                    ground.push(i);
                }
            }
            if air.is_empty() && ground.is_empty() {
                continue;
            }
            for k in c.start..c.end {
                let (b, a, g) = self.classify_one(&set.xyz[k], &air, &ground);
                out.bits[k] = b;
                out.air_share[k] = a as f32;
                out.ground_share[k] = g as f32;
            }
        }
        out
    }

    /// A raster of the reach over a box, for maps: cells (lat, lon of the south-west
    /// corner) with any reach, and their bits.
    pub fn grid(&self, south: f64, west: f64, north: f64, east: f64, step: f64) -> Vec<(f64, f64, u8)> {
        let mut out = vec![];
        let mut lat = south;
        while lat < north {
            let mut lon = west;
            while lon < east {
                let (b, _) = self.point(lat + step / 2.0, lon + step / 2.0);
                if b != 0 {
                    out.push(((lat * 1e4).round() / 1e4, (lon * 1e4).round() / 1e4, b));
                }
                lon += step;
            }
            lat += step;
        }
        out
    }
}

fn on_scene(s: &Settings) -> f64 {
    s.on_scene_min
}

/// Totals of one weight column: all, within 1 h, within 2 h, outside both, ground.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub total: f64,
    pub in_1h: f64,
    pub in_2h: f64,
    pub outside: f64,
    pub ground: f64,
}

impl Tally {
    #[inline]
    fn add(&mut self, w: f64, bits: u8, a: f32, g: f32) {
        self.total += w;
        let a = f64::from(a);
        if bits & IN_1H != 0 {
            self.in_1h += w * a;
        }
        if bits & IN_2H != 0 {
            self.in_2h += w * a;
        }
        if bits & (IN_1H | IN_2H) == 0 {
            self.outside += w;
        } else {
            self.outside += w * (1.0 - a);
        }
        self.ground += w * f64::from(g);
    }
}

/// A column's tallies, overall and per admin area.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ColumnCoverage {
    pub column: String,
    pub all: Tally,
    pub by_admin1: Vec<(String, Tally)>,
    pub by_admin2: Vec<(String, Tally)>,
}

/// Sum each column of a set by class.
pub fn tally(set: &PointSet, cls: &Classes) -> Vec<ColumnCoverage> {
    set.columns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let w = &set.weights[c];
            let mut all = Tally::default();
            let mut a1 = vec![Tally::default(); set.admin1_names.len()];
            let mut a2 = vec![Tally::default(); set.admin2_names.len()];
            for k in 0..set.len() {
                let (b, a, g) = (cls.bits[k], cls.air_share[k], cls.ground_share[k]);
                all.add(w[k], b, a, g);
                a1[set.admin1[k] as usize].add(w[k], b, a, g);
                a2[set.admin2[k] as usize].add(w[k], b, a, g);
            }
            let named = |names: &[String], t: Vec<Tally>| {
                let mut v: Vec<(String, Tally)> = names.iter().cloned().zip(t).filter(|(_, t)| t.total > 0.0).collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            };
            ColumnCoverage {
                column: name.clone(),
                all,
                by_admin1: named(&set.admin1_names, a1),
                by_admin2: named(&set.admin2_names, a2),
            }
        })
        .collect()
}

/// Risk outside reach summed into 0.5° cells: (lat, lon of the cell centre, weight, points).
pub fn outside_cells(set: &PointSet, cls: &Classes, column: &str) -> Vec<(f64, f64, f64, u32)> {
    let Some(w) = set.column(column) else { return vec![] };
    let mut m: std::collections::HashMap<(i32, i32), (f64, u32)> = Default::default();
    for (k, &wk) in w.iter().enumerate() {
        if cls.bits[k] & (IN_1H | IN_2H) != 0 || wk <= 0.0 {
            continue;
        }
        let key = ((f64::from(set.lat[k]) * 2.0).floor() as i32, (f64::from(set.lon[k]) * 2.0).floor() as i32);
        let e = m.entry(key).or_default();
        e.0 += wk;
        e.1 += 1;
    }
    m.into_iter().map(|((a, b), (w, n))| (f64::from(a) / 2.0 + 0.25, f64::from(b) / 2.0 + 0.25, w, n)).collect()
}
