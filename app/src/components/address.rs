//! The fields of a postal address, shared by the address book and checkout.

use leptos::prelude::*;

use crate::components::form::{Field, message_text};
use crate::error::AppError;
use crate::server::account::AddressFields;
use crate::tr;

/// The fields [`AddressInputs`] shows, for a form's alert to leave their errors to them.
pub const FIELDS: &[&str] = &[
    "name",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
];

/// Name, street, city, region, postal code, country and phone, filled with `values`, each
/// with its own error message.
#[component]
pub fn AddressInputs(
    values: AddressFields,
    countries: Vec<(String, String)>,
    error: Option<AppError>,
) -> impl IntoView {
    let select = "rounded-md border border-stone-300 bg-white px-3 py-2";
    let country = values.country.clone();
    view! {
        <Field name="name" label=tr!("address.name") autocomplete="name" required=true maxlength=200 value=values.name.clone() error=error.clone() />
        <Field name="line1" label=tr!("address.line1") autocomplete="address-line1" required=true maxlength=200 value=values.line1.clone() error=error.clone() />
        <Field name="line2" label=tr!("address.line2") autocomplete="address-line2" maxlength=200 value=values.line2.clone() error=error.clone() />
        <Field name="city" label=tr!("address.city") autocomplete="address-level2" required=true maxlength=100 value=values.city.clone() error=error.clone() />
        <Field name="region" label=tr!("address.region") autocomplete="address-level1" maxlength=100 value=values.region.clone() error=error.clone() />
        <Field name="postal_code" label=tr!("address.postal_code") autocomplete="postal-code" maxlength=20 value=values.postal_code.clone() error=error.clone() />
        <label class="flex flex-col gap-1 text-sm font-medium">
            {tr!("address.country")}
            <select name="country" class=select autocomplete="country">
                {countries
                    .into_iter()
                    .map(|(code, name)| {
                        let selected = code == country;
                        view! { <option value=code selected=selected>{name}</option> }
                    })
                    .collect_view()}
            </select>
            <span class="text-sm text-red-700" data-testid="error-country">
                {error.as_ref().and_then(|e| e.for_field("country")).map(|m| message_text(&m))}
            </span>
        </label>
        <Field name="phone" label=tr!("address.phone") kind="tel" autocomplete="tel" maxlength=40 value=values.phone.clone() error=error.clone() />
    }
}
