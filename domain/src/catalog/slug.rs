//! Slugs: the part of an address that names a product or category (`aurora-t-shirt`).
//! Lower-case ASCII letters and digits in words joined by single hyphens, as the
//! database's CHECK constraints say.

/// Whether `text` is a slug the database takes.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 200
        && text.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A slug made from a name: accents dropped (`Tênis` → `tenis`), anything else that is
/// not a letter or digit a hyphen. Empty for a name with no Latin letters or digits (a
/// Chinese name needs a slug written for it).
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = unaccented(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let mut cut: String = slug.chars().take(200).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    cut
}

/// The Latin letter under an accent, for the letters the shop's languages use.
fn unaccented(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs() {
        assert_eq!(slugify("Tênis de Corrida  Azul!"), "tenis-de-corrida-azul");
        assert_eq!(slugify("  T-Shirt / Classic "), "t-shirt-classic");
        assert_eq!(slugify("经典T恤"), "t");
        assert_eq!(slugify("运动鞋"), "");
        assert!(is_slug(&slugify("Ação Camiseta 2")));
    }

    #[test]
    fn only_real_slugs_pass() {
        for good in ["a", "t-shirt", "x1-2"] {
            assert!(is_slug(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "ação", &"a".repeat(201)] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
