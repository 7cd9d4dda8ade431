//! The signed-in account's overview, profile and address book.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AccountFrame, AccountNav, loaded, query};
use crate::components::form::{
    Field, FormAlert, LangField, Notice, Submit, error_text, returned_error,
};
use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::server::account::{
    AccountView, AddAddress, AddressBook, ChangeEmail, DefaultAddress, DeleteAddress, SignOut,
    UpdateProfile, get_account, get_addresses,
};
use crate::tr;

/// What an account page shows when its data could not be loaded (the server has
/// already sent the signed-out to the sign-in page).
pub fn load_failed(error: AppError) -> AnyView {
    let locale = use_locale();
    view! {
        <p role="alert" data-testid="form-error">
            {error_text(&error)} " "
            <a href=locale.path("/account/sign-in") class="underline">{tr!("account.sign_in")}</a>
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
                            <a href=locale.path("/admin/accounts") class="underline" data-testid="staff-link">
                                {tr!("account.staff")} ": " {tr!("account.customers")}
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

#[component]
pub fn AddressesPage() -> impl IntoView {
    let book = OnceResource::new(get_addresses(use_locale().slug().to_string()));
    let error = returned_error::<AddAddress>();
    let saved = query("saved").is_some();
    view! {
        <AccountFrame title=tr!("address.title")>
            <AccountNav />
            {saved.then(|| view! { <Notice text=tr!("account.saved") /> })}
            {loaded(book, move |book| view! { <AddressBookView book error=error.clone() /> }.into_any())}
        </AccountFrame>
    }
}

#[component]
fn AddressBookView(book: AddressBook, error: Option<AppError>) -> impl IntoView {
    let select = "rounded-md border border-stone-300 bg-white px-3 py-2";
    let empty = book.addresses.is_empty();
    view! {
        {empty.then(|| view! { <p class="text-stone-500">{tr!("address.none")}</p> })}
        <ul class="grid gap-4 sm:grid-cols-2" data-testid="addresses">
            {book.addresses.into_iter().map(|a| view! { <AddressCard address=a /> }).collect_view()}
        </ul>
        <h2 class="text-lg font-semibold">{tr!("address.add")}</h2>
        <form method="post" action=AddAddress::url() class="flex flex-col gap-4" data-testid="address-form">
            <LangField />
            <FormAlert error=error.clone() fields=&["kind", "name", "line1", "line2", "city", "region", "postal_code", "country", "phone"] />
            <label class="flex flex-col gap-1 text-sm font-medium">
                {tr!("address.kind")}
                <select name="kind" class=select>
                    <option value="shipping">{tr!("address.shipping")}</option>
                    <option value="billing">{tr!("address.billing")}</option>
                </select>
            </label>
            <Field name="name" label=tr!("address.name") autocomplete="name" required=true maxlength=200 error=error.clone() />
            <Field name="line1" label=tr!("address.line1") autocomplete="address-line1" required=true maxlength=200 error=error.clone() />
            <Field name="line2" label=tr!("address.line2") autocomplete="address-line2" maxlength=200 error=error.clone() />
            <Field name="city" label=tr!("address.city") autocomplete="address-level2" required=true maxlength=100 error=error.clone() />
            <Field name="region" label=tr!("address.region") autocomplete="address-level1" maxlength=100 error=error.clone() />
            <Field name="postal_code" label=tr!("address.postal_code") autocomplete="postal-code" maxlength=20 error=error.clone() />
            <label class="flex flex-col gap-1 text-sm font-medium">
                {tr!("address.country")}
                <select name="country" class=select autocomplete="country">
                    {book
                        .countries
                        .into_iter()
                        .map(|(code, name)| view! { <option value=code>{name}</option> })
                        .collect_view()}
                </select>
                <span class="text-sm text-red-700" data-testid="error-country">
                    {error.as_ref().and_then(|e| e.for_field("country")).map(|m| crate::components::form::message_text(&m))}
                </span>
            </label>
            <Field name="phone" label=tr!("address.phone") kind="tel" autocomplete="tel" maxlength=40 error=error.clone() />
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="make_default" value="on" />
                {tr!("address.use_as_default")}
            </label>
            <Submit label=tr!("address.save") />
        </form>
    }
}

#[component]
fn AddressCard(address: crate::server::account::AddressView) -> impl IntoView {
    let kind = if address.kind == "billing" {
        tr!("address.billing")
    } else {
        tr!("address.shipping")
    };
    let id = address.id.clone();
    view! {
        <li class="rounded-md border border-stone-200 bg-white p-4 text-sm" data-testid="address">
            <p class="font-semibold">
                {kind}
                {address.is_default.then(|| view! { " · " <span data-testid="default">{tr!("address.default")}</span> })}
            </p>
            {address.lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            <div class="mt-2 flex gap-2">
                {(!address.is_default).then(|| {
                    let id = id.clone();
                    view! {
                        <form method="post" action=DefaultAddress::url()>
                            <LangField />
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="underline">{tr!("address.make_default")}</button>
                        </form>
                    }
                })}
                <form method="post" action=DeleteAddress::url()>
                    <LangField />
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="text-red-700 underline">{tr!("address.delete")}</button>
                </form>
            </div>
        </li>
    }
}
