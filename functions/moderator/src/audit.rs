//! The room's moderation log, newest first.

use chat_core::http::error::{ApiError, json_response};
use chat_core::http::request::query_param;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::{Moderator, moderating};

pub async fn list<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let (_, room, _) = moderating(req, m).await?;
    let limit = match query_param(req, "limit") {
        None => 50,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| ApiError::bad_request("limit must be a number from 1 to 200."))?,
    };
    let before = query_param(req, "before");
    if before.as_deref().is_some_and(|b| !b.starts_with("AUDIT#")) {
        return Err(ApiError::bad_request(
            "before must be the `next` of a previous page.",
        ));
    }
    let page = m.store.audit(&room.room_id, limit, before).await?;
    let entries: Vec<_> = page
        .entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": chat_core::time::rfc3339(e.at),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "reason": e.reason,
            })
        })
        .collect();
    Ok(json_response(
        200,
        &json!({"entries": entries, "next": page.next}),
    ))
}
