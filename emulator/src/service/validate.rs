//! Field validation: every length, pattern, enum and range of the service model, checked here
//! because clients check almost nothing (botocore only required members and minimums, the JS
//! v3 client nothing). Failures are collected so one answer names every bad field.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use crate::error::{FieldError, Result, ServiceError};
use crate::model::{MAX_ATTRIBUTES_BYTES, MAX_TAGS, ResourceType, attributes_size};

/// A string constraint from the model: length in code points, and an optional pattern.
/// The model's patterns are unanchored Smithy patterns; the service matches them whole.
pub struct StringRule {
    pub min: usize,
    pub max: usize,
    pub pattern: Option<&'static Pattern>,
}

impl StringRule {
    /// Whether a value meets the rule (for callers that answer with their own error shape).
    pub fn accepts(&self, value: &str) -> bool {
        let len = value.chars().count();
        len >= self.min && len <= self.max && self.pattern.is_none_or(|p| p.matches(value))
    }
}

pub struct Pattern {
    source: &'static str,
    regex: LazyLock<Regex>,
}

impl Pattern {
    const fn new(source: &'static str, regex: fn() -> Regex) -> Self {
        Self {
            source,
            regex: LazyLock::new(regex),
        }
    }

    pub fn matches(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

macro_rules! pattern {
    ($name:ident, $source:literal) => {
        pub static $name: Pattern = Pattern::new($source, || {
            Regex::new(concat!("^(?:", $source, ")$")).expect("model pattern compiles")
        });
    };
}

// Model shapes `RoomArn`/`RoomIdentifier`, `LoggingConfigurationArn`/`...Identifier`.
pattern!(
    ROOM_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[a-zA-Z0-9-]+"
);
pattern!(
    LOGGING_CONFIGURATION_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration/[a-zA-Z0-9-]+"
);
// Model: `ResourceArn` (its own pattern has a one-character class: both ARN kinds are meant).
pattern!(
    RESOURCE_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:(?:room|logging-configuration)/[a-zA-Z0-9-]+"
);
// Model: `RoomName`, `LoggingConfigurationName`.
pattern!(NAME, "[a-zA-Z0-9-_]*");
// Model: `LambdaArn` (documented as empty, or a Lambda function ARN).
pattern!(
    LAMBDA_ARN,
    "|arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+"
);
// Model: `ID`, `MessageID`.
pattern!(ID, "[a-zA-Z0-9]+");
// Model: `BucketName`, `LogGroupName`, `DeliveryStreamName`.
pattern!(BUCKET_NAME, "[a-z0-9-.]+");
pattern!(LOG_GROUP_NAME, r"[\.\-_/#A-Za-z0-9]+");
pattern!(DELIVERY_STREAM_NAME, "[a-zA-Z0-9_.-]+");

const fn rule(min: usize, max: usize, pattern: Option<&'static Pattern>) -> StringRule {
    StringRule { min, max, pattern }
}

pub const ROOM_IDENTIFIER: StringRule = rule(1, 128, Some(&ROOM_ARN));
pub const LOGGING_CONFIGURATION_IDENTIFIER: StringRule =
    rule(1, 128, Some(&LOGGING_CONFIGURATION_ARN));
pub const RESOURCE_ARN_RULE: StringRule = rule(1, 128, Some(&RESOURCE_ARN));
pub const RESOURCE_NAME: StringRule = rule(0, 128, Some(&NAME));
pub const LAMBDA_ARN_RULE: StringRule = rule(0, 170, Some(&LAMBDA_ARN));
pub const USER_ID: StringRule = rule(1, 128, None);
pub const REASON: StringRule = rule(1, 256, None);
pub const EVENT_NAME: StringRule = rule(1, 100, None);
pub const MESSAGE_ID: StringRule = rule(12, 12, Some(&ID));
pub const PAGINATION_TOKEN: StringRule = rule(0, 1024, None);
pub const BUCKET_NAME_RULE: StringRule = rule(3, 63, Some(&BUCKET_NAME));
pub const LOG_GROUP_NAME_RULE: StringRule = rule(1, 512, Some(&LOG_GROUP_NAME));
pub const DELIVERY_STREAM_NAME_RULE: StringRule = rule(1, 64, Some(&DELIVERY_STREAM_NAME));
pub const TAG_KEY: StringRule = rule(1, 128, None);
pub const TAG_VALUE: StringRule = rule(0, 256, None);

/// The rule for an identifier member naming a resource of `kind`.
pub fn identifier_rule(kind: ResourceType) -> &'static StringRule {
    match kind {
        ResourceType::Room => &ROOM_IDENTIFIER,
        ResourceType::LoggingConfiguration => &LOGGING_CONFIGURATION_IDENTIFIER,
    }
}

/// Collects the field failures of one request.
#[derive(Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            name: name.to_owned(),
            message: message.into(),
        });
    }

    /// A required member: reports it when absent and hands back the value when present.
    pub fn required<'a, T>(&mut self, name: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.fail(name, "Member must not be null");
        }
        value.as_ref()
    }

    pub fn string(&mut self, name: &str, value: &str, rule: &StringRule) -> bool {
        let len = value.chars().count();
        let message = if len < rule.min {
            format!(
                "Member must have length greater than or equal to {}",
                rule.min
            )
        } else if len > rule.max {
            format!("Member must have length less than or equal to {}", rule.max)
        } else {
            match rule.pattern {
                Some(p) if !p.matches(value) => {
                    format!(
                        "Member must satisfy regular expression pattern: {}",
                        p.source
                    )
                }
                _ => return true,
            }
        };
        self.fail(name, message);
        false
    }

    pub fn optional_string(&mut self, name: &str, value: &Option<String>, rule: &StringRule) {
        if let Some(v) = value {
            self.string(name, v, rule);
        }
    }

    pub fn range(&mut self, name: &str, value: Option<i64>, min: i64, max: i64) {
        match value {
            Some(v) if v < min => self.fail(
                name,
                format!("Member must have value greater than or equal to {min}"),
            ),
            Some(v) if v > max => self.fail(
                name,
                format!("Member must have value less than or equal to {max}"),
            ),
            _ => {}
        }
    }

    pub fn list_max(&mut self, name: &str, len: usize, max: usize) {
        if len > max {
            self.fail(
                name,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// An enum member: the value must be one of `allowed`.
    pub fn one_of(&mut self, name: &str, value: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            return true;
        }
        self.fail(
            name,
            format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        );
        false
    }

    /// Token and event attributes: keys and values together at most 1 KB.
    pub fn attributes(&mut self, name: &str, attributes: &HashMap<String, String>) {
        if attributes_size(attributes) > MAX_ATTRIBUTES_BYTES {
            self.fail(
                name,
                format!("Member must not exceed {MAX_ATTRIBUTES_BYTES} bytes in total"),
            );
        }
    }

    /// Model `Tags`: up to 50, key 1..128, value 0..256; the `aws:` prefix is reserved.
    pub fn tags(&mut self, name: &str, tags: &BTreeMap<String, String>) {
        self.list_max(name, tags.len(), MAX_TAGS);
        for (key, value) in tags {
            self.string(name, key, &TAG_KEY);
            self.string(name, value, &TAG_VALUE);
            if key.to_ascii_lowercase().starts_with("aws:") {
                self.fail(
                    name,
                    "Tag keys starting with 'aws:' are reserved for AWS use",
                );
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::fields(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_values() {
        assert!(ROOM_ARN.matches("arn:aws:ivschat:us-east-1:123456789012:room/abcDEF123456"));
        assert!(!ROOM_ARN.matches("xarn:aws:ivschat:us-east-1:123456789012:room/abc"));
        assert!(!ROOM_ARN.matches("abcDEF123456"));
        assert!(NAME.matches(""));
        assert!(!NAME.matches("has space"));
        assert!(LAMBDA_ARN.matches(""));
        assert!(LAMBDA_ARN.matches("arn:aws:lambda:us-east-1:123456789012:function:review"));
        assert!(!LAMBDA_ARN.matches("arn:aws:lambda:us-east-1:1234:function:review"));
    }

    #[test]
    fn lengths_count_code_points() {
        let mut check = Check::new();
        assert!(check.string("reason", &"é".repeat(256), &REASON));
        assert!(!check.string("reason", &"é".repeat(257), &REASON));
        let err = check.finish().unwrap_err();
        match err {
            ServiceError::Validation { fields, .. } => assert_eq!(fields[0].name, "reason"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
