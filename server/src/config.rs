//! Settings from the environment (and `.env` in development).
//!
//! | variable             | default          | meaning                                       |
//! |----------------------|------------------|-----------------------------------------------|
//! | `VITRINE_ADDR`       | `127.0.0.1:3000` | address to listen on                          |
//! | `DATABASE_URL`       | (unset)          | use this PostgreSQL instead of the private one |
//! | `VITRINE_DATA_DIR`   | `./data`         | private PostgreSQL lives in `<dir>/postgres`  |
//! | `VITRINE_PG_BIN`     | (searched)       | folder with `initdb` and `postgres`           |
//! | `VITRINE_MEDIA_DIR`  | `<data dir>/media` | uploaded product pictures (several replicas need one shared folder) |
//! | `VITRINE_SECRET_KEY` | see below        | at least 32 characters; encrypts two-factor secrets, signs error messages |
//! | `VITRINE_DEMO_DATA`  | `true`           | seed the demo shop on first start             |
//! | `VITRINE_SITE_ROOT`  | `target/site`    | built assets (`pkg/`, files from `public/`)    |
//! | `VITRINE_DB_POOL`    | `16`             | database connections per server process        |
//! | `VITRINE_PUBLIC_URL` | `http://<VITRINE_ADDR>` | the shop's address (`https://shop.example`): every link in e-mails and pages starts with it; required with `DATABASE_URL` in release; `https://` also sends HSTS and `Secure` cookies |
//! | `VITRINE_ALLOWED_HOSTS` | (none)        | with `VITRINE_TRUST_PROXY`: other host names (comma-separated, `www.shop.example`) whose requests link to that host |
//! | `VITRINE_SMTP_URL`   | (unset)          | send e-mail over SMTP, e.g. `smtps://user:pass@host`; unset: files in `<data dir>/mail` |
//! | `VITRINE_MAIL_FROM`  | `Vitrine <shop@localhost.localdomain>` | the sender of every e-mail |
//! | `VITRINE_TRUST_PROXY`| `false`          | behind a proxy that sets them: client address from `X-Forwarded-For`, HTTPS from `X-Forwarded-Proto` (`Secure` cookies), host from `X-Forwarded-Host`/`Host` if allowed |
//! | `VITRINE_TEST_PAYMENTS` | demo shop only | offer the built-in test card (it pays for nothing); on by default only for the demo shop (no `DATABASE_URL`, `VITRINE_DEMO_DATA` on), where every page says so |
//! | `VITRINE_STRIPE_SECRET_KEY`, `VITRINE_STRIPE_PUBLISHABLE_KEY`, `VITRINE_STRIPE_WEBHOOK_SECRET` | (unset) | offer Stripe (all three needed) |
//! | `VITRINE_STRIPE_API` | `https://api.stripe.com` | Stripe's API address                 |
//! | `VITRINE_BANK_WEBHOOK_SECRET` | (unset) | secret the bank's PIX and boleto notifications are signed with; unset: staff confirm them |
//! | `VITRINE_BOLETO_BANK`, `VITRINE_BOLETO_AGREEMENT`, `VITRINE_BOLETO_WALLET` | `001`, `1234567`, `17` | the boleto agreement with the bank |
//! | `RUST_LOG`           | `info`           | log filter; `VITRINE_LOG_FORMAT=json` for JSON |
//!
//! The secret key: with the private database (one server), a random key is made on first
//! start and kept in the data directory. With `DATABASE_URL` (possibly many replicas, which
//! must share it), a release build refuses to start without one.
//!
//! The public address: links in e-mails and pages never come from a request's `Host` or
//! forwarded headers (anyone can forge those) unless the proxy is trusted and the host is
//! in `VITRINE_ALLOWED_HOSTS`. Without `VITRINE_PUBLIC_URL` they point at the listening
//! address, which is right only for a shop tried on this machine; so a release build with
//! `DATABASE_URL` (a real deployment) refuses to start without it.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error(
        "VITRINE_SECRET_KEY must be set when DATABASE_URL is used in a release build (all \
         replicas need the same key); generate one with `openssl rand -hex 32`"
    )]
    MissingSecret,
    #[error(
        "VITRINE_PUBLIC_URL must be set when DATABASE_URL is used in a release build: links \
         in e-mails (password resets, orders) and pages start with it, e.g. \
         VITRINE_PUBLIC_URL=https://shop.example"
    )]
    MissingPublicUrl,
    #[error("could not keep the secret key in {path}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    /// Where uploaded pictures are kept (`VITRINE_MEDIA_DIR`, else `<data dir>/media`).
    pub media_dir: PathBuf,
    pub secret_key: Option<String>,
    pub demo_data: bool,
    pub site_root: PathBuf,
    pub db_pool_size: u32,
    pub public_url: Option<String>,
    pub allowed_hosts: Vec<String>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub trust_proxy: bool,
    pub payments: domain::payments::Config,
}

impl std::fmt::Debug for Config {
    // Never print the secret or the database password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database", &self.database_url.as_deref().map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("media_dir", &self.media_dir)
            .field("demo_data", &self.demo_data)
            .field("site_root", &self.site_root)
            .field("smtp", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("trust_proxy", &self.trust_proxy)
            .field("test_payments", &self.payments.test_card)
            .field("stripe", &self.payments.stripe.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads one variable; `lookup` is injectable so tests need not touch the process env.
pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let addr = get("VITRINE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let addr = addr.parse().map_err(|_| ConfigError::Invalid {
        name: "VITRINE_ADDR",
        reason: format!("`{addr}` is not an address such as 127.0.0.1:3000"),
    })?;
    let secret_key = get("VITRINE_SECRET_KEY");
    if let Some(key) = &secret_key
        && key.len() < 32
    {
        return Err(ConfigError::Invalid {
            name: "VITRINE_SECRET_KEY",
            reason: "it must be at least 32 characters".into(),
        });
    }
    let flag = |name: &'static str, default: bool| match get(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("`{other}` is not true or false"),
        }),
    };
    let demo_data = flag("VITRINE_DEMO_DATA", true)?;
    let trust_proxy = flag("VITRINE_TRUST_PROXY", false)?;
    let mail_from =
        get("VITRINE_MAIL_FROM").unwrap_or_else(|| "Vitrine <shop@localhost.localdomain>".into());
    domain::mail::delivery::parse_sender(&mail_from).map_err(|reason| ConfigError::Invalid {
        name: "VITRINE_MAIL_FROM",
        reason,
    })?;
    let smtp_url = get("VITRINE_SMTP_URL");
    if let Some(url) = &smtp_url
        && let Err(reason) = domain::mail::delivery::Transport::smtp(url)
    {
        return Err(ConfigError::Invalid {
            name: "VITRINE_SMTP_URL",
            reason,
        });
    }
    let db_pool_size = match get("VITRINE_DB_POOL") {
        None => 16,
        Some(n) => {
            n.parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or(ConfigError::Invalid {
                    name: "VITRINE_DB_POOL",
                    reason: format!("`{n}` is not a number from 1 to 1000"),
                })?
        }
    };
    let public_url = get("VITRINE_PUBLIC_URL")
        .map(|url| parse_public_url(&url))
        .transpose()?;
    let allowed_hosts = get("VITRINE_ALLOWED_HOSTS")
        .map(|hosts| parse_hosts(&hosts))
        .transpose()?
        .unwrap_or_default();
    let site_root = get("VITRINE_SITE_ROOT")
        .or_else(|| get("LEPTOS_SITE_ROOT"))
        .unwrap_or_else(|| "target/site".into());
    let data_dir: PathBuf = get("VITRINE_DATA_DIR")
        .unwrap_or_else(|| "data".into())
        .into();
    Ok(Config {
        addr,
        database_url: get("DATABASE_URL"),
        media_dir: get("VITRINE_MEDIA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("media")),
        data_dir,
        secret_key,
        demo_data,
        site_root: site_root.into(),
        db_pool_size,
        public_url,
        allowed_hosts,
        smtp_url,
        mail_from,
        trust_proxy,
        // The test card sells for nothing: on by default only in the demo shop (the
        // private database seeded with demo data), never in a shop with its own database.
        payments: payments(
            &get,
            flag("VITRINE_TEST_PAYMENTS", demo_shop(&get, demo_data))?,
        )?,
    })
}

/// The demo shop: the private database (no `DATABASE_URL`) seeded with demo data.
fn demo_shop(get: &impl Fn(&str) -> Option<String>, demo_data: bool) -> bool {
    demo_data && get("DATABASE_URL").is_none()
}

/// `https://shop.example` (a scheme and a host, optionally a port; no path), without a
/// trailing slash.
fn parse_public_url(url: &str) -> Result<String, ConfigError> {
    let url = url.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host) if is_host(host) => Ok(url.to_string()),
        _ => Err(ConfigError::Invalid {
            name: "VITRINE_PUBLIC_URL",
            reason: format!("`{url}` is not an address such as https://shop.example"),
        }),
    }
}

/// `shop.example, www.shop.example:8443`: host names, lowercased.
fn parse_hosts(hosts: &str) -> Result<Vec<String>, ConfigError> {
    hosts
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .map(|h| {
            if is_host(&h) {
                Ok(h)
            } else {
                Err(ConfigError::Invalid {
                    name: "VITRINE_ALLOWED_HOSTS",
                    reason: format!("`{h}` is not a host name such as www.shop.example"),
                })
            }
        })
        .collect()
}

fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The payment providers: the test card when `test_card`, Stripe when its three keys
/// are set (a partial set is an error, not a silently missing provider).
fn payments(
    get: &impl Fn(&str) -> Option<String>,
    test_card: bool,
) -> Result<domain::payments::Config, ConfigError> {
    let stripe_keys = [
        "VITRINE_STRIPE_SECRET_KEY",
        "VITRINE_STRIPE_PUBLISHABLE_KEY",
        "VITRINE_STRIPE_WEBHOOK_SECRET",
    ]
    .map(|name| (name, get(name)));
    let stripe = match stripe_keys.iter().filter(|(_, v)| v.is_some()).count() {
        0 => None,
        3 => Some(domain::payments::stripe::StripeConfig {
            secret_key: stripe_keys[0].1.clone().unwrap_or_default(),
            publishable_key: stripe_keys[1].1.clone().unwrap_or_default(),
            webhook_secret: stripe_keys[2].1.clone().unwrap_or_default(),
            api_base: get("VITRINE_STRIPE_API").unwrap_or_else(|| "https://api.stripe.com".into()),
        }),
        _ => {
            let missing = stripe_keys
                .iter()
                .find(|(_, v)| v.is_none())
                .map(|(n, _)| *n);
            return Err(ConfigError::Invalid {
                name: missing.unwrap_or("VITRINE_STRIPE_SECRET_KEY"),
                reason: "Stripe needs its secret key, publishable key and webhook secret".into(),
            });
        }
    };
    let defaults = domain::payments::Config::default();
    let digits = |name: &'static str, default: String, len: usize| match get(name) {
        None => Ok(default),
        Some(v) if v.len() == len && v.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
        Some(v) => Err(ConfigError::Invalid {
            name,
            reason: format!("`{v}` is not {len} digits"),
        }),
    };
    Ok(domain::payments::Config {
        test_card,
        stripe,
        bank_webhook_secret: get("VITRINE_BANK_WEBHOOK_SECRET"),
        boleto_bank: digits("VITRINE_BOLETO_BANK", defaults.boleto_bank, 3)?,
        boleto_agreement: digits("VITRINE_BOLETO_AGREEMENT", defaults.boleto_agreement, 7)?,
        boleto_wallet: digits("VITRINE_BOLETO_WALLET", defaults.boleto_wallet, 2)?,
    })
}

pub fn from_env() -> Result<Config, ConfigError> {
    from_lookup(|name| std::env::var(name).ok())
}

impl Config {
    /// Where the private PostgreSQL cluster keeps its data.
    pub fn postgres_dir(&self) -> PathBuf {
        self.data_dir.join("postgres")
    }

    /// Where the shop's links point (see the module notes).
    pub fn site(&self) -> app::server::ssr::PublicUrl {
        app::server::ssr::PublicUrl {
            base: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.addr)),
            configured: self.public_url.is_some(),
            trust_proxy: self.trust_proxy,
            allowed_hosts: if self.trust_proxy {
                self.allowed_hosts.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// A real deployment (`DATABASE_URL`, a `release` build) must say where the shop is
    /// reached; otherwise every e-mail would link to the listening address.
    pub fn check_public_url(&self, release: bool) -> Result<(), ConfigError> {
        if self.public_url.is_some() {
            return Ok(());
        }
        if release && self.database_url.is_some() {
            return Err(ConfigError::MissingPublicUrl);
        }
        tracing::warn!(
            "VITRINE_PUBLIC_URL is not set: links in e-mails and pages point at http://{}; \
             set it to the address shoppers use",
            self.addr
        );
        Ok(())
    }

    /// The key that encrypts and signs (see the module notes for where it comes from).
    pub fn resolve_secret_key(&self) -> Result<String, ConfigError> {
        if let Some(key) = &self.secret_key {
            return Ok(key.clone());
        }
        if self.database_url.is_none() {
            return self.kept_secret_key();
        }
        if cfg!(debug_assertions) {
            tracing::warn!("VITRINE_SECRET_KEY is not set; using a random key for this process");
            return Ok(random_key());
        }
        Err(ConfigError::MissingSecret)
    }

    fn kept_secret_key(&self) -> Result<String, ConfigError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.data_dir.join("secret.key");
        let failed = |source| ConfigError::SecretFile {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(key) if key.trim().len() >= 32 => return Ok(key.trim().to_string()),
            Ok(_) => {
                return Err(failed(std::io::Error::other(
                    "the file holds fewer than 32 characters",
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(e)),
        }
        std::fs::create_dir_all(&self.data_dir).map_err(failed)?;
        let key = random_key();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(failed)?;
        file.write_all(key.as_bytes()).map_err(failed)?;
        Ok(key)
    }
}

fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_a_local_shop() {
        let config = config(&[]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.postgres_dir(), PathBuf::from("data/postgres"));
        assert!(config.database_url.is_none());
        assert!(config.demo_data);
        // The demo shop takes the test card; it says so on every page.
        assert!(config.payments.test_card);
    }

    #[test]
    fn the_test_card_is_off_unless_demo_or_asked_for() {
        let real = config(&[("DATABASE_URL", "postgres://shop@db/vitrine")]).unwrap();
        assert!(!real.payments.test_card, "a shop with its own database");
        let no_demo = config(&[("VITRINE_DEMO_DATA", "false")]).unwrap();
        assert!(
            !no_demo.payments.test_card,
            "a private shop without demo data"
        );
        let asked = config(&[
            ("DATABASE_URL", "postgres://shop@db/vitrine"),
            ("VITRINE_TEST_PAYMENTS", "true"),
        ])
        .unwrap();
        assert!(asked.payments.test_card);
        let refused = config(&[("VITRINE_TEST_PAYMENTS", "false")]).unwrap();
        assert!(!refused.payments.test_card, "turned off in the demo shop");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = config(&[("VITRINE_ADDR", "localhost")]).unwrap_err();
        assert!(
            err.to_string().starts_with("VITRINE_ADDR is not valid"),
            "{err}"
        );
        let err = config(&[("VITRINE_SECRET_KEY", "short")]).unwrap_err();
        assert!(err.to_string().contains("32 characters"), "{err}");
        let err = config(&[("VITRINE_DEMO_DATA", "maybe")]).unwrap_err();
        assert!(err.to_string().contains("VITRINE_DEMO_DATA"), "{err}");
        let err = config(&[("VITRINE_DB_POOL", "0")]).unwrap_err();
        assert!(err.to_string().contains("VITRINE_DB_POOL"), "{err}");
        let err = config(&[("VITRINE_STRIPE_SECRET_KEY", "sk_test_1")]).unwrap_err();
        assert!(
            err.to_string().contains("VITRINE_STRIPE_PUBLISHABLE_KEY"),
            "{err}"
        );
        let err = config(&[("VITRINE_BOLETO_AGREEMENT", "12")]).unwrap_err();
        assert!(
            err.to_string().contains("VITRINE_BOLETO_AGREEMENT"),
            "{err}"
        );
    }

    #[test]
    fn the_private_database_keeps_its_secret_key_across_starts() {
        let dir = tempfile::tempdir().unwrap();
        let dir_str = dir.path().to_str().unwrap();
        let config = config(&[("VITRINE_DATA_DIR", dir_str)]).unwrap();
        let first = config.resolve_secret_key().unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(config.resolve_secret_key().unwrap(), first);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn links_point_at_the_public_address_else_the_listening_one() {
        let local = config(&[("VITRINE_ADDR", "127.0.0.1:4000")]).unwrap();
        assert_eq!(local.site().base, "http://127.0.0.1:4000");
        assert!(!local.site().configured);
        let public = config(&[("VITRINE_PUBLIC_URL", "https://shop.example/")]).unwrap();
        assert_eq!(public.site().base, "https://shop.example");
        let err = config(&[("VITRINE_PUBLIC_URL", "shop.example")]).unwrap_err();
        assert!(err.to_string().contains("VITRINE_PUBLIC_URL"), "{err}");
        let err = config(&[("VITRINE_PUBLIC_URL", "https://shop.example/x?y")]).unwrap_err();
        assert!(err.to_string().contains("VITRINE_PUBLIC_URL"), "{err}");
        let err = config(&[("VITRINE_ALLOWED_HOSTS", "https://www.shop.example")]).unwrap_err();
        assert!(err.to_string().contains("VITRINE_ALLOWED_HOSTS"), "{err}");
        // Allowed hosts mean nothing unless the proxy that names them is trusted.
        let hosts = [("VITRINE_ALLOWED_HOSTS", "www.shop.example")];
        assert!(config(&hosts).unwrap().site().allowed_hosts.is_empty());
        let trusted = config(&[hosts[0], ("VITRINE_TRUST_PROXY", "true")]).unwrap();
        assert_eq!(trusted.site().allowed_hosts, ["www.shop.example"]);
    }

    #[test]
    fn a_release_with_its_own_database_needs_a_public_address() {
        let database = ("DATABASE_URL", "postgres://shop@db/vitrine");
        let err = config(&[database])
            .unwrap()
            .check_public_url(true)
            .unwrap_err();
        assert!(matches!(err, ConfigError::MissingPublicUrl), "{err}");
        assert!(err.to_string().contains("VITRINE_PUBLIC_URL"), "{err}");
        config(&[database, ("VITRINE_PUBLIC_URL", "https://shop.example")])
            .unwrap()
            .check_public_url(true)
            .unwrap();
        // A debug build, and the private database (one machine), only warn.
        config(&[database])
            .unwrap()
            .check_public_url(false)
            .unwrap();
        config(&[]).unwrap().check_public_url(true).unwrap();
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact_url("postgres://shop:hunter2@db.internal:5432/vitrine"),
            "postgres://shop:***@db.internal:5432/vitrine"
        );
        let config = config(&[("DATABASE_URL", "postgres://shop:hunter2@db/vitrine")]).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
