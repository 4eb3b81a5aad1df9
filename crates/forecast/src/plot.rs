//! SVG charts of a backtest, for an analyst to look at rather than read: CRPS by
//! horizon for each model, a reliability diagram for P(any), and a map of next
//! month's P(any) over the cells.
//!
//! Hand-written SVG (a few hundred bytes of markup per element) rather than a charting
//! crate: the three charts need lines, dots, rectangles and text, nothing more, and the
//! files open in any browser or vector editor.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use geo::MultiPolygon;

use crate::backtest::{BacktestReport, Subset};
use crate::models::ModelKind;

const W: f64 = 720.0;
const H: f64 = 460.0;
const ML: f64 = 70.0;
const MR: f64 = 170.0;
const MT: f64 = 50.0;
const MB: f64 = 55.0;

fn colour(m: ModelKind) -> &'static str {
    match m {
        ModelKind::Learned => "#c0392b",
        ModelKind::Ensemble => "#d35400",
        ModelKind::Zero => "#7f8c8d",
        ModelKind::NoChange => "#2980b9",
        ModelKind::Conflictology => "#27ae60",
        ModelKind::Bootstrap => "#8e44ad",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn header(s: &mut String, title: &str, subtitle: &str) {
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">
<rect width="{W}" height="{H}" fill="white"/>
<text x="{ML}" y="22" font-size="16" font-weight="bold">{}</text>
<text x="{ML}" y="40" fill="#555">{}</text>
"##,
        esc(title),
        esc(subtitle)
    );
}

/// A "nice" upper bound for an axis.
fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 {
        return 1.0;
    }
    let e = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * e >= v {
            return m * e;
        }
    }
    10.0 * e
}

/// Axes with ticks; returns (x→px, y→px) closures' parameters.
fn axes(s: &mut String, xs: &[(f64, String)], ymax: f64, xlabel: &str, ylabel: &str, xmin: f64, xmax: f64) {
    let (x0, x1, y0, y1) = (ML, W - MR, H - MB, MT);
    let _ = writeln!(
        s,
        r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333"/>"##
    );
    for (v, label) in xs {
        let px = x0 + (v - xmin) / (xmax - xmin) * (x1 - x0);
        let _ = writeln!(
            s,
            r##"<line x1="{px:.1}" y1="{y0}" x2="{px:.1}" y2="{:.1}" stroke="#333"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            y0 + 5.0,
            y0 + 19.0,
            esc(label)
        );
    }
    for k in 0..=5 {
        let v = ymax * k as f64 / 5.0;
        let py = y0 - (v / ymax) * (y0 - y1);
        let _ = writeln!(
            s,
            r##"<line x1="{x0}" y1="{py:.1}" x2="{x1}" y2="{py:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            x0 - 6.0,
            py + 4.0,
            trim(v)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (x0 + x1) / 2.0,
        H - 12.0,
        esc(xlabel)
    );
    let _ = writeln!(
        s,
        r#"<text transform="translate(18,{:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        (y0 + y1) / 2.0,
        esc(ylabel)
    );
}

fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn legend(s: &mut String, items: &[(String, &str)]) {
    let x = W - MR + 20.0;
    for (i, (label, col)) in items.iter().enumerate() {
        let y = MT + 10.0 + 20.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{x}" y1="{y}" x2="{:.1}" y2="{y}" stroke="{col}" stroke-width="3"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            x + 22.0,
            x + 28.0,
            y + 4.0,
            esc(label)
        );
    }
}

/// CRPS (all units) by horizon, one line per model; lower is better.
pub fn crps_by_horizon_svg(r: &BacktestReport) -> String {
    let mut s = String::new();
    let o0 = r.origins.first().map(|m| m.to_string()).unwrap_or_default();
    let o1 = r.origins.last().map(|m| m.to_string()).unwrap_or_default();
    header(
        &mut s,
        "CRPS by forecast horizon (lower is better)",
        &format!("target {}, {} units, origins {o0}..{o1}", r.target.as_str(), r.units),
    );
    let ymax = nice_max(r.rows.iter().filter(|x| x.subset == Subset::All).map(|x| x.scores.crps).fold(0.0, f64::max));
    let hmin = *r.horizons.first().unwrap_or(&1) as f64;
    let hmax = (*r.horizons.last().unwrap_or(&1) as f64).max(hmin + 1.0);
    let xs: Vec<(f64, String)> = r.horizons.iter().map(|&h| (h as f64, h.to_string())).collect();
    axes(&mut s, &xs, ymax, "horizon (months after the origin)", "mean CRPS per unit-month", hmin, hmax);
    let px = |h: f64| ML + (h - hmin) / (hmax - hmin) * (W - MR - ML);
    let py = |v: f64| (H - MB) - v / ymax * (H - MB - MT);
    let mut items = Vec::new();
    for &m in &r.models {
        let pts: Vec<(f64, f64)> = r
            .horizons
            .iter()
            .filter_map(|&h| r.scores(m, h, Subset::All).map(|sc| (px(h as f64), py(sc.crps))))
            .collect();
        let path: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let width = if m == ModelKind::Learned { 3.0 } else { 1.8 };
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width}"/>"#,
            path.join(" "),
            colour(m)
        );
        for (x, y) in &pts {
            let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{}"/>"#, colour(m));
        }
        items.push((m.as_str().to_string(), colour(m)));
    }
    legend(&mut s, &items);
    s.push_str("</svg>\n");
    s
}

/// Observed frequency of a fatality against forecast P(any), in ten bins, at the
/// first horizon; dots are sized by the number of forecasts in the bin.
pub fn reliability_svg(r: &BacktestReport) -> String {
    let h = r.horizons[0];
    let mut s = String::new();
    header(
        &mut s,
        &format!("Reliability of P(any fatality), horizon {h}"),
        "observed share of unit-months with a fatality, by forecast probability; on the diagonal = calibrated",
    );
    let xs: Vec<(f64, String)> = (0..=5).map(|k| (k as f64 / 5.0, trim(k as f64 / 5.0))).collect();
    axes(&mut s, &xs, 1.0, "forecast P(any)", "observed frequency", 0.0, 1.0);
    let px = |v: f64| ML + v * (W - MR - ML);
    let py = |v: f64| (H - MB) - v * (H - MB - MT);
    let _ = writeln!(
        s,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999" stroke-dasharray="4 4"/>"##,
        px(0.0),
        py(0.0),
        px(1.0),
        py(1.0)
    );
    let mut items = Vec::new();
    for rel in r.reliability.iter().filter(|x| x.horizon == h && x.model != ModelKind::Zero) {
        let col = colour(rel.model);
        let pts: Vec<_> = rel.bins.iter().filter(|b| b.n > 0).collect();
        let path: Vec<String> = pts.iter().map(|b| format!("{:.1},{:.1}", px(b.mean_p), py(b.observed))).collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{col}" stroke-width="1.5" opacity="0.8"/>"#,
            path.join(" ")
        );
        for b in pts {
            let rad = 2.0 + (b.n as f64).log10().max(0.0) * 1.6;
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="{rad:.1}" fill="{col}" opacity="0.75"><title>{}: P≈{:.3}, observed {:.3}, n={}</title></circle>"#,
                px(b.mean_p),
                py(b.observed),
                rel.model.as_str(),
                b.mean_p,
                b.observed,
                b.n
            );
        }
        items.push((rel.model.as_str().to_string(), col));
    }
    legend(&mut s, &items);
    s.push_str("</svg>\n");
    s
}

/// White → yellow → red → dark red for 0 → 1.
fn heat(p: f64) -> String {
    let stops = [
        (0.0, (255.0, 255.0, 255.0)),
        (0.05, (255.0, 237.0, 160.0)),
        (0.2, (254.0, 178.0, 76.0)),
        (0.5, (240.0, 59.0, 32.0)),
        (1.0, (128.0, 0.0, 38.0)),
    ];
    let p = p.clamp(0.0, 1.0);
    for w in stops.windows(2) {
        let (a, ca) = w[0];
        let (b, cb) = w[1];
        if p <= b {
            let t = (p - a) / (b - a);
            let c = |i: usize| -> u8 {
                let (x, y) = match i {
                    0 => (ca.0, cb.0),
                    1 => (ca.1, cb.1),
                    _ => (ca.2, cb.2),
                };
                (x + t * (y - x)).round() as u8
            };
            return format!("#{:02x}{:02x}{:02x}", c(0), c(1), c(2));
        }
    }
    "#800026".into()
}

/// Map of P(any) per cell for the month after the last origin; cells where a fatality
/// was then recorded are outlined. Units that are not cells are drawn as dots.
pub fn map_svg(r: &BacktestReport, outline: Option<&MultiPolygon<f64>>) -> String {
    let mut s = String::new();
    let target_month = r.map_origin.plus(r.map_horizon as i32);
    let model = if r.models.contains(&ModelKind::Learned) { "hurdle-gbm" } else { r.models[0].as_str() };
    header(
        &mut s,
        &format!("P(any fatality) in {target_month}, forecast from {}", r.map_origin),
        &format!("{model}, target {}; black outline: fatality recorded that month", r.target.as_str()),
    );
    if r.map.is_empty() {
        s.push_str("</svg>\n");
        return s;
    }
    let half = 0.25;
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for c in &r.map {
        x0 = x0.min(c.lon - half);
        x1 = x1.max(c.lon + half);
        y0 = y0.min(c.lat - half);
        y1 = y1.max(c.lat + half);
    }
    let (aw, ah) = (W - ML - MR + 40.0, H - MT - 30.0);
    // equirectangular, shrunk in x by cos(latitude) so shapes look right
    let kx = ((y0 + y1) / 2.0).to_radians().cos();
    let scale = (aw / ((x1 - x0) * kx)).min(ah / (y1 - y0));
    let px = |lon: f64| ML - 30.0 + (lon - x0) * kx * scale;
    let py = |lat: f64| MT + 10.0 + (y1 - lat) * scale;
    for c in &r.map {
        let fill = heat(c.p_any);
        let tip = format!(
            "{}: P(any) {:.3}{}",
            c.unit,
            c.p_any,
            c.observed.map(|o| format!(", observed {o}")).unwrap_or_default()
        );
        if c.gid.is_some() {
            let _ = writeln!(
                s,
                r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{fill}" stroke="#ddd" stroke-width="0.4"><title>{}</title></rect>"##,
                px(c.lon - half),
                py(c.lat + half),
                2.0 * half * kx * scale,
                2.0 * half * scale,
                esc(&tip)
            );
        } else {
            let _ = writeln!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="{fill}" stroke="#888"><title>{}</title></circle>"##,
                px(c.lon),
                py(c.lat),
                esc(&tip)
            );
        }
    }
    for c in r.map.iter().filter(|c| c.observed.is_some_and(|o| o >= 1.0) && c.gid.is_some()) {
        let _ = writeln!(
            s,
            r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="black" stroke-width="1.6"/>"##,
            px(c.lon - half),
            py(c.lat + half),
            2.0 * half * kx * scale,
            2.0 * half * scale
        );
    }
    if let Some(o) = outline {
        for poly in &o.0 {
            let pts: Vec<String> =
                poly.exterior().coords().step_by(4).map(|c| format!("{:.1},{:.1}", px(c.x), py(c.y))).collect();
            let _ =
                writeln!(s, r##"<polygon points="{}" fill="none" stroke="#333" stroke-width="1"/>"##, pts.join(" "));
        }
    }
    // colour bar
    let bx = W - MR + 60.0;
    for k in 0..50 {
        let p = 1.0 - k as f64 / 50.0;
        let _ = writeln!(
            s,
            r#"<rect x="{bx}" y="{:.1}" width="18" height="5.2" fill="{}"/>"#,
            MT + 28.0 + 5.0 * k as f64,
            heat(p)
        );
    }
    for p in [0.0, 0.05, 0.2, 0.5, 1.0] {
        let y = MT + 28.0 + (1.0 - p) * 250.0;
        let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, bx + 24.0, y + 4.0, trim(p));
    }
    let _ = writeln!(s, r#"<text x="{bx}" y="{:.1}">P(any)</text>"#, MT + 8.0);
    s.push_str("</svg>\n");
    s
}

/// Write the three charts into `dir`; returns their paths.
pub fn write_plots(
    r: &BacktestReport,
    dir: &Path,
    outline: Option<&MultiPolygon<f64>>,
) -> std::io::Result<Vec<PathBuf>> {
    let files = [
        ("crps_by_horizon.svg", crps_by_horizon_svg(r)),
        ("reliability_p_any.svg", reliability_svg(r)),
        ("map_p_any_next_month.svg", map_svg(r, outline)),
    ];
    let mut out = Vec::new();
    for (name, svg) in files {
        let p = dir.join(name);
        std::fs::write(&p, svg)?;
        out.push(p);
    }
    Ok(out)
}
