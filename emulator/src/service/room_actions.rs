//! SendEvent, DeleteMessage, DisconnectUser: control-plane actions on a room's live chat.

use std::collections::HashMap;

use serde::Deserialize;

use super::rooms::room_in;
use super::validate::{self, Check};
use super::{ChatService, new_id};
use crate::error::Result;
use crate::model::{ResourceType, Room};

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

/// A validated action, with the room it targets and the id of the event it produces.
pub struct RoomAction<T> {
    pub room: Room,
    pub event_id: String,
    pub request: T,
}

impl ChatService {
    pub fn send_event(&self, req: SendEventRequest) -> Result<RoomAction<SendEventRequest>> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(name) = check.required("eventName", &req.event_name) {
            check.string("eventName", name, &validate::EVENT_NAME);
        }
        if let Some(attributes) = &req.attributes {
            check.attributes("attributes", attributes);
        }
        check.finish()?;
        self.room_action(req.room_identifier.clone(), req)
    }

    pub fn delete_message(
        &self,
        req: DeleteMessageRequest,
    ) -> Result<RoomAction<DeleteMessageRequest>> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(id) = check.required("id", &req.id) {
            check.string("id", id, &validate::MESSAGE_ID);
        }
        check.optional_string("reason", &req.reason, &validate::REASON);
        check.finish()?;
        self.room_action(req.room_identifier.clone(), req)
    }

    pub fn disconnect_user(
        &self,
        req: DisconnectUserRequest,
    ) -> Result<RoomAction<DisconnectUserRequest>> {
        let mut check = Check::new();
        check_room(&mut check, &req.room_identifier);
        if let Some(user) = check.required("userId", &req.user_id) {
            check.string("userId", user, &validate::USER_ID);
        }
        check.optional_string("reason", &req.reason, &validate::REASON);
        check.finish()?;
        self.room_action(req.room_identifier.clone(), req)
    }

    fn room_action<T>(&self, identifier: Option<String>, request: T) -> Result<RoomAction<T>> {
        let arn = identifier.unwrap_or_default();
        let id = self.resolve(ResourceType::Room, &arn)?;
        let room = room_in(&self.read(), id)?.clone();
        Ok(RoomAction {
            room,
            event_id: new_id(),
            request,
        })
    }
}

fn check_room(check: &mut Check, identifier: &Option<String>) {
    if let Some(room) = check.required("roomIdentifier", identifier) {
        check.string("roomIdentifier", room, &validate::ROOM_IDENTIFIER);
    }
}
