//! `user add|list|token|disable|enable|role|password|revoke|grant-restricted|revoke-restricted`:
//! accounts, from the server's own console. Every change is an audit entry by `cli`.

use crate::audit_cmd::{with_key_for_writing, AuditPaths};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use vigil_store::account_admin::AccountChange;
use vigil_store::accounts::Role;
use vigil_store::Store;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Without --password a random one is generated and printed once.
    Add(UserAddArgs),
    /// List users, their roles, and whether disabled or granted restricted access.
    List,
    /// Issue a bearer token for a user without their password, for a GIS client (the
    /// OGC API at /ogc) or a script; prints the token alone on stdout.
    Token(UserTokenArgs),
    /// Disable an account: it cannot log in, and its sessions and tokens stop working at once.
    Disable(UserName),
    /// Enable a disabled account.
    Enable(UserName),
    /// Change an account's role.
    Role(UserRoleArgs),
    /// Set a new password (generated and printed once without --password); ends the
    /// account's sessions and tokens.
    Password(UserPasswordArgs),
    /// End every session and token of an account ("log out everywhere").
    Revoke(UserName),
    /// Grant an account restricted detail (victims, witnesses, contacts) beyond what
    /// its role carries; audited.
    GrantRestricted(UserName),
    /// Withdraw a grant of restricted detail.
    RevokeRestricted(UserName),
}

#[derive(Args, Debug)]
pub struct UserName {
    /// The user (`vigil user list` shows them).
    pub name: String,
}

#[derive(Args, Debug)]
pub struct UserTokenArgs {
    /// The user (`vigil user list` shows them).
    pub name: String,
    /// Days the token stays valid.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub days: i64,
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    pub name: String,
    #[arg(long, value_parser = crate::vocab_arg::coded(&Role::ALL, Role::as_str))]
    pub role: Role,
    /// The password (visible in the shell history; prefer VIGIL_PASSWORD or the generated one).
    #[arg(long, env = "VIGIL_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Args, Debug)]
pub struct UserRoleArgs {
    /// The user (`vigil user list` shows them).
    pub name: String,
    /// The new role.
    #[arg(value_parser = crate::vocab_arg::coded(&Role::ALL, Role::as_str))]
    pub role: Role,
}

#[derive(Args, Debug)]
pub struct UserPasswordArgs {
    /// The user (`vigil user list` shows them).
    pub name: String,
    /// The new password (visible in the shell history; prefer VIGIL_PASSWORD or the generated one).
    #[arg(long, env = "VIGIL_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// The given password if long enough, else a generated one: (password, generated).
fn password_or_generated(given: Option<String>) -> Result<(String, bool)> {
    match given {
        Some(p) if p.chars().count() >= 10 => Ok((p, false)),
        Some(_) => bail!("--password: use at least 10 characters"),
        None => Ok((vigil_store::accounts::random_token()[..20].to_string(), true)),
    }
}

async fn change(store: &Store, name: &str, change: AccountChange) -> Result<vigil_store::account_admin::AccountChanged> {
    match store.change_account("cli", name, change).await? {
        Some(c) => Ok(c),
        None => bail!("no user {name} (vigil user list shows them)"),
    }
}

pub async fn user(c: UserCommand, store: Store) -> Result<()> {
    if matches!(c, UserCommand::List) {
        for u in store.users().await? {
            let mut flags = vec![];
            if u.disabled {
                flags.push("disabled");
            }
            if u.restricted_access {
                flags.push("restricted access granted");
            }
            println!("{}\t{}\t{}", u.name, u.role, flags.join(", "));
        }
        return Ok(());
    }
    let store = with_key_for_writing(store, &AuditPaths::from_working_folder()?).await?;
    match c {
        UserCommand::List => unreachable!("listed above"),
        UserCommand::Add(a) => {
            if store.user_exists(&a.name).await? {
                bail!("user {} exists already", a.name);
            }
            let (password, generated) = password_or_generated(a.password)?;
            let u = store.add_user("cli", &a.name, a.role, &password).await?;
            println!("created user {} with role {}", u.name, u.role);
            if generated {
                println!("password: {password}   (shown once; pass it on safely)");
            }
        }
        UserCommand::Token(a) => {
            let Some((u, token, expires_at)) = store.issue_token("cli", &a.name, a.days * 24).await? else {
                bail!("no enabled user {} (vigil user list shows them)", a.name);
            };
            eprintln!("bearer token for {} ({}), valid until {expires_at}; keep it like a password", u.name, u.role);
            println!("{token}");
        }
        UserCommand::Disable(a) => {
            let c = change(&store, &a.name, AccountChange::Disable).await?;
            println!("disabled {}; {} session(s) and token(s) ended", c.user.name, c.sessions_ended);
        }
        UserCommand::Enable(a) => {
            let c = change(&store, &a.name, AccountChange::Enable).await?;
            println!("enabled {}", c.user.name);
        }
        UserCommand::Role(a) => {
            let c = change(&store, &a.name, AccountChange::Role(a.role)).await?;
            println!("{} now has role {}", c.user.name, c.user.role);
        }
        UserCommand::Password(a) => {
            let (password, generated) = password_or_generated(a.password)?;
            let c = change(&store, &a.name, AccountChange::Password(password.clone())).await?;
            println!("new password set for {}; {} session(s) and token(s) ended", c.user.name, c.sessions_ended);
            if generated {
                println!("password: {password}   (shown once; pass it on safely)");
            }
        }
        UserCommand::Revoke(a) => {
            let c = change(&store, &a.name, AccountChange::Revoke).await?;
            println!("logged {} out everywhere: {} session(s) and token(s) ended", c.user.name, c.sessions_ended);
        }
        UserCommand::GrantRestricted(a) => {
            let c = change(&store, &a.name, AccountChange::GrantRestricted).await?;
            println!("{} ({}) is granted restricted detail", c.user.name, c.user.role);
        }
        UserCommand::RevokeRestricted(a) => {
            let c = change(&store, &a.name, AccountChange::RevokeRestricted).await?;
            println!("{} ({}) no longer has a grant of restricted detail", c.user.name, c.user.role);
        }
    }
    Ok(())
}
