//! Quarters of the year as the quarterly note names them: `2022-Q3`.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quarter `{0}` is not YYYY-QN (e.g. 2022-Q3)")]
pub struct BadQuarter(pub String);

impl std::str::FromStr for Quarter {
    type Err = BadQuarter;
    fn from_str(s: &str) -> Result<Quarter, BadQuarter> {
        let bad = || BadQuarter(s.to_string());
        let (y, q) = s.trim().split_once("-Q").or_else(|| s.trim().split_once("-q")).ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter { year: date.year(), q: (date.month() - 1) / 3 + 1 }
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("valid quarter start")
    }

    /// Last day.
    pub fn end(&self) -> NaiveDate {
        self.next().start().pred_opt().expect("a day before")
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        Quarter::of(d) == *self
    }

    pub fn next(&self) -> Quarter {
        if self.q == 4 {
            Quarter { year: self.year + 1, q: 1 }
        } else {
            Quarter { year: self.year, q: self.q + 1 }
        }
    }

    pub fn previous(&self) -> Quarter {
        if self.q == 1 {
            Quarter { year: self.year - 1, q: 4 }
        } else {
            Quarter { year: self.year, q: self.q - 1 }
        }
    }

    pub fn year_before(&self) -> Quarter {
        Quarter { year: self.year - 1, q: self.q }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_step() {
        let q: Quarter = "2022-Q3".parse().unwrap();
        assert_eq!(q.start().to_string(), "2022-07-01");
        assert_eq!(q.end().to_string(), "2022-09-30");
        assert_eq!(q.previous().to_string(), "2022-Q2");
        assert_eq!(q.year_before().to_string(), "2021-Q3");
        assert_eq!("2022-Q1".parse::<Quarter>().unwrap().previous().to_string(), "2021-Q4");
        assert_eq!("2022-Q4".parse::<Quarter>().unwrap().end().to_string(), "2022-12-31");
        assert!("2022-Q5".parse::<Quarter>().is_err());
        assert!("2022-07".parse::<Quarter>().unwrap_err().to_string().contains("YYYY-QN"));
    }
}
