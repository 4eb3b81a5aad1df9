//! Reading the few files the engine takes directly: events in UCDP GED layout (for
//! tests, benchmarks and running without a store) and cell lists (`--cells FILE`).

use std::io::Read;

use chrono::NaiveDate;

use crate::{ForecastError, ForecastEvent};

/// Events from a GED-layout CSV: `date_start`, `type_of_violence`, `best`, and the cell
/// from `priogrid_gid` or else from `latitude`/`longitude`. `country` is kept; admin
/// codes are left empty (they come from polygons, not from GED's labels).
/// Dates may be `YYYY-MM-DD` or start with it (`YYYY-MM-DD HH:MM:SS.000`).
pub fn read_ged_csv<R: Read>(r: R) -> Result<Vec<ForecastEvent>, ForecastError> {
    let mut rdr = csv::Reader::from_reader(r);
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let bad = |m: String| ForecastError::NoData(m);
    let c_date = col("date_start").ok_or_else(|| bad("no `date_start` column".into()))?;
    let c_best = col("best").ok_or_else(|| bad("no `best` column".into()))?;
    let c_tov = col("type_of_violence");
    let c_gid = col("priogrid_gid");
    let (c_lat, c_lon) = (col("latitude"), col("longitude"));
    let c_country = col("country");
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1usize;
    while rdr.read_record(&mut rec)? {
        line += 1;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).filter(|s| !s.is_empty() && *s != "NA");
        let ds = get(Some(c_date)).ok_or_else(|| bad(format!("line {line}: empty date_start")))?;
        if ds.starts_with('#') {
            continue; // an HXL hashtag row
        }
        let date_start = NaiveDate::parse_from_str(ds.get(..10).unwrap_or(ds), "%Y-%m-%d")
            .map_err(|_| bad(format!("line {line}: date_start `{ds}` is not a date")))?;
        let best: f64 = get(Some(c_best))
            .ok_or_else(|| bad(format!("line {line}: empty best")))?
            .parse()
            .map_err(|_| bad(format!("line {line}: best is not a number")))?;
        let tov = get(c_tov).and_then(|s| s.parse::<f64>().ok()).map(|v| v as i64);
        let gid = get(c_gid).and_then(|s| s.parse::<f64>().ok()).map(|v| v as i64).or_else(|| {
            let lat: f64 = get(c_lat)?.parse().ok()?;
            let lon: f64 = get(c_lon)?.parse().ok()?;
            vigil_geo::gid(lon, lat)
        });
        out.push(ForecastEvent {
            date_start,
            type_of_violence: tov,
            best: best.round() as i64,
            gid,
            admin1: None,
            admin2: None,
            country: get(c_country).map(str::to_string),
        });
    }
    Ok(out)
}

/// The `gid` column of a CSV (other columns ignored).
pub fn read_cells_csv<R: Read>(r: R) -> Result<Vec<i64>, ForecastError> {
    let mut rdr = csv::Reader::from_reader(r);
    let headers = rdr.headers()?.clone();
    let c = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("gid"))
        .ok_or_else(|| ForecastError::NoUnits("the cell file has no `gid` column".into()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let v = rec.get(c).unwrap_or("").trim();
        let g: i64 =
            v.parse().map_err(|_| ForecastError::NoUnits(format!("line {}: gid `{v}` is not an integer", i + 2)))?;
        out.push(g);
    }
    Ok(out)
}
