//! The App HTTP API edge shared by the HTTP functions: who is calling (the JWT authorizer's
//! claims), which route, its parameters and body, and the caller's role in a room.

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

use crate::domain::identity::Caller;
use crate::domain::records::{Ban, RoomRecord};
use crate::domain::role::Role;
use crate::http::error::ApiError;
use crate::store::{ChatStore, Standing, Store, StoreError};

/// The verified caller; 401 when the request carries no identity.
pub fn caller(req: &Request) -> Result<Caller, ApiError> {
    let claims = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx
            .authorizer
            .as_ref()
            .and_then(|a| a.jwt.as_ref())
            .map(|jwt| &jwt.claims),
        _ => None,
    };
    let claims = claims.ok_or_else(|| {
        ApiError::unauthenticated("Sign in: the request carries no verified identity.")
    })?;
    Ok(Caller::from_claims(claims)?)
}

/// The route as `template.yaml` declares it, e.g. `POST /rooms/{roomId}/tokens`.
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The AWS account the API belongs to (for ARNs of resources named by id).
pub fn account_id(req: &Request) -> Option<String> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.account_id.clone(),
        _ => None,
    }
}

pub fn path_param(req: &Request, name: &str) -> Result<String, ApiError> {
    req.path_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_owned)
        .ok_or_else(|| ApiError::bad_request(format!("The path has no {name}.")))
}

pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_owned)
}

/// The `limit` query parameter: `default` when absent, 400 outside `range`.
pub fn limit_param(
    req: &Request,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, ApiError> {
    match query_param(req, "limit") {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a number from {} to {}.",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// A user id from the path, checked against IVS's limit.
pub fn user_id_param(req: &Request) -> Result<String, ApiError> {
    let user = path_param(req, "userId")?;
    crate::http::fields::user_id("userId", &user)?;
    Ok(user)
}

/// A JSON body; an empty body reads as `{}`.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => b"{}",
        Body::Text(text) if text.trim().is_empty() => b"{}",
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => b"{}",
    };
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid: {e}")))
}

/// A room id from the path, checked (12 letters and digits, as IVS makes them).
pub fn room_id(req: &Request) -> Result<String, ApiError> {
    let id = path_param(req, "roomId")?;
    if crate::ivs::is_resource_id(&id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "roomId must be the 12-character IVS room id.",
        ))
    }
}

/// The room's record and the caller's role in it; 404 for a room we do not know.
pub async fn room_access<S: Store>(
    store: &ChatStore<S>,
    caller: &Caller,
    room_id: &str,
) -> Result<(RoomRecord, Role), ApiError> {
    // The room and the caller's moderator entry at once (one round trip, not two): the entry
    // is read for nothing only when the caller turns out to own the room. Boxed: side by side
    // the two reads would make every handler's future (on the stack in debug builds) larger.
    let (room, moderator) = tokio::join!(Box::pin(store.room(room_id)), async {
        match caller.is_admin() {
            true => Ok(false),
            false => Box::pin(store.is_moderator(room_id, &caller.user_id)).await,
        }
    });
    let room = room?.ok_or_else(|| no_room(room_id))?;
    let role = role_in(caller, &room, || moderator)?;
    Ok((room, role))
}

/// [`room_access`] and the rest of the caller's standing (their ban in force, their profile),
/// all in one read of the store: what a chat token rests on.
pub async fn room_standing<S: Store>(
    store: &ChatStore<S>,
    caller: &Caller,
    room_id: &str,
) -> Result<(RoomRecord, Role, Standing), ApiError> {
    let mut standing = store.standing(room_id, &caller.user_id).await?;
    let room = standing.room.take().ok_or_else(|| no_room(room_id))?;
    let role = role_in(caller, &room, || Ok(standing.moderator))?;
    Ok((room, role, standing))
}

fn no_room(room_id: &str) -> ApiError {
    ApiError::not_found(format!("Room {room_id} does not exist."))
}

/// The caller's role in the room; `moderator` (whether they are on its list) is asked only when
/// it decides.
fn role_in(
    caller: &Caller,
    room: &RoomRecord,
    moderator: impl FnOnce() -> Result<bool, StoreError>,
) -> Result<Role, ApiError> {
    let listed = !caller.is_admin() && room.owner != caller.user_id && moderator()?;
    Ok(Role::of(caller, &room.owner, listed))
}

/// The role someone other than the caller holds in a room, as far as the backend knows: admin
/// by the profile their last chat token recorded, owner by the room's record, moderator by its
/// list. (An admin never seen here counts as what the room says; a ban records the banner's
/// role, so it still never binds them: see `Ban::binds`.)
pub async fn role_of<S: Store>(
    store: &ChatStore<S>,
    room: &RoomRecord,
    user_id: &str,
) -> Result<Role, ApiError> {
    if store.profile(user_id).await?.is_some_and(|p| p.admin) {
        return Ok(Role::Admin);
    }
    if room.owner == user_id {
        return Ok(Role::Owner);
    }
    if store.is_moderator(&room.room_id, user_id).await? {
        return Ok(Role::Moderator);
    }
    Ok(Role::Viewer)
}

/// 403 unless the caller's role outranks the target's: nobody acts on an equal or higher role.
pub fn require_outranks(caller: Role, target: Role) -> Result<(), ApiError> {
    if caller.outranks(target) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "A {} cannot act on a {} of this room.",
            caller.as_str(),
            target.as_str()
        )))
    }
}

/// The user's ban or time-out in the room, if one binds them (a ban binds only roles below the
/// banner's: one placed before the user was known to outrank its author does not).
pub async fn binding_ban<S: Store>(
    store: &ChatStore<S>,
    room_id: &str,
    user_id: &str,
    role: Role,
) -> Result<Option<Ban>, ApiError> {
    let ban = store.active_ban(room_id, user_id).await?;
    Ok(ban.filter(|ban| ban.binds(role, crate::time::now_millis())))
}

/// The 403 a banned or timed-out user gets, saying until when.
pub fn refusal(ban: Ban) -> ApiError {
    let message = match ban.until {
        Some(_) => "You are timed out in this room.",
        None => "You are banned from this room.",
    };
    ApiError::new(403, ban.code(), message)
        .with_detail("until", ban.until.map(crate::time::rfc3339))
        .with_detail("reason", ban.reason)
}

/// 403 for a banned or timed-out user, saying until when.
pub async fn refuse_if_banned<S: Store>(
    store: &ChatStore<S>,
    room_id: &str,
    user_id: &str,
    role: Role,
) -> Result<(), ApiError> {
    refuse_when(store, room_id, user_id, role, |_| true).await
}

/// 403 for a banned user only: a timed-out user keeps reading the room.
pub async fn refuse_if_banned_for_good<S: Store>(
    store: &ChatStore<S>,
    room_id: &str,
    user_id: &str,
    role: Role,
) -> Result<(), ApiError> {
    refuse_when(store, room_id, user_id, role, |ban| ban.until.is_none()).await
}

async fn refuse_when<S: Store>(
    store: &ChatStore<S>,
    room_id: &str,
    user_id: &str,
    role: Role,
    refuses: fn(&Ban) -> bool,
) -> Result<(), ApiError> {
    match binding_ban(store, room_id, user_id, role).await? {
        Some(ban) if refuses(&ban) => Err(refusal(ban)),
        _ => Ok(()),
    }
}

/// 403 unless the role may moderate the room.
pub fn require_moderator(role: Role) -> Result<(), ApiError> {
    if role.moderates() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the room's owner, its moderators and admins may do this.",
        ))
    }
}

/// 403 unless the role may manage the room.
pub fn require_manager(role: Role) -> Result<(), ApiError> {
    if role.manages() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the room's owner and admins may do this.",
        ))
    }
}

/// 403 unless the caller is an admin.
pub fn require_admin(caller: &Caller) -> Result<(), ApiError> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only admins may do this."))
    }
}
