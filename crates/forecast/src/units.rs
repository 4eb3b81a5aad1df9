//! The units a forecast is made for: PRIO-GRID cells, admin areas or a country, with
//! the static attributes and neighbourhoods the learned model uses.
//!
//! At `pgm` level the units are every cell that touches the country's outline, empty
//! cells included: most cell-months have no fatality, and a forecast that skipped them
//! would look much better than it is.

use std::collections::HashMap;

use geo::{BoundingRect, Centroid, Intersects, MultiPolygon, Rect};
use vigil_geo::admin::{AdminArea, AdminIndex};
use vigil_geo::grid::{gid_center, neighbours, CELL_DEG};
use vigil_geo::haversine_km;

use crate::ForecastError;

/// Spatial level of a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Pgm,
    Admin1,
    Admin2,
    Country,
}

impl Level {
    pub fn parse(s: &str) -> Result<Level, ForecastError> {
        match s.to_ascii_lowercase().as_str() {
            "pgm" | "cell" | "priogrid" => Ok(Level::Pgm),
            "admin1" | "adm1" => Ok(Level::Admin1),
            "admin2" | "adm2" => Ok(Level::Admin2),
            "country" | "cm" | "admin0" => Ok(Level::Country),
            _ => Err(ForecastError::BadOption(format!("unknown level `{s}` (pgm, admin1, admin2, country)"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Pgm => "pgm",
            Level::Admin1 => "admin1",
            Level::Admin2 => "admin2",
            Level::Country => "country",
        }
    }
    /// The boundary level whose areas are the units (none for cells).
    pub fn boundary_level(self) -> Option<u8> {
        match self {
            Level::Pgm => None,
            Level::Admin1 => Some(1),
            Level::Admin2 => Some(2),
            Level::Country => Some(0),
        }
    }
}

/// One unit and its static attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// What the output writes: the gid at `pgm`, the area code otherwise.
    pub id: String,
    pub name: String,
    pub gid: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    /// Great-circle distance from the unit's centre to the capital (0 when unknown).
    pub dist_capital_km: f64,
    /// Distance from the unit's centre to the country's outline (0 when unknown).
    pub dist_border_km: f64,
    /// Index of the first-level area holding the unit's centre, −1 if none.
    pub admin1: i32,
}

/// Geography the unit attributes are computed from. Everything is optional: an
/// attribute that cannot be computed is 0 (or −1), the same for every unit, so the
/// model simply cannot use it.
#[derive(Debug, Clone, Default)]
pub struct Geography {
    pub outline: Option<MultiPolygon<f64>>,
    pub admin1: Vec<AdminArea>,
    /// (lon, lat) of the capital.
    pub capital: Option<(f64, f64)>,
}

/// The set of units, in output order, with lookups and neighbourhoods.
#[derive(Debug, Clone)]
pub struct UnitSet {
    pub level: Level,
    pub units: Vec<Unit>,
    by_id: HashMap<String, usize>,
    by_gid: HashMap<i64, usize>,
    /// Per unit: indices of the units one ring away (cells only).
    pub ring1: Vec<Vec<u32>>,
    /// Per unit: indices of the units exactly two rings away (cells only).
    pub ring2: Vec<Vec<u32>>,
}

/// Capitals of the countries Vigil is deployed in, for the distance-to-capital
/// attribute when the caller does not give one.
pub fn known_capital(country: &str) -> Option<(f64, f64)> {
    match country.trim().to_ascii_lowercase().as_str() {
        "mali" | "mli" | "ml" => Some((-8.0, 12.65)),
        "burkina faso" | "bfa" | "bf" => Some((-1.5197, 12.3714)),
        "niger" | "ner" | "ne" => Some((2.1098, 13.5137)),
        _ => None,
    }
}

/// Every PRIO-GRID cell whose 0.5° square intersects (touches included) the outline,
/// in ascending gid order.
pub fn cells_intersecting(outline: &MultiPolygon<f64>) -> Vec<i64> {
    let Some(bb) = outline.bounding_rect() else {
        return Vec::new();
    };
    let row0 = (((bb.min().y + 90.0) / CELL_DEG).floor() as i64 - 1).max(0);
    let row1 = (((bb.max().y + 90.0) / CELL_DEG).floor() as i64 + 1).min(359);
    let col0 = (((bb.min().x + 180.0) / CELL_DEG).floor() as i64 - 1).max(0);
    let col1 = (((bb.max().x + 180.0) / CELL_DEG).floor() as i64 + 1).min(719);
    if row1 < row0 || col1 < col0 {
        return Vec::new();
    }
    let (nr, nc) = ((row1 - row0 + 1) as usize, (col1 - col0 + 1) as usize);
    let rect = |row: i64, col: i64| {
        let x0 = col as f64 * CELL_DEG - 180.0;
        let y0 = row as f64 * CELL_DEG - 90.0;
        Rect::new((x0, y0), (x0 + CELL_DEG, y0 + CELL_DEG))
    };
    // Cells an outline edge may touch: those under the edge's bounding box, one cell
    // more on every side (so that edges on a cell border are not missed). Only those
    // need the exact (and, against thousands of edges, slow) intersection test.
    let mut near = vec![false; nr * nc];
    for poly in &outline.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for l in ring.lines() {
                let cell_of = |x: f64, y: f64| {
                    (((y + 90.0) / CELL_DEG).floor() as i64 - row0, ((x + 180.0) / CELL_DEG).floor() as i64 - col0)
                };
                let (ra, ca) = cell_of(l.start.x.min(l.end.x), l.start.y.min(l.end.y));
                let (rb, cb) = cell_of(l.start.x.max(l.end.x), l.start.y.max(l.end.y));
                for r in (ra - 1).max(0)..=(rb + 1).min(nr as i64 - 1) {
                    for c in (ca - 1).max(0)..=(cb + 1).min(nc as i64 - 1) {
                        near[r as usize * nc + c as usize] = true;
                    }
                }
            }
        }
    }
    // Every other cell lies wholly inside or wholly outside the outline, and so does
    // every cell it shares a side with that is not near an edge either: one test per
    // such region decides all its cells.
    let mut inside: Vec<Option<bool>> = vec![None; nr * nc];
    let mut stack = Vec::new();
    for start in 0..nr * nc {
        if near[start] || inside[start].is_some() {
            continue;
        }
        let (r, c) = ((start / nc) as i64 + row0, (start % nc) as i64 + col0);
        let v = outline.intersects(&rect(r, c).center());
        inside[start] = Some(v);
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (r, c) = (i / nc, i % nc);
            let mut visit = |j: usize| {
                if !near[j] && inside[j].is_none() {
                    inside[j] = Some(v);
                    stack.push(j);
                }
            };
            if r > 0 {
                visit(i - nc);
            }
            if r + 1 < nr {
                visit(i + nc);
            }
            if c > 0 {
                visit(i - 1);
            }
            if c + 1 < nc {
                visit(i + 1);
            }
        }
    }
    let mut out = Vec::new();
    for (i, known) in inside.iter().enumerate() {
        let (row, col) = ((i / nc) as i64 + row0, (i % nc) as i64 + col0);
        let hit = match *known {
            Some(v) => v,
            None => outline.intersects(&rect(row, col)),
        };
        if hit {
            out.push(row * 720 + col + 1);
        }
    }
    out
}

/// Distance in km from a point to the nearest vertex of the outline's rings. The OCHA
/// outlines have a vertex every few km, so this is within that of the true distance
/// to the boundary, which is all a model feature needs.
fn dist_to_outline_km(p: (f64, f64), outline: &MultiPolygon<f64>) -> f64 {
    let mut best = f64::INFINITY;
    for poly in &outline.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for c in ring.coords() {
                // cheap reject before the trigonometry
                if (c.y - p.1).abs() * 111.0 > best {
                    continue;
                }
                best = best.min(haversine_km(p, (c.x, c.y)));
            }
        }
    }
    if best.is_finite() {
        best
    } else {
        0.0
    }
}

impl UnitSet {
    fn build(level: Level, units: Vec<Unit>) -> UnitSet {
        let by_id = units.iter().enumerate().map(|(i, u)| (u.id.clone(), i)).collect();
        let by_gid: HashMap<i64, usize> = units.iter().enumerate().filter_map(|(i, u)| u.gid.map(|g| (g, i))).collect();
        let mut ring1 = vec![Vec::new(); units.len()];
        let mut ring2 = vec![Vec::new(); units.len()];
        if level == Level::Pgm {
            for (i, u) in units.iter().enumerate() {
                let g = u.gid.expect("cells have gids");
                let inner: Vec<i64> = neighbours(g, 1);
                ring1[i] = inner.iter().filter_map(|n| by_gid.get(n).map(|&j| j as u32)).collect();
                ring2[i] = neighbours(g, 2)
                    .into_iter()
                    .filter(|n| !inner.contains(n))
                    .filter_map(|n| by_gid.get(&n).map(|&j| j as u32))
                    .collect();
            }
        }
        UnitSet { level, units, by_id, by_gid, ring1, ring2 }
    }

    /// PRIO-GRID cells with the given gids (deduplicated, sorted).
    pub fn cells(gids: &[i64], geo: &Geography) -> Result<UnitSet, ForecastError> {
        let mut gids = gids.to_vec();
        gids.sort_unstable();
        gids.dedup();
        if gids.is_empty() {
            return Err(ForecastError::NoUnits("the cell list is empty".into()));
        }
        if let Some(bad) = gids.iter().find(|&&g| !(1..=360 * 720).contains(&g)) {
            return Err(ForecastError::NoUnits(format!("{bad} is not a PRIO-GRID gid")));
        }
        let admin = (!geo.admin1.is_empty()).then(|| AdminIndex::new(geo.admin1.clone()));
        let units = gids
            .iter()
            .map(|&g| {
                let (lon, lat) = gid_center(g);
                Unit {
                    id: g.to_string(),
                    name: g.to_string(),
                    gid: Some(g),
                    lon,
                    lat,
                    dist_capital_km: geo.capital.map(|c| haversine_km((lon, lat), c)).unwrap_or(0.0),
                    dist_border_km: geo.outline.as_ref().map(|o| dist_to_outline_km((lon, lat), o)).unwrap_or(0.0),
                    admin1: admin.as_ref().and_then(|a| a.locate_index(lon, lat)).map(|i| i as i32).unwrap_or(-1),
                }
            })
            .collect();
        Ok(UnitSet::build(Level::Pgm, units))
    }

    /// The cells touching the outline in `geo` (which must be set).
    pub fn cells_of_outline(geo: &Geography) -> Result<UnitSet, ForecastError> {
        let outline = geo.outline.as_ref().ok_or_else(|| ForecastError::NoUnits("no country outline loaded".into()))?;
        UnitSet::cells(&cells_intersecting(outline), geo)
    }

    /// Admin areas (or a country outline) as units, identified by their code.
    pub fn areas(level: Level, areas: &[AdminArea], geo: &Geography) -> Result<UnitSet, ForecastError> {
        if areas.is_empty() {
            return Err(ForecastError::NoUnits(format!("no boundaries loaded for level {}", level.as_str())));
        }
        let admin = (!geo.admin1.is_empty()).then(|| AdminIndex::new(geo.admin1.clone()));
        let units = areas
            .iter()
            .map(|a| {
                let c = a.geometry.centroid().map(|p| (p.x(), p.y())).unwrap_or((0.0, 0.0));
                let admin1 = match level {
                    Level::Admin1 => geo.admin1.iter().position(|x| x.code == a.code),
                    _ => admin.as_ref().and_then(|ix| ix.locate_index(c.0, c.1)),
                };
                Unit {
                    id: if level == Level::Country { a.name.clone() } else { a.code.clone() },
                    name: a.name.clone(),
                    gid: None,
                    lon: c.0,
                    lat: c.1,
                    dist_capital_km: geo.capital.map(|k| haversine_km(c, k)).unwrap_or(0.0),
                    dist_border_km: match (&geo.outline, level) {
                        (Some(o), Level::Admin1 | Level::Admin2) => dist_to_outline_km(c, o),
                        _ => 0.0,
                    },
                    admin1: admin1.map(|i| i as i32).unwrap_or(-1),
                }
            })
            .collect();
        Ok(UnitSet::build(level, units))
    }

    /// Units with attributes given directly (synthetic panels, benchmarks).
    pub fn from_units(level: Level, units: Vec<Unit>) -> UnitSet {
        UnitSet::build(level, units)
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
    pub fn index_of_gid(&self, gid: i64) -> Option<usize> {
        self.by_gid.get(&gid).copied()
    }
    pub fn index_of_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The unit an event counts towards, if any.
    pub fn locate(&self, ev: &crate::ForecastEvent) -> Option<usize> {
        match self.level {
            Level::Pgm => ev.gid.and_then(|g| self.index_of_gid(g)),
            Level::Admin1 => ev.admin1.as_deref().and_then(|c| self.index_of_id(c)),
            Level::Admin2 => ev.admin2.as_deref().and_then(|c| self.index_of_id(c)),
            Level::Country => match ev.country.as_deref() {
                None if self.units.len() == 1 => Some(0),
                None => None,
                Some(c) => {
                    self.units.iter().position(|u| u.id.eq_ignore_ascii_case(c) || u.name.eq_ignore_ascii_case(c))
                }
            },
        }
    }
}
