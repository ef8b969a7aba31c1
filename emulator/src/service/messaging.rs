//! The Messaging API's operations: connecting with a chat token, and the three client actions
//! (SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER), with capability checks, the room's limits,
//! message review and chat logging. Control-plane SendEvent, DeleteMessage and DisconnectUser
//! deliver through the same [`ChatService::deliver_event`].

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::ChatService;
use super::validate;
use crate::chat_log::{LogRecord, RecordKind};
use crate::live::{LiveRoom, Membership};
use crate::model::messaging::{self, ClientRequest};
use crate::model::{
    Attributes, Capability, Destination, LoggingConfigurationState, MAX_ATTRIBUTES_BYTES,
    MessageReviewHandler, Timestamp, attributes_size, new_id,
};
use crate::review::{ReviewRequest, ReviewSender, Verdict};
use crate::service::ChatTokenClaims;

/// Persisted token uses between two prunings of expired ones.
const PRUNE_EVERY: u64 = 1024;

/// Why a WebSocket handshake is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnectError {
    #[error("The chat token is missing or invalid.")]
    InvalidToken,
    #[error("The chat token has already been used.")]
    TokenUsed,
    #[error("The chat token has expired.")]
    TokenExpired,
    #[error("The chat session has expired.")]
    SessionExpired,
    #[error("The room does not exist.")]
    RoomNotFound,
    /// The token's use could not be recorded, so single use could not be guaranteed.
    #[error("The chat service could not accept the connection.")]
    Internal,
}

impl ConnectError {
    /// The HTTP status the handshake is refused with.
    pub fn status(&self) -> u16 {
        match self {
            Self::RoomNotFound => 404,
            Self::Internal => 500,
            _ => 401,
        }
    }
}

/// An ERROR frame for the requester only: `code` is the Messaging API error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    pub code: u16,
    pub message: String,
}

fn frame_error(code: u16, message: impl Into<String>) -> FrameError {
    FrameError {
        code,
        message: message.into(),
    }
}

/// Who is connected, to which room.
pub struct Participant {
    pub claims: ChatTokenClaims,
    pub room: Arc<LiveRoom>,
    pub ip: String,
}

/// A connection the WebSocket layer runs: its participant, its deliveries, its deadline.
pub struct Connection {
    pub participant: Arc<Participant>,
    pub membership: Membership,
    pub session_expires: Timestamp,
}

/// An EVENT to render and deliver.
struct EventFrame<'a> {
    id: &'a str,
    request_id: &'a str,
    event_name: &'a str,
    attributes: &'a Attributes,
    /// `aws:DISCONNECT_USER`: the user whose connections close after it.
    closes: Option<&'a str>,
}

/// What a live room needs to know about its room, read fresh for every message so that
/// UpdateRoom takes effect on live connections.
struct LiveSettings {
    arn: String,
    maximum_message_length: u32,
    maximum_message_rate_per_second: u32,
    review_handler: Option<MessageReviewHandler>,
    log_destinations: Vec<Destination>,
}

impl ChatService {
    /// Checks a chat token (sealed by us, unexpired, unused, for a room that exists) and joins
    /// its room.
    pub fn connect(&self, token: &str, ip: IpAddr) -> Result<Connection, ConnectError> {
        let claims = self
            .open_chat_token(token)
            .ok_or(ConnectError::InvalidToken)?;
        let now = Timestamp::now();
        if claims.token_expires <= now {
            return Err(ConnectError::TokenExpired);
        }
        if claims.session_expires <= now {
            return Err(ConnectError::SessionExpired);
        }
        if self.read().rooms.get(&claims.room_id).is_none() {
            return Err(ConnectError::RoomNotFound);
        }
        // The sealed token starts with its random nonce: a unique key for single use.
        let key = &token[..token.len().min(16)];
        if !self.live.use_token(key, claims.token_expires) {
            return Err(ConnectError::TokenUsed);
        }
        // On disk before the connection is accepted: a restart must not make it usable again.
        let prune =
            self.token_uses.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1;
        if let Err(err) = self
            .persistence
            .put_used_token(key, claims.token_expires, prune)
        {
            tracing::error!(%err, "could not record a used chat token");
            return Err(ConnectError::Internal);
        }
        let (room, membership) = self.live.join(&claims.room_id, &claims.user_id);
        Ok(Connection {
            session_expires: claims.session_expires,
            participant: Arc::new(Participant {
                claims,
                room,
                ip: ip.to_string(),
            }),
            membership,
        })
    }

    /// Carries out one client request. Success is seen through the room's deliveries; a
    /// failure is an ERROR frame for the requester.
    pub async fn handle_request(
        &self,
        who: &Participant,
        request: ClientRequest,
    ) -> Result<(), FrameError> {
        let settings = self
            .live_settings(&who.claims.room_id)
            .ok_or_else(|| frame_error(404, "Room not found"))?;
        match request {
            ClientRequest::SendMessage {
                request_id,
                content,
                attributes,
            } => {
                self.send_message(who, &settings, &request_id, content, attributes)
                    .await
            }
            ClientRequest::DeleteMessage {
                request_id,
                id,
                reason,
            } => {
                require(who, Capability::DeleteMessage)?;
                if !validate::MESSAGE_ID.accepts(&id) {
                    return Err(frame_error(400, "Id must be a 12-character message id"));
                }
                check_reason(&reason)?;
                let attributes = delete_message_attributes(&id, reason);
                let event = EventFrame {
                    id: &new_id(),
                    request_id: &request_id,
                    event_name: "aws:DELETE_MESSAGE",
                    attributes: &attributes,
                    closes: None,
                };
                self.deliver_event_to(&who.claims.room_id, &settings, event);
                Ok(())
            }
            ClientRequest::DisconnectUser {
                request_id,
                user_id,
                reason,
            } => {
                require(who, Capability::DisconnectUser)?;
                if !validate::USER_ID.accepts(&user_id) {
                    return Err(frame_error(400, "UserId must be 1 to 128 characters"));
                }
                check_reason(&reason)?;
                self.disconnect(
                    &who.claims.room_id,
                    &settings,
                    &new_id(),
                    &request_id,
                    &user_id,
                    reason,
                );
                Ok(())
            }
        }
    }

    async fn send_message(
        &self,
        who: &Participant,
        settings: &LiveSettings,
        request_id: &str,
        content: String,
        attributes: Attributes,
    ) -> Result<(), FrameError> {
        require(who, Capability::SendMessage)?;
        let length = content.chars().count();
        if length == 0 || length > settings.maximum_message_length as usize {
            return Err(frame_error(
                400,
                format!(
                    "Content must be 1 to {} characters long",
                    settings.maximum_message_length
                ),
            ));
        }
        if attributes_size(&attributes) > MAX_ATTRIBUTES_BYTES {
            return Err(frame_error(413, "Attributes exceed the 1 KB limit"));
        }
        if !who
            .room
            .try_take_rate(settings.maximum_message_rate_per_second)
        {
            return Err(frame_error(429, "Room message rate limit exceeded"));
        }
        let id = new_id();
        let (content, attributes) = match &settings.review_handler {
            None => (content, attributes),
            Some(handler) => {
                let request = ReviewRequest {
                    content: &content,
                    message_id: &id,
                    room_arn: &settings.arn,
                    attributes: &attributes,
                    sender: ReviewSender {
                        user_id: &who.claims.user_id,
                        attributes: &who.claims.attributes,
                        ip: &who.ip,
                    },
                };
                match self.reviewer.review(handler, &request).await {
                    Verdict::Allow {
                        content,
                        attributes,
                    } => (content, attributes),
                    Verdict::Deny { reason } => {
                        return Err(frame_error(
                            406,
                            reason.unwrap_or_else(|| {
                                "Message denied by the review handler".to_owned()
                            }),
                        ));
                    }
                }
            }
        };
        let time = Timestamp::now();
        let frame = messaging::Message {
            id: &id,
            request_id,
            content: &content,
            attributes: &attributes,
            send_time: time,
            sender: messaging::Sender {
                user_id: &who.claims.user_id,
                attributes: &who.claims.attributes,
            },
        }
        .to_json();
        self.chat_log.record(LogRecord {
            room_id: who.claims.room_id.clone(),
            destinations: settings.log_destinations.clone(),
            kind: RecordKind::Message,
            payload: frame.clone(),
            time,
        });
        who.room.deliver(frame.into());
        Ok(())
    }

    /// Renders and delivers an EVENT to the room (if anyone is connected) and its chat logs.
    fn deliver_event_to(&self, room_id: &str, settings: &LiveSettings, event: EventFrame<'_>) {
        let time = Timestamp::now();
        let frame = messaging::Event {
            id: event.id,
            request_id: event.request_id,
            event_name: event.event_name,
            attributes: event.attributes,
            send_time: time,
        }
        .to_json();
        self.chat_log.record(LogRecord {
            room_id: room_id.to_owned(),
            destinations: settings.log_destinations.clone(),
            kind: RecordKind::Event,
            payload: frame.clone(),
            time,
        });
        match event.closes {
            // Never lost, whatever the user's connections' backlog.
            Some(user_id) => self.live.disconnect_user(room_id, user_id, frame.into()),
            None => {
                if let Some(room) = self.live.existing_room(room_id) {
                    room.deliver(frame.into());
                }
            }
        }
    }

    /// `aws:DISCONNECT_USER` to the room, then every connection of the user is closed.
    fn disconnect(
        &self,
        room_id: &str,
        settings: &LiveSettings,
        id: &str,
        request_id: &str,
        user_id: &str,
        reason: Option<String>,
    ) {
        let mut attributes = Attributes::from([("UserId".to_owned(), user_id.to_owned())]);
        if let Some(reason) = reason {
            attributes.insert("Reason".to_owned(), reason);
        }
        let event = EventFrame {
            id,
            request_id,
            event_name: "aws:DISCONNECT_USER",
            attributes: &attributes,
            closes: Some(user_id),
        };
        self.deliver_event_to(room_id, settings, event);
    }

    /// Control plane: an application event (SendEvent), `RequestId` empty as IVS sends it.
    pub(super) fn emit_event(
        &self,
        room_id: &str,
        id: &str,
        event_name: &str,
        attributes: &Attributes,
    ) {
        if let Some(settings) = self.live_settings(room_id) {
            let event = EventFrame {
                id,
                request_id: "",
                event_name,
                attributes,
                closes: None,
            };
            self.deliver_event_to(room_id, &settings, event);
        }
    }

    /// Control plane: DeleteMessage.
    pub(super) fn emit_delete_message(
        &self,
        room_id: &str,
        id: &str,
        message_id: &str,
        reason: Option<String>,
    ) {
        if let Some(settings) = self.live_settings(room_id) {
            let attributes = delete_message_attributes(message_id, reason);
            let event = EventFrame {
                id,
                request_id: "",
                event_name: "aws:DELETE_MESSAGE",
                attributes: &attributes,
                closes: None,
            };
            self.deliver_event_to(room_id, &settings, event);
        }
    }

    /// Control plane: DisconnectUser.
    pub(super) fn emit_disconnect_user(
        &self,
        room_id: &str,
        id: &str,
        user_id: &str,
        reason: Option<String>,
    ) {
        if let Some(settings) = self.live_settings(room_id) {
            self.disconnect(room_id, &settings, id, "", user_id, reason);
        }
    }

    fn live_settings(&self, room_id: &str) -> Option<LiveSettings> {
        let state = self.read();
        let room = state.rooms.get(room_id)?;
        let log_destinations = room
            .logging_configuration_identifiers
            .iter()
            .filter_map(|arn| {
                let id = self.id_in_arn(crate::model::ResourceType::LoggingConfiguration, arn)?;
                let config = state.logging_configurations.get(id)?;
                (config.state == LoggingConfigurationState::Active)
                    .then(|| config.destination_configuration.clone())
            })
            .collect();
        Some(LiveSettings {
            arn: room.arn.clone(),
            maximum_message_length: room.maximum_message_length,
            maximum_message_rate_per_second: room.maximum_message_rate_per_second,
            review_handler: room.message_review_handler.clone(),
            log_destinations,
        })
    }
}

fn require(who: &Participant, capability: Capability) -> Result<(), FrameError> {
    if who.claims.capabilities.contains(&capability) {
        Ok(())
    } else {
        Err(frame_error(
            403,
            "The chat token does not grant this action",
        ))
    }
}

fn check_reason(reason: &Option<String>) -> Result<(), FrameError> {
    match reason {
        Some(r) if !validate::REASON.accepts(r) => {
            Err(frame_error(400, "Reason must be 1 to 256 characters"))
        }
        _ => Ok(()),
    }
}

/// `aws:DELETE_MESSAGE` carries the id as `MessageID` (what the SDK reads) and `MessageId`.
fn delete_message_attributes(message_id: &str, reason: Option<String>) -> Attributes {
    let mut attributes = Attributes::from([
        ("MessageID".to_owned(), message_id.to_owned()),
        ("MessageId".to_owned(), message_id.to_owned()),
    ]);
    if let Some(reason) = reason {
        attributes.insert("Reason".to_owned(), reason);
    }
    attributes
}
