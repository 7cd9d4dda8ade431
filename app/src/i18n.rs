//! The shopper's language, decided once per request and passed explicitly to `t!`.
//!
//! Never call `rust_i18n::set_locale` on the server: it is process-wide and would leak one
//! shopper's language into another's page.

/// A supported UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    En,
    PtBr,
    Es,
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::En, Locale::PtBr, Locale::Es, Locale::ZhCn];

    /// The BCP 47 tag, as used in `<html lang>`, URLs and the locale files.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::PtBr => "pt-BR",
            Locale::Es => "es",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The first segment of the language's addresses: `/pt-br/c/camisetas`.
    pub fn slug(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::PtBr => "pt-br",
            Locale::Es => "es",
            Locale::ZhCn => "zh-cn",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.slug() == slug)
    }

    /// The language an address is in, from its first segment.
    pub fn from_path(path: &str) -> Option<Locale> {
        let first = path.trim_start_matches('/').split(['/', '?']).next()?;
        Locale::from_slug(first)
    }

    /// An address in this language: `Locale::PtBr.path("/c/camisetas")`.
    pub fn path(self, rest: &str) -> String {
        match rest {
            // The home page is `/pt-br`, without a trailing slash.
            "" | "/" => format!("/{}", self.slug()),
            _ => format!("/{}{rest}", self.slug()),
        }
    }

    /// The currency shoppers reading this language most likely pay in, until they pick one.
    pub fn default_currency(self) -> &'static str {
        match self {
            Locale::En => "USD",
            Locale::PtBr => "BRL",
            Locale::Es => "EUR",
            Locale::ZhCn => "CNY",
        }
    }

    /// The language's own name for itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::PtBr => "Português (Brasil)",
            Locale::Es => "Español",
            Locale::ZhCn => "简体中文",
        }
    }
}

/// The current request's language (the default outside a request).
pub fn use_locale() -> Locale {
    leptos::prelude::use_context::<Locale>().unwrap_or_default()
}

/// Translates a key built at run time (`sort.price-asc`) into the current language.
pub fn translate(key: &str) -> String {
    rust_i18n::t!(key, locale = use_locale().tag()).to_string()
}

/// A message (a key and its typed values) in the current request's language.
pub fn message(message: &crate::message::Message) -> String {
    message_in(use_locale(), message)
}

/// A message in a given language: its text with each value written the reader's way
/// (money in the language's style, statuses by name).
pub fn message_in(locale: Locale, message: &crate::message::Message) -> String {
    message.render(locale.tag(), |key| translate_in(locale, key))
}

/// Translates a key into a given language (for the server's own responses).
pub fn translate_in(locale: Locale, key: &str) -> String {
    rust_i18n::t!(key, locale = locale.tag()).to_string()
}

/// Translates `key` into the current request's language.
#[macro_export]
macro_rules! tr {
    ($key:expr) => {
        rust_i18n::t!($key, locale = $crate::i18n::use_locale().tag()).to_string()
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        rust_i18n::t!($key, locale = $crate::i18n::use_locale().tag(), $($name = $value),+)
            .to_string()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_layout_string() {
        for locale in Locale::ALL {
            for key in [
                "layout.menu",
                "home.categories",
                "not_found.title",
                "search.results_for",
                "listing.page_of",
                "sort.price-asc",
                "product.only_left",
                "error.body",
                "account.sign_in",
                "account.check_email_body",
                "account.two_factor_scan",
                "account.staff_two_factor",
                "account.errors.password_weak",
                "account.errors.too_many",
                "account.errors.cross_site",
                "account.errors.last_admin",
                "address.errors.cep",
                "address.errors.zip",
            ] {
                let text = rust_i18n::t!(key, locale = locale.tag());
                assert_ne!(text, key, "{key} is missing in {}", locale.tag());
                assert!(!text.contains(key), "{key} is missing in {}", locale.tag());
            }
        }
    }

    /// The dotted keys of a locale file (two-space nesting, one `key: value` per line).
    fn keys(yaml: &str) -> std::collections::BTreeSet<String> {
        let mut path: Vec<String> = Vec::new();
        let mut keys = std::collections::BTreeSet::new();
        for line in yaml
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('_'))
        {
            let depth = (line.len() - line.trim_start().len()) / 2;
            let Some((key, value)) = line.trim().split_once(':') else {
                continue;
            };
            path.truncate(depth);
            path.push(key.to_string());
            if !value.trim().is_empty() {
                keys.insert(path.join("."));
            }
        }
        keys
    }

    /// Every locale file under `locales/`, grouped by what it translates: `ui/en.yml`
    /// and `ui/es.yml` are one group (`ui/`), `ui/admin/catalog.en.yml` and
    /// `ui/admin/catalog.es.yml` another (`ui/admin/catalog.`).
    fn locale_files() -> std::collections::BTreeMap<String, Vec<(String, String)>> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("locales directory") {
                let path = entry.expect("locale file").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "yml") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales");
        let mut paths = Vec::new();
        walk(&root, &mut paths);
        let mut groups = std::collections::BTreeMap::<String, Vec<(String, String)>>::new();
        for path in paths {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            let stem = name.trim_end_matches(".yml");
            let locale = stem.rsplit(['.', '/']).next().unwrap().to_string();
            let group = stem[..stem.len() - locale.len()].to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            groups.entry(group).or_default().push((locale, text));
        }
        groups
    }

    #[test]
    fn every_language_has_every_string_english_has() {
        let groups = locale_files();
        assert!(
            groups.contains_key("ui/") && groups.contains_key("mail/"),
            "{:?}",
            groups.keys()
        );
        for (group, files) in &groups {
            let mut locales: Vec<&str> = files.iter().map(|(l, _)| l.as_str()).collect();
            locales.sort();
            assert_eq!(locales, ["en", "es", "pt-BR", "zh-CN"], "{group}");
            let english = keys(&files.iter().find(|(l, _)| l == "en").unwrap().1);
            assert!(!english.is_empty(), "{group}en read as no keys");
            for (locale, text) in files {
                let other = keys(text);
                let missing: Vec<_> = english.difference(&other).collect();
                let extra: Vec<_> = other.difference(&english).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{group}{locale}: missing {missing:?}, extra {extra:?}"
                );
            }
        }
        let files = [("ui/en", include_str!("../../locales/ui/en.yml"))];
        assert!(keys(files[0].1).len() > 25);
        // Statuses, steps and payment methods are looked up by code.
        let ui = keys(files[0].1);
        for status in [
            "pending_payment",
            "paid",
            "fulfilling",
            "shipped",
            "delivered",
            "cancelled",
            "partially_refunded",
            "refunded",
        ] {
            assert!(ui.contains(&format!("order.status.{status}")), "{status}");
        }
        for provider in ["test_card", "stripe", "pix", "boleto"] {
            assert!(
                ui.contains(&format!("payment.method.{provider}")),
                "{provider}"
            );
            assert!(
                ui.contains(&format!("payment.hint.{provider}")),
                "{provider}"
            );
        }
    }

    #[test]
    fn addresses_name_their_language() {
        assert_eq!(Locale::from_path("/pt-br/c/camisetas"), Some(Locale::PtBr));
        assert_eq!(Locale::from_path("/zh-cn"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_path("/es?q=x"), Some(Locale::Es));
        assert_eq!(Locale::from_path("/"), None);
        assert_eq!(Locale::from_path("/fr/c/x"), None);
        assert_eq!(Locale::PtBr.path("/search"), "/pt-br/search");
    }

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(
            rust_i18n::t!("not_found.title", locale = "en"),
            "Page not found"
        );
        assert_eq!(
            rust_i18n::t!("not_found.title", locale = "pt-BR"),
            "Página não encontrada"
        );
    }
}
