//! Message review: every SEND_MESSAGE in a room with a `messageReviewHandler` is sent to the
//! Lambda Invoke API, as IVS does, and the handler's verdict decides what is delivered.
//!
//! `POST {lambda-endpoint}/2015-03-31/functions/{name}/invocations` is the Invoke API that AWS
//! Lambda, `cargo lambda watch` and our local stack serve. A timeout (200 ms by default), an
//! error, or a response that is not a valid verdict applies the room's `fallbackResult`.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use crate::model::{Attributes, FallbackResult, MessageReviewHandler};

/// The payload IVS sends to a review handler.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewRequest<'a> {
    pub content: &'a str,
    pub message_id: &'a str,
    pub room_arn: &'a str,
    pub attributes: &'a Attributes,
    pub sender: ReviewSender<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewSender<'a> {
    pub user_id: &'a str,
    pub attributes: &'a Attributes,
    pub ip: &'a str,
}

/// What a handler answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReviewResponse {
    review_result: String,
    content: Option<String>,
    attributes: Option<Attributes>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow {
        content: String,
        attributes: Attributes,
    },
    /// `reason` is the handler's `Attributes.Reason`; none when the fallback denied.
    Deny { reason: Option<String> },
}

#[derive(Debug, thiserror::Error)]
enum InvokeError {
    #[error("no Lambda endpoint is configured (--lambda-endpoint / AWS_ENDPOINT_URL_LAMBDA)")]
    NoEndpoint,
    #[error("invalid handler URI: {0}")]
    BadUri(String),
    #[error("invoke failed: {0}")]
    Http(String),
    #[error("the function failed: status {status}, {body}")]
    Function { status: u16, body: String },
    #[error("invalid review response: {0}")]
    BadResponse(String),
    #[error("timed out")]
    Timeout,
}

pub struct Reviewer {
    client: Client<HttpConnector, Full<Bytes>>,
    endpoint: Option<String>,
    timeout: Duration,
}

impl Reviewer {
    pub fn new(endpoint: Option<String>, timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            timeout,
        }
    }

    /// The verdict for one message; never fails: problems apply the fallback.
    pub async fn review(
        &self,
        handler: &MessageReviewHandler,
        request: &ReviewRequest<'_>,
    ) -> Verdict {
        let outcome = match tokio::time::timeout(self.timeout, self.invoke(handler, request)).await
        {
            Ok(result) => result,
            Err(_) => Err(InvokeError::Timeout),
        };
        match outcome {
            Ok(verdict) => verdict,
            Err(err) => {
                tracing::warn!(handler = %handler.uri, %err, fallback = handler.fallback_result.as_str(), "message review failed; applying the fallback");
                match handler.fallback_result {
                    FallbackResult::Allow => Verdict::Allow {
                        content: request.content.to_owned(),
                        attributes: request.attributes.clone(),
                    },
                    FallbackResult::Deny => Verdict::Deny { reason: None },
                }
            }
        }
    }

    async fn invoke(
        &self,
        handler: &MessageReviewHandler,
        request: &ReviewRequest<'_>,
    ) -> Result<Verdict, InvokeError> {
        let endpoint = self.endpoint.as_deref().ok_or(InvokeError::NoEndpoint)?;
        let url = format!("{endpoint}{}", invocation_path(&handler.uri)?);
        let body = serde_json::to_vec(request).map_err(|e| InvokeError::Http(e.to_string()))?;
        let http_request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("x-amz-invocation-type", "RequestResponse")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| InvokeError::Http(e.to_string()))?;
        let response = self
            .client
            .request(http_request)
            .await
            .map_err(|e| InvokeError::Http(e.to_string()))?;
        let status = response.status().as_u16();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| InvokeError::Http(e.to_string()))?
            .to_bytes();
        if status != 200 || function_error {
            return Err(InvokeError::Function {
                status,
                body: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            });
        }
        let answer: ReviewResponse =
            serde_json::from_slice(&bytes).map_err(|e| InvokeError::BadResponse(e.to_string()))?;
        match answer.review_result.as_str() {
            "ALLOW" => Ok(Verdict::Allow {
                content: answer.content.unwrap_or_else(|| request.content.to_owned()),
                attributes: answer
                    .attributes
                    .unwrap_or_else(|| request.attributes.clone()),
            }),
            "DENY" => Ok(Verdict::Deny {
                reason: answer.attributes.and_then(|mut a| a.remove("Reason")),
            }),
            other => Err(InvokeError::BadResponse(format!("ReviewResult {other:?}"))),
        }
    }
}

/// What stays as it is in a path segment (RFC 3986 unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → the Invoke API path, with the
/// function's name (as `cargo lambda watch` and the local stack route it) and the qualifier.
fn invocation_path(uri: &str) -> Result<String, InvokeError> {
    let (_, function) = uri
        .split_once(":function:")
        .ok_or_else(|| InvokeError::BadUri(uri.to_owned()))?;
    let (name, qualifier) = match function.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (function, None),
    };
    let mut path = format!(
        "/2015-03-31/functions/{}/invocations",
        utf8_percent_encode(name, SEGMENT)
    );
    if let Some(qualifier) = qualifier {
        path.push_str("?Qualifier=");
        path.push_str(&utf8_percent_encode(qualifier, SEGMENT).to_string());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_paths_name_the_function() {
        assert_eq!(
            invocation_path("arn:aws:lambda:us-east-1:123456789012:function:message-review")
                .unwrap(),
            "/2015-03-31/functions/message-review/invocations"
        );
        assert_eq!(
            invocation_path("arn:aws:lambda:us-east-1:123456789012:function:review:live").unwrap(),
            "/2015-03-31/functions/review/invocations?Qualifier=live"
        );
        assert!(invocation_path("arn:aws:sns:x").is_err());
    }
}
