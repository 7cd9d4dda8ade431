//! The back office's products: the list (search, filters, sorts, pages, bulk actions),
//! the editor (translations, status, category, attributes, variants with their fixed
//! prices) and the variant generator. Every function takes `&Allowed<can::Catalog>`
//! and writes each change with its audit record in one transaction.

pub mod editor;
pub mod list;
pub mod variants;

use serde::Serialize;

/// A product's state: only `Active` products reach shoppers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    /// Kept for the record (orders name it) but shown nowhere, like a draft.
    Archived,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Draft, Status::Active, Status::Archived];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Archived => "archived",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// A product whose variants hold this many items or fewer in all is "low" on stock.
pub const LOW_STOCK: i64 = 5;

/// `text` matched literally inside a LIKE pattern.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_from_their_codes() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.code()), Some(status));
        }
        assert_eq!(Status::parse("deleted"), None);
        assert_eq!(like_escape("50%_"), "50\\%\\_");
    }
}
