//! What one instance remembers between messages, so the hot path touches the store as little
//! as possible: each room's compiled policy, each sender's ban (or its absence), each
//! sender's last message, and how full each room's held queue is. Every map is bounded; a poisoned lock is used as is (the data is a
//! cache, never a source of truth).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chat_core::domain::records::Ban;
use chat_core::store::{ChatStore, Store};
use chat_core::store::{HELD_PER_ROOM, HELD_PER_SENDER};
use chat_moderation::{CompiledPolicy, fingerprint};

use crate::failed;

/// How long an instance trusts its copy of a room's policy.
pub const POLICY_CACHE_TTL: Duration = Duration::from_secs(5);
/// How long an instance trusts what it read of a sender's ban, or its absence. The API writes a
/// ban before it acknowledges it, so from this long after a ban is acknowledged no instance lets
/// the user's messages through — inside the one second the product promises.
pub const BAN_CACHE_TTL: Duration = Duration::from_millis(500);
/// How many rooms or senders each map remembers before it forgets the stale ones.
pub(crate) const REMEMBERED: usize = 10_000;

/// (room id, user id)
type RoomUser = (String, String);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Each room's compiled policy, trusted for [`POLICY_CACHE_TTL`].
pub(crate) struct PolicyCache {
    default: Arc<CompiledPolicy>,
    rooms: Mutex<HashMap<String, (Instant, Arc<CompiledPolicy>)>>,
}

impl PolicyCache {
    pub fn new(default: CompiledPolicy) -> Self {
        Self {
            default: Arc::new(default),
            rooms: Mutex::new(HashMap::new()),
        }
    }

    /// The room's compiled policy; the default when the room has none (or the store cannot
    /// be read: the review must still answer).
    pub async fn get<S: Store>(&self, store: &ChatStore<S>, room_id: &str) -> Arc<CompiledPolicy> {
        let cached = lock(&self.rooms).get(room_id).cloned();
        if let Some((at, policy)) = cached
            && at.elapsed() < POLICY_CACHE_TTL
        {
            return policy;
        }
        let policy = match store.room(room_id).await {
            Ok(Some(room)) => match room.policy {
                Some(policy) => Arc::new(CompiledPolicy::new(policy)),
                None => self.default.clone(),
            },
            Ok(None) => self.default.clone(),
            Err(err) => {
                failed("policy_read");
                tracing::error!(%err, room_id, "room policy unavailable; applying the default");
                return self.default.clone();
            }
        };
        let mut rooms = lock(&self.rooms);
        if rooms.len() >= REMEMBERED {
            rooms.retain(|_, (at, _)| at.elapsed() < POLICY_CACHE_TTL);
        }
        rooms.insert(room_id.to_owned(), (Instant::now(), policy.clone()));
        policy
    }
}

/// Each sender's ban as last read, or its absence, trusted for [`BAN_CACHE_TTL`].
#[derive(Default)]
pub(crate) struct BanCache {
    senders: Mutex<HashMap<RoomUser, (Instant, Option<Ban>)>>,
}

impl BanCache {
    /// The sender's ban in the room, if any. If the store cannot be read the message goes on
    /// (a store outage must not silence every room), unless a ban was read before.
    pub async fn get<S: Store>(
        &self,
        store: &ChatStore<S>,
        room_id: &str,
        user_id: &str,
    ) -> Option<Ban> {
        let key = (room_id.to_owned(), user_id.to_owned());
        let now = Instant::now();
        let cached = lock(&self.senders).get(&key).cloned();
        if let Some((at, ban)) = &cached
            && now.duration_since(*at) < BAN_CACHE_TTL
        {
            return ban.clone();
        }
        let ban = match store.active_ban(room_id, user_id).await {
            Ok(ban) => ban,
            Err(err) => {
                failed("ban_read");
                tracing::error!(%err, room_id, "bans unavailable");
                return cached.and_then(|(_, ban)| ban);
            }
        };
        let mut senders = lock(&self.senders);
        if senders.len() >= REMEMBERED {
            senders.retain(|_, (at, _)| now.duration_since(*at) < BAN_CACHE_TTL);
        }
        senders.insert(key, (now, ban.clone()));
        ban
    }
}

/// Each sender's last message (fingerprint, when) per room, for the repeat check.
#[derive(Default)]
pub(crate) struct RecentMessages {
    last: Mutex<HashMap<RoomUser, (String, Instant)>>,
}

impl RecentMessages {
    /// Whether the sender said the same thing within `window`; remembers this message.
    pub fn repeated(&self, room_id: &str, user_id: &str, content: &str, window: Duration) -> bool {
        let now = Instant::now();
        let print = fingerprint(content);
        let mut last = lock(&self.last);
        if last.len() >= REMEMBERED {
            last.retain(|_, (_, at)| now.duration_since(*at) < window);
        }
        let key = (room_id.to_owned(), user_id.to_owned());
        let repeated = last
            .get(&key)
            .is_some_and(|(previous, at)| *previous == print && now.duration_since(*at) < window);
        last.insert(key, (print, now));
        repeated
    }
}

/// How long an instance trusts what it read of a room's held queue.
pub const HELD_QUEUE_TTL: Duration = Duration::from_secs(2);

/// Why a message the rules would hold is refused instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueueFull {
    /// The sender has [`HELD_PER_SENDER`] messages waiting.
    Sender,
    /// The room's queue holds [`HELD_PER_ROOM`].
    Room,
}

impl QueueFull {
    pub fn reason(self) -> &'static str {
        match self {
            Self::Sender => "TOO_MANY_HELD",
            Self::Room => "HELD_QUEUE_FULL",
        }
    }
}

/// Per room: how many held messages wait, in all and per sender, as last read (at most every
/// [`HELD_QUEUE_TTL`]) plus what this instance held since. Instances do not see each other's
/// holds until they read again, so a burst spread over many instances may pass a cap by a
/// few; one instance never does.
#[derive(Default)]
pub(crate) struct HeldCounts {
    rooms: Mutex<HashMap<String, (Instant, HeldBySender)>>,
}

/// Held messages waiting, per sender.
type HeldBySender = HashMap<String, usize>;

impl HeldCounts {
    /// Takes a place in the room's queue for the sender's message, or says which cap is full.
    /// If the queue cannot be read, the message is held (a hold never delivers anything).
    pub async fn take_place<S: Store>(
        &self,
        store: &ChatStore<S>,
        room_id: &str,
        user_id: &str,
    ) -> Result<(), QueueFull> {
        let fresh = lock(&self.rooms)
            .get(room_id)
            .is_some_and(|(at, _)| at.elapsed() < HELD_QUEUE_TTL);
        if !fresh {
            match store.held_queue(room_id, HELD_PER_ROOM).await {
                Ok(queue) => {
                    let mut senders: HashMap<String, usize> = HashMap::new();
                    for held in &queue {
                        *senders
                            .entry(held.message.sender.user_id.clone())
                            .or_default() += 1;
                    }
                    let mut rooms = lock(&self.rooms);
                    if rooms.len() >= REMEMBERED {
                        rooms.retain(|_, (at, _)| at.elapsed() < HELD_QUEUE_TTL);
                    }
                    rooms.insert(room_id.to_owned(), (Instant::now(), senders));
                }
                Err(err) => {
                    failed("held_count");
                    tracing::error!(%err, room_id, "held queue unreadable; holding anyway");
                    return Ok(());
                }
            }
        }
        let mut rooms = lock(&self.rooms);
        let Some((_, senders)) = rooms.get_mut(room_id) else {
            return Ok(());
        };
        if senders.values().sum::<usize>() >= HELD_PER_ROOM {
            return Err(QueueFull::Room);
        }
        let mine = senders.entry(user_id.to_owned()).or_default();
        if *mine >= HELD_PER_SENDER {
            return Err(QueueFull::Sender);
        }
        *mine += 1;
        Ok(())
    }
}
