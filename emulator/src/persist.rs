//! Durable state for `--data-dir`: one redb database, one ACID transaction per change.
//!
//! redb commits with an fsync'd copy-on-write B-tree, so a `kill -9` at any moment leaves
//! either the state before a change or the state after it. Without a data dir, nothing is
//! written and the state lives in memory only.
//!
//! A state file that cannot be read is refused ([`BadStateFile`]), never reset: an
//! empty file is refused before redb would initialise it, and a damaged one (redb panics on
//! some damage rather than returning an error) is opened and read on a thread of its own, its
//! panic caught and kept quiet.

use std::path::{Path, PathBuf};
use std::sync::Once;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{LoggingConfiguration, Room, Timestamp};
use crate::seal::{KEY_LEN, Sealer};

const ROOMS: TableDefinition<&str, &[u8]> = TableDefinition::new("rooms");
const LOGGING_CONFIGURATIONS: TableDefinition<&str, &[u8]> =
    TableDefinition::new("logging_configurations");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Chat tokens already used to connect (their single-use key), with when they expire (Unix
/// nanoseconds): a used token stays refused across restarts until it would have expired.
const USED_TOKENS: TableDefinition<&str, i64> = TableDefinition::new("used_tokens");
const SEALING_KEY: &str = "sealing_key";

const STATE_FILE: &str = "state.redb";
/// The thread the state file is opened on: its panics are caught, and not printed.
const OPEN_THREAD: &str = "ivschat-state-open";

/// The state file exists but cannot be used: the operator must restore or remove it.
#[derive(Debug, thiserror::Error)]
#[error(
    "the state file {} cannot be used ({problem}): restore it from a backup, or remove it to \
     start with an empty state",
    path.display()
)]
pub struct BadStateFile {
    pub path: PathBuf,
    pub problem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error(transparent)]
    BadFile(BadStateFile),
    #[error("the state file {} is open in another process: stop that one first", path.display())]
    InUse { path: PathBuf },
    #[error("persistence: {0}")]
    Failed(String),
}

fn fail(err: impl std::fmt::Display) -> PersistError {
    PersistError::Failed(err.to_string())
}

/// Installs (once) a panic hook that keeps the state-opening thread's panics quiet and hands
/// every other panic to the hook that was there before.
fn quiet_open_thread_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(OPEN_THREAD) {
                previous(info);
            }
        }));
    });
}

/// Where changes go: nowhere (in memory) or a redb file.
pub enum Persistence {
    Memory,
    Disk(Database),
}

/// Everything read back at start-up.
pub struct Loaded {
    pub rooms: Vec<Room>,
    pub logging_configurations: Vec<LoggingConfiguration>,
    pub sealing_key: [u8; KEY_LEN],
    /// Used tokens that have not expired yet: (key, expiry).
    pub used_tokens: Vec<(String, Timestamp)>,
}

impl Persistence {
    /// Opens (or creates) `dir/state.redb` and reads the whole state.
    pub fn open(dir: &Path) -> Result<(Self, Loaded), PersistError> {
        std::fs::create_dir_all(dir).map_err(fail)?;
        let path = dir.join(STATE_FILE);
        let bad = |problem: String| {
            PersistError::BadFile(BadStateFile {
                path: path.clone(),
                problem,
            })
        };
        // redb would take an empty file for a new database: everything in it would be lost.
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(bad("the file is empty".to_owned()));
        }
        quiet_open_thread_panics();
        let opening = path.clone();
        let opened = std::thread::Builder::new()
            .name(OPEN_THREAD.to_owned())
            .spawn(move || Self::open_file(&opening))
            .map_err(fail)?
            .join();
        match opened {
            Ok(Ok(opened)) => Ok(opened),
            Ok(Err(PersistError::Failed(problem))) => Err(bad(problem)),
            Ok(Err(err)) => Err(err),
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unreadable".to_owned());
                Err(bad(format!("damaged: {}", detail.replace('\n', " "))))
            }
        }
    }

    fn open_file(path: &Path) -> Result<(Self, Loaded), PersistError> {
        let db = Database::create(path).map_err(|err| match err {
            redb::DatabaseError::DatabaseAlreadyOpen => PersistError::InUse {
                path: path.to_owned(),
            },
            err => fail(err),
        })?;
        // Create the tables (and the sealing key) on first start, in one transaction.
        let txn = db.begin_write().map_err(fail)?;
        {
            txn.open_table(ROOMS).map_err(fail)?;
            txn.open_table(LOGGING_CONFIGURATIONS).map_err(fail)?;
            let now = Timestamp::now().unix_nanos();
            txn.open_table(USED_TOKENS)
                .map_err(fail)?
                .retain(|_, expires| expires > now)
                .map_err(fail)?;
            let mut meta = txn.open_table(META).map_err(fail)?;
            if meta.get(SEALING_KEY).map_err(fail)?.is_none() {
                meta.insert(SEALING_KEY, &Sealer::random_key()[..])
                    .map_err(fail)?;
            }
        }
        txn.commit().map_err(fail)?;

        let read = db.begin_read().map_err(fail)?;
        let rooms = read_all(&read.open_table(ROOMS).map_err(fail)?)?;
        let logging_configurations =
            read_all(&read.open_table(LOGGING_CONFIGURATIONS).map_err(fail)?)?;
        let meta = read.open_table(META).map_err(fail)?;
        let key = meta
            .get(SEALING_KEY)
            .map_err(fail)?
            .ok_or_else(|| fail("sealing key missing"))?;
        let sealing_key: [u8; KEY_LEN] = key
            .value()
            .try_into()
            .map_err(|_| fail("sealing key has the wrong length"))?;
        drop(meta);
        let mut used_tokens = Vec::new();
        for entry in read
            .open_table(USED_TOKENS)
            .map_err(fail)?
            .iter()
            .map_err(fail)?
        {
            let (key, expires) = entry.map_err(fail)?;
            used_tokens.push((
                key.value().to_owned(),
                Timestamp::from_unix_nanos(expires.value()),
            ));
        }
        drop(read);
        Ok((
            Self::Disk(db),
            Loaded {
                rooms,
                logging_configurations,
                sealing_key,
                used_tokens,
            },
        ))
    }

    pub fn put_room(&self, room: &Room) -> Result<(), PersistError> {
        self.put(ROOMS, &room.id, room)
    }

    pub fn delete_room(&self, id: &str) -> Result<(), PersistError> {
        self.delete(ROOMS, id)
    }

    pub fn put_logging_configuration(&self, c: &LoggingConfiguration) -> Result<(), PersistError> {
        self.put(LOGGING_CONFIGURATIONS, &c.id, c)
    }

    pub fn delete_logging_configuration(&self, id: &str) -> Result<(), PersistError> {
        self.delete(LOGGING_CONFIGURATIONS, id)
    }

    /// Records a token as used (before its connection is accepted), and every so often drops
    /// the entries of tokens that have expired since.
    pub fn put_used_token(
        &self,
        key: &str,
        expires: Timestamp,
        prune: bool,
    ) -> Result<(), PersistError> {
        let Self::Disk(db) = self else { return Ok(()) };
        let txn = db.begin_write().map_err(fail)?;
        {
            let mut table = txn.open_table(USED_TOKENS).map_err(fail)?;
            if prune {
                let now = Timestamp::now().unix_nanos();
                table.retain(|_, expires| expires > now).map_err(fail)?;
            }
            table.insert(key, expires.unix_nanos()).map_err(fail)?;
        }
        txn.commit().map_err(fail)
    }

    fn put<T: Serialize>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        id: &str,
        value: &T,
    ) -> Result<(), PersistError> {
        let Self::Disk(db) = self else { return Ok(()) };
        let bytes = serde_json::to_vec(value).map_err(fail)?;
        let txn = db.begin_write().map_err(fail)?;
        txn.open_table(table)
            .map_err(fail)?
            .insert(id, bytes.as_slice())
            .map_err(fail)?;
        txn.commit().map_err(fail)
    }

    fn delete(&self, table: TableDefinition<&str, &[u8]>, id: &str) -> Result<(), PersistError> {
        let Self::Disk(db) = self else { return Ok(()) };
        let txn = db.begin_write().map_err(fail)?;
        txn.open_table(table)
            .map_err(fail)?
            .remove(id)
            .map_err(fail)?;
        txn.commit().map_err(fail)
    }
}

fn read_all<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Vec<T>, PersistError> {
    let mut out = Vec::new();
    for entry in table.iter().map_err(fail)? {
        let (_, value) = entry.map_err(fail)?;
        out.push(serde_json::from_slice(value.value()).map_err(fail)?);
    }
    Ok(out)
}
