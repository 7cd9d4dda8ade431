//! Random secrets handed to people (links, recovery codes) and the hashes we keep.

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// A 256-bit random token, as 64 lowercase hex characters (safe in any URL).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored for a token: its SHA-256. Tokens carry 256 random bits, so a fast
/// hash is enough (no dictionary to try), and lookups stay one index probe.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.trim().as_bytes()).to_vec()
}

/// A recovery code: 10 characters from an alphabet without look-alikes, shown as
/// `xxxxx-xxxxx` (about 50 bits; each works once, and attempts are throttled).
pub fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut code = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        let pick = (OsRng.next_u32() as usize) % ALPHABET.len();
        code.push(ALPHABET[pick] as char);
    }
    code
}

/// Recovery codes are compared without case, spaces or dashes, as people type them.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// 20 random bytes: the size RFC 4226 recommends for an HMAC-SHA1 TOTP secret.
pub fn new_totp_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 32);
        assert_ne!(digest(&a), a.as_bytes());
        assert_eq!(digest(&a), digest(&format!(" {a}\n")));
    }

    #[test]
    fn recovery_codes_read_well_and_compare_loosely() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(code.as_bytes()[5], b'-');
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        assert_eq!(
            normalize_recovery_code(&typed),
            normalize_recovery_code(&code)
        );
    }
}
