//! Counts of cases with small cells suppressed: the only form in which cases leave
//! the human-rights officers (analysts, planners, the public note).
//!
//! A cell counting fewer than the threshold (default 3), but more than none, is
//! shown as `<3`. Where a table carries totals, a row or column with exactly one
//! hidden cell would give it away by subtraction, so a second cell of that row or
//! column (the smallest shown) is hidden too, until no total gives a hidden cell
//! away (complementary suppression).

use serde::{Serialize, Serializer};

use crate::case::Case;

/// Fewer victims (or violations) than this in a cell: suppressed.
pub const DEFAULT_THRESHOLD: u32 = 3;

/// One number of a table, or its suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Value(u32),
    /// Fewer than the threshold (but more than none): printed `<3`.
    Suppressed {
        threshold: u32,
    },
    /// Hidden so that a total does not give a suppressed cell away: printed `*`.
    Hidden,
}

impl Cell {
    pub fn value(&self) -> Option<u32> {
        match self {
            Cell::Value(v) => Some(*v),
            Cell::Suppressed { .. } | Cell::Hidden => None,
        }
    }

    /// As printed: the number, `<3`, or `*`.
    pub fn text(&self) -> String {
        match self {
            Cell::Value(v) => v.to_string(),
            Cell::Suppressed { threshold } => format!("<{threshold}"),
            Cell::Hidden => "*".into(),
        }
    }
}

/// A number, or the string `"<3"` or `"*"`.
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Value(v) => s.serialize_u32(*v),
            Cell::Suppressed { .. } | Cell::Hidden => s.serialize_str(&self.text()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The row's code (a perpetrator category or group name, an act type, a region).
    pub key: String,
    pub cells: Vec<Cell>,
    /// `None` in a table without totals.
    pub total: Option<Cell>,
}

/// A suppressed table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Column codes (act types, victim groups…).
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// Column totals and the grand total last, in a table with totals.
    pub totals: Option<Row>,
    pub threshold: u32,
}

impl Table {
    /// Suppress `raw` (rows of counts in column order). With `totals`, row and column
    /// totals are added and complementary suppression applied.
    pub fn suppressed(columns: Vec<String>, raw: Vec<(String, Vec<u32>)>, totals: bool, threshold: u32) -> Table {
        let (nr, nc) = (raw.len(), columns.len());
        // the full grid with totals: rows 0..nr then the totals row; columns 0..nc then the total column
        let mut v = vec![vec![0u32; nc + 1]; nr + 1];
        for (i, (_, cells)) in raw.iter().enumerate() {
            for (j, &n) in cells.iter().enumerate().take(nc) {
                v[i][j] = n;
                v[i][nc] += n;
                v[nr][j] += n;
                v[nr][nc] += n;
            }
        }
        let small = |n: u32| n > 0 && n < threshold;
        let primary: Vec<Vec<bool>> = v.iter().map(|r| r.iter().map(|&n| small(n)).collect()).collect();
        let mut hide = primary.clone();
        if totals {
            // every row (cells + its total) and every column (cells + its total) is one
            // equation; one hidden member of an equation is given away by the others
            let mut lines: Vec<Vec<(usize, usize)>> = vec![];
            for i in 0..=nr {
                lines.push((0..=nc).map(|j| (i, j)).collect());
            }
            for j in 0..=nc {
                lines.push((0..=nr).map(|i| (i, j)).collect());
            }
            let mut changed = true;
            while changed {
                changed = false;
                for line in &lines {
                    if line.iter().filter(|&&(i, j)| hide[i][j]).count() != 1 {
                        continue;
                    }
                    // hide the smallest shown non-zero member (a shown zero gives nothing away)
                    let pick = line
                        .iter()
                        .filter(|&&(i, j)| !hide[i][j] && v[i][j] > 0)
                        .min_by_key(|&&(i, j)| (v[i][j], i, j))
                        .copied();
                    if let Some((i, j)) = pick {
                        hide[i][j] = true;
                        changed = true;
                    }
                }
            }
        }
        let cell = |i: usize, j: usize| {
            if primary[i][j] {
                Cell::Suppressed { threshold }
            } else if hide[i][j] {
                Cell::Hidden
            } else {
                Cell::Value(v[i][j])
            }
        };
        let rows = raw
            .iter()
            .enumerate()
            .map(|(i, (key, _))| Row {
                key: key.clone(),
                cells: (0..nc).map(|j| cell(i, j)).collect(),
                total: totals.then(|| cell(i, nc)),
            })
            .collect();
        let totals_row = totals.then(|| Row {
            key: "total".into(),
            cells: (0..nc).map(|j| cell(nr, j)).collect(),
            total: Some(cell(nr, nc)),
        });
        Table { columns, rows, totals: totals_row, threshold }
    }
}

/// Keys in first-seen order after sorting by a vocabulary order (codes not in it last, by name).
fn ordered(keys: impl IntoIterator<Item = String>, order: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = keys.into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    k.sort_by_key(|x| (order.iter().position(|o| o == x).unwrap_or(usize::MAX), x.clone()));
    k
}

fn act_order() -> Vec<&'static str> {
    vigil_model::vocab::codes(vigil_model::vocab::rights::ACT_TYPES)
}

fn perpetrator_order() -> Vec<&'static str> {
    vigil_model::vocab::codes(vigil_model::vocab::rights::PERPETRATORS)
}

/// The victim groups in vocabulary order.
pub fn groups() -> Vec<String> {
    vigil_model::vocab::codes(vigil_model::vocab::rights::VICTIM_GROUPS).into_iter().map(String::from).collect()
}

/// Violations and abuses (acts) by perpetrator (category, or the armed group's name)
/// and act type.
pub fn violations_by_perpetrator_and_act(cases: &[Case], threshold: u32) -> Table {
    let cols = ordered(cases.iter().flat_map(|c| c.acts.iter().map(|a| a.act_type.clone())), &act_order());
    let rows = ordered(cases.iter().map(Case::perpetrator_label), &perpetrator_order());
    let raw = rows
        .iter()
        .map(|r| {
            let counts = cols
                .iter()
                .map(|col| {
                    cases
                        .iter()
                        .filter(|c| &c.perpetrator_label() == r)
                        .flat_map(|c| &c.acts)
                        .filter(|a| &a.act_type == col)
                        .count() as u32
                })
                .collect();
            (r.clone(), counts)
        })
        .collect();
    Table::suppressed(cols, raw, true, threshold)
}

/// Victims by sex and age group, per row key (act type, region, perpetrator…).
fn victims_by(
    cases: &[Case],
    threshold: u32,
    keys: Vec<String>,
    key_of: impl Fn(&Case, &crate::Act) -> String,
) -> Table {
    let cols = groups();
    let raw = keys
        .iter()
        .map(|k| {
            let counts = cols
                .iter()
                .map(|g| {
                    cases
                        .iter()
                        .flat_map(|c| c.acts.iter().map(move |a| (c, a)))
                        .filter(|(c, a)| &key_of(c, a) == k)
                        .map(|(_, a)| a.victims.get(g))
                        .sum()
                })
                .collect();
            (k.clone(), counts)
        })
        .collect();
    Table::suppressed(cols, raw, true, threshold)
}

/// Victims by act type and by sex and age group.
pub fn victims_by_act(cases: &[Case], threshold: u32) -> Table {
    let keys = ordered(cases.iter().flat_map(|c| c.acts.iter().map(|a| a.act_type.clone())), &act_order());
    victims_by(cases, threshold, keys, |_, a| a.act_type.clone())
}

/// Victims by region (admin1 code; `unplaced` when a case has none) and by sex and age group.
pub fn victims_by_region(cases: &[Case], threshold: u32) -> Table {
    let region = |c: &Case| c.event.admin1.clone().unwrap_or_else(|| "unplaced".into());
    let keys = ordered(cases.iter().map(region), &[]);
    victims_by(cases, threshold, keys, |c, _| region(c))
}

/// Totals of violations and victims for several periods (no totals across periods).
pub fn comparison(periods: &[(String, &[Case])], threshold: u32) -> Table {
    let raw = periods
        .iter()
        .map(|(label, cs)| {
            let acts = cs.iter().map(|c| c.acts.len() as u32).sum();
            let victims = cs.iter().map(|c| c.victims().total()).sum();
            (label.clone(), vec![cs.len() as u32, acts, victims])
        })
        .collect();
    Table::suppressed(vec!["cases".into(), "violations".into(), "victims".into()], raw, false, threshold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::sample;
    use crate::VictimCounts;

    fn t(rows: &[(&str, &[u32])], totals: bool) -> Table {
        let cols = (0..rows[0].1.len()).map(|j| format!("c{j}")).collect();
        Table::suppressed(cols, rows.iter().map(|(k, v)| ((*k).to_string(), v.to_vec())).collect(), totals, 3)
    }

    fn texts(r: &Row) -> Vec<String> {
        r.cells.iter().map(Cell::text).chain(r.total.iter().map(Cell::text)).collect()
    }

    #[test]
    fn cells_under_three_are_suppressed_zero_and_three_are_shown() {
        let tab = t(&[("a", &[0, 1, 2, 3]), ("b", &[5, 0, 0, 4])], false);
        assert_eq!(texts(&tab.rows[0]), ["0", "<3", "<3", "3"]);
        assert_eq!(texts(&tab.rows[1]), ["5", "0", "0", "4"]);
        assert_eq!(serde_json_like(&tab.rows[0].cells[1]), "\"<3\"");
    }

    fn serde_json_like(c: &Cell) -> String {
        match c {
            Cell::Value(v) => v.to_string(),
            _ => format!("\"{}\"", c.text()),
        }
    }

    #[test]
    fn a_total_never_gives_a_hidden_cell_away() {
        // hand-computed: row a = 2 + 5 + 4 = 11. Without complementary suppression the
        // 2 would be 11 - 5 - 4. The smallest other cell (4) is hidden with it; then
        // column c0 (2 + 6 = 8) and column c2 (4 + 7 = 11) each have one hidden cell,
        // so b's 6 and b's 7 go too; row b (6, 8, 7 = 21) then has two hidden: stable.
        let tab = t(&[("a", &[2, 5, 4]), ("b", &[6, 8, 7])], true);
        assert_eq!(texts(&tab.rows[0]), ["<3", "5", "*", "11"]);
        assert_eq!(texts(&tab.rows[1]), ["*", "8", "*", "21"]);
        let totals = tab.totals.as_ref().unwrap();
        assert_eq!(texts(totals), ["8", "13", "11", "32"]);
        // every row and column with a hidden cell has at least two
        for r in tab.rows.iter().chain(std::iter::once(totals)) {
            let hidden = texts(r).iter().filter(|x| x.starts_with('<') || *x == "*").count();
            assert!(hidden == 0 || hidden >= 2, "{r:?}");
        }
    }

    #[test]
    fn a_row_whose_total_is_small_is_hidden_whole() {
        let tab = t(&[("a", &[1, 1, 0]), ("b", &[4, 3, 5])], true);
        assert_eq!(texts(&tab.rows[0]), ["<3", "<3", "0", "<3"]);
        // column c0: 1 hidden of (1, 4, total 5): 4 goes; column c1 likewise; the total
        // column: a's 2 hidden, so b's 12 goes; row b then has three hidden
        assert_eq!(texts(&tab.rows[1]), ["*", "*", "5", "*"]);
    }

    #[test]
    fn tables_from_cases_suppress_two_victims() {
        let two_men = VictimCounts { man: 2, ..Default::default() };
        let five = VictimCounts { man: 3, woman: 2, ..Default::default() };
        let cases = vec![
            sample("2022-07-03", "national_forces", Some("1st"), &[("killing", two_men)]),
            sample(
                "2022-07-09",
                "unidentified",
                None,
                &[("killing", five), ("abduction", VictimCounts { boy: 4, ..Default::default() })],
            ),
        ];
        let v = victims_by_act(&cases, DEFAULT_THRESHOLD);
        assert_eq!(v.columns, ["man", "woman", "boy", "girl", "unknown"]);
        assert_eq!(v.rows[0].key, "killing");
        // killing: 5 men, 2 women (suppressed), total 7; the 5 men hidden with the 2
        // women, and the total 7 with abduction's total 4 (hand-worked in the comments above)
        assert_eq!(texts(&v.rows[0]), ["*", "<3", "0", "0", "0", "*"]);
        let p = violations_by_perpetrator_and_act(&cases, DEFAULT_THRESHOLD);
        assert_eq!(p.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["national_forces", "unidentified"]);
        assert_eq!(p.columns, ["killing", "abduction"]);
        for r in &p.rows {
            assert!(r.cells.iter().all(|c| c.value().is_none_or(|x| x == 0 || x >= 3)), "{r:?}");
        }
        let cmp = comparison(&[("2022-Q3".into(), &cases[..]), ("2022-Q2".into(), &[])], DEFAULT_THRESHOLD);
        assert_eq!(texts(&cmp.rows[0]), ["<3", "3", "11"]);
        assert_eq!(texts(&cmp.rows[1]), ["0", "0", "0"]);
    }
}
