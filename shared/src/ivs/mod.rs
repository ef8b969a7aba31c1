//! The IVS edge shared by the functions: IVS's [`limits`], the message-review contract
//! ([`review`]), clients for an endpoint of our own, ARNs from ids, and IVS failures mapped
//! once to the App API's errors.

pub mod limits;
pub mod review;

use aws_sdk_ivschat::error::{ProvideErrorMetadata, SdkError};

use crate::http::error::ApiError;

/// A room id: exactly 12 characters of `[a-zA-Z0-9]` (IVS model: `RoomID`).
pub fn is_resource_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A client for an IVS Chat endpoint of our own (the emulator): fixed credentials (`local`),
/// no look-up of the environment's.
pub fn client_for_endpoint(endpoint: &str, region: &str) -> aws_sdk_ivschat::Client {
    client_with_key(endpoint, region, "local", "local")
}

/// A client for an IVS Chat endpoint of our own that signs with this access key: how
/// chat-local and the tests call the emulator as one function, under that function's policy.
pub fn client_with_key(
    endpoint: &str,
    region: &str,
    access_key_id: &str,
    secret_access_key: &str,
) -> aws_sdk_ivschat::Client {
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_ivschat::config::Region::new(region.to_owned()))
        .credentials_provider(aws_sdk_ivschat::config::Credentials::new(
            access_key_id,
            secret_access_key,
            None,
            None,
            "local",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_ivschat::Client::from_conf(config)
}

pub fn logging_configuration_arn(region: &str, account_id: &str, id: &str) -> String {
    format!("arn:aws:ivschat:{region}:{account_id}:logging-configuration/{id}")
}

/// Whether IVS answered that the resource does not exist (for steps that are done when it
/// is already gone).
pub fn is_not_found<E: ProvideErrorMetadata>(err: &SdkError<E>) -> bool {
    err.code() == Some("ResourceNotFoundException")
}

/// An IVS failure as the App API answers it: what the caller can act on keeps its meaning
/// (404, 400, 409, 429); anything else is IVS failing: 502 with the IVS error code.
pub fn ivs_error<E: ProvideErrorMetadata + std::fmt::Debug>(err: SdkError<E>) -> ApiError {
    let code = err.code().unwrap_or("ServiceUnavailable").to_owned();
    crate::telemetry::aws_error("IVSChat", &code);
    let message = err
        .message()
        .unwrap_or("Amazon IVS Chat could not be reached")
        .to_owned();
    let (status, ours) = match code.as_str() {
        "ResourceNotFoundException" => (404, "NOT_FOUND"),
        "ValidationException" => (400, "BAD_REQUEST"),
        "ConflictException" => (409, "CONFLICT"),
        "ServiceQuotaExceededException" => (409, "QUOTA_EXCEEDED"),
        "ThrottlingException" => (429, "THROTTLED"),
        // Outside the function's IAM policy: the deployment's fault, named in the log.
        "AccessDeniedException" => {
            crate::telemetry::access_denied("IVSChat", &message);
            (502, "IVS_ERROR")
        }
        _ => {
            tracing::error!(?err, "IVS call failed");
            (502, "IVS_ERROR")
        }
    };
    ApiError::new(status, ours, message).with_detail("ivsErrorCode", code)
}

/// Tells everyone in the room that something happened (`app:unbanned`, `app:role-changed`,
/// `app:held`), so pages act on it at once. Best effort: what happened stays done if IVS does
/// not take the event (logged and counted; `false`); clients also learn it on their next token.
pub async fn announce(
    ivs: &aws_sdk_ivschat::Client,
    room_arn: &str,
    event_name: &str,
    attributes: &[(&str, &str)],
) -> bool {
    let sent = ivs
        .send_event()
        .room_identifier(room_arn)
        .event_name(event_name)
        .set_attributes(Some(
            attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ))
        .send()
        .await;
    match sent {
        Ok(_) => true,
        Err(err) => {
            let err = ivs_error(err);
            tracing::error!(%err, event_name, "room event not sent");
            false
        }
    }
}
