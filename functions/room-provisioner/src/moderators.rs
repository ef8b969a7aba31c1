//! A room's moderators: listed by its owner or an admin, stored with the room. Only someone who
//! has signed in here (and so has a profile) can be listed; the room hears of every change
//! (`app:role-changed`), so the person's page changes role at once.

use chat_core::domain::records::{AuditAction, Moderator};
use chat_core::domain::role::Role;
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::request::{caller, require_manager, room_access, room_id, user_id_param};
use chat_core::ivs::announce;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::Provisioner;

/// The event that tells a room someone's role changed (`userId`, `role`).
pub const ROLE_CHANGED_EVENT: &str = "app:role-changed";

pub async fn add<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let (room_id, user) = change_role(req, p, Role::Moderator).await?;
    Ok(json_response(
        200,
        &json!({"roomId": room_id, "userId": user, "role": "moderator"}),
    ))
}

pub async fn remove<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    change_role(req, p, Role::Viewer).await?;
    Ok(no_content())
}

/// Makes the path's user a moderator of the path's room, or a viewer again: the caller must
/// manage the room; the change is stored, audited and announced. Returns (room id, user id).
async fn change_role<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
    to: Role,
) -> Result<(String, String), ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let user = user_id_param(req)?;
    let (room, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    let action = if to == Role::Moderator {
        if p.store.profile(&user).await?.is_none() {
            return Err(ApiError::new(
                404,
                "NO_SUCH_USER",
                format!("{user} has never signed in here: pick someone from the room."),
            ));
        }
        let moderator = Moderator {
            user_id: user.clone(),
            added_by: caller.user_id.clone(),
            added_at: chat_core::time::now_millis(),
        };
        p.store.add_moderator(&room_id, &moderator).await?;
        AuditAction::ModeratorAdded
    } else {
        p.store.remove_moderator(&room_id, &user).await?;
        AuditAction::ModeratorRemoved
    };
    p.store
        .audit_now(&room_id, &caller.user_id, action, Some(&user), None)
        .await?;
    announce(
        &p.ivs,
        &room.room_arn,
        ROLE_CHANGED_EVENT,
        &[("userId", &user), ("role", to.as_str())],
    )
    .await;
    Ok((room_id, user))
}
