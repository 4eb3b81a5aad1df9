//! The four parameters and the periodic figures (issue #20), from Vigil's records
//! only: the indicators' values for a quarter (computed, or the manual value with its
//! evidence), their statuses (set by a person with a reason, audited, or suggested by
//! the figures), the milestones of (a) and (b), the dashboard (trend by quarter, what
//! changed) and the report (figures, tables, charts; CSV and JSON beside it).
//!
//! The dashboard and the report are built by the same function
//! ([`report`]): the dashboard's figures are the report's, so they cannot differ.
//! Human-rights figures come from `vigil_rights::note` (verified cases, aggregates
//! with small cells suppressed), never from case records.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use vigil_parameters::compute::{self, AlertRec, IncRec, MoveRec};
use vigil_parameters::coverage::{self, Completeness, Span};
use vigil_parameters::indicator::{
    self, check_manual, check_status, Indicator, ManualValue, Source, Status, INDICATORS,
};
use vigil_parameters::milestone::{self, Milestone};
use vigil_parameters::report::{self, Chart, Figure, ParamLine, Report, Table};
use vigil_parameters::{Param, Quarter};
use vigil_store::access::Visibility;
use vigil_store::parameters::{ManualRow, MilestoneRow};
use vigil_store::Store;

use crate::{AppError, AppResult};

/// Hours within which an issued alert must see a response dispatched.
pub const TARGET_HOURS: i64 = 24;

fn date(s: &str) -> Option<NaiveDate> {
    s.get(..10).and_then(|d| d.parse().ok())
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn span(s: &(Option<String>, Option<String>)) -> Span {
    Span {
        first: s.0.as_deref().and_then(date),
        last: s.1.as_deref().and_then(date),
    }
}

/// The span of a sparse source (cases, attacks, alerts, missions): a quiet month is
/// not missing data, so only its start says whether a period is covered.
fn sparse(s: &(Option<String>, Option<String>)) -> Span {
    let first = s.0.as_deref().and_then(date);
    Span {
        first,
        last: first.map(|_| NaiveDate::MAX),
    }
}

fn invalid(field: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message: e.to_string(),
    }
}

/// A store milestone as the domain's.
pub fn milestone_of(r: &MilestoneRow) -> AppResult<Milestone> {
    let bad =
        |what: &str| AppError::Internal(format!("milestone {}: stored {what} does not read", r.id));
    Ok(Milestone {
        id: r.id,
        param: Param::parse(&r.parameter).ok_or_else(|| bad("parameter"))?,
        title: r.title.clone(),
        planned: date(&r.planned_date).ok_or_else(|| bad("planned_date"))?,
        actual: r
            .actual_date
            .as_deref()
            .map(|d| date(d).ok_or_else(|| bad("actual_date")))
            .transpose()?,
        status: r.status.clone(),
        sources: r.sources.clone(),
        quantity: r.quantity.clone(),
        provenance: r.provenance.clone(),
    })
}

fn milestone_row(m: &Milestone) -> MilestoneRow {
    MilestoneRow {
        id: m.id,
        parameter: m.param.code().into(),
        title: m.title.clone(),
        planned_date: m.planned.to_string(),
        actual_date: m.actual.map(|d| d.to_string()),
        status: m.status.clone(),
        sources: m.sources.clone(),
        quantity: m.quantity.clone(),
        provenance: m.provenance.clone(),
    }
}

/// A milestone from JSON (`parameter`, `title`, `planned_date`, `actual_date`,
/// `status`, `sources`, `quantity`, `provenance`), checked.
pub fn milestone_from_json(id: i64, v: &Value) -> AppResult<Milestone> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let req = |k: &str| s(k).ok_or_else(|| invalid(k, "required (text)"));
    let day = |k: &str, t: String| {
        t.parse::<NaiveDate>()
            .map_err(|_| invalid(k, format!("`{t}` is not YYYY-MM-DD")))
    };
    let p = req("parameter")?;
    let m = Milestone {
        id,
        param: Param::parse(&p)
            .ok_or_else(|| invalid("parameter", format!("`{p}` is not a or b")))?,
        title: req("title")?,
        planned: day("planned_date", req("planned_date")?)?,
        actual: s("actual_date")
            .filter(|x| !x.is_empty())
            .map(|x| day("actual_date", x))
            .transpose()?,
        status: req("status")?,
        sources: req("sources")?,
        quantity: s("quantity").filter(|x| !x.is_empty()),
        provenance: s("provenance").unwrap_or_else(|| "synthetic".into()),
    };
    milestone::check(&m).map_err(|e| {
        let t = e.to_string();
        let (f, msg) = t.split_once(": ").unwrap_or(("milestone", &t));
        invalid(f, msg)
    })?;
    Ok(m)
}

pub async fn milestones(store: &Store) -> AppResult<Vec<Milestone>> {
    store.milestones().await?.iter().map(milestone_of).collect()
}

/// Record a milestone (checked); audited.
pub async fn add_milestone(store: &Store, actor: &str, m: &Milestone) -> AppResult<i64> {
    milestone::check(m).map_err(|e| invalid("milestone", e))?;
    Ok(store.add_milestone(actor, &milestone_row(m)).await?)
}

/// Change a milestone (checked); audited with before and after.
pub async fn update_milestone(store: &Store, actor: &str, m: &Milestone) -> AppResult<()> {
    milestone::check(m).map_err(|e| invalid("milestone", e))?;
    if store.update_milestone(actor, &milestone_row(m)).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("milestone {} not found", m.id)))
    }
}

/// Record a manual value; refused without evidence (or for a computed indicator).
pub async fn add_manual_value(store: &Store, actor: &str, v: &ManualValue) -> AppResult<i64> {
    check_manual(v).map_err(|e| {
        let field = match e {
            indicator::ManualError::NoEvidence(_) => "evidence",
            indicator::ManualError::NotFinite => "value",
            _ => "indicator",
        };
        invalid(field, e)
    })?;
    let row = ManualRow {
        id: 0,
        indicator: v.indicator.clone(),
        as_of: v.as_of.to_string(),
        value: v.value,
        evidence: v.evidence.trim().to_string(),
        synthetic: v.synthetic,
        entered_by: actor.into(),
        entered_at: String::new(),
    };
    Ok(store.add_manual_value(actor, &row).await?)
}

pub async fn manual_values(store: &Store) -> AppResult<Vec<(ManualRow, ManualValue)>> {
    Ok(store
        .manual_values()
        .await?
        .into_iter()
        .filter_map(|r| {
            let v = ManualValue {
                indicator: r.indicator.clone(),
                as_of: date(&r.as_of)?,
                value: r.value,
                evidence: r.evidence.clone(),
                synthetic: r.synthetic,
            };
            Some((r, v))
        })
        .collect())
}

/// Set an indicator's status for a period, with the reason; audited.
pub async fn set_status(
    store: &Store,
    actor: &str,
    indicator: &str,
    period: &str,
    status: &str,
    reason: &str,
) -> AppResult<i64> {
    let q: Quarter = period.parse().map_err(|e| invalid("period", e))?;
    let s = check_status(indicator, status, reason).map_err(|e| {
        let field = match e {
            indicator::StatusError::NoReason => "reason",
            indicator::StatusError::UnknownStatus(_) => "status",
            indicator::StatusError::UnknownIndicator(_) => "indicator",
        };
        invalid(field, e)
    })?;
    Ok(store
        .set_param_status(actor, indicator, &q.to_string(), s.code(), reason.trim())
        .await?)
}

/// Everything the figures read, loaded once.
struct Records {
    milestones: Vec<Milestone>,
    manual: Vec<ManualValue>,
    /// (indicator, period) → (status, reason, set_by, set_at), the latest.
    statuses: HashMap<(String, String), (String, String, String, String)>,
    moves: Vec<MoveRec>,
    alerts: Vec<AlertRec>,
    attacks: Vec<vigil_store::movement::AttackRow>,
    spans: vigil_store::parameters::Spans,
    regions: BTreeMap<String, String>,
    synthetic: bool,
}

async fn load(store: &Store, vis: Visibility) -> AppResult<Records> {
    let mut first_dispatch: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for r in store.responses(None).await? {
        if let Some(t) = r.dispatched_at.as_deref().and_then(time) {
            let e = first_dispatch.entry(r.alert_id).or_insert(t);
            *e = (*e).min(t);
        }
    }
    let alerts = store
        .alerts(&[], None)
        .await?
        .into_iter()
        .filter_map(|a| {
            Some(AlertRec {
                id: a.id,
                created: time(&a.created_at)?,
                issued: a.issued_at.as_deref().and_then(time),
                expires: time(&a.expires_at)?,
                admin1: a.admin1.clone(),
                first_dispatch: first_dispatch.get(&a.id).copied(),
            })
        })
        .collect();
    // restricted requests are counted in the totals (never listed here)
    let moves = store
        .movements(true)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(MoveRec {
                id: m.id,
                planned: date(&m.m.planned_at)?,
                sector: m.m.sector.clone(),
                kind: m.m.kind.clone(),
                outcome: m.decision.as_ref().map(|d| d.outcome.clone()),
            })
        })
        .collect();
    let mut statuses = HashMap::new();
    for s in store.param_statuses().await? {
        statuses.insert(
            (s.indicator, s.period),
            (s.status, s.reason, s.set_by, s.set_at),
        );
    }
    Ok(Records {
        milestones: milestones(store).await?,
        manual: manual_values(store)
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        statuses,
        moves,
        alerts,
        attacks: store.attacks(true).await?,
        spans: store.record_spans(vis).await?,
        regions: store.area_names(1).await?.into_iter().collect(),
        synthetic: store.any_synthetic_records().await?
            || crate::forecasts::incidents_synthetic(store).await?,
    })
}

/// An indicator's value for a quarter, with what it says of its sources and the
/// records behind it (a UI route).
#[derive(Debug, Clone)]
struct IndValue {
    value: Value,
    completeness: Completeness,
    link: String,
    evidence: Option<String>,
}

fn sectors() -> Vec<&'static str> {
    vigil_model::vocab::codes(vigil_model::vocab::movement::SECTORS)
}

fn num(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

fn map_link(q: Quarter, extra: &str) -> String {
    format!("#/map?from={}&to={}{extra}", q.start(), q.end())
}

async fn indicator_value(
    store: &Store,
    vis: Visibility,
    r: &Records,
    ind: &Indicator,
    q: Quarter,
) -> AppResult<IndValue> {
    let (start, end) = (q.start(), q.end());
    let ok = Completeness {
        complete: true,
        notes: vec![],
    };
    let v = match ind.code {
        "a_milestones_on_time" | "b_milestones_on_time" => {
            let p = ind.param;
            let v = milestone::on_time_share(&r.milestones, p, end);
            let completeness = if v.is_none() {
                Completeness {
                    complete: false,
                    notes: vec![format!("no milestone of ({}) due by {end}", p.code())],
                }
            } else {
                ok
            };
            IndValue {
                value: num(v),
                completeness,
                link: ind.records.into(),
                evidence: None,
            }
        }
        "b_combatants_integrated" => match indicator::manual_at(&r.manual, ind.code, end) {
            Some(m) => IndValue {
                value: json!(m.value),
                completeness: ok,
                link: ind.records.into(),
                evidence: Some(format!(
                    "{} (as of {}{})",
                    m.evidence,
                    m.as_of,
                    if m.synthetic { "; SYNTHETIC" } else { "" }
                )),
            },
            None => IndValue {
                value: Value::Null,
                completeness: Completeness {
                    complete: false,
                    notes: vec![format!("no value with evidence entered on or before {end}")],
                },
                link: ind.records.into(),
                evidence: None,
            },
        },
        "c_denied_or_delayed" | "c_casevac_denied" => {
            let rows = compute::movement_by_sector(&r.moves, &sectors(), start, end);
            let total = rows.last().cloned().unwrap_or_default();
            let value = if ind.code == "c_denied_or_delayed" {
                num(total.share_denied_or_delayed)
            } else {
                json!(total.casevac_denied)
            };
            let link = if ind.code == "c_casevac_denied" {
                "#/movement?kind=casevac"
            } else {
                "#/movement"
            };
            IndValue {
                value,
                completeness: coverage::of("movement", span(&r.spans.movements), start, end),
                link: link.into(),
                evidence: None,
            }
        }
        "d_access_denied" => {
            let n = store
                .missions_denied_access(&start.to_string(), &end.to_string())
                .await?;
            IndValue {
                value: json!(n),
                completeness: coverage::of("human-rights", sparse(&r.spans.cases), start, end),
                link: format!("#/rights?quarter={q}"),
                evidence: None,
            }
        }
        "d_alerts_acted_in_time" => {
            let f = compute::alert_figures(&r.alerts, start, end, TARGET_HOURS);
            IndValue {
                value: num(f.share_acted_in_time),
                completeness: coverage::of("alert", sparse(&r.spans.alerts), start, end),
                link: "#/responses".into(),
                evidence: None,
            }
        }
        "d_deaths_in_alerted_areas" => {
            let incs = death_rows(store, vis, q).await?;
            let (n, _) = compute::deaths_in_alerted_areas(&incs, &r.alerts, start, end);
            IndValue {
                value: json!(n),
                completeness: coverage::both(
                    &coverage::of("incident", span(&r.spans.incidents), start, end),
                    &coverage::of("alert", sparse(&r.spans.alerts), start, end),
                ),
                link: map_link(q, ""),
                evidence: None,
            }
        }
        other => {
            return Err(AppError::Internal(format!(
                "indicator {other} has no computation"
            )))
        }
    };
    Ok(v)
}

async fn death_rows(store: &Store, vis: Visibility, q: Quarter) -> AppResult<Vec<IncRec>> {
    Ok(store
        .incident_death_rows(vis, &q.start().to_string(), &q.end().to_string())
        .await?
        .into_iter()
        .filter_map(|(id, d, admin1, n)| {
            Some(IncRec {
                id,
                date: date(&d)?,
                admin1,
                civilian_deaths: u32::try_from(n).unwrap_or(0),
            })
        })
        .collect())
}

fn type_label(t: Option<i64>) -> &'static str {
    match t {
        Some(1) => "state-based conflict",
        Some(2) => "non-state conflict",
        Some(3) => "one-sided violence",
        _ => "type not coded",
    }
}

fn sector_label(code: &str) -> String {
    vigil_model::vocab::find(vigil_model::vocab::movement::SECTORS, code)
        .map_or_else(|| code.to_string(), |t| t.en.to_string())
}

fn attack_label(code: &str) -> String {
    vigil_model::vocab::find(vigil_model::vocab::movement::ATTACK_KINDS, code)
        .map_or_else(|| code.to_string(), |t| t.en.to_string())
}

fn fmt_opt(x: Option<f64>) -> String {
    report::show(&num(x))
}

/// A figure with its three values.
#[allow(clippy::too_many_arguments)]
fn fig(
    id: &str,
    section: &str,
    title: &str,
    unit: &str,
    vals: [Value; 3],
    definition: &str,
    query: &str,
    c: &Completeness,
    link: Option<String>,
) -> Figure {
    let [current, previous, year_before] = vals;
    Figure {
        id: id.into(),
        section: section.into(),
        title: title.into(),
        unit: unit.into(),
        current,
        previous,
        year_before,
        definition: definition.into(),
        query: query.into(),
        complete: c.complete,
        notes: c.notes.clone(),
        link,
    }
}

const S_INC: &str = "Incidents and civilian deaths";
const S_HR: &str = "Human-rights violations and abuses (aggregates)";
const S_ATT: &str = "Attacks on the mission";
const S_MOV: &str = "Movement restrictions";
const S_ALR: &str = "Alerts and responses";
const S_PAR: &str = "Parameters";

/// The report's figures for `q`: every figure computed from the records, each with
/// its definition and query, against the previous quarter and the same quarter a
/// year earlier. Incidents are those visible at `vis`.
#[allow(clippy::too_many_lines)]
pub async fn report(
    store: &Store,
    vis: Visibility,
    q: Quarter,
    threshold: u32,
    now: DateTime<Utc>,
) -> AppResult<Report> {
    let r = load(store, vis).await?;
    let qs = [q, q.previous(), q.year_before()];
    let mut figures = vec![];
    let mut tables = vec![];

    // ---- incidents and civilian deaths
    let mut counts = vec![];
    for p in qs {
        counts.push(
            store
                .incident_counts(vis, &p.start().to_string(), &p.end().to_string())
                .await?,
        );
    }
    let inc_cov: Vec<Completeness> = qs
        .iter()
        .map(|p| coverage::of("incident", span(&r.spans.incidents), p.start(), p.end()))
        .collect();
    let sum = |i: usize, f: fn(&vigil_store::parameters::IncidentCount) -> i64| {
        counts[i].iter().map(f).sum::<i64>()
    };
    let inc_q =
        "incidents WHERE date_start in period AND retracted_at IS NULL AND visible (public)";
    figures.push(fig(
        "incidents.total",
        S_INC,
        "Incidents",
        "incidents",
        [0, 1, 2].map(|i| json!(sum(i, |c| c.incidents))),
        "Coded incidents (UCDP GED, ACLED and verified field reports) dated in the period, retracted ones left out.",
        &format!("SELECT COUNT(*) FROM {inc_q}"),
        &inc_cov[0],
        Some(map_link(q, "")),
    ));
    figures.push(fig(
        "incidents.civilian_deaths",
        S_INC,
        "Civilian deaths",
        "deaths",
        [0, 1, 2].map(|i| json!(sum(i, |c| c.civilian_deaths))),
        "Sum of deaths_civilians (best estimate) of the incidents dated in the period.",
        &format!("SELECT SUM(deaths_civilians) FROM {inc_q}"),
        &inc_cov[0],
        Some(map_link(q, "")),
    ));
    // by region
    let mut by_region: BTreeMap<String, [[i64; 2]; 3]> = BTreeMap::new();
    let mut by_type: BTreeMap<Option<i64>, [[i64; 2]; 3]> = BTreeMap::new();
    for (i, cs) in counts.iter().enumerate() {
        for c in cs {
            let e = by_region
                .entry(c.admin1.clone().unwrap_or_default())
                .or_default();
            e[i][0] += c.incidents;
            e[i][1] += c.civilian_deaths;
            let e = by_type.entry(c.type_of_violence).or_default();
            e[i][0] += c.incidents;
            e[i][1] += c.civilian_deaths;
        }
    }
    let cols = |what: &str| {
        let mut c = vec![what.to_string()];
        for m in ["incidents", "civilian deaths"] {
            for p in qs {
                c.push(format!("{m} {p}"));
            }
        }
        c
    };
    let row_of = |label: String, v: &[[i64; 2]; 3]| {
        let mut row = vec![label];
        for m in 0..2 {
            for p in v {
                row.push(p[m].to_string());
            }
        }
        row
    };
    let total_of = |rows: &mut dyn Iterator<Item = &[[i64; 2]; 3]>| {
        let mut t = [[0i64; 2]; 3];
        for v in rows {
            for (p, tp) in v.iter().zip(t.iter_mut()) {
                tp[0] += p[0];
                tp[1] += p[1];
            }
        }
        t
    };
    let mut rows: Vec<Vec<String>> = by_region
        .iter()
        .map(|(code, v)| {
            let label = if code.is_empty() {
                "region not known".to_string()
            } else {
                r.regions.get(code).cloned().unwrap_or_else(|| code.clone())
            };
            row_of(label, v)
        })
        .collect();
    rows.push(row_of("total".into(), &total_of(&mut by_region.values())));
    tables.push(Table {
        id: "incidents_by_region".into(),
        section: S_INC.into(),
        title: "Incidents and civilian deaths by region".into(),
        columns: cols("region"),
        rows,
        definition: format!("{inc_q}, grouped by admin1 (region)."),
        chart: Some(Chart {
            title: format!(
                "Civilian deaths by region, {q} against {} and {}",
                qs[1], qs[2]
            ),
            series: vec![4, 5, 6],
        }),
    });
    let mut rows: Vec<Vec<String>> = by_type
        .iter()
        .map(|(t, v)| row_of(type_label(*t).into(), v))
        .collect();
    rows.push(row_of("total".into(), &total_of(&mut by_type.values())));
    tables.push(Table {
        id: "incidents_by_type".into(),
        section: S_INC.into(),
        title: "Incidents and civilian deaths by type of violence".into(),
        columns: cols("type of violence"),
        rows,
        definition: format!("{inc_q}, grouped by UCDP type_of_violence."),
        chart: Some(Chart {
            title: format!(
                "Incidents by type of violence, {q} against {} and {}",
                qs[1], qs[2]
            ),
            series: vec![1, 2, 3],
        }),
    });

    // ---- human rights: aggregates only, suppressed
    let note = crate::rights::note(store, q, threshold).await?;
    let hr_cov = coverage::of(
        "human-rights case",
        sparse(&r.spans.cases),
        q.start(),
        q.end(),
    );
    let hr_def = "Cases verified at 'reasonable grounds to believe', dated in the period; counts under the threshold suppressed (<3), and cells that would give one away through a total hidden (*).";
    if let Some(cmp) = note.tables.iter().find(|t| t.name == "comparison") {
        for (j, (id, title, unit)) in [
            ("hr.cases", "Cases", "cases"),
            ("hr.violations", "Violations and abuses", "violations"),
            ("hr.victims", "Victims", "victims"),
        ]
        .into_iter()
        .enumerate()
        {
            let vals = [0, 1, 2].map(|i| {
                cmp.table
                    .rows
                    .get(i)
                    .and_then(|row| row.cells.get(j))
                    .map_or(Value::Null, |c| {
                        serde_json::to_value(c).unwrap_or(Value::Null)
                    })
            });
            figures.push(fig(id, S_HR, title, unit, vals, hr_def, "hr_cases WHERE status = 'verified' AND date in period: vigil_rights::aggregate::comparison (suppressed)", &hr_cov, Some(format!("#/rights?quarter={q}"))));
        }
    }
    for name in ["perpetrator_act", "victims_act"] {
        if let Some(t) = note.tables.iter().find(|t| t.name == name) {
            let mut columns = vec![crate::rights::label(t.rows_are, &r.regions)];
            columns.extend(
                t.table
                    .columns
                    .iter()
                    .map(|c| crate::rights::label(c, &r.regions)),
            );
            columns.push("Total".into());
            let rows = t
                .table
                .rows
                .iter()
                .chain(t.table.totals.iter())
                .map(|row| {
                    let mut v = vec![crate::rights::label(&row.key, &r.regions)];
                    v.extend(row.cells.iter().map(vigil_rights::Cell::text));
                    v.extend(row.total.iter().map(vigil_rights::Cell::text));
                    v
                })
                .collect();
            let chart_cols = t.table.columns.len() + 1;
            tables.push(Table {
                id: format!("hr_{name}"),
                section: S_HR.into(),
                title: format!("{} ({q})", t.title),
                columns,
                rows,
                definition: hr_def.into(),
                chart: (name == "perpetrator_act").then(|| Chart { title: format!("Violations and abuses by alleged perpetrator, {q} (suppressed cells not drawn)"), series: vec![chart_cols] }),
            });
        }
    }

    // ---- attacks on the mission
    let att_cov = coverage::of("attack", sparse(&r.spans.attacks), q.start(), q.end());
    let att_in = |p: Quarter| {
        r.attacks
            .iter()
            .filter(move |a| date(&a.a.date).is_some_and(|d| p.contains(d)))
    };
    let att_q = "mission_attacks WHERE date in period";
    figures.push(fig(
        "attacks.total",
        S_ATT,
        "Attacks on the mission",
        "attacks",
        qs.map(|p| json!(att_in(p).count())),
        "Attacks on the mission's personnel, camps and convoys dated in the period.",
        &format!("SELECT COUNT(*) FROM {att_q}"),
        &att_cov,
        Some("#/movement".into()),
    ));
    figures.push(fig(
        "attacks.peacekeepers_killed",
        S_ATT,
        "Peacekeepers killed",
        "persons",
        qs.map(|p| json!(att_in(p).map(|a| a.a.peacekeepers_killed).sum::<i64>())),
        "Peacekeepers killed in attacks on the mission dated in the period.",
        &format!("SELECT SUM(peacekeepers_killed) FROM {att_q}"),
        &att_cov,
        Some("#/movement".into()),
    ));
    figures.push(fig(
        "attacks.peacekeepers_injured",
        S_ATT,
        "Peacekeepers injured",
        "persons",
        qs.map(|p| json!(att_in(p).map(|a| a.a.peacekeepers_injured).sum::<i64>())),
        "Peacekeepers injured in attacks on the mission dated in the period.",
        &format!("SELECT SUM(peacekeepers_injured) FROM {att_q}"),
        &att_cov,
        Some("#/movement".into()),
    ));
    let kinds = vigil_model::vocab::codes(vigil_model::vocab::movement::ATTACK_KINDS);
    let mut rows = vec![];
    for k in &kinds {
        let mut row = vec![attack_label(k)];
        for p in qs {
            row.push(att_in(p).filter(|a| a.a.kind == *k).count().to_string());
        }
        for p in qs {
            row.push(
                att_in(p)
                    .filter(|a| a.a.kind == *k)
                    .map(|a| a.a.peacekeepers_killed + a.a.peacekeepers_injured)
                    .sum::<i64>()
                    .to_string(),
            );
        }
        rows.push(row);
    }
    let mut columns = vec!["kind of attack".to_string()];
    columns.extend(qs.iter().map(|p| format!("attacks {p}")));
    columns.extend(qs.iter().map(|p| format!("peacekeeper casualties {p}")));
    tables.push(Table {
        id: "attacks_by_kind".into(),
        section: S_ATT.into(),
        title: "Attacks on the mission and peacekeeper casualties (killed and injured) by kind"
            .into(),
        columns,
        rows,
        definition: format!(
            "{att_q}, grouped by kind; casualties = peacekeepers_killed + peacekeepers_injured."
        ),
        chart: Some(Chart {
            title: format!(
                "Attacks on the mission by kind, {q} against {} and {}",
                qs[1], qs[2]
            ),
            series: vec![1, 2, 3],
        }),
    });

    // ---- movement
    let mov_cov: Vec<Completeness> = qs
        .iter()
        .map(|p| coverage::of("movement", span(&r.spans.movements), p.start(), p.end()))
        .collect();
    let secs = sectors();
    let by_sector: Vec<Vec<compute::SectorRow>> = qs
        .iter()
        .map(|p| compute::movement_by_sector(&r.moves, &secs, p.start(), p.end()))
        .collect();
    let tot = |i: usize| by_sector[i].last().cloned().unwrap_or_default();
    let mov_q = "movement_requests LEFT JOIN movement_decisions WHERE planned_at in period";
    figures.push(fig(
        "movement.requests",
        S_MOV,
        "Movement requests",
        "requests",
        [0, 1, 2].map(|i| json!(tot(i).requests)),
        "Movement requests (air and ground) planned in the period.",
        &format!("SELECT COUNT(*) FROM {mov_q}"),
        &mov_cov[0],
        Some("#/movement".into()),
    ));
    figures.push(fig("movement.denied_or_delayed_share", S_MOV, "Requests denied, delayed or unanswered", "% of decided", [0, 1, 2].map(|i| num(tot(i).share_denied_or_delayed)), indicator::indicator("c_denied_or_delayed").map_or("", |i| i.definition), "count(outcome IN ('denied','delayed','no_answer')) / count(decided) FROM movement_requests JOIN movement_decisions WHERE planned_at in period", &mov_cov[0], Some("#/movement".into())));
    figures.push(fig("movement.casevac_denied", S_MOV, "CASEVAC denied or unanswered", "requests", [0, 1, 2].map(|i| json!(tot(i).casevac_denied)), indicator::indicator("c_casevac_denied").map_or("", |i| i.definition), "count(*) FROM movement_requests JOIN movement_decisions WHERE kind = 'casevac' AND outcome IN ('denied','no_answer') AND planned_at in period", &mov_cov[0], Some("#/movement?kind=casevac".into())));
    let mut rows = vec![];
    for (j, s) in by_sector[0].iter().enumerate() {
        let label = if s.sector == "total" {
            "total".to_string()
        } else {
            sector_label(&s.sector)
        };
        rows.push(vec![
            label,
            s.requests.to_string(),
            s.denied.to_string(),
            s.delayed.to_string(),
            s.no_answer.to_string(),
            s.casevac_denied.to_string(),
            fmt_opt(s.share_denied_or_delayed),
            fmt_opt(by_sector[1].get(j).and_then(|x| x.share_denied_or_delayed)),
            fmt_opt(by_sector[2].get(j).and_then(|x| x.share_denied_or_delayed)),
        ]);
    }
    tables.push(Table {
        id: "movement_by_sector".into(),
        section: S_MOV.into(),
        title: format!("Movement requests and restrictions by sector, {q}"),
        columns: vec![
            "sector".into(),
            "requests".into(),
            "denied".into(),
            "delayed".into(),
            "no answer".into(),
            "CASEVAC denied".into(),
            format!("% denied or delayed {q}"),
            format!("% denied or delayed {}", qs[1]),
            format!("% denied or delayed {}", qs[2]),
        ],
        rows,
        definition: format!("{mov_q}, grouped by sector; % of requests with a decision."),
        chart: Some(Chart { title: format!("Share of requests denied, delayed or unanswered by sector (%), {q} against {} and {}", qs[1], qs[2]), series: vec![6, 7, 8] }),
    });

    // ---- alerts
    let alr_cov: Vec<Completeness> = qs
        .iter()
        .map(|p| coverage::of("alert", sparse(&r.spans.alerts), p.start(), p.end()))
        .collect();
    let af: Vec<compute::AlertFigures> = qs
        .iter()
        .map(|p| compute::alert_figures(&r.alerts, p.start(), p.end(), TARGET_HOURS))
        .collect();
    figures.push(fig(
        "alerts.raised",
        S_ALR,
        "Alerts raised",
        "alerts",
        [0, 1, 2].map(|i| json!(af[i].raised)),
        "Alerts created by the rules or by analysts in the period (drafts included).",
        "SELECT COUNT(*) FROM alerts WHERE created_at in period",
        &alr_cov[0],
        Some("#/alerts".into()),
    ));
    figures.push(fig(
        "alerts.issued",
        S_ALR,
        "Alerts issued",
        "alerts",
        [0, 1, 2].map(|i| json!(af[i].issued)),
        "Alerts issued in the period.",
        "SELECT COUNT(*) FROM alerts WHERE issued_at in period",
        &alr_cov[0],
        Some("#/alerts".into()),
    ));
    figures.push(fig(
        "alerts.acted_on",
        S_ALR,
        "Issued alerts acted on (a response dispatched)",
        "alerts",
        [0, 1, 2].map(|i| json!(af[i].acted)),
        "Alerts issued in the period with at least one response dispatched.",
        "alerts WHERE issued_at in period, with a response whose dispatched_at is set",
        &alr_cov[0],
        Some("#/responses".into()),
    ));
    figures.push(fig("alerts.acted_in_time_share", S_ALR, "Issued alerts acted on within 24 hours", "%", [0, 1, 2].map(|i| num(af[i].share_acted_in_time)), indicator::indicator("d_alerts_acted_in_time").map_or("", |i| i.definition), "count(min(responses.dispatched_at) - issued_at <= 24 h) / count(*) FROM alerts WHERE issued_at in period", &alr_cov[0], Some("#/responses".into())));
    figures.push(fig("alerts.median_minutes_to_respond", S_ALR, "Median time from issue to first response dispatched", "minutes", [0, 1, 2].map(|i| num(af[i].median_minutes_to_respond)), "Median over alerts issued in the period and acted on of min(responses.dispatched_at) - issued_at.", "median(min(responses.dispatched_at) - alerts.issued_at) WHERE issued_at in period", &alr_cov[0], Some("#/responses".into())));

    // ---- parameters
    let mut params = vec![];
    for ind in INDICATORS {
        let mut vals = vec![];
        for p in qs {
            vals.push(indicator_value(store, vis, &r, ind, p).await?);
        }
        let query = match ind.source {
            Source::Computed { query } => query.to_string(),
            Source::Manual => {
                "param_manual_values: the latest value with as_of <= period end, with its evidence"
                    .into()
            }
        };
        let mut f = fig(
            &format!("param.{}", ind.code),
            S_PAR,
            &format!("({}) {}", ind.param.code(), ind.name),
            ind.unit,
            [
                vals[0].value.clone(),
                vals[1].value.clone(),
                vals[2].value.clone(),
            ],
            ind.definition,
            &query,
            &vals[0].completeness,
            Some(vals[0].link.clone()),
        );
        if let Some(e) = &vals[0].evidence {
            f.notes.push(format!("evidence: {e}"));
        }
        figures.push(f);
        let set = r.statuses.get(&(ind.code.to_string(), q.to_string()));
        params.push(ParamLine {
            param: ind.param.code().into(),
            title: ind.param.title().into(),
            indicator: ind.code.into(),
            indicator_name: ind.name.into(),
            value: vals[0].value.clone(),
            unit: ind.unit.into(),
            baseline: ind.baseline,
            target: ind.target,
            status: set.map(|s| s.0.clone()),
            status_set_by: set.map(|s| s.2.clone()),
            status_reason: set.map(|s| s.1.clone()),
            suggested: Status::suggested(ind, vals[0].value.as_f64()).map(|s| s.code().to_string()),
        });
    }

    Ok(Report {
        period: q.to_string(),
        previous: qs[1].to_string(),
        year_before: qs[2].to_string(),
        start: q.start().to_string(),
        end: q.end().to_string(),
        generated_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        synthetic: r.synthetic,
        suppression_threshold: threshold,
        figures,
        tables,
        parameters: params,
    })
}

/// The JSON written beside the report: every figure with its definition and query.
pub fn report_json(r: &Report) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

/// The files beside the report: `figures.json`, `figures.csv` and one CSV per table.
pub fn side_files(r: &Report) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "figures.json".to_string(),
            serde_json::to_string_pretty(&report_json(r)).unwrap_or_default(),
        ),
        ("figures.csv".to_string(), report::figures_csv(&r.figures)),
    ];
    for t in &r.tables {
        out.push((format!("{}.csv", t.id), report::table_csv(t)));
    }
    out
}

/// The latest quarter with records (incidents, movements, alerts, cases), or the current one.
pub async fn latest_quarter(
    store: &Store,
    vis: Visibility,
    today: NaiveDate,
) -> AppResult<Quarter> {
    let s = store.record_spans(vis).await?;
    let last = [&s.incidents, &s.movements, &s.alerts, &s.cases, &s.attacks]
        .iter()
        .filter_map(|x| x.1.as_deref().and_then(date))
        .filter(|d| *d <= today)
        .max();
    Ok(Quarter::of(last.unwrap_or(today)))
}

/// The dashboard: the four parameters with their indicators (value, baseline, target,
/// status, the records behind it), the trend over the last `trend` quarters, what
/// changed since the previous quarter, and the report's figures (the same numbers).
pub async fn dashboard(
    store: &Store,
    vis: Visibility,
    q: Quarter,
    threshold: u32,
    trend: usize,
    now: DateTime<Utc>,
) -> AppResult<Value> {
    let rep = report(store, vis, q, threshold, now).await?;
    let r = load(store, vis).await?;
    let mut quarters = vec![q];
    while quarters.len() < trend.max(2) {
        let prev = quarters.last().map_or(q, Quarter::previous);
        quarters.push(prev);
    }
    quarters.reverse();
    let mut params = vec![];
    for p in Param::ALL {
        let mut inds = vec![];
        for ind in INDICATORS.iter().filter(|i| i.param == p) {
            let mut series = vec![];
            for qq in &quarters {
                let v = indicator_value(store, vis, &r, ind, *qq).await?;
                series.push(json!({"quarter": qq.to_string(), "value": v.value, "complete": v.completeness.complete}));
            }
            let line = rep.parameters.iter().find(|l| l.indicator == ind.code);
            let f = rep
                .figures
                .iter()
                .find(|f| f.id == format!("param.{}", ind.code));
            let history: Vec<Value> = store
                .param_statuses()
                .await?
                .into_iter()
                .filter(|s| s.indicator == ind.code)
                .map(|s| json!({"period": s.period, "status": s.status, "reason": s.reason, "set_by": s.set_by, "set_at": s.set_at}))
                .collect();
            inds.push(json!({
                "indicator": ind,
                "value": f.map(|f| f.current.clone()),
                "previous": f.map(|f| f.previous.clone()),
                "change": f.map(|f| report::change(&f.current, &f.previous)),
                "complete": f.map(|f| f.complete),
                "notes": f.map(|f| f.notes.clone()),
                "link": f.and_then(|f| f.link.clone()),
                "status": line.and_then(|l| l.status.clone()),
                "status_set_by": line.and_then(|l| l.status_set_by.clone()),
                "status_reason": line.and_then(|l| l.status_reason.clone()),
                "suggested": line.and_then(|l| l.suggested.clone()),
                "status_history": history,
                "trend": series,
            }));
        }
        let ms: Vec<&Milestone> = r.milestones.iter().filter(|m| m.param == p).collect();
        params.push(json!({"param": p.code(), "title": p.title(), "title_fr": p.title_fr(), "indicators": inds, "milestones": ms}));
    }
    // what changed since the previous quarter: every figure whose value moved
    let changed: Vec<Value> = rep
        .figures
        .iter()
        .filter(|f| {
            let c = report::change(&f.current, &f.previous);
            c != "=" && !(c == "-" && f.current == f.previous)
        })
        .map(|f| json!({"id": f.id, "title": f.title, "unit": f.unit, "current": f.current, "previous": f.previous, "change": report::change(&f.current, &f.previous), "link": f.link}))
        .collect();
    Ok(json!({
        "period": rep.period,
        "previous": rep.previous,
        "year_before": rep.year_before,
        "quarters": quarters.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "synthetic": rep.synthetic,
        "parameters": params,
        "changed": changed,
        "figures": rep.figures,
        "tables": rep.tables,
        "statuses": Status::ALL.iter().map(|s| json!({"code": s.code(), "label": s.label()})).collect::<Vec<_>>(),
    }))
}
