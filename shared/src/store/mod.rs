//! The store: one table of items keyed by `pk`/`sk` (the single-table layout), behind a small
//! port with two adapters — [`DynamoStore`] (AWS) and [`EmbeddedStore`] (a durable file, for
//! the local stack) — and [`ChatStore`], the domain repository over either.
//!
//! Layout (`docs/ARCHITECTURE.md`): `ROOM#{id}` / `META` (owner, name, policy) · `MOD#{user}` ·
//! `BAN#{user}` (until, reason, by; TTL for timeouts) · `AUDIT#{time}#{id}` · `SLOW#{user}`
//! (last message time, conditional write for slow mode). `expiresAt` is the TTL attribute.
//!
//! The port's contract, checked by one conformance suite against both adapters
//! (`tests/store_conformance.rs`): expired items are never returned and count as absent for
//! conditions (DynamoDB deletes expired items lazily), conditional writes are atomic, and
//! queries walk one partition in `sk` order with a resumable cursor.

mod dynamo;
mod embedded;
mod repository;

use std::future::Future;

use serde_json::{Map, Value};

pub use dynamo::{DynamoStore, TableError};
pub use embedded::{EmbeddedStore, OpenError};
pub use repository::{
    AuditPage, ChatStore, HELD_PER_ROOM, HELD_PER_SENDER, HELD_TTL_SECS, HeldPage, HistoryPage,
    SlowMode, Standing, Trimmed,
};

/// One item: its key, its TTL (Unix seconds, as DynamoDB TTL wants), its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub pk: String,
    pub sk: String,
    pub expires_at: Option<i64>,
    pub data: Map<String, Value>,
}

/// When a put may happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Always,
    /// No live item has the key.
    Absent,
    /// A live item has the key.
    Exists,
    /// No live item has the key, or its numeric `attribute` is at most `max`.
    AbsentOrAtMost {
        attribute: &'static str,
        max: i64,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Query {
    pub limit: usize,
    /// Resume after this `sk` (the `next` of the previous page).
    pub after: Option<String>,
    /// Highest `sk` first.
    pub descending: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// The `sk` to resume after, when more items may follow.
    pub next: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("the write's condition does not hold")]
    ConditionFailed,
    #[error("store: {0}")]
    Backend(String),
}

/// The store port. Adapters are cheap handles (clones share the connection or the file), so a
/// background task can own one.
pub trait Store: Send + Sync + Clone + 'static {
    fn get(
        &self,
        pk: &str,
        sk: &str,
    ) -> impl Future<Output = Result<Option<Item>, StoreError>> + Send;
    fn put(
        &self,
        item: Item,
        condition: Condition,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete(&self, pk: &str, sk: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Items of partition `pk` whose `sk` starts with `prefix`, in `sk` order.
    fn query(
        &self,
        pk: &str,
        prefix: &str,
        query: Query,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;
    /// Several items by key, as one read where the store can (DynamoDB's BatchGetItem: one
    /// request instead of one each), answered in the order asked, `None` where there is none.
    fn get_many(
        &self,
        keys: &[(&str, &str)],
    ) -> impl Future<Output = Result<Vec<Option<Item>>, StoreError>> + Send;
}

/// Unix seconds now, the unit of `expiresAt`.
pub fn now_secs() -> i64 {
    crate::time::now_millis() / 1000
}

fn is_live(expires_at: Option<i64>, now: i64) -> bool {
    expires_at.is_none_or(|t| t > now)
}
