//! Live chat state: the rooms that have connections, their broadcast channels, members and
//! message-rate windows, the tokens already used, and the shutdown signal connections watch.
//!
//! Fan-out: each live room has one `tokio::sync::broadcast` channel. A frame is rendered once,
//! sent once, and every connection's task reads the same `Utf8Bytes` (a reference count, not a
//! copy). The broadcast is lossy by design: a connection that falls too far behind is closed.
//!
//! Control (disconnect a user, close the room) must never be lost, so it does not travel on the
//! broadcast: each connection is a member of its room with its own control channel, which it
//! watches even while a write to a slow socket is pending.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{Notify, broadcast, watch};

use crate::model::Timestamp;

/// Deliveries a connection may fall behind by before it is closed: ten seconds of a room at
/// its maximum rate (100 messages/s), with room for events.
const ROOM_CHANNEL_CAPACITY: usize = 1024;

/// One broadcast frame: a MESSAGE or EVENT, and for an `aws:DISCONNECT_USER` event the user
/// whose connections close right after writing it.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub frame: Utf8Bytes,
    pub closes: Option<Arc<str>>,
}

/// What must reach one connection whatever its backlog.
#[derive(Clone, Debug)]
pub enum Control {
    /// A moderator disconnected this connection's user: the connection writes `frame` (the
    /// `aws:DISCONNECT_USER` event, also broadcast) unless it already has, then closes 1000.
    /// The broadcast alone would do for a connection that keeps up; this reaches one that
    /// does not.
    DisconnectUser { frame: Utf8Bytes },
    /// The room is gone: close.
    CloseRoom,
}

struct Member {
    user_id: Arc<str>,
    control: Arc<ControlSlot>,
}

/// One connection's pending control: the first one wins (every control closes), and a slot
/// is a few words where a channel would be a block of slots, for each of 10,000 connections.
#[derive(Default)]
struct ControlSlot {
    control: Mutex<Option<Control>>,
    set: Notify,
}

/// The receiving side of a connection's control slot.
pub struct Controls(Arc<ControlSlot>);

impl Controls {
    /// Waits for the connection's control (returns at once if one is already there).
    pub async fn recv(&mut self) -> Control {
        loop {
            let set = self.0.set.notified();
            if let Some(control) = self.try_recv() {
                return control;
            }
            set.await;
        }
    }

    pub fn try_recv(&self) -> Option<Control> {
        self.0
            .control
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// A room with live connections.
pub struct LiveRoom {
    deliveries: broadcast::Sender<Delivery>,
    members: Mutex<HashMap<u64, Member>>,
    sent: Mutex<VecDeque<Instant>>,
}

impl LiveRoom {
    fn new() -> Self {
        Self {
            deliveries: broadcast::channel(ROOM_CHANNEL_CAPACITY).0,
            members: Mutex::new(HashMap::new()),
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// A rendered MESSAGE or EVENT frame for every connection.
    pub fn deliver(&self, frame: Utf8Bytes) {
        self.broadcast(Delivery {
            frame,
            closes: None,
        });
    }

    fn broadcast(&self, delivery: Delivery) {
        // No receivers is not an error: nobody is connected right now.
        let _ = self.deliveries.send(delivery);
    }

    /// Sends a control to the members `who` selects.
    fn control(&self, who: impl Fn(&Member) -> bool, control: &Control) {
        let members = self.members.lock().unwrap_or_else(PoisonError::into_inner);
        for member in members.values().filter(|m| who(m)) {
            let mut slot = member
                .control
                .control
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // One already waiting closes the connection too: this one adds nothing.
            if slot.is_none() {
                *slot = Some(control.clone());
                member.control.set.notify_one();
            }
        }
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

/// A connection's place in a live room: its deliveries, its controls, and its count in the
/// totals. When the last connection of a room leaves, the live room goes (it only lives while
/// someone is in it). The fields are public so that a connection can wait on its controls
/// while it reads its deliveries.
pub struct Membership {
    pub deliveries: Deliveries,
    pub controls: Controls,
    id: u64,
    room: Arc<LiveRoom>,
    room_id: String,
    shared: Arc<Shared>,
}

/// The room's frames, as one connection reads them.
pub struct Deliveries(Option<broadcast::Receiver<Delivery>>);

impl Deliveries {
    pub async fn recv(&mut self) -> Result<Delivery, broadcast::error::RecvError> {
        match self.0.as_mut() {
            Some(deliveries) => deliveries.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }

    pub fn try_recv(&mut self) -> Result<Delivery, broadcast::error::TryRecvError> {
        match self.0.as_mut() {
            Some(deliveries) => deliveries.try_recv(),
            None => Err(broadcast::error::TryRecvError::Closed),
        }
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.room
            .members
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
        // Unsubscribe first, so the count below no longer includes this connection.
        self.deliveries.0.take();
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
    next_member: AtomicU64,
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
                next_member: AtomicU64::new(0),
                idle: Notify::new(),
            }),
            used_tokens: Mutex::new(HashMap::new()),
            shutdown: watch::channel(false).0,
        }
    }
}

impl Live {
    /// Joins a room's live deliveries and controls (creating the live room for its first
    /// connection).
    pub fn join(&self, room_id: &str, user_id: &str) -> (Arc<LiveRoom>, Membership) {
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
        let deliveries = room.deliveries.subscribe();
        drop(rooms);
        let control = Arc::new(ControlSlot::default());
        let controls = Controls(control.clone());
        let id = self.shared.next_member.fetch_add(1, Ordering::Relaxed);
        room.members
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                id,
                Member {
                    user_id: user_id.into(),
                    control,
                },
            );
        self.shared.connections.fetch_add(1, Ordering::AcqRel);
        let membership = Membership {
            deliveries: Deliveries(Some(deliveries)),
            controls,
            id,
            room: room.clone(),
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

    /// Delivers `frame` (the user's `aws:DISCONNECT_USER` event) to the room, then closes every
    /// connection of the user: on the broadcast, in order, and by control, never lost.
    pub fn disconnect_user(&self, room_id: &str, user_id: &str, frame: Utf8Bytes) {
        if let Some(room) = self.existing_room(room_id) {
            room.broadcast(Delivery {
                frame: frame.clone(),
                closes: Some(user_id.into()),
            });
            room.control(
                |m| *m.user_id == *user_id,
                &Control::DisconnectUser { frame },
            );
        }
    }

    /// Closes every connection of a deleted room.
    pub fn remove_room(&self, room_id: &str) {
        if let Some(room) = self.existing_room(room_id) {
            room.control(|_| true, &Control::CloseRoom);
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
        let (_, first) = live.join("room", "a");
        let (_, second) = live.join("room", "b");
        assert_eq!(live.connections(), 2);
        drop(first);
        assert!(live.existing_room("room").is_some());
        drop(second);
        assert!(live.existing_room("room").is_none());
        assert_eq!(live.connections(), 0);
    }

    #[test]
    fn controls_reach_only_the_named_user_and_survive_a_full_broadcast() {
        let live = Live::default();
        let (room, alice) = live.join("room", "alice");
        let (_, bob) = live.join("room", "bob");
        for _ in 0..ROOM_CHANNEL_CAPACITY * 2 {
            room.deliver("frame".into());
        }
        live.disconnect_user("room", "alice", "bye".into());
        assert!(matches!(
            alice.controls.try_recv(),
            Some(Control::DisconnectUser { .. })
        ));
        assert!(bob.controls.try_recv().is_none());
        live.remove_room("room");
        assert!(matches!(bob.controls.try_recv(), Some(Control::CloseRoom)));
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
