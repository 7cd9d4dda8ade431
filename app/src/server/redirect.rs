//! Redirects whose address may carry text from the request (an order's key, a page to
//! go back to). A header value cannot hold control characters, and building one from
//! such text with `unwrap` panics the request (after whatever it already did, such as
//! confirming a payment). Every redirect of the app and the server goes through here.

/// `path` with every byte a header cannot carry as-is (controls, spaces, non-ASCII)
/// percent-encoded; what is already a valid address comes back unchanged.
pub fn encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if (0x21..=0x7e).contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `Location` header for `path`: never fails.
#[cfg(feature = "ssr")]
pub fn location(path: &str) -> axum::http::HeaderValue {
    axum::http::HeaderValue::from_str(&encoded(path))
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("/"))
}

/// Sends the browser to `path` (a 302 for plain forms, a client-side navigation for the
/// hydrated app), whatever text it holds.
#[cfg(feature = "ssr")]
pub fn to(path: &str) {
    leptos_axum::redirect(&encoded(path));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_non_ascii_are_encoded_and_the_rest_kept() {
        assert_eq!(
            encoded("/en/orders/1?key=ab%20c"),
            "/en/orders/1?key=ab%20c"
        );
        assert_eq!(
            encoded("/en/orders/1?key=a\nb\0"),
            "/en/orders/1?key=a%0Ab%00"
        );
        assert_eq!(encoded("/p/ação x"), "/p/a%C3%A7%C3%A3o%20x");
        assert_eq!(encoded("/a\u{7f}"), "/a%7F");
    }
}
