//! Where `tr!` finds the interface's texts: sorted tables built from `locales/ui` by
//! `build.rs`, one per language and part, looked up by binary search.
//!
//! `rust_i18n::i18n!` would load the same files itself, but as one call per text run when
//! the first text is read: 2,500 calls of code in every page's wasm, and every text in
//! it in all four languages, the back office's included. Here the texts are data, and the
//! browser gets only what its page reads: the storefront's texts in the page's language,
//! loaded before hydration ([`load_page_language`]; a page's language never changes, as
//! switching language is a page load), and the back office's (every language) with its
//! own lazily loaded code ([`load_back_office`]). The server reads every table from the
//! start.

/// Each language's texts: (key, text), sorted by key.
type Table = &'static [(&'static str, &'static str)];

mod built {
    use super::Table;
    include!(concat!(env!("OUT_DIR"), "/strings.rs"));
}

/// The backend `rust_i18n::t!` reads (see `i18n!` in `lib.rs`).
pub struct Strings;

impl rust_i18n::Backend for Strings {
    fn available_locales(&self) -> Vec<&str> {
        built::LOCALES.to_vec()
    }

    fn translate(&self, locale: &str, key: &str) -> Option<&str> {
        let language = built::LOCALES.iter().position(|l| *l == locale)?;
        let table = if key.starts_with("admin.") {
            loaded::back_office(language)?
        } else {
            loaded::storefront(language)?
        };
        let at = table.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
        Some(table[at].1)
    }
}

/// The server has every table.
#[cfg(not(feature = "hydrate"))]
mod loaded {
    use super::{Table, built};

    pub fn storefront(language: usize) -> Option<Table> {
        Some(built::STOREFRONT[language])
    }

    pub fn back_office(language: usize) -> Option<Table> {
        Some(built::BACK_OFFICE[language])
    }
}

/// The browser has what was loaded: each table is named only by lazily loaded code (a
/// function per language, the back office's view), so it travels in that code's chunk,
/// not the main bundle.
#[cfg(feature = "hydrate")]
mod loaded {
    use super::{Table, built};
    use std::sync::OnceLock;

    /// The page's language and its storefront texts.
    pub static STOREFRONT: OnceLock<(usize, Table)> = OnceLock::new();
    pub static BACK_OFFICE: OnceLock<&'static [Table; built::LOCALES.len()]> = OnceLock::new();

    pub fn storefront(language: usize) -> Option<Table> {
        STOREFRONT
            .get()
            .filter(|(loaded, _)| *loaded == language)
            .map(|(_, table)| *table)
    }

    pub fn back_office(language: usize) -> Option<Table> {
        Some(BACK_OFFICE.get()?[language])
    }

    #[leptos::lazy]
    pub fn storefront_en() -> Table {
        built::STOREFRONT_EN
    }
    #[leptos::lazy]
    pub fn storefront_es() -> Table {
        built::STOREFRONT_ES
    }
    #[leptos::lazy]
    pub fn storefront_pt_br() -> Table {
        built::STOREFRONT_PT_BR
    }
    #[leptos::lazy]
    pub fn storefront_zh_cn() -> Table {
        built::STOREFRONT_ZH_CN
    }
}

/// Loads the storefront's texts in the page's language (`<html lang>`): called before
/// hydration, which renders with them.
#[cfg(feature = "hydrate")]
pub async fn load_page_language() {
    let tag = leptos::prelude::document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .unwrap_or_default();
    let language = built::LOCALES.iter().position(|l| *l == tag).unwrap_or(0);
    let table = match built::LOCALES[language] {
        "es" => loaded::storefront_es().await,
        "pt-BR" => loaded::storefront_pt_br().await,
        "zh-CN" => loaded::storefront_zh_cn().await,
        _ => loaded::storefront_en().await,
    };
    let _ = loaded::STOREFRONT.set((language, table));
}

/// Makes the back office's texts readable in the browser. Called from the back office's
/// own code (its lazy route's view), which is what keeps them out of the main bundle.
pub fn load_back_office() {
    #[cfg(feature = "hydrate")]
    let _ = loaded::BACK_OFFICE.set(&built::BACK_OFFICE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_sorted_and_every_language_has_both() {
        assert_eq!(built::LOCALES, ["en", "es", "pt-BR", "zh-CN"]);
        for table in built::STOREFRONT.iter().chain(built::BACK_OFFICE.iter()) {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
            assert!(!table.is_empty());
        }
    }

    #[test]
    fn texts_are_found_in_either_table_with_their_values() {
        use rust_i18n::Backend;
        assert_eq!(Strings.translate("en", "admin.nav.home"), Some("Dashboard"));
        assert!(Strings.translate("pt-BR", "layout.menu").is_some());
        assert_eq!(Strings.translate("en", "no.such.key"), None);
        assert_eq!(Strings.translate("fr", "layout.menu"), None);
    }

    /// Code outside the back office runs before its texts are loaded in the browser, so
    /// it must not name them.
    #[test]
    fn only_the_back_office_names_back_office_texts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap().flatten() {
                let path = entry.path();
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                if relative == "pages/admin" || relative == "server/admin" {
                    continue;
                }
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && std::fs::read_to_string(&path)
                        .unwrap()
                        .contains("tr!(\"admin.")
                {
                    found.push(relative);
                }
            }
        }
        assert!(
            found.is_empty(),
            "back-office texts named outside the back office: {found:?}"
        );
    }
}
