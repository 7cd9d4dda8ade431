//! The staff list of accounts (a first piece of the admin dashboard): roles, and each
//! staff member's permissions as checkboxes in a plain form. The domain checks who may
//! change what; this page only shows what it is given.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::AccountFrame;
use super::overview::load_failed;
use crate::components::form::{FormAlert, LangField, returned_error};
use crate::i18n::use_locale;
use crate::server::account::{
    AccountList, AccountRow, SetAccountRole, SetStaffPermissions, SetStaffTwoFactor, list_accounts,
};
use crate::tr;

#[component]
pub fn AccountsAdminPage() -> impl IntoView {
    let rows = OnceResource::new(list_accounts(use_locale().slug().to_string()));
    let error = returned_error::<SetAccountRole>();
    let permissions_error = returned_error::<SetStaffPermissions>();
    view! {
        <AccountFrame title=tr!("account.customers")>
            <FormAlert error fields=&[] />
            <FormAlert error=permissions_error fields=&[] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: AccountList = match rows.await {
                        Ok(list) => list,
                        Err(error) => return load_failed(error),
                    };
                    let rows = list.rows;
                    let (is_admin, can_set, me, all) = (
                        list.is_admin,
                        list.can_set_permissions,
                        list.me.clone(),
                        list.all_permissions.clone(),
                    );
                    view! {
                        {list.is_admin.then(|| view! {
                            <form method="post" action=SetStaffTwoFactor::url() class="flex items-center gap-2 text-sm" data-testid="staff-two-factor">
                                <LangField />
                                <label class="flex items-center gap-2">
                                    <input type="checkbox" name="required" value="on" checked=list.staff_two_factor />
                                    {tr!("account.staff_two_factor")}
                                </label>
                                <button type="submit" class="underline">{tr!("account.save")}</button>
                            </form>
                        })}
                        <table class="w-full text-left text-sm" data-testid="accounts">
                            <thead>
                                <tr>
                                    <th>{tr!("account.email")}</th>
                                    <th>{tr!("account.name")}</th>
                                    <th>{tr!("account.verified_col")}</th>
                                    <th>{tr!("account.role")}</th>
                                    <th>{tr!("account.permissions")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| {
                                        let verified = if row.email_verified { tr!("account.yes") } else { tr!("account.no") };
                                        let editable = can_set && row.id != me;
                                        let permissions = view! { <Permissions editable all=all.clone() row=row.clone() /> };
                                        view! {
                                            <tr class="border-t border-stone-200">
                                                <td>{row.email}</td>
                                                <td>{row.name}</td>
                                                <td>{verified}</td>
                                                <td>
                                                    {if is_admin {
                                                        view! {
                                                            <form method="post" action=SetAccountRole::url() class="flex gap-1">
                                                                <LangField />
                                                                <input type="hidden" name="id" value=row.id.clone() />
                                                                <select name="role" class="rounded border border-stone-300 bg-white px-1">
                                                                    {["customer", "staff", "admin"]
                                                                        .into_iter()
                                                                        .map(|r| view! { <option value=r selected=r == row.role>{r}</option> })
                                                                        .collect_view()}
                                                                </select>
                                                                <button type="submit" class="underline">{tr!("account.save")}</button>
                                                            </form>
                                                        }
                                                            .into_any()
                                                    } else {
                                                        row.role.clone().into_any()
                                                    }}
                                                </td>
                                                <td>
                                                    {permissions}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                })}
            </Suspense>
        </AccountFrame>
    }
}

/// A row's permissions: "everything" for an admin, ticked boxes for a staff member (a
/// form when the one asking may change them), nothing for a customer.
#[component]
fn Permissions(editable: bool, all: Vec<String>, row: AccountRow) -> impl IntoView {
    let name = |code: &str| crate::i18n::translate(&format!("account.permission_names.{code}"));
    match row.role.as_str() {
        "admin" => tr!("account.all_permissions").into_any(),
        "staff" if editable => view! {
            <form method="post" action=SetStaffPermissions::url() class="flex flex-wrap items-center gap-2" data-testid="staff-permissions">
                <LangField />
                <input type="hidden" name="id" value=row.id.clone() />
                {all
                    .iter()
                    .map(|code| {
                        let checked = row.permissions.contains(code);
                        view! {
                            <label class="flex items-center gap-1">
                                <input type="checkbox" name=code.clone() value="on" checked=checked />
                                {name(code)}
                            </label>
                        }
                    })
                    .collect_view()}
                <button type="submit" class="underline">{tr!("account.save")}</button>
            </form>
        }
            .into_any(),
        "staff" => row
            .permissions
            .iter()
            .map(|code| name(code))
            .collect::<Vec<_>>()
            .join(", ")
            .into_any(),
        _ => ().into_any(),
    }
}
