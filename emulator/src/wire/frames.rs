//! Client frames of the Messaging WebSocket: text frames of one JSON object each, PascalCase
//! fields, parsed here into the model's typed requests (`model::messaging`). Server frames are
//! rendered by the model, once per broadcast.

use serde_json::Value;

use crate::model::Attributes;
use crate::model::messaging::ClientRequest;

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

/// Parses one client frame; what cannot be understood is answered with ERROR 400.
pub fn parse_request(text: &str) -> Result<ClientRequest, BadRequest> {
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
        "SEND_MESSAGE" => Ok(ClientRequest::SendMessage {
            content: required(&object, "Content").map_err(fail)?,
            attributes: attributes_field(&object).map_err(fail)?,
            request_id,
        }),
        "DELETE_MESSAGE" => Ok(ClientRequest::DeleteMessage {
            id: required(&object, "Id").map_err(fail)?,
            reason: string_field(&object, "Reason").map_err(fail)?,
            request_id,
        }),
        "DISCONNECT_USER" => Ok(ClientRequest::DisconnectUser {
            user_id: required(&object, "UserId").map_err(fail)?,
            reason: string_field(&object, "Reason").map_err(fail)?,
            request_id,
        }),
        other => Err(fail(format!("Unsupported action: {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_actions() {
        let send = parse_request(
            r#"{"Action":"SEND_MESSAGE","RequestId":"r1","Content":"hi","Attributes":{"a":"b"}}"#,
        )
        .unwrap();
        assert_eq!(send.request_id(), "r1");
        assert!(matches!(send, ClientRequest::SendMessage { ref content, .. } if content == "hi"));
        let delete =
            parse_request(r#"{"Action":"DELETE_MESSAGE","Id":"M2YcHkgffEvU","Reason":"x"}"#)
                .unwrap();
        assert!(
            matches!(delete, ClientRequest::DeleteMessage { ref reason, .. } if reason.as_deref() == Some("x"))
        );
        let disconnect = parse_request(r#"{"Action":"DISCONNECT_USER","UserId":"u"}"#).unwrap();
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
            let err = parse_request(text).unwrap_err();
            assert_eq!(err.request_id, rid, "{text}");
        }
    }
}
