//! The quarterly note's figures: tables built from aggregates only (no name, no
//! place finer than a region, no case identifier), every small cell suppressed.
//! Counts cases verified at "reasonable grounds to believe"; how many others were
//! documented is said beside them.

use serde::Serialize;

use crate::aggregate::{self, Table};
use crate::case::{Case, CaseStatus};
use crate::quarter::Quarter;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteTable {
    /// A stable name (also the CSV file's suffix).
    pub name: &'static str,
    pub title: &'static str,
    /// What the rows are.
    pub rows_are: &'static str,
    pub table: Table,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub quarter: Quarter,
    pub previous: Quarter,
    pub year_before: Quarter,
    pub threshold: u32,
    /// Cases of the quarter not counted because not (yet) verified.
    pub unverified: u32,
    pub tables: Vec<NoteTable>,
}

/// The cases that count for a quarter: verified, dated in it.
fn counted(cases: &[Case], q: Quarter) -> Vec<Case> {
    cases.iter().filter(|c| c.status == CaseStatus::Verified && q.contains(c.event.date)).cloned().collect()
}

/// The note for `quarter` from every case (the caller passes those of the three
/// quarters compared; others are ignored).
pub fn build(cases: &[Case], quarter: Quarter, threshold: u32) -> Note {
    let now = counted(cases, quarter);
    let prev = counted(cases, quarter.previous());
    let ago = counted(cases, quarter.year_before());
    let unverified = cases
        .iter()
        .filter(|c| {
            quarter.contains(c.event.date) && matches!(c.status, CaseStatus::Alleged | CaseStatus::UnderVerification)
        })
        .count() as u32;
    let tables = vec![
        NoteTable {
            name: "perpetrator_act",
            title: "Violations and abuses by alleged perpetrator and act type",
            rows_are: "perpetrator",
            table: aggregate::violations_by_perpetrator_and_act(&now, threshold),
        },
        NoteTable {
            name: "victims_act",
            title: "Victims by act type, sex and age",
            rows_are: "act_type",
            table: aggregate::victims_by_act(&now, threshold),
        },
        NoteTable {
            name: "victims_region",
            title: "Victims by region, sex and age",
            rows_are: "region",
            table: aggregate::victims_by_region(&now, threshold),
        },
        NoteTable {
            name: "comparison",
            title: "Against the previous quarter and the same quarter a year before",
            rows_are: "quarter",
            table: aggregate::comparison(
                &[
                    (quarter.to_string(), &now[..]),
                    (quarter.previous().to_string(), &prev[..]),
                    (quarter.year_before().to_string(), &ago[..]),
                ],
                threshold,
            ),
        },
    ];
    Note { quarter, previous: quarter.previous(), year_before: quarter.year_before(), threshold, unverified, tables }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::sample;
    use crate::VictimCounts;

    #[test]
    fn the_note_counts_verified_cases_of_its_quarters() {
        let three = VictimCounts { woman: 3, ..Default::default() };
        let mut alleged = sample("2022-08-01", "unidentified", None, &[("killing", three)]);
        alleged.status = CaseStatus::Alleged;
        let cases = vec![
            sample("2022-07-15", "national_forces", None, &[("killing", three)]),
            sample("2022-08-20", "national_forces", None, &[("killing", three)]),
            sample("2022-05-01", "national_forces", None, &[("killing", three)]),
            sample(
                "2021-09-30",
                "unidentified",
                None,
                &[("abduction", VictimCounts { girl: 4, ..Default::default() })],
            ),
            alleged,
        ];
        let n = build(&cases, "2022-Q3".parse().unwrap(), 3);
        assert_eq!(n.unverified, 1);
        let cmp = &n.tables[3].table;
        let row = |i: usize| cmp.rows[i].cells.iter().map(|c| c.text()).collect::<Vec<_>>();
        assert_eq!(cmp.rows[0].key, "2022-Q3");
        assert_eq!(row(0), ["<3", "<3", "6"]);
        assert_eq!(cmp.rows[1].key, "2022-Q2");
        assert_eq!(row(1), ["<3", "<3", "3"]);
        assert_eq!(cmp.rows[2].key, "2021-Q3");
        assert_eq!(row(2), ["<3", "<3", "4"]);
        let pa = &n.tables[0].table;
        assert_eq!(pa.rows.len(), 1, "only national forces' cases are verified this quarter");
        assert_eq!(pa.rows[0].cells[0].text(), "<3");
        let va = &n.tables[1].table;
        assert_eq!(va.rows[0].cells[1].text(), "6", "six women killed");
    }
}
