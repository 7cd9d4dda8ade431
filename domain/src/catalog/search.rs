//! Turning what a shopper typed into search terms, correcting typos against the
//! catalog's own vocabulary ("tshrit" → "tshirt", "sneeker" → "sneaker").

use sqlx::PgPool;

use crate::DomainResult;

/// Longer queries are cut: nobody types 200 characters into a shop's search box, and
/// the cap bounds the work one request can cause.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words beyond this many are ignored, for the same reason.
const MAX_TERMS: usize = 8;

/// A query ready for `catalog_listing`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchTerms {
    /// Full-text terms, each a space-separated list of accepted spellings.
    Words {
        terms: Vec<String>,
        /// The query as corrected, when a word was changed ("did you mean").
        corrected: Option<String>,
    },
    /// Substring search, for languages without spaces between words.
    Substring(String),
    /// Nothing searchable was typed (only punctuation, say).
    Nothing,
}

/// Languages whose text PostgreSQL cannot split into words.
fn without_word_boundaries(locale: &str) -> bool {
    locale == "zh-CN"
}

pub async fn terms(pool: &PgPool, locale: &str, query: &str) -> DomainResult<SearchTerms> {
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let words = super::repo::check_words(pool, locale, &query, MAX_TERMS as i64).await?;
    if words.is_empty() {
        return Ok(SearchTerms::Nothing);
    }
    if without_word_boundaries(locale) {
        let text: Vec<String> = words.into_iter().map(|w| w.word).collect();
        return Ok(SearchTerms::Substring(text.join(" ")));
    }
    let mut terms = Vec::new();
    let mut corrected_words = Vec::new();
    let mut changed = false;
    for checked in words {
        let word = checked.word;
        let correction = if checked.known || word.chars().count() < 3 {
            None
        } else {
            checked
                .closest
                .filter(|(_, distance)| *distance <= max_edits(&word))
                .map(|(candidate, _)| candidate)
        };
        match correction {
            Some(candidate) => {
                terms.push(format!("{word} {candidate}"));
                corrected_words.push(candidate);
                changed = true;
            }
            None => {
                terms.push(word.clone());
                corrected_words.push(word);
            }
        }
    }
    Ok(SearchTerms::Words {
        terms,
        corrected: changed.then(|| corrected_words.join(" ")),
    })
}

/// How many typing mistakes a word may carry and still be corrected: one in a short
/// word, two (a swapped pair of letters counts as two) from five letters on.
fn max_edits(word: &str) -> i32 {
    if word.chars().count() >= 5 { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_words_tolerate_more_mistakes() {
        assert_eq!(max_edits("mug"), 1);
        assert_eq!(max_edits("tshrit"), 2);
    }
}
