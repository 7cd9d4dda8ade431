//! The languages the shop speaks.

/// Languages with UI strings and content translations, as BCP 47 tags.
pub const SUPPORTED: [&str; 4] = ["en", "pt-BR", "es", "zh-CN"];

/// Returns the supported tag matching `tag` (case-insensitively), if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    SUPPORTED
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(tag))
}

/// `tag` if supported, else the first supported language (English).
pub fn supported_or_default(tag: &str) -> &'static str {
    supported(tag).unwrap_or(SUPPORTED[0])
}

/// The supported language a browser prefers most, from its `Accept-Language` header:
/// highest `q` first, an exact tag before a language-only match (`pt` → `pt-BR`,
/// `en-GB` → `en`).
pub fn negotiate(accept_language: &str) -> Option<&'static str> {
    let mut ranges: Vec<(&str, f32)> = accept_language
        .split(',')
        .take(20)
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (!tag.is_empty() && q > 0.0).then_some((tag, q))
        })
        .collect();
    // Stable: equal weights keep the browser's order.
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranges.into_iter().find_map(|(tag, _)| {
        supported(tag).or_else(|| {
            let language = tag.split('-').next()?;
            SUPPORTED.into_iter().find(|known| {
                known.split('-').next() == Some(language) || known.eq_ignore_ascii_case(language)
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_their_preferred_supported_language() {
        assert_eq!(negotiate("pt-BR,pt;q=0.9,en;q=0.8"), Some("pt-BR"));
        assert_eq!(negotiate("pt-PT,pt;q=0.9"), Some("pt-BR"));
        assert_eq!(negotiate("fr-FR,fr;q=0.9,es;q=0.5,en;q=0.4"), Some("es"));
        assert_eq!(negotiate("en-GB"), Some("en"));
        assert_eq!(negotiate("zh-TW,zh;q=0.8"), Some("zh-CN"));
        assert_eq!(negotiate("en;q=0.1, es;q=0.9"), Some("es"));
        assert_eq!(negotiate("fr, de"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("es;q=0, en;q=abc"), None);
    }

    #[test]
    fn tags_match_case_insensitively() {
        assert_eq!(supported("pt-br"), Some("pt-BR"));
        assert_eq!(supported("EN"), Some("en"));
        assert_eq!(supported("fr"), None);
        assert_eq!(supported(""), None);
    }
}
