//! Password hashing (argon2id) and strength.
//!
//! Hashing takes tens of milliseconds of CPU and 19 MiB of memory by design, so it runs
//! on the blocking pool, never on the async workers that serve pages, and only a few at
//! a time: one per core, with a short queue behind them. Past the queue a check is
//! refused at once as [`DomainError::Busy`] (answered 503 with `Retry-After`) instead of
//! waiting; a burst of sign-ins can then neither hold gigabytes of hashing memory nor
//! keep every blocking thread busy. Checks reuse a few memory buffers instead of
//! allocating 19 MiB each time, so the memory stays put instead of fragmenting the heap.

use std::sync::{Arc, LazyLock, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::{DomainError, DomainResult};

/// NIST and OWASP: at least 8 characters; allow at least 64. Longer than this is refused
/// rather than hashed, so a 10 KB "password" costs us nothing.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;

/// OWASP's recommended argon2id settings: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks waiting for a core, per core, before further ones are refused as busy.
const QUEUE_PER_CORE: usize = 8;

/// How many hashes run at once, and how many may wait for one of them.
struct Gate {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl Gate {
    fn new(cores: usize, queue: usize) -> Gate {
        Gate {
            running: Arc::new(Semaphore::new(cores)),
            admitted: Arc::new(Semaphore::new(cores + queue)),
        }
    }
}

static GATE: LazyLock<Gate> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Gate::new(cores, cores * QUEUE_PER_CORE)
});

/// Argon2's working memory, kept between checks. At most one buffer per running hash
/// exists, since a hash takes one only while it holds a core of the [`Gate`].
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn take_memory(blocks: usize) -> Vec<Block> {
    let kept = MEMORY.lock().ok().and_then(|mut pool| pool.pop());
    let mut memory = kept.unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    memory
}

fn give_memory(memory: Vec<Block>) {
    if let Ok(mut pool) = MEMORY.lock() {
        pool.push(memory);
    }
}

/// A hash of a password nobody knows, verified when an e-mail is unknown so that the
/// answer takes as long as for a real account.
static DECOY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_now("decoy password, never used").unwrap_or_default());

fn hash_now(password: &str) -> DomainResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DomainError::Internal(e.to_string().into()))
}

/// Checks length and strength (`context`: the e-mail, name and shop name, which make a
/// password easy to guess), then hashes. Errors name the `password` field.
pub async fn hash_new(password: &str, context: &[&str]) -> DomainResult<String> {
    check_length(password)?;
    let password = password.to_string();
    let context = personal_words(context);
    blocking(&GATE, move || {
        check_strength(&password, &context)?;
        hash_now(&password)
    })
    .await
}

/// What checking a password against a stored hash found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Right, but hashed with older settings: store a fresh hash.
    YesRehash(String),
}

/// Verifies `password` against `hash`, or against a decoy when there is no account, so
/// timing does not reveal which e-mails are registered. `Busy` when too many checks are
/// already running and waiting.
pub async fn verify(password: &str, hash: Option<String>) -> DomainResult<Verified> {
    verify_through(&GATE, password, hash).await
}

async fn verify_through(
    gate: &Gate,
    password: &str,
    hash: Option<String>,
) -> DomainResult<Verified> {
    if password.chars().count() > MAX_CHARS {
        return Ok(Verified::No);
    }
    let password = password.to_string();
    blocking(gate, move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DECOY.clone());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return Ok(Verified::No);
        };
        if !matches(password.as_bytes(), &parsed) || !known {
            return Ok(Verified::No);
        }
        if is_current(&parsed) {
            Ok(Verified::Yes)
        } else {
            Ok(Verified::YesRehash(hash_now(&password)?))
        }
    })
    .await
}

/// Whether `password` gives `hash`, computed in reused memory (what `verify_password`
/// does, without allocating the hash's whole memory cost each time).
fn matches(password: &[u8], hash: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut memory = take_memory(params.block_count());
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut out,
        &mut memory[..],
    );
    give_memory(memory);
    // Output's comparison takes the same time wherever the first difference is.
    computed.is_ok() && argon2::password_hash::Output::new(&out).is_ok_and(|out| &out == expected)
}

fn is_current(hash: &PasswordHash<'_>) -> bool {
    hash.algorithm == argon2::ARGON2ID_IDENT
        && Params::try_from(hash).is_ok_and(|p| {
            let current = hasher();
            let want = current.params();
            (p.m_cost(), p.t_cost(), p.p_cost()) == (want.m_cost(), want.t_cost(), want.p_cost())
        })
}

/// The words a password should not be built from: each context string whole, the
/// e-mail's local part, and every word in them.
fn personal_words(context: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for text in context {
        let text = text.to_lowercase();
        if let Some((local, _)) = text.split_once('@') {
            words.push(local.to_string());
        }
        words.extend(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 3)
                .map(str::to_string),
        );
        words.push(text);
    }
    words
}

fn check_length(password: &str) -> DomainResult<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(invalid("account.errors.password_short"));
    }
    if chars > MAX_CHARS {
        return Err(invalid("account.errors.password_long"));
    }
    Ok(())
}

/// zxcvbn's estimate must be at least 3 of 4 ("safely unguessable": about 10^8 guesses
/// or more). Only the first 100 characters are scored: beyond that any password is
/// strong, and the estimator's time grows with length.
fn check_strength(password: &str, context: &[String]) -> DomainResult<()> {
    let scored: String = password.chars().take(100).collect();
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let score: u8 = zxcvbn::zxcvbn(&scored, &context).score().into();
    if score < 3 {
        return Err(invalid("account.errors.password_weak"));
    }
    Ok(())
}

fn invalid(message: &str) -> DomainError {
    DomainError::Validation {
        field: "password",
        message: message.into(),
    }
}

/// Runs `work` on the blocking pool once `gate` lets it: refused as `Busy` at once when
/// its queue is full. The permits travel with the work, so a request that goes away
/// while its hash runs does not free a core the hash still uses.
async fn blocking<T: Send + 'static>(
    gate: &Gate,
    work: impl FnOnce() -> DomainResult<T> + Send + 'static,
) -> DomainResult<T> {
    let admitted = gate.admitted.clone().try_acquire_owned().map_err(|_| {
        tracing::warn!("too many password checks waiting; answering busy");
        DomainError::Busy
    })?;
    let running = gate
        .running
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| DomainError::Internal(Box::new(e)))?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop((running, admitted));
        done
    })
    .await
    .map_err(|e| DomainError::Internal(Box::new(e)))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_strong_password_hashes_with_owasp_argon2id_and_verifies() {
        let hash = hash_new("correct horse battery staple", &[]).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let right = verify("correct horse battery staple", Some(hash.clone())).await;
        assert_eq!(right.unwrap(), Verified::Yes);
        let wrong = verify("correct horse battery stapler", Some(hash)).await;
        assert_eq!(wrong.unwrap(), Verified::No);
    }

    #[tokio::test]
    async fn short_long_common_and_personal_passwords_are_refused() {
        for (password, key) in [
            ("abc12", "account.errors.password_short"),
            ("password1", "account.errors.password_weak"),
            ("qwertyuiop", "account.errors.password_weak"),
            ("maria.silva1990", "account.errors.password_weak"),
        ] {
            let error = hash_new(password, &["maria.silva1990@example.com", "Maria Silva"])
                .await
                .expect_err(password);
            assert!(
                matches!(&error, DomainError::Validation { field: "password", message } if message == key),
                "{password}: {error:?}"
            );
        }
        let huge = "x".repeat(10 * 1024);
        let error = hash_new(&huge, &[]).await.unwrap_err();
        assert!(
            matches!(error, DomainError::Validation { message, .. } if message == "account.errors.password_long")
        );
        // A 64-character passphrase is allowed.
        let long = "the quick brown fox jumps over the lazy dog while it is raining!!";
        assert!(long.len() >= 64);
        hash_new(long, &[]).await.unwrap();
    }

    #[tokio::test]
    async fn an_older_hash_is_upgraded_on_verification() {
        let params = Params::new(8_192, 1, 1, None).unwrap();
        let old = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"winter orchard lantern", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        match verify("winter orchard lantern", Some(old)).await.unwrap() {
            Verified::YesRehash(new) => assert!(new.contains("m=19456,t=2,p=1")),
            other => panic!("expected a rehash, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn reused_memory_of_another_size_gives_the_same_answers() {
        let current = hash_new("copper kettle whistles at dawn", &[])
            .await
            .unwrap();
        let params = Params::new(8_192, 1, 1, None).unwrap();
        let old = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(
                b"copper kettle whistles at dawn",
                &SaltString::generate(&mut OsRng),
            )
            .unwrap()
            .to_string();
        // Each check leaves its buffer, dirty, for the next, whatever its memory cost.
        for _ in 0..2 {
            for hash in [&current, &old] {
                let right = verify("copper kettle whistles at dawn", Some(hash.clone()));
                assert_ne!(right.await.unwrap(), Verified::No, "{hash}");
                let wrong = verify("copper kettle whistles at noon", Some(hash.clone()));
                assert_eq!(wrong.await.unwrap(), Verified::No, "{hash}");
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_beyond_the_queue_are_refused_as_busy_at_once() {
        let hash = hash_new("velvet compass under moonlight", &[])
            .await
            .unwrap();
        // One at a time, two waiting: of eight at once, five are turned away.
        let gate: &'static Gate = Box::leak(Box::new(Gate::new(1, 2)));
        let checks: Vec<_> = (0..8)
            .map(|_| {
                let hash = hash.clone();
                tokio::spawn(async move {
                    verify_through(gate, "velvet compass under moonlight", Some(hash)).await
                })
            })
            .collect();
        let (mut busy, mut verified) = (0, 0);
        for check in checks {
            match check.await.unwrap() {
                Ok(Verified::Yes) => verified += 1,
                Err(DomainError::Busy) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(
            verified >= 3,
            "the running one and the queue go through: {verified}"
        );
        assert!(
            busy >= 1 && busy + verified == 8,
            "busy {busy}, verified {verified}"
        );
        // Once the burst is over, checks go through again.
        let after = verify_through(gate, "velvet compass under moonlight", Some(hash)).await;
        assert_eq!(after.unwrap(), Verified::Yes);
    }

    #[tokio::test]
    async fn without_an_account_even_the_decoy_password_fails() {
        let result = verify("decoy password, never used", None).await.unwrap();
        assert_eq!(result, Verified::No);
    }
}
