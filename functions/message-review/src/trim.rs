//! Keeping a room's history to its `historyMessages` cap, off the review's path.
//!
//! Every [`TRIM_EVERY`] messages an instance records in a room, it trims that room's history in
//! a background task (IVS's 200 ms budget is the review's alone). One trim in
//! [`FULL_TRIM_EVERY`] reads the newest `historyMessages` and drops what lies beyond (at most
//! [`FULL_TRIM_BATCH`]); the others drop as many of the oldest as this instance added since —
//! a few keys read, so the cap costs little. After a full trim the room holds at most the cap,
//! and each instance then removes no more than it added, so the newest `historyMessages` stay
//! (deletions by moderators and TTL aside, which only make a trim remove a little early).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chat_core::store::{ChatStore, Store};

use crate::cache::REMEMBERED;
use crate::failed;

const TRIM_EVERY: u32 = 25;
const FULL_TRIM_EVERY: u32 = 40;
const FULL_TRIM_BATCH: usize = 500;

/// Which trim a room's history is due.
enum Trim {
    Full,
    Oldest(usize),
}

#[derive(Default)]
struct RoomCount {
    recorded: u32,
    trims: u32,
}

/// Per room: messages recorded since its history was last trimmed, and trims so far.
#[derive(Default)]
pub(crate) struct TrimCounter {
    rooms: Mutex<HashMap<String, RoomCount>>,
}

impl TrimCounter {
    /// Counts a message recorded in the room's history; says which trim, if any, is due.
    fn due(&self, room_id: &str) -> Option<Trim> {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if rooms.len() >= REMEMBERED {
            rooms.clear();
        }
        let room = rooms.entry(room_id.to_owned()).or_default();
        room.recorded += 1;
        if room.recorded < TRIM_EVERY {
            return None;
        }
        let trim = if room.trims.is_multiple_of(FULL_TRIM_EVERY) {
            Trim::Full
        } else {
            Trim::Oldest(room.recorded as usize)
        };
        room.trims += 1;
        room.recorded = 0;
        Some(trim)
    }

    /// Counts one recorded message and, when a trim is due, runs it in the background down to
    /// `keep` messages. In Lambda the task finishes during the instance's next invocations.
    pub fn recorded<S: Store>(&self, store: &ChatStore<S>, room_id: &str, keep: usize) {
        let Some(trim) = self.due(room_id) else {
            return;
        };
        let store = store.clone();
        let room_id = room_id.to_owned();
        tokio::spawn(async move {
            let trimmed = match trim {
                Trim::Full => store.trim_history(&room_id, keep, FULL_TRIM_BATCH).await,
                Trim::Oldest(n) => store.drop_oldest_history(&room_id, n).await,
            };
            if let Err(err) = trimmed {
                failed("trim");
                tracing::error!(%err, "history not trimmed");
            }
        });
    }
}
