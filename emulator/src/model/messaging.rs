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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Sender<'a> {
    user_id: &'a str,
    attributes: &'a Attributes,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MessageFrame<'a> {
    r#type: &'static str,
    id: &'a str,
    request_id: &'a str,
    content: &'a str,
    attributes: &'a Attributes,
    send_time: String,
    sender: Sender<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EventFrame<'a> {
    r#type: &'static str,
    id: &'a str,
    request_id: &'a str,
    event_name: &'a str,
    attributes: &'a Attributes,
    send_time: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorFrame<'a> {
    r#type: &'static str,
    id: &'a str,
    request_id: &'a str,
    error_code: u16,
    error_message: &'a str,
}

fn to_json<T: Serialize>(frame: &T) -> String {
    serde_json::to_string(frame).expect("frames of strings always serialize")
}

/// A chat message as delivered to every connection of the room.
pub struct Message<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub content: &'a str,
    pub attributes: &'a Attributes,
    pub send_time: Timestamp,
    pub sender_user_id: &'a str,
    pub sender_attributes: &'a Attributes,
}

impl Message<'_> {
    pub fn to_json(&self) -> String {
        to_json(&MessageFrame {
            r#type: "MESSAGE",
            id: self.id,
            request_id: self.request_id,
            content: self.content,
            attributes: self.attributes,
            send_time: self.send_time.to_rfc3339_nanos(),
            sender: Sender {
                user_id: self.sender_user_id,
                attributes: self.sender_attributes,
            },
        })
    }
}

/// An event (system `aws:` events and application events alike).
pub struct Event<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub event_name: &'a str,
    pub attributes: &'a Attributes,
    pub send_time: Timestamp,
}

impl Event<'_> {
    pub fn to_json(&self) -> String {
        to_json(&EventFrame {
            r#type: "EVENT",
            id: self.id,
            request_id: self.request_id,
            event_name: self.event_name,
            attributes: self.attributes,
            send_time: self.send_time.to_rfc3339_nanos(),
        })
    }
}

/// An ERROR frame; `ErrorCode` is a number, as the SDK requires.
pub fn error_json(id: &str, request_id: &str, code: u16, message: &str) -> String {
    to_json(&ErrorFrame {
        r#type: "ERROR",
        id,
        request_id,
        error_code: code,
        error_message: message,
    })
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
            sender_user_id: "u1",
            sender_attributes: &Attributes::new(),
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
