//! A kick: the user's live connections are closed (IVS DisconnectUser, by the user id their
//! token was minted with), with no ban — they may rejoin at once. Moderators and up, on lower
//! roles only, audited like every moderation act.

use chat_core::domain::records::AuditAction;
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::fields;
use chat_core::http::request::{json_body, require_outranks, role_of};
use chat_core::ivs::ivs_error;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;

use crate::{Acting, Moderator, moderating};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KickBody {
    user_id: String,
    reason: Option<String>,
}

impl KickBody {
    fn check(&self) -> Result<(), ApiError> {
        fields::user_id("userId", &self.user_id)?;
        fields::reason(self.reason.as_deref())
    }
}

pub async fn kick<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, role, .. } = &act;
    let role = *role;
    let body: KickBody = json_body(req)?;
    body.check()?;
    require_outranks(role, role_of(&m.store, room, &body.user_id).await?)?;
    let reason = body
        .reason
        .clone()
        .unwrap_or_else(|| "Disconnected by a moderator".to_owned());
    m.ivs
        .disconnect_user()
        .room_identifier(&room.room_arn)
        .user_id(&body.user_id)
        .reason(&reason)
        .send()
        .await
        .map_err(ivs_error)?;
    let target = Some(body.user_id.as_str());
    act.audit(m, AuditAction::UserKicked, target, Some(&reason))
        .await?;
    Ok(json_response(
        200,
        &json!({"userId": body.user_id, "reason": reason}),
    ))
}
