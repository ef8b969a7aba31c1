//! Rooms: created in IVS with the review handler attached, recorded with their owner and
//! moderation policy. A failed half never stays: if recording fails, the IVS room is deleted.

use std::collections::HashMap;

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};
use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::{AuditAction, RoomRecord};
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::fields;
use chat_core::http::request::{
    caller, json_body, require_admin, require_manager, room_access, room_id,
};
use chat_core::ivs::limits::{
    LOGGING_CONFIGURATIONS_PER_ROOM, MESSAGE_LENGTH, MESSAGE_RATE_PER_SECOND, ROOM_NAME_MAX_CHARS,
};
use chat_core::ivs::{ivs_error, logging_configuration_arn};
use chat_core::store::{Store, StoreError};
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Provisioner, page_params, time};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoomBody {
    name: Option<String>,
    maximum_message_length: Option<i32>,
    maximum_message_rate_per_second: Option<i32>,
    policy: Option<ModerationPolicy>,
    logging_configuration_ids: Option<Vec<String>>,
    /// Create only.
    tags: Option<HashMap<String, String>>,
}

impl RoomBody {
    fn check(&self) -> Result<(), ApiError> {
        if let Some(name) = &self.name
            && (name.len() > ROOM_NAME_MAX_CHARS
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(ApiError::bad_request(format!(
                "name: up to {ROOM_NAME_MAX_CHARS} letters, digits, '-' and '_'."
            )));
        }
        fields::in_range(
            "maximumMessageLength",
            self.maximum_message_length,
            &MESSAGE_LENGTH,
        )?;
        fields::in_range(
            "maximumMessageRatePerSecond",
            self.maximum_message_rate_per_second,
            &MESSAGE_RATE_PER_SECOND,
        )?;
        if let Some(policy) = &self.policy {
            let problems = policy.problems();
            if !problems.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "policy: {}",
                    problems.join("; ")
                )));
            }
        }
        if let Some(ids) = &self.logging_configuration_ids
            && (ids.len() > LOGGING_CONFIGURATIONS_PER_ROOM
                || !ids.iter().all(|id| chat_core::ivs::is_resource_id(id)))
        {
            return Err(ApiError::bad_request(format!(
                "loggingConfigurationIds: up to {LOGGING_CONFIGURATIONS_PER_ROOM} logging configuration ids."
            )));
        }
        Ok(())
    }

    /// An update checks as a creation does, and cannot carry tags (they have their routes).
    fn check_update(&self) -> Result<(), ApiError> {
        self.check()?;
        if self.tags.is_some() {
            return Err(ApiError::bad_request(
                "Change tags with POST or DELETE /rooms/{roomId}/tags.",
            ));
        }
        Ok(())
    }

    /// Whether the update changes anything IVS keeps (rather than only our record).
    fn changes_ivs(&self) -> bool {
        self.name.is_some()
            || self.maximum_message_length.is_some()
            || self.maximum_message_rate_per_second.is_some()
            || self.logging_configuration_ids.is_some()
    }

    /// The record as it is after this update.
    fn applied_to(&self, before: &RoomRecord) -> RoomRecord {
        let mut after = before.clone();
        if let Some(name) = &self.name {
            after.name = name.clone();
        }
        if let Some(policy) = &self.policy {
            after.policy = Some(policy.clone());
        }
        after.updated_at = chat_core::time::now_millis();
        after
    }

    fn logging_arns<S>(&self, req: &Request, p: &Provisioner<S>) -> Option<Vec<String>> {
        let account = chat_core::http::request::account_id(req).unwrap_or_default();
        self.logging_configuration_ids.as_ref().map(|ids| {
            ids.iter()
                .map(|id| logging_configuration_arn(&p.region, &account, id))
                .collect()
        })
    }
}

fn room_view(
    ivs: &aws_sdk_ivschat::operation::get_room::GetRoomOutput,
    record: &RoomRecord,
) -> Value {
    json!({
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
        "tags": ivs.tags(),
        "policy": record.policy,
        "createTime": time(ivs.create_time()),
        "updateTime": time(ivs.update_time()),
    })
}

pub async fn create<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    require_admin(&caller)?;
    let body: RoomBody = json_body(req)?;
    body.check()?;
    let created = create_in_ivs(req, p, &body).await?;
    let (id, arn) = (
        created.id().unwrap_or_default(),
        created.arn().unwrap_or_default(),
    );
    let mut record = RoomRecord::new(id, arn, &caller.user_id, created.name().unwrap_or_default());
    record.policy = body.policy;
    record_or_roll_back(p, &record, &caller.user_id).await?;
    let view = p
        .ivs
        .get_room()
        .identifier(arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(201, &room_view(&view, &record)))
}

/// The IVS room, with our review handler attached.
async fn create_in_ivs<S>(
    req: &Request,
    p: &Provisioner<S>,
    body: &RoomBody,
) -> Result<aws_sdk_ivschat::operation::create_room::CreateRoomOutput, ApiError> {
    let handler = p.review_handler_arn.as_ref().map(|uri| {
        MessageReviewHandler::builder()
            .uri(uri)
            .fallback_result(FallbackResult::Allow)
            .build()
    });
    p.ivs
        .create_room()
        .set_name(body.name.clone())
        .set_maximum_message_length(body.maximum_message_length)
        .set_maximum_message_rate_per_second(body.maximum_message_rate_per_second)
        .set_message_review_handler(handler)
        .set_logging_configuration_identifiers(body.logging_arns(req, p))
        .set_tags(body.tags.clone())
        .send()
        .await
        .map_err(ivs_error)
}

/// Records a new room and audits it; if that fails, the IVS room goes again, so no IVS room
/// stays without its record.
async fn record_or_roll_back<S: Store>(
    p: &Provisioner<S>,
    record: &RoomRecord,
    by: &str,
) -> Result<(), ApiError> {
    let recorded = async {
        p.store.create_room(record).await?;
        p.store
            .audit_now(&record.room_id, by, AuditAction::RoomCreated, None, None)
            .await
    };
    if let Err(err) = recorded.await {
        let _ = p
            .ivs
            .delete_room()
            .identifier(&record.room_arn)
            .send()
            .await;
        let _ = p.store.delete_room(&record.room_id).await;
        return Err(err.into());
    }
    Ok(())
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
    let rooms: Vec<Value> = page
        .rooms()
        .iter()
        .map(|r| json!({"id": r.id(), "arn": r.arn(), "name": r.name(), "tags": r.tags(), "createTime": time(r.create_time()), "updateTime": time(r.update_time())}))
        .collect();
    Ok(json_response(
        200,
        &json!({"rooms": rooms, "nextToken": page.next_token()}),
    ))
}

pub async fn get<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (record, role) = room_access(&p.store, &caller, &room_id).await?;
    let view = p
        .ivs
        .get_room()
        .identifier(&record.room_arn)
        .send()
        .await
        .map_err(ivs_error)?;
    let mut out = room_view(&view, &record);
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
    let view = p
        .ivs
        .get_room()
        .identifier(&before.room_arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(200, &room_view(&view, &after)))
}

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
    match p
        .ivs
        .delete_room()
        .identifier(&record.room_arn)
        .send()
        .await
    {
        Ok(_) => {}
        // Already gone from IVS (an earlier attempt): finish the job in the store.
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) => {}
        Err(err) => return Err(ivs_error(err)),
    }
    p.store.delete_room(&room_id).await?;
    Ok(no_content())
}
