//! Writers for exports: GED-layout CSV, GeoJSON and HXL-tagged CSV.
//!
//! Writers stream: each takes one [`Located`] incident at a time, so an export of the
//! whole store never holds it in memory.
//!
//! Every CSV cell goes through [`neutralise`]: a text that a spreadsheet would run as
//! a formula gets a leading `'` (OWASP's advice for CSV injection), numbers are
//! written as they are, and the readers take the `'` off again (see
//! [`unneutralise`]), so export → import stays the identity.

use crate::GED_COLUMNS;
use std::io::Write;
use vigil_model::{Incident, MissionFields, Placement};

/// Whether a spreadsheet would take `v` as a formula (or, with a tab or carriage
/// return first, mangle it into one): it starts, after any `'` already there, with
/// `=`, `+`, `-`, `@`, tab or CR, and is not a number (`-3.5` is data: a negative
/// longitude is written as it is).
fn formula_like(v: &str) -> bool {
    let s = v.trim_start_matches('\'');
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) && s.parse::<f64>().is_err()
}

/// A CSV cell as written: `v` with a `'` in front when [`formula_like`], else `v`.
/// A value that starts with `'` before such a character gets one more, so that
/// [`unneutralise`] gives every value back exactly.
pub fn neutralise(v: &str) -> String {
    if formula_like(v) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// The value [`neutralise`] was given, from the cell it wrote: one leading `'` taken
/// off a [`formula_like`] cell. Other cells, including ones that start with a `'`
/// followed by ordinary text (`'Ayn` in a place name), are returned as they are.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(cell) => rest,
        _ => cell,
    }
}

/// An incident with the geography Vigil derived for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub incident: Incident,
    pub placement: Placement,
}

fn opt_i(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}
fn opt_f(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}
fn opt_s(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The value of one GED column for an incident.
fn ged_field(l: &Located, col: &str) -> String {
    let i = &l.incident;
    match col {
        "id" => i.source_id.clone(),
        "type_of_violence" => i.type_of_violence.map(|t| t.code().to_string()).unwrap_or_default(),
        "conflict_name" => opt_s(&i.conflict_name).into(),
        "dyad_name" => opt_s(&i.dyad_name).into(),
        "side_a" => opt_s(&i.side_a).into(),
        "side_b" => opt_s(&i.side_b).into(),
        "number_of_sources" => opt_i(i.number_of_sources),
        "where_prec" => opt_i(i.where_prec),
        "where_coordinates" => opt_s(&i.place).into(),
        "where_description" => opt_s(&i.where_description).into(),
        "adm_1" => opt_s(&i.adm_1).into(),
        "adm_2" => opt_s(&i.adm_2).into(),
        "latitude" => opt_f(i.latitude),
        "longitude" => opt_f(i.longitude),
        // the source's own gid when it gave one (they agree: tested), else ours
        "priogrid_gid" => opt_i(i.source_gid.or(l.placement.gid)),
        "country" => opt_s(&i.country).into(),
        "date_prec" => opt_i(i.date_prec),
        "date_start" => i.date_start.to_string(),
        "date_end" => i.date_end.to_string(),
        "deaths_a" => opt_i(i.deaths_a),
        "deaths_b" => opt_i(i.deaths_b),
        "deaths_civilians" => opt_i(i.deaths_civilians),
        "deaths_unknown" => opt_i(i.deaths_unknown),
        "best" => i.best.to_string(),
        "high" => i.high.to_string(),
        "low" => i.low.to_string(),
        "year" if i.extra("year").is_none() => i.date_start.format("%Y").to_string(),
        "geom_wkt" if i.extra("geom_wkt").is_none() => match i.point() {
            Some((lon, lat)) => format!("POINT ({lon} {lat})"),
            None => String::new(),
        },
        other => i.extra(other).unwrap_or("").to_string(),
    }
}

/// The columns a Vigil export adds after a source's own (GED or HXL): the fields
/// of [`MissionFields`], in this order.
pub const MISSION_COLUMNS: [&str; 3] = ["mission_category", "sensitivity", "verification"];

fn mission_cells(m: &MissionFields) -> [String; 3] {
    [m.category.clone(), m.sensitivity.clone(), m.verification.clone()].map(|v| neutralise(&v.unwrap_or_default()))
}

/// GED 2x.1 layout (49 columns). Rows from other sources fill what they have. Made
/// with [`GedWriter::with_mission`], three more columns carry Vigil's own fields.
pub struct GedWriter<W: Write> {
    w: csv::Writer<W>,
    row: Vec<String>,
    mission: bool,
}

impl<W: Write> GedWriter<W> {
    pub fn new(out: W) -> csv::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(GED_COLUMNS)?;
        Ok(GedWriter { w, row: Vec::with_capacity(GED_COLUMNS.len()), mission: false })
    }

    /// The GED layout followed by [`MISSION_COLUMNS`] (write rows with
    /// [`GedWriter::write_mission`]).
    pub fn with_mission(out: W) -> csv::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(GED_COLUMNS.iter().chain(MISSION_COLUMNS.iter()))?;
        Ok(GedWriter { w, row: Vec::with_capacity(GED_COLUMNS.len() + 3), mission: true })
    }

    pub fn write(&mut self, l: &Located) -> csv::Result<()> {
        self.write_mission(l, &MissionFields::default())
    }

    /// A row with Vigil's fields (ignored unless made [`GedWriter::with_mission`]).
    pub fn write_mission(&mut self, l: &Located, m: &MissionFields) -> csv::Result<()> {
        self.row.clear();
        self.row.extend(GED_COLUMNS.iter().map(|c| {
            let v = ged_field(l, c);
            if formula_like(&v) {
                format!("'{v}")
            } else {
                v
            }
        }));
        if self.mission {
            self.row.extend(mission_cells(m));
        }
        self.w.write_record(&self.row)
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.w.flush()?;
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// HXL columns: header, hashtag, value.
const HXL: &[(&str, &str)] = &[
    ("source", "#meta+source"),
    ("source_id", "#event+id"),
    ("date_start", "#date+start"),
    ("date_end", "#date+end"),
    ("type_of_violence", "#event+type+code"),
    ("event_type", "#event+type"),
    ("side_a", "#group+name+first"),
    ("side_b", "#group+name+second"),
    ("country", "#country+name"),
    ("admin1", "#adm1+code"),
    ("admin2", "#adm2+code"),
    ("place", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("where_prec", "#geo+precision"),
    ("gid", "#loc+code+priogrid"),
    ("best", "#affected+killed"),
    ("low", "#affected+killed+min"),
    ("high", "#affected+killed+max"),
    ("deaths_civilians", "#affected+killed+civilians"),
];

/// HXL hashtags of [`MISSION_COLUMNS`].
const HXL_MISSION: [&str; 3] = ["#event+type+mission", "#meta+sensitivity", "#status+verification"];

/// CSV with a second row of HXL hashtags (the HDX convention), so humanitarian
/// tools read the columns by meaning. Made with [`HxlWriter::with_mission`], three
/// more columns carry Vigil's own fields.
pub struct HxlWriter<W: Write> {
    w: csv::Writer<W>,
    mission: bool,
}

impl<W: Write> HxlWriter<W> {
    pub fn new(out: W) -> csv::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(HXL.iter().map(|(h, _)| *h))?;
        w.write_record(HXL.iter().map(|(_, t)| *t))?;
        Ok(HxlWriter { w, mission: false })
    }

    /// The HXL columns followed by [`MISSION_COLUMNS`] (write rows with
    /// [`HxlWriter::write_mission`]).
    pub fn with_mission(out: W) -> csv::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(HXL.iter().map(|(h, _)| *h).chain(MISSION_COLUMNS))?;
        w.write_record(HXL.iter().map(|(_, t)| *t).chain(HXL_MISSION))?;
        Ok(HxlWriter { w, mission: true })
    }

    pub fn write(&mut self, l: &Located) -> csv::Result<()> {
        self.write_mission(l, &MissionFields::default())
    }

    /// A row with Vigil's fields (ignored unless made [`HxlWriter::with_mission`]).
    pub fn write_mission(&mut self, l: &Located, m: &MissionFields) -> csv::Result<()> {
        let i = &l.incident;
        let p = &l.placement;
        let cells = [
            i.source.as_str().to_string(),
            i.source_id.clone(),
            i.date_start.to_string(),
            i.date_end.to_string(),
            i.type_of_violence.map(|t| t.code().to_string()).unwrap_or_default(),
            opt_s(&i.event_type).into(),
            opt_s(&i.side_a).into(),
            opt_s(&i.side_b).into(),
            opt_s(&i.country).into(),
            opt_s(&p.admin1).into(),
            opt_s(&p.admin2).into(),
            opt_s(&i.place).into(),
            opt_f(i.latitude),
            opt_f(i.longitude),
            opt_i(i.where_prec),
            opt_i(p.gid),
            i.best.to_string(),
            i.low.to_string(),
            i.high.to_string(),
            opt_i(i.deaths_civilians),
        ];
        let mut row: Vec<String> = cells.iter().map(|c| neutralise(c)).collect();
        if self.mission {
            row.extend(mission_cells(m));
        }
        self.w.write_record(&row)
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.w.flush()?;
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// One RFC 7946 Feature for an incident: a Point (or null geometry when it has no
/// location) and its fields as properties.
pub fn geojson_feature(l: &Located) -> serde_json::Value {
    let i = &l.incident;
    let geometry = match i.point() {
        Some((lon, lat)) => serde_json::json!({"type": "Point", "coordinates": [lon, lat]}),
        None => serde_json::Value::Null,
    };
    serde_json::json!({
        "type": "Feature",
        "id": format!("{}:{}", i.source.as_str(), i.source_id),
        "geometry": geometry,
        "properties": {
            "source": i.source.as_str(),
            "source_id": i.source_id,
            "date_start": i.date_start.to_string(),
            "date_end": i.date_end.to_string(),
            "date_prec": i.date_prec,
            "type_of_violence": i.type_of_violence.map(|t| t.code()),
            "event_type": i.event_type,
            "sub_event_type": i.sub_event_type,
            "conflict_name": i.conflict_name,
            "dyad_name": i.dyad_name,
            "side_a": i.side_a,
            "side_b": i.side_b,
            "country": i.country,
            "place": i.place,
            "where_prec": i.where_prec,
            "adm_1": i.adm_1,
            "adm_2": i.adm_2,
            "admin1": l.placement.admin1,
            "admin2": l.placement.admin2,
            "gid": l.placement.gid,
            "best": i.best,
            "low": i.low,
            "high": i.high,
            "deaths_civilians": i.deaths_civilians,
        }
    })
}

/// [`geojson_feature`] with Vigil's fields as properties `category`, `sensitivity`
/// and `verification`.
pub fn geojson_feature_mission(l: &Located, m: &MissionFields) -> serde_json::Value {
    let mut f = geojson_feature(l);
    let p = &mut f["properties"];
    p["category"] = m.category.clone().into();
    p["sensitivity"] = m.sensitivity.clone().into();
    p["verification"] = m.verification.clone().into();
    f
}

/// Write a FeatureCollection of ready-made features, streaming from an iterator.
pub fn write_feature_collection<W: Write, E: From<std::io::Error>>(
    mut out: W,
    features: impl IntoIterator<Item = Result<serde_json::Value, E>>,
) -> Result<W, E> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (n, f) in features.into_iter().enumerate() {
        let f = f?;
        if n > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut out, &f).map_err(std::io::Error::from)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()?;
    Ok(out)
}

/// Write a FeatureCollection, streaming features from an iterator.
pub fn write_geojson<W: Write, E: From<std::io::Error>>(
    out: W,
    features: impl IntoIterator<Item = Result<Located, E>>,
) -> Result<W, E> {
    write_feature_collection(out, features.into_iter().map(|l| l.map(|l| geojson_feature(&l))))
}
