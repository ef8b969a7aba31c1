//! moderator: what a room's owner and moderators do to its live chat — send events, delete
//! messages, ban and time out users (cut off at once), lift bans, decide held messages — and
//! the audit log of it all; and the room's history, which anyone in the room may read.

mod audit;
mod bans;
mod disconnects;
mod events;
mod held;
mod history;
mod messages;

pub use held::APPROVED_EVENT;

use chat_core::domain::identity::Caller;
use chat_core::domain::records::{AuditAction, RoomRecord};
use chat_core::domain::role::Role;
use chat_core::http::error::ApiError;
use chat_core::http::request::{caller, refuse_if_banned, require_moderator, room_access, room_id};
use chat_core::store::{ChatStore, Store};
use lambda_http::{Body, Error, Request, Response};

pub struct Moderator<S> {
    pub ivs: aws_sdk_ivschat::Client,
    pub store: ChatStore<S>,
}

chat_core::routes! {
    Moderator;
    "POST /rooms/{roomId}/events" => events::send,
    "GET /rooms/{roomId}/messages" => history::list,
    "DELETE /rooms/{roomId}/messages/{messageId}" => messages::delete,
    "GET /rooms/{roomId}/held" => held::list,
    "POST /rooms/{roomId}/held/{heldId}/approve" => held::approve,
    "POST /rooms/{roomId}/held/{heldId}/reject" => held::reject,
    "POST /rooms/{roomId}/bans" => bans::ban,
    "GET /rooms/{roomId}/bans" => bans::list,
    "DELETE /rooms/{roomId}/bans/{userId}" => bans::unban,
    "POST /rooms/{roomId}/disconnects" => disconnects::kick,
    "GET /rooms/{roomId}/audit" => audit::list,
}

pub async fn handle<S: Store>(req: Request, m: &Moderator<S>) -> Result<Response<Body>, Error> {
    Ok(chat_core::http::serve(&req, dispatch(&req, m)).await)
}

/// A moderator at work: who, in which room, with which role.
pub(crate) struct Acting {
    pub caller: Caller,
    pub room: RoomRecord,
    pub role: Role,
}

impl Acting {
    /// Records what they did in the room's audit log.
    async fn audit<S: Store>(
        &self,
        m: &Moderator<S>,
        action: AuditAction,
        target: Option<&str>,
        reason: Option<&str>,
    ) -> Result<(), ApiError> {
        // Every act is audited, so this is where each is counted.
        let name = serde_json::to_value(&action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        metrics::counter!(chat_core::telemetry::MODERATION_ACTIONS, "Action" => name).increment(1);
        m.store
            .audit_now(
                &self.room.room_id,
                &self.caller.user_id,
                action,
                target,
                reason,
            )
            .await
            .map_err(Into::into)
    }
}

/// Who is calling, the room, and the caller's role — refused unless they moderate it.
async fn moderating<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Acting, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (room, role) = room_access(&m.store, &caller, &room_id).await?;
    require_moderator(role)?;
    // A moderator banned by a higher role keeps their place on the list, not their power.
    refuse_if_banned(&m.store, &room_id, &caller.user_id, role).await?;
    Ok(Acting { caller, room, role })
}
