//! The embedded adapter: one redb file (ACID, crash-safe), the same items as in DynamoDB.
//! For the local stack, where there is no AWS account.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{
    Builder, Database, DatabaseError, ReadableDatabase, ReadableTable, StorageError as RedbError,
    TableDefinition,
};
use serde_json::{Map, Value};

use super::{Condition, Item, Page, Query, Store, StoreError, is_live, now_secs};

/// The store's file in its directory.
pub const FILE_NAME: &str = "store.redb";

/// Why the store's file did not open: each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "{} is empty or damaged ({reason}): restore it from a backup or delete it to start over",
        .path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("{} is open in another process", .path.display())]
    Locked { path: PathBuf },
    #[error("{} was written by an older redb (file format {version}): upgrade it, or delete it to start over", .path.display())]
    OldFormat { path: PathBuf, version: u8 },
    #[error("cannot open {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open {}: {reason}", .path.display())]
    Other { path: PathBuf, reason: String },
}

impl From<OpenError> for StoreError {
    fn from(err: OpenError) -> Self {
        StoreError::Backend(err.to_string())
    }
}

impl OpenError {
    /// Whether another process holding the file is the cause (the one case where waiting for
    /// it, or stopping it, helps).
    pub fn is_locked(&self) -> bool {
        matches!(self, Self::Locked { .. })
    }

    fn from_redb(path: &Path, err: DatabaseError) -> Self {
        let path = path.to_owned();
        match err {
            DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
                Self::Locked { path }
            }
            DatabaseError::UpgradeRequired(version) => Self::OldFormat { path, version },
            DatabaseError::Storage(RedbError::Corrupted(reason)) => Self::Damaged { path, reason },
            // What redb reports for a file that is not a database at all.
            DatabaseError::Storage(RedbError::Io(source))
                if source.kind() == std::io::ErrorKind::InvalidData =>
            {
                Self::Damaged {
                    path,
                    reason: source.to_string(),
                }
            }
            DatabaseError::Storage(RedbError::Io(source)) => Self::Io { path, source },
            other => Self::Other {
                path,
                reason: other.to_string(),
            },
        }
    }
}

/// Key `(pk, sk)`, value: `{"expiresAt": n|null, "data": {...}}` as JSON.
const ITEMS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("items");

#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

fn backend(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(err.to_string())
}

fn encode(item: &Item) -> Vec<u8> {
    serde_json::json!({"expiresAt": item.expires_at, "data": item.data})
        .to_string()
        .into_bytes()
}

fn decode(pk: &str, sk: &str, bytes: &[u8]) -> Result<Item, StoreError> {
    let mut value: Map<String, Value> = serde_json::from_slice(bytes).map_err(backend)?;
    let data = match value.remove("data") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    Ok(Item {
        pk: pk.to_owned(),
        sk: sk.to_owned(),
        expires_at: value.get("expiresAt").and_then(Value::as_i64),
        data,
    })
}

impl EmbeddedStore {
    /// Opens (or creates) `dir/store.redb`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Ok(Self::open_file(dir)?)
    }

    /// Opens (or creates) `dir/store.redb`, saying why not if it cannot: a file that is there
    /// but empty is refused (redb would make a new database of it, silently losing the data
    /// it should hold), and every page is checked against its checksum first (a plain open
    /// of a damaged file may panic).
    pub fn open_file(dir: &Path) -> Result<Self, OpenError> {
        let path = dir.join(FILE_NAME);
        let io = |source| OpenError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() && meta.len() == 0 => {
                return Err(OpenError::Damaged {
                    path,
                    reason: "it is empty".into(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let db = Builder::new()
            .set_check_integrity_on_open(true)
            .create(&path)
            .map_err(|e| OpenError::from_redb(&path, e))?;
        let other = |e: &dyn std::fmt::Display| OpenError::Other {
            path: path.clone(),
            reason: e.to_string(),
        };
        let txn = db.begin_write().map_err(|e| other(&e))?;
        txn.open_table(ITEMS).map_err(|e| other(&e))?;
        txn.commit().map_err(|e| other(&e))?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs blocking redb work off the async executor.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(backend)?
    }
}

impl Store for EmbeddedStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let (pk, sk) = (pk.to_owned(), sk.to_owned());
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            let Some(value) = table.get((pk.as_str(), sk.as_str())).map_err(backend)? else {
                return Ok(None);
            };
            let item = decode(&pk, &sk, value.value())?;
            Ok(is_live(item.expires_at, now_secs()).then_some(item))
        })
        .await
    }

    /// One read transaction for every key: one trip off the executor, one snapshot.
    async fn get_many(&self, keys: &[(&str, &str)]) -> Result<Vec<Option<Item>>, StoreError> {
        let keys: Vec<(String, String)> = keys
            .iter()
            .map(|(pk, sk)| ((*pk).to_owned(), (*sk).to_owned()))
            .collect();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            let now = now_secs();
            keys.iter()
                .map(|(pk, sk)| {
                    let Some(value) = table.get((pk.as_str(), sk.as_str())).map_err(backend)?
                    else {
                        return Ok(None);
                    };
                    let item = decode(pk, sk, value.value())?;
                    Ok(is_live(item.expires_at, now).then_some(item))
                })
                .collect()
        })
        .await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(backend)?;
            {
                let mut table = txn.open_table(ITEMS).map_err(backend)?;
                let key = (item.pk.as_str(), item.sk.as_str());
                let current = match table.get(key).map_err(backend)? {
                    Some(value) => Some(decode(&item.pk, &item.sk, value.value())?),
                    None => None,
                }
                .filter(|c| is_live(c.expires_at, now_secs()));
                let holds = match &condition {
                    Condition::Always => true,
                    Condition::Absent => current.is_none(),
                    Condition::Exists => current.is_some(),
                    Condition::AbsentOrAtMost { attribute, max } => current.is_none_or(|c| {
                        c.data
                            .get(*attribute)
                            .and_then(Value::as_i64)
                            .is_some_and(|v| v <= *max)
                    }),
                };
                if !holds {
                    return Err(StoreError::ConditionFailed);
                }
                table
                    .insert(key, encode(&item).as_slice())
                    .map_err(backend)?;
            }
            txn.commit().map_err(backend)
        })
        .await
    }

    async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        let (pk, sk) = (pk.to_owned(), sk.to_owned());
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(backend)?;
            txn.open_table(ITEMS)
                .map_err(backend)?
                .remove((pk.as_str(), sk.as_str()))
                .map_err(backend)?;
            txn.commit().map_err(backend)
        })
        .await
    }

    async fn query(&self, pk: &str, prefix: &str, query: Query) -> Result<Page, StoreError> {
        let (pk, prefix) = (pk.to_owned(), prefix.to_owned());
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            let now = now_secs();
            let limit = if query.limit == 0 {
                usize::MAX
            } else {
                query.limit
            };
            // Only the keys the page can hold are read: the range is bounded by the prefix and
            // the cursor, walked from the page's first key.
            use std::ops::Bound::{Excluded, Included};
            let upper = format!("{prefix}\u{10FFFF}");
            let (pk_s, prefix_s) = (pk.as_str(), prefix.as_str());
            let (low, high) = match (&query.after, query.descending) {
                (Some(after), false) => (
                    Excluded((pk_s, after.as_str())),
                    Included((pk_s, upper.as_str())),
                ),
                (Some(after), true) => {
                    (Included((pk_s, prefix_s)), Excluded((pk_s, after.as_str())))
                }
                (None, _) => (Included((pk_s, prefix_s)), Included((pk_s, upper.as_str()))),
            };
            let range = table.range::<(&str, &str)>((low, high)).map_err(backend)?;
            let entries: Box<dyn Iterator<Item = _>> = if query.descending {
                Box::new(range.rev())
            } else {
                Box::new(range)
            };
            let mut items = Vec::new();
            let mut more = false;
            for entry in entries {
                let (key, value) = entry.map_err(backend)?;
                let (item_pk, sk) = key.value();
                if item_pk != pk || !sk.starts_with(prefix_s) {
                    continue;
                }
                let item = decode(&pk, sk, value.value())?;
                if !is_live(item.expires_at, now) {
                    continue;
                }
                if items.len() == limit {
                    more = true;
                    break;
                }
                items.push(item);
            }
            let next = if more {
                items.last().map(|i| i.sk.clone())
            } else {
                None
            };
            Ok(Page { items, next })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_damaged_and_locked_files_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"").unwrap();
        let err = EmbeddedStore::open_file(dir.path()).err().unwrap();
        assert!(matches!(err, OpenError::Damaged { .. }), "{err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "not reset");

        std::fs::remove_file(&path).unwrap();
        let open = EmbeddedStore::open_file(dir.path()).unwrap();
        let err = EmbeddedStore::open_file(dir.path()).err().unwrap();
        assert!(err.is_locked(), "{err}");
        drop(open);

        let mut bytes = std::fs::read(&path).unwrap();
        bytes[..8].copy_from_slice(&[0xA5; 8]);
        std::fs::write(&path, &bytes).unwrap();
        let err = EmbeddedStore::open_file(dir.path()).err().unwrap();
        assert!(matches!(err, OpenError::Damaged { .. }), "{err}");
        assert!(!err.is_locked());
    }
}
