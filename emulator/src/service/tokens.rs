//! CreateChatToken: a sealed token that the Messaging WebSocket accepts once.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::ChatService;
use super::rooms::room_in;
use super::validate::{self, Check};
use crate::error::Result;
use crate::model::{Capability, DEFAULT_SESSION_MINUTES, ResourceType, Timestamp};
use crate::seal::Purpose;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateChatTokenRequest {
    pub room_identifier: Option<String>,
    pub user_id: Option<String>,
    pub capabilities: Option<Vec<String>>,
    pub session_duration_in_minutes: Option<i64>,
    pub attributes: Option<HashMap<String, String>>,
}

pub struct CreateChatTokenResponse {
    pub token: String,
    pub token_expiration_time: Timestamp,
    pub session_expiration_time: Timestamp,
}

/// What a chat token carries: everything a Messaging connection needs, so that connecting
/// reads nothing but the room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTokenClaims {
    pub room_id: String,
    pub user_id: String,
    pub capabilities: Vec<Capability>,
    pub attributes: BTreeMap<String, String>,
    pub token_expires: Timestamp,
    pub session_expires: Timestamp,
}

const CAPABILITIES: [(&str, Capability); 3] = [
    ("SEND_MESSAGE", Capability::SendMessage),
    ("DISCONNECT_USER", Capability::DisconnectUser),
    ("DELETE_MESSAGE", Capability::DeleteMessage),
];

impl ChatService {
    pub fn create_chat_token(
        &self,
        req: CreateChatTokenRequest,
    ) -> Result<CreateChatTokenResponse> {
        let mut check = Check::new();
        if let Some(room) = check.required("roomIdentifier", &req.room_identifier) {
            check.string("roomIdentifier", room, &validate::ROOM_IDENTIFIER);
        }
        if let Some(user) = check.required("userId", &req.user_id) {
            check.string("userId", user, &validate::USER_ID);
        }
        let names: Vec<&str> = CAPABILITIES.iter().map(|(name, _)| *name).collect();
        let mut capabilities = Vec::new();
        for name in req.capabilities.iter().flatten() {
            if check.one_of("capabilities", name, &names)
                && let Some((_, cap)) = CAPABILITIES.iter().find(|(n, _)| n == name)
                && !capabilities.contains(cap)
            {
                capabilities.push(*cap);
            }
        }
        check.range(
            "sessionDurationInMinutes",
            req.session_duration_in_minutes,
            1,
            180,
        );
        let attributes = req.attributes.unwrap_or_default();
        check.attributes("attributes", &attributes);
        check.finish()?;

        let arn = req.room_identifier.as_deref().unwrap_or_default();
        let room_id = self.resolve(ResourceType::Room, arn)?;
        room_in(&self.read(), room_id)?;
        let now = Timestamp::now();
        let minutes = req
            .session_duration_in_minutes
            .map_or(DEFAULT_SESSION_MINUTES as u64, |m| m as u64);
        let claims = ChatTokenClaims {
            room_id: room_id.to_owned(),
            user_id: req.user_id.unwrap_or_default(),
            capabilities,
            attributes: attributes.into_iter().collect(),
            token_expires: now.plus_secs(self.token_ttl_secs),
            session_expires: now.plus_secs(minutes * self.session_minute_secs),
        };
        let sealed = serde_json::to_vec(&claims).map_err(crate::error::ServiceError::internal)?;
        Ok(CreateChatTokenResponse {
            token: self.sealer.seal(Purpose::ChatToken, &sealed),
            token_expiration_time: claims.token_expires,
            session_expiration_time: claims.session_expires,
        })
    }

    /// The claims of a token this emulator issued, or `None` for anything else. Expiry and
    /// single use are the Messaging layer's to check.
    pub fn open_chat_token(&self, token: &str) -> Option<ChatTokenClaims> {
        let bytes = self.sealer.open(Purpose::ChatToken, token)?;
        serde_json::from_slice(&bytes).ok()
    }
}
