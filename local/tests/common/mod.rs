//! What the chat-local suites share: HTTP to the stack, signed-in callers, chat sockets.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use chat_core::testing::{ChatSocket, chat_connect};
use chat_local::{LocalConfig, RunningStack};
use futures_util::{SinkExt, StreamExt};
use ivschat_emulator::testing::raw_with_headers;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let raw = raw_with_headers(addr, method, path, headers, body.unwrap_or_default()).await;
    let text = raw.text();
    Reply {
        status: raw.status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        headers: raw.headers,
        text,
    }
}

/// A signed-in caller of the App HTTP API.
pub struct Client {
    pub addr: SocketAddr,
    pub token: String,
}

impl Client {
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let auth = format!("Bearer {}", self.token);
        let body = body.map(|b| b.to_string());
        http(
            self.addr,
            method,
            path,
            &[("authorization", &auth)],
            body.as_deref(),
        )
        .await
    }
}

pub async fn sign_in(addr: SocketAddr, user: &str, name: &str, groups: &[&str]) -> Client {
    let body = json!({"userId": user, "displayName": name, "groups": groups}).to_string();
    let reply = http(addr, "POST", "/dev/login", &[], Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["userId"], user);
    Client {
        addr,
        token: reply.body["token"].as_str().unwrap().to_owned(),
    }
}

pub async fn start(dir: &std::path::Path) -> RunningStack {
    RunningStack::start(LocalConfig::ephemeral(dir))
        .await
        .expect("chat-local starts")
}

pub async fn chat(stack: &RunningStack, token: &str) -> ChatSocket {
    chat_connect(stack.emulator.addr, token).await
}

pub async fn next_frame(ws: &mut ChatSocket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame")
            .expect("open")
            .expect("valid");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

/// A CORS preflight for a POST from `origin`, asking for `headers`.
pub async fn preflight(addr: SocketAddr, path: &str, origin: &str, headers: &str) -> Reply {
    http(
        addr,
        "OPTIONS",
        path,
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", headers),
        ],
        None,
    )
    .await
}

/// A SEND_MESSAGE frame.
pub fn send_frame(request_id: &str, content: &str) -> Message {
    Message::Text(
        json!({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content})
            .to_string()
            .into(),
    )
}

/// A new room named `name`, created by `admin` (an admin).
pub async fn new_room(admin: &Client, name: &str) -> String {
    let r = admin
        .call("POST", "/rooms", Some(json!({"name": name})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

/// The caller's answer from the token route for the room (200 asserted).
pub async fn token_reply(client: &Client, room: &str) -> Value {
    let r = client
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// The caller's chat token for the room.
pub async fn token(client: &Client, room: &str) -> String {
    token_reply(client, room).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The next frame of `kind` (`MESSAGE`, `EVENT`, `ERROR`) within `wait`, skipping others.
pub async fn next_of(ws: &mut ChatSocket, kind: &str, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["Type"] == kind {
                return Some(value);
            }
        }
    }
}

/// Sends `content` and waits for its own MESSAGE (its id) or ERROR (its reason).
pub async fn say(ws: &mut ChatSocket, content: &str) -> Result<String, String> {
    static SENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let request_id = format!(
        "r{}",
        SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    ws.send(send_frame(&request_id, content)).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("an answer")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            match value["Type"].as_str() {
                Some("MESSAGE") if value["RequestId"] == request_id.as_str() => {
                    return Ok(value["Id"].as_str().unwrap().to_owned());
                }
                Some("ERROR") if value["RequestId"] == request_id.as_str() => {
                    return Err(value["ErrorMessage"].as_str().unwrap().to_owned());
                }
                _ => {}
            }
        }
    }
}

pub async fn history(client: &Client, room: &str, query: &str) -> Value {
    let r = client
        .call("GET", &format!("/rooms/{room}/messages{query}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

pub fn contents(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

/// A stack with a room "stage" made by Alice (an admin) and moderated by Mia, where borderline
/// messages are held for the moderators: (stack, alice, mia, room id).
pub async fn staffed_room(dir: &std::path::Path) -> (RunningStack, Client, Client, String) {
    let stack = start(dir).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let mia = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    let room = new_room(&admin, "stage").await;
    let r = admin
        .call("PUT", &format!("/rooms/{room}/moderators/mia"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = set_policy(
        &admin,
        &room,
        json!({"profanity": "moderate", "actions": {"borderline": "hold"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    (stack, admin, mia, room)
}

/// `PATCH /rooms/{room}` with a new moderation policy, as `client`.
pub async fn set_policy(client: &Client, room: &str, policy: Value) -> Reply {
    client
        .call(
            "PATCH",
            &format!("/rooms/{room}"),
            Some(json!({ "policy": policy })),
        )
        .await
}

/// A loopback port free at the time of asking (for a chat-local started as its own process).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
