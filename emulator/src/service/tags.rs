//! TagResource, UntagResource, ListTagsForResource, for rooms and logging configurations.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::validate::{self, Check};
use super::{ChatService, persist_failed};
use crate::error::{Result, ServiceError};
use crate::model::{MAX_TAGS, ResourceType};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceRequest {
    pub tags: Option<BTreeMap<String, String>>,
}

type Tags = BTreeMap<String, String>;

impl ChatService {
    pub fn list_tags_for_resource(&self, resource_arn: &str) -> Result<Tags> {
        let (kind, id) = self.tagged_resource(resource_arn)?;
        let state = self.read();
        let tags = match kind {
            ResourceType::Room => state.rooms.get(id).map(|r| r.tags.clone()),
            ResourceType::LoggingConfiguration => {
                state.logging_configurations.get(id).map(|c| c.tags.clone())
            }
        };
        tags.ok_or_else(|| ServiceError::not_found(kind, id))
    }

    /// The tags of the resource an ARN names, if it exists here (IAM's `aws:ResourceTag`).
    pub fn tags_of(&self, arn: &str) -> Option<Tags> {
        let state = self.read();
        if let Some(id) = self.id_in_arn(ResourceType::Room, arn) {
            return state.rooms.get(id).map(|r| r.tags.clone());
        }
        let id = self.id_in_arn(ResourceType::LoggingConfiguration, arn)?;
        state.logging_configurations.get(id).map(|c| c.tags.clone())
    }

    pub fn tag_resource(&self, resource_arn: &str, req: TagResourceRequest) -> Result<()> {
        let mut check = Check::new();
        if let Some(tags) = check.required("tags", &req.tags) {
            check.tags("tags", tags);
        }
        check.finish()?;
        let new_tags = req.tags.unwrap_or_default();
        self.change_tags(resource_arn, |tags| {
            tags.extend(new_tags);
            if tags.len() > MAX_TAGS {
                return Err(ServiceError::field(
                    "tags",
                    format!("A resource can have at most {MAX_TAGS} tags"),
                ));
            }
            Ok(())
        })
    }

    pub fn untag_resource(&self, resource_arn: &str, tag_keys: Option<Vec<String>>) -> Result<()> {
        let mut check = Check::new();
        if let Some(keys) = check.required("tagKeys", &tag_keys) {
            check.list_max("tagKeys", keys.len(), MAX_TAGS);
            for key in keys {
                check.string("tagKeys", key, &validate::TAG_KEY);
            }
        }
        check.finish()?;
        let keys = tag_keys.unwrap_or_default();
        self.change_tags(resource_arn, |tags| {
            for key in &keys {
                tags.remove(key);
            }
            Ok(())
        })
    }

    /// Applies `change` to a resource's tags and persists the resource. Tags are not part of
    /// a resource's configuration: its `updateTime` stays as it is.
    fn change_tags(
        &self,
        resource_arn: &str,
        change: impl FnOnce(&mut Tags) -> Result<()>,
    ) -> Result<()> {
        let (kind, id) = self.tagged_resource(resource_arn)?;
        let mut state = self.write();
        match kind {
            ResourceType::Room => {
                let mut room = state
                    .rooms
                    .get(id)
                    .ok_or_else(|| ServiceError::not_found(kind, id))?
                    .clone();
                change(&mut room.tags)?;
                self.persistence.put_room(&room).map_err(persist_failed)?;
                state.rooms.put(room);
            }
            ResourceType::LoggingConfiguration => {
                let mut config = state
                    .logging_configurations
                    .get(id)
                    .ok_or_else(|| ServiceError::not_found(kind, id))?
                    .clone();
                change(&mut config.tags)?;
                self.persistence
                    .put_logging_configuration(&config)
                    .map_err(persist_failed)?;
                state.logging_configurations.put(config);
            }
        }
        Ok(())
    }

    /// Validates a `resourceArn` and says which resource it names.
    fn tagged_resource<'a>(&self, resource_arn: &'a str) -> Result<(ResourceType, &'a str)> {
        let mut check = Check::new();
        check.string("resourceArn", resource_arn, &validate::RESOURCE_ARN_RULE);
        check.finish()?;
        let kind = if validate::ROOM_ARN.matches(resource_arn) {
            ResourceType::Room
        } else {
            ResourceType::LoggingConfiguration
        };
        Ok((kind, self.resolve(kind, resource_arn)?))
    }
}
