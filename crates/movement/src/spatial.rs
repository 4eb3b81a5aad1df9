//! Points near a place or a line, fast enough for a million incidents: a grid of
//! buckets (0.25°, about 28 km) over the points, searched only in the buckets a
//! query's buffer can reach; distances are great-circle to a point and, to a line,
//! measured in a local equirectangular projection of each segment (good to well
//! under 1 % at the tens of kilometres a buffer spans in Mali's latitudes).

use std::collections::HashMap;
use vigil_geo::distance::{haversine_km, EARTH_RADIUS_KM};

const CELL_DEG: f64 = 0.25;
const KM_PER_DEG: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

/// A (lon, lat) point in degrees.
pub type Pt = (f64, f64);

fn cell(p: Pt) -> (i32, i32) {
    ((p.0 / CELL_DEG).floor() as i32, (p.1 / CELL_DEG).floor() as i32)
}

/// Indices of points, bucketed by grid cell.
#[derive(Debug, Default)]
pub struct PointIndex {
    cells: HashMap<(i32, i32), Vec<u32>>,
    points: Vec<Pt>,
}

impl PointIndex {
    pub fn new(points: Vec<Pt>) -> PointIndex {
        let mut cells: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        for (i, &p) in points.iter().enumerate() {
            cells.entry(cell(p)).or_default().push(i as u32);
        }
        PointIndex { cells, points }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Candidate indices in the buckets meeting the box around `pts` widened by `km`.
    fn candidates(&self, pts: &[Pt], km: f64, mut f: impl FnMut(usize)) {
        if pts.is_empty() {
            return;
        }
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in pts {
            w = w.min(p.0);
            e = e.max(p.0);
            s = s.min(p.1);
            n = n.max(p.1);
        }
        let dlat = km / KM_PER_DEG;
        let coslat = s.abs().max(n.abs()).min(89.0).to_radians().cos();
        let dlon = km / (KM_PER_DEG * coslat);
        let (c0, r0) = cell((w - dlon, s - dlat));
        let (c1, r1) = cell((e + dlon, n + dlat));
        for c in c0..=c1 {
            for r in r0..=r1 {
                if let Some(v) = self.cells.get(&(c, r)) {
                    for &i in v {
                        f(i as usize);
                    }
                }
            }
        }
    }

    /// Indices of the points within `km` of `p`.
    pub fn within_point(&self, p: Pt, km: f64) -> Vec<usize> {
        let mut out = Vec::new();
        self.candidates(&[p], km, |i| {
            if haversine_km(p, self.points[i]) <= km {
                out.push(i);
            }
        });
        out
    }

    /// Indices of the points within `km` of the line through `line` (a single point
    /// counts as a point).
    pub fn within_line(&self, line: &[Pt], km: f64) -> Vec<usize> {
        if line.len() == 1 {
            return self.within_point(line[0], km);
        }
        let mut out = Vec::new();
        // segment by segment, so a long line does not scan its whole bounding box
        let mut seen = std::collections::HashSet::new();
        for seg in line.windows(2) {
            self.candidates(seg, km, |i| {
                if !seen.contains(&i) && dist_to_segment_km(self.points[i], seg[0], seg[1]) <= km {
                    seen.insert(i);
                    out.push(i);
                }
            });
        }
        out.sort_unstable();
        out
    }
}

/// Distance in km from `p` to the segment `a`–`b`.
pub fn dist_to_segment_km(p: Pt, a: Pt, b: Pt) -> f64 {
    let lat0 = ((a.1 + b.1) / 2.0).to_radians();
    let proj = |q: Pt| ((q.0 - a.0) * lat0.cos() * KM_PER_DEG, (q.1 - a.1) * KM_PER_DEG);
    let (px, py) = proj(p);
    let (bx, by) = proj(b);
    let len2 = bx * bx + by * by;
    let t = if len2 == 0.0 { 0.0 } else { ((px * bx + py * by) / len2).clamp(0.0, 1.0) };
    let (dx, dy) = (px - t * bx, py - t * by);
    (dx * dx + dy * dy).sqrt()
}

/// Distance in km from `p` to the line `line`.
pub fn dist_to_line_km(p: Pt, line: &[Pt]) -> f64 {
    match line.len() {
        0 => f64::INFINITY,
        1 => haversine_km(p, line[0]),
        _ => line.windows(2).map(|s| dist_to_segment_km(p, s[0], s[1])).fold(f64::INFINITY, f64::min),
    }
}

/// Length of a line in km.
pub fn line_km(line: &[Pt]) -> f64 {
    line.windows(2).map(|s| haversine_km(s[0], s[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_distance_matches_great_circle_off_the_middle() {
        // a north-south segment at 0°E from 15°N to 16°N; a point 0.1° east at 15.5°N
        let d = dist_to_segment_km((0.1, 15.5), (0.0, 15.0), (0.0, 16.0));
        let hc = haversine_km((0.1, 15.5), (0.0, 15.5));
        assert!((d - hc).abs() < 0.05, "{d} vs {hc}");
        // beyond the end, the distance is to the end point
        let d = dist_to_segment_km((0.0, 16.2), (0.0, 15.0), (0.0, 16.0));
        assert!((d - 0.2 * KM_PER_DEG).abs() < 0.1);
    }

    #[test]
    fn index_finds_exactly_the_points_in_the_buffer() {
        let pts = vec![(0.0, 15.0), (0.05, 15.0), (0.5, 15.0), (3.0, 17.0)];
        let idx = PointIndex::new(pts);
        assert_eq!(idx.within_point((0.0, 15.0), 10.0), vec![0, 1]);
        let line = [(0.0, 15.0), (0.0, 16.0)];
        // 0.5° east at 15°N is about 53.7 km off the line
        assert_eq!(idx.within_line(&line, 50.0), vec![0, 1]);
        assert_eq!(idx.within_line(&line, 60.0), vec![0, 1, 2]);
    }
}
