//! What the emulator's integration tests share: a started emulator, an SDK client pointed at
//! it, and a raw HTTP client for what SDKs hide (status codes, headers, malformed bodies).
#![allow(dead_code)]

use std::net::SocketAddr;

use aws_sdk_ivschat::Client;
use aws_sdk_ivschat::config::{Credentials, Region};
use aws_sdk_ivschat::operation::create_room::builders::CreateRoomFluentBuilder;
use ivschat_emulator::{Emulator, EmulatorConfig, RunningEmulator};
use serde_json::Value;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn test_config() -> EmulatorConfig {
    EmulatorConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..EmulatorConfig::default()
    }
}

pub async fn start() -> RunningEmulator {
    start_with(test_config()).await
}

pub async fn start_with(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config).await.expect("emulator starts")
}

pub fn client(endpoint: &str) -> Client {
    client_with_keys(endpoint, "AKIDEXAMPLE", "secret")
}

pub fn client_with_keys(endpoint: &str, access_key: &str, secret: &str) -> Client {
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version_latest()
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(access_key, secret, None, None, "tests"))
        .endpoint_url(endpoint)
        .build();
    Client::from_conf(config)
}

// Not every test binary uses all of them.
#[allow(unused_imports)]
pub use ivschat_emulator::testing::{RawResponse, raw, raw_with_headers};

/// POST a JSON body to an operation path.
pub async fn post(addr: SocketAddr, op: &str, body: Value) -> RawResponse {
    raw(addr, "POST", &format!("/{op}"), &body.to_string()).await
}

pub fn room_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:room/{id}")
}

pub fn logging_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:logging-configuration/{id}")
}

pub const REVIEW_LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:message-review";

/// The ARN of the room a CreateRoom request made (`ivs.create_room()` and what the test sets).
pub async fn created_room_arn(request: CreateRoomFluentBuilder) -> String {
    request.send().await.unwrap().arn().unwrap().to_owned()
}

/// A new room with the defaults; its ARN.
pub async fn new_room(ivs: &Client) -> String {
    created_room_arn(ivs.create_room()).await
}

// ---- Messaging WebSocket -----------------------------------------------------------------

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for a frame that should come.
pub const FRAME_WAIT: Duration = Duration::from_secs(5);

/// A chat token for a user with the given capabilities (`aws-sdk-ivschat`).
pub async fn token(ivs: &Client, room_arn: &str, user: &str, capabilities: &[&str]) -> String {
    token_with(ivs, room_arn, user, capabilities, &[]).await
}

pub async fn token_with(
    ivs: &Client,
    room_arn: &str,
    user: &str,
    capabilities: &[&str],
    attributes: &[(&str, &str)],
) -> String {
    let mut req = ivs
        .create_chat_token()
        .room_identifier(room_arn)
        .user_id(user);
    for cap in capabilities {
        req = req.capabilities(aws_sdk_ivschat::types::ChatTokenCapability::from(*cap));
    }
    for (k, v) in attributes {
        req = req.attributes(*k, *v);
    }
    req.send().await.unwrap().token().unwrap().to_owned()
}

/// Opens the Messaging WebSocket with the token as subprotocol, as the official client does.
pub async fn ws_connect(addr: SocketAddr, token: &str) -> Result<Ws, tungstenite::Error> {
    let mut request = format!("ws://{addr}").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", token.parse().unwrap());
    let (ws, response) = tokio_tungstenite::connect_async(request).await?;
    assert_eq!(
        response.headers()["sec-websocket-protocol"]
            .to_str()
            .unwrap(),
        token,
        "the token must be echoed as the subprotocol"
    );
    Ok(ws)
}

/// The HTTP status a refused handshake answered.
pub async fn ws_refused_status(addr: SocketAddr, token: &str) -> u16 {
    match ws_connect(addr, token).await {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected handshake error {other:?}"),
        Ok(_) => panic!("handshake was accepted"),
    }
}

pub async fn ws_send(ws: &mut Ws, frame: Value) {
    ws.send(Message::Text(frame.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON frame (pings and pongs skipped); panics on close or timeout.
pub async fn ws_next(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(FRAME_WAIT, ws.next())
            .await
            .expect("a frame within the wait")
            .expect("the connection is open")
            .expect("a valid frame");
        match message {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

/// The close frame the server sends next (frames before it are returned too).
pub async fn ws_close(ws: &mut Ws) -> (Option<CloseFrame>, Vec<Value>) {
    let mut frames = Vec::new();
    loop {
        let message = tokio::time::timeout(FRAME_WAIT, ws.next())
            .await
            .expect("a close within the wait");
        match message {
            Some(Ok(Message::Close(frame))) => return (frame, frames),
            Some(Ok(Message::Text(text))) => {
                frames.push(serde_json::from_str(text.as_str()).unwrap())
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("connection failed instead of closing: {e}"),
            None => return (None, frames),
        }
    }
}

/// Asserts nothing arrives for a while.
pub async fn ws_quiet(ws: &mut Ws, wait: Duration) {
    if let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(wait, ws.next()).await {
        panic!("unexpected frame {text}");
    }
}

pub fn send_message(request_id: &str, content: &str) -> Value {
    serde_json::json!({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content})
}

// ---- Files -------------------------------------------------------------------------------

/// Every file below `dir` (none if it does not exist), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

// ---- The emulator binary as its own process ----------------------------------------------

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The real binary on a free loopback port, so that its files and memory are its own.
pub struct EmulatorProcess {
    child: Child,
    pub addr: SocketAddr,
}

impl EmulatorProcess {
    /// Starts the binary with extra flags and waits for its `listening on` line.
    pub fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ivschat-emulator"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("the emulator prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("a listening line, got {line:?}"))
            .parse()
            .expect("an address");
        Self { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Open file descriptors of the emulator (files, sockets, everything).
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Open regular files under `dir` held by the emulator.
    pub fn open_files_under(&self, dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(format!("/proc/{}/fd", self.child.id())) else {
            return 0;
        };
        entries
            .flatten()
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .filter(|target| target.starts_with(dir))
            .count()
    }

    /// Stops the emulator the way Ctrl-C would, and waits for it.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("the emulator exits")
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
