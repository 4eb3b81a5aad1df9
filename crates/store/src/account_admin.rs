//! Looking after accounts as staff rotate: disable and enable, change a role, reset
//! a password, revoke every session and token ("log out everywhere"), grant or
//! revoke restricted access. Each change is one audit entry, written in the same
//! transaction as the change, with the state before and after (never a password).
//!
//! Disabling, resetting a password and revoking end the account's sessions and
//! tokens in that transaction, so they stop working at once.

use crate::accounts::{hash_password, hashing, user_from_row, Role, User, UserRow, USER_COLUMNS};
use crate::audit::audit_append;
use crate::{on_pool, Result, Store};

/// One change to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Role(Role),
    /// The new password (hashed before it reaches the database or the log).
    Password(String),
    /// End every session and token of the account.
    Revoke,
    GrantRestricted,
    RevokeRestricted,
}

impl AccountChange {
    /// The audit action.
    pub fn action(&self) -> &'static str {
        match self {
            AccountChange::Disable => "disable",
            AccountChange::Enable => "enable",
            AccountChange::Role(_) => "change_role",
            AccountChange::Password(_) => "reset_password",
            AccountChange::Revoke => "revoke_sessions",
            AccountChange::GrantRestricted => "grant_restricted",
            AccountChange::RevokeRestricted => "revoke_restricted",
        }
    }

    /// Whether the account's sessions and tokens end with this change.
    fn ends_sessions(&self) -> bool {
        matches!(self, AccountChange::Disable | AccountChange::Password(_) | AccountChange::Revoke)
    }
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChanged {
    pub user: User,
    /// Sessions and tokens ended.
    pub sessions_ended: u64,
}

fn state(u: &User) -> serde_json::Value {
    serde_json::json!({"role": u.role, "disabled": u.disabled, "restricted_access": u.restricted_access})
}

impl Store {
    /// Apply `change` to the account `name` on behalf of `actor`; `None` when there
    /// is no such account.
    pub async fn change_account(&self, actor: &str, name: &str, change: AccountChange) -> Result<Option<AccountChanged>> {
        let phc = match &change {
            AccountChange::Password(p) => {
                let p = p.clone();
                Some(hashing(move || hash_password(&p)).await??)
            }
            _ => None,
        };
        let begin = self.begin_write_sql();
        let select = format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1");
        let now = crate::audit::now();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let row: Option<UserRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(select.as_str())).bind(name).fetch_optional(&mut *tx).await?;
            let Some(before) = row.map(user_from_row).transpose()? else {
                return Ok(None);
            };
            let id = before.id;
            let mut after = before.clone();
            match &change {
                AccountChange::Disable => {
                    sqlx::query("UPDATE users SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2")
                        .bind(&now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    after.disabled = true;
                }
                AccountChange::Enable => {
                    sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    after.disabled = false;
                }
                AccountChange::Role(r) => {
                    sqlx::query("UPDATE users SET role = $1 WHERE id = $2").bind(r.as_str()).bind(id).execute(&mut *tx).await?;
                    after.role = *r;
                }
                AccountChange::Password(_) => {
                    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(phc.as_deref())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM odk_credentials WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                    if let AccountChange::Password(p) = &change {
                        if let Some(ha1) = crate::odk::ha1_for(before.role, &before.name, p) {
                            crate::odk::put_ha1!(tx, id, ha1);
                        }
                    }
                }
                AccountChange::Revoke => {}
                AccountChange::GrantRestricted | AccountChange::RevokeRestricted => {
                    let grant = change == AccountChange::GrantRestricted;
                    sqlx::query("UPDATE users SET restricted_access = $1 WHERE id = $2")
                        .bind(grant)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    after.restricted_access = grant;
                }
            }
            let sessions_ended = if change.ends_sessions() {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?.rows_affected()
            } else {
                0
            };
            let mut after_json = state(&after);
            if change.ends_sessions() {
                after_json["sessions_ended"] = sessions_ended.into();
            }
            if matches!(change, AccountChange::Password(_)) {
                after_json["password"] = "reset".into();
            }
            audit_append!(self, tx, actor, change.action(), &format!("user/{id}"), Some(&state(&before)), Some(&after_json));
            tx.commit().await?;
            Some(AccountChanged { user: after, sessions_ended })
        }))
    }
}
