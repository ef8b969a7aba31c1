//! Live chat state: the rooms that have connections, their broadcast channels and message-rate
//! windows, the tokens already used, and the shutdown signal connections watch.
//!
//! Fan-out: each live room has one `tokio::sync::broadcast` channel. A frame is rendered once,
//! sent once, and every connection's task reads the same `Utf8Bytes` (a reference count, not a
//! copy). Control deliveries (disconnect a user, close the room) travel on the same channel, so
//! they reach each connection in order after the frames sent before them.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{Notify, broadcast, watch};

use crate::model::Timestamp;

/// Deliveries a connection may fall behind by before it starts skipping frames: ten seconds
/// of a room at its maximum rate (100 messages/s), with room for events.
const ROOM_CHANNEL_CAPACITY: usize = 1024;

#[derive(Clone, Debug)]
pub enum Delivery {
    /// A rendered MESSAGE or EVENT frame for every connection.
    Frame(Utf8Bytes),
    /// Close every connection of this user (after the `aws:DISCONNECT_USER` frame before it).
    DisconnectUser(Arc<str>),
    /// The room is gone: close every connection.
    CloseRoom,
}

/// A room with live connections.
pub struct LiveRoom {
    deliveries: broadcast::Sender<Delivery>,
    sent: Mutex<VecDeque<Instant>>,
}

impl LiveRoom {
    fn new() -> Self {
        Self {
            deliveries: broadcast::channel(ROOM_CHANNEL_CAPACITY).0,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
        self.deliveries.subscribe()
    }

    pub fn deliver(&self, delivery: Delivery) {
        // No receivers is not an error: nobody is connected right now.
        let _ = self.deliveries.send(delivery);
    }

    /// Takes one slot of the room's message rate (all senders together, per rolling second).
    pub fn try_take_rate(&self, per_second: u32) -> bool {
        let now = Instant::now();
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        while sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            sent.pop_front();
        }
        if sent.len() >= per_second as usize {
            return false;
        }
        sent.push_back(now);
        true
    }
}

/// A connection's place in a live room: its deliveries, and its count in the totals. When the
/// last connection of a room leaves, the live room goes (it only lives while someone is in it).
pub struct Membership {
    deliveries: Option<broadcast::Receiver<Delivery>>,
    room_id: String,
    shared: Arc<Shared>,
}

impl Membership {
    pub async fn recv(&mut self) -> Result<Delivery, broadcast::error::RecvError> {
        match self.deliveries.as_mut() {
            Some(deliveries) => deliveries.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }

    pub fn try_recv(&mut self) -> Result<Delivery, broadcast::error::TryRecvError> {
        match self.deliveries.as_mut() {
            Some(deliveries) => deliveries.try_recv(),
            None => Err(broadcast::error::TryRecvError::Closed),
        }
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        // Unsubscribe first, so the count below no longer includes this connection.
        self.deliveries.take();
        {
            let mut rooms = self
                .shared
                .rooms
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if rooms
                .get(&self.room_id)
                .is_some_and(|room| room.deliveries.receiver_count() == 0)
            {
                rooms.remove(&self.room_id);
            }
        }
        if self.shared.connections.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.idle.notify_waiters();
        }
    }
}

struct Shared {
    rooms: Mutex<HashMap<String, Arc<LiveRoom>>>,
    connections: AtomicUsize,
    idle: Notify,
}

pub struct Live {
    shared: Arc<Shared>,
    /// Tokens already used to connect, until they expire (single use).
    used_tokens: Mutex<HashMap<String, Timestamp>>,
    shutdown: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            shared: Arc::new(Shared {
                rooms: Mutex::new(HashMap::new()),
                connections: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
            used_tokens: Mutex::new(HashMap::new()),
            shutdown: watch::channel(false).0,
        }
    }
}

impl Live {
    /// Joins a room's live deliveries (creating the live room for its first connection).
    pub fn join(&self, room_id: &str) -> (Arc<LiveRoom>, Membership) {
        let mut rooms = self
            .shared
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let room = rooms
            .entry(room_id.to_owned())
            .or_insert_with(|| Arc::new(LiveRoom::new()))
            .clone();
        // Subscribed under the lock: a leaving connection cannot remove the room in between.
        let deliveries = room.subscribe();
        drop(rooms);
        self.shared.connections.fetch_add(1, Ordering::AcqRel);
        let membership = Membership {
            deliveries: Some(deliveries),
            room_id: room_id.to_owned(),
            shared: self.shared.clone(),
        };
        (room, membership)
    }

    /// The live room, if anyone is connected to it.
    pub fn existing_room(&self, room_id: &str) -> Option<Arc<LiveRoom>> {
        let rooms = self
            .shared
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        rooms.get(room_id).cloned()
    }

    /// Closes every connection of a deleted room.
    pub fn remove_room(&self, room_id: &str) {
        if let Some(room) = self.existing_room(room_id) {
            room.deliver(Delivery::CloseRoom);
        }
    }

    /// Marks a token used; false if it was used before. Expired entries are pruned as we go.
    pub fn use_token(&self, key: &str, expires: Timestamp) -> bool {
        let mut used = self
            .used_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if used.len() >= 1024 && used.len().is_power_of_two() {
            let now = Timestamp::now();
            used.retain(|_, exp| *exp > now);
        }
        used.insert(key.to_owned(), expires).is_none()
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Acquire)
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells every connection to close, then waits (up to `grace`) until they have.
    pub async fn close_all(&self, grace: Duration) {
        self.shutdown.send_replace(true);
        let wait = async {
            loop {
                let idle = self.shared.idle.notified();
                if self.connections() == 0 {
                    return;
                }
                idle.await;
            }
        };
        let _ = tokio::time::timeout(grace, wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_window_counts_all_senders_per_second() {
        let room = LiveRoom::new();
        assert!((0..3).all(|_| room.try_take_rate(3)));
        assert!(!room.try_take_rate(3));
    }

    #[test]
    fn a_live_room_lives_while_someone_is_in_it() {
        let live = Live::default();
        let (_, first) = live.join("room");
        let (_, second) = live.join("room");
        assert_eq!(live.connections(), 2);
        drop(first);
        assert!(live.existing_room("room").is_some());
        drop(second);
        assert!(live.existing_room("room").is_none());
        assert_eq!(live.connections(), 0);
    }

    #[test]
    fn tokens_are_single_use() {
        let live = Live::default();
        let later = Timestamp::now().plus_secs(60);
        assert!(live.use_token("abc", later));
        assert!(!live.use_token("abc", later));
        assert!(live.use_token("abd", later));
    }
}
