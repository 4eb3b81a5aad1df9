//! Alert areas: circle, polygon, admin areas or PRIO-GRID cells.
//!
//! An area does three jobs: it is what the CAP document describes, what "the same
//! situation" means for de-duplication ([`Area::same_situation`]), and what "in their
//! area" means when a backtest asks whether a fatal incident followed an alert
//! ([`Area::contains`]). Coordinates are stored with named `lat` / `lon` fields because
//! CAP writes latitude first while GeoJSON and `vigil-geo` put longitude first; names
//! leave no room for a swap.

use serde::{Deserialize, Serialize};

/// A WGS 84 point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub fn new(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }
    pub fn distance_km(self, other: LatLon) -> f64 {
        vigil_geo::haversine_km((self.lon, self.lat), (other.lon, other.lat))
    }
}

/// Where an incident or report is, as far as the rules need to know.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Whereabouts {
    pub point: Option<LatLon>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub gid: Option<i64>,
}

/// The area an alert is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Area {
    Circle {
        center: LatLon,
        radius_km: f64,
    },
    /// A ring as drawn; it need not be closed (CAP output closes it).
    Polygon {
        points: Vec<LatLon>,
    },
    /// Admin areas by P-code, at one level.
    Admin {
        level: u8,
        codes: Vec<String>,
    },
    /// PRIO-GRID cells by gid.
    Cells {
        gids: Vec<i64>,
    },
    /// A report that gave no usable location: the alert still stands, an analyst
    /// has to place it.
    Unlocated,
}

impl Area {
    /// Whether two areas describe the same situation, for de-duplication: circles
    /// whose centres lie within the larger radius of each other (the same cluster
    /// seen from a neighbouring incident), admin areas or cells that share a code,
    /// identical polygons.
    pub fn same_situation(&self, other: &Area) -> bool {
        match (self, other) {
            (
                Area::Circle {
                    center: a,
                    radius_km: ra,
                },
                Area::Circle {
                    center: b,
                    radius_km: rb,
                },
            ) => a.distance_km(*b) <= ra.max(*rb),
            (
                Area::Admin {
                    level: la,
                    codes: a,
                },
                Area::Admin {
                    level: lb,
                    codes: b,
                },
            ) => la == lb && a.iter().any(|c| b.contains(c)),
            (Area::Cells { gids: a }, Area::Cells { gids: b }) => a.iter().any(|g| b.contains(g)),
            (Area::Polygon { points: a }, Area::Polygon { points: b }) => a == b,
            (Area::Unlocated, Area::Unlocated) => true,
            _ => false,
        }
    }

    /// Whether a located thing falls in the area.
    pub fn contains(&self, w: &Whereabouts) -> bool {
        match self {
            Area::Circle { center, radius_km } => {
                w.point.is_some_and(|p| center.distance_km(p) <= *radius_km)
            }
            Area::Polygon { points } => w.point.is_some_and(|p| point_in_ring(p, points)),
            Area::Admin { level, codes } => {
                let code = if *level == 1 { &w.admin1 } else { &w.admin2 };
                code.as_ref().is_some_and(|c| codes.contains(c))
            }
            Area::Cells { gids } => w.gid.is_some_and(|g| gids.contains(&g)),
            Area::Unlocated => false,
        }
    }

    /// Merge another firing's area into this one where that keeps the meaning
    /// (more admin codes or cells); circles and polygons keep the first shape.
    pub fn absorb(&mut self, other: &Area) {
        match (self, other) {
            (
                Area::Admin {
                    level: la,
                    codes: a,
                },
                Area::Admin {
                    level: lb,
                    codes: b,
                },
            ) if la == lb => {
                for c in b {
                    if !a.contains(c) {
                        a.push(c.clone());
                    }
                }
            }
            (Area::Cells { gids: a }, Area::Cells { gids: b }) => {
                for g in b {
                    if !a.contains(g) {
                        a.push(*g);
                    }
                }
            }
            _ => {}
        }
    }

    /// A closed ring for the outline of a PRIO-GRID cell (5 points, counter-clockwise
    /// from the south-west corner), so CAP readers that do not know PRIO-GRID still get
    /// a shape.
    pub fn cell_ring(gid: i64) -> Vec<LatLon> {
        let (lon_c, lat_c) = vigil_geo::gid_center(gid);
        let h = vigil_geo::grid::CELL_DEG / 2.0;
        let (s, n, w, e) = (lat_c - h, lat_c + h, lon_c - h, lon_c + h);
        vec![
            LatLon::new(s, w),
            LatLon::new(s, e),
            LatLon::new(n, e),
            LatLon::new(n, w),
            LatLon::new(s, w),
        ]
    }
}

/// Even-odd point-in-polygon in plain lon/lat: alert polygons are small (tens of km),
/// where the planar approximation is far inside the precision of incident points.
fn point_in_ring(p: LatLon, ring: &[LatLon]) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.lat > p.lat) != (b.lat > p.lat) {
            let x = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
            if p.lon < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygon_contains() {
        let sq = Area::Polygon {
            points: vec![
                LatLon::new(15.0, -1.0),
                LatLon::new(15.0, 0.0),
                LatLon::new(16.0, 0.0),
                LatLon::new(16.0, -1.0),
            ],
        };
        let at = |lat, lon| Whereabouts {
            point: Some(LatLon::new(lat, lon)),
            ..Default::default()
        };
        assert!(sq.contains(&at(15.5, -0.5)));
        assert!(!sq.contains(&at(16.5, -0.5)));
    }

    #[test]
    fn cell_ring_is_closed_around_the_centre() {
        let g = vigil_geo::gid(-0.04, 16.27).unwrap();
        let r = Area::cell_ring(g);
        assert_eq!(r.len(), 5);
        assert_eq!(r[0], r[4]);
        let c = vigil_geo::gid_center(g);
        assert!(point_in_ring(LatLon::new(c.1, c.0), &r));
    }
}
