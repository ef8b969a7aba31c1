//! The IVS Chat message review contract (IVS docs, "Message Review Handler"): what IVS sends
//! the room's handler for every message, and what the handler answers within 200 ms.
//! `aws_lambda_events` has no type for it, so it is defined here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

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
