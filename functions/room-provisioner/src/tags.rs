//! A room's tags, kept by IVS.

use std::collections::HashMap;

use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::request::{
    caller, json_body, query_param, require_manager, room_access, room_id,
};
use chat_core::ivs::ivs_error;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{Provisioner, lifecycle};

/// The backend's own tags (`chat:`) keep rooms recoverable: nobody sets or removes them.
fn refuse_internal<'a>(mut keys: impl Iterator<Item = &'a String>) -> Result<(), ApiError> {
    match keys.find(|k| k.starts_with(lifecycle::INTERNAL_PREFIX)) {
        Some(key) => Err(ApiError::bad_request(format!(
            "Tag {key:?}: keys starting with {:?} are reserved.",
            lifecycle::INTERNAL_PREFIX
        ))),
        None => Ok(()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagBody {
    tags: HashMap<String, String>,
}

pub async fn tag<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (room, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    let body: TagBody = json_body(req)?;
    if body.tags.is_empty() {
        return Err(ApiError::bad_request("tags: give at least one tag."));
    }
    refuse_internal(body.tags.keys())?;
    p.ivs
        .tag_resource()
        .resource_arn(&room.room_arn)
        .set_tags(Some(body.tags))
        .send()
        .await
        .map_err(ivs_error)?;
    let tags = p
        .ivs
        .list_tags_for_resource()
        .resource_arn(&room.room_arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(
        200,
        &json!({"tags": lifecycle::public_tags(Some(tags.tags()))}),
    ))
}

pub async fn untag<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (room, role) = room_access(&p.store, &caller, &room_id).await?;
    require_manager(role)?;
    let keys: Vec<String> = query_param(req, "keys")
        .unwrap_or_default()
        .split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        return Err(ApiError::bad_request(
            "keys: name the tags to remove, as keys=a,b.",
        ));
    }
    refuse_internal(keys.iter())?;
    p.ivs
        .untag_resource()
        .resource_arn(&room.room_arn)
        .set_tag_keys(Some(keys))
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(no_content())
}
