//! Rooms: created in IVS with the review handler attached, recorded with their owner and
//! moderation policy. A failed half never stays: if recording fails, the IVS room is deleted.

use chat_core::domain::records::{AuditAction, RoomRecord};
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::request::{
    caller, json_body, require_admin, require_manager, room_access, room_id,
};
use chat_core::ivs::ivs_error;
use chat_core::store::{Store, StoreError};
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

use crate::room_body::RoomBody;
use crate::{Provisioner, lifecycle, page_params, time};

/// The room as the API shows it: what IVS keeps (read now) and what our record adds.
async fn room_view<S>(p: &Provisioner<S>, record: &RoomRecord) -> Result<Value, ApiError> {
    let ivs = p
        .ivs
        .get_room()
        .identifier(&record.room_arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json!({
        "id": ivs.id(),
        "arn": ivs.arn(),
        "name": ivs.name(),
        "owner": record.owner,
        "maximumMessageLength": ivs.maximum_message_length(),
        "maximumMessageRatePerSecond": ivs.maximum_message_rate_per_second(),
        "messageReviewHandler": ivs.message_review_handler().map(|h| json!({
            "uri": h.uri(),
            "fallbackResult": h.fallback_result().map(|f| f.as_str()),
        })),
        "loggingConfigurationIds": ivs.logging_configuration_identifiers().iter()
            .map(|arn| arn.rsplit('/').next().unwrap_or_default()).collect::<Vec<_>>(),
        "tags": lifecycle::public_tags(ivs.tags()),
        "policy": record.policy,
        "createTime": time(ivs.create_time()),
        "updateTime": time(ivs.update_time()),
    }))
}

pub async fn create<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    require_admin(&caller)?;
    let body: RoomBody = json_body(req)?;
    body.check()?;
    let record = lifecycle::create(req, p, &body, &caller.user_id).await?;
    Ok(json_response(201, &room_view(p, &record).await?))
}

pub async fn list<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    caller(req)?;
    let (limit, next_token) = page_params(req)?;
    let page = p
        .ivs
        .list_rooms()
        .set_max_results(limit)
        .set_next_token(next_token)
        .send()
        .await
        .map_err(ivs_error)?;
    let mut rooms: Vec<Value> = Vec::new();
    for r in page.rooms() {
        // Only rooms that are ours and settled: what every other route also knows.
        if lifecycle::reconcile(p, r).await? {
            rooms.push(json!({
                "id": r.id(),
                "arn": r.arn(),
                "name": r.name(),
                "tags": lifecycle::public_tags(r.tags()),
                "createTime": time(r.create_time()),
                "updateTime": time(r.update_time()),
            }));
        }
    }
    Ok(json_response(
        200,
        &json!({"rooms": rooms, "nextToken": page.next_token()}),
    ))
}

pub async fn get<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (record, role) = room_access(&p.store, &caller, &room_id).await?;
    let mut out = room_view(p, &record).await?;
    out["role"] = json!(role.as_str());
    out["moderators"] = json!(
        p.store
            .moderators(&room_id)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect::<Vec<_>>()
    );
    Ok(json_response(200, &out))
}

pub async fn update<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (before, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    let body: RoomBody = json_body(req)?;
    body.check_update()?;
    let after = body.applied_to(&before);
    change(req, p, &body, &before, &after).await?;
    let action = if body.policy.is_some() {
        AuditAction::PolicyChanged
    } else {
        AuditAction::RoomUpdated
    };
    p.store
        .audit_now(&room_id, &caller.user_id, action, None, None)
        .await?;
    if body.policy.is_some() {
        // Pages show slow mode and the like at once.
        chat_core::ivs::announce(&p.ivs, &after.room_arn, POLICY_CHANGED_EVENT, &[]).await;
    }
    Ok(json_response(200, &room_view(p, &after).await?))
}

/// The event that tells a room its moderation policy changed.
pub const POLICY_CHANGED_EVENT: &str = "app:policy-changed";

/// Our record first, then IVS; if IVS refuses, the record goes back as it was.
async fn change<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
    body: &RoomBody,
    before: &RoomRecord,
    after: &RoomRecord,
) -> Result<(), ApiError> {
    p.store.update_room(after).await.map_err(|e| match e {
        StoreError::ConditionFailed => {
            ApiError::not_found(format!("Room {} does not exist.", before.room_id))
        }
        other => other.into(),
    })?;
    if !body.changes_ivs() {
        return Ok(());
    }
    let changed = p
        .ivs
        .update_room()
        .identifier(&before.room_arn)
        .set_name(body.name.clone())
        .set_maximum_message_length(body.maximum_message_length)
        .set_maximum_message_rate_per_second(body.maximum_message_rate_per_second)
        .set_logging_configuration_identifiers(body.logging_arns(req, p))
        .send()
        .await;
    if let Err(err) = changed {
        let _ = p.store.update_room(before).await;
        return Err(ivs_error(err));
    }
    Ok(())
}

pub async fn delete<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (record, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    lifecycle::delete(p, &record).await?;
    Ok(no_content())
}
