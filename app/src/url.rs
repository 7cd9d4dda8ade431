//! Building storefront addresses: query strings for filters, sort and pages. Wasm-safe,
//! no dependencies; the server parses with the same names.

/// Percent-encodes a query-string component (everything but RFC 3986 unreserved bytes).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// What a listing or search page was asked for, as it appears in its address.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListingQuery {
    pub q: Option<String>,
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    pub in_stock: bool,
    /// Attribute filters as (attribute code, value code).
    pub filters: Vec<(String, String)>,
    pub sort: String,
    pub page: u32,
}

impl ListingQuery {
    /// The query string, starting with `?` (empty when there is nothing to say).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(q) = &self.q {
            parts.push(format!("q={}", encode(q)));
        }
        for (name, value) in [
            ("min_price", &self.min_price),
            ("max_price", &self.max_price),
        ] {
            if let Some(value) = value {
                parts.push(format!("{name}={}", encode(value)));
            }
        }
        if self.in_stock {
            parts.push("in_stock=1".into());
        }
        for (attribute, value) in &self.filters {
            parts.push(format!("f={}", encode(&format!("{attribute}:{value}"))));
        }
        if !self.sort.is_empty() && self.sort != "relevance" {
            parts.push(format!("sort={}", encode(&self.sort)));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The same listing with a filter value switched on or off, back on page 1.
    pub fn toggling(&self, attribute: &str, value: &str) -> ListingQuery {
        let mut next = self.clone();
        let pair = (attribute.to_string(), value.to_string());
        if let Some(i) = next.filters.iter().position(|f| *f == pair) {
            next.filters.remove(i);
        } else {
            next.filters.push(pair);
        }
        next.page = 1;
        next
    }

    pub fn on_page(&self, page: u32) -> ListingQuery {
        ListingQuery {
            page,
            ..self.clone()
        }
    }
}

/// Decodes URL-safe base64 (`A–Z a–z 0–9 - _`, `=` padding optional), as Leptos writes a
/// failed form's error into the address. Our own few lines rather than the `base64`
/// crate, which would put its decoder in every page's wasm for this one use.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // A single leftover character cannot end valid base64.
    (count < 6).then_some(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn base64url_decodes_what_encoders_write() {
        assert_eq!(base64url_decode("").unwrap(), b"");
        assert_eq!(base64url_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64url_decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(base64url_decode("-_8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64url_decode("e30").unwrap(), b"{}");
        assert_eq!(base64url_decode("Zm9v+A"), None);
        assert_eq!(base64url_decode("Z"), None);
    }
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode("t shirt&x=1"), "t%20shirt%26x%3D1");
        assert_eq!(encode("tênis"), "t%C3%AAnis");
        assert_eq!(encode("<script>"), "%3Cscript%3E");
    }

    #[test]
    fn query_strings_keep_only_what_differs_from_the_default() {
        assert_eq!(ListingQuery::default().to_query_string(), "");
        let query = ListingQuery {
            q: Some("red shirt".into()),
            min_price: Some("10".into()),
            in_stock: true,
            filters: vec![("material".into(), "wool".into())],
            sort: "price-asc".into(),
            page: 2,
            ..Default::default()
        };
        assert_eq!(
            query.to_query_string(),
            "?q=red%20shirt&min_price=10&in_stock=1&f=material%3Awool&sort=price-asc&page=2"
        );
    }

    #[test]
    fn toggling_a_filter_adds_or_removes_it_and_returns_to_page_one() {
        let query = ListingQuery {
            page: 3,
            ..Default::default()
        };
        let on = query.toggling("brand", "vela");
        assert_eq!(on.filters, vec![("brand".to_string(), "vela".to_string())]);
        assert_eq!(on.page, 1);
        assert!(on.toggling("brand", "vela").filters.is_empty());
    }
}
