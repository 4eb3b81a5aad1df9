//! Forecasts in the layout the VIEWS prediction challenge publishes and takes
//! submissions in, at PRIO-GRID-month (`pgm`) level:
//!
//! * point layout: `month_id,priogrid_id,outcome_n` with the predictive mean;
//! * sample layout: `month_id,priogrid_id,draw,outcome_n`, one row per draw (0-based),
//!   when the forecast carries draws.
//!
//! `month_id` is VIEWS' month number: 1 = January 1980.

use std::io::Write;

use crate::forecast::ForecastRow;
use crate::month::Month;
use crate::ForecastError;

/// VIEWS month id of a month (1 = 1980-01).
pub fn month_id(m: Month) -> i32 {
    m.since(Month::new(1980, 1)) + 1
}

/// Write cell rows in the VIEWS layout (samples when every row has draws, else the
/// mean). Rows whose unit is not a PRIO-GRID gid are an error.
pub fn write_views_csv<W: Write>(rows: &[ForecastRow], out: W) -> Result<(), ForecastError> {
    let mut w = csv::Writer::from_writer(out);
    let samples = !rows.is_empty() && rows.iter().all(|r| r.samples.is_some());
    if samples {
        w.write_record(["month_id", "priogrid_id", "draw", "outcome_n"])?;
    } else {
        w.write_record(["month_id", "priogrid_id", "outcome_n"])?;
    }
    for r in rows {
        let gid: i64 = r.unit.parse().map_err(|_| {
            ForecastError::BadOption(format!("the VIEWS layout is for PRIO-GRID cells; unit `{}` is not a gid", r.unit))
        })?;
        let mid = month_id(r.month).to_string();
        match (&r.samples, samples) {
            (Some(s), true) => {
                for (k, v) in s.iter().enumerate() {
                    w.write_record([mid.as_str(), &gid.to_string(), &k.to_string(), &v.to_string()])?;
                }
            }
            _ => w.write_record([mid.as_str(), &gid.to_string(), &format!("{:.6}", r.mean)])?,
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelKind;

    fn row(unit: &str, month: &str, mean: f64, samples: Option<Vec<u64>>) -> ForecastRow {
        ForecastRow {
            unit: unit.into(),
            month: month.parse().unwrap(),
            horizon: 1,
            mean,
            p_any: 0.5,
            quantiles: [0.0; 7],
            samples,
            model_used: ModelKind::Ensemble,
            fallback_reason: None,
        }
    }

    #[test]
    fn month_ids_and_layouts() {
        assert_eq!(month_id("1980-01".parse().unwrap()), 1);
        assert_eq!(month_id("2023-01".parse().unwrap()), 517);
        let mut out = Vec::new();
        write_views_csv(&[row("149426", "2023-01", 1.25, None)], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "month_id,priogrid_id,outcome_n\n517,149426,1.250000\n");
        let mut out = Vec::new();
        write_views_csv(&[row("149426", "2023-02", 1.25, Some(vec![0, 3]))], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "month_id,priogrid_id,draw,outcome_n\n518,149426,0,0\n518,149426,1,3\n"
        );
        assert!(write_views_csv(&[row("ML01", "2023-01", 1.0, None)], Vec::new()).is_err());
    }
}
