//! The chat-local under load: started here (its own process on free ports, a fresh embedded
//! store in a temporary directory) or already running (`--url`), and what `/proc` tells of it.
//!
//! A review fallback (IVS delivering a message unreviewed because the handler failed or took
//! longer than 200 ms) leaves no trace a client can see: the emulator logs one warning,
//! "message review failed; applying the fallback". Started here, chat-local's log is read and
//! those lines counted; against `--url` they cannot be seen.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The emulator's warning when a review fails or times out and the fallback applies.
pub const FALLBACK_LOG: &str = "applying the fallback";

/// What chat-local's log said while it ran.
#[derive(Debug, Default)]
pub struct ServerLog {
    pub fallbacks: AtomicU64,
    pub warnings: AtomicU64,
    pub errors: AtomicU64,
    /// The first few warnings and errors, for the report.
    pub samples: Mutex<Vec<String>>,
}

impl ServerLog {
    const SAMPLES: usize = 5;

    /// Counts one line of the log (ANSI colours already taken out).
    pub fn line(&self, line: &str) {
        let level = line.split_whitespace().nth(1).unwrap_or_default();
        let counter = match level {
            "WARN" => &self.warnings,
            "ERROR" => &self.errors,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if line.contains(FALLBACK_LOG) {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
        }
        let mut samples = self.samples.lock().expect("not poisoned");
        if samples.len() < Self::SAMPLES {
            samples.push(line.chars().take(300).collect());
        }
    }
}

/// Takes ANSI escape sequences (`ESC [ ... letter`) out of a line.
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A chat-local this tool started; killed, and its directory removed, when dropped.
pub struct Spawned {
    child: Child,
    dir: PathBuf,
    pub app_url: String,
    pub log: Arc<ServerLog>,
}

impl Spawned {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts `binary` on free ports with an empty data directory (and on a DynamoDB table
    /// when `table` is given) and waits for its banner.
    pub fn start(binary: &Path, table: Option<&str>) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("chat-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let mut command = Command::new(binary);
        if let Some(table) = table {
            command.args(["--table-name", table]);
        }
        let mut child = command
            .args(["--port", "0", "--emulator-port", "0", "--data-dir"])
            .arg(dir.join("data"))
            // chat-local's own default filter (warn, its API requests at info), plain text.
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let log = Arc::new(ServerLog::default());
        let stderr = child.stderr.take().expect("piped");
        let stderr_log = log.clone();
        let tail = Arc::new(Mutex::new(Vec::<String>::new()));
        let stderr_tail = tail.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let line = strip_ansi(&line);
                stderr_log.line(&line);
                let mut tail = stderr_tail.lock().expect("not poisoned");
                if tail.len() < 20 {
                    tail.push(line);
                }
            }
        });
        // The banner names the App API's address; the rest of stdout is read and dropped.
        let stdout = child.stdout.take().expect("piped");
        let (found, banner) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = banner_url(&line)
                    && let Some(found) = found.take()
                {
                    let _ = found.send(url);
                }
            }
        });
        let mut spawned = Self {
            child,
            dir,
            app_url: String::new(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(url) = banner.recv_timeout(Duration::from_millis(100)) {
                spawned.app_url = url;
                return Ok(spawned);
            }
            if let Ok(Some(status)) = spawned.child.try_wait() {
                std::thread::sleep(Duration::from_millis(200));
                let tail = tail.lock().expect("not poisoned").join("\n");
                return Err(format!(
                    "{} stopped ({status}) before it was ready:\n{tail}",
                    binary.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} printed no address within a minute",
                    binary.display()
                ));
            }
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The App API's URL from chat-local's banner line `  App HTTP API     http://127.0.0.1:3000   (...)`.
pub fn banner_url(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("App HTTP API")?;
    rest.split_whitespace()
        .next()
        .filter(|u| u.starts_with("http"))
        .map(str::to_owned)
}

/// chat-local beside this binary (`target/<profile>/chat-local`).
pub fn default_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("chat-local")))
        .unwrap_or_else(|| PathBuf::from("chat-local"))
}

/// One reading of a process from `/proc`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// User + system CPU, in seconds.
    pub cpu_secs: f64,
    pub rss_kib: u64,
    pub open_files: u64,
}

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

impl Sample {
    /// The process now, if it can be read (Linux, and the process still there).
    pub fn of(pid: u32) -> Option<Self> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let open_files = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
        Some(Self {
            cpu_secs: cpu_ticks(&stat)? as f64 / TICKS_PER_SEC,
            rss_kib: rss_kib(&status)?,
            open_files,
        })
    }

    pub fn of_self() -> Option<Self> {
        Self::of(std::process::id())
    }

    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }
}

/// The machine's 1-minute load average (`/proc/loadavg`).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// utime + stime from `/proc/<pid>/stat` (fields 14 and 15; the name in parentheses may hold
/// spaces, so fields are counted after its closing parenthesis).
pub fn cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// VmRSS from `/proc/<pid>/status`, in KiB.
pub fn rss_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_names_the_api() {
        assert_eq!(
            banner_url(
                "  App HTTP API     http://127.0.0.1:43087   (routes as in template.yaml; send ...)"
            )
            .as_deref(),
            Some("http://127.0.0.1:43087")
        );
        assert_eq!(
            banner_url("  Chat page        http://127.0.0.1:43087/"),
            None
        );
    }

    #[test]
    fn proc_fields_are_read() {
        let stat = "1234 (chat local) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 9 0 100 2000 300";
        assert_eq!(cpu_ticks(stat), Some(300));
        assert_eq!(
            rss_kib("Name:\tx\nVmRSS:\t   81234 kB\nThreads: 3\n"),
            Some(81234)
        );
        assert_eq!(rss_kib("Name:\tx\n"), None);
        assert!(load_average().is_some_and(|l| l >= 0.0));
        let me = Sample::of_self().expect("this process");
        assert!(me.rss_kib > 0 && me.open_files > 0);
    }

    #[test]
    fn the_log_counts_fallbacks_and_warnings() {
        let log = ServerLog::default();
        let line = strip_ansi(
            "\u{1b}[2m2026-12-04T18:20:38Z\u{1b}[0m \u{1b}[33m WARN\u{1b}[0m ivschat_emulator::review: message review failed; applying the fallback handler=arn err=timed out",
        );
        assert!(line.starts_with("2026-12-04T18:20:38Z  WARN ivschat_emulator::review"));
        log.line(&line);
        log.line("2026-12-04T18:20:38Z  INFO chat_local::api: POST /rooms → 201 (29.6 ms)");
        log.line("2026-12-04T18:20:39Z ERROR chat_local: something broke");
        assert_eq!(log.fallbacks.load(Ordering::Relaxed), 1);
        assert_eq!(log.warnings.load(Ordering::Relaxed), 1);
        assert_eq!(log.errors.load(Ordering::Relaxed), 1);
        assert_eq!(log.samples.lock().unwrap().len(), 2);
    }
}
