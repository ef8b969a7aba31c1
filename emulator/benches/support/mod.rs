//! What the emulator benchmarks share: the emulator binary (bench profile) as its own process,
//! so that its memory and CPU are its own, and readings of both from `/proc`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Emulator {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Emulator {
    /// Starts the binary on a free port with extra flags and waits for its `listening on` line.
    pub fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ivschat-emulator"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .spawn()
            .expect("emulator binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("emulator prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .expect("listening line")
            .to_owned();
        Self { child, addr }
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Open file descriptors (files and sockets).
    #[allow(dead_code)] // used by one bench of three
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// The emulator's address, parsed.
    #[allow(dead_code)] // used by one bench of three
    pub fn socket_addr(&self) -> std::net::SocketAddr {
        self.addr.parse().expect("an address")
    }

    /// User + system CPU time, in clock ticks (USER_HZ, 100 a second on Linux).
    #[allow(dead_code)] // not used by every bench
    pub fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        field(11) + field(12)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
