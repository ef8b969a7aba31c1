//! A room's history for late joiners: the recent messages as they were delivered, newest first,
//! for anyone signed in who may read the room (a banned user is refused, as the token issuer
//! refuses them; a timed-out user keeps reading, as their read-only token lets them).

use chat_core::domain::records::ChatMessage;
use chat_core::http::cursor::{open, seal};
use chat_core::http::error::{ApiError, json_response};
use chat_core::http::request::{
    caller, limit_param, query_param, refuse_if_banned_for_good, room_access, room_id,
};
use chat_core::ivs::is_resource_id;
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

use crate::Moderator;

const PAGE_DEFAULT: usize = 50;
const PAGE_MAX: usize = 100;

/// A message in the shape IVS's MESSAGE has (camelCase, RFC 3339 send time).
pub(crate) fn message_view(message: &ChatMessage) -> Value {
    json!({
        "id": message.id,
        "content": message.content,
        "attributes": message.attributes,
        "sender": {"userId": message.sender.user_id, "attributes": message.sender.attributes},
        "sendTime": chat_core::time::rfc3339(message.send_time),
    })
}

/// The cursor of the next page, URL-safe: how many messages were served, the time and id of
/// the last one, sealed for the room (`50.001795003100000.M2YcHkgffEvU.<tag>`). The count is
/// what lets every page keep the room's cap, so the server must be able to trust it: a cursor
/// is authenticated (`http::cursor`) rather than counted again on each read, which would cost
/// a read of up to the whole cap per page.
fn cursor(key: &[u8], room_id: &str, served: usize, sk: &str) -> Option<String> {
    let (time, id) = sk.strip_prefix("HIST#")?.split_once('#')?;
    Some(seal(key, room_id, &format!("{served}.{time}.{id}")))
}

/// The page a cursor resumes: how many were served, and the store key to go on after. A
/// cursor not sealed by this table for this room (forged, altered, another room's) is refused.
fn parse_cursor(key: &[u8], room_id: &str, cursor: &str) -> Result<(usize, String), ApiError> {
    let bad = || ApiError::bad_request("before must be the `next` of a previous page.");
    let payload = open(key, room_id, cursor).ok_or_else(bad)?;
    let mut parts = payload.split('.');
    let (Some(served), Some(time), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let served = served.parse().map_err(|_| bad())?;
    if time.len() != 15 || !time.bytes().all(|b| b.is_ascii_digit()) || !is_resource_id(id) {
        return Err(bad());
    }
    Ok((served, format!("HIST#{time}#{id}")))
}

pub async fn list<S: Store>(req: &Request, m: &Moderator<S>) -> Result<Response<Body>, ApiError> {
    let caller = caller(req)?;
    let room_id = room_id(req)?;
    let (room, role) = room_access(&m.store, &caller, &room_id).await?;
    refuse_if_banned_for_good(&m.store, &room_id, &caller.user_id, role).await?;
    let limit = limit_param(req, PAGE_DEFAULT, 1..=PAGE_MAX)?;
    let key = m.store.cursor_key().await?;
    let (served, before) = match query_param(req, "before") {
        Some(cursor) => {
            let (served, sk) = parse_cursor(&key, &room_id, &cursor)?;
            (served, Some(sk))
        }
        None => (0, None),
    };
    let policy = room.policy.clone().unwrap_or_default();
    // The room's cap and window hold on every page, whatever the store still keeps.
    let left = policy.history_messages.saturating_sub(served);
    if left == 0 {
        return Ok(json_response(200, &json!({"messages": [], "next": null})));
    }
    let since = chat_core::time::now_millis() - i64::from(policy.history_seconds) * 1000;
    let page = m
        .store
        .history(&room_id, limit.min(left), before, since)
        .await?;
    let served = served + page.messages.len();
    let next = page
        .next
        .filter(|_| served < policy.history_messages)
        .and_then(|sk| cursor(&key, &room_id, served, &sk));
    Ok(json_response(
        200,
        &json!({
            "messages": page.messages.iter().map(message_view).collect::<Vec<_>>(),
            "next": next,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let key = [1u8; 32];
        let c = cursor(&key, "room", 50, "HIST#001700000000000#abcdefABCDEF").unwrap();
        assert!(c.starts_with("50.001700000000000.abcdefABCDEF."), "{c}");
        assert_eq!(
            parse_cursor(&key, "room", &c).unwrap(),
            (50, "HIST#001700000000000#abcdefABCDEF".to_owned())
        );
        assert!(parse_cursor(&key, "other", &c).is_err());
        for bad in [
            "",
            "50",
            "50.001700000000000.abcdefABCDEF",
            "0.001700000000000.abcdefABCDEF",
            "5.AUDIT#1",
        ] {
            assert!(parse_cursor(&key, "room", bad).is_err(), "{bad}");
        }
        // Sealed, but not a cursor's shape: refused all the same.
        for payload in [
            "x.001700000000000.abcdefABCDEF",
            "5.1700000000000.abcdefABCDEF",
        ] {
            let sealed = seal(&key, "room", payload);
            assert!(parse_cursor(&key, "room", &sealed).is_err(), "{payload}");
        }
    }
}
