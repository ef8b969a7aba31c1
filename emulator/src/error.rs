//! The errors of the IVS Chat API, as the service layer raises them.
//!
//! Each variant is one error shape of the model (or of the AWS front door, for signatures and
//! malformed bodies); `wire::rest_json` renders them with `x-amzn-ErrorType` and their members.

use crate::model::ResourceType;

/// Model: `ValidationExceptionReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationReason {
    UnknownOperation,
    FieldValidationFailed,
    Other,
}

impl ValidationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownOperation => "UNKNOWN_OPERATION",
            Self::FieldValidationFailed => "FIELD_VALIDATION_FAILED",
            Self::Other => "OTHER",
        }
    }
}

/// Model: `ValidationExceptionField`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub name: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{message}")]
    Validation {
        message: String,
        reason: ValidationReason,
        fields: Vec<FieldError>,
    },
    /// The body is not JSON, or a member has the wrong JSON type.
    #[error("{0}")]
    Serialization(String),
    #[error("{message}")]
    NotFound {
        message: String,
        resource_type: ResourceType,
        resource_id: String,
    },
    #[error("{message}")]
    Conflict {
        message: String,
        resource_type: ResourceType,
        resource_id: String,
    },
    #[error("{message}")]
    QuotaExceeded {
        message: String,
        resource_type: ResourceType,
        resource_id: String,
        limit: u64,
    },
    #[error("{message}")]
    Throttling {
        message: String,
        resource_type: ResourceType,
        resource_id: String,
        limit: u64,
    },
    /// Refused by SigV4 verification; `code` is the AWS front door's error name.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// Refused by IAM (`--iam-policy`); the message names the caller, action and resource.
    #[error("{0}")]
    AccessDenied(String),
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    /// A `FIELD_VALIDATION_FAILED` error naming every field that failed.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let detail: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "Value at '{}' failed to satisfy constraint: {}",
                    f.name, f.message
                )
            })
            .collect();
        let count = fields.len();
        let noun = if count == 1 { "error" } else { "errors" };
        Self::Validation {
            message: format!("{count} validation {noun} detected: {}", detail.join("; ")),
            reason: ValidationReason::FieldValidationFailed,
            fields,
        }
    }

    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            name: name.to_owned(),
            message: message.into(),
        }])
    }

    pub fn unknown_operation(method: &str, path: &str) -> Self {
        Self::Validation {
            message: format!("Unknown operation: {method} {path}"),
            reason: ValidationReason::UnknownOperation,
            fields: Vec::new(),
        }
    }

    pub fn not_found(resource_type: ResourceType, resource_id: &str) -> Self {
        Self::NotFound {
            message: format!("The {resource_type} {resource_id} does not exist."),
            resource_type,
            resource_id: resource_id.to_owned(),
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(%err, "internal error");
        Self::Internal("An internal error occurred.".to_owned())
    }

    /// The error's name, sent in `x-amzn-ErrorType`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "ValidationException",
            Self::Serialization(_) => "SerializationException",
            Self::NotFound { .. } => "ResourceNotFoundException",
            Self::Conflict { .. } => "ConflictException",
            Self::QuotaExceeded { .. } => "ServiceQuotaExceededException",
            Self::Throttling { .. } => "ThrottlingException",
            Self::Unauthenticated { code, .. } => code,
            Self::AccessDenied(_) => "AccessDeniedException",
            Self::Internal(_) => "InternalServerException",
        }
    }

    /// The HTTP status the model gives the error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation { .. } | Self::Serialization(_) => 400,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::QuotaExceeded { .. } => 402,
            Self::Throttling { .. } => 429,
            Self::Unauthenticated { .. } | Self::AccessDenied(_) => 403,
            Self::Internal(_) => 500,
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
