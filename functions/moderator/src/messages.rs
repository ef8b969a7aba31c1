//! Deleting a message: every client removes it (IVS broadcasts `aws:DELETE_MESSAGE`), and it
//! leaves the room's history at once.

use chat_core::domain::records::AuditAction;
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::fields;
use chat_core::http::request::{path_param, query_param, require_outranks, role_of};
use chat_core::ivs::{is_resource_id, ivs_error};
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::{Acting, Moderator, moderating};

pub async fn delete<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, .. } = &act;
    let message_id = path_param(req, "messageId")?;
    if !is_resource_id(&message_id) {
        return Err(ApiError::bad_request(
            "messageId must be the 12-character id of a message.",
        ));
    }
    let reason = query_param(req, "reason");
    fields::reason(reason.as_deref())?;
    // The sender as the review handler recorded them: one deletes one's own messages and those
    // of lower roles (the higher of their role then and now). A message it never saw (a review
    // that fell back) has no known sender.
    if let Some(sent) = m.store.sent_message(&room.room_id, &message_id).await?
        && sent.user_id != act.caller.user_id
    {
        let now = role_of(&m.store, room, &sent.user_id).await?.max(sent.role);
        require_outranks(act.role, now)?;
    }
    let deleted = m
        .ivs
        .delete_message()
        .room_identifier(&room.room_arn)
        .id(&message_id)
        .set_reason(reason.clone())
        .send()
        .await
        .map_err(ivs_error)?;
    m.store.delete_history(&room.room_id, &message_id).await?;
    act.audit(
        m,
        AuditAction::MessageDeleted,
        Some(&message_id),
        reason.as_deref(),
    )
    .await?;
    Ok(json_response(
        200,
        &json!({"id": deleted.id(), "messageId": message_id}),
    ))
}
