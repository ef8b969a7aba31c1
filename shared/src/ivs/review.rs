//! The IVS Chat message review contract (IVS docs, "Message Review Handler"): what IVS sends
//! the room's handler for every message, and what the handler answers within 200 ms.
//! `aws_lambda_events` has no type for it, so it is defined here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Every reason a refusal carries (the handler's DENY `Reason`, which IVS hands the sender in
/// its ERROR 406), with the sentence a person reads for it: the sender is told why, never the
/// code. The one table: the chat page's `vocabulary.js` is generated from it, and
/// message-review's tests hold every code it and the engine can give to an entry here.
pub const REFUSALS: &[(&str, &str)] = &[
    (
        "BLOCKED_TERM",
        "This room does not allow one of the words in it.",
    ),
    (
        "PROFANITY",
        "It contains profanity, which this room does not allow.",
    ),
    ("BORDERLINE_PROFANITY", "It may contain profanity."),
    (
        "LINK_NOT_ALLOWED",
        "Links to that site are not allowed in this room.",
    ),
    (
        "EXCESSIVE_CAPS",
        "It is mostly capital letters: write it in lower case.",
    ),
    (
        "REPEATED_CHARACTERS",
        "It repeats one character too many times in a row.",
    ),
    (
        "REPEATED_PHRASE",
        "It repeats the same words too many times.",
    ),
    (
        "HOSTILITY",
        "It reads as a threat, a wish of harm or an attack on someone.",
    ),
    (
        "BORDERLINE_HOSTILITY",
        "It may read as an attack on someone.",
    ),
    (
        "DISCRIMINATION",
        "It attacks people for who they are (origin, religion, gender, sexuality or disability).",
    ),
    (
        "BORDERLINE_DISCRIMINATION",
        "It may attack people for who they are.",
    ),
    ("DUPLICATE_MESSAGE", "You just sent the same message."),
    ("SLOW_MODE", "Slow mode is on."),
    ("BANNED", "You are banned from this room."),
    ("TIMED_OUT", "You are timed out in this room."),
    (
        "HELD",
        "A moderator looks at it first; only you can see it until then.",
    ),
    (
        "TOO_MANY_HELD",
        "You already have messages waiting for a moderator: wait for those first.",
    ),
    (
        "HELD_QUEUE_FULL",
        "The moderators have too many messages to review: try again later.",
    ),
];

/// The words for a refusal's code, if it is one.
pub fn refusal_words(code: &str) -> Option<&'static str> {
    REFUSALS.iter().find(|(c, _)| *c == code).map(|(_, w)| *w)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReviewRequest {
    pub content: String,
    pub message_id: String,
    pub room_arn: String,
    pub attributes: HashMap<String, String>,
    pub sender: ReviewSender,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReviewSender {
    pub user_id: String,
    pub attributes: HashMap<String, String>,
    pub ip: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewResult {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewResponse {
    pub review_result: ReviewResult,
    pub content: String,
    pub attributes: HashMap<String, String>,
}

impl ReviewResponse {
    pub fn allow(content: String, attributes: HashMap<String, String>) -> Self {
        Self {
            review_result: ReviewResult::Allow,
            content,
            attributes,
        }
    }

    /// DENY with `Attributes.Reason`, which IVS passes to the sender in its ERROR 406.
    pub fn deny(content: String, reason: &str) -> Self {
        Self {
            review_result: ReviewResult::Deny,
            content,
            attributes: HashMap::from([("Reason".to_owned(), reason.to_owned())]),
        }
    }

    pub fn reason(&self) -> Option<&str> {
        self.attributes.get("Reason").map(String::as_str)
    }
}
