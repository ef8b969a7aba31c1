//! chat-local's App HTTP API as the chat page calls it: dev sign-in, rooms, moderators, chat
//! tokens, history, moderation, and `/metrics`. One pooled HTTP/1 client for everything.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

#[derive(Clone)]
pub struct Api {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

/// An answer: status, JSON body (null if none), and how long it took.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub took: Duration,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn expect(self, what: &str) -> Result<Value, String> {
        if self.ok() {
            Ok(self.body)
        } else {
            Err(format!("{what}: {} {}", self.status, self.body))
        }
    }
}

/// A signed-in user of the API (their JWT).
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub jwt: String,
}

impl Api {
    pub fn new(base: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            // Under chat-local's 5 s idle timeout, so a pooled connection is never one it closed.
            .pool_idle_timeout(Duration::from_secs(2))
            .build(connector);
        Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        jwt: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, String> {
        let started = Instant::now();
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(jwt) = jwt {
            request = request.header("authorization", format!("Bearer {jwt}"));
        }
        let body = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Bytes::from(b.to_string())
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(body))
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?
            .to_bytes();
        Ok(Reply {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            took: started.elapsed(),
        })
    }

    /// Dev sign-in (`POST /dev/login`).
    pub async fn sign_in(&self, user: &str, admin: bool) -> Result<User, String> {
        let groups: &[&str] = if admin { &["admin"] } else { &[] };
        let body = json!({"userId": user, "displayName": user, "groups": groups});
        let reply = self
            .call("POST", "/dev/login", None, Some(&body))
            .await?
            .expect("dev sign-in")?;
        let jwt = reply["token"]
            .as_str()
            .ok_or("dev sign-in: no token")?
            .to_owned();
        Ok(User {
            id: user.to_owned(),
            jwt,
        })
    }

    /// A room with the load's policy and IVS's highest message rate; its id.
    pub async fn create_room(&self, admin: &User, name: &str) -> Result<String, String> {
        let policy: Value = serde_json::from_str(crate::mix::ROOM_POLICY).expect("valid JSON");
        let body = json!({"name": name, "maximumMessageRatePerSecond": 100, "policy": policy});
        let room = self
            .call("POST", "/rooms", Some(&admin.jwt), Some(&body))
            .await?
            .expect("create a room")?;
        Ok(room["id"]
            .as_str()
            .ok_or("create a room: no id")?
            .to_owned())
    }

    pub async fn add_moderator(&self, admin: &User, room: &str, user: &str) -> Result<(), String> {
        self.call(
            "PUT",
            &format!("/rooms/{room}/moderators/{user}"),
            Some(&admin.jwt),
            None,
        )
        .await?
        .expect("add a moderator")?;
        Ok(())
    }

    /// A chat token for the room (the whole answer: 403 for a banned user).
    pub async fn token(&self, user: &User, room: &str) -> Result<Reply, String> {
        self.call(
            "POST",
            &format!("/rooms/{room}/tokens"),
            Some(&user.jwt),
            Some(&json!({})),
        )
        .await
    }

    /// The Messaging WebSocket's URL, from the page's `/config.json`.
    pub async fn messaging_endpoint(&self) -> Result<String, String> {
        let config = self
            .call("GET", "/config.json", None, None)
            .await?
            .expect("read /config.json")?;
        Ok(config["messaging"]["endpoint"]
            .as_str()
            .ok_or("/config.json names no messaging endpoint")?
            .to_owned())
    }

    /// `GET /metrics` (Prometheus text), if chat-local serves it.
    pub async fn metrics(&self) -> Option<String> {
        let request = hyper::Request::get(format!("{}/metrics", self.base))
            .body(Full::new(Bytes::new()))
            .ok()?;
        let response = self.client.request(request).await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let bytes = response.into_body().collect().await.ok()?.to_bytes();
        String::from_utf8(bytes.to_vec()).ok()
    }
}
