//! Request fields checked against IVS's limits ([`crate::ivs::limits`]), each with one clear
//! 400 message in the App API's words, whichever route the field arrives through.

use std::collections::HashMap;

use crate::http::error::ApiError;
use crate::ivs::limits::{
    ATTRIBUTES_MAX_BYTES, EVENT_NAME_CHARS, REASON_CHARS, USER_ID_CHARS, attributes_size,
    chars_within,
};

/// A user id (a path parameter or a body field named `field`).
pub fn user_id(field: &str, value: &str) -> Result<(), ApiError> {
    if chars_within(value, &USER_ID_CHARS) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{field} must be {} to {} characters.",
            USER_ID_CHARS.start(),
            USER_ID_CHARS.end()
        )))
    }
}

/// An optional reason (bans, deletions, disconnects).
pub fn reason(value: Option<&str>) -> Result<(), ApiError> {
    match value {
        Some(r) if !chars_within(r, &REASON_CHARS) => Err(ApiError::bad_request(format!(
            "reason must be {} to {} characters.",
            REASON_CHARS.start(),
            REASON_CHARS.end()
        ))),
        _ => Ok(()),
    }
}

/// An application event's name.
pub fn event_name(value: &str) -> Result<(), ApiError> {
    if chars_within(value, &EVENT_NAME_CHARS) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "eventName must be {} to {} characters.",
            EVENT_NAME_CHARS.start(),
            EVENT_NAME_CHARS.end()
        )))
    }
}

/// Token or event attributes: at most 1 KB together.
pub fn attributes(field: &str, value: &HashMap<String, String>) -> Result<(), ApiError> {
    let size = attributes_size(value);
    if size > ATTRIBUTES_MAX_BYTES {
        Err(ApiError::bad_request(format!(
            "{field} come to {size} bytes; IVS allows {ATTRIBUTES_MAX_BYTES}."
        )))
    } else {
        Ok(())
    }
}

/// A number within an IVS range, named as the API names it.
pub fn in_range(
    field: &str,
    value: Option<i32>,
    range: &std::ops::RangeInclusive<i32>,
) -> Result<(), ApiError> {
    match value {
        Some(n) if !range.contains(&n) => Err(ApiError::bad_request(format!(
            "{field} must be {} to {}.",
            range.start(),
            range.end()
        ))),
        _ => Ok(()),
    }
}
