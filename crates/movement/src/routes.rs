//! Named routes as lines: the GeoJSON import (a FeatureCollection of LineString
//! features, each with a `name`; anything else is refused with the field and the
//! reason), and a route's exposure by segment: incidents, IEDs and forecast risk
//! within a buffer, over the last 3 and 12 months, the most exposed ranked.

use crate::spatial::{dist_to_segment_km, line_km, PointIndex, Pt};
use crate::Refusal;
use chrono::{Months, NaiveDate};
use serde::Serialize;
use serde_json::Value;

/// A route read from GeoJSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteLine {
    pub name: String,
    /// `properties.approximate`: drawn between towns, not surveyed.
    pub approximate: bool,
    pub note: Option<String>,
    pub line: Vec<Pt>,
}

fn line_of(field: &str, coords: &Value) -> Result<Vec<Pt>, Refusal> {
    let arr = coords.as_array().ok_or_else(|| Refusal::new(field, "is not an array of positions"))?;
    if arr.len() < 2 {
        return Err(Refusal::new(field, format!("a line needs at least 2 positions, this has {}", arr.len())));
    }
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            let f = format!("{field}[{i}]");
            let p = p.as_array().ok_or_else(|| Refusal::new(&f, "is not a position [lon, lat]"))?;
            let (Some(lon), Some(lat)) = (p.first().and_then(Value::as_f64), p.get(1).and_then(Value::as_f64)) else {
                return Err(Refusal::new(&f, "is not a position [lon, lat] of numbers"));
            };
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(Refusal::new(&f, format!("({lon}, {lat}) is not a longitude, latitude in degrees")));
            }
            Ok((lon, lat))
        })
        .collect()
}

/// Read routes from a GeoJSON text: a FeatureCollection (or one Feature) whose
/// geometries are LineStrings (a MultiLineString of one part is taken as its line).
pub fn parse_geojson(text: &str) -> Result<Vec<RouteLine>, Refusal> {
    let v: Value = serde_json::from_str(text).map_err(|e| Refusal::new("file", format!("is not JSON: {e}")))?;
    let features: Vec<(String, &Value)> = match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => v
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| Refusal::new("features", "missing or not an array"))?
            .iter()
            .enumerate()
            .map(|(i, f)| (format!("features[{i}]"), f))
            .collect(),
        Some("Feature") => vec![("feature".to_string(), &v)],
        Some(t) => return Err(Refusal::new("type", format!("`{t}` is not a FeatureCollection or Feature of lines"))),
        None => return Err(Refusal::new("type", "missing: not a GeoJSON document")),
    };
    if features.is_empty() {
        return Err(Refusal::new("features", "is empty: no route to import"));
    }
    features
        .into_iter()
        .map(|(at, f)| {
            let g = f
                .get("geometry")
                .filter(|g| !g.is_null())
                .ok_or_else(|| Refusal::new(format!("{at}.geometry"), "missing"))?;
            let line = match g.get("type").and_then(Value::as_str) {
                Some("LineString") => {
                    line_of(&format!("{at}.geometry.coordinates"), g.get("coordinates").unwrap_or(&Value::Null))?
                }
                Some("MultiLineString") => {
                    let parts = g.get("coordinates").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                    if parts.len() != 1 {
                        return Err(Refusal::new(
                            format!("{at}.geometry"),
                            format!("a MultiLineString of {} parts: import each part as its own route", parts.len()),
                        ));
                    }
                    line_of(&format!("{at}.geometry.coordinates[0]"), &parts[0])?
                }
                Some(t) => {
                    return Err(Refusal::new(format!("{at}.geometry.type"), format!("`{t}` is not a LineString")))
                }
                None => return Err(Refusal::new(format!("{at}.geometry.type"), "missing")),
            };
            let props = f.get("properties");
            let name = props
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| Refusal::new(format!("{at}.properties.name"), "missing: every route needs a name"))?;
            Ok(RouteLine {
                name: name.to_string(),
                approximate: props.and_then(|p| p.get("approximate")).and_then(Value::as_bool).unwrap_or(false),
                note: props.and_then(|p| p.get("note")).and_then(Value::as_str).map(str::to_string),
                line,
            })
        })
        .collect()
}

/// Cut `line` into pieces of about `seg_km` along its length (the last may be shorter).
pub fn segments(line: &[Pt], seg_km: f64) -> Vec<Vec<Pt>> {
    let total = line_km(line);
    if line.len() < 2 || seg_km <= 0.0 || total == 0.0 {
        return vec![line.to_vec()];
    }
    let n = (total / seg_km).ceil().max(1.0) as usize;
    let cuts: Vec<f64> = (1..n).map(|k| k as f64 * total / n as f64).collect();
    let mut out = Vec::with_capacity(n);
    let mut cur = vec![line[0]];
    let mut walked = 0.0;
    let mut ci = 0;
    for w in line.windows(2) {
        let len = vigil_geo::distance::haversine_km(w[0], w[1]);
        while ci < cuts.len() && cuts[ci] <= walked + len {
            let t = if len == 0.0 { 0.0 } else { (cuts[ci] - walked) / len };
            let p = (w[0].0 + t * (w[1].0 - w[0].0), w[0].1 + t * (w[1].1 - w[0].1));
            cur.push(p);
            out.push(std::mem::replace(&mut cur, vec![p]));
            ci += 1;
        }
        walked += len;
        cur.push(w[1]);
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out
}

/// An incident as route exposure reads it.
#[derive(Debug, Clone, Copy)]
pub struct Incident {
    pub pt: Pt,
    pub date: NaiveDate,
    pub ied: bool,
}

/// The exposure settings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ExposureParams {
    pub buffer_km: f64,
    pub segment_km: f64,
    /// The last day counted (the windows end here).
    pub as_of: NaiveDate,
}

/// One segment's exposure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentExposure {
    /// 0-based, from the route's start.
    pub index: usize,
    pub from_km: f64,
    pub to_km: f64,
    pub line: Vec<Pt>,
    pub incidents_3m: u64,
    pub incidents_12m: u64,
    pub ieds_3m: u64,
    pub ieds_12m: u64,
    /// The highest forecast risk at the segment's points.
    pub risk: Option<f64>,
}

/// The exposure of `line` by segment. Each incident within the buffer counts once,
/// for the segment nearest to it. The windows are (as_of − 3 months, as_of] and
/// (as_of − 12 months, as_of].
pub fn exposure(
    line: &[Pt],
    incidents: &[Incident],
    index: &PointIndex,
    risk: &dyn Fn(Pt) -> Option<f64>,
    p: ExposureParams,
) -> Vec<SegmentExposure> {
    let segs = segments(line, p.segment_km);
    let from3 = p.as_of.checked_sub_months(Months::new(3)).unwrap_or(NaiveDate::MIN);
    let from12 = p.as_of.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    let mut at = 0.0;
    let mut out: Vec<SegmentExposure> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let len = line_km(s);
            let e = SegmentExposure {
                index: i,
                from_km: at,
                to_km: at + len,
                line: s.clone(),
                incidents_3m: 0,
                incidents_12m: 0,
                ieds_3m: 0,
                ieds_12m: 0,
                risk: s
                    .iter()
                    .filter_map(|&q| risk(q))
                    .fold(None, |acc: Option<f64>, r| Some(acc.map_or(r, |a| a.max(r)))),
            };
            at += len;
            e
        })
        .collect();
    for i in index.within_line(line, p.buffer_km) {
        let inc = &incidents[i];
        if inc.date <= from12 || inc.date > p.as_of {
            continue;
        }
        let nearest = segs
            .iter()
            .enumerate()
            .map(|(k, s)| {
                (k, s.windows(2).map(|w| dist_to_segment_km(inc.pt, w[0], w[1])).fold(f64::INFINITY, f64::min))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(k, _)| k);
        let Some(k) = nearest else { continue };
        let e = &mut out[k];
        e.incidents_12m += 1;
        e.ieds_12m += u64::from(inc.ied);
        if inc.date > from3 {
            e.incidents_3m += 1;
            e.ieds_3m += u64::from(inc.ied);
        }
    }
    out
}

/// The segments most exposed first: by incidents over 12 months, then IEDs, then
/// incidents over 3 months, then risk.
pub fn ranked(mut segs: Vec<SegmentExposure>) -> Vec<SegmentExposure> {
    segs.sort_by(|a, b| {
        b.incidents_12m
            .cmp(&a.incidents_12m)
            .then(b.ieds_12m.cmp(&a.ieds_12m))
            .then(b.incidents_3m.cmp(&a.incidents_3m))
            .then(b.risk.unwrap_or(0.0).total_cmp(&a.risk.unwrap_or(0.0)))
            .then(a.index.cmp(&b.index))
    });
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn geojson_that_is_not_lines_is_refused_with_the_field() {
        let ok = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Gao–Kidal","approximate":true},
            "geometry":{"type":"LineString","coordinates":[[-0.04,16.27],[1.41,18.44]]}}]}"#;
        let r = parse_geojson(ok).expect("lines");
        assert_eq!((r[0].name.as_str(), r[0].approximate, r[0].line.len()), ("Gao–Kidal", true, 2));
        let cases = [
            ("not json", "file"),
            (r#"{"type":"Point","coordinates":[0,0]}"#, "type"),
            (r#"{"type":"FeatureCollection","features":[]}"#, "features"),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
                "features[0].geometry.type",
            ),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#,
                "features[0].properties.name",
            ),
            (
                r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,95]]}}"#,
                "feature.geometry.coordinates[1]",
            ),
            (
                r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"LineString","coordinates":[[0,0]]}}"#,
                "feature.geometry.coordinates",
            ),
        ];
        for (text, field) in cases {
            assert_eq!(parse_geojson(text).unwrap_err().field, field, "{text}");
        }
    }

    /// A hand-drawn route: due north along 0°E from 15°N to 16°N (about 111 km), cut
    /// into 4 segments of about 27.8 km.
    #[test]
    fn exposure_on_a_hand_drawn_route() {
        let line = vec![(0.0, 15.0), (0.0, 15.5), (0.0, 16.0)];
        let segs = segments(&line, 30.0);
        assert_eq!(segs.len(), 4);
        assert!((segs[1][0].1 - 15.25).abs() < 1e-6, "{:?}", segs[1]);
        let incidents = vec![
            Incident { pt: (0.05, 15.1), date: d("2022-12-01"), ied: true }, // seg 0, 5 km off, last 3 months
            Incident { pt: (-0.05, 15.12), date: d("2022-06-01"), ied: false }, // seg 0, within 12 months only
            Incident { pt: (0.02, 15.9), date: d("2022-11-15"), ied: true }, // seg 3
            Incident { pt: (0.02, 15.95), date: d("2021-06-01"), ied: true }, // seg 3 but too old
            Incident { pt: (0.5, 15.5), date: d("2022-12-01"), ied: true },  // 54 km off: outside the buffer
            Incident { pt: (0.0, 16.3), date: d("2022-12-01"), ied: false }, // beyond the end by 33 km
        ];
        let index = PointIndex::new(incidents.iter().map(|i| i.pt).collect());
        let risk = |p: Pt| Some(if p.1 > 15.6 { 0.9 } else { 0.2 });
        let p = ExposureParams { buffer_km: 10.0, segment_km: 30.0, as_of: d("2022-12-31") };
        let e = exposure(&line, &incidents, &index, &risk, p);
        let got: Vec<(u64, u64, u64, u64)> =
            e.iter().map(|s| (s.incidents_3m, s.incidents_12m, s.ieds_3m, s.ieds_12m)).collect();
        assert_eq!(got, [(1, 2, 1, 1), (0, 0, 0, 0), (0, 0, 0, 0), (1, 1, 1, 1)]);
        assert!((e[3].to_km - line_km(&line)).abs() < 1e-6);
        let r = ranked(e);
        assert_eq!(r.iter().map(|s| s.index).collect::<Vec<_>>(), [0, 3, 2, 1]);
    }
}
