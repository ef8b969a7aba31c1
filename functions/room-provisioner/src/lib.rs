//! room-provisioner: rooms (with the review handler attached), their moderators and tags, and
//! logging configurations — every control-plane operation that manages resources, behind the
//! App API routes of `template.yaml`.

mod logging_configurations;
mod moderators;
mod rooms;
mod tags;

use chat_core::http::error::{ApiError, respond};
use chat_core::http::request::route_key;
use chat_core::store::{ChatStore, Store};
use lambda_http::{Body, Error, Request, Response};

pub struct Provisioner<S> {
    pub ivs: aws_sdk_ivschat::Client,
    pub store: ChatStore<S>,
    /// The message-review function every new room gets as its review handler.
    pub review_handler_arn: Option<String>,
    /// The region of the IVS resources (for ARNs of logging configurations named by id).
    pub region: String,
}

pub async fn handle<S: Store>(req: Request, p: &Provisioner<S>) -> Result<Response<Body>, Error> {
    let result = match route_key(&req).as_str() {
        "POST /rooms" => rooms::create(&req, p).await,
        "GET /rooms" => rooms::list(&req, p).await,
        "GET /rooms/{roomId}" => rooms::get(&req, p).await,
        "PATCH /rooms/{roomId}" => rooms::update(&req, p).await,
        "DELETE /rooms/{roomId}" => rooms::delete(&req, p).await,
        "PUT /rooms/{roomId}/moderators/{userId}" => moderators::add(&req, p).await,
        "DELETE /rooms/{roomId}/moderators/{userId}" => moderators::remove(&req, p).await,
        "POST /rooms/{roomId}/tags" => tags::tag(&req, p).await,
        "DELETE /rooms/{roomId}/tags" => tags::untag(&req, p).await,
        "POST /logging-configurations" => logging_configurations::create(&req, p).await,
        "GET /logging-configurations" => logging_configurations::list(&req, p).await,
        "GET /logging-configurations/{id}" => logging_configurations::get(&req, p).await,
        "PATCH /logging-configurations/{id}" => logging_configurations::update(&req, p).await,
        "DELETE /logging-configurations/{id}" => logging_configurations::delete(&req, p).await,
        other => Err(ApiError::not_found(format!(
            "No route {other:?} in room-provisioner."
        ))),
    };
    Ok(respond(result))
}

/// `limit` (1 to 50) and `nextToken` query parameters for lists that page through IVS.
fn page_params(req: &Request) -> Result<(Option<i32>, Option<String>), ApiError> {
    let limit = match chat_core::http::request::query_param(req, "limit") {
        None => None,
        Some(v) => match v.parse::<i32>() {
            Ok(n) if (1..=50).contains(&n) => Some(n),
            _ => {
                return Err(ApiError::bad_request(
                    "limit must be a number from 1 to 50.",
                ));
            }
        },
    };
    Ok((
        limit,
        chat_core::http::request::query_param(req, "nextToken"),
    ))
}

fn time(t: Option<&aws_sdk_ivschat::primitives::DateTime>) -> Option<String> {
    t.and_then(|t| {
        t.fmt(aws_sdk_ivschat::primitives::DateTimeFormat::DateTime)
            .ok()
    })
}
