//! `vigil movement sectors` (the movement figures by sector, or by month, kind,
//! purpose, authority) and `vigil attacks` (attacks on the mission since a date, by
//! kind, year and sector, in the review's sentence). Records marked restricted are
//! left out: these tables are for any operator at the machine.

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::io::Write;
use vigil_movement::movements::GroupBy;
use vigil_store::Store;

#[derive(Subcommand, Debug)]
pub enum MovementCommand {
    /// Movement requests by sector: requests, pending, granted (with conditions),
    /// delayed, denied, no answer, share denied or delayed (of decided), median and
    /// p90 delay in minutes, CASEVAC requests and denied; the last row is all sectors.
    Sectors(SectorsArgs),
}

#[derive(Args, Debug)]
pub struct SectorsArgs {
    /// Group by another key instead of sector.
    #[arg(long, default_value = "sector", value_parser = ["sector", "month", "kind", "purpose", "authority"])]
    pub by: String,
    /// CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Args, Debug)]
pub struct AttacksArgs {
    /// Count attacks on or after this date.
    #[arg(long, default_value = "2013-07-01", value_name = "YYYY-MM-DD")]
    pub since: NaiveDate,
    /// CSV (one row per group: group, key, attacks, peacekeepers and civilians killed
    /// and injured) instead of the sentences and tables.
    #[arg(long)]
    pub csv: bool,
}

fn opt(v: Option<f64>, pct: bool) -> String {
    match v {
        None => "-".into(),
        Some(x) if pct => format!("{:.1}%", x * 100.0),
        Some(x) => format!("{x:.0}"),
    }
}

pub async fn movement(c: MovementCommand, store: &Store) -> Result<()> {
    let MovementCommand::Sectors(a) = c;
    let by = GroupBy::parse(&a.by)?;
    let rows = vigil_app::movement::movement_figures(store, false, by).await?;
    let mut out = std::io::stdout().lock();
    let head = [
        &*a.by,
        "requests",
        "pending",
        "granted",
        "granted_cond",
        "delayed",
        "denied",
        "no_answer",
        "denied_or_delayed",
        "median_delay_min",
        "p90_delay_min",
        "casevac",
        "casevac_denied",
    ];
    if a.csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(head)?;
        for r in &rows {
            w.write_record([
                r.key.clone(),
                r.requests.to_string(),
                r.pending.to_string(),
                r.granted.to_string(),
                r.granted_with_conditions.to_string(),
                r.delayed.to_string(),
                r.denied.to_string(),
                r.no_answer.to_string(),
                r.share_denied_or_delayed.map(|x| format!("{x:.4}")).unwrap_or_default(),
                r.median_delay_minutes.map(|x| x.to_string()).unwrap_or_default(),
                r.p90_delay_minutes.map(|x| x.to_string()).unwrap_or_default(),
                r.casevac_requests.to_string(),
                r.casevac_denied.to_string(),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<16} {:>8} {:>7} {:>7} {:>12} {:>7} {:>6} {:>9} {:>17} {:>16} {:>13} {:>7} {:>14}",
        head[0],
        head[1],
        head[2],
        head[3],
        head[4],
        head[5],
        head[6],
        head[7],
        head[8],
        head[9],
        head[10],
        head[11],
        head[12]
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:<16} {:>8} {:>7} {:>7} {:>12} {:>7} {:>6} {:>9} {:>17} {:>16} {:>13} {:>7} {:>14}",
            r.key,
            r.requests,
            r.pending,
            r.granted,
            r.granted_with_conditions,
            r.delayed,
            r.denied,
            r.no_answer,
            opt(r.share_denied_or_delayed, true),
            opt(r.median_delay_minutes, false),
            opt(r.p90_delay_minutes, false),
            r.casevac_requests,
            r.casevac_denied
        )?;
    }
    if rows.len() <= 1 {
        writeln!(out, "(no movement requests recorded)")?;
    }
    let synthetic = vigil_app::movement::movements(store, false).await?.iter().filter(|m| m.m.synthetic).count();
    if synthetic > 0 {
        writeln!(out, "SYNTHETIC: {synthetic} of these requests are generated demo records, not the mission's.")?;
    }
    Ok(())
}

pub async fn attacks(a: AttacksArgs, store: &Store) -> Result<()> {
    let f = vigil_app::movement::attack_figures(store, false, a.since).await?;
    let mut out = std::io::stdout().lock();
    let groups = [("kind", &f.by_kind), ("year", &f.by_year), ("sector", &f.by_sector)];
    if a.csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "group",
            "key",
            "attacks",
            "peacekeepers_killed",
            "peacekeepers_injured",
            "civilians_killed",
            "civilians_injured",
        ])?;
        let total = vigil_movement::attacks::Keyed { key: "all".into(), tally: f.total.clone() };
        for (g, rows) in groups.iter().map(|(g, r)| (*g, r.iter().collect::<Vec<_>>())).chain([("total", vec![&total])])
        {
            for k in rows {
                let t = &k.tally;
                w.write_record([
                    g.to_string(),
                    k.key.clone(),
                    t.attacks.to_string(),
                    t.peacekeepers_killed.to_string(),
                    t.peacekeepers_injured.to_string(),
                    t.civilians_killed.to_string(),
                    t.civilians_injured.to_string(),
                ])?;
            }
        }
        w.flush()?;
        return Ok(());
    }
    for s in &f.sentences {
        writeln!(out, "{s}.")?;
    }
    let synthetic = vigil_app::movement::attacks(store, false).await?.iter().filter(|a| a.a.synthetic).count();
    if synthetic > 0 {
        writeln!(out, "SYNTHETIC: {synthetic} of these attacks are generated demo records, not the mission's.")?;
    }
    for (g, rows) in groups {
        writeln!(out)?;
        writeln!(
            out,
            "{:<16} {:>8} {:>10} {:>11} {:>10} {:>11}",
            format!("by {g}"),
            "attacks",
            "pk_killed",
            "pk_injured",
            "civ_killed",
            "civ_injured"
        )?;
        for k in rows.iter() {
            let t = &k.tally;
            writeln!(
                out,
                "{:<16} {:>8} {:>10} {:>11} {:>10} {:>11}",
                k.key,
                t.attacks,
                t.peacekeepers_killed,
                t.peacekeepers_injured,
                t.civilians_killed,
                t.civilians_injured
            )?;
        }
    }
    Ok(())
}
