//! The staff list of accounts (a first piece of the admin dashboard). The server checks
//! the role; this page only shows what it is given.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::AccountFrame;
use super::overview::load_failed;
use crate::components::form::{FormAlert, LangField, returned_error};
use crate::i18n::use_locale;
use crate::server::account::{AccountList, SetAccountRole, SetStaffTwoFactor, list_accounts};
use crate::tr;

#[component]
pub fn AccountsAdminPage() -> impl IntoView {
    let rows = OnceResource::new(list_accounts(use_locale().slug().to_string()));
    let error = returned_error::<SetAccountRole>();
    view! {
        <AccountFrame title=tr!("account.customers")>
            <FormAlert error fields=&[] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: AccountList = match rows.await {
                        Ok(list) => list,
                        Err(error) => return load_failed(error),
                    };
                    let rows = list.rows;
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
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| {
                                        let verified = if row.email_verified { tr!("account.yes") } else { tr!("account.no") };
                                        view! {
                                            <tr class="border-t border-stone-200">
                                                <td>{row.email}</td>
                                                <td>{row.name}</td>
                                                <td>{verified}</td>
                                                <td>
                                                    <form method="post" action=SetAccountRole::url() class="flex gap-1">
                                                        <LangField />
                                                        <input type="hidden" name="id" value=row.id />
                                                        <select name="role" class="rounded border border-stone-300 bg-white px-1">
                                                            {["customer", "staff", "admin"]
                                                                .into_iter()
                                                                .map(|r| view! { <option value=r selected=r == row.role>{r}</option> })
                                                                .collect_view()}
                                                        </select>
                                                        <button type="submit" class="underline">{tr!("account.save")}</button>
                                                    </form>
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
