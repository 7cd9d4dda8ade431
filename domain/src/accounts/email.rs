//! E-mail addresses as people type them.

use std::str::FromStr;

use crate::{DomainError, DomainResult};

/// Trims and checks an address (RFC 5321 length, valid syntax, a domain with a dot).
/// The case is kept as typed; comparisons ignore it.
pub fn parse(input: &str) -> DomainResult<String> {
    let email = input.trim();
    let invalid = || DomainError::Validation {
        field: "email",
        message: "account.errors.email".into(),
    };
    if email.len() > 254 || email.len() < 3 {
        return Err(invalid());
    }
    let address = lettre::Address::from_str(email).map_err(|_| invalid())?;
    let domain = address.domain();
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err(invalid());
    }
    Ok(email.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn addresses_are_trimmed_and_malformed_ones_refused() {
        assert_eq!(parse("  Ana@Example.com ").unwrap(), "Ana@Example.com");
        assert!(parse("ana.silva+shop@mail.example.com.br").is_ok());
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana @example.com",
            "ana@example..com",
            "ana@.example.com",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(parse(&long).is_err());
    }
}
