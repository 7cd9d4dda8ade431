//! Uploaded pictures: where their files live ([`store`]), how an upload becomes the
//! sizes the storefront serves ([`picture`]), and their addresses ([`Sizes`]).
//!
//! A picture is stored once per width as `images/<id>/<width>.webp` and served at
//! `/media/<id>/<width>.webp` (the server's route reads it from the store). A new upload
//! gets a new id, so a file never changes after it is written and may be cached for
//! good.

pub mod picture;
pub mod store;

pub use store::{DiskStore, Media, ObjectKey, Store, StoreError};

use uuid::Uuid;

/// The media type every stored size is served as.
pub const WEBP: &str = "image/webp";

/// The sizes of an uploaded picture: its id and the widths stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub key: Uuid,
    /// Ascending.
    pub widths: Vec<i32>,
}

impl Sizes {
    /// The sizes of a picture row (`storage_key`, `widths`), if it was uploaded (the
    /// demo's drawn pictures were not).
    pub fn of(key: Option<Uuid>, widths: Vec<i32>) -> Option<Sizes> {
        let key = key?;
        (!widths.is_empty()).then_some(Sizes { key, widths })
    }

    /// The address of one width.
    pub fn url(&self, width: i32) -> String {
        url(self.key, width)
    }

    /// `/media/<id>/320.webp 320w, /media/<id>/640.webp 640w, …` for `srcset`.
    pub fn srcset(&self) -> String {
        self.widths
            .iter()
            .map(|w| format!("{} {w}w", self.url(*w)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The smallest width's address (for thumbnails).
    pub fn smallest(&self) -> String {
        self.url(*self.widths.first().unwrap_or(&0))
    }

    /// The largest width's address (for `src`, link previews and search engines).
    pub fn largest(&self) -> String {
        self.url(*self.widths.last().unwrap_or(&0))
    }
}

/// The address a stored size is served at.
pub fn url(key: Uuid, width: i32) -> String {
    format!("/media/{}/{width}.webp", key.as_hyphenated())
}

/// The stored size an address names (`<uuid>`, `<width>.webp`), or `None` for anything
/// else, so a request can only ever reach a key this module makes.
pub fn key_of(id: &str, file: &str) -> Option<ObjectKey> {
    let id = Uuid::parse_str(id).ok()?;
    let width = file.strip_suffix(".webp")?;
    if width.is_empty() || width.len() > 5 || !width.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(ObjectKey::picture(id, width.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_lists_every_width() {
        let key = Uuid::nil();
        let sizes = Sizes::of(Some(key), vec![320, 640, 1000]).unwrap();
        assert_eq!(
            sizes.srcset(),
            format!(
                "/media/{key}/320.webp 320w, /media/{key}/640.webp 640w, /media/{key}/1000.webp 1000w"
            )
        );
        assert_eq!(sizes.largest(), format!("/media/{key}/1000.webp"));
        assert_eq!(Sizes::of(None, vec![320]), None);
        assert_eq!(Sizes::of(Some(key), vec![]), None);
    }

    #[test]
    fn only_addresses_this_module_makes_name_a_key() {
        let id = Uuid::new_v4();
        assert_eq!(
            key_of(&id.to_string(), "640.webp"),
            Some(ObjectKey::picture(id, 640))
        );
        for (id, file) in [
            ("..", "640.webp"),
            ("images", "640.webp"),
            (&*id.to_string(), "../640.webp"),
            (&*id.to_string(), "640.png"),
            (&*id.to_string(), ".webp"),
            (&*id.to_string(), "-1.webp"),
            (&*id.to_string(), "999999999.webp"),
            (&*id.to_string(), "6%2F40.webp"),
        ] {
            assert_eq!(key_of(id, file), None, "{id} {file}");
        }
    }
}
