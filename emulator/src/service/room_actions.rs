//! SendEvent, DeleteMessage, DisconnectUser: control-plane actions on a room's live chat.

use std::collections::HashMap;

use serde::Deserialize;

use super::ChatService;
use super::rooms::room_in;
use super::validate::{self, Check};
use crate::error::Result;
use crate::model::ResourceType;
use crate::model::new_id;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendEventRequest {
    pub room_identifier: Option<String>,
    pub event_name: Option<String>,
    pub attributes: Option<HashMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteMessageRequest {
    pub room_identifier: Option<String>,
    pub id: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectUserRequest {
    pub room_identifier: Option<String>,
    pub user_id: Option<String>,
    pub reason: Option<String>,
}

impl ChatService {
    /// Delivers an application event to the room; answers the event's id.
    pub fn send_event(&self, req: SendEventRequest) -> Result<String> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(name) = check.required("eventName", &req.event_name) {
            check.string("eventName", name, &validate::EVENT_NAME);
        }
        if let Some(attributes) = &req.attributes {
            check.attributes("attributes", attributes);
        }
        check.finish()?;
        let room_id = self.live_room_id(&req.room_identifier)?;
        let id = new_id();
        let attributes = req.attributes.unwrap_or_default().into_iter().collect();
        self.emit_event(
            &room_id,
            &id,
            req.event_name.as_deref().unwrap_or_default(),
            &attributes,
        );
        Ok(id)
    }

    /// Broadcasts `aws:DELETE_MESSAGE` for a message; answers the event's id.
    pub fn delete_message(&self, req: DeleteMessageRequest) -> Result<String> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(id) = check.required("id", &req.id) {
            check.string("id", id, &validate::MESSAGE_ID);
        }
        check.optional_string("reason", &req.reason, &validate::REASON);
        check.finish()?;
        let room_id = self.live_room_id(&req.room_identifier)?;
        let id = new_id();
        let message_id = req.id.unwrap_or_default();
        self.emit_delete_message(&room_id, &id, &message_id, req.reason);
        Ok(id)
    }

    /// Broadcasts `aws:DISCONNECT_USER` and closes the user's connections.
    pub fn disconnect_user(&self, req: DisconnectUserRequest) -> Result<()> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(user) = check.required("userId", &req.user_id) {
            check.string("userId", user, &validate::USER_ID);
        }
        check.optional_string("reason", &req.reason, &validate::REASON);
        check.finish()?;
        let room_id = self.live_room_id(&req.room_identifier)?;
        let user_id = req.user_id.unwrap_or_default();
        self.emit_disconnect_user(&room_id, &new_id(), &user_id, req.reason);
        Ok(())
    }

    /// The id of the (existing) room a validated identifier names.
    fn live_room_id(&self, identifier: &Option<String>) -> Result<String> {
        let arn = identifier.as_deref().unwrap_or_default();
        let id = self.resolve(ResourceType::Room, arn)?;
        room_in(&self.read(), id).map(|room| room.id.clone())
    }
}

fn check_room(check: &mut Check, identifier: &Option<String>) {
    if let Some(room) = check.required("roomIdentifier", identifier) {
        check.string("roomIdentifier", room, &validate::ROOM_IDENTIFIER);
    }
}
