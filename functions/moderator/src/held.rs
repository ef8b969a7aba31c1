//! The held-message queue: messages a room's rules hold wait here (an hour at most) for a
//! moderator. Approving delivers the message to the room as an `app:held-approved` event (IVS
//! cannot send a message on a user's behalf) carrying the original sender, content and id, and
//! records it in history; rejecting drops it. Either decision is taken once: a second moderator
//! acting on the same message gets 409.

use std::collections::HashMap;

use chat_core::domain::records::{AuditAction, ChatMessage, HeldMessage, SentMessage};
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::request::{limit_param, path_param, query_param, require_outranks, role_of};
use chat_core::ivs::ivs_error;
use chat_core::ivs::limits::ATTRIBUTES_MAX_BYTES;
use chat_core::store::{Store, StoreError};
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

use crate::history::message_view;
use crate::{Acting, Moderator, moderating};

/// The event that delivers an approved message.
pub const APPROVED_EVENT: &str = "app:held-approved";
const QUEUE_DEFAULT: usize = 50;
const QUEUE_MAX: usize = 100;

fn held_view(held: &HeldMessage) -> Value {
    json!({
        "heldId": held.held_id,
        "reason": held.reason,
        "role": held.role.as_str(),
        "message": message_view(&held.message),
    })
}

fn held_id(req: &Request) -> Result<String, ApiError> {
    let id = path_param(req, "heldId")?;
    if is_held_id(&id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "heldId must be the heldId of a message in the queue.",
        ))
    }
}

/// A held id: the time it was held (15 digits), `-`, the message id.
fn is_held_id(id: &str) -> bool {
    id.len() == 28
        && id.as_bytes()[15] == b'-'
        && id[..15].bytes().all(|b| b.is_ascii_digit())
        && chat_core::ivs::is_resource_id(&id[16..])
}

/// `GET /held?order=oldest|newest&limit&after`: a page of the queue in either order, `next`
/// resuming after the page's last message. Moderators only.
pub async fn list<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let limit = limit_param(req, QUEUE_DEFAULT, 1..=QUEUE_MAX)?;
    let newest_first = match query_param(req, "order").as_deref() {
        None | Some("oldest") => false,
        Some("newest") => true,
        Some(_) => return Err(ApiError::bad_request("order must be oldest or newest.")),
    };
    let after = query_param(req, "after");
    if after.as_deref().is_some_and(|id| !is_held_id(id)) {
        return Err(ApiError::bad_request(
            "after must be the `next` of a previous page.",
        ));
    }
    let page = m
        .store
        .held_page(&act.room.room_id, limit, after.as_deref(), newest_first)
        .await?;
    Ok(json_response(
        200,
        &json!({
            "held": page.held.iter().map(held_view).collect::<Vec<_>>(),
            "next": page.next,
        }),
    ))
}

/// The held message, claimed for this decision: 404 if it is gone (decided or expired), 409 if
/// another moderator is deciding it.
async fn claim<S: Store>(
    m: &Moderator<S>,
    act: &Acting,
    held_id: &str,
) -> Result<HeldMessage, ApiError> {
    let room_id = &act.room.room_id;
    let gone = || ApiError::not_found("That message is no longer held (decided or expired).");
    let held = m.store.held(room_id, held_id).await?.ok_or_else(gone)?;
    match m.store.claim_held(room_id, held_id).await {
        Ok(()) => Ok(held),
        Err(StoreError::ConditionFailed) => Err(ApiError::new(
            409,
            "ALREADY_DECIDED",
            "Another moderator has already decided this message.",
        )),
        Err(err) => Err(err.into()),
    }
}

/// The approved message's event attributes: the original id, sender and content — the content
/// left out (`inHistory`) when it would not fit IVS's 1 KB of attributes; clients then read it
/// from history.
fn approved_attributes(message: &ChatMessage) -> HashMap<String, String> {
    let mut attributes = HashMap::from([
        ("messageId".to_owned(), message.id.clone()),
        ("userId".to_owned(), message.sender.user_id.clone()),
        (
            "displayName".to_owned(),
            message
                .sender
                .attributes
                .get("displayName")
                .cloned()
                .unwrap_or_default(),
        ),
        (
            "sendTime".to_owned(),
            chat_core::time::rfc3339(message.send_time),
        ),
        ("content".to_owned(), message.content.clone()),
    ]);
    let size: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > ATTRIBUTES_MAX_BYTES {
        attributes.remove("content");
        attributes.insert("inHistory".to_owned(), "true".to_owned());
    }
    attributes
}

pub async fn approve<S: Store>(
    req: &Request,
    m: &Moderator<S>,
) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let held_id = held_id(req)?;
    let held = claim(m, &act, &held_id).await?;
    let room = &act.room;
    if let Err(refused) = sender_still_approvable(m, &act, &held).await {
        act.audit(
            m,
            AuditAction::HeldApprovalRefused,
            Some(&held.message.sender.user_id),
            Some(&refused.code),
        )
        .await?;
        return Err(refused);
    }
    // Delivered now: history places it where the room sees it.
    let mut message = held.message.clone();
    message.send_time = chat_core::time::now_millis();
    let keep_secs = room.policy.clone().unwrap_or_default().history_keep_secs();
    // In history first, so a client told by the event to read it there finds it.
    let sent = SentMessage {
        message_id: message.id.clone(),
        user_id: message.sender.user_id.clone(),
        role: held.role,
        at: message.send_time,
    };
    if let Err(err) = m
        .store
        .record_delivery(&room.room_id, &sent, &message, keep_secs)
        .await
    {
        let _ = m.store.release_held(&room.room_id, &held_id).await;
        return Err(err.into());
    }
    let delivered = m
        .ivs
        .send_event()
        .room_identifier(&room.room_arn)
        .event_name(APPROVED_EVENT)
        .set_attributes(Some(approved_attributes(&message)))
        .send()
        .await;
    if let Err(err) = delivered {
        // Not delivered: back in the queue, out of history.
        let _ = m.store.delete_history(&room.room_id, &message.id).await;
        let _ = m.store.release_held(&room.room_id, &held_id).await;
        return Err(ivs_error(err));
    }
    m.store.delete_held(&room.room_id, &held_id).await?;
    act.audit(
        m,
        AuditAction::HeldMessageApproved,
        Some(&message.sender.user_id),
        Some(&held.reason),
    )
    .await?;
    Ok(json_response(
        200,
        &json!({"heldId": held_id, "message": message_view(&message)}),
    ))
}

/// Checks the sender again at decision time, as a ban or the hierarchy stands now: a sender a
/// binding ban covers is refused (`SENDER_BANNED`, and the message dropped: nobody may speak
/// for them); one no longer below the moderator is refused as any act on an equal is (403,
/// the claim released so a higher role may still decide).
async fn sender_still_approvable<S: Store>(
    m: &Moderator<S>,
    act: &Acting,
    held: &HeldMessage,
) -> Result<(), ApiError> {
    let room = &act.room;
    let sender = &held.message.sender.user_id;
    let role = role_of(&m.store, room, sender).await?;
    let banned = m
        .store
        .active_ban(&room.room_id, sender)
        .await?
        .is_some_and(|ban| ban.binds(role, chat_core::time::now_millis()));
    if banned {
        m.store.delete_held(&room.room_id, &held.held_id).await?;
        return Err(ApiError::new(
            409,
            "SENDER_BANNED",
            "The sender is banned or timed out here: their held message was dropped.",
        ));
    }
    if let Err(refused) = require_outranks(act.role, role) {
        m.store.release_held(&room.room_id, &held.held_id).await?;
        return Err(refused);
    }
    Ok(())
}

pub async fn reject<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let held_id = held_id(req)?;
    let held = claim(m, &act, &held_id).await?;
    m.store.delete_held(&act.room.room_id, &held_id).await?;
    act.audit(
        m,
        AuditAction::HeldMessageRejected,
        Some(&held.message.sender.user_id),
        Some(&held.reason),
    )
    .await?;
    Ok(json_response(
        200,
        &json!({"heldId": held_id, "rejected": true}),
    ))
}
