//! Whether a source covers a period: a figure whose records start after the period
//! starts, or run only through a date before its end, says so.

use chrono::NaiveDate;
use serde::Serialize;

/// The dates a source's records span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

/// What a figure says of its sources for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub complete: bool,
    /// Why not, in words (empty when complete).
    pub notes: Vec<String>,
}

/// The completeness of a source named `what` over `[start, end]`.
pub fn of(what: &str, span: Span, start: NaiveDate, end: NaiveDate) -> Completeness {
    let mut notes = vec![];
    match (span.first, span.last) {
        (None, _) | (_, None) => notes.push(format!("no {what} records at all")),
        (Some(first), Some(last)) => {
            if first > end {
                notes.push(format!(
                    "no {what} records before {first} (the first one), after the period"
                ));
            } else if first > start {
                notes.push(format!("no {what} records before {first} (the first one)"));
            }
            if last < start {
                notes.push(format!("{what} data through {last}, before the period"));
            } else if last < end {
                notes.push(format!(
                    "{what} data through {last}, earlier than the period's end ({end})"
                ));
            }
        }
    }
    Completeness {
        complete: notes.is_empty(),
        notes,
    }
}

/// Both complete, notes joined.
pub fn both(a: &Completeness, b: &Completeness) -> Completeness {
    let notes: Vec<String> = a.notes.iter().chain(&b.notes).cloned().collect();
    Completeness {
        complete: notes.is_empty(),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_before_the_first_record_or_after_the_last_says_so() {
        let (s, e) = (d("2022-10-01"), d("2022-12-31"));
        let span = Span {
            first: Some(d("2022-11-15")),
            last: Some(d("2022-12-20")),
        };
        let c = of("movement", span, s, e);
        assert!(!c.complete);
        assert_eq!(
            c.notes,
            [
                "no movement records before 2022-11-15 (the first one)",
                "movement data through 2022-12-20, earlier than the period's end (2022-12-31)"
            ]
        );
        let full = Span {
            first: Some(d("2020-01-01")),
            last: Some(d("2023-01-05")),
        };
        assert_eq!(
            of("incident", full, s, e),
            Completeness {
                complete: true,
                notes: vec![]
            }
        );
        let none = of(
            "alert",
            Span {
                first: None,
                last: None,
            },
            s,
            e,
        );
        assert_eq!(none.notes, ["no alert records at all"]);
    }
}
