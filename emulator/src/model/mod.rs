//! The IVS Chat resources as the service keeps them: rooms and logging configurations.
//!
//! These are the backend's records (what `--data-dir` persists); the wire layer renders them
//! into the rest-json shapes. Limits and defaults come from the `ivschat` 2020-07-14 service
//! model (botocore `service-2.json`) and the "IVS Chat Service Quotas" page.

use std::collections::BTreeMap;
use std::fmt;

pub mod messaging;

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Resource ids are exactly 12 characters of `[a-zA-Z0-9]` (model: `RoomID`, `ID`, ...).
pub const ID_LEN: usize = 12;
/// Model: `RoomMaxMessageRatePerSecond` 1..100; default from the CreateRoom docs.
pub const DEFAULT_MAX_MESSAGE_RATE: u32 = 10;
/// Model: `RoomMaxMessageLength` 1..500; default from the CreateRoom docs.
pub const DEFAULT_MAX_MESSAGE_LENGTH: u32 = 500;
/// Model: `SessionDurationInMinutes` 1..180; default from the CreateChatToken docs.
pub const DEFAULT_SESSION_MINUTES: u32 = 60;
/// Service quotas: token and event attributes are limited to 1 KB in total.
pub const MAX_ATTRIBUTES_BYTES: usize = 1024;
/// Model: `LoggingConfigurationIdentifierList` max 3.
pub const MAX_LOGGING_CONFIGURATIONS_PER_ROOM: usize = 3;
/// Model: `Tags` max 50.
pub const MAX_TAGS: usize = 50;

/// Token, message and event attributes: string keys to string values.
pub type Attributes = BTreeMap<String, String>;

/// The size IVS counts against [`MAX_ATTRIBUTES_BYTES`]: keys and values together, in bytes.
pub fn attributes_size<'a>(
    attributes: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> usize {
    attributes.into_iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// A fresh 12-character id, as IVS makes them (resources, messages, events, log objects).
pub fn new_id() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(ID_LEN)
        .map(char::from)
        .collect()
}

/// A point in time, kept to the nanosecond and rendered as ISO 8601 (the model's `Time` shape
/// uses `timestampFormat: iso8601`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    pub fn from_datetime(t: OffsetDateTime) -> Self {
        Self(t.unix_timestamp_nanos().clamp(0, i64::MAX as i128) as i64)
    }

    pub fn from_unix_nanos(nanos: i64) -> Self {
        Self(nanos)
    }

    pub fn unix_nanos(self) -> i64 {
        self.0
    }

    pub fn plus_secs(self, secs: u64) -> Self {
        Self(
            self.0
                .saturating_add((secs as i64).saturating_mul(1_000_000_000)),
        )
    }

    fn datetime(self) -> OffsetDateTime {
        // In range by construction: built from an OffsetDateTime or a persisted copy of one.
        OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// ISO 8601 with millisecond precision, as the control plane answers (`2023-01-05T14:33:32.894Z`).
    pub fn to_iso8601_millis(self) -> String {
        let t = self.datetime();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// RFC 3339 with nanoseconds, trailing zeros trimmed, as the Messaging API stamps `SendTime`.
    pub fn to_rfc3339_nanos(self) -> String {
        let t = self.datetime();
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        let nanos = t.nanosecond();
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FallbackResult {
    Allow,
    Deny,
}

impl FallbackResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "ALLOW",
            Self::Deny => "DENY",
        }
    }
}

/// Model: `MessageReviewHandler`. An empty `uri` means no handler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReviewHandler {
    pub uri: String,
    pub fallback_result: FallbackResult,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
    pub maximum_message_rate_per_second: u32,
    pub maximum_message_length: u32,
    pub message_review_handler: Option<MessageReviewHandler>,
    pub logging_configuration_identifiers: Vec<String>,
    pub tags: BTreeMap<String, String>,
    /// Increases with every change to any resource: orders lists newest-`updateTime`-first
    /// without ties, even for changes made within the same millisecond.
    pub revision: u64,
}

/// Model: `DestinationConfiguration`, a union: exactly one member is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Destination {
    #[serde(rename_all = "camelCase")]
    S3 { bucket_name: String },
    #[serde(rename_all = "camelCase")]
    CloudWatchLogs { log_group_name: String },
    #[serde(rename_all = "camelCase")]
    Firehose { delivery_stream_name: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LoggingConfigurationState {
    Active,
}

impl LoggingConfigurationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfiguration {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
    pub destination_configuration: Destination,
    pub state: LoggingConfigurationState,
    pub tags: BTreeMap<String, String>,
    pub revision: u64,
}

/// Model: `ChatTokenCapability`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Capability {
    SendMessage,
    DisconnectUser,
    DeleteMessage,
}

/// The kinds of resource an ARN can name, with the word IVS uses in ARNs and in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceType {
    Room,
    LoggingConfiguration,
}

impl ResourceType {
    /// The `resourceType` member of errors (model enum `ResourceType`; it lists only `ROOM`,
    /// so logging configurations use the name the service uses in its messages).
    pub fn error_name(self) -> &'static str {
        match self {
            Self::Room => "ROOM",
            Self::LoggingConfiguration => "LOGGING_CONFIGURATION",
        }
    }

    /// The resource part of the ARN: `room/ID`, `logging-configuration/ID`.
    pub fn arn_word(self) -> &'static str {
        match self {
            Self::Room => "room",
            Self::LoggingConfiguration => "logging-configuration",
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Room => "room",
            Self::LoggingConfiguration => "logging configuration",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_render_as_the_service_does() {
        let t = Timestamp::from_datetime(datetime!(2022-12-02 08:21:20.754555500 UTC));
        assert_eq!(t.to_iso8601_millis(), "2022-12-02T08:21:20.754Z");
        assert_eq!(t.to_rfc3339_nanos(), "2022-12-02T08:21:20.7545555Z");
        let whole = Timestamp::from_datetime(datetime!(2023-01-05 14:33:32 UTC));
        assert_eq!(whole.to_rfc3339_nanos(), "2023-01-05T14:33:32Z");
    }
}
