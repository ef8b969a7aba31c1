//! What the emulator benchmarks share: the emulator binary (bench profile) as its own process,
//! so that its memory and CPU are its own, readings of both from `/proc`, and the clients'
//! calls (control plane over `ivschat_emulator::testing::Client`, Messaging WebSocket).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use ivschat_emulator::testing::Client;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub struct Emulator {
    child: Child,
    pub addr: SocketAddr,
}

impl Emulator {
    /// Starts the binary on a free port with extra flags and waits for its `listening on` line.
    /// `EMULATOR_BIN` runs another build instead (an older commit's, to bisect a regression
    /// with the same load in the same run).
    pub fn spawn(args: &[&str]) -> Self {
        let bin = std::env::var_os("EMULATOR_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_ivschat-emulator").into());
        let mut child = Command::new(bin)
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
            .parse()
            .expect("an address");
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

/// A control-plane call that must succeed; its JSON answer (null when it has no body).
pub async fn ok(api: &Client, op: &str, body: &Value) -> Value {
    let resp = api.post(op, body).await;
    assert!(resp.status < 300, "{op}: {} {}", resp.status, resp.text());
    if resp.body.is_empty() {
        Value::Null
    } else {
        resp.json()
    }
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the Messaging WebSocket with the chat token as subprotocol.
#[allow(dead_code)] // not used by every bench
pub async fn join(addr: SocketAddr, token: &str) -> Ws {
    let mut request = format!("ws://{addr}")
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", token.parse().expect("header"));
    tokio_tungstenite::connect_async(request)
        .await
        .expect("handshake")
        .0
}
