//! `POST /rooms/{roomId}/tokens`: a chat token for the caller, with the capabilities and
//! session length of their role in the room — decided here, never taken from the request.
//! Banned users get none (403); a timed-out user gets a read-only one (no capabilities: they
//! keep reading the room, and say when their time-out ends, until which they cannot send).

use std::collections::HashMap;

use aws_sdk_ivschat::operation::create_chat_token::CreateChatTokenOutput;
use aws_sdk_ivschat::types::ChatTokenCapability;
use chat_core::domain::identity::Caller;
use chat_core::domain::records::Profile;
use chat_core::domain::role::Role;
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::fields;
use chat_core::http::request::{caller, json_body, refusal, room_id, room_standing};
use chat_core::ivs::ivs_error;
use chat_core::store::{ChatStore, Store};
use chat_core::telemetry::{TOKENS_ISSUED, TOKENS_REFUSED};
use lambda_http::{Body, Error, Request, Response};
use serde::Deserialize;
use serde_json::json;

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

chat_core::routes! {
    TokenIssuer;
    "POST /rooms/{roomId}/tokens" => issue,
}

pub async fn handle<S: Store>(
    req: Request,
    issuer: &TokenIssuer<S>,
) -> Result<Response<Body>, Error> {
    let answer = async {
        let result = dispatch(&req, issuer).await;
        match &result {
            Ok(_) => metrics::counter!(TOKENS_ISSUED).increment(1),
            Err(e) => metrics::counter!(TOKENS_REFUSED, "Code" => e.code.clone()).increment(1),
        }
        result
    };
    Ok(chat_core::http::serve(&req, answer).await)
}

impl TokenRequest {
    fn check(&self) -> Result<(), ApiError> {
        match self
            .display_attributes
            .keys()
            .find(|k| RESERVED.contains(&k.as_str()))
        {
            Some(key) => Err(ApiError::bad_request(format!(
                "displayAttributes.{key} is set by the server."
            ))),
            None => Ok(()),
        }
    }

    /// The token's attributes: the app's display fields, then what the server decides (the
    /// display name from the identity, the role in the room), within IVS's 1 KB.
    fn attributes_for(
        self,
        caller: &Caller,
        role: Role,
    ) -> Result<HashMap<String, String>, ApiError> {
        let mut attributes = self.display_attributes;
        attributes.insert("displayName".into(), caller.display_name.clone());
        attributes.insert("role".into(), role.as_str().into());
        fields::attributes("Token attributes", &attributes)?;
        Ok(attributes)
    }
}

async fn issue<S: Store>(
    req: &Request,
    issuer: &TokenIssuer<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let body: TokenRequest = json_body(req)?;
    body.check()?;
    // One read of the store: the room (and the caller's place in it), their ban, their profile
    // as last recorded.
    let (room, role, standing) = room_standing(&issuer.store, &caller, &room_id).await?;
    let known = standing.profile;
    let ban = standing
        .ban
        .filter(|ban| ban.binds(role, chat_core::time::now_millis()));
    // A time-out leaves the user reading; a ban leaves them nothing.
    let timed_out_until = match ban {
        Some(ban) if ban.until.is_some() => ban.until,
        Some(ban) => return Err(refusal(ban)),
        None => None,
    };
    let attributes = body.attributes_for(&caller, role)?;
    let capabilities = if timed_out_until.is_some() {
        &[][..]
    } else {
        role.capabilities()
    };
    let (token, remembered) = tokio::join!(
        mint(
            issuer,
            &room.room_arn,
            &caller.user_id,
            role,
            capabilities,
            attributes,
        ),
        remember(&issuer.store, &caller, known),
    );
    remembered?;
    let token = token?;
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
            "readOnly": timed_out_until.is_some(),
            "until": timed_out_until.map(chat_core::time::rfc3339),
        }),
    ))
}

/// How often a profile that says nothing new is written again (its `seenAt`).
const PROFILE_REFRESH_MILLIS: i64 = 5 * 60 * 1000;

/// What the identity says of the user now, so that moderation acts know an admin when they
/// see one (see `chat_core::http::request::role_of`): written when it changed (a new name, an
/// admin granted or withdrawn by the identity provider) or went unseen for a few minutes, so a
/// token usually costs no write.
async fn remember<S: Store>(
    store: &ChatStore<S>,
    caller: &Caller,
    known: Option<Profile>,
) -> Result<(), ApiError> {
    let now = chat_core::time::now_millis();
    let profile = Profile {
        user_id: caller.user_id.clone(),
        display_name: caller.display_name.clone(),
        admin: caller.is_admin(),
        seen_at: now,
    };
    let current = known.is_some_and(|k| {
        k.display_name == profile.display_name
            && k.admin == profile.admin
            && now - k.seen_at < PROFILE_REFRESH_MILLIS
    });
    if current {
        return Ok(());
    }
    Ok(store.put_profile(&profile).await?)
}

/// The chat token, for the same user id a ban disconnects (the caller's verified subject),
/// with the role's capabilities and session length.
async fn mint<S>(
    issuer: &TokenIssuer<S>,
    room_arn: &str,
    user_id: &str,
    role: Role,
    capabilities: &[chat_core::domain::role::Capability],
    attributes: HashMap<String, String>,
) -> Result<CreateChatTokenOutput, ApiError> {
    issuer
        .ivs
        .create_chat_token()
        .room_identifier(room_arn)
        .user_id(user_id)
        .set_capabilities(Some(
            capabilities
                .iter()
                .map(|c| ChatTokenCapability::from(c.as_str()))
                .collect(),
        ))
        .session_duration_in_minutes(role.session_minutes())
        .set_attributes(Some(attributes))
        .send()
        .await
        .map_err(ivs_error)
}
