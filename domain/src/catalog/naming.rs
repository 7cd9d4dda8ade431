//! Names and slugs per language, as the back office's forms send them: checked here once
//! for categories, attributes and option types alike, each problem told beside its own
//! field (`name_pt_br`, `slug_en`).

use std::collections::BTreeMap;

use crate::{DomainError, DomainResult, Message};

/// The form fields of each language: (tag, name field, slug field). The back office's
/// forms use these names, so an error comes back beside the right input.
pub const FIELDS: [(&str, &str, &str); 4] = [
    ("en", "name_en", "slug_en"),
    ("pt-BR", "name_pt_br", "slug_pt_br"),
    ("es", "name_es", "slug_es"),
    ("zh-CN", "name_zh_cn", "slug_zh_cn"),
];

/// The name field of language `tag` (the first language's for an unknown one).
pub fn name_field(tag: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(t, _, _)| *t == tag)
        .map_or(FIELDS[0].1, |f| f.1)
}

/// The slug field of language `tag`.
pub fn slug_field(tag: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(t, _, _)| *t == tag)
        .map_or(FIELDS[0].2, |f| f.2)
}

/// What a form typed for one language: a name and, for categories, a slug.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Typed {
    pub locale: String,
    pub name: String,
    pub slug: String,
}

/// A checked name (and slug) in a supported language.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Named {
    pub locale: &'static str,
    pub name: String,
    pub slug: String,
}

// One slug rule for the whole catalog (products, categories, the CSV import).
pub use super::slug::{is_slug as slug_ok, slugify};

/// Checks what was typed per language: a blank name leaves that language out (it falls
/// back to the default language's), the default language must have one, names are at
/// most `name_max` characters, and (when `slugs`) every slug is valid or made from its
/// name. Every wrong field is told at once.
pub fn check(
    typed: &[Typed],
    default_locale: &str,
    name_max: usize,
    slugs: bool,
) -> DomainResult<Vec<Named>> {
    let mut problems: Vec<(&'static str, Message)> = Vec::new();
    let mut named = Vec::new();
    let mut seen = BTreeMap::new();
    for entry in typed {
        let Some(locale) = crate::locale::supported(entry.locale.trim()) else {
            continue;
        };
        if seen.insert(locale, ()).is_some() {
            continue;
        }
        let name = entry.name.trim();
        let slug = entry.slug.trim();
        if name.is_empty() {
            if slugs && !slug.is_empty() {
                problems.push((name_field(locale), Message::new(NAME_NEEDED)));
            }
            continue;
        }
        if name.chars().count() > name_max {
            problems.push((
                name_field(locale),
                Message::new(NAME_LONG).with("max", name_max as i64),
            ));
            continue;
        }
        let slug = if !slugs {
            String::new()
        } else if slug.is_empty() {
            let made = slugify(name);
            if made.is_empty() {
                problems.push((slug_field(locale), Message::new(SLUG_NEEDED)));
                continue;
            }
            made
        } else if !slug_ok(slug) {
            problems.push((slug_field(locale), Message::new(SLUG_INVALID)));
            continue;
        } else {
            slug.to_string()
        };
        named.push(Named {
            locale,
            name: name.to_string(),
            slug,
        });
    }
    // A default language already told about (a bad slug) is not told twice.
    let told = |f: &str| f == name_field(default_locale) || f == slug_field(default_locale);
    if !named.iter().any(|n| n.locale == default_locale) && !problems.iter().any(|(f, _)| told(f)) {
        problems.push((name_field(default_locale), Message::new(DEFAULT_NEEDED)));
    }
    match problems.len() {
        0 => Ok(named),
        1 => {
            let (field, message) = problems.remove(0);
            Err(DomainError::Validation { field, message })
        }
        _ => Err(DomainError::Invalid(problems)),
    }
}

pub const NAME_NEEDED: &str = "admin.categories.errors.name_needed";
pub const NAME_LONG: &str = "admin.categories.errors.name_long";
pub const SLUG_NEEDED: &str = "admin.categories.errors.slug_needed";
pub const SLUG_INVALID: &str = "admin.categories.errors.slug_invalid";
pub const SLUG_TAKEN: &str = "admin.categories.errors.slug_taken";
pub const DEFAULT_NEEDED: &str = "admin.categories.errors.default_name";

/// The text of `named` as a map for the audit log: `name.en`, `slug.en`, … so the log
/// shows exactly which language changed.
pub fn audit_map(named: &[Named]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for n in named {
        map.insert(format!("name.{}", n.locale), n.name.clone());
        if !n.slug.is_empty() {
            map.insert(format!("slug.{}", n.locale), n.slug.clone());
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(locale: &str, name: &str, slug: &str) -> Typed {
        Typed {
            locale: locale.into(),
            name: name.into(),
            slug: slug.into(),
        }
    }

    #[test]
    fn slugs_are_made_from_names_without_accents() {
        assert_eq!(slugify("Camisetas Básicas"), "camisetas-basicas");
        assert_eq!(slugify("  T-shirts & Tops!  "), "t-shirts-tops");
        assert_eq!(slugify("鞋子"), "");
        assert!(slug_ok("camisetas-basicas"));
        for bad in ["with space", "Upper", "-lead", "trail-", "two--hyphens", ""] {
            assert!(!slug_ok(bad), "{bad}");
        }
    }

    #[test]
    fn every_wrong_field_is_told_beside_itself() {
        let error = check(
            &[
                typed("en", "", ""),
                typed("pt-BR", "Camisas", "com espaço"),
                typed("zh-CN", "衬衫", ""),
            ],
            "en",
            200,
            true,
        )
        .unwrap_err();
        let DomainError::Invalid(fields) = error else {
            panic!("{error:?}")
        };
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(names, ["slug_pt_br", "slug_zh_cn", "name_en"]);
    }

    #[test]
    fn a_blank_language_is_left_out_and_a_blank_slug_is_made() {
        let named = check(
            &[typed("en", " Shirts ", ""), typed("es", "", "")],
            "en",
            200,
            true,
        )
        .unwrap();
        assert_eq!(
            named,
            vec![Named {
                locale: "en",
                name: "Shirts".into(),
                slug: "shirts".into()
            }]
        );
    }
}
