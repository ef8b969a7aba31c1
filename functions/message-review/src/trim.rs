//! Keeping a room's history to its `historyMessages` cap, off the review's path.
//!
//! Every [`TRIM_EVERY`] messages an instance records in a room, it trims that room's history in
//! a background task (IVS's 200 ms budget is the review's alone). One trim in
//! [`FULL_TRIM_EVERY`] — and the first, and any while the room's size is unknown — reads the
//! newest `historyMessages` and drops what lies beyond (at most [`FULL_TRIM_BATCH`]), and
//! learns how many the room holds. The others drop only what the room holds past the cap as
//! this instance counts it (what the full trim kept, plus what it recorded since): a few keys
//! read, so the cap costs little, and a room under its cap loses nothing. Other instances'
//! messages are not in this count, so a busy room may stand a little over its cap until the
//! next full trim; never under it (deletions by moderators and TTL aside).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chat_core::store::{ChatStore, Store};

use crate::cache::REMEMBERED;
use crate::failed;

const TRIM_EVERY: u32 = 25;
const FULL_TRIM_EVERY: u32 = 40;
const FULL_TRIM_BATCH: usize = 500;

/// Which trim a room's history is due.
#[derive(Debug, PartialEq, Eq)]
enum Trim {
    Full,
    Oldest(usize),
}

#[derive(Default)]
struct RoomCount {
    recorded: u32,
    trims: u32,
    /// How many messages the room's history holds as this instance counts them (`None` until
    /// a full trim has told it, and while one is under way).
    size: Option<usize>,
}

type Rooms = Arc<Mutex<HashMap<String, RoomCount>>>;

/// Per room: messages recorded since its history was last trimmed, trims so far, its size.
#[derive(Default)]
pub(crate) struct TrimCounter {
    rooms: Rooms,
}

impl TrimCounter {
    /// Counts a message recorded in a room whose cap is `keep`; says which trim, if any, is due.
    fn due(&self, room_id: &str, keep: usize) -> Option<Trim> {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if rooms.len() >= REMEMBERED {
            rooms.clear();
        }
        let room = rooms.entry(room_id.to_owned()).or_default();
        room.recorded += 1;
        if let Some(size) = room.size.as_mut() {
            *size += 1;
        }
        if room.recorded < TRIM_EVERY {
            return None;
        }
        let full = room.trims.is_multiple_of(FULL_TRIM_EVERY);
        room.trims += 1;
        room.recorded = 0;
        match room.size {
            Some(size) if !full => {
                let over = size.saturating_sub(keep);
                room.size = Some(size - over);
                (over > 0).then_some(Trim::Oldest(over))
            }
            _ => {
                room.size = None;
                Some(Trim::Full)
            }
        }
    }

    /// Counts one recorded message and, when a trim is due, runs it in the background down to
    /// `keep` messages. In Lambda the task finishes during the instance's next invocations.
    pub fn recorded<S: Store>(&self, store: &ChatStore<S>, room_id: &str, keep: usize) {
        let Some(trim) = self.due(room_id, keep) else {
            return;
        };
        let (store, rooms) = (store.clone(), self.rooms.clone());
        let room_id = room_id.to_owned();
        tokio::spawn(async move {
            let trimmed = match trim {
                Trim::Full => store
                    .trim_history(&room_id, keep, FULL_TRIM_BATCH)
                    .await
                    .map(|trimmed| {
                        let mut rooms = rooms.lock().unwrap_or_else(PoisonError::into_inner);
                        if let Some(room) = rooms.get_mut(&room_id) {
                            // What was recorded while the trim ran is counted on top.
                            room.size = Some(trimmed.kept + room.recorded as usize);
                        }
                    }),
                Trim::Oldest(n) => store.drop_oldest_history(&room_id, n).await.map(drop),
            };
            if let Err(err) = trimmed {
                failed("trim");
                tracing::error!(%err, "history not trimmed");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records `n` messages; returns the trims that came due.
    fn record(counter: &TrimCounter, n: usize, keep: usize) -> Vec<Trim> {
        (0..n).filter_map(|_| counter.due("room", keep)).collect()
    }

    fn full_trim_kept(counter: &TrimCounter, kept: usize) {
        let mut rooms = counter.rooms.lock().unwrap();
        let room = rooms.get_mut("room").unwrap();
        room.size = Some(kept + room.recorded as usize);
    }

    #[test]
    fn a_room_under_its_cap_loses_nothing() {
        let counter = TrimCounter::default();
        assert_eq!(record(&counter, 25, 200), [Trim::Full]);
        full_trim_kept(&counter, 25);
        // 25 → 175 messages: under the cap of 200, no trim drops any.
        assert!(record(&counter, 150, 200).is_empty());
        // 225: the 25 past the cap go, and only they.
        assert_eq!(record(&counter, 50, 200), [Trim::Oldest(25)]);
        assert_eq!(record(&counter, 25, 200), [Trim::Oldest(25)]);
    }

    #[test]
    fn an_unknown_size_asks_for_a_full_trim() {
        let counter = TrimCounter::default();
        assert_eq!(record(&counter, 25, 200), [Trim::Full]);
        // The full trim has not answered yet (or failed): the next is full again.
        assert_eq!(record(&counter, 25, 200), [Trim::Full]);
    }

    #[test]
    fn a_full_trim_comes_round_again() {
        let counter = TrimCounter::default();
        assert_eq!(record(&counter, 25, 10), [Trim::Full]);
        full_trim_kept(&counter, 10);
        let trims = record(&counter, 25 * FULL_TRIM_EVERY as usize, 10);
        assert_eq!(trims.iter().filter(|t| **t == Trim::Full).count(), 1);
        assert_eq!(trims.last(), Some(&Trim::Full));
    }
}
