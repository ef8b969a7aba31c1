//! Amazon IVS Chat's limits, as the backend checks them before calling IVS, so a caller gets a
//! clear 400 in the App API's words instead of an IVS ValidationException. One definition each;
//! the source is the `ivschat` 2020-07-14 service model (botocore `service-2.json`) and the
//! "IVS Chat Service Quotas" page. (The emulator keeps its own copy: it is IVS, not our app.)

use std::ops::RangeInclusive;

/// Model `UserID`: 1 to 128 characters.
pub const USER_ID_CHARS: RangeInclusive<usize> = 1..=128;
/// Model `Reason` (DeleteMessage, DisconnectUser): 1 to 256 characters.
pub const REASON_CHARS: RangeInclusive<usize> = 1..=256;
/// Model `EventName`: 1 to 100 characters.
pub const EVENT_NAME_CHARS: RangeInclusive<usize> = 1..=100;
/// Model `RoomName`: up to 128 of `[a-zA-Z0-9-_]`.
pub const ROOM_NAME_MAX_CHARS: usize = 128;
/// Model `RoomMaxMessageLength`.
pub const MESSAGE_LENGTH: RangeInclusive<i32> = 1..=500;
/// Model `RoomMaxMessageRatePerSecond`.
pub const MESSAGE_RATE_PER_SECOND: RangeInclusive<i32> = 1..=100;
/// Model `LoggingConfigurationIdentifierList`: at most 3 per room.
pub const LOGGING_CONFIGURATIONS_PER_ROOM: usize = 3;
/// Model `MaxRoomResults` / `MaxLoggingConfigurationResults`: a page holds 1 to 50.
pub const PAGE_SIZE: RangeInclusive<i32> = 1..=50;
/// Service quotas: token and event attributes come to at most 1 KB, keys and values together.
pub const ATTRIBUTES_MAX_BYTES: usize = 1024;
/// Model `SessionDurationInMinutes`.
pub const SESSION_MINUTES: RangeInclusive<i32> = 1..=180;

/// The size IVS counts against [`ATTRIBUTES_MAX_BYTES`].
pub fn attributes_size<'a>(
    attributes: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> usize {
    attributes.into_iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// Whether a string's length in characters (code points, as IVS counts) is in range.
pub fn chars_within(value: &str, range: &RangeInclusive<usize>) -> bool {
    range.contains(&value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn limits_count_as_ivs_counts() {
        assert!(chars_within(&"é".repeat(128), &USER_ID_CHARS));
        assert!(!chars_within(&"é".repeat(129), &USER_ID_CHARS));
        assert!(!chars_within("", &REASON_CHARS));
        let attributes = HashMap::from([("ab".to_owned(), "cde".to_owned())]);
        assert_eq!(attributes_size(&attributes), 5);
    }
}
