//! Logs and metrics for the functions.
//!
//! Logs: `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL` set the level, and JSON lines (what CloudWatch Logs
//! indexes) when SAM's `LoggingConfig: {LogFormat: JSON}` sets `AWS_LAMBDA_LOG_FORMAT=JSON`. Each
//! API request writes one line (`http::serve`), each review one (message-review); message content
//! is never logged unless `CHAT_LOG_CONTENT=true` (for debugging a room's rules).
//!
//! Metrics go through the `metrics` facade: a deployed function flushes them after each
//! invocation as one CloudWatch Embedded Metric Format line on stdout ([`emf`], no API calls);
//! chat-local renders the same metrics as Prometheus text at `GET /metrics`. Names:
//! [`REVIEW_DURATION`], [`VERDICTS`], [`REVIEW_ERRORS`], [`TOKENS_ISSUED`], [`TOKENS_REFUSED`],
//! [`MODERATION_ACTIONS`], [`AWS_ERRORS`]. Labels are few and bounded (they become CloudWatch
//! dimensions): never a room or a user id.

/// Milliseconds message-review took to decide (histogram).
pub const REVIEW_DURATION: &str = "ReviewDuration";
/// Verdicts, by `Verdict` (ALLOW, MASKED, DENY, HELD) and `Rule` (the reason code, or NONE).
pub const VERDICTS: &str = "Verdicts";
/// Store or IVS steps of a review that failed (the review still answered); the log names the step.
pub const REVIEW_ERRORS: &str = "ReviewErrors";
pub const TOKENS_ISSUED: &str = "TokensIssued";
/// Token requests refused, by `Code` (BANNED, TIMED_OUT, FORBIDDEN, …).
pub const TOKENS_REFUSED: &str = "TokensRefused";
/// Bans, time-outs, kicks, deletions, unbans, purges and held-message decisions, by `Action`.
pub const MODERATION_ACTIONS: &str = "ModerationActions";
/// Errors from IVS Chat and DynamoDB, by `Service` and `Code` (e.g. ThrottlingException).
pub const AWS_ERRORS: &str = "AwsErrors";

pub fn init() {
    lambda_http::tracing::init_default_subscriber();
}

/// Whether message content may be logged (`CHAT_LOG_CONTENT=true`; off by default: privacy).
pub fn log_content() -> bool {
    static LOG_CONTENT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *LOG_CONTENT.get_or_init(|| {
        std::env::var("CHAT_LOG_CONTENT").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
    })
}

/// Counts an error from an AWS service.
pub fn aws_error(service: &'static str, code: &str) {
    metrics::counter!(AWS_ERRORS, "Service" => service, "Code" => code.to_owned()).increment(1);
}

/// Logs a call IAM refused (`AccessDeniedException`) in one line that names the action and
/// the resource the function's policy does not allow: a grant missing from template.yaml.
pub fn access_denied(service: &'static str, message: &str) {
    let (action, resource) = refused_call(message).unwrap_or(("unknown", "unknown"));
    tracing::error!(
        service,
        action,
        resource,
        message,
        "refused by IAM: this function's policy does not allow {action} on {resource}"
    );
}

/// The action and resource of AWS's refusal ("User: … is not authorized to perform: ACTION
/// on resource: RESOURCE because …").
pub fn refused_call(message: &str) -> Option<(&str, &str)> {
    let (_, rest) = message.split_once("is not authorized to perform: ")?;
    let (action, rest) = rest.split_once(" on resource: ")?;
    Some((action, rest.split(' ').next()?))
}

/// The function's Embedded Metric Format collector, installed as the `metrics` recorder: pass it
/// to `metrics_cloudwatch_embedded::lambda::handler::run`/`run_http`, which flush after every
/// invocation. Namespace `CHAT_METRICS_NAMESPACE` (default `IvsChatToolkit`); dimension
/// `Function`; a `ColdStart` count on the first invocation; the request id as a property.
#[cfg(feature = "emf")]
pub fn emf() -> &'static metrics_cloudwatch_embedded::Collector {
    let namespace =
        std::env::var("CHAT_METRICS_NAMESPACE").unwrap_or_else(|_| "IvsChatToolkit".to_owned());
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_default();
    metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(namespace)
        .with_dimension("Function", function)
        .lambda_cold_start_metric("ColdStart")
        .with_lambda_request_id("RequestId")
        .init()
        .expect("main installs the metrics recorder once")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_action_and_the_resource() {
        let message = "User: arn:aws:sts::123456789012:assumed-role/R/f is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/chat because no identity-based policy allows the dynamodb:PutItem action";
        assert_eq!(
            refused_call(message),
            Some((
                "dynamodb:PutItem",
                "arn:aws:dynamodb:us-east-1:123456789012:table/chat"
            ))
        );
        assert_eq!(refused_call("Throttled"), None);
    }
}
