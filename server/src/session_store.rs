//! Sessions in PostgreSQL, keyed by a hash of the session id.
//!
//! The session id is the browser's cookie: whoever has it is signed in. Stored as it is,
//! a copy of the sessions table (a backup, a read-only leak) would sign anyone in as
//! every customer and every admin. So rows are keyed by the SHA-256 of the id (its
//! first 128 bits, the size of the id itself); the id exists only in the browser. The
//! signed-in browsers list and "sign out everywhere" work on `account_sessions`, which
//! never held the id, so they are unchanged.
//!
//! Migration 20261203000002 rewrote the rows kept before this, the same way.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Clone, Debug)]
pub struct HashedStore(PostgresStore);

impl HashedStore {
    pub fn new(pool: sqlx::PgPool) -> HashedStore {
        HashedStore(PostgresStore::new(pool))
    }
}

/// The key a session is stored under.
pub fn stored_id(id: &Id) -> Id {
    let digest = Sha256::digest(id.0.to_le_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(first))
}

fn stored(record: &Record) -> Record {
    Record {
        id: stored_id(&record.id),
        data: record.data.clone(),
        expiry_date: record.expiry_date,
    }
}

#[async_trait]
impl SessionStore for HashedStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut row = stored(record);
        self.0.create(&mut row).await?;
        // The inner store picks a new id when the key is taken; the browser's id must
        // then change too, and cannot be worked out from the key. (With 128 random bits
        // this does not happen; refuse rather than mix up two browsers.)
        if row.id != stored_id(&record.id) {
            return Err(session_store::Error::Backend(
                "a session key was already taken".into(),
            ));
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(&stored(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.0.load(&stored_id(id)).await?.map(|row| Record {
            id: *id,
            data: row.data,
            expiry_date: row.expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(&stored_id(id)).await
    }
}
