//! The languages the shop speaks.

/// Languages with UI strings and content translations, as BCP 47 tags.
pub const SUPPORTED: [&str; 4] = ["en", "pt-BR", "es", "zh-CN"];

/// Returns the supported tag matching `tag` (case-insensitively), if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    SUPPORTED
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_case_insensitively() {
        assert_eq!(supported("pt-br"), Some("pt-BR"));
        assert_eq!(supported("EN"), Some("en"));
        assert_eq!(supported("fr"), None);
        assert_eq!(supported(""), None);
    }
}
