//! The Messaging WebSocket's frames: text frames of one JSON object each, PascalCase fields.
//!
//! Client requests (`SEND_MESSAGE`, `DELETE_MESSAGE`, `DISCONNECT_USER`) are parsed here into
//! typed requests; server frames (`MESSAGE`, `EVENT`, `ERROR`) are rendered here, once per
//! broadcast, so every connection receives the same bytes.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::Timestamp;

pub type Attributes = BTreeMap<String, String>;

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

/// A request that cannot be understood: answered with ERROR 400, echoing the RequestId if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest {
    pub request_id: String,
    pub message: String,
}

fn string_field(
    object: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

fn required(object: &serde_json::Map<String, Value>, name: &str) -> Result<String, String> {
    string_field(object, name)?.ok_or_else(|| format!("{name} is required"))
}

fn attributes_field(object: &serde_json::Map<String, Value>) -> Result<Attributes, String> {
    match object.get("Attributes") {
        None | Some(Value::Null) => Ok(Attributes::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err("Attributes values must be strings".to_owned()),
            })
            .collect(),
        Some(_) => Err("Attributes must be an object of strings".to_owned()),
    }
}

impl ClientRequest {
    pub fn parse(text: &str) -> Result<Self, BadRequest> {
        let bad = |request_id: &str, message: String| BadRequest {
            request_id: request_id.to_owned(),
            message,
        };
        let value: Value = serde_json::from_str(text)
            .map_err(|e| bad("", format!("The request is not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(bad("", "The request must be a JSON object".to_owned()));
        };
        let request_id = string_field(&object, "RequestId")
            .map_err(|m| bad("", m))?
            .unwrap_or_default();
        let fail = |message: String| bad(&request_id, message);
        let action = required(&object, "Action").map_err(fail)?;
        match action.as_str() {
            "SEND_MESSAGE" => Ok(Self::SendMessage {
                content: required(&object, "Content").map_err(fail)?,
                attributes: attributes_field(&object).map_err(fail)?,
                request_id,
            }),
            "DELETE_MESSAGE" => Ok(Self::DeleteMessage {
                id: required(&object, "Id").map_err(fail)?,
                reason: string_field(&object, "Reason").map_err(fail)?,
                request_id,
            }),
            "DISCONNECT_USER" => Ok(Self::DisconnectUser {
                user_id: required(&object, "UserId").map_err(fail)?,
                reason: string_field(&object, "Reason").map_err(fail)?,
                request_id,
            }),
            other => Err(fail(format!("Unsupported action: {other}"))),
        }
    }

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

    #[test]
    fn parses_the_three_actions() {
        let send = ClientRequest::parse(
            r#"{"Action":"SEND_MESSAGE","RequestId":"r1","Content":"hi","Attributes":{"a":"b"}}"#,
        )
        .unwrap();
        assert_eq!(send.request_id(), "r1");
        assert!(matches!(send, ClientRequest::SendMessage { ref content, .. } if content == "hi"));
        let delete =
            ClientRequest::parse(r#"{"Action":"DELETE_MESSAGE","Id":"M2YcHkgffEvU","Reason":"x"}"#)
                .unwrap();
        assert!(
            matches!(delete, ClientRequest::DeleteMessage { ref reason, .. } if reason.as_deref() == Some("x"))
        );
        let disconnect =
            ClientRequest::parse(r#"{"Action":"DISCONNECT_USER","UserId":"u"}"#).unwrap();
        assert!(matches!(disconnect, ClientRequest::DisconnectUser { .. }));
    }

    #[test]
    fn bad_requests_keep_the_request_id() {
        for (text, rid) in [
            ("not json", ""),
            ("[1]", ""),
            (r#"{"RequestId":"r2"}"#, "r2"),
            (r#"{"RequestId":"r3","Action":"SEND_MESSAGE"}"#, "r3"),
            (
                r#"{"RequestId":"r4","Action":"SEND_MESSAGE","Content":1}"#,
                "r4",
            ),
            (
                r#"{"RequestId":"r5","Action":"SEND_MESSAGE","Content":"x","Attributes":{"a":1}}"#,
                "r5",
            ),
            (r#"{"RequestId":"r6","Action":"PIN_MESSAGE"}"#, "r6"),
            (r#"{"RequestId":"r7","Action":"DELETE_MESSAGE"}"#, "r7"),
        ] {
            let err = ClientRequest::parse(text).unwrap_err();
            assert_eq!(err.request_id, rid, "{text}");
        }
    }

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
