//! The embedded adapter: one redb file (ACID, crash-safe), the same items as in DynamoDB.
//! For the local stack, where there is no AWS account.

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde_json::{Map, Value};

use super::{Condition, Item, Page, Query, Store, StoreError, is_live, now_secs};

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
        std::fs::create_dir_all(dir).map_err(backend)?;
        let db = Database::create(dir.join("store.redb")).map_err(backend)?;
        let txn = db.begin_write().map_err(backend)?;
        txn.open_table(ITEMS).map_err(backend)?;
        txn.commit().map_err(backend)?;
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
            let start = (pk.as_str(), prefix.as_str());
            let mut keys_in_partition = Vec::new();
            for entry in table.range(start..).map_err(backend)? {
                let (key, value) = entry.map_err(backend)?;
                let (item_pk, item_sk) = key.value();
                if item_pk != pk || !item_sk.starts_with(prefix.as_str()) {
                    break;
                }
                keys_in_partition.push((item_sk.to_owned(), value.value().to_vec()));
            }
            if query.descending {
                keys_in_partition.reverse();
            }
            let mut items = Vec::new();
            let mut more = false;
            for (sk, bytes) in keys_in_partition {
                if let Some(after) = &query.after {
                    let past = if query.descending {
                        &sk < after
                    } else {
                        &sk > after
                    };
                    if !past {
                        continue;
                    }
                }
                let item = decode(&pk, &sk, &bytes)?;
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
