//! The Messaging API's message model: what a chat client asks for ([`ClientRequest`]) and what
//! the room receives ([`Message`], [`Event`], ERROR frames). A frame is rendered once here and
//! the same bytes go to every connection and to the chat logs (IVS logs the delivered JSON), so
//! the rendering belongs to the model, not to one transport; the WebSocket layer only parses
//! client frames into requests and writes rendered ones.

use serde::Serialize;

use super::{Attributes, Timestamp};

/// A request from a chat client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientRequest {
    SendMessage {
        request_id: String,
        content: String,
        attributes: Attributes,
    },
    DeleteMessage {
        request_id: String,
        id: String,
        reason: Option<String>,
    },
    DisconnectUser {
        request_id: String,
        user_id: String,
        reason: Option<String>,
    },
}

impl ClientRequest {
    pub fn request_id(&self) -> &str {
        match self {
            Self::SendMessage { request_id, .. }
            | Self::DeleteMessage { request_id, .. }
            | Self::DisconnectUser { request_id, .. } => request_id,
        }
    }
}

/// A chat message as delivered to every connection of the room, serialized as its frame.
#[derive(Serialize)]
#[serde(tag = "Type", rename = "MESSAGE", rename_all = "PascalCase")]
pub struct Message<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub content: &'a str,
    pub attributes: &'a Attributes,
    #[serde(serialize_with = "rfc3339_nanos")]
    pub send_time: Timestamp,
    pub sender: Sender<'a>,
}

/// The user a message comes from, with their token's attributes.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Sender<'a> {
    pub user_id: &'a str,
    pub attributes: &'a Attributes,
}

impl Message<'_> {
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

/// An event (system `aws:` events and application events alike), serialized as its frame.
#[derive(Serialize)]
#[serde(tag = "Type", rename = "EVENT", rename_all = "PascalCase")]
pub struct Event<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub event_name: &'a str,
    pub attributes: &'a Attributes,
    #[serde(serialize_with = "rfc3339_nanos")]
    pub send_time: Timestamp,
}

impl Event<'_> {
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

#[derive(Serialize)]
#[serde(tag = "Type", rename = "ERROR", rename_all = "PascalCase")]
struct ErrorFrame<'a> {
    id: &'a str,
    request_id: &'a str,
    error_code: u16,
    error_message: &'a str,
}

/// An ERROR frame; `ErrorCode` is a number, as the SDK requires.
pub fn error_json(id: &str, request_id: &str, code: u16, message: &str) -> String {
    to_json(&ErrorFrame {
        id,
        request_id,
        error_code: code,
        error_message: message,
    })
}

fn to_json<T: Serialize>(frame: &T) -> String {
    serde_json::to_string(frame).expect("frames of strings always serialize")
}

/// Frames carry their time with nanoseconds, as IVS sends it.
fn rfc3339_nanos<S: serde::Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&time.to_rfc3339_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn frames_have_the_shapes_the_sdk_parses() {
        let attrs = Attributes::from([("k".to_owned(), "v".to_owned())]);
        let json = Message {
            id: "M2YcHkgffEvU",
            request_id: "r1",
            content: "hello",
            attributes: &attrs,
            send_time: Timestamp::now(),
            sender: Sender {
                user_id: "u1",
                attributes: &Attributes::new(),
            },
        }
        .to_json();
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["Type"], "MESSAGE");
        assert_eq!(v["Sender"]["UserId"], "u1");
        assert_eq!(v["Attributes"]["k"], "v");
        assert!(v["SendTime"].as_str().unwrap().ends_with('Z'));
        let e: Value =
            serde_json::from_str(&error_json("AAAAAAAAAAAA", "r", 429, "slow down")).unwrap();
        assert_eq!(e["ErrorCode"], 429);
        assert_eq!(e["Type"], "ERROR");
    }
}
