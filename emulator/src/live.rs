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

/// Deliveries a connection may fall behind by before it starts skipping frames.
const ROOM_CHANNEL_CAPACITY: usize = 4096;

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

/// Counts a connection for as long as it lives.
pub struct ConnectionGuard {
    live: Arc<LiveShared>,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        if self.live.connections.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.live.idle.notify_waiters();
        }
    }
}

struct LiveShared {
    connections: AtomicUsize,
    idle: Notify,
}

pub struct Live {
    rooms: Mutex<HashMap<String, Arc<LiveRoom>>>,
    /// Tokens already used to connect, until they expire (single use).
    used_tokens: Mutex<HashMap<String, Timestamp>>,
    shared: Arc<LiveShared>,
    shutdown: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            rooms: Mutex::new(HashMap::new()),
            used_tokens: Mutex::new(HashMap::new()),
            shared: Arc::new(LiveShared {
                connections: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
            shutdown: watch::channel(false).0,
        }
    }
}

impl Live {
    /// The live room, created on first use.
    pub fn room(&self, room_id: &str) -> Arc<LiveRoom> {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        rooms
            .entry(room_id.to_owned())
            .or_insert_with(|| Arc::new(LiveRoom::new()))
            .clone()
    }

    /// The live room if anyone ever connected to it.
    pub fn existing_room(&self, room_id: &str) -> Option<Arc<LiveRoom>> {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        rooms.get(room_id).cloned()
    }

    /// Closes every connection of a deleted room and forgets it.
    pub fn remove_room(&self, room_id: &str) {
        let removed = self
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(room_id);
        if let Some(room) = removed {
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

    pub fn connection_guard(&self) -> ConnectionGuard {
        self.shared.connections.fetch_add(1, Ordering::AcqRel);
        ConnectionGuard {
            live: self.shared.clone(),
        }
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
    fn tokens_are_single_use() {
        let live = Live::default();
        let later = Timestamp::now().plus_secs(60);
        assert!(live.use_token("abc", later));
        assert!(!live.use_token("abc", later));
        assert!(live.use_token("abd", later));
    }
}
