//! Calendar months as plain integers, so panels can index them without date arithmetic.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::ForecastError;

/// A calendar month, stored as `year * 12 + (month - 1)`; consecutive months are
/// consecutive integers, which is all a panel needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }
    pub fn of(date: NaiveDate) -> Month {
        Month::new(date.year(), date.month())
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// 1–12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }
    /// Months from `other` to `self`.
    pub fn since(self, other: Month) -> i32 {
        self.0 - other.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = ForecastError;
    fn from_str(s: &str) -> Result<Month, ForecastError> {
        let bad = || ForecastError::BadMonth(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        Ok(Month::new(y, m))
    }
}

/// Parse `YYYY-MM..YYYY-MM` (inclusive at both ends).
pub fn parse_month_range(s: &str) -> Result<(Month, Month), ForecastError> {
    let (a, b) = s.split_once("..").ok_or_else(|| ForecastError::BadMonth(s.to_string()))?;
    let (a, b): (Month, Month) = (a.parse()?, b.parse()?);
    if b < a {
        return Err(ForecastError::BadMonth(s.to_string()));
    }
    Ok((a, b))
}

/// Parse horizons written as `1-12`, `1,3,6,12` or a mix (`1-3,6,12`).
pub fn parse_horizons(s: &str) -> Result<Vec<u32>, ForecastError> {
    let bad = || ForecastError::BadHorizons(s.to_string());
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once('-') {
            let a: u32 = a.trim().parse().map_err(|_| bad())?;
            let b: u32 = b.trim().parse().map_err(|_| bad())?;
            if a == 0 || b < a {
                return Err(bad());
            }
            out.extend(a..=b);
        } else {
            let h: u32 = part.parse().map_err(|_| bad())?;
            if h == 0 {
                return Err(bad());
            }
            out.push(h);
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.last().is_none_or(|&last| last > 120) {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_and_arithmetic() {
        let m: Month = "2018-12".parse().unwrap();
        assert_eq!(m.to_string(), "2018-12");
        assert_eq!(m.plus(1).to_string(), "2019-01");
        assert_eq!(m.plus(13).to_string(), "2020-01");
        assert_eq!("2019-01".parse::<Month>().unwrap().since(m), 1);
        assert!("2018-13".parse::<Month>().is_err());
        assert!("2018-1".parse::<Month>().is_err());
        assert_eq!(parse_horizons("1-3,6,12").unwrap(), vec![1, 2, 3, 6, 12]);
        assert!(parse_horizons("0").is_err());
        let (a, b) = parse_month_range("2018-12..2021-12").unwrap();
        assert_eq!(b.since(a), 36);
    }
}
