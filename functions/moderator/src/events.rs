//! Application events (polls, cheers, announcements) sent to everyone in the room.

use std::collections::HashMap;

use chat_core::domain::records::AuditAction;
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::fields;
use chat_core::http::request::json_body;
use chat_core::ivs::ivs_error;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{Acting, Moderator, moderating};

/// Event names only IVS (`aws:`) and this backend (`app:`) send.
pub const RESERVED_PREFIXES: &[&str] = &["aws:", "app:"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EventBody {
    event_name: String,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

impl EventBody {
    fn check(&self) -> Result<(), ApiError> {
        fields::event_name(&self.event_name)?;
        // `aws:` events (deletions, disconnects) are IVS's and `app:` events (approved messages,
        // role and policy changes, unbans) this backend's: every client acts on them, so no
        // caller of any role may send one. Compared without case: a page matching loosely
        // must not be fooled by `APP:`.
        let name = self.event_name.trim_start().to_ascii_lowercase();
        if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| name.starts_with(**p)) {
            return Err(ApiError::new(
                400,
                "RESERVED_EVENT_NAME",
                format!("eventName may not start with '{prefix}': those events are the server's."),
            ));
        }
        fields::attributes("attributes", &self.attributes)
    }
}

pub async fn send<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, .. } = &act;
    let body: EventBody = json_body(req)?;
    body.check()?;
    let sent = m
        .ivs
        .send_event()
        .room_identifier(&room.room_arn)
        .event_name(&body.event_name)
        .set_attributes(Some(body.attributes))
        .send()
        .await
        .map_err(ivs_error)?;
    act.audit(m, AuditAction::EventSent, Some(&body.event_name), None)
        .await?;
    Ok(json_response(200, &json!({"id": sent.id()})))
}
