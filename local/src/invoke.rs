//! The Lambda Invoke API for the review function (`POST /2015-03-31/functions/{name}/invocations`),
//! which the emulator calls for every message in a room that has it as its review handler.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chat_core::ivs::review::ReviewRequest;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::json;

use crate::{App, REVIEW_FUNCTION};

/// The function name as Invoke takes it: a name, or an ARN ending in it.
fn names_review_function(name: &str) -> bool {
    name == REVIEW_FUNCTION || name.ends_with(&format!(":function:{REVIEW_FUNCTION}"))
}

pub async fn invoke(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    payload: Bytes,
) -> Response {
    if !names_review_function(&name) {
        let mut response = (
            StatusCode::NOT_FOUND,
            axum::Json(json!({
                "Type": "User",
                "message": format!("Function not found: {name} (chat-local serves {REVIEW_FUNCTION})"),
            })),
        )
            .into_response();
        response.headers_mut().insert(
            "x-amzn-errortype",
            HeaderValue::from_static("ResourceNotFoundException"),
        );
        return response;
    }
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
