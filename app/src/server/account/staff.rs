//! Staff server functions: the account list, roles, and the staff sign-in rule. Each
//! checks the role on the server.

#[cfg(feature = "ssr")]
use crate::page::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub email_verified: bool,
}

/// The staff list: the newest accounts, and the shop's sign-in rule for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub staff_two_factor: bool,
    /// Whether the one asking may change roles and rules.
    pub is_admin: bool,
}

/// The newest accounts, for staff.
#[server]
pub async fn list_accounts(lang: String) -> Result<AccountList, AppError> {
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Staff).await?;
            let rows = domain::accounts::admin::list(&pool, &account, 100).await?;
            let rows = rows
                .into_iter()
                .map(|r| AccountRow {
                    id: r.id.to_string(),
                    email: r.email,
                    name: r.name,
                    role: r.role.as_str().into(),
                    email_verified: r.email_verified,
                })
                .collect();
            Ok(AccountList {
                rows,
                staff_two_factor: domain::accounts::admin::staff_two_factor(&pool).await?,
                is_admin: account.role == domain::accounts::Role::Admin,
            })
        }
        .await,
    )
}

/// Changes an account's role (admins only).
#[server]
pub async fn set_account_role(lang: String, id: String, role: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Admin).await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("account".into()))?;
            let role =
                domain::accounts::Role::parse(&role).ok_or_else(|| AppError::Validation {
                    field: "role".into(),
                    message: "account.errors.forbidden".into(),
                })?;
            domain::accounts::admin::set_role(&pool, &account, id, role).await?;
            ssr::go(locale, &Page::StaffAccounts.path());
            Ok(())
        }
        .await,
    )
}

/// Requires two-factor sign-in for staff, or stops requiring it (admins only).
#[server]
pub async fn set_staff_two_factor(lang: String, required: Option<String>) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Admin).await?;
            domain::accounts::admin::require_staff_two_factor(&pool, &account, required.is_some())
                .await?;
            ssr::go(locale, &Page::StaffAccounts.path());
            Ok(())
        }
        .await,
    )
}
