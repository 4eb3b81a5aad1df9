//! The figures section of the periodic report: figures (each with its definition and
//! the query that produced it), tables against the previous period and the same
//! period a year earlier, and their rendering as HTML with inline SVG charts, CSV and
//! JSON. Nothing here computes a figure; it lays out what it is given.

use serde::Serialize;
use serde_json::Value;

/// One figure: a number for the period and the two it is compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable id (e.g. `incidents.total`), quoted in the JSON beside the document.
    pub id: String,
    pub section: String,
    pub title: String,
    pub unit: String,
    /// A number, a suppressed cell (`"<3"`, `"*"`), or null (no value: nothing to count from).
    pub current: Value,
    pub previous: Value,
    pub year_before: Value,
    pub definition: String,
    /// The query over Vigil's records that produced it.
    pub query: String,
    /// Whether the sources cover the period; `notes` say why not.
    pub complete: bool,
    pub notes: Vec<String>,
    /// Where the records behind it are (UI route with filters).
    pub link: Option<String>,
}

/// A table of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub id: String,
    pub section: String,
    pub title: String,
    pub columns: Vec<String>,
    /// Cells as printed (numbers, `<3`, `*`, `-` for none).
    pub rows: Vec<Vec<String>>,
    pub definition: String,
    /// Column index charted (grouped by the three periods when the columns are
    /// `…(period)`, `…(previous)`, `…(year before)`), if any.
    pub chart: Option<Chart>,
}

/// A grouped bar chart of some columns of a table, one group per row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    /// Columns (indices into the table's columns) drawn as the bars of a group.
    pub series: Vec<usize>,
}

/// A parameter's status line in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamLine {
    pub param: String,
    pub title: String,
    pub indicator: String,
    pub indicator_name: String,
    pub value: Value,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// As set by a person (with who and why), else as suggested by the figures.
    pub status: Option<String>,
    pub status_set_by: Option<String>,
    pub status_reason: Option<String>,
    pub suggested: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: String,
    pub previous: String,
    pub year_before: String,
    pub start: String,
    pub end: String,
    pub generated_at: String,
    /// The records include synthetic (demo) data.
    pub synthetic: bool,
    pub suppression_threshold: u32,
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
    pub parameters: Vec<ParamLine>,
}

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A value as printed: numbers without a needless `.0`, `-` for null.
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                format!("{f:.1}")
            }
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The change from `b` to `a` as printed (`+3`, `-12.5`, `=`) or `-` when either is not a number.
pub fn change(a: &Value, b: &Value) -> String {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => {
            let d = ((x - y) * 10.0).round() / 10.0;
            if d == 0.0 {
                "=".into()
            } else if d.fract() == 0.0 {
                format!("{d:+.0}")
            } else {
                format!("{d:+.1}")
            }
        }
        _ => "-".into(),
    }
}

/// A cell as written to CSV: quoted when needed; a text cell a spreadsheet would run
/// as a formula gets a leading `'` (as Vigil's other CSVs).
fn csv_cell(s: &str) -> String {
    let is_number = s.parse::<f64>().is_ok();
    let mut s = s.to_string();
    if !is_number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s != "-" {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A table as CSV (header row, then the rows).
pub fn table_csv(t: &Table) -> String {
    let mut o = String::new();
    for row in std::iter::once(&t.columns).chain(&t.rows) {
        o.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        o.push('\n');
    }
    o
}

/// The figures as CSV (one row per figure).
pub fn figures_csv(figs: &[Figure]) -> String {
    let mut t = Table {
        id: "figures".into(),
        section: String::new(),
        title: String::new(),
        columns: [
            "id",
            "section",
            "title",
            "unit",
            "period",
            "previous",
            "year_before",
            "complete",
            "notes",
            "definition",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![],
        definition: String::new(),
        chart: None,
    };
    for f in figs {
        t.rows.push(vec![
            f.id.clone(),
            f.section.clone(),
            f.title.clone(),
            f.unit.clone(),
            show(&f.current),
            show(&f.previous),
            show(&f.year_before),
            f.complete.to_string(),
            f.notes.join("; "),
            f.definition.clone(),
        ]);
    }
    table_csv(&t)
}

const COLOURS: [&str; 3] = ["#1f5f8b", "#8fb8d6", "#c9c9c9"];

/// A grouped bar chart as inline SVG. Cells that are not numbers (suppressed, none)
/// draw no bar and are marked with their text.
pub fn svg_bars(
    title: &str,
    groups: &[String],
    series: &[(String, Vec<Option<f64>>, Vec<String>)],
) -> String {
    let w = 640.0_f64;
    let h = 220.0_f64;
    let (left, bottom, top) = (40.0, 48.0, 24.0);
    let plot_h = h - bottom - top;
    let max = series
        .iter()
        .flat_map(|s| s.1.iter().flatten())
        .fold(0.0_f64, |a, &b| a.max(b))
        .max(1.0);
    let ng = groups.len().max(1) as f64;
    let ns = series.len().max(1) as f64;
    let gw = (w - left - 10.0) / ng;
    let bw = (gw * 0.8 / ns).min(40.0);
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    o.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#333\"/><text x=\"{lx}\" y=\"{ty}\" font-size=\"10\" text-anchor=\"end\">{m}</text><text x=\"{lx}\" y=\"{y}\" font-size=\"10\" text-anchor=\"end\">0</text>",
        y = top + plot_h,
        x2 = w - 10.0,
        lx = left - 4.0,
        ty = top + 4.0,
        m = show(&serde_json::json!(max))
    ));
    for (gi, g) in groups.iter().enumerate() {
        let gx = left + gi as f64 * gw + gw * 0.1;
        for (si, (_, vals, texts)) in series.iter().enumerate() {
            let x = gx + si as f64 * bw;
            match vals.get(gi).copied().flatten() {
                Some(v) => {
                    let bh = v / max * plot_h;
                    o.push_str(&format!(
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"><title>{}</title></rect>",
                        top + plot_h - bh,
                        bw - 2.0,
                        COLOURS[si % 3],
                        esc(texts.get(gi).map_or("", String::as_str))
                    ));
                }
                None => o.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                    x + bw / 2.0,
                    top + plot_h - 3.0,
                    esc(texts.get(gi).map_or("", String::as_str))
                )),
            }
        }
        let label: String = g.chars().take(18).collect();
        o.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            gx + bw * ns / 2.0,
            top + plot_h + 14.0,
            esc(&label)
        ));
    }
    for (si, (label, _, _)) in series.iter().enumerate() {
        let x = left + si as f64 * 150.0;
        o.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>",
            COLOURS[si % 3],
            x + 14.0,
            h - 8.0,
            esc(label),
            y = h - 17.0
        ));
    }
    o.push_str("</svg>");
    o
}

fn table_svg(t: &Table, c: &Chart) -> String {
    let body: Vec<&Vec<String>> = t
        .rows
        .iter()
        .filter(|r| r.first().is_some_and(|k| k != "total"))
        .collect();
    let groups: Vec<String> = body.iter().map(|r| r[0].clone()).collect();
    let series: Vec<(String, Vec<Option<f64>>, Vec<String>)> = c
        .series
        .iter()
        .map(|&j| {
            let texts: Vec<String> = body
                .iter()
                .map(|r| r.get(j).cloned().unwrap_or_default())
                .collect();
            let vals = texts.iter().map(|s| s.parse::<f64>().ok()).collect();
            (t.columns.get(j).cloned().unwrap_or_default(), vals, texts)
        })
        .collect();
    svg_bars(&c.title, &groups, &series)
}

const STYLE: &str = "body{font-family:'DejaVu Sans','Noto Sans',Arial,sans-serif;font-size:10.5pt;color:#111;margin:1.5cm}\
h1{font-size:17pt;margin:0 0 4pt}h2{font-size:13pt;border-bottom:1px solid #1f5f8b;margin-top:16pt;page-break-after:avoid}\
table{border-collapse:collapse;margin:6pt 0 10pt;page-break-inside:avoid}th,td{border:1px solid #aaa;padding:2pt 5pt;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#eef3f7}.note{color:#8a4b00;font-size:9pt}.def{color:#555;font-size:8.5pt}\
.synthetic{border:2px solid #b00;color:#b00;padding:4pt;font-weight:bold}.status-on_track{color:#176d2c}.status-at_risk{color:#a86500}\
.status-off_track{color:#b00020}svg.chart{display:block;margin:4pt 0 12pt;page-break-inside:avoid}@page{size:A4;margin:1.2cm}\
@media print{body{margin:0}}";

/// The whole report as one self-contained HTML page (no script, no outside file).
pub fn html(r: &Report) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    o.push_str(&esc(&format!("Figures for {}", r.period)));
    o.push_str("</title><style>");
    o.push_str(STYLE);
    o.push_str("</style></head><body>");
    o.push_str(&format!(
        "<h1>Periodic report — figures, {p}</h1><p>Period {s} to {e}; compared with {pr} (previous period) and {yb} (same period a year earlier). Generated {g} by Vigil from its records; every figure is computed, and <code>figures.json</code> beside this document gives each figure's definition and query.</p>",
        p = esc(&r.period), s = esc(&r.start), e = esc(&r.end), pr = esc(&r.previous), yb = esc(&r.year_before), g = esc(&r.generated_at)
    ));
    if r.synthetic {
        o.push_str("<p class=\"synthetic\">SYNTHETIC DATA: the records behind these figures include Vigil's generated demo data. They are not real events.</p>");
    }
    o.push_str(&format!(
        "<p class=\"def\">Human-rights figures are aggregates of verified cases; a cell under {t} is shown as &lt;{t} and a cell that would give it away through a total as *.</p>",
        t = r.suppression_threshold
    ));
    // parameters first: what leadership reads first
    o.push_str("<h2>The four parameters</h2><table><tr><th>Parameter</th><th>Indicator</th><th>Value</th><th>Baseline</th><th>Target</th><th>Status</th></tr>");
    for p in &r.parameters {
        let (status, who) = match (&p.status, &p.suggested) {
            (Some(s), _) => (
                s.clone(),
                format!(
                    " (set by {}: {})",
                    p.status_set_by.clone().unwrap_or_default(),
                    p.status_reason.clone().unwrap_or_default()
                ),
            ),
            (None, Some(s)) => (s.clone(), " (suggested by the figures; not yet set)".into()),
            (None, None) => ("-".into(), String::new()),
        };
        let opt = |x: Option<f64>| x.map_or("-".into(), |v| show(&serde_json::json!(v)));
        o.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}{}</td></tr>",
            esc(&p.title), esc(&p.indicator_name), esc(&show(&p.value)), esc(&p.unit), opt(p.baseline), opt(p.target),
            esc(&status), esc(&status.replace('_', " ")), esc(&who)
        ));
    }
    o.push_str("</table>");
    let mut sections: Vec<&str> = vec![];
    for s in r
        .figures
        .iter()
        .map(|f| f.section.as_str())
        .chain(r.tables.iter().map(|t| t.section.as_str()))
    {
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    for s in sections {
        o.push_str(&format!("<h2>{}</h2>", esc(s)));
        let figs: Vec<&Figure> = r.figures.iter().filter(|f| f.section == s).collect();
        if !figs.is_empty() {
            o.push_str(&format!(
                "<table><tr><th>Figure</th><th>{}</th><th>{}</th><th>change</th><th>{}</th><th>change</th></tr>",
                esc(&r.period), esc(&r.previous), esc(&r.year_before)
            ));
            for f in &figs {
                o.push_str(&format!(
                    "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&f.title),
                    if f.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", esc(&f.unit))
                    },
                    esc(&show(&f.current)),
                    esc(&show(&f.previous)),
                    esc(&change(&f.current, &f.previous)),
                    esc(&show(&f.year_before)),
                    esc(&change(&f.current, &f.year_before))
                ));
            }
            o.push_str("</table>");
            for f in figs.iter().filter(|f| !f.complete) {
                o.push_str(&format!(
                    "<p class=\"note\">Incomplete sources — {}: {}.</p>",
                    esc(&f.title),
                    esc(&f.notes.join("; "))
                ));
            }
        }
        for t in r.tables.iter().filter(|t| t.section == s) {
            o.push_str(&format!("<h3>{}</h3><table><tr>", esc(&t.title)));
            for c in &t.columns {
                o.push_str(&format!("<th>{}</th>", esc(c)));
            }
            o.push_str("</tr>");
            for row in &t.rows {
                o.push_str("<tr>");
                for c in row {
                    o.push_str(&format!("<td>{}</td>", esc(c)));
                }
                o.push_str("</tr>");
            }
            o.push_str(&format!(
                "</table><p class=\"def\">{} (CSV: <code>{}.csv</code>)</p>",
                esc(&t.definition),
                esc(&t.id)
            ));
            if let Some(c) = &t.chart {
                if !t.rows.is_empty() {
                    o.push_str(&table_svg(t, c));
                }
            }
        }
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fig(id: &str, cur: Value, prev: Value, complete: bool) -> Figure {
        Figure {
            id: id.into(),
            section: "Incidents".into(),
            title: format!("title {id}"),
            unit: "incidents".into(),
            current: cur,
            previous: prev,
            year_before: Value::Null,
            definition: "d".into(),
            query: "q".into(),
            complete,
            notes: if complete {
                vec![]
            } else {
                vec!["no movement records before 2022-11-15 (the first one)".into()]
            },
            link: None,
        }
    }

    #[test]
    fn changes_and_shown_values() {
        assert_eq!(change(&json!(12), &json!(9)), "+3");
        assert_eq!(change(&json!(9), &json!(12.5)), "-3.5");
        assert_eq!(change(&json!(3), &json!(3)), "=");
        assert_eq!(change(&json!("<3"), &json!(3)), "-");
        assert_eq!(show(&json!(4.0)), "4");
        assert_eq!(show(&json!(66.66)), "66.7");
        assert_eq!(show(&Value::Null), "-");
        assert_eq!(show(&json!("<3")), "<3");
    }

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let t = Table {
            id: "t".into(),
            section: "s".into(),
            title: "t".into(),
            columns: vec!["region".into(), "n".into()],
            rows: vec![
                vec!["=HYPERLINK(\"x\")".into(), "-3".into()],
                vec!["Gao, Ménaka".into(), "<3".into()],
            ],
            definition: String::new(),
            chart: None,
        };
        assert_eq!(
            table_csv(&t),
            "region,n\n\"'=HYPERLINK(\"\"x\"\")\",-3\n\"Gao, Ménaka\",<3\n"
        );
    }

    #[test]
    fn html_escapes_says_synthetic_and_flags_incomplete_figures() {
        let r = Report {
            period: "2022-Q4".into(),
            previous: "2022-Q3".into(),
            year_before: "2021-Q4".into(),
            start: "2022-10-01".into(),
            end: "2022-12-31".into(),
            generated_at: "now".into(),
            synthetic: true,
            suppression_threshold: 3,
            figures: vec![
                fig("a", json!(12), json!(9), true),
                fig("b<", json!("<3"), Value::Null, false),
            ],
            tables: vec![Table {
                id: "by_region".into(),
                section: "Incidents".into(),
                title: "By region".into(),
                columns: vec!["region".into(), "2022-Q4".into(), "2022-Q3".into()],
                rows: vec![
                    vec!["Ségou".into(), "4".into(), "<3".into()],
                    vec!["total".into(), "9".into(), "5".into()],
                ],
                definition: "def".into(),
                chart: Some(Chart {
                    title: "Incidents by region".into(),
                    series: vec![1, 2],
                }),
            }],
            parameters: vec![],
        };
        let h = html(&r);
        assert!(h.contains("SYNTHETIC DATA"));
        assert!(
            h.contains("<td>title a (incidents)</td><td>12</td><td>9</td><td>+3</td>"),
            "{h}"
        );
        assert!(h.contains("title b&lt;"));
        assert!(
            h.contains("Incomplete sources — title b&lt;: no movement records before 2022-11-15")
        );
        assert!(h.contains("<svg") && h.contains("Ségou"));
        // the suppressed cell draws no bar, only its text; the total row is not charted
        assert_eq!(
            h.matches("<rect x").count() - 2,
            1,
            "one bar (4), legend has two squares"
        );
        assert!(!h.contains("<script"));
    }
}
