//! The address book's server functions. Every one takes the owner from the session.

// `save_address` has one argument per form field, because a plain form posts its fields
// flat; the server-function macro copies them into functions this attribute must reach.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::page::{AccountPage, Page};
#[cfg(feature = "ssr")]
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressView {
    pub id: String,
    pub kind: String,
    pub is_default: bool,
    /// As printed on a label.
    pub lines: Vec<String>,
    /// As stored, for the edit form.
    pub fields: AddressFields,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressFields {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

/// The address book and the countries an address can be in (code, name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressBook {
    pub addresses: Vec<AddressView>,
    pub countries: Vec<(String, String)>,
}

#[server]
pub async fn get_addresses(lang: String) -> Result<AddressBook, AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let list = domain::addresses::list(&request.pool, account.id).await?;
            let addresses = list
                .into_iter()
                .map(|a| AddressView {
                    id: a.id.to_string(),
                    kind: format!("{:?}", a.kind).to_lowercase(),
                    is_default: a.is_default,
                    lines: a.postal().lines(),
                    fields: AddressFields {
                        name: a.name,
                        line1: a.line1,
                        line2: a.line2,
                        city: a.city,
                        region: a.region,
                        postal_code: a.postal_code,
                        country: a.country,
                        phone: a.phone,
                    },
                })
                .collect();
            let countries = domain::addresses::rules::COUNTRIES
                .iter()
                .map(|c| (c.code.to_string(), c.name.to_string()))
                .collect();
            Ok(AddressBook {
                addresses,
                countries,
            })
        }
        .await,
    )
}

/// Adds an address (`id` empty) or changes one of the account's own (its kind stays).
#[server]
pub async fn save_address(
    lang: String,
    id: String,
    kind: String,
    name: String,
    line1: String,
    line2: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    phone: String,
    make_default: Option<String>,
) -> Result<(), AppError> {
    let typed = [
        ("kind", kind.as_str()),
        ("name", name.as_str()),
        ("line1", line1.as_str()),
        ("line2", line2.as_str()),
        ("city", city.as_str()),
        ("region", region.as_str()),
        ("postal_code", postal_code.as_str()),
        ("country", country.as_str()),
        ("phone", phone.as_str()),
    ];
    request::answer_keeping(
        &typed,
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let input = domain::addresses::AddressInput {
                kind: kind.clone(),
                name: name.clone(),
                line1: line1.clone(),
                line2: line2.clone(),
                city: city.clone(),
                region: region.clone(),
                postal_code: postal_code.clone(),
                country: country.clone(),
                phone: phone.clone(),
                make_default: make_default.is_some(),
            };
            if id.is_empty() {
                domain::addresses::add(&request.pool, account.id, &input).await?;
            } else {
                let id = id
                    .parse()
                    .map_err(|_| AppError::NotFound("address".into()))?;
                domain::addresses::update(&request.pool, account.id, id, &input).await?;
            }
            request.go_with(&Page::Account(AccountPage::Addresses), "saved=1");
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn delete_address(lang: String, id: String) -> Result<(), AppError> {
    request::answer(change_own_address(&lang, &id, Change::Delete).await)
}

#[server]
pub async fn default_address(lang: String, id: String) -> Result<(), AppError> {
    request::answer(change_own_address(&lang, &id, Change::MakeDefault).await)
}

#[cfg(feature = "ssr")]
enum Change {
    Delete,
    MakeDefault,
}

/// Deletes or promotes one of the signed-in account's addresses; any other id
/// (another customer's, or no address at all) is not found.
#[cfg(feature = "ssr")]
async fn change_own_address(lang: &str, id: &str, change: Change) -> Result<(), AppError> {
    let request = Request::of(lang).await?;
    let account = request.signed_in().await?;
    let id = id
        .parse()
        .map_err(|_| AppError::NotFound("address".into()))?;
    match change {
        Change::Delete => domain::addresses::delete(&request.pool, account.id, id).await?,
        Change::MakeDefault => {
            domain::addresses::make_default(&request.pool, account.id, id).await?
        }
    }
    request.go(&Page::Account(AccountPage::Addresses));
    Ok(())
}
