//! Admin areas and the point-in-polygon index.
//!
//! Boundary files are GeoJSON FeatureCollections of (Multi)Polygons with a code and a
//! name property (OCHA COD-AB: `adm2_pcode` / `adm2_name`). The index answers "which
//! area contains this point" for millions of points:
//!
//! 1. an R-tree over polygon envelopes gives the candidate areas;
//! 2. an exact ray-crossing test decides, looking only at the edges in the point's
//!    horizontal band of the polygon (so a 5,000-vertex cercle costs a dozen edge
//!    tests, not 5,000).
//!
//! A point in no polygon gives `None`: it is reported by callers, never guessed.

use geo::{BoundingRect, MultiPolygon};
use rstar::{RTree, RTreeObject, AABB};
use std::collections::HashSet;

/// An error in a boundary file, saying which feature (counted from 1, in file order)
/// and which property. `index` is the 0-based position in `features`.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    #[error("not valid GeoJSON: {0}")]
    Json(String),
    #[error("expected a FeatureCollection of polygons")]
    NotFeatureCollection,
    #[error("feature {n}: property `{field}` is missing or empty (properties present: {present})", n = .index + 1)]
    MissingProperty { index: usize, field: String, present: String },
    #[error("feature {n} ({code}): geometry is {kind}, expected Polygon or MultiPolygon", n = .index + 1)]
    BadGeometry { index: usize, code: String, kind: String },
    #[error("feature {n}: code `{code}` appears twice in the file", n = .index + 1)]
    DuplicateCode { index: usize, code: String },
    #[error("the file has no features")]
    Empty,
}

/// One admin area.
#[derive(Debug, Clone)]
pub struct AdminArea {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub geometry: MultiPolygon<f64>,
}

impl AdminArea {
    /// The geometry as a GeoJSON geometry object (for storage and the API).
    pub fn geometry_geojson(&self) -> serde_json::Value {
        let g = geojson::Geometry::new(geojson::GeometryValue::from(&self.geometry));
        serde_json::to_value(g).expect("geometry serialises")
    }
}

/// Read the areas of a GeoJSON boundary file.
pub fn parse_boundaries(
    text: &str,
    level: u8,
    code_field: &str,
    name_field: &str,
) -> Result<Vec<AdminArea>, BoundaryError> {
    let gj: geojson::GeoJson = text.parse().map_err(|e: geojson::Error| BoundaryError::Json(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(BoundaryError::NotFeatureCollection);
    };
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(fc.features.len());
    for (index, f) in fc.features.into_iter().enumerate() {
        let prop = |field: &str| -> Result<String, BoundaryError> {
            let v = f.properties.as_ref().and_then(|p| p.get(field));
            let s = match v {
                Some(serde_json::Value::String(s)) => s.trim().to_string(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            if s.is_empty() {
                let present = f
                    .properties
                    .as_ref()
                    .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                return Err(BoundaryError::MissingProperty { index, field: field.to_string(), present });
            }
            Ok(s)
        };
        let code = prop(code_field)?;
        // shown as written in Mali, whatever the file's spelling (see `names`)
        let name = crate::names::admin_spelling(&prop(name_field)?).to_string();
        let geometry = match f.geometry.as_ref() {
            Some(g) => to_multipolygon(&g.value).map_err(|NotPolygonal(kind)| BoundaryError::BadGeometry {
                index,
                code: code.clone(),
                kind,
            })?,
            None => return Err(BoundaryError::BadGeometry { index, code, kind: "null".into() }),
        };
        if !seen.insert(code.clone()) {
            return Err(BoundaryError::DuplicateCode { index, code });
        }
        out.push(AdminArea { code, name, level, geometry });
    }
    if out.is_empty() {
        return Err(BoundaryError::Empty);
    }
    Ok(out)
}

/// Parse a stored GeoJSON geometry back into a multipolygon.
pub fn geometry_from_geojson(text: &str) -> Result<MultiPolygon<f64>, BoundaryError> {
    let g: geojson::Geometry = serde_json::from_str(text).map_err(|e| BoundaryError::Json(e.to_string()))?;
    to_multipolygon(&g.value).map_err(|NotPolygonal(kind)| BoundaryError::BadGeometry { index: 0, code: String::new(), kind })
}

/// What a geometry that is not a (valid) polygon was, for [`BoundaryError::BadGeometry`].
struct NotPolygonal(String);

/// (Multi)Polygon to a multipolygon; anything else gives the name of what it was.
fn to_multipolygon(v: &geojson::GeometryValue) -> Result<MultiPolygon<f64>, NotPolygonal> {
    match geo_types::Geometry::<f64>::try_from(v) {
        Ok(geo_types::Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
        Ok(geo_types::Geometry::MultiPolygon(m)) => Ok(m),
        Ok(_) => Err(NotPolygonal(v.type_name().to_string())),
        Err(e) => Err(NotPolygonal(format!("invalid {} ({e})", v.type_name()))),
    }
}

struct Entry {
    idx: usize,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Edges of one area's rings, bucketed into horizontal bands so a ray-crossing test
/// looks only at the edges that span the point's latitude.
struct BandedEdges {
    min_y: f64,
    band_h: f64,
    /// `bands[i]` holds (x0, y0, x1, y1) of every edge whose y-range meets band i.
    bands: Vec<Vec<[f64; 4]>>,
}

impl BandedEdges {
    fn new(g: &MultiPolygon<f64>) -> BandedEdges {
        let mut edges = Vec::new();
        for poly in &g.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for l in ring.lines() {
                    edges.push([l.start.x, l.start.y, l.end.x, l.end.y]);
                }
            }
        }
        let (min_y, max_y) = edges
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), e| (lo.min(e[1]).min(e[3]), hi.max(e[1]).max(e[3])));
        // about 8 edges a band on average
        let n = (edges.len() / 8).clamp(1, 4096);
        let band_h = ((max_y - min_y) / n as f64).max(1e-12);
        let mut bands = vec![Vec::new(); n];
        for e in edges {
            let (lo, hi) = (e[1].min(e[3]), e[1].max(e[3]));
            let b0 = (((lo - min_y) / band_h) as usize).min(n - 1);
            let b1 = (((hi - min_y) / band_h) as usize).min(n - 1);
            for band in &mut bands[b0..=b1] {
                band.push(e);
            }
        }
        BandedEdges { min_y, band_h, bands }
    }

    /// Even-odd ray casting: holes and multi-part areas come out right without
    /// knowing which ring is which.
    fn contains(&self, x: f64, y: f64) -> bool {
        let fb = (y - self.min_y) / self.band_h;
        if fb < 0.0 {
            return false;
        }
        let b = fb as usize;
        let Some(band) = self.bands.get(b.min(self.bands.len() - 1)) else { return false };
        let mut inside = false;
        for &[x0, y0, x1, y1] in band {
            if (y0 > y) != (y1 > y) {
                let xi = x0 + (y - y0) * (x1 - x0) / (y1 - y0);
                if x < xi {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// Point-in-polygon index over one level's areas.
pub struct AdminIndex {
    areas: Vec<AdminArea>,
    edges: Vec<BandedEdges>,
    tree: RTree<Entry>,
}

impl AdminIndex {
    pub fn new(areas: Vec<AdminArea>) -> AdminIndex {
        let entries: Vec<Entry> = areas
            .iter()
            .enumerate()
            .filter_map(|(idx, a)| {
                a.geometry.bounding_rect().map(|r| Entry {
                    idx,
                    env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                })
            })
            .collect();
        let edges = areas.iter().map(|a| BandedEdges::new(&a.geometry)).collect();
        AdminIndex { areas, edges, tree: RTree::bulk_load(entries) }
    }

    pub fn areas(&self) -> &[AdminArea] {
        &self.areas
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The area containing (lon, lat), if any.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&AdminArea> {
        self.locate_index(lon, lat).map(|i| &self.areas[i])
    }

    /// Index into [`AdminIndex::areas`] of the area containing (lon, lat). Should
    /// areas overlap, the first in file order wins, so the answer is deterministic.
    pub fn locate_index(&self, lon: f64, lat: f64) -> Option<usize> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|e| e.idx)
            .filter(|&i| self.edges[i].contains(lon, lat))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x0: f64, y0: f64, size: f64) -> AdminArea {
        let p = geo::Polygon::new(
            geo::LineString::from(vec![(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)]),
            vec![],
        );
        AdminArea { code: code.into(), name: code.into(), level: 2, geometry: MultiPolygon(vec![p]) }
    }

    #[test]
    fn locates_points_in_squares_and_not_outside() {
        let idx = AdminIndex::new(vec![square("A", 0.0, 0.0, 1.0), square("B", 1.0, 0.0, 1.0)]);
        assert_eq!(idx.locate(0.5, 0.5).unwrap().code, "A");
        assert_eq!(idx.locate(1.5, 0.99).unwrap().code, "B");
        assert!(idx.locate(2.5, 0.5).is_none());
        assert!(idx.locate(-0.1, 0.5).is_none());
        assert!(idx.locate(0.5, 1.01).is_none());
    }

    #[test]
    fn hole_is_outside() {
        let outer = geo::LineString::from(vec![(0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (0.0, 3.0), (0.0, 0.0)]);
        let hole = geo::LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0), (1.0, 1.0)]);
        let a = AdminArea {
            code: "K".into(),
            name: "K".into(),
            level: 1,
            geometry: MultiPolygon(vec![geo::Polygon::new(outer, vec![hole])]),
        };
        let idx = AdminIndex::new(vec![a, square("B", 1.0, 1.0, 1.0)]);
        assert_eq!(idx.locate(0.5, 0.5).unwrap().code, "K");
        assert_eq!(idx.locate(1.5, 1.5).unwrap().code, "B");
    }

    #[test]
    fn missing_property_names_the_feature_and_field() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"x":"1"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;
        let err = parse_boundaries(text, 2, "adm2_pcode", "adm2_name").unwrap_err().to_string();
        assert!(err.contains("feature 1:") && err.contains("adm2_pcode") && err.contains("x"), "{err}");
    }
}
