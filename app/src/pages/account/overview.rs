//! The signed-in account's overview, profile and address book.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AccountFrame, AccountNav, query};
use crate::components::form::{
    Field, FormAlert, LangField, Notice, Submit, error_text, returned_error,
};
use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::server::account::{AccountView, ChangeEmail, SignOut, UpdateProfile, get_account};
use crate::tr;

/// What an account page shows when its data could not be loaded (the server has
/// already sent the signed-out to the sign-in page).
pub fn load_failed(error: AppError) -> AnyView {
    let locale = use_locale();
    // The signed-out were redirected (a 302 that must stay); others get the error's status.
    #[cfg(feature = "ssr")]
    if error != AppError::Unauthorized {
        crate::pages::not_found::set_status(error.status());
    }
    view! {
        <p role="alert" data-testid="form-error">
            {error_text(&error)} " "
            <a href=Page::Account(AccountPage::SignIn).at(locale) class="underline">{tr!("account.sign_in")}</a>
        </p>
    }
    .into_any()
}

pub fn use_account() -> OnceResource<Result<AccountView, AppError>> {
    OnceResource::new(get_account(use_locale().slug().to_string()))
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let locale = use_locale();
    let account = use_account();
    view! {
        <AccountFrame title=tr!("account.my_account")>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let account = match account.await {
                        Ok(account) => account,
                        Err(error) => return load_failed(error),
                    };
                    let greeting = if account.name.is_empty() {
                        tr!("account.welcome_anonymous")
                    } else {
                        tr!("account.welcome", name = account.name.clone())
                    };
                    let staff = account.role != "customer";
                    view! {
                        <AccountNav />
                        <p class="text-lg" data-testid="greeting">{greeting}</p>
                        <p class="text-stone-600" data-testid="account-email">{account.email.clone()}</p>
                        {(!account.email_verified).then(|| view! { <p class="text-amber-800">{tr!("account.email_unverified")}</p> })}
                        {staff.then(|| view! {
                            <a href=Page::Admin(crate::page::AdminPage::Home).at(locale) class="underline" data-testid="admin-link">
                                {tr!("account.back_office")}
                            </a>
                            <a href=Page::StaffAccounts.at(locale) class="underline" data-testid="staff-link">
                                {tr!("account.staff")} ": " {tr!("account.customers")}
                            </a>
                            <a href=Page::StaffOrders.at(locale) class="underline" data-testid="staff-orders-link">
                                {tr!("account.staff")} ": " {tr!("staff.orders")}
                            </a>
                        })}
                        <form method="post" action=SignOut::url()>
                            <LangField />
                            <button type="submit" class="rounded-md border border-stone-300 px-4 py-2" data-testid="sign-out">
                                {tr!("account.sign_out")}
                            </button>
                        </form>
                    }
                        .into_any()
                })}
            </Suspense>
        </AccountFrame>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let account = use_account();
    let profile_error = returned_error::<UpdateProfile>();
    let email_error = returned_error::<ChangeEmail>();
    let notice = if query("saved").is_some() {
        Some(tr!("account.saved"))
    } else if query("email_sent").is_some() {
        Some(tr!("account.email_change_sent"))
    } else {
        None
    };
    view! {
        <AccountFrame title=tr!("account.profile")>
            <AccountNav />
            {notice.map(|text| view! { <Notice text /> })}
            <Suspense fallback=|| ()>
                {move || {
                    let profile_error = profile_error.clone();
                    let email_error = email_error.clone();
                    Suspend::new(async move {
                        let account = match account.await {
                            Ok(account) => account,
                            Err(error) => return load_failed(error),
                        };
                        view! {
                            <ProfileForm account=account.clone() error=profile_error />
                            <h2 class="text-lg font-semibold">{tr!("account.change_email")}</h2>
                            <form method="post" action=ChangeEmail::url() class="flex flex-col gap-4" data-testid="email-form">
                                <LangField />
                                <FormAlert error=email_error.clone() fields=&["email", "current_password"] />
                                <Field name="email" label=tr!("account.new_email") kind="email" autocomplete="email" required=true error=email_error.clone() />
                                <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=email_error.clone().map(|e| e.renamed("current_password", "password")) />
                                <Submit label=tr!("account.change_email") />
                            </form>
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        </AccountFrame>
    }
}

#[component]
fn ProfileForm(account: AccountView, error: Option<AppError>) -> impl IntoView {
    let select = "rounded-md border border-stone-300 bg-white px-3 py-2";
    view! {
        <form method="post" action=UpdateProfile::url() class="flex flex-col gap-4" data-testid="profile-form">
            <LangField />
            <FormAlert error=error.clone() fields=&["name", "currency"] />
            <Field name="name" label=tr!("account.name") autocomplete="name" maxlength=200 value=account.name.clone() error=error.clone() />
            <label class="flex flex-col gap-1 text-sm font-medium">
                {tr!("account.language")}
                <select name="locale" class=select>
                    {Locale::ALL
                        .into_iter()
                        .map(|l| view! { <option value=l.tag() selected=l.tag() == account.locale>{l.native_name()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                {tr!("account.currency")}
                <select name="currency" class=select>
                    <option value="" selected=account.currency.is_none()>{tr!("account.currency_auto")}</option>
                    {account
                        .currencies
                        .iter()
                        .map(|c| view! { <option value=c.clone() selected=account.currency.as_ref() == Some(c)>{c.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <Submit label=tr!("account.save") />
        </form>
    }
}
