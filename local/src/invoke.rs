//! The Lambda Invoke API for the review function (`POST /2015-03-31/functions/{name}/invocations`),
//! which the emulator calls for every message in a room that has it as its review handler.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chat_core::ivs::review::ReviewRequest;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::json;

use crate::body::{BodyError, read_body};
use crate::{App, REVIEW_FUNCTION};

/// Lambda's payload limit for a synchronous invocation.
const MAX_PAYLOAD: usize = 6 * 1024 * 1024;

/// Lambda's error shape: the type in `x-amzn-errortype`, the message in the body.
fn lambda_error(status: StatusCode, error_type: &'static str, message: String) -> Response {
    let mut response = (
        status,
        axum::Json(json!({"Type": "User", "message": message})),
    )
        .into_response();
    response
        .headers_mut()
        .insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    response
}

/// The function name as Invoke takes it: a name, or an ARN ending in it.
fn names_review_function(name: &str) -> bool {
    name == REVIEW_FUNCTION || name.ends_with(&format!(":function:{REVIEW_FUNCTION}"))
}

pub async fn invoke(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    request: Request,
) -> Response {
    if !names_review_function(&name) {
        return lambda_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            format!("Function not found: {name} (chat-local serves {REVIEW_FUNCTION})"),
        );
    }
    let (parts, body) = request.into_parts();
    let payload = match read_body(&parts.headers, body, MAX_PAYLOAD, app.body_idle_timeout).await {
        Ok(payload) => payload,
        Err(BodyError::TooLarge { limit }) => {
            return lambda_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestTooLargeException",
                format!(
                    "Request must be smaller than {limit} bytes for the InvokeFunction operation"
                ),
            );
        }
        Err(e) => {
            return lambda_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContentException",
                e.to_string(),
            );
        }
    };
    let (status_body, failed) = match serde_json::from_slice::<ReviewRequest>(&payload) {
        Ok(request) => {
            let event = LambdaEvent::new(request, Context::default());
            match message_review::handle(event, &app.reviewer).await {
                Ok(verdict) => (json!(verdict), false),
                Err(e) => (
                    json!({"errorType": "HandlerError", "errorMessage": e.to_string()}),
                    true,
                ),
            }
        }
        // The runtime could not read the event: Lambda reports an unhandled function error.
        Err(e) => (
            json!({"errorType": "Runtime.InvalidEvent", "errorMessage": e.to_string()}),
            true,
        ),
    };
    let mut response = (StatusCode::OK, axum::Json(status_body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "x-amz-executed-version",
        HeaderValue::from_static("$LATEST"),
    );
    if failed {
        headers.insert(
            "x-amz-function-error",
            HeaderValue::from_static("Unhandled"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_function_goes_by_name_or_arn() {
        assert!(names_review_function("message-review"));
        assert!(names_review_function(
            "arn:aws:lambda:us-east-1:123456789012:function:message-review"
        ));
        assert!(!names_review_function("other"));
    }
}
