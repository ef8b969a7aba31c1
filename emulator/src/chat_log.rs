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
//! a clean stop.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::model::{Destination, Timestamp};

const S3_FLUSH_INTERVAL: Duration = Duration::from_secs(1);

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
    sender: Mutex<Option<mpsc::UnboundedSender<LogRecord>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl ChatLog {
    /// Starts the writer; without a directory, records are dropped (there is nowhere to put them).
    pub fn start(dir: Option<PathBuf>, account_id: String, region: String) -> Self {
        let Some(dir) = dir else {
            return Self {
                sender: Mutex::new(None),
                writer: Mutex::new(None),
            };
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        let writer = Writer {
            dir,
            account_id,
            region,
            s3: HashMap::new(),
            files: HashMap::new(),
        };
        Self {
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(tokio::spawn(writer.run(receiver)))),
        }
    }

    pub fn record(&self, record: LogRecord) {
        if record.destinations.is_empty() {
            return;
        }
        if let Some(sender) = self
            .sender
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = sender.send(record);
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
    files: HashMap<PathBuf, File>,
}

/// A name as one path component: never `.`/`..`, never a separator.
fn component(name: &str) -> String {
    match name {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => name.replace('%', "%25").replace('/', "%2F"),
    }
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::UnboundedReceiver<LogRecord>) {
        let mut tick = tokio::time::interval(S3_FLUSH_INTERVAL);
        loop {
            tokio::select! {
                record = receiver.recv() => match record {
                    Some(record) => self.write(&record),
                    None => break,
                },
                _ = tick.tick() => self.flush(),
            }
        }
        self.flush();
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
                    Ok(())
                }
                Destination::CloudWatchLogs { log_group_name } => {
                    let path = self
                        .dir
                        .join("cloudwatch-logs")
                        .join(component(log_group_name))
                        .join("aws/IVSChatLogs/1.0")
                        .join(format!("room_{}", record.room_id));
                    self.append(&path, &line)
                }
                Destination::Firehose {
                    delivery_stream_name,
                } => {
                    let path = self
                        .dir
                        .join("firehose")
                        .join(component(delivery_stream_name));
                    self.append(&path, &line)
                }
            };
            if let Err(err) = result {
                tracing::error!(%err, ?destination, "chat log write failed");
            }
        }
    }

    fn append(&mut self, path: &Path, line: &str) -> io::Result<()> {
        if !self.files.contains_key(path) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            self.files.insert(path.to_owned(), file);
        }
        let file = self.files.get_mut(path).expect("inserted above");
        file.write_all(line.as_bytes())
    }

    fn flush(&mut self) {
        for ((bucket, room_id), lines) in std::mem::take(&mut self.s3) {
            if let Err(err) = self.write_s3_object(&bucket, &room_id, &lines) {
                tracing::error!(%err, bucket, "chat log S3 object write failed");
            }
        }
        for file in self.files.values_mut() {
            let _ = file.sync_data();
        }
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
        let dir = self.dir.join("s3").join(component(bucket)).join(prefix);
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
