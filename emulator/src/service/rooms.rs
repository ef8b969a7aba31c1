//! CreateRoom, GetRoom, UpdateRoom, DeleteRoom, ListRooms.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::validate::{self, Check};
use super::{ChatService, Page, persist_failed};
use crate::error::{Result, ServiceError};
use crate::model::new_id;
use crate::model::{
    DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_MESSAGE_RATE, FallbackResult,
    MAX_LOGGING_CONFIGURATIONS_PER_ROOM, MessageReviewHandler, ResourceType, Room, Timestamp,
};
use crate::seal::Purpose;
use crate::state::State;

/// Model: `MessageReviewHandler` as sent by clients (enum values checked, not trusted).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReviewHandlerInput {
    pub uri: Option<String>,
    pub fallback_result: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRoomRequest {
    pub name: Option<String>,
    pub maximum_message_rate_per_second: Option<i64>,
    pub maximum_message_length: Option<i64>,
    pub message_review_handler: Option<MessageReviewHandlerInput>,
    pub tags: Option<BTreeMap<String, String>>,
    pub logging_configuration_identifiers: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRoomRequest {
    pub identifier: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRoomRequest {
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub maximum_message_rate_per_second: Option<i64>,
    pub maximum_message_length: Option<i64>,
    pub message_review_handler: Option<MessageReviewHandlerInput>,
    pub logging_configuration_identifiers: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRoomsRequest {
    pub name: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub message_review_handler_uri: Option<String>,
    pub logging_configuration_identifier: Option<String>,
}

/// The settings CreateRoom and UpdateRoom share, checked the same way for both.
struct RoomSettings<'a> {
    name: &'a Option<String>,
    rate: Option<i64>,
    length: Option<i64>,
    handler: &'a Option<MessageReviewHandlerInput>,
    logging: &'a Option<Vec<String>>,
}

impl RoomSettings<'_> {
    fn check(&self, check: &mut Check) {
        check.optional_string("name", self.name, &validate::RESOURCE_NAME);
        // Model: `RoomMaxMessageRatePerSecond` 1..100, `RoomMaxMessageLength` 1..500.
        check.range("maximumMessageRatePerSecond", self.rate, 1, 100);
        check.range("maximumMessageLength", self.length, 1, 500);
        if let Some(handler) = self.handler {
            check.optional_string(
                "messageReviewHandler.uri",
                &handler.uri,
                &validate::LAMBDA_ARN_RULE,
            );
            if let Some(fallback) = &handler.fallback_result {
                check.one_of(
                    "messageReviewHandler.fallbackResult",
                    fallback,
                    &["ALLOW", "DENY"],
                );
            }
        }
        if let Some(list) = self.logging {
            check.list_max(
                "loggingConfigurationIdentifiers",
                list.len(),
                MAX_LOGGING_CONFIGURATIONS_PER_ROOM,
            );
            for arn in list {
                check.string(
                    "loggingConfigurationIdentifiers",
                    arn,
                    &validate::LOGGING_CONFIGURATION_IDENTIFIER,
                );
            }
        }
    }
}

/// A handler with an empty (or no) URI is no handler: that is how UpdateRoom detaches one.
fn review_handler(input: &MessageReviewHandlerInput) -> Option<MessageReviewHandler> {
    let uri = input.uri.clone().unwrap_or_default();
    if uri.is_empty() {
        return None;
    }
    let fallback_result = match input.fallback_result.as_deref() {
        Some("DENY") => FallbackResult::Deny,
        _ => FallbackResult::Allow,
    };
    Some(MessageReviewHandler {
        uri,
        fallback_result,
    })
}

impl ChatService {
    pub fn create_room(&self, req: CreateRoomRequest) -> Result<Room> {
        let mut check = Check::new();
        let settings = RoomSettings {
            name: &req.name,
            rate: req.maximum_message_rate_per_second,
            length: req.maximum_message_length,
            handler: &req.message_review_handler,
            logging: &req.logging_configuration_identifiers,
        };
        settings.check(&mut check);
        let tags = req.tags.unwrap_or_default();
        check.tags("tags", &tags);
        check.finish()?;

        let mut state = self.write();
        let logging = self.logging_arns(&state, req.logging_configuration_identifiers)?;
        if state.rooms.len() as u64 >= self.quotas.max_rooms {
            return Err(ServiceError::QuotaExceeded {
                message: format!(
                    "Limit of {} rooms per account reached.",
                    self.quotas.max_rooms
                ),
                resource_type: ResourceType::Room,
                resource_id: self.account_id.clone(),
                limit: self.quotas.max_rooms,
            });
        }
        let id = loop {
            let id = new_id();
            if state.rooms.get(&id).is_none() {
                break id;
            }
        };
        let now = Timestamp::now();
        let room = Room {
            arn: self.arn(ResourceType::Room, &id),
            id,
            name: req.name.unwrap_or_default(),
            create_time: now,
            update_time: now,
            maximum_message_rate_per_second: req
                .maximum_message_rate_per_second
                .map_or(DEFAULT_MAX_MESSAGE_RATE, |v| v as u32),
            maximum_message_length: req
                .maximum_message_length
                .map_or(DEFAULT_MAX_MESSAGE_LENGTH, |v| v as u32),
            message_review_handler: req.message_review_handler.as_ref().and_then(review_handler),
            logging_configuration_identifiers: logging.unwrap_or_default(),
            tags,
            revision: state.next_revision(),
        };
        self.persistence.put_room(&room).map_err(persist_failed)?;
        state.rooms.put(room.clone());
        Ok(room)
    }

    pub fn get_room(&self, req: GetRoomRequest) -> Result<Room> {
        let id = self.identifier(ResourceType::Room, "identifier", &req.identifier)?;
        let state = self.read();
        room_in(&state, &id).cloned()
    }

    pub fn update_room(&self, req: UpdateRoomRequest) -> Result<Room> {
        let mut check = Check::new();
        if let Some(identifier) = check.required("identifier", &req.identifier) {
            check.string("identifier", identifier, &validate::ROOM_IDENTIFIER);
        }
        RoomSettings {
            name: &req.name,
            rate: req.maximum_message_rate_per_second,
            length: req.maximum_message_length,
            handler: &req.message_review_handler,
            logging: &req.logging_configuration_identifiers,
        }
        .check(&mut check);
        check.finish()?;
        let identifier = req.identifier.as_deref().unwrap_or_default();
        let id = self.resolve(ResourceType::Room, identifier)?;

        let mut state = self.write();
        let mut room = room_in(&state, id)?.clone();
        // Only what the request names changes; the logging list is replaced whole.
        if let Some(logging) = self.logging_arns(&state, req.logging_configuration_identifiers)? {
            room.logging_configuration_identifiers = logging;
        }
        if let Some(name) = req.name {
            room.name = name;
        }
        if let Some(rate) = req.maximum_message_rate_per_second {
            room.maximum_message_rate_per_second = rate as u32;
        }
        if let Some(length) = req.maximum_message_length {
            room.maximum_message_length = length as u32;
        }
        if let Some(handler) = &req.message_review_handler {
            room.message_review_handler = review_handler(handler);
        }
        room.update_time = Timestamp::now();
        room.revision = state.next_revision();
        self.persistence.put_room(&room).map_err(persist_failed)?;
        state.rooms.put(room.clone());
        Ok(room)
    }

    /// Deletes a room and hands it back, so that its live sessions can be ended.
    pub fn delete_room(&self, req: GetRoomRequest) -> Result<Room> {
        let id = self.identifier(ResourceType::Room, "identifier", &req.identifier)?;
        let mut state = self.write();
        room_in(&state, &id)?;
        self.persistence.delete_room(&id).map_err(persist_failed)?;
        let room = state
            .rooms
            .remove(&id)
            .ok_or_else(|| ServiceError::not_found(ResourceType::Room, &id))?;
        // Deleting a room ends its live sessions, and closes its chat-log files.
        self.live.remove_room(&id);
        self.chat_log.room_deleted(&id);
        Ok(room)
    }

    pub fn list_rooms(&self, req: ListRoomsRequest) -> Result<Page<Room>> {
        let mut check = Check::new();
        check.optional_string("name", &req.name, &validate::RESOURCE_NAME);
        check.optional_string("nextToken", &req.next_token, &validate::PAGINATION_TOKEN);
        check.range("maxResults", req.max_results, 1, 50);
        check.optional_string(
            "messageReviewHandlerUri",
            &req.message_review_handler_uri,
            &validate::LAMBDA_ARN_RULE,
        );
        check.optional_string(
            "loggingConfigurationIdentifier",
            &req.logging_configuration_identifier,
            &validate::LOGGING_CONFIGURATION_IDENTIFIER,
        );
        check.finish()?;
        let state = self.read();
        self.page(
            Purpose::RoomsPage,
            &state.rooms,
            req.next_token.as_deref(),
            req.max_results,
            |room: &Room| {
                req.name.as_ref().is_none_or(|n| &room.name == n)
                    && req.message_review_handler_uri.as_ref().is_none_or(|uri| {
                        room.message_review_handler
                            .as_ref()
                            .map_or(uri.is_empty(), |h| &h.uri == uri)
                    })
                    && req
                        .logging_configuration_identifier
                        .as_ref()
                        .is_none_or(|arn| room.logging_configuration_identifiers.contains(arn))
            },
        )
    }

    /// Checks that every listed logging configuration exists; drops repeats, keeps the order.
    fn logging_arns(
        &self,
        state: &State,
        arns: Option<Vec<String>>,
    ) -> Result<Option<Vec<String>>> {
        let Some(arns) = arns else { return Ok(None) };
        let mut out: Vec<String> = Vec::with_capacity(arns.len());
        for arn in arns {
            let id = self.resolve(ResourceType::LoggingConfiguration, &arn)?;
            if state.logging_configurations.get(id).is_none() {
                return Err(ServiceError::not_found(
                    ResourceType::LoggingConfiguration,
                    id,
                ));
            }
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
        Ok(Some(out))
    }
}

pub(super) fn room_in<'a>(state: &'a State, id: &str) -> Result<&'a Room> {
    state
        .rooms
        .get(id)
        .ok_or_else(|| ServiceError::not_found(ResourceType::Room, id))
}
