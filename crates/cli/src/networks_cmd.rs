//! `vigil networks silent --days N`: the places early-warning networks cover from
//! which no report (any channel) has come for N days, never heard from first; and
//! `vigil sms gateway NAME`: register an SMS gateway and print its new shared secret.

use anyhow::Result;
use clap::{Args, Subcommand};
use std::io::Write;
use vigil_store::Store;

#[derive(Subcommand, Debug)]
pub enum NetworksCommand {
    /// Covered places with no report for N days: place, networks, last report, days
    /// silent ("never" for a place never heard from).
    Silent(SilentArgs),
}

#[derive(Args, Debug)]
pub struct SilentArgs {
    /// Silent for at least this many days.
    #[arg(long, default_value_t = 14)]
    pub days: i64,
    /// CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Subcommand, Debug)]
pub enum SmsCommand {
    /// Register an SMS gateway (or give it a new secret) and print its shared secret,
    /// which the gateway sends with every message (X-Gateway-Secret header, ?secret=,
    /// or SMSSync's secret field). Only its SHA-256 is stored.
    Gateway(GatewayArgs),
}

#[derive(Args, Debug)]
pub struct GatewayArgs {
    /// The gateway's name, e.g. rapidpro or smssync-gao.
    pub name: String,
}

pub async fn networks(c: NetworksCommand, store: &Store) -> Result<()> {
    let NetworksCommand::Silent(a) = c;
    if a.days < 1 {
        anyhow::bail!("--days must be 1 or more");
    }
    let rows = vigil_app::fieldnet::silent_places_at(store, chrono::Utc::now(), a.days).await?;
    let mut out = std::io::stdout().lock();
    if a.csv {
        writeln!(out, "place_id,place,networks,last_report,days_silent")?;
        for r in &rows {
            let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            writeln!(
                out,
                "{},{},{},{},{}",
                r.place_id,
                q(&r.name),
                q(&r.networks.join("; ")),
                r.last_report.map(|t| t.to_rfc3339()).unwrap_or_default(),
                r.days_silent.map(|d| d.to_string()).unwrap_or_default()
            )?;
        }
        return Ok(());
    }
    writeln!(out, "{:<24} {:<36} {:<20} {:>11}", "place", "networks", "last report", "days silent")?;
    for r in &rows {
        writeln!(
            out,
            "{:<24} {:<36} {:<20} {:>11}",
            r.name,
            r.networks.join("; "),
            r.last_report.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into()),
            r.days_silent.map(|d| d.to_string()).unwrap_or_else(|| "never".into())
        )?;
    }
    writeln!(out, "{} place(s) silent for {} days or more", rows.len(), a.days)?;
    Ok(())
}

pub async fn sms(c: SmsCommand, store: &Store) -> Result<()> {
    let SmsCommand::Gateway(a) = c;
    let secret = vigil_store::accounts::random_token();
    store.set_sms_gateway("cli", &a.name, &secret).await?;
    println!("{secret}");
    Ok(())
}
