//! moderator: what a room's owner and moderators do to its live chat — send events, delete
//! messages, ban and time out users (cut off at once), lift bans — and the audit log of it all.

mod audit;
mod bans;
mod events;
mod messages;

use chat_core::domain::identity::Caller;
use chat_core::domain::records::RoomRecord;
use chat_core::http::error::{ApiError, respond};
use chat_core::http::request::{caller, require_moderator, room_access, room_id, route_key};
use chat_core::store::{ChatStore, Store};
use lambda_http::{Body, Error, Request, Response};

pub struct Moderator<S> {
    pub ivs: aws_sdk_ivschat::Client,
    pub store: ChatStore<S>,
}

pub async fn handle<S: Store>(req: Request, m: &Moderator<S>) -> Result<Response<Body>, Error> {
    let result = match route_key(&req).as_str() {
        "POST /rooms/{roomId}/events" => events::send(&req, m).await,
        "DELETE /rooms/{roomId}/messages/{messageId}" => messages::delete(&req, m).await,
        "POST /rooms/{roomId}/bans" => bans::ban(&req, m).await,
        "GET /rooms/{roomId}/bans" => bans::list(&req, m).await,
        "DELETE /rooms/{roomId}/bans/{userId}" => bans::unban(&req, m).await,
        "GET /rooms/{roomId}/audit" => audit::list(&req, m).await,
        other => Err(ApiError::not_found(format!(
            "No route {other:?} in moderator."
        ))),
    };
    Ok(respond(result))
}

/// Who is calling, the room, and the caller's role — refused unless they moderate it.
async fn moderating<S: Store>(
    req: &Request,
    m: &Moderator<S>,
) -> Result<(Caller, RoomRecord, chat_core::domain::role::Role), ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (room, role) = room_access(&m.store, &caller, &room_id).await?;
    require_moderator(role)?;
    Ok((caller, room, role))
}

fn reason(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(r) if r.is_empty() || r.chars().count() > 256 => {
            Err(ApiError::bad_request("reason must be 1 to 256 characters."))
        }
        other => Ok(other),
    }
}
