//! CreateLoggingConfiguration, GetLoggingConfiguration, UpdateLoggingConfiguration,
//! DeleteLoggingConfiguration, ListLoggingConfigurations.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::validate::{self, Check};
use super::{ChatService, Page, persist_failed};
use crate::error::{Result, ServiceError};
use crate::model::new_id;
use crate::model::{
    Destination, LoggingConfiguration, LoggingConfigurationState, ResourceType, Timestamp,
};
use crate::seal::Purpose;
use crate::state::State;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketInput {
    pub bucket_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroupInput {
    pub log_group_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
}

/// Model: `DestinationConfiguration`, a union: exactly one member must be set.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationInput {
    pub s3: Option<BucketInput>,
    pub cloud_watch_logs: Option<LogGroupInput>,
    pub firehose: Option<DeliveryStreamInput>,
}

impl DestinationInput {
    /// Checks the union and its member; the destination when everything holds.
    fn check(&self, check: &mut Check) -> Option<Destination> {
        const FIELD: &str = "destinationConfiguration";
        let set = [
            self.s3.is_some(),
            self.cloud_watch_logs.is_some(),
            self.firehose.is_some(),
        ];
        if set.iter().filter(|s| **s).count() != 1 {
            check.fail(
                FIELD,
                "Member must have exactly one of s3, cloudWatchLogs, firehose set",
            );
            return None;
        }
        let mut member = |name: &str, value: &Option<String>, rule| {
            let name = format!("{FIELD}.{name}");
            let value = check.required(&name, value)?;
            check.string(&name, value, rule).then(|| value.clone())
        };
        if let Some(s3) = &self.s3 {
            let bucket_name = member(
                "s3.bucketName",
                &s3.bucket_name,
                &validate::BUCKET_NAME_RULE,
            )?;
            Some(Destination::S3 { bucket_name })
        } else if let Some(cw) = &self.cloud_watch_logs {
            let log_group_name = member(
                "cloudWatchLogs.logGroupName",
                &cw.log_group_name,
                &validate::LOG_GROUP_NAME_RULE,
            )?;
            Some(Destination::CloudWatchLogs { log_group_name })
        } else {
            let fh = self.firehose.as_ref()?;
            let delivery_stream_name = member(
                "firehose.deliveryStreamName",
                &fh.delivery_stream_name,
                &validate::DELIVERY_STREAM_NAME_RULE,
            )?;
            Some(Destination::Firehose {
                delivery_stream_name,
            })
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLoggingConfigurationRequest {
    pub name: Option<String>,
    pub destination_configuration: Option<DestinationInput>,
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLoggingConfigurationRequest {
    pub identifier: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateLoggingConfigurationRequest {
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub destination_configuration: Option<DestinationInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListLoggingConfigurationsRequest {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

impl ChatService {
    pub fn create_logging_configuration(
        &self,
        req: CreateLoggingConfigurationRequest,
    ) -> Result<LoggingConfiguration> {
        let mut check = Check::new();
        check.optional_string("name", &req.name, &validate::RESOURCE_NAME);
        let destination = check
            .required("destinationConfiguration", &req.destination_configuration)
            .and_then(|d| d.check(&mut check));
        let tags = req.tags.unwrap_or_default();
        check.tags("tags", &tags);
        check.finish()?;
        let Some(destination) = destination else {
            return Err(ServiceError::field(
                "destinationConfiguration",
                "Member must not be null",
            ));
        };

        let mut state = self.write();
        let limit = self.quotas.max_logging_configurations;
        if state.logging_configurations.len() as u64 >= limit {
            return Err(ServiceError::QuotaExceeded {
                message: format!("Limit of {limit} logging configurations per account reached."),
                resource_type: ResourceType::LoggingConfiguration,
                resource_id: self.account_id.clone(),
                limit,
            });
        }
        let id = loop {
            let id = new_id();
            if state.logging_configurations.get(&id).is_none() {
                break id;
            }
        };
        let now = Timestamp::now();
        let config = LoggingConfiguration {
            arn: self.arn(ResourceType::LoggingConfiguration, &id),
            id,
            name: req.name.unwrap_or_default(),
            create_time: now,
            update_time: now,
            destination_configuration: destination,
            state: LoggingConfigurationState::Active,
            tags,
            revision: state.next_revision(),
        };
        self.persistence
            .put_logging_configuration(&config)
            .map_err(persist_failed)?;
        state.logging_configurations.put(config.clone());
        Ok(config)
    }

    pub fn get_logging_configuration(
        &self,
        req: GetLoggingConfigurationRequest,
    ) -> Result<LoggingConfiguration> {
        let id = self.identifier(
            ResourceType::LoggingConfiguration,
            "identifier",
            &req.identifier,
        )?;
        let state = self.read();
        logging_in(&state, &id).cloned()
    }

    pub fn update_logging_configuration(
        &self,
        req: UpdateLoggingConfigurationRequest,
    ) -> Result<LoggingConfiguration> {
        let mut check = Check::new();
        if let Some(identifier) = check.required("identifier", &req.identifier) {
            check.string(
                "identifier",
                identifier,
                &validate::LOGGING_CONFIGURATION_IDENTIFIER,
            );
        }
        check.optional_string("name", &req.name, &validate::RESOURCE_NAME);
        let destination = req
            .destination_configuration
            .as_ref()
            .and_then(|d| d.check(&mut check));
        check.finish()?;
        let identifier = req.identifier.as_deref().unwrap_or_default();
        let id = self.resolve(ResourceType::LoggingConfiguration, identifier)?;

        let mut state = self.write();
        let mut config = logging_in(&state, id)?.clone();
        if let Some(name) = req.name {
            config.name = name;
        }
        if let Some(destination) = destination {
            config.destination_configuration = destination;
        }
        config.update_time = Timestamp::now();
        config.revision = state.next_revision();
        self.persistence
            .put_logging_configuration(&config)
            .map_err(persist_failed)?;
        state.logging_configurations.put(config.clone());
        Ok(config)
    }

    pub fn delete_logging_configuration(&self, req: GetLoggingConfigurationRequest) -> Result<()> {
        let id = self.identifier(
            ResourceType::LoggingConfiguration,
            "identifier",
            &req.identifier,
        )?;
        let mut state = self.write();
        let arn = logging_in(&state, &id)?.arn.clone();
        if let Some(room) = state.rooms_using(&arn).next() {
            return Err(ServiceError::Conflict {
                message: format!(
                    "Logging configuration {id} is in use by room {}: remove it from the room first.",
                    room.id
                ),
                resource_type: ResourceType::LoggingConfiguration,
                resource_id: id,
            });
        }
        self.persistence
            .delete_logging_configuration(&id)
            .map_err(persist_failed)?;
        state.logging_configurations.remove(&id);
        Ok(())
    }

    pub fn list_logging_configurations(
        &self,
        req: ListLoggingConfigurationsRequest,
    ) -> Result<Page<LoggingConfiguration>> {
        let mut check = Check::new();
        check.optional_string("nextToken", &req.next_token, &validate::PAGINATION_TOKEN);
        check.range("maxResults", req.max_results, 1, 50);
        check.finish()?;
        let state = self.read();
        self.page(
            Purpose::LoggingConfigurationsPage,
            &state.logging_configurations,
            req.next_token.as_deref(),
            req.max_results,
            |_| true,
        )
    }
}

fn logging_in<'a>(state: &'a State, id: &str) -> Result<&'a LoggingConfiguration> {
    state
        .logging_configurations
        .get(id)
        .ok_or_else(|| ServiceError::not_found(ResourceType::LoggingConfiguration, id))
}
