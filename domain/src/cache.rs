//! A cache of what storefront pages read from the catalog (listings, the category tree,
//! shop settings), correct across any number of server processes.
//!
//! The database says when the catalog changed: triggers `NOTIFY catalog_changed` in the
//! same transaction as the change (see the product_offers migration), and every server
//! process listens. A notification starts a new *epoch*; entries from an older epoch are
//! never served. A value is stored under the epoch read *before* it was loaded, so a
//! change committed while loading makes the value stale at once rather than cached.
//! While the process is not listening (starting, or its listening connection dropped)
//! nothing is served from the cache, since a change could go unnoticed.
//!
//! Stock counts are deliberately not notified (a sale would empty every cache); values
//! that show stock levels, such as the product page, are not cached. Whether a product
//! is in stock at all is notified.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgListener;

/// The channel catalog triggers notify on.
pub const CHANNEL: &str = "catalog_changed";

#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    epoch: AtomicU64,
    listening: AtomicBool,
    entries: Mutex<HashMap<String, Entry>>,
    capacity: usize,
    /// An upper bound on any entry's age, whatever the notifications say.
    ttl: Duration,
}

struct Entry {
    epoch: u64,
    stored: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

impl Cache {
    pub fn new(capacity: usize, ttl: Duration) -> Cache {
        Cache {
            inner: Arc::new(Inner {
                epoch: AtomicU64::new(0),
                listening: AtomicBool::new(false),
                entries: Mutex::new(HashMap::new()),
                capacity: capacity.max(1),
                ttl,
            }),
        }
    }

    /// The value stored under `key`, or what `load` returns (then stored). Errors are
    /// not cached.
    pub async fn get_or_load<T, E, F, Fut>(&self, key: String, load: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if !self.is_live() {
            return load().await;
        }
        let epoch = self.inner.epoch.load(Ordering::Acquire);
        if let Some(value) = self.lookup::<T>(&key, epoch) {
            return Ok(value);
        }
        let value = load().await?;
        self.store(key, epoch, Arc::new(value.clone()));
        Ok(value)
    }

    /// Whether values are being served from the cache (the process is listening).
    pub fn is_live(&self) -> bool {
        self.inner.listening.load(Ordering::Acquire)
    }

    /// Forgets every entry: the catalog changed.
    pub fn invalidate(&self) {
        self.inner.epoch.fetch_add(1, Ordering::AcqRel);
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave a half-written entry behind.
        self.inner
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, epoch: u64) -> Option<T> {
        let entries = self.entries();
        let entry = entries.get(key)?;
        if entry.epoch != epoch || entry.stored.elapsed() > self.inner.ttl {
            return None;
        }
        entry.value.downcast_ref::<T>().cloned()
    }

    fn store(&self, key: String, epoch: u64, value: Arc<dyn Any + Send + Sync>) {
        let mut entries = self.entries();
        if entries.len() >= self.inner.capacity && !entries.contains_key(&key) {
            let current = self.inner.epoch.load(Ordering::Acquire);
            let ttl = self.inner.ttl;
            entries.retain(|_, e| e.epoch == current && e.stored.elapsed() <= ttl);
            if entries.len() >= self.inner.capacity {
                // Full of live entries: start again rather than track recency on reads.
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                epoch,
                stored: Instant::now(),
                value,
            },
        );
    }

    /// Listens for catalog changes until the process ends, reconnecting after a lost
    /// connection. Run it as a background task.
    pub async fn follow_changes(self, pool: PgPool) {
        loop {
            if let Err(error) = self.listen(&pool).await {
                tracing::warn!(%error, "not listening for catalog changes; cache off until reconnected");
            }
            self.inner.listening.store(false, Ordering::Release);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    async fn listen(&self, pool: &PgPool) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        // Anything may have changed while we were not listening.
        self.invalidate();
        self.inner.listening.store(true, Ordering::Release);
        loop {
            match listener.try_recv().await? {
                Some(_) => self.invalidate(),
                None => {
                    // Connection lost: notifications may have been missed.
                    self.inner.listening.store(false, Ordering::Release);
                    self.invalidate();
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live_cache(capacity: usize) -> Cache {
        let cache = Cache::new(capacity, Duration::from_secs(60));
        cache.inner.listening.store(true, Ordering::Release);
        cache
    }

    async fn load(cache: &Cache, key: &str, value: u32) -> u32 {
        cache
            .get_or_load(key.into(), || async { Ok::<_, ()>(value) })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_stored_values_until_invalidated() {
        let cache = live_cache(10);
        assert_eq!(load(&cache, "a", 1).await, 1);
        assert_eq!(
            load(&cache, "a", 2).await,
            1,
            "second load served from the cache"
        );
        cache.invalidate();
        assert_eq!(load(&cache, "a", 3).await, 3, "a change empties the cache");
    }

    #[tokio::test]
    async fn a_change_during_a_load_is_not_cached_over() {
        let cache = live_cache(10);
        let value = cache
            .get_or_load("a".into(), || async {
                cache.invalidate(); // committed while we were reading
                Ok::<_, ()>(1)
            })
            .await
            .unwrap();
        assert_eq!(value, 1);
        assert_eq!(load(&cache, "a", 2).await, 2);
    }

    #[tokio::test]
    async fn nothing_is_cached_while_not_listening() {
        let cache = Cache::new(10, Duration::from_secs(60));
        assert_eq!(load(&cache, "a", 1).await, 1);
        assert_eq!(load(&cache, "a", 2).await, 2);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_size_is_bounded() {
        let cache = live_cache(3);
        let failed = cache
            .get_or_load("a".into(), || async { Err::<u32, _>("down") })
            .await;
        assert_eq!(failed, Err("down"));
        assert_eq!(load(&cache, "a", 1).await, 1);
        for (i, key) in ["b", "c", "d", "e"].into_iter().enumerate() {
            load(&cache, key, i as u32).await;
        }
        assert!(cache.len() <= 3);
    }

    #[tokio::test]
    async fn expired_entries_are_reloaded() {
        let cache = Cache::new(10, Duration::from_millis(20));
        cache.inner.listening.store(true, Ordering::Release);
        assert_eq!(load(&cache, "a", 1).await, 1);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(load(&cache, "a", 2).await, 2);
    }

    #[tokio::test]
    async fn a_value_of_another_type_under_the_same_key_is_a_miss() {
        let cache = live_cache(10);
        load(&cache, "a", 1).await;
        let text = cache
            .get_or_load("a".into(), || async { Ok::<_, ()>("text".to_string()) })
            .await
            .unwrap();
        assert_eq!(text, "text");
    }
}
