//! Staff server functions: the account list, roles, permissions, and the staff sign-in
//! rule. Each gets the proof of its permission from `ssr::allowed` (the domain's check)
//! and hands it to the domain.

// `set_staff_permissions` takes one field per permission: a plain form posts each
// ticked box under its own name.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::page::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
#[cfg(feature = "ssr")]
use domain::accounts::staff::{Permission, can};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    /// Permission codes a staff member was given.
    pub permissions: Vec<String>,
    pub email_verified: bool,
}

/// The staff list: the newest accounts, and the shop's sign-in rule for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub staff_two_factor: bool,
    /// Whether the one asking may change roles and rules.
    pub is_admin: bool,
    /// Whether the one asking may change staff members' permissions.
    pub can_set_permissions: bool,
    /// The one asking (whose own permissions are not theirs to change).
    pub me: String,
    /// Every permission's code, in the order the page shows them.
    pub all_permissions: Vec<String>,
}

/// The newest accounts, for staff allowed to see customers.
#[server]
pub async fn list_accounts(lang: String) -> Result<AccountList, AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Customers>().await?;
            let rows = domain::accounts::admin::list(&request.pool, &allowed, 100).await?;
            let rows = rows
                .into_iter()
                .map(|r| AccountRow {
                    id: r.id.to_string(),
                    email: r.email,
                    name: r.name,
                    role: r.role.as_str().into(),
                    permissions: r.permissions.iter().map(|p| p.code().into()).collect(),
                    email_verified: r.email_verified,
                })
                .collect();
            let staff = allowed.staff();
            Ok(AccountList {
                rows,
                staff_two_factor: domain::accounts::admin::staff_two_factor(&request.pool).await?,
                is_admin: staff.is_admin(),
                can_set_permissions: staff.has(Permission::Staff),
                me: staff.id().to_string(),
                all_permissions: Permission::ALL.iter().map(|p| p.code().into()).collect(),
            })
        }
        .await,
    )
}

/// Changes an account's role (admins only).
#[server]
pub async fn set_account_role(lang: String, id: String, role: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Admin>().await?;
            let id = request::uuid(&id, "account")?;
            let role =
                domain::accounts::Role::parse(&role).ok_or_else(|| AppError::Validation {
                    field: "role".into(),
                    message: "account.errors.forbidden".into(),
                })?;
            domain::accounts::admin::set_role(&request.pool, &allowed, id, role).await?;
            request.go(&Page::StaffAccounts);
            Ok(())
        }
        .await,
    )
}

/// Sets what a staff member may do: each permission is a checkbox posted under its own
/// name (`refunds=on`); one left out is not given.
#[server]
pub async fn set_staff_permissions(
    lang: String,
    id: String,
    catalog: Option<String>,
    inventory: Option<String>,
    orders: Option<String>,
    refunds: Option<String>,
    customers: Option<String>,
    settings: Option<String>,
    staff: Option<String>,
    audit: Option<String>,
) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Staff>().await?;
            let id = request::uuid(&id, "account")?;
            let ticked = [
                (Permission::Catalog, catalog),
                (Permission::Inventory, inventory),
                (Permission::Orders, orders),
                (Permission::Refunds, refunds),
                (Permission::Customers, customers),
                (Permission::Settings, settings),
                (Permission::Staff, staff),
                (Permission::Audit, audit),
            ];
            let permissions: Vec<Permission> = ticked
                .into_iter()
                .filter(|(_, value)| value.as_deref().is_some_and(|v| !v.is_empty()))
                .map(|(permission, _)| permission)
                .collect();
            domain::accounts::admin::set_permissions(&request.pool, &allowed, id, &permissions)
                .await?;
            request.go(&Page::StaffAccounts);
            Ok(())
        }
        .await,
    )
}

/// Requires two-factor sign-in for staff, or stops requiring it (admins only).
#[server]
pub async fn set_staff_two_factor(lang: String, required: Option<String>) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Admin>().await?;
            domain::accounts::admin::require_staff_two_factor(
                &request.pool,
                &allowed,
                required.is_some(),
            )
            .await?;
            request.go(&Page::StaffAccounts);
            Ok(())
        }
        .await,
    )
}
