//! The domain repository: rooms, moderators, bans, audit entries and slow mode, as items of
//! the single-table layout. Written once, over any [`Store`] adapter.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Condition, Item, Query, Store, StoreError, now_secs};
use crate::domain::records::{
    AuditEntry, Ban, ChatMessage, HeldMessage, Moderator, Profile, RoomRecord, SentMessage,
};

const META: &str = "META";
const MOD: &str = "MOD#";
const BAN: &str = "BAN#";
const AUDIT: &str = "AUDIT#";
const SLOW: &str = "SLOW#";
const PROFILE: &str = "PROFILE";
const MSG: &str = "MSG#";
const HIST: &str = "HIST#";
const HELD: &str = "HELD#";
const HELD_DONE: &str = "HELDDONE#";
/// How long the backend remembers who sent a message (at least: as long as history keeps it).
const SENT_MESSAGE_TTL_SECS: i64 = 24 * 3600;
/// How long a held message waits for a moderator before it is dropped.
pub const HELD_TTL_SECS: i64 = 3600;
/// How many held messages a room's queue holds at most: past it, messages the rules would
/// hold are refused (`HELD_QUEUE_FULL`) until moderators catch up or the hour passes.
pub const HELD_PER_ROOM: usize = 500;
/// How many held messages one sender may have waiting: past it, their messages the rules
/// would hold are refused like spam (`TOO_MANY_HELD`), so one viewer cannot bury the others.
pub const HELD_PER_SENDER: usize = 5;
/// The secret that authenticates history cursors: 32 bytes (244 random bits, two v4 UUIDs
/// from the OS generator), made once per table.
const CURSOR_KEY_PK: &str = "KEY#cursor";
/// A room being created: its record-to-be, until the IVS room exists and is recorded.
const PENDING_TTL_SECS: i64 = 24 * 3600;

fn pending_pk(pending_id: &str) -> String {
    format!("PENDING#{pending_id}")
}

fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

fn room_pk(room_id: &str) -> String {
    format!("ROOM#{room_id}")
}

fn to_data<T: Serialize>(value: &T) -> Result<Map<String, Value>, StoreError> {
    match serde_json::to_value(value).map_err(|e| StoreError::Backend(e.to_string()))? {
        Value::Object(map) => Ok(map),
        _ => Err(StoreError::Backend("records serialize to objects".into())),
    }
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_json::from_value(Value::Object(item.data)).map_err(|e| StoreError::Backend(e.to_string()))
}

/// Whether slow mode let a message through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlowMode {
    Allowed,
    /// Too soon: the sender may write again in this many milliseconds (or less).
    Wait,
}

/// A user's standing in a room as the store records it ([`ChatStore::standing`]).
#[derive(Debug, Default)]
pub struct Standing {
    pub room: Option<RoomRecord>,
    /// On the room's moderator list.
    pub moderator: bool,
    /// Their ban in the room, if it is in force now.
    pub ban: Option<Ban>,
    pub profile: Option<Profile>,
}

/// A page of a room's history, newest first.
pub struct HistoryPage {
    pub messages: Vec<ChatMessage>,
    /// Pass back as `before` for the next (older) page.
    pub next: Option<String>,
}

/// What a full trim of history did: messages it kept (the room's history now, as far as this
/// writer knows) and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trimmed {
    pub kept: usize,
    pub dropped: usize,
}

/// The sort key of a message in history: delivery time first, so `sk` order is time order.
fn history_sk(send_time: i64, message_id: &str) -> String {
    format!("{HIST}{send_time:015}#{message_id}")
}

pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass back as `before` for the next (older) page.
    pub next: Option<String>,
}

/// A page of the held queue, in the order asked for.
pub struct HeldPage {
    pub held: Vec<HeldMessage>,
    /// The held id to pass back as `after` for the next page, when more may follow.
    pub next: Option<String>,
}

#[derive(Clone)]
pub struct ChatStore<S> {
    store: S,
    /// The cursor key once read (clones share it: one read per instance).
    cursor_key: std::sync::Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl<S: Store> ChatStore<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            cursor_key: Default::default(),
        }
    }

    /// The table's cursor key: read once per instance, created by the first reader that finds
    /// none (a conditional put, so two first readers agree on one key).
    pub async fn cursor_key(&self) -> Result<Vec<u8>, StoreError> {
        self.cursor_key
            .get_or_try_init(|| async {
                let read = |item: Item| {
                    item.data
                        .get("key")
                        .and_then(Value::as_str)
                        .and_then(crate::hex::decode)
                        .ok_or_else(|| StoreError::Backend("the cursor key is damaged".into()))
                };
                if let Some(item) = self.store.get(CURSOR_KEY_PK, META).await? {
                    return read(item);
                }
                // Two v4 UUIDs: 244 random bits from the OS generator.
                let key: Vec<u8> = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
                    .iter()
                    .flat_map(|u| *u.as_bytes())
                    .collect();
                let hex = crate::hex::encode(&key);
                let item = Item {
                    pk: CURSOR_KEY_PK.to_owned(),
                    sk: META.to_owned(),
                    expires_at: None,
                    data: Map::from_iter([("key".to_owned(), Value::from(hex))]),
                };
                match self.store.put(item, Condition::Absent).await {
                    Ok(()) => Ok(key),
                    Err(StoreError::ConditionFailed) => {
                        let item = self.store.get(CURSOR_KEY_PK, META).await?;
                        read(
                            item.ok_or_else(|| {
                                StoreError::Backend("the cursor key vanished".into())
                            })?,
                        )
                    }
                    Err(err) => Err(err),
                }
            })
            .await
            .cloned()
    }

    pub fn port(&self) -> &S {
        &self.store
    }

    /// A page of the room's items whose key starts with `prefix`.
    async fn room_page(
        &self,
        room_id: &str,
        prefix: &str,
        limit: usize,
        after: Option<String>,
        descending: bool,
    ) -> Result<super::Page, StoreError> {
        let query = Query {
            limit,
            after,
            descending,
        };
        self.store.query(&room_pk(room_id), prefix, query).await
    }

    // ---- rooms -----------------------------------------------------------------------------

    /// Records a new room; `ConditionFailed` if it is already recorded.
    pub async fn create_room(&self, room: &RoomRecord) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(&room.room_id),
            sk: META.into(),
            expires_at: None,
            data: to_data(room)?,
        };
        self.store.put(item, Condition::Absent).await
    }

    /// Writes down a room about to be created in IVS (its id and ARN still empty), so that a
    /// crash after IVS creates it can be finished from here. Expires after a day.
    pub async fn put_pending_room(
        &self,
        pending_id: &str,
        room: &RoomRecord,
    ) -> Result<(), StoreError> {
        let item = Item {
            pk: pending_pk(pending_id),
            sk: META.into(),
            expires_at: Some(now_secs() + PENDING_TTL_SECS),
            data: to_data(room)?,
        };
        self.store.put(item, Condition::Always).await
    }

    pub async fn pending_room(&self, pending_id: &str) -> Result<Option<RoomRecord>, StoreError> {
        match self.store.get(&pending_pk(pending_id), META).await? {
            Some(item) => from_item(item).map(Some),
            None => Ok(None),
        }
    }

    pub async fn delete_pending_room(&self, pending_id: &str) -> Result<(), StoreError> {
        self.store.delete(&pending_pk(pending_id), META).await
    }

    pub async fn room(&self, room_id: &str) -> Result<Option<RoomRecord>, StoreError> {
        match self.store.get(&room_pk(room_id), META).await? {
            Some(item) => from_item(item).map(Some),
            None => Ok(None),
        }
    }

    /// Saves changes to a recorded room; `ConditionFailed` if it is not recorded.
    pub async fn update_room(&self, room: &RoomRecord) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(&room.room_id),
            sk: META.into(),
            expires_at: None,
            data: to_data(room)?,
        };
        self.store.put(item, Condition::Exists).await
    }

    /// Removes everything recorded about a room (its record last, so a retry finds it).
    pub async fn delete_room(&self, room_id: &str) -> Result<(), StoreError> {
        let pk = room_pk(room_id);
        loop {
            let page = self
                .store
                .query(
                    &pk,
                    "",
                    Query {
                        limit: 100,
                        ..Default::default()
                    },
                )
                .await?;
            let children: Vec<&Item> = page.items.iter().filter(|i| i.sk != META).collect();
            for item in &children {
                self.store.delete(&pk, &item.sk).await?;
            }
            if children.is_empty() {
                break;
            }
        }
        self.store.delete(&pk, META).await
    }

    // ---- moderators ------------------------------------------------------------------------

    pub async fn add_moderator(
        &self,
        room_id: &str,
        moderator: &Moderator,
    ) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{MOD}{}", moderator.user_id),
            expires_at: None,
            data: to_data(moderator)?,
        };
        self.store.put(item, Condition::Always).await
    }

    pub async fn remove_moderator(&self, room_id: &str, user_id: &str) -> Result<(), StoreError> {
        self.store
            .delete(&room_pk(room_id), &format!("{MOD}{user_id}"))
            .await
    }

    /// Everything a user's standing in a room rests on, in one read (one BatchGetItem on
    /// DynamoDB, where four reads would be four requests): the room, whether the user is on its
    /// moderator list, their ban there if it is still in force, and their profile.
    pub async fn standing(&self, room_id: &str, user_id: &str) -> Result<Standing, StoreError> {
        let (room, moderator, ban, profile) = (
            room_pk(room_id),
            format!("{MOD}{user_id}"),
            format!("{BAN}{user_id}"),
            user_pk(user_id),
        );
        let keys = [
            (room.as_str(), META),
            (room.as_str(), moderator.as_str()),
            (room.as_str(), ban.as_str()),
            (profile.as_str(), PROFILE),
        ];
        let mut items = self.store.get_many(&keys).await?.into_iter();
        let mut next = || items.next().flatten();
        let (room, moderator, ban, profile) = (next(), next(), next(), next());
        let now = crate::time::now_millis();
        Ok(Standing {
            room: room.map(from_item).transpose()?,
            moderator: moderator.is_some(),
            ban: ban
                .map(from_item::<Ban>)
                .transpose()?
                .filter(|ban| ban.is_active(now)),
            profile: profile.map(from_item).transpose()?,
        })
    }

    pub async fn is_moderator(&self, room_id: &str, user_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .store
            .get(&room_pk(room_id), &format!("{MOD}{user_id}"))
            .await?
            .is_some())
    }

    pub async fn moderators(&self, room_id: &str) -> Result<Vec<Moderator>, StoreError> {
        let page = self
            .store
            .query(&room_pk(room_id), MOD, Query::default())
            .await?;
        page.items.into_iter().map(from_item).collect()
    }

    // ---- users -----------------------------------------------------------------------------

    /// Records what the user's identity says now (display name, admin or not).
    pub async fn put_profile(&self, profile: &Profile) -> Result<(), StoreError> {
        let item = Item {
            pk: user_pk(&profile.user_id),
            sk: PROFILE.to_owned(),
            expires_at: None,
            data: to_data(profile)?,
        };
        self.store.put(item, Condition::Always).await
    }

    pub async fn profile(&self, user_id: &str) -> Result<Option<Profile>, StoreError> {
        self.store
            .get(&user_pk(user_id), PROFILE)
            .await?
            .map(from_item)
            .transpose()
    }

    // ---- messages --------------------------------------------------------------------------

    /// Remembers who sent a delivered message (for a day, or as long as history keeps it).
    pub async fn put_sent_message(
        &self,
        room_id: &str,
        message: &SentMessage,
        keep_secs: i64,
    ) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{MSG}{}", message.message_id),
            expires_at: Some(now_secs() + keep_secs.max(SENT_MESSAGE_TTL_SECS)),
            data: to_data(message)?,
        };
        self.store.put(item, Condition::Always).await
    }

    pub async fn sent_message(
        &self,
        room_id: &str,
        message_id: &str,
    ) -> Result<Option<SentMessage>, StoreError> {
        self.store
            .get(&room_pk(room_id), &format!("{MSG}{message_id}"))
            .await?
            .map(from_item)
            .transpose()
    }

    // ---- history ---------------------------------------------------------------------------

    /// Keeps a delivered message in the room's history for `keep_secs` (DynamoDB TTL).
    pub async fn put_history(
        &self,
        room_id: &str,
        message: &ChatMessage,
        keep_secs: i64,
    ) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: history_sk(message.send_time, &message.id),
            expires_at: Some(message.send_time / 1000 + keep_secs),
            data: to_data(message)?,
        };
        self.store.put(item, Condition::Always).await
    }

    /// Records a delivered message: its sender (for deletions) and, when `keep_secs` > 0, its
    /// place in history; the two writes go out together.
    pub async fn record_delivery(
        &self,
        room_id: &str,
        sent: &SentMessage,
        message: &ChatMessage,
        keep_secs: i64,
    ) -> Result<(), StoreError> {
        let sender = self.put_sent_message(room_id, sent, keep_secs);
        if keep_secs <= 0 {
            return sender.await;
        }
        let (a, b) = tokio::join!(sender, self.put_history(room_id, message, keep_secs));
        a.and(b)
    }

    /// Newest first, `limit` at a time, none older than `since` (Unix ms); `before` is a
    /// previous page's `next`.
    pub async fn history(
        &self,
        room_id: &str,
        limit: usize,
        before: Option<String>,
        since: i64,
    ) -> Result<HistoryPage, StoreError> {
        let page = self.room_page(room_id, HIST, limit, before, true).await?;
        let messages: Vec<ChatMessage> = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        let complete = messages.iter().all(|m| m.send_time >= since);
        Ok(HistoryPage {
            messages: messages
                .into_iter()
                .filter(|m| m.send_time >= since)
                .collect(),
            next: page.next.filter(|_| complete),
        })
    }

    /// Takes a message out of history (a deletion); nothing happens if it is not there.
    pub async fn delete_history(&self, room_id: &str, message_id: &str) -> Result<(), StoreError> {
        if let Some(sent) = self.sent_message(room_id, message_id).await? {
            self.store
                .delete(&room_pk(room_id), &history_sk(sent.at, message_id))
                .await?;
        }
        Ok(())
    }

    /// Drops the history beyond the newest `keep` messages (at most `batch` per call).
    pub async fn trim_history(
        &self,
        room_id: &str,
        keep: usize,
        batch: usize,
    ) -> Result<Trimmed, StoreError> {
        let page = self
            .room_page(room_id, HIST, keep + batch, None, true)
            .await?;
        let kept = page.items.len().min(keep);
        let mut dropped = 0;
        for item in page.items.into_iter().skip(keep) {
            self.store.delete(&item.pk, &item.sk).await?;
            dropped += 1;
        }
        Ok(Trimmed { kept, dropped })
    }

    /// Drops the `n` oldest messages of history: how a writer that knows it added at least `n`
    /// messages past the cap keeps the cap without reading the newest ones (a few keys read).
    pub async fn drop_oldest_history(&self, room_id: &str, n: usize) -> Result<usize, StoreError> {
        let page = self.room_page(room_id, HIST, n, None, false).await?;
        for item in &page.items {
            self.store.delete(&item.pk, &item.sk).await?;
        }
        Ok(page.items.len())
    }

    /// Takes a user's messages out of the newest `scan` of history; returns their ids.
    pub async fn purge_history(
        &self,
        room_id: &str,
        user_id: &str,
        scan: usize,
    ) -> Result<Vec<String>, StoreError> {
        let page = self.room_page(room_id, HIST, scan, None, true).await?;
        let mut purged = Vec::new();
        for item in page.items {
            let (pk, sk) = (item.pk.clone(), item.sk.clone());
            let message: ChatMessage = from_item(item)?;
            if message.sender.user_id == user_id {
                self.store.delete(&pk, &sk).await?;
                purged.push(message.id);
            }
        }
        Ok(purged)
    }

    // ---- held messages ---------------------------------------------------------------------

    /// Queues a message for a moderator; it expires after [`HELD_TTL_SECS`].
    pub async fn put_held(&self, room_id: &str, held: &HeldMessage) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{HELD}{}", held.held_id),
            expires_at: Some(now_secs() + HELD_TTL_SECS),
            data: to_data(held)?,
        };
        self.store.put(item, Condition::Always).await
    }

    pub async fn held(
        &self,
        room_id: &str,
        held_id: &str,
    ) -> Result<Option<HeldMessage>, StoreError> {
        self.store
            .get(&room_pk(room_id), &format!("{HELD}{held_id}"))
            .await?
            .map(from_item)
            .transpose()
    }

    /// The queue, oldest first.
    pub async fn held_queue(
        &self,
        room_id: &str,
        limit: usize,
    ) -> Result<Vec<HeldMessage>, StoreError> {
        let page = self.room_page(room_id, HELD, limit, None, false).await?;
        page.items.into_iter().map(from_item).collect()
    }

    /// A page of the queue, oldest first or newest first, resuming after the held id `after`.
    pub async fn held_page(
        &self,
        room_id: &str,
        limit: usize,
        after: Option<&str>,
        newest_first: bool,
    ) -> Result<HeldPage, StoreError> {
        let after = after.map(|id| format!("{HELD}{id}"));
        let page = self
            .room_page(room_id, HELD, limit, after, newest_first)
            .await?;
        Ok(HeldPage {
            held: page
                .items
                .into_iter()
                .map(from_item)
                .collect::<Result<_, _>>()?,
            next: page
                .next
                .and_then(|sk| sk.strip_prefix(HELD).map(str::to_owned)),
        })
    }

    /// Drops every held message of `user_id` (a ban): returns how many.
    pub async fn drop_held_of(&self, room_id: &str, user_id: &str) -> Result<usize, StoreError> {
        let queue = self.held_queue(room_id, HELD_PER_ROOM * 2).await?;
        let mut dropped = 0;
        for held in queue.iter().filter(|h| h.message.sender.user_id == user_id) {
            self.delete_held(room_id, &held.held_id).await?;
            dropped += 1;
        }
        Ok(dropped)
    }

    /// Claims a held message for one decision: `ConditionFailed` if another moderator already
    /// decided it (two approvals must not deliver it twice).
    pub async fn claim_held(&self, room_id: &str, held_id: &str) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{HELD_DONE}{held_id}"),
            expires_at: Some(now_secs() + HELD_TTL_SECS),
            data: Map::new(),
        };
        self.store.put(item, Condition::Absent).await
    }

    /// Gives a claim back (the decision could not be carried out).
    pub async fn release_held(&self, room_id: &str, held_id: &str) -> Result<(), StoreError> {
        self.store
            .delete(&room_pk(room_id), &format!("{HELD_DONE}{held_id}"))
            .await
    }

    pub async fn delete_held(&self, room_id: &str, held_id: &str) -> Result<(), StoreError> {
        self.store
            .delete(&room_pk(room_id), &format!("{HELD}{held_id}"))
            .await
    }

    // ---- bans and timeouts -----------------------------------------------------------------

    /// Records a ban (or a timeout, which expires by TTL when it ends).
    pub async fn put_ban(&self, room_id: &str, ban: &Ban) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{BAN}{}", ban.user_id),
            // Round up: the record must outlive the timeout, never the reverse.
            expires_at: ban.until.map(|until| (until + 999) / 1000),
            data: to_data(ban)?,
        };
        self.store.put(item, Condition::Always).await
    }

    /// The user's ban or timeout in the room, if one is in force.
    pub async fn active_ban(
        &self,
        room_id: &str,
        user_id: &str,
    ) -> Result<Option<Ban>, StoreError> {
        let Some(item) = self
            .store
            .get(&room_pk(room_id), &format!("{BAN}{user_id}"))
            .await?
        else {
            return Ok(None);
        };
        let ban: Ban = from_item(item)?;
        Ok(ban.is_active(crate::time::now_millis()).then_some(ban))
    }

    pub async fn delete_ban(&self, room_id: &str, user_id: &str) -> Result<(), StoreError> {
        self.store
            .delete(&room_pk(room_id), &format!("{BAN}{user_id}"))
            .await
    }

    pub async fn active_bans(&self, room_id: &str) -> Result<Vec<Ban>, StoreError> {
        let now = crate::time::now_millis();
        let page = self
            .store
            .query(&room_pk(room_id), BAN, Query::default())
            .await?;
        let bans: Vec<Ban> = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        Ok(bans.into_iter().filter(|b| b.is_active(now)).collect())
    }

    // ---- audit log -------------------------------------------------------------------------

    pub async fn append_audit(&self, room_id: &str, entry: &AuditEntry) -> Result<(), StoreError> {
        let item = Item {
            pk: room_pk(room_id),
            // Zero-padded time first: `sk` order is time order.
            sk: format!("{AUDIT}{:015}#{}", entry.at, entry.id),
            expires_at: None,
            data: to_data(entry)?,
        };
        self.store.put(item, Condition::Always).await
    }

    /// Records a moderation action taken now.
    pub async fn audit_now(
        &self,
        room_id: &str,
        actor: &str,
        action: crate::domain::records::AuditAction,
        target: Option<&str>,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.append_audit(room_id, &AuditEntry::now(actor, action, target, reason))
            .await
    }

    /// Newest entries first, `limit` at a time; `before` is a previous page's `next`.
    pub async fn audit(
        &self,
        room_id: &str,
        limit: usize,
        before: Option<String>,
    ) -> Result<AuditPage, StoreError> {
        let page = self.room_page(room_id, AUDIT, limit, before, true).await?;
        Ok(AuditPage {
            entries: page
                .items
                .into_iter()
                .map(from_item)
                .collect::<Result<_, _>>()?,
            next: page.next,
        })
    }

    // ---- slow mode -------------------------------------------------------------------------

    /// Lets a user's message through if their last one was at least `seconds` ago, recording
    /// this one; one conditional write, so concurrent review instances agree.
    pub async fn slow_mode(
        &self,
        room_id: &str,
        user_id: &str,
        seconds: u32,
    ) -> Result<SlowMode, StoreError> {
        let now = crate::time::now_millis();
        let mut data = Map::new();
        data.insert("last".into(), Value::from(now));
        let item = Item {
            pk: room_pk(room_id),
            sk: format!("{SLOW}{user_id}"),
            expires_at: Some(now_secs() + i64::from(seconds) + 1),
            data,
        };
        let condition = Condition::AbsentOrAtMost {
            attribute: "last",
            max: now - i64::from(seconds) * 1000,
        };
        match self.store.put(item, condition).await {
            Ok(()) => Ok(SlowMode::Allowed),
            Err(StoreError::ConditionFailed) => Ok(SlowMode::Wait),
            Err(err) => Err(err),
        }
    }
}
