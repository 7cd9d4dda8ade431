//! Where picture files live: one interface ([`Store`]) with a disk implementation
//! ([`DiskStore`]) under the server's data directory.
//!
//! Keys are made here, never taken from a request: an [`ObjectKey`] is a picture's id
//! (a UUID we generated) and a width, so its text is `images/<uuid>/<width>.webp` and no
//! key can climb out of the store's folder or name a file we did not write. The trait is
//! the shape of an object store (put, get, delete of whole objects by key), so an
//! S3-compatible bucket can take the disk's place when several replicas serve one shop.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use uuid::Uuid;

/// The name of one stored file. Only [`ObjectKey::picture`] makes one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// One size of an uploaded picture.
    pub fn picture(picture: Uuid, width: u32) -> ObjectKey {
        ObjectKey(format!("images/{}/{width}.webp", picture.as_hyphenated()))
    }

    /// `images/<uuid>/<width>.webp`: only ASCII letters, digits, `-`, `/` and `.`,
    /// never `..`, so it is a safe relative path and a safe bucket key alike.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A store failed (disk full, bucket unreachable). Logged; the person sees "try again".
#[derive(Debug, thiserror::Error)]
#[error("the picture store failed: {0}")]
pub struct StoreError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl From<std::io::Error> for StoreError {
    fn from(error: std::io::Error) -> Self {
        StoreError(Box::new(error))
    }
}

impl From<StoreError> for crate::DomainError {
    fn from(error: StoreError) -> Self {
        crate::DomainError::Internal(Box::new(error))
    }
}

/// Whole objects by key. Implementations must make a `put` all-or-nothing (a reader
/// never sees half a file), and `delete` of a missing key is not an error.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Writes `bytes` as `key`, replacing what was there. `content_type` is what the
    /// object is served as (a bucket keeps it with the object).
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        content_type: &'static str,
    ) -> Result<(), StoreError>;

    /// The object's bytes, or `None` when there is no such key.
    async fn get(&self, key: &ObjectKey) -> Result<Option<Vec<u8>>, StoreError>;

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError>;

    /// For the start-up log: where pictures go.
    fn describe(&self) -> String;
}

/// The shop's picture store, cheap to clone (one per process, shared by requests).
#[derive(Clone)]
pub struct Media(Arc<dyn Store>);

impl Media {
    pub fn new(store: impl Store) -> Media {
        Media(Arc::new(store))
    }

    /// Pictures as files under `root` (the data directory's `media` folder).
    pub fn on_disk(root: impl Into<PathBuf>) -> Media {
        Media::new(DiskStore::new(root))
    }

    pub fn store(&self) -> &dyn Store {
        self.0.as_ref()
    }
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.describe())
    }
}

/// Files under one folder, `<root>/images/<uuid>/<width>.webp`. Each replica needs the
/// same folder (a shared mount) or, better, an object store instead.
pub struct DiskStore {
    root: PathBuf,
}

impl DiskStore {
    pub fn new(root: impl Into<PathBuf>) -> DiskStore {
        DiskStore { root: root.into() }
    }

    fn path(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

#[async_trait::async_trait]
impl Store for DiskStore {
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        _content_type: &'static str,
    ) -> Result<(), StoreError> {
        let path = self.path(key);
        let folder = path.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&folder).await?;
        // Written beside its final name and renamed into place: a reader (another
        // replica on a shared mount) sees the whole file or none.
        let partial = folder.join(format!(".{}.partial", Uuid::new_v4()));
        let written = async {
            tokio::fs::write(&partial, &bytes).await?;
            tokio::fs::rename(&partial, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        Ok(written?)
    }

    async fn get(&self, key: &ObjectKey) -> Result<Option<Vec<u8>>, StoreError> {
        match tokio::fs::read(self.path(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        let path = self.path(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        // The picture's folder goes with its last file (fails harmlessly while not empty).
        if let Some(folder) = path.parent().filter(|f| *f != Path::new(&self.root)) {
            let _ = tokio::fs::remove_dir(folder).await;
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!("files in {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_plain_relative_paths() {
        let id = Uuid::new_v4();
        let key = ObjectKey::picture(id, 640);
        assert_eq!(key.as_str(), format!("images/{id}/640.webp"));
        assert!(!key.as_str().contains(".."));
        assert!(
            key.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-/.".contains(c))
        );
    }

    #[tokio::test]
    async fn the_disk_store_puts_gets_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = DiskStore::new(dir.path().join("media"));
        let key = ObjectKey::picture(Uuid::new_v4(), 320);
        assert_eq!(store.get(&key).await.unwrap(), None);
        store
            .put(&key, b"one".to_vec(), "image/webp")
            .await
            .unwrap();
        store
            .put(&key, b"two".to_vec(), "image/webp")
            .await
            .unwrap();
        assert_eq!(store.get(&key).await.unwrap(), Some(b"two".to_vec()));
        // Nothing but the file itself is left beside it.
        let folder = store.path(&key).parent().unwrap().to_path_buf();
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
        assert!(!folder.exists(), "the empty folder goes too");
    }
}
