//! What a client may send to create or update a room, checked against IVS's limits and the
//! policy's rules before anything is written: shared by the routes (`rooms`) and the creation
//! across IVS and the store (`lifecycle`).

use std::collections::HashMap;

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::RoomRecord;
use chat_core::http::error::ApiError;
use chat_core::http::fields;
use chat_core::ivs::limits::{
    LOGGING_CONFIGURATIONS_PER_ROOM, MESSAGE_LENGTH, MESSAGE_RATE_PER_SECOND, ROOM_NAME_MAX_CHARS,
};
use chat_core::ivs::logging_configuration_arn;
use lambda_http::Request;
use serde::Deserialize;

use crate::Provisioner;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RoomBody {
    pub name: Option<String>,
    pub maximum_message_length: Option<i32>,
    pub maximum_message_rate_per_second: Option<i32>,
    pub policy: Option<ModerationPolicy>,
    logging_configuration_ids: Option<Vec<String>>,
    /// Create only.
    pub tags: Option<HashMap<String, String>>,
}

impl RoomBody {
    pub fn check(&self) -> Result<(), ApiError> {
        if let Some(name) = &self.name
            && (name.len() > ROOM_NAME_MAX_CHARS
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(ApiError::bad_request(format!(
                "name: up to {ROOM_NAME_MAX_CHARS} letters, digits, '-' and '_'."
            )));
        }
        fields::in_range(
            "maximumMessageLength",
            self.maximum_message_length,
            &MESSAGE_LENGTH,
        )?;
        fields::in_range(
            "maximumMessageRatePerSecond",
            self.maximum_message_rate_per_second,
            &MESSAGE_RATE_PER_SECOND,
        )?;
        if let Some(policy) = &self.policy {
            let problems = policy.problems();
            if !problems.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "policy: {}",
                    problems.join("; ")
                )));
            }
        }
        if let Some(ids) = &self.logging_configuration_ids
            && (ids.len() > LOGGING_CONFIGURATIONS_PER_ROOM
                || !ids.iter().all(|id| chat_core::ivs::is_resource_id(id)))
        {
            return Err(ApiError::bad_request(format!(
                "loggingConfigurationIds: up to {LOGGING_CONFIGURATIONS_PER_ROOM} logging configuration ids."
            )));
        }
        Ok(())
    }

    /// An update checks as a creation does, and cannot carry tags (they have their routes).
    pub fn check_update(&self) -> Result<(), ApiError> {
        self.check()?;
        if self.tags.is_some() {
            return Err(ApiError::bad_request(
                "Change tags with POST or DELETE /rooms/{roomId}/tags.",
            ));
        }
        Ok(())
    }

    /// Whether the update changes anything IVS keeps (rather than only our record).
    pub fn changes_ivs(&self) -> bool {
        self.name.is_some()
            || self.maximum_message_length.is_some()
            || self.maximum_message_rate_per_second.is_some()
            || self.logging_configuration_ids.is_some()
    }

    /// The record as it is after this update.
    pub fn applied_to(&self, before: &RoomRecord) -> RoomRecord {
        let mut after = before.clone();
        if let Some(name) = &self.name {
            after.name = name.clone();
        }
        if let Some(policy) = &self.policy {
            after.policy = Some(policy.clone());
        }
        after.updated_at = chat_core::time::now_millis();
        after
    }

    pub fn logging_arns<S>(&self, req: &Request, p: &Provisioner<S>) -> Option<Vec<String>> {
        let account = chat_core::http::request::account_id(req).unwrap_or_default();
        self.logging_configuration_ids.as_ref().map(|ids| {
            ids.iter()
                .map(|id| logging_configuration_arn(&p.region, &account, id))
                .collect()
        })
    }
}
