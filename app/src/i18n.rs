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
                "layout.tagline",
                "layout.menu",
                "home.categories",
                "not_found.title",
            ] {
                let text = rust_i18n::t!(key, locale = locale.tag());
                assert_ne!(text, key, "{key} is missing in {}", locale.tag());
                assert!(!text.contains(key), "{key} is missing in {}", locale.tag());
            }
        }
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
