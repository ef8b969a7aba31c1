//! A room's moderators: listed by its owner or an admin, stored with the room.

use chat_core::domain::records::{AuditAction, Moderator};
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::request::{caller, require_manager, room_access, room_id, user_id_param};
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::Provisioner;

pub async fn add<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let user = user_id_param(req)?;
    let (_, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    let moderator = Moderator {
        user_id: user.clone(),
        added_by: caller.user_id.clone(),
        added_at: chat_core::time::now_millis(),
    };
    p.store.add_moderator(&room_id, &moderator).await?;
    p.store
        .audit_now(
            &room_id,
            &caller.user_id,
            AuditAction::ModeratorAdded,
            Some(&user),
            None,
        )
        .await?;
    Ok(json_response(
        200,
        &json!({"roomId": room_id, "userId": user, "role": "moderator"}),
    ))
}

pub async fn remove<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let user = user_id_param(req)?;
    let (_, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    p.store.remove_moderator(&room_id, &user).await?;
    p.store
        .audit_now(
            &room_id,
            &caller.user_id,
            AuditAction::ModeratorRemoved,
            Some(&user),
            None,
        )
        .await?;
    Ok(no_content())
}
