//! The address book: the list, a form to add one, and a page to edit one.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::overview::load_failed;
use super::{AccountFrame, AccountNav, loaded, query};
use crate::components::address::{self, AddressInputs};
use crate::components::form::{
    FormAlert, LangField, Notice, Submit, Typed, returned_error, with_typed,
};
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::server::account::{
    AddressBook, AddressFields, AddressView, DefaultAddress, DeleteAddress, SaveAddress,
    get_addresses,
};
use crate::tr;

#[component]
pub fn AddressesPage() -> impl IntoView {
    let book = OnceResource::new(get_addresses(use_locale().slug().to_string()));
    let error = returned_error::<SaveAddress>();
    let saved = query("saved").is_some();
    view! {
        <AccountFrame title=tr!("address.title")>
            <AccountNav />
            {saved.then(|| view! { <Notice text=tr!("account.saved") /> })}
            {loaded(book, move |book: AddressBook| {
                let empty = book.addresses.is_empty();
                view! {
                    {empty.then(|| view! { <p class="text-stone-500">{tr!("address.none")}</p> })}
                    <ul class="grid gap-4 sm:grid-cols-2" data-testid="addresses">
                        {book.addresses.into_iter().map(|a| view! { <AddressCard address=a /> }).collect_view()}
                    </ul>
                    <h2 class="text-lg font-semibold">{tr!("address.add")}</h2>
                    {address_form(book.countries, None, error.clone())}
                }
                    .into_any()
            })}
        </AccountFrame>
    }
}

/// Editing one of the account's addresses; another customer's id is not found (the
/// list only ever holds the account's own).
#[component]
pub fn AddressEditPage(id: String) -> impl IntoView {
    let book = OnceResource::new(get_addresses(use_locale().slug().to_string()));
    let error = returned_error::<SaveAddress>();
    view! {
        <AccountFrame title=tr!("address.edit")>
            <AccountNav />
            {loaded(book, move |book: AddressBook| {
                match book.addresses.into_iter().find(|a| a.id == id) {
                    Some(address) => address_form(book.countries, Some(address), error.clone()),
                    None => load_failed(AppError::NotFound("address".into())),
                }
            })}
        </AccountFrame>
    }
}

/// The address form, filled in with the address being edited, or with what was typed
/// when the last save failed.
fn address_form(
    countries: Vec<(String, String)>,
    editing: Option<AddressView>,
    error: Option<AppError>,
) -> AnyView {
    with_typed::<SaveAddress, _>(move |typed: Typed| {
        view! { <AddressForm countries=countries.clone() editing=editing.clone() error=error.clone() typed /> }
            .into_any()
    })
}

#[component]
fn AddressForm(
    countries: Vec<(String, String)>,
    editing: Option<AddressView>,
    error: Option<AppError>,
    typed: Typed,
) -> impl IntoView {
    let select = "rounded-md border border-stone-300 bg-white px-3 py-2";
    let id = editing.as_ref().map(|a| a.id.clone()).unwrap_or_default();
    let kind = editing.as_ref().map(|a| a.kind.clone());
    let chosen_kind = typed.get("kind").unwrap_or_default();
    let values = match typed.get("name") {
        Some(_) => {
            let field = |name| typed.get(name).unwrap_or_default();
            AddressFields {
                name: field("name"),
                line1: field("line1"),
                line2: field("line2"),
                city: field("city"),
                region: field("region"),
                postal_code: field("postal_code"),
                country: field("country"),
                phone: field("phone"),
            }
        }
        None => editing.map(|a| a.fields).unwrap_or_default(),
    };
    view! {
        <form method="post" action=SaveAddress::url() class="flex flex-col gap-4" data-testid="address-form">
            <LangField />
            <input type="hidden" name="id" value=id />
            <FormAlert error=error.clone() fields=address::FIELDS />
            {match kind {
                // An address keeps its kind; the field only says which it is.
                Some(kind) => view! { <input type="hidden" name="kind" value=kind /> }.into_any(),
                None => view! {
                    <label class="flex flex-col gap-1 text-sm font-medium">
                        {tr!("address.kind")}
                        <select name="kind" class=select>
                            <option value="shipping">{tr!("address.shipping")}</option>
                            <option value="billing" selected=chosen_kind == "billing">{tr!("address.billing")}</option>
                        </select>
                    </label>
                }
                    .into_any(),
            }}
            <AddressInputs values countries error=error.clone() />
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="make_default" value="on" />
                {tr!("address.use_as_default")}
            </label>
            <Submit label=tr!("address.save") />
        </form>
    }
}

#[component]
fn AddressCard(address: AddressView) -> impl IntoView {
    let locale = use_locale();
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
            <div class="mt-2 flex gap-3">
                <a href=Page::Account(AccountPage::Address(id.to_string())).at(locale) class="underline">{tr!("address.edit")}</a>
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
