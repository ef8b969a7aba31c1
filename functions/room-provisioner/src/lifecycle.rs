//! A room's life across two systems, IVS (the room) and our store (its record), made safe
//! against a crash at any point: no step leaves a room that one side knows and the other denies.
//!
//! Creation writes a pending record first, then creates the IVS room tagged with it, then
//! records the room and drops the tag. Deletion tags the IVS room as deleting, removes the
//! record, then the IVS room. A crash leaves a tag behind, never a silent half: `GET /rooms`
//! lists IVS rooms and [`reconcile`]s any that carry one (finishing the creation from the
//! pending record, or the deletion), and shows only rooms that are ours and recorded.

use std::collections::HashMap;

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler, RoomSummary};
use chat_core::domain::records::{AuditAction, AuditEntry, RoomRecord};
use chat_core::http::error::ApiError;
use chat_core::ivs::{is_not_found, ivs_error};
use chat_core::store::{Store, StoreError};
use lambda_http::Request;

use crate::Provisioner;
use crate::room_body::RoomBody;

/// Marks a room this backend created (rooms made outside it are not listed).
pub const OWNER_TAG: &str = "chat:owner";
/// A creation under way: the pending record's id.
pub const PENDING_TAG: &str = "chat:pending";
/// A deletion under way.
pub const DELETING_TAG: &str = "chat:deleting";
/// Tags under this prefix are the backend's own: hidden from views, refused in the tag routes.
pub const INTERNAL_PREFIX: &str = "chat:";

/// The room's tags as users see them.
pub fn public_tags(tags: Option<&HashMap<String, String>>) -> HashMap<String, String> {
    tags.into_iter()
        .flatten()
        .filter(|(k, _)| !k.starts_with(INTERNAL_PREFIX))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Creates the room in IVS and records it, recoverably (see the module's comment).
pub async fn create<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
    body: &RoomBody,
    owner: &str,
) -> Result<RoomRecord, ApiError> {
    // 48 random bits: plenty for records that live a day.
    let pending_id = AuditEntry::new_id();
    let mut record = RoomRecord::new("", "", owner, body.name.as_deref().unwrap_or_default());
    record.policy = body.policy.clone();
    p.store.put_pending_room(&pending_id, &record).await?;

    let mut tags = body.tags.clone().unwrap_or_default();
    tags.insert(OWNER_TAG.to_owned(), owner.to_owned());
    tags.insert(PENDING_TAG.to_owned(), pending_id.clone());
    let handler = p.review_handler_arn.as_ref().map(|uri| {
        MessageReviewHandler::builder()
            .uri(uri)
            .fallback_result(FallbackResult::Allow)
            .build()
    });
    let created = p
        .ivs
        .create_room()
        .set_name(body.name.clone())
        .set_maximum_message_length(body.maximum_message_length)
        .set_maximum_message_rate_per_second(body.maximum_message_rate_per_second)
        .set_message_review_handler(handler)
        .set_logging_configuration_identifiers(body.logging_arns(req, p))
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(ivs_error)?;
    record.room_id = created.id().unwrap_or_default().to_owned();
    record.room_arn = created.arn().unwrap_or_default().to_owned();
    record.name = created.name().unwrap_or_default().to_owned();
    finish_creation(p, &record, &pending_id).await?;
    Ok(record)
}

/// Records a created room (once, whoever gets there first: the creator or a reconcile), audits
/// it, and drops the pending tag and record.
async fn finish_creation<S: Store>(
    p: &Provisioner<S>,
    record: &RoomRecord,
    pending_id: &str,
) -> Result<(), ApiError> {
    match p.store.create_room(record).await {
        Ok(()) => {
            p.store
                .audit_now(
                    &record.room_id,
                    &record.owner,
                    AuditAction::RoomCreated,
                    None,
                    None,
                )
                .await?;
        }
        // Already recorded: a reconcile finished it first.
        Err(StoreError::ConditionFailed) => {}
        Err(err) => return Err(err.into()),
    }
    p.ivs
        .untag_resource()
        .resource_arn(&record.room_arn)
        .tag_keys(PENDING_TAG)
        .send()
        .await
        .map_err(ivs_error)?;
    p.store.delete_pending_room(pending_id).await?;
    Ok(())
}

/// Deletes the room from IVS and the store, recoverably (see the module's comment).
pub async fn delete<S: Store>(p: &Provisioner<S>, record: &RoomRecord) -> Result<(), ApiError> {
    let marked = p
        .ivs
        .tag_resource()
        .resource_arn(&record.room_arn)
        .tags(DELETING_TAG, "true")
        .send()
        .await;
    // Already gone from IVS (an earlier attempt): finish the job in the store.
    if let Err(err) = marked
        && !is_not_found(&err)
    {
        return Err(ivs_error(err));
    }
    p.store.delete_room(&record.room_id).await?;
    delete_from_ivs(p, &record.room_arn).await
}

async fn delete_from_ivs<S>(p: &Provisioner<S>, arn: &str) -> Result<(), ApiError> {
    match p.ivs.delete_room().identifier(arn).send().await {
        Err(err) if !is_not_found(&err) => Err(ivs_error(err)),
        _ => Ok(()),
    }
}

/// Brings a listed IVS room to a settled state; whether to show it.
pub async fn reconcile<S: Store>(p: &Provisioner<S>, room: &RoomSummary) -> Result<bool, ApiError> {
    let (Some(id), Some(arn)) = (room.id(), room.arn()) else {
        // IVS always names its rooms; one without an id or ARN is nothing we can act on.
        tracing::warn!(?room, "IVS listed a room without an id or ARN; skipped");
        return Ok(false);
    };
    let tags = room.tags();
    if tags.is_some_and(|t| t.contains_key(DELETING_TAG)) {
        p.store.delete_room(id).await?;
        delete_from_ivs(p, arn).await?;
        return Ok(false);
    }
    if let Some(pending_id) = tags.and_then(|t| t.get(PENDING_TAG)) {
        if let Some(record) = p.store.room(id).await? {
            finish_creation(p, &record, pending_id).await?;
            return Ok(true);
        }
        return match p.store.pending_room(pending_id).await? {
            Some(mut record) => {
                record.room_id = id.to_owned();
                record.room_arn = arn.to_owned();
                record.name = room.name().unwrap_or_default().to_owned();
                finish_creation(p, &record, pending_id).await?;
                Ok(true)
            }
            // Its pending record expired: nothing can say whose it was.
            None => {
                delete_from_ivs(p, arn).await?;
                Ok(false)
            }
        };
    }
    if tags.is_some_and(|t| t.contains_key(OWNER_TAG)) {
        return Ok(true);
    }
    // Not tagged as ours: a room recorded before rooms were tagged is adopted; a room made
    // outside this backend is not listed (the other routes do not know it either).
    match p.store.room(id).await? {
        Some(record) => {
            p.ivs
                .tag_resource()
                .resource_arn(arn)
                .tags(OWNER_TAG, &record.owner)
                .send()
                .await
                .map_err(ivs_error)?;
            Ok(true)
        }
        None => Ok(false),
    }
}
