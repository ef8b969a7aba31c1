//! Chat logging: while a room has ACTIVE logging configurations, every MESSAGE and EVENT it
//! delivers is recorded in the IVS log record format, under `--log-dir`, laid out per
//! destination as the real destinations would hold it:
//!
//! - S3: gzip objects `s3/<bucket>/AWSLogs/<account>/IVSChatLogs/1.0/<region>/room_<id>/YYYY/MM/DD/HH/<file>.log.gz`;
//! - CloudWatch Logs: `cloudwatch-logs/<group>/aws/IVSChatLogs/1.0/room_<id>` (the log stream), one record per line;
//! - Firehose: `firehose/<delivery stream>`, one record per line.
//!
//! One writer task owns every file. S3 objects are written every second (as S3 delivery
//! batches them) and on shutdown; [`ChatLog::close`] drains everything, so nothing is lost on
//! a clean stop. Append-only files are closed when idle, when their room is deleted and past a
//! cap, so room churn cannot exhaust descriptors (they reopen in append mode when needed).
//! Write failures are counted ([`ChatLog::write_errors`]) and logged once per run of failures.
//!
//! Names become paths inside the log directory whatever their length: a name whose encoding
//! fits one path component is that component; a longer one is split over several, under a
//! `%+` directory no short name can produce.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::model::{Destination, Timestamp};

const S3_FLUSH_INTERVAL: Duration = Duration::from_secs(1);
/// An append-only file not written for this long is closed.
const FILE_IDLE: Duration = Duration::from_secs(3);
/// At most this many append-only files open at once (the least recently written goes first).
const MAX_OPEN_FILES: usize = 64;
/// Longest path component written (Linux's NAME_MAX is 255 bytes), and the longest piece of
/// a split name (shorter, so an escape is never cut in two).
const MAX_COMPONENT: usize = 255;
const MAX_PIECE: usize = 240;

/// One frame to record, with where it goes.
pub struct LogRecord {
    pub room_id: String,
    pub destinations: Vec<Destination>,
    pub kind: RecordKind,
    /// The exact frame delivered to clients.
    pub payload: String,
    pub time: Timestamp,
}

#[derive(Clone, Copy, Debug)]
pub enum RecordKind {
    Message,
    Event,
}

impl LogRecord {
    /// `{"event_timestamp", "type", "version", "payload"}`, one line.
    fn line(&self) -> String {
        let kind = match self.kind {
            RecordKind::Message => "MESSAGE",
            RecordKind::Event => "EVENT",
        };
        let payload: serde_json::Value =
            serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null);
        let mut line = serde_json::json!({
            "event_timestamp": self.time.to_iso8601_millis(),
            "type": kind,
            "version": "1.0",
            "payload": payload,
        })
        .to_string();
        line.push('\n');
        line
    }
}

pub struct ChatLog {
    sender: Mutex<Option<mpsc::UnboundedSender<Command>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    errors: Arc<AtomicU64>,
}

/// What the writer task is asked to do, in order.
enum Command {
    Record(LogRecord),
    /// The room is gone: close its files now.
    RoomDeleted(String),
}

impl ChatLog {
    /// Starts the writer; without a directory, records are dropped (there is nowhere to put them).
    pub fn start(dir: Option<PathBuf>, account_id: String, region: String) -> Self {
        let errors = Arc::new(AtomicU64::new(0));
        let Some(dir) = dir else {
            return Self {
                sender: Mutex::new(None),
                writer: Mutex::new(None),
                errors,
            };
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        let writer = Writer {
            dir,
            account_id,
            region,
            s3: HashMap::new(),
            files: HashMap::new(),
            errors: errors.clone(),
            failing: HashSet::new(),
        };
        Self {
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(tokio::spawn(writer.run(receiver)))),
            errors,
        }
    }

    pub fn record(&self, record: LogRecord) {
        if record.destinations.is_empty() {
            return;
        }
        self.send(Command::Record(record));
    }

    /// Closes the deleted room's files (after the records sent before this call).
    pub fn room_deleted(&self, room_id: &str) {
        self.send(Command::RoomDeleted(room_id.to_owned()));
    }

    /// Records (per destination) and S3 objects that could not be written since start.
    pub fn write_errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    fn send(&self, command: Command) {
        if let Some(sender) = self
            .sender
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = sender.send(command);
        }
    }

    /// Stops taking records, writes everything out, and returns when it is on disk.
    pub async fn close(&self) {
        drop(self.sender.lock().unwrap_or_else(|e| e.into_inner()).take());
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = writer {
            let _ = writer.await;
        }
    }
}

struct Writer {
    dir: PathBuf,
    account_id: String,
    region: String,
    /// Pending S3 lines per (bucket, room).
    s3: HashMap<(String, String), String>,
    /// Open append-only files (CloudWatch streams, Firehose streams).
    files: HashMap<PathBuf, OpenFile>,
    errors: Arc<AtomicU64>,
    /// Destinations whose last write failed: a run of failures is logged once, not per record.
    failing: HashSet<String>,
}

struct OpenFile {
    file: File,
    last_write: Instant,
    /// Written since the last sync.
    dirty: bool,
    /// The room whose stream this is (CloudWatch); Firehose streams are shared by rooms.
    room_id: Option<String>,
}

/// A name as one path component: never `.`/`..`, never a separator.
fn component(name: &str) -> String {
    match name {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => name.replace('%', "%25").replace('/', "%2F"),
    }
}

/// A name as a relative path inside its destination's directory: one component when it fits
/// (the layout real destinations' names have always had here), else `%+/<piece>/<piece>…`
/// with every `.` escaped too, so no piece is `.`, `..` or empty.
fn name_path(name: &str) -> PathBuf {
    let short = component(name);
    if short.len() <= MAX_COMPONENT {
        return PathBuf::from(short);
    }
    let mut path = PathBuf::from("%+");
    let mut piece = String::new();
    for c in name.chars() {
        let escaped = match c {
            '%' => "%25".to_owned(),
            '/' => "%2F".to_owned(),
            '.' => "%2E".to_owned(),
            c => c.to_string(),
        };
        if piece.len() + escaped.len() > MAX_PIECE {
            path.push(std::mem::take(&mut piece));
        }
        piece.push_str(&escaped);
    }
    if !piece.is_empty() {
        path.push(piece);
    }
    path
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::UnboundedReceiver<Command>) {
        let mut tick = tokio::time::interval(S3_FLUSH_INTERVAL);
        loop {
            tokio::select! {
                command = receiver.recv() => match command {
                    Some(Command::Record(record)) => self.write(&record),
                    Some(Command::RoomDeleted(room_id)) => {
                        self.files.retain(|_, f| f.room_id.as_deref() != Some(room_id.as_str()));
                    }
                    None => break,
                },
                _ = tick.tick() => self.flush(),
            }
        }
        self.flush();
        self.files.clear();
    }

    fn write(&mut self, record: &LogRecord) {
        let line = record.line();
        for destination in &record.destinations {
            let result = match destination {
                Destination::S3 { bucket_name } => {
                    self.s3
                        .entry((bucket_name.clone(), record.room_id.clone()))
                        .or_default()
                        .push_str(&line);
                    continue;
                }
                Destination::CloudWatchLogs { log_group_name } => {
                    let path = self
                        .dir
                        .join("cloudwatch-logs")
                        .join(name_path(log_group_name))
                        .join("aws/IVSChatLogs/1.0")
                        .join(format!("room_{}", record.room_id));
                    self.append(&path, Some(&record.room_id), &line)
                }
                Destination::Firehose {
                    delivery_stream_name,
                } => {
                    let path = self
                        .dir
                        .join("firehose")
                        .join(name_path(delivery_stream_name));
                    self.append(&path, None, &line)
                }
            };
            self.outcome(result, destination);
        }
    }

    /// Counts a failure (logging the first of a run per destination), or notes the recovery.
    fn outcome(&mut self, result: io::Result<()>, destination: &dyn std::fmt::Debug) {
        match result {
            Ok(()) if !self.failing.is_empty() => {
                if self.failing.remove(&format!("{destination:?}")) {
                    tracing::info!(?destination, "chat log writes succeed again");
                }
            }
            Ok(()) => {}
            Err(err) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                if self.failing.insert(format!("{destination:?}")) {
                    tracing::error!(
                        %err,
                        ?destination,
                        dir = %self.dir.display(),
                        "chat log write failed; further failures are counted in \
                         /_emulator/health (chatLogWriteErrors) until writes succeed again"
                    );
                }
            }
        }
    }

    fn append(&mut self, path: &Path, room_id: Option<&str>, line: &str) -> io::Result<()> {
        if !self.files.contains_key(path) {
            if self.files.len() >= MAX_OPEN_FILES {
                self.close_least_recent();
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            self.files.insert(
                path.to_owned(),
                OpenFile {
                    file,
                    last_write: Instant::now(),
                    dirty: false,
                    room_id: room_id.map(str::to_owned),
                },
            );
        }
        let Some(open) = self.files.get_mut(path) else {
            return Err(io::Error::other("chat log file vanished"));
        };
        open.last_write = Instant::now();
        open.dirty = true;
        open.file.write_all(line.as_bytes())
    }

    fn close_least_recent(&mut self) {
        let oldest = self
            .files
            .iter()
            .min_by_key(|(_, f)| f.last_write)
            .map(|(path, _)| path.clone());
        if let Some(path) = oldest
            && let Some(open) = self.files.remove(&path)
            && open.dirty
        {
            let _ = open.file.sync_data();
        }
    }

    fn flush(&mut self) {
        for ((bucket, room_id), lines) in std::mem::take(&mut self.s3) {
            let result = self.write_s3_object(&bucket, &room_id, &lines);
            self.outcome(result, &bucket);
        }
        let now = Instant::now();
        self.files.retain(|_, open| {
            if open.dirty {
                let _ = open.file.sync_data();
                open.dirty = false;
            }
            now.duration_since(open.last_write) < FILE_IDLE
        });
    }

    fn write_s3_object(&self, bucket: &str, room_id: &str, lines: &str) -> io::Result<()> {
        let now = time::OffsetDateTime::now_utc();
        let prefix = format!(
            "AWSLogs/{account}/IVSChatLogs/1.0/{region}/room_{room_id}/{y:04}/{m:02}/{d:02}/{h:02}",
            account = self.account_id,
            region = self.region,
            y = now.year(),
            m = now.month() as u8,
            d = now.day(),
            h = now.hour(),
        );
        let file = format!(
            "{account}_IVSChatLogs_1.0_{region}_room_{room_id}_{stamp}_{unique}.log.gz",
            account = self.account_id,
            region = self.region,
            stamp = Timestamp::now().unix_nanos(),
            unique = crate::model::new_id(),
        );
        let dir = self.dir.join("s3").join(name_path(bucket)).join(prefix);
        fs::create_dir_all(&dir)?;
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(lines.as_bytes())?;
        let bytes = encoder.finish()?;
        // Written whole, then renamed: a reader never sees half an object.
        let tmp = dir.join(format!(".{file}.tmp"));
        fs::write(&tmp, bytes)?;
        fs::rename(tmp, dir.join(file))
    }
}
