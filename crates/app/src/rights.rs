//! Human-rights use cases: record a case (validated by `vigil_rights`, placed like
//! an incident, follow-ups raised against approved HRDDP support), move it through
//! verification, investigations, evidence and custody, the HRDDP (assess, decide,
//! register), suppressed aggregates and the quarterly note (JSON, HTML, CSV).
//!
//! Who sees what is decided once, in the store (`vigil_store::rights`): cases,
//! investigations and assessments only for human-rights officers or an account with
//! the explicit grant; everyone else gets [`aggregates`], which are suppressed here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use vigil_model::vocab::{self, rights as v};
use vigil_rights::hrddp::{self, Assessment, Mitigation, SupportRequest, UnitRecord};
use vigil_rights::note::Note;
use vigil_rights::{Case, CaseStatus, Quarter};
use vigil_store::access::Principal;
use vigil_store::rights::{
    AssessmentRow, CaseDetail, CaseRow, Investigation, Restricted, RightsStoreError, SupportRequestRow,
};
use vigil_store::Store;

use crate::{AppError, AppResult, Context};

impl From<RightsStoreError> for AppError {
    fn from(e: RightsStoreError) -> Self {
        match e {
            RightsStoreError::NotFound(w) => AppError::NotFound(format!("{w} not found")),
            RightsStoreError::Forbidden(w) => AppError::Forbidden(format!("{w} is for human-rights officers")),
            RightsStoreError::Conflict(w) => AppError::Conflict(w),
            e @ (RightsStoreError::NoKey | RightsStoreError::WrongKey { .. } | RightsStoreError::Key(_)) => {
                AppError::Config { path: "[rights]".into(), message: e.to_string() }
            }
            RightsStoreError::Store(e) => AppError::Store(e),
            e => AppError::Internal(e.to_string()),
        }
    }
}

fn invalid(e: vigil_rights::CaseError) -> AppError {
    let s = e.to_string();
    match s.split_once(": ") {
        Some((f, m)) if !f.contains(' ') => AppError::invalid(f, m),
        _ => AppError::invalid("case", s),
    }
}

fn hrddp_err(e: hrddp::HrddpError) -> AppError {
    match e {
        hrddp::HrddpError::NoAssessment(_) | hrddp::HrddpError::UnderReview(_) => AppError::Conflict(e.to_string()),
        hrddp::HrddpError::UnknownCode { field, .. } => AppError::invalid(field, e.to_string()),
        e => AppError::invalid("assessment", e.to_string()),
    }
}

/// A stored case as the logic sees it.
pub fn case_of(r: &CaseRow) -> AppResult<Case> {
    let date = NaiveDate::parse_from_str(&r.date, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("case {}: date `{}`", r.id, r.date)))?;
    Ok(Case {
        id: r.id,
        title: r.title.clone(),
        event: vigil_rights::Event {
            date,
            place: r.place.clone(),
            latitude: r.latitude,
            longitude: r.longitude,
            admin1: r.admin1.clone(),
            admin2: r.admin2.clone(),
            perpetrator: r.perpetrator.clone(),
            armed_group: r.armed_group.clone(),
            unit: r.unit.clone(),
        },
        acts: serde_json::from_value(r.acts.clone())
            .map_err(|e| AppError::Internal(format!("case {}: acts: {e}", r.id)))?,
        status: CaseStatus::parse(&r.status).map_err(|e| AppError::Internal(format!("case {}: {e}", r.id)))?,
    })
}

async fn all_cases(store: &Store) -> AppResult<Vec<Case>> {
    store.case_rows_coded().await?.iter().map(case_of).collect()
}

/// A case to record: the case, what it rests on, and its restricted records.
#[derive(Debug, Clone, Deserialize)]
pub struct NewCase {
    #[serde(flatten)]
    pub case: Case,
    /// Report ids the case rests on.
    #[serde(default)]
    pub reports: Vec<i64>,
    /// Incident ids the case rests on.
    #[serde(default)]
    pub incidents: Vec<i64>,
    /// Victims, witnesses, sources (name, sex/age group, consent, protection concerns…).
    #[serde(default)]
    pub restricted: Vec<Restricted>,
    #[serde(default)]
    pub synthetic: bool,
}

/// Record a case for `p`; returns its id and the follow-ups it raised.
pub async fn record_case(ctx: &Context, p: &Principal, n: NewCase) -> AppResult<(i64, Vec<hrddp::FollowUp>)> {
    let mut c = n.case;
    if c.status != CaseStatus::Alleged && c.status != CaseStatus::UnderVerification {
        return Err(AppError::invalid(
            "status",
            "a new case is alleged or under_verification; verification is a later step",
        ));
    }
    c.validate().map_err(invalid)?;
    for r in &n.restricted {
        if !["victim", "witness", "source"].contains(&r.kind.as_str()) {
            return Err(AppError::invalid("restricted.kind", format!("`{}`: victim, witness or source", r.kind)));
        }
        if !r.data.is_object() {
            return Err(AppError::invalid("restricted.data", "an object (name, group, consent, protection_concerns…)"));
        }
    }
    // placed like an incident: admin codes from the point when not given
    if let (Some(lat), Some(lon)) = (c.event.latitude, c.event.longitude) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(AppError::invalid("latitude", "outside -90..90 / -180..180"));
        }
        let placer = ctx.alerting.placer(&ctx.store).await?;
        if c.event.admin1.is_none() {
            c.event.admin1 = placer.code_at(1, lon, lat, None);
        }
        if c.event.admin2.is_none() {
            c.event.admin2 = placer.code_at(2, lon, lat, None);
        }
    }
    // a report or incident held back from the officer cannot be cited
    for r in &n.reports {
        if ctx.store.report_for(p, *r).await?.is_none() {
            return Err(AppError::NotFound(format!("report {r} not found")));
        }
    }
    for i in &n.incidents {
        if ctx.store.incident_for(p, *i).await?.is_none() {
            return Err(AppError::NotFound(format!("incident {i} not found")));
        }
    }
    let links = n
        .reports
        .iter()
        .map(|r| ("report".to_string(), *r))
        .chain(n.incidents.iter().map(|i| ("incident".to_string(), *i)))
        .collect();
    let row = CaseRow {
        id: 0,
        title: c.title.trim().to_string(),
        date: c.event.date.to_string(),
        place: c.event.place.clone(),
        latitude: c.event.latitude,
        longitude: c.event.longitude,
        admin1: c.event.admin1.clone(),
        admin2: c.event.admin2.clone(),
        perpetrator: c.event.perpetrator.clone(),
        armed_group: c.event.armed_group.clone(),
        unit: c.event.unit.clone(),
        acts: serde_json::to_value(&c.acts).map_err(AppError::internal)?,
        status: c.status.as_str().into(),
        status_by: String::new(),
        status_at: String::new(),
        synthetic: n.synthetic,
        created_by: String::new(),
        created_at: String::new(),
        links,
    };
    let id = ctx.store.create_case(p, &row, &n.restricted).await?;
    c.id = id;
    let followups = follow_up(&ctx.store, &p.user.name, &c).await?;
    Ok((id, followups))
}

/// A new case against a unit whose support was approved: raise the follow-ups.
pub async fn follow_up(store: &Store, actor: &str, c: &Case) -> AppResult<Vec<hrddp::FollowUp>> {
    let approved: Vec<(SupportRequest, Assessment)> = store
        .support_requests()
        .await?
        .iter()
        .filter_map(|(r, a)| Some((request_of(r).ok()?, assessment_of(a.as_ref()?).ok()?)))
        .collect();
    let f = hrddp::follow_ups(c, &approved);
    let items: Vec<(i64, i64, String)> = f.iter().map(|x| (x.assessment_id, x.case_id, x.unit.clone())).collect();
    store.raise_followups(actor, &items).await?;
    Ok(f)
}

/// Move a case to `to` (alleged → under verification → verified / not verified; closed).
pub async fn set_status(ctx: &Context, p: &Principal, id: i64, to: &str) -> AppResult<()> {
    let to = CaseStatus::parse(to).map_err(invalid)?;
    let rows = ctx.store.cases_for(p).await?;
    let Some(row) = rows.iter().find(|c| c.id == id) else {
        return Err(AppError::NotFound(format!("case {id} not found")));
    };
    let from = CaseStatus::parse(&row.status).map_err(invalid)?;
    from.transition(to).map_err(|e| AppError::Conflict(e.to_string()))?;
    ctx.store.set_case_status(p, id, from.as_str(), to.as_str()).await?;
    Ok(())
}

pub async fn cases(ctx: &Context, p: &Principal) -> AppResult<Vec<CaseRow>> {
    Ok(ctx.store.cases_for(p).await?)
}

pub async fn case(ctx: &Context, p: &Principal, id: i64) -> AppResult<CaseDetail> {
    ctx.store.case_for(p, id).await?.ok_or_else(|| AppError::NotFound(format!("case {id} not found")))
}

pub async fn add_restricted(ctx: &Context, p: &Principal, case_id: i64, r: Restricted) -> AppResult<i64> {
    if !["victim", "witness", "source"].contains(&r.kind.as_str()) {
        return Err(AppError::invalid("kind", format!("`{}`: victim, witness or source", r.kind)));
    }
    Ok(ctx.store.add_case_restricted(p, case_id, &r).await?)
}

// ---- aggregates and the quarterly note ----

/// The quarterly note from the stored cases (suppressed; no personal data).
pub async fn note(store: &Store, quarter: Quarter, threshold: u32) -> AppResult<Note> {
    Ok(vigil_rights::note::build(&all_cases(store).await?, quarter, threshold))
}

/// The quarter of the most recent case, or the current one.
pub async fn latest_quarter(store: &Store) -> AppResult<Quarter> {
    let cases = all_cases(store).await?;
    Ok(cases
        .iter()
        .map(|c| c.event.date)
        .max()
        .map_or_else(|| Quarter::of(chrono::Utc::now().date_naive()), Quarter::of))
}

/// The aggregates everyone with `AGGREGATES` access sees: the note's tables, with
/// region names, and the labels of every code used.
pub async fn aggregates(store: &Store, quarter: Option<Quarter>, threshold: u32) -> AppResult<Value> {
    let q = match quarter {
        Some(q) => q,
        None => latest_quarter(store).await?,
    };
    let n = note(store, q, threshold).await?;
    let regions: std::collections::BTreeMap<String, String> = store.area_names(1).await?.into_iter().collect();
    Ok(json!({"note": n, "regions": regions}))
}

/// The label of a code in a note table (act types, perpetrators, groups, regions).
pub fn label(code: &str, regions: &std::collections::BTreeMap<String, String>) -> String {
    for list in [v::ACT_TYPES, v::PERPETRATORS, v::VICTIM_GROUPS] {
        if let Some(t) = vocab::find(list, code) {
            return t.en.to_string();
        }
    }
    match code {
        "total" => "Total".into(),
        "cases" => "Cases".into(),
        "violations" => "Violations and abuses".into(),
        "victims" => "Victims".into(),
        "unplaced" => "Region not known".into(),
        c => regions.get(c).cloned().unwrap_or_else(|| c.to_string()),
    }
}

/// A note table as CSV (labels as the note prints them; suppressed cells `<3` / `*`).
pub fn note_csv(t: &vigil_rights::note::NoteTable, regions: &std::collections::BTreeMap<String, String>) -> String {
    let esc =
        |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
    let mut out = String::new();
    let mut head = vec![t.rows_are.to_string()];
    head.extend(t.table.columns.iter().map(|c| label(c, regions)));
    if t.table.totals.is_some() {
        head.push("Total".into());
    }
    out.push_str(&head.iter().map(|h| esc(h)).collect::<Vec<_>>().join(","));
    out.push('\n');
    for r in t.table.rows.iter().chain(t.table.totals.iter()) {
        let mut line = vec![esc(&label(&r.key, regions))];
        line.extend(r.cells.iter().map(|c| c.text()));
        if let Some(tot) = &r.total {
            line.push(tot.text());
        }
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal bar chart (inline SVG) of the totals of a table's rows; suppressed rows drawn as hatched "<3".
fn bar_chart(t: &vigil_rights::note::NoteTable, regions: &std::collections::BTreeMap<String, String>) -> String {
    let rows: Vec<(String, Option<u32>)> = t
        .table
        .rows
        .iter()
        .map(|r| {
            (
                label(&r.key, regions),
                r.total.as_ref().and_then(|c| c.value()).or_else(|| {
                    if r.total.is_none() {
                        r.cells.last().and_then(|c| c.value())
                    } else {
                        None
                    }
                }),
            )
        })
        .collect();
    let max = rows.iter().filter_map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let h = 22 * rows.len() + 10;
    let mut s =
        format!(r#"<svg class="chart" width="640" height="{h}" role="img" aria-label="{}">"#, html_escape(t.title));
    for (i, (name, val)) in rows.iter().enumerate() {
        let y = 5 + i * 22;
        s.push_str(&format!(
            r#"<text x="230" y="{}" text-anchor="end" font-size="12">{}</text>"#,
            y + 14,
            html_escape(name)
        ));
        match val {
            Some(v) => {
                let w = (*v as f64 / max * 340.0).max(1.0);
                s.push_str(&format!(r##"<rect x="240" y="{y}" width="{w:.1}" height="16" fill="#1f5d99"/><text x="{:.1}" y="{}" font-size="12">{v}</text>"##, 245.0 + w, y + 13));
            }
            None => s.push_str(&format!(
                r##"<text x="240" y="{}" font-size="12" fill="#777">suppressed (&lt;{})</text>"##,
                y + 13,
                t.table.threshold
            )),
        }
    }
    s.push_str("</svg>");
    s
}

/// The quarterly note as one self-contained HTML page (tables, charts, the rule of
/// suppression). `synthetic`: the figures come from synthetic data and say so.
pub fn note_html(n: &Note, regions: &std::collections::BTreeMap<String, String>, synthetic: bool) -> String {
    let mut s = String::new();
    s.push_str("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    s.push_str(&format!("<title>Human rights quarterly note {}</title>", n.quarter));
    s.push_str("<style>body{font-family:sans-serif;max-width:820px;margin:2em auto;color:#222}h1{font-size:1.5em;border-bottom:3px solid #1f5d99}h2{font-size:1.1em;margin-top:1.6em}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:3px 8px;text-align:right;font-size:.9em}th:first-child,td:first-child{text-align:left}tr.total td{font-weight:bold}.synthetic{background:#b00;color:#fff;padding:4px 8px;font-weight:bold}.note{font-size:.85em;color:#555}@media print{h2{break-after:avoid}}</style></head><body>");
    if synthetic {
        s.push_str("<p class=\"synthetic\">SYNTHETIC DATA: exercise figures, not real events</p>");
    }
    s.push_str(&format!(
        "<h1>Violations and abuses of human rights: quarterly note, {} ({} to {})</h1>",
        n.quarter,
        n.quarter.start(),
        n.quarter.end()
    ));
    s.push_str(&format!(
        "<p class=\"note\">Cases verified at the standard of reasonable grounds to believe, by the date of the event. {} further case(s) of the quarter were alleged or under verification and are not counted. Cells of fewer than {t} are shown as &lt;{t}; a cell shown as * is hidden so that a total does not reveal a small one. No personal data.</p>",
        n.unverified,
        t = n.threshold
    ));
    for t in &n.tables {
        s.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>{}</th>",
            html_escape(t.title),
            html_escape(&label_of_rows(t.rows_are))
        ));
        for c in &t.table.columns {
            s.push_str(&format!("<th>{}</th>", html_escape(&label(c, regions))));
        }
        if t.table.totals.is_some() {
            s.push_str("<th>Total</th>");
        }
        s.push_str("</tr></thead><tbody>");
        if t.table.rows.is_empty() {
            s.push_str(&format!("<tr><td colspan=\"{}\">none</td></tr>", t.table.columns.len() + 2));
        }
        for (r, cls) in
            t.table.rows.iter().map(|r| (r, "")).chain(t.table.totals.iter().map(|r| (r, " class=\"total\"")))
        {
            s.push_str(&format!("<tr{cls}><td>{}</td>", html_escape(&label(&r.key, regions))));
            for c in r.cells.iter().chain(r.total.iter()) {
                s.push_str(&format!("<td>{}</td>", html_escape(&c.text())));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table>");
        if !t.table.rows.is_empty() {
            s.push_str(&bar_chart(t, regions));
        }
    }
    s.push_str(&format!(
        "<p class=\"note\">Produced by Vigil from the case records ({}).</p></body></html>",
        chrono::Utc::now().format("%Y-%m-%d")
    ));
    s
}

fn label_of_rows(r: &str) -> String {
    match r {
        "perpetrator" => "Alleged perpetrator",
        "act_type" => "Act",
        "region" => "Region",
        "quarter" => "Quarter",
        x => x,
    }
    .to_string()
}

// ---- investigations ----

pub async fn open_investigation(ctx: &Context, p: &Principal, inv: Investigation) -> AppResult<i64> {
    if inv.title.trim().is_empty() {
        return Err(AppError::invalid("title", "is empty"));
    }
    if inv.team.is_empty() {
        return Err(AppError::invalid("team", "name at least one member"));
    }
    NaiveDate::parse_from_str(&inv.opened_on, "%Y-%m-%d").map_err(|_| AppError::invalid("opened_on", "YYYY-MM-DD"))?;
    for m in &inv.missions {
        if !vocab::is_code(v::MISSION_ACCESS, &m.access) {
            return Err(AppError::invalid("missions.access", "granted or denied"));
        }
    }
    Ok(ctx.store.create_investigation(p, &inv).await?)
}

// ---- evidence ----

/// Keep an arrived evidence file in `dir`, hash it (SHA-256) and register it: the
/// first custody entry.
pub async fn add_evidence(
    store: &Store,
    p: &Principal,
    case_id: i64,
    file_name: &str,
    bytes: &[u8],
    dir: &std::path::Path,
) -> AppResult<i64> {
    use sha2_hex::hex_sha256;
    let sha = hex_sha256(bytes);
    let safe: String = file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '_' })
        .collect();
    std::fs::create_dir_all(dir)
        .map_err(|e| AppError::Config { path: dir.display().to_string(), message: e.to_string() })?;
    let path = dir.join(format!("case{case_id}-{}-{safe}", &sha[..12]));
    std::fs::write(&path, bytes)
        .map_err(|e| AppError::Config { path: path.display().to_string(), message: e.to_string() })?;
    Ok(store.add_evidence(p, case_id, file_name, &path.display().to_string(), &sha, bytes.len() as i64).await?)
}

mod sha2_hex {
    pub fn hex_sha256(bytes: &[u8]) -> String {
        vigil_store::audit::sha256_hex(bytes)
    }
}

/// The outcome of re-hashing one evidence file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceCheck {
    pub evidence_id: i64,
    pub case_id: i64,
    pub path: String,
    pub expected: String,
    /// The hash now, `None` when the file cannot be read.
    pub found: Option<String>,
    pub ok: bool,
}

/// Re-hash every evidence file; each check is a custody entry (`verified`, or
/// `changed` / `missing`).
pub async fn verify_evidence(store: &Store, actor: &str) -> AppResult<Vec<EvidenceCheck>> {
    let mut out = vec![];
    for e in store.evidence_of(None).await? {
        let found = std::fs::read(&e.path).ok().map(|b| vigil_store::audit::sha256_hex(&b));
        let ok = found.as_deref() == Some(e.sha256.as_str());
        let action = match (&found, ok) {
            (_, true) => "verified",
            (None, _) => "missing",
            _ => "changed",
        };
        store.custody(actor, e.id, action, found.as_deref(), None).await?;
        out.push(EvidenceCheck { evidence_id: e.id, case_id: e.case_id, path: e.path, expected: e.sha256, found, ok });
    }
    Ok(out)
}

// ---- HRDDP ----

fn date(field: &str, s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::invalid(field, format!("`{s}`: YYYY-MM-DD")))
}

fn request_of(r: &SupportRequestRow) -> AppResult<SupportRequest> {
    Ok(SupportRequest {
        id: r.id,
        force: r.force.clone(),
        unit: r.unit.clone(),
        support_type: r.support_type.clone(),
        description: r.description.clone(),
        requested_on: date("requested_on", &r.requested_on)?,
    })
}

fn assessment_of(a: &AssessmentRow) -> AppResult<Assessment> {
    Ok(Assessment {
        id: a.id,
        request_id: a.request_id,
        record: serde_json::from_value(a.record.clone()).map_err(AppError::internal)?,
        risk_level: a.risk_level.clone(),
        mitigations: serde_json::from_value(a.mitigations.clone()).map_err(AppError::internal)?,
        decision: a.decision.clone(),
        decided_by: a.decided_by.clone(),
        decided_on: a.decided_on.as_deref().map(|d| date("decided_on", d)).transpose()?,
        needs_review: a.needs_review,
    })
}

pub async fn request_support(store: &Store, p: &Principal, r: SupportRequestRow) -> AppResult<i64> {
    let req = request_of(&r)?;
    req.validate().map_err(hrddp_err)?;
    Ok(store.create_support_request(p, &r).await?)
}

/// The unit's record in the cases and the level it suggests.
pub async fn unit_record(store: &Store, unit: &str, on: NaiveDate) -> AppResult<(UnitRecord, &'static str)> {
    let r = hrddp::unit_record(&all_cases(store).await?, unit, on);
    let s = hrddp::suggested_risk(&r);
    Ok((r, s))
}

/// Assess a request: the unit's record is read from the cases now.
pub async fn assess(
    store: &Store,
    p: &Principal,
    request_id: i64,
    risk_level: &str,
    mitigations: Vec<Mitigation>,
) -> AppResult<i64> {
    let reqs = store.support_requests().await?;
    let Some((r, _)) = reqs.iter().find(|(r, _)| r.id == request_id) else {
        return Err(AppError::NotFound(format!("support request {request_id} not found")));
    };
    let (record, _) = unit_record(store, &r.unit, chrono::Utc::now().date_naive()).await?;
    let a = Assessment {
        id: 0,
        request_id,
        record,
        risk_level: risk_level.into(),
        mitigations,
        decision: None,
        decided_by: None,
        decided_on: None,
        needs_review: false,
    };
    a.validate().map_err(hrddp_err)?;
    let row = AssessmentRow {
        id: 0,
        request_id,
        record: serde_json::to_value(&a.record).map_err(AppError::internal)?,
        risk_level: a.risk_level.clone(),
        mitigations: serde_json::to_value(&a.mitigations).map_err(AppError::internal)?,
        decision: None,
        decided_by: None,
        decided_on: None,
        needs_review: false,
    };
    Ok(store.save_assessment(p, &row).await?)
}

/// Decide a request (support / support_with_mitigation / decline): refused without an assessment.
pub async fn decide(store: &Store, p: &Principal, request_id: i64, decision: &str, on: NaiveDate) -> AppResult<String> {
    if !p.sees_restricted_detail() {
        return Err(AppError::Forbidden("an HRDDP decision is for human-rights officers".into()));
    }
    let reqs = store.support_requests().await?;
    let Some((r, a)) = reqs.iter().find(|(r, _)| r.id == request_id) else {
        return Err(AppError::NotFound(format!("support request {request_id} not found")));
    };
    if r.status != "pending" {
        return Err(AppError::Conflict(format!("support request {request_id} is already {}", r.status)));
    }
    let a = a.as_ref().map(assessment_of).transpose()?;
    let (decided, status) = hrddp::decide(request_id, a.as_ref(), decision, &p.user.name, on).map_err(hrddp_err)?;
    let mitigations = serde_json::to_value(&decided.mitigations).map_err(AppError::internal)?;
    store.decide_support(p, request_id, decision, &on.to_string(), status.as_str(), &mitigations).await?;
    Ok(status.as_str().to_string())
}

/// The HRDDP register: requests with their assessments (HR officers), the counts by
/// month, decision and force, overdue measures, open follow-ups.
pub async fn register(store: &Store, p: &Principal, today: NaiveDate) -> AppResult<Value> {
    let all = store.support_requests().await?;
    let mut pairs = vec![];
    let mut overdue = vec![];
    for (r, a) in &all {
        if let Some(a) = a {
            let a = assessment_of(a)?;
            for m in a.overdue(today) {
                overdue.push(json!({"request_id": r.id, "force": r.force, "unit": r.unit, "measure": m.measure, "owner": m.owner, "due": m.due}));
            }
            pairs.push((request_of(r)?, a));
        }
    }
    let lines = hrddp::register(&pairs);
    let followups = store.followups().await?;
    let mut out = json!({"by_month": lines, "overdue": overdue, "open_followups": followups.iter().filter(|f| f.acknowledged_by.is_none()).count()});
    if p.sees_restricted_detail() {
        out["requests"] = json!(all.iter().map(|(r, a)| json!({"request": r, "assessment": a})).collect::<Vec<_>>());
        out["followups"] = json!(followups);
    }
    Ok(out)
}
