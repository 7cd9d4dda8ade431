//! Only the shop's own error messages reach a form's error banner.
//!
//! A plain form post that fails comes back to its page with the error in the address
//! (`?__path=<server function>&__err=<encoded error>`, put there by Leptos, read by
//! `components::form::returned_error`). Anyone can write such an address, so a link could
//! put any sentence in the shop's red alert box. The shop therefore signs the error it
//! sends back (`__sig`, with the secret key), and a page address whose error is not
//! signed is sent on to the same page without it, before anything renders: the page (and
//! the hydrated app, which reads the same address) only ever sees errors the shop issued.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::keys::Keys;

const PATH: &str = "__path";
const ERROR: &str = "__err";
const SIGNATURE: &str = "__sig";
const PURPOSE: &str = "form error";

pub async fn only_signed_form_errors(
    State(keys): State<Keys>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD)
        && let Some(query) = request.uri().query()
        && carries_error(query)
        && !is_signed(&keys, query)
    {
        let kept = without_error(query);
        let path = request.uri().path();
        let location = if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{kept}")
        };
        return (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let signed = response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|location| {
            let (base, query) = location.split_once('?')?;
            if pairs(query).any(|(key, _)| key == ERROR) {
                Some(sign(&keys, base, query))
            } else if carries_error(query) {
                // A success: Leptos dropped the earlier error, its signature goes too.
                let kept = without_error(query);
                Some(if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{kept}")
                })
            } else {
                None
            }
        })
        .and_then(|location| HeaderValue::from_str(&location).ok());
    if let Some(location) = signed {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

fn carries_error(query: &str) -> bool {
    pairs(query).any(|(key, _)| key == ERROR || key == SIGNATURE)
}

/// What the signature covers: the server function and its error.
fn message(path: &str, error: &str) -> String {
    format!("{path}\n{error}")
}

/// The error the address carries, if it is exactly one signed by this shop.
fn is_signed(keys: &Keys, query: &str) -> bool {
    let all: Vec<(String, String)> = pairs(query).collect();
    let one = |name: &str| {
        let mut values = all.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        match (values.next(), values.next()) {
            (Some(value), None) => Some(value.clone()),
            _ => None,
        }
    };
    match (one(PATH), one(ERROR), one(SIGNATURE)) {
        (Some(path), Some(error), Some(signature)) => {
            keys.verify(PURPOSE, &message(&path, &error), &signature)
        }
        _ => false,
    }
}

/// The query without the error's parts, the rest as it was written.
fn without_error(query: &str) -> String {
    query
        .split('&')
        .filter(|part| {
            let key = part.split('=').next().unwrap_or_default();
            !matches!(key, PATH | ERROR | SIGNATURE) && !part.is_empty()
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `base?query` with one server function, one error (the last: the one just added; any
/// earlier one came in with the form's address) and the shop's signature over them.
fn sign(keys: &Keys, base: &str, query: &str) -> String {
    let last = |name: &str| {
        pairs(query)
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .last()
            .unwrap_or_default()
    };
    let (path, error) = (last(PATH), last(ERROR));
    let signature = keys.sign(PURPOSE, &message(&path, &error));
    let mut kept = without_error(query);
    if !kept.is_empty() {
        kept.push('&');
    }
    let added = form_urlencoded::Serializer::new(String::new())
        .append_pair(PATH, &path)
        .append_pair(ERROR, &error)
        .append_pair(SIGNATURE, &signature)
        .finish();
    format!("{base}?{kept}{added}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_error_is_signed_and_earlier_ones_are_dropped() {
        let keys = Keys::new("a secret key of at least thirty-two characters");
        let signed = sign(
            &keys,
            "http://shop/en/account/sign-in",
            "next=%2Fen&__err=Rm9yZ2Vk&__path=%2Fapi%2Fx&__path=%2Fapi%2Fsign_in&__err=UmVhbA%3D%3D",
        );
        let (base, query) = signed.split_once('?').unwrap();
        assert_eq!(base, "http://shop/en/account/sign-in");
        assert!(query.starts_with("next=%2Fen&"), "{query}");
        assert!(!query.contains("Rm9yZ2Vk"), "{query}");
        assert!(is_signed(&keys, query), "{query}");
        let forged = query.replace("UmVhbA", "Rm9yZ2Vk");
        assert!(!is_signed(&keys, &forged));
        assert!(!is_signed(&keys, &format!("{query}&__err=Rm9yZ2Vk")));
        assert_eq!(without_error(query), "next=%2Fen");
    }

    /// The error travels as its typed message (JSON, then base64): with the longest
    /// product name the shop accepts and a money value, the address stays well under
    /// what browsers and proxies take (about 8 KB), and the signature covers the values.
    #[test]
    fn a_typed_message_in_the_address_stays_small_and_signed() {
        use app::error::AppError;
        use app::message::{Arg, Message};
        use leptos::server_fn::error::ServerFnUrlError;

        let keys = Keys::new("a secret key of at least thirty-two characters");
        let message = |name: &str| {
            Message::new("checkout.errors.sold_out")
                .with("name", name)
                .with(
                    "total",
                    Arg::Money {
                        amount: "1234567.89".into(),
                        currency: "BRL".into(),
                        symbol: None,
                    },
                )
        };
        let address = |name: &str| {
            ServerFnUrlError::new("/api/place_order", AppError::Conflict(message(name)))
                .to_url("http://shop/en/checkout/review")
                .unwrap()
                .to_string()
        };
        let longest = "界".repeat(200);
        let (base, query) = address(&longest)
            .split_once('?')
            .map(|(b, q)| (b.to_string(), q.to_string()))
            .unwrap();
        let signed = sign(&keys, &base, &query);
        assert!(signed.len() < 2_000, "{} bytes: {signed}", signed.len());
        let (_, query) = signed.split_once('?').unwrap();
        assert!(is_signed(&keys, query));
        // Another name in the same message is another error: the signature no longer fits.
        let other = address("A|B=C");
        let (_, other_query) = other.split_once('?').unwrap();
        let other_error = pairs(other_query).find(|(k, _)| k == ERROR).unwrap().1;
        let own_error = pairs(query).find(|(k, _)| k == ERROR).unwrap().1;
        let forged = query.replace(
            &form_urlencoded::byte_serialize(own_error.as_bytes()).collect::<String>(),
            &form_urlencoded::byte_serialize(other_error.as_bytes()).collect::<String>(),
        );
        assert_ne!(forged, query);
        assert!(!is_signed(&keys, &forged));
    }
}
