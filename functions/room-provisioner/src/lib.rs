//! room-provisioner: rooms (with the review handler attached), their moderators and tags, and
//! logging configurations — every control-plane operation that manages resources, behind the
//! App API routes of `template.yaml`.

mod lifecycle;
mod logging_configurations;
mod moderators;
mod room_body;
mod rooms;
mod tags;

use chat_core::http::error::ApiError;
use chat_core::http::request::limit_param;
use chat_core::ivs::limits::PAGE_SIZE;
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

chat_core::routes! {
    Provisioner;
    "POST /rooms" => rooms::create,
    "GET /rooms" => rooms::list,
    "GET /rooms/{roomId}" => rooms::get,
    "PATCH /rooms/{roomId}" => rooms::update,
    "DELETE /rooms/{roomId}" => rooms::delete,
    "PUT /rooms/{roomId}/moderators/{userId}" => moderators::add,
    "DELETE /rooms/{roomId}/moderators/{userId}" => moderators::remove,
    "POST /rooms/{roomId}/tags" => tags::tag,
    "DELETE /rooms/{roomId}/tags" => tags::untag,
    "POST /logging-configurations" => logging_configurations::create,
    "GET /logging-configurations" => logging_configurations::list,
    "GET /logging-configurations/{id}" => logging_configurations::get,
    "PATCH /logging-configurations/{id}" => logging_configurations::update,
    "DELETE /logging-configurations/{id}" => logging_configurations::delete,
}

pub async fn handle<S: Store>(req: Request, p: &Provisioner<S>) -> Result<Response<Body>, Error> {
    Ok(chat_core::http::serve(&req, dispatch(&req, p)).await)
}

/// `limit` (a page of IVS's size) and `nextToken` query parameters for lists that page
/// through IVS.
fn page_params(req: &Request) -> Result<(Option<i32>, Option<String>), ApiError> {
    let limit = match chat_core::http::request::query_param(req, "limit") {
        None => None,
        Some(_) => {
            let (start, end) = (*PAGE_SIZE.start() as usize, *PAGE_SIZE.end() as usize);
            Some(limit_param(req, end, start..=end)? as i32)
        }
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
