//! Bans and timeouts. A ban writes its record, then disconnects the user by the same user id
//! their token was minted with (the verified `sub`): they are cut off at once, and the token
//! issuer refuses them a new token. If the disconnect fails, the record is put back as it was.
//! With `purgeMessages`, the user's recent messages leave history and every client (as Twitch
//! clears a banned user's messages). Any ban or time-out drops the user's held messages.

use chat_core::domain::identity::Caller;
use chat_core::domain::records::{AuditAction, Ban, RoomRecord};
use chat_core::domain::role::Role;
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::fields;
use chat_core::http::request::{json_body, require_outranks, role_of, user_id_param};
use chat_core::ivs::ivs_error;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Acting, Moderator, moderating};

/// The event that tells a room someone's ban or time-out was lifted.
pub const UNBANNED_EVENT: &str = "app:unbanned";

/// Twitch's longest timeout: two weeks.
const MAX_TIMEOUT_SECONDS: u64 = 14 * 24 * 3600;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BanBody {
    user_id: String,
    /// A timeout's length; absent for a ban.
    duration_seconds: Option<u64>,
    reason: Option<String>,
    /// Also take the user's recent messages out of history and off every screen.
    #[serde(default)]
    purge_messages: bool,
}

/// How much recent history a purge looks through, and how many messages it deletes at most.
const PURGE_SCAN: usize = 500;
const PURGE_MAX: usize = 50;

fn ban_view(ban: &Ban) -> Value {
    json!({
        "userId": ban.user_id,
        "until": ban.until.map(chat_core::time::rfc3339),
        "reason": ban.reason,
        "by": ban.by,
        "byRole": ban.by_role.as_str(),
        "at": chat_core::time::rfc3339(ban.at),
    })
}

impl BanBody {
    /// The body's own rules, before anyone is looked up.
    fn check(&self) -> Result<(), ApiError> {
        fields::user_id("userId", &self.user_id)?;
        if self
            .duration_seconds
            .is_some_and(|s| s == 0 || s > MAX_TIMEOUT_SECONDS)
        {
            return Err(ApiError::bad_request(format!(
                "durationSeconds must be 1 to {MAX_TIMEOUT_SECONDS}."
            )));
        }
        fields::reason(self.reason.as_deref())
    }

    /// The ban (or time-out, with a duration) this body asks for, starting now.
    fn into_ban(self, by: &str, by_role: Role, now: i64) -> Ban {
        Ban {
            by_role,
            until: self.duration_seconds.map(|s| now + (s as i64) * 1000),
            user_id: self.user_id,
            reason: self.reason,
            by: by.to_owned(),
            at: now,
        }
    }
}

/// Nobody bans themselves, nor anyone of their own role or higher.
async fn check_target<S: Store>(
    m: &Moderator<S>,
    caller: &Caller,
    room: &RoomRecord,
    role: Role,
    target: &str,
) -> Result<(), ApiError> {
    if target == caller.user_id {
        return Err(ApiError::bad_request("You cannot ban yourself."));
    }
    require_outranks(role, role_of(&m.store, room, target).await?)
}

/// Records the ban, then cuts the user off; if IVS cannot disconnect them, the record goes
/// back to what it was, so a ban is either whole or not at all.
async fn enforce<S: Store>(m: &Moderator<S>, room: &RoomRecord, ban: &Ban) -> Result<(), ApiError> {
    let previous = m.store.active_ban(&room.room_id, &ban.user_id).await?;
    m.store.put_ban(&room.room_id, ban).await?;
    let disconnected = m
        .ivs
        .disconnect_user()
        .room_identifier(&room.room_arn)
        .user_id(&ban.user_id)
        .reason(ban.reason.clone().unwrap_or_else(|| {
            // A time-out is not a ban: the viewer's page shows this reason.
            match ban.until {
                Some(_) => "Timed out by a moderator",
                None => "Banned by a moderator",
            }
            .to_owned()
        }))
        .send()
        .await;
    if let Err(err) = disconnected {
        let restored = match &previous {
            Some(previous) => m.store.put_ban(&room.room_id, previous).await,
            None => m.store.delete_ban(&room.room_id, &ban.user_id).await,
        };
        if let Err(store_err) = restored {
            tracing::error!(%store_err, "could not undo a ban whose disconnect failed");
        }
        return Err(ivs_error(err));
    }
    Ok(())
}

pub async fn ban<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { caller, room, role } = &act;
    let role = *role;
    let body: BanBody = json_body(req)?;
    body.check()?;
    check_target(m, caller, room, role, &body.user_id).await?;
    let purge = body.purge_messages;
    let ban = body.into_ban(&caller.user_id, role, chat_core::time::now_millis());
    enforce(m, room, &ban).await?;
    let purged = if purge {
        purge_messages(m, room, &ban.user_id).await?
    } else {
        Vec::new()
    };
    let action = if ban.until.is_some() {
        AuditAction::UserTimedOut
    } else {
        AuditAction::UserBanned
    };
    act.audit(m, action, Some(&ban.user_id), ban.reason.as_deref())
        .await?;
    // Whatever its length, a ban reaches what the user said that still waits for a moderator:
    // nobody approves it on their behalf afterwards.
    let dropped = m.store.drop_held_of(&room.room_id, &ban.user_id).await?;
    if dropped > 0 {
        act.audit(
            m,
            AuditAction::HeldMessagesDropped,
            Some(&ban.user_id),
            Some(&format!("{dropped} messages")),
        )
        .await?;
    }
    if purge {
        act.audit(
            m,
            AuditAction::MessagesPurged,
            Some(&ban.user_id),
            Some(&format!("{} messages", purged.len())),
        )
        .await?;
    }
    let mut view = ban_view(&ban);
    view["purgedMessages"] = json!(purged);
    Ok(json_response(201, &view))
}

/// Takes the user's recent messages out of history, then off every screen (IVS DeleteMessage,
/// newest first, at most [`PURGE_MAX`]). A failed deletion is logged: the ban stands.
async fn purge_messages<S: Store>(
    m: &Moderator<S>,
    room: &RoomRecord,
    user_id: &str,
) -> Result<Vec<String>, ApiError> {
    let purged = m
        .store
        .purge_history(&room.room_id, user_id, PURGE_SCAN)
        .await?;
    for id in purged.iter().take(PURGE_MAX) {
        let deleted = m
            .ivs
            .delete_message()
            .room_identifier(&room.room_arn)
            .id(id)
            .reason("Messages removed with a ban")
            .send()
            .await;
        if let Err(err) = deleted {
            tracing::error!(err = %ivs_error(err), "a purged message stayed on screen");
        }
    }
    Ok(purged)
}

pub async fn list<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, .. } = &act;
    let bans = m.store.active_bans(&room.room_id).await?;
    Ok(json_response(
        200,
        &json!({"bans": bans.iter().map(ban_view).collect::<Vec<_>>()}),
    ))
}

pub async fn unban<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let act = moderating(req, m).await?;
    let Acting { room, role, .. } = &act;
    let role = *role;
    let user = user_id_param(req)?;
    let Some(ban) = m.store.active_ban(&room.room_id, &user).await? else {
        return Err(ApiError::not_found(format!(
            "{user} is not banned from this room."
        )));
    };
    // Nobody lifts what a higher role decided.
    if ban.by_role.outranks(role) {
        return Err(ApiError::forbidden(format!(
            "This ban was placed by a room {}; a {} cannot lift it.",
            ban.by_role.as_str(),
            role.as_str()
        )));
    }
    m.store.delete_ban(&room.room_id, &user).await?;
    act.audit(m, AuditAction::UserUnbanned, Some(&user), None)
        .await?;
    // Their page can reconnect with a full token now, without a reload.
    chat_core::ivs::announce(&m.ivs, &room.room_arn, UNBANNED_EVENT, &[("userId", &user)]).await;
    Ok(no_content())
}
