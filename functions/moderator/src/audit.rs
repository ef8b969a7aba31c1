//! The room's moderation log, newest first.

use chat_core::http::error::{ApiError, json_response};
use chat_core::http::request::{limit_param, query_param};
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::{Acting, Moderator, moderating};

/// Entries per page of the audit log: 50 unless the caller asks, at most 200.
const PAGE_DEFAULT: usize = 50;
const PAGE_MAX: usize = 200;

pub async fn list<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, .. } = &act;
    let limit = limit_param(req, PAGE_DEFAULT, 1..=PAGE_MAX)?;
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
