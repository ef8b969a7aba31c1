//! `POST /rooms/{roomId}/tokens`: a chat token for the caller, with the capabilities and
//! session length of their role in the room — decided here, never taken from the request.
//! Banned and timed-out users get none (403, with when it ends).

use std::collections::HashMap;

use chat_core::http::error::{ApiError, json_response, respond};
use chat_core::http::request::{caller, json_body, room_access, room_id};
use chat_core::ivs::ivs_error;
use chat_core::store::{ChatStore, Store};
use lambda_http::{Body, Error, Request, Response};
use serde::Deserialize;
use serde_json::json;

/// IVS limits a token's attributes to 1 KB in total.
const MAX_ATTRIBUTES_BYTES: usize = 1024;
/// Attributes the server sets; a client cannot supply them.
const RESERVED: [&str; 2] = ["displayName", "role"];

pub struct TokenIssuer<S> {
    pub ivs: aws_sdk_ivschat::Client,
    pub store: ChatStore<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenRequest {
    /// App display fields (a colour, a badge) carried to every message the user sends.
    #[serde(default)]
    display_attributes: HashMap<String, String>,
}

pub async fn handle<S: Store>(
    req: Request,
    issuer: &TokenIssuer<S>,
) -> Result<Response<Body>, Error> {
    Ok(respond(issue(req, issuer).await))
}

async fn issue<S: Store>(
    req: Request,
    issuer: &TokenIssuer<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(&req)?;
    let room_id = room_id(&req)?;
    let body: TokenRequest = json_body(&req)?;
    let (room, role) = room_access(&issuer.store, &caller, &room_id).await?;
    if let Some(ban) = issuer.store.active_ban(&room_id, &caller.user_id).await? {
        let (code, message) = match ban.until {
            Some(_) => ("TIMED_OUT", "You are timed out in this room."),
            None => ("BANNED", "You are banned from this room."),
        };
        return Err(ApiError::new(403, code, message)
            .with_detail("until", ban.until.map(chat_core::time::rfc3339))
            .with_detail("reason", ban.reason));
    }

    let mut attributes = body.display_attributes;
    if let Some(key) = attributes.keys().find(|k| RESERVED.contains(&k.as_str())) {
        return Err(ApiError::bad_request(format!(
            "displayAttributes.{key} is set by the server."
        )));
    }
    attributes.insert("displayName".into(), caller.display_name.clone());
    attributes.insert("role".into(), role.as_str().into());
    let size: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_ATTRIBUTES_BYTES {
        return Err(ApiError::bad_request(format!(
            "Token attributes come to {size} bytes; IVS allows {MAX_ATTRIBUTES_BYTES}."
        )));
    }

    let capabilities = role.capabilities();
    let token = issuer
        .ivs
        .create_chat_token()
        .room_identifier(&room.room_arn)
        // The same user id a ban disconnects: the caller's verified subject.
        .user_id(&caller.user_id)
        .set_capabilities(Some(
            capabilities
                .iter()
                .map(|c| aws_sdk_ivschat::types::ChatTokenCapability::from(c.as_str()))
                .collect(),
        ))
        .session_duration_in_minutes(role.session_minutes())
        .set_attributes(Some(attributes))
        .send()
        .await
        .map_err(ivs_error)?;
    let time = |t: Option<&aws_sdk_ivschat::primitives::DateTime>| {
        t.and_then(|t| {
            t.fmt(aws_sdk_ivschat::primitives::DateTimeFormat::DateTime)
                .ok()
        })
    };
    Ok(json_response(
        200,
        &json!({
            "token": token.token(),
            "tokenExpirationTime": time(token.token_expiration_time()),
            "sessionExpirationTime": time(token.session_expiration_time()),
            "roomId": room.room_id,
            "userId": caller.user_id,
            "role": role.as_str(),
            "capabilities": capabilities.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }),
    ))
}
