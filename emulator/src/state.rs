//! The emulator's resources in memory, with the indexes the list operations need.
//!
//! Locking discipline: the service holds one `RwLock<State>`. Reads (Get, List, token checks)
//! take it shared; a change takes it exclusively for the whole validate → persist → apply
//! sequence, so what is on disk and what is in memory never disagree.

use std::collections::{BTreeMap, HashMap};

use crate::model::{LoggingConfiguration, Room};

/// One kind of resource: records by id, plus an index by revision for newest-first listing.
pub struct Table<T> {
    by_id: HashMap<String, T>,
    by_revision: BTreeMap<u64, String>,
}

/// What a table needs to know about its records.
pub trait Record {
    fn id(&self) -> &str;
    fn revision(&self) -> u64;
}

impl Record for Room {
    fn id(&self) -> &str {
        &self.id
    }
    fn revision(&self) -> u64 {
        self.revision
    }
}

impl Record for LoggingConfiguration {
    fn id(&self) -> &str {
        &self.id
    }
    fn revision(&self) -> u64 {
        self.revision
    }
}

impl<T: Record> Default for Table<T> {
    fn default() -> Self {
        Self {
            by_id: HashMap::new(),
            by_revision: BTreeMap::new(),
        }
    }
}

impl<T: Record> Table<T> {
    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.by_id.values()
    }

    /// Inserts or replaces a record, keeping the revision index in step.
    pub fn put(&mut self, record: T) {
        if let Some(old) = self.by_id.get(record.id()) {
            self.by_revision.remove(&old.revision());
        }
        self.by_revision
            .insert(record.revision(), record.id().to_owned());
        self.by_id.insert(record.id().to_owned(), record);
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let old = self.by_id.remove(id)?;
        self.by_revision.remove(&old.revision());
        Some(old)
    }

    /// Records newest first (highest revision first), starting below `before` when given.
    pub fn newest_first(&self, before: Option<u64>) -> impl Iterator<Item = &T> {
        let upper = before.unwrap_or(u64::MAX);
        self.by_revision
            .range(..upper)
            .rev()
            .filter_map(|(_, id)| self.by_id.get(id))
    }
}

#[derive(Default)]
pub struct State {
    pub rooms: Table<Room>,
    pub logging_configurations: Table<LoggingConfiguration>,
    last_revision: u64,
}

impl State {
    pub fn new(rooms: Vec<Room>, logging_configurations: Vec<LoggingConfiguration>) -> Self {
        let mut state = Self::default();
        for room in rooms {
            state.last_revision = state.last_revision.max(room.revision);
            state.rooms.put(room);
        }
        for config in logging_configurations {
            state.last_revision = state.last_revision.max(config.revision);
            state.logging_configurations.put(config);
        }
        state
    }

    /// The revision for the next change. Call only under the write lock.
    pub fn next_revision(&mut self) -> u64 {
        self.last_revision += 1;
        self.last_revision
    }

    /// The rooms that use a logging configuration (by ARN).
    pub fn rooms_using(&self, logging_configuration_arn: &str) -> impl Iterator<Item = &Room> {
        self.rooms.values().filter(move |room| {
            room.logging_configuration_identifiers
                .iter()
                .any(|arn| arn == logging_configuration_arn)
        })
    }
}
