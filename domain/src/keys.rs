//! The shop's secret key (`VITRINE_SECRET_KEY`) and what it protects: it encrypts the
//! two-factor secrets kept in the database (a copy of the database alone does not give
//! anyone's authenticator codes), and signs what the shop hands out and reads back (the
//! error messages a failed form post carries in the address).
//!
//! Built once at start from the key and passed to whatever needs it, like the pool. Each
//! use has its own key derived from the secret, so one use can never be turned into
//! another. Every replica must share the secret (see the README).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What is stored first in an encrypted value, so a later change of scheme can tell
/// old values from new ones.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct Keys {
    signing: [u8; 32],
    sealing: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    pub fn new(secret: &str) -> Keys {
        Keys {
            signing: derive(secret, "vitrine signing v1"),
            sealing: derive(secret, "vitrine sealing v1"),
        }
    }

    /// A signature (hex) over `message` for `purpose`: only this shop can make it.
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        hex::encode(self.mac(purpose, message).finalize().into_bytes())
    }

    /// Whether `signature` is this shop's over `message` for `purpose` (constant time).
    pub fn verify(&self, purpose: &str, message: &str, signature: &str) -> bool {
        hex::decode(signature)
            .is_ok_and(|bytes| self.mac(purpose, message).verify_slice(&bytes).is_ok())
    }

    fn mac(&self, purpose: &str, message: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.signing).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac
    }

    /// Encrypts `plain`, bound to `context` (say, the account it belongs to, so a value
    /// copied to another row does not open there).
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.sealing));
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .expect("encrypting in memory does not fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The value [`Keys::seal`] encrypted, if it was sealed with this key and `context`.
    pub fn open(&self, context: &[u8], stored: &[u8]) -> Option<Vec<u8>> {
        let rest = stored.strip_prefix(&[SEALED_V1])?;
        if rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        XChaCha20Poly1305::new(Key::from_slice(&self.sealing))
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: context,
                },
            )
            .ok()
    }

    /// Whether `stored` is an encrypted value (rather than one kept before encryption).
    pub fn is_sealed(stored: &[u8]) -> bool {
        stored.first() == Some(&SEALED_V1) && stored.len() > 1 + NONCE_LEN
    }
}

fn derive(secret: &str, label: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(label.as_bytes());
    let mut key = [0u8; 32];
    key.copy_from_slice(&mac.finalize().into_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let keys = Keys::new("a secret key of at least thirty-two characters");
        let sealed = keys.seal(b"account 1", b"JBSWY3DPEHPK3PXP");
        assert!(Keys::is_sealed(&sealed));
        assert!(!sealed.windows(16).any(|w| w == b"JBSWY3DPEHPK3PXP"));
        assert_eq!(
            keys.open(b"account 1", &sealed).as_deref(),
            Some(&b"JBSWY3DPEHPK3PXP"[..])
        );
        assert_eq!(keys.open(b"account 2", &sealed), None);
        let other = Keys::new("another secret key of thirty-two characters or more");
        assert_eq!(other.open(b"account 1", &sealed), None);
    }

    #[test]
    fn signatures_check_message_purpose_and_key() {
        let keys = Keys::new("a secret key of at least thirty-two characters");
        let signature = keys.sign("error", "account.errors.credentials");
        assert!(keys.verify("error", "account.errors.credentials", &signature));
        assert!(!keys.verify("error", "Call +1 555 0100 now", &signature));
        assert!(!keys.verify("other", "account.errors.credentials", &signature));
        assert!(!keys.verify("error", "account.errors.credentials", "00"));
        let other = Keys::new("another secret key of thirty-two characters or more");
        assert!(!other.verify("error", "account.errors.credentials", &signature));
    }
}
