//! Per-country address rules: which fields a country needs and what its postal codes
//! look like. Codes are normalized to the form the post office prints.

/// A country addresses can be in: ISO 3166 code, its own name, whether it needs a
/// region (state/province), and its postal-code shapes ('9' a digit, 'A' a letter,
/// anything else itself; the first shape is the normal form).
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    pub region_required: bool,
    pub postal_shapes: &'static [&'static str],
    /// Accepted regions (upper case); empty when any text will do.
    pub regions: &'static [&'static str],
}

const BR_STATES: &[&str] = &[
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR",
    "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
];
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
];

pub const COUNTRIES: &[Country] = &[
    Country {
        code: "AR",
        name: "Argentina",
        region_required: true,
        postal_shapes: &["A9999AAA", "9999"],
        regions: &[],
    },
    Country {
        code: "BR",
        name: "Brasil",
        region_required: true,
        postal_shapes: &["99999-999", "99999999"],
        regions: BR_STATES,
    },
    Country {
        code: "CA",
        name: "Canada",
        region_required: true,
        postal_shapes: &["A9A 9A9", "A9A9A9"],
        regions: &[],
    },
    Country {
        code: "CN",
        name: "中国",
        region_required: true,
        postal_shapes: &["999999"],
        regions: &[],
    },
    Country {
        code: "DE",
        name: "Deutschland",
        region_required: false,
        postal_shapes: &["99999"],
        regions: &[],
    },
    Country {
        code: "ES",
        name: "España",
        region_required: false,
        postal_shapes: &["99999"],
        regions: &[],
    },
    Country {
        code: "FR",
        name: "France",
        region_required: false,
        postal_shapes: &["99999"],
        regions: &[],
    },
    Country {
        code: "GB",
        name: "United Kingdom",
        region_required: false,
        postal_shapes: &[],
        regions: &[],
    },
    Country {
        code: "IT",
        name: "Italia",
        region_required: false,
        postal_shapes: &["99999"],
        regions: &[],
    },
    Country {
        code: "JP",
        name: "日本",
        region_required: true,
        postal_shapes: &["999-9999", "9999999"],
        regions: &[],
    },
    Country {
        code: "MX",
        name: "México",
        region_required: true,
        postal_shapes: &["99999"],
        regions: &[],
    },
    Country {
        code: "PT",
        name: "Portugal",
        region_required: false,
        postal_shapes: &["9999-999"],
        regions: &[],
    },
    Country {
        code: "US",
        name: "United States",
        region_required: true,
        postal_shapes: &["99999", "99999-9999"],
        regions: US_STATES,
    },
];

pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// The postal code in the country's normal form, or `None` if it has the wrong shape.
/// Countries without listed shapes take any 2–10 letters, digits and spaces.
pub fn normalize_postal_code(country: &Country, input: &str) -> Option<String> {
    let code = input.trim().to_uppercase();
    if country.postal_shapes.is_empty() {
        let ok = (2..=10).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
        return ok.then_some(code);
    }
    let matched = country.postal_shapes.iter().any(|shape| fits(&code, shape));
    if !matched {
        return None;
    }
    // Lay the letters and digits out in the first (printed) shape when they fill it; a
    // longer accepted shape (US ZIP+4) stays as typed.
    let normal = country.postal_shapes[0];
    let symbols: Vec<char> = code.chars().filter(char::is_ascii_alphanumeric).collect();
    let slots = normal.chars().filter(|c| matches!(c, '9' | 'A')).count();
    if symbols.len() != slots {
        return Some(code);
    }
    let mut symbols = symbols.into_iter();
    let printed: String = normal
        .chars()
        .map(|slot| match slot {
            '9' | 'A' => symbols.next().unwrap_or(' '),
            other => other,
        })
        .collect();
    Some(if fits(&printed, normal) {
        printed
    } else {
        code
    })
}

fn fits(text: &str, shape: &str) -> bool {
    text.chars().count() == shape.chars().count()
        && text.chars().zip(shape.chars()).all(|(c, s)| match s {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_alphabetic(),
            other => c == other,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brazilian_ceps_take_both_forms_and_print_with_a_dash() {
        let br = country("br").unwrap();
        assert_eq!(
            normalize_postal_code(br, "01310-100").as_deref(),
            Some("01310-100")
        );
        assert_eq!(
            normalize_postal_code(br, " 01310100 ").as_deref(),
            Some("01310-100")
        );
        for bad in ["0131-0100", "1310-100", "01310-10a", "013101000", ""] {
            assert_eq!(normalize_postal_code(br, bad), None, "{bad}");
        }
    }

    #[test]
    fn us_zip_codes_take_five_digits_or_zip_plus_four() {
        let us = country("US").unwrap();
        assert_eq!(normalize_postal_code(us, "94107").as_deref(), Some("94107"));
        assert_eq!(
            normalize_postal_code(us, "94107-1234").as_deref(),
            Some("94107-1234")
        );
        for bad in ["9410", "941071", "ABCDE", "94107-12"] {
            assert_eq!(normalize_postal_code(us, bad), None, "{bad}");
        }
    }

    #[test]
    fn other_shapes_normalize_to_the_printed_form() {
        let ca = country("CA").unwrap();
        assert_eq!(
            normalize_postal_code(ca, "k1a0b1").as_deref(),
            Some("K1A 0B1")
        );
        let jp = country("JP").unwrap();
        assert_eq!(
            normalize_postal_code(jp, "1000001").as_deref(),
            Some("100-0001")
        );
        let gb = country("GB").unwrap();
        assert_eq!(
            normalize_postal_code(gb, "sw1a 1aa").as_deref(),
            Some("SW1A 1AA")
        );
    }
}
