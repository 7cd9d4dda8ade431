//! TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) as authenticator apps use it.

use totp_rs::{Algorithm, TOTP};

use crate::{DomainError, DomainResult};

const STEP_SECS: u64 = 30;

/// What an authenticator app needs: the secret (to type in) and the `otpauth://`
/// address (in the QR code), plus the QR code itself as SVG.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

fn totp(secret: &[u8], issuer: &str, email: &str) -> DomainResult<TOTP> {
    // The otpauth label format reserves ':'.
    let issuer = issuer.replace(':', " ");
    let email = email.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        secret.to_vec(),
        Some(issuer),
        email,
    )
    .map_err(|e| DomainError::Internal(format!("TOTP: {e:?}").into()))
}

pub fn enrolment(secret: &[u8], issuer: &str, email: &str) -> DomainResult<Enrolment> {
    let totp = totp(secret, issuer, email)?;
    let otpauth_url = totp.get_url();
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(|e| DomainError::Internal(e.to_string().into()))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#1c1917"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok(Enrolment {
        secret_base32: totp.get_secret_base32(),
        otpauth_url,
        qr_svg,
    })
}

/// The time step `code` is valid for at `now` (Unix seconds), allowing one step of clock
/// drift either way; `None` when it matches none. Callers accept a step only if it is
/// later than the last one used, so a code works once.
pub fn matching_step(secret: &[u8], code: &str, now: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "x", "x").ok()?;
    let current = now / STEP_SECS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| same(&totp.generate(step * STEP_SECS), code))
}

/// The code for `now`: for tests and for showing what an app would display.
pub fn code_at(secret: &[u8], now: u64) -> String {
    totp(secret, "x", "x")
        .map(|t| t.generate(now))
        .unwrap_or_default()
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 with the 20-byte ASCII secret "12345678901234567890"
    /// (the RFC's 8-digit codes, of which apps show the last 6).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, rfc_code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at(secret, time), rfc_code[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = b"12345678901234567890";
        let now = 1_234_567_890;
        let code = code_at(secret, now);
        assert_eq!(matching_step(secret, &code, now), Some(now / 30));
        assert_eq!(matching_step(secret, &code, now + 30), Some(now / 30));
        assert_eq!(matching_step(secret, &code, now + 90), None);
        assert_eq!(matching_step(secret, "12345", now), None);
        assert_eq!(matching_step(secret, "abcdef", now), None);
    }

    #[test]
    fn enrolment_gives_an_app_address_and_an_svg_qr_code() {
        let e = enrolment(b"12345678901234567890", "Vitrine: shop", "ana@example.com").unwrap();
        assert!(
            e.otpauth_url
                .starts_with("otpauth://totp/Vitrine%20%20shop:ana%40example.com?"),
            "{}",
            e.otpauth_url
        );
        assert!(
            e.otpauth_url
                .contains(&format!("secret={}", e.secret_base32))
        );
        assert!(e.qr_svg.contains("<svg"), "{}", &e.qr_svg[..100]);
    }
}
