//! The control plane's rest-json wire format: one route per operation, bodies parsed into the
//! service's request types, results and errors rendered as the AWS SDKs expect.
//!
//! Errors carry `x-amzn-ErrorType` plus a JSON body with `message` and the modelled members.
//! Malformed bodies answer `SerializationException`; unknown paths and methods answer a
//! `ValidationException` with reason `UNKNOWN_OPERATION`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::{Result, ServiceError};
use crate::model::{LoggingConfiguration, Room, Timestamp};
use crate::service::{Page, TagResourceRequest};

use super::{AppState, authorization};

/// Largest request body read: the largest valid request (CreateRoom with 50 tags of 128 + 256
/// characters, every one escaped) is below 128 KiB; anything larger is refused 413 unread.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

type App = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    // Every operation but the tag ones is `POST /{OperationName}`.
    let operations = [
        ("/CreateChatToken", post(create_chat_token)),
        (
            "/CreateLoggingConfiguration",
            post(create_logging_configuration),
        ),
        ("/CreateRoom", post(create_room)),
        (
            "/DeleteLoggingConfiguration",
            post(delete_logging_configuration),
        ),
        ("/DeleteMessage", post(delete_message)),
        ("/DeleteRoom", post(delete_room)),
        ("/DisconnectUser", post(disconnect_user)),
        ("/GetLoggingConfiguration", post(get_logging_configuration)),
        ("/GetRoom", post(get_room)),
        (
            "/ListLoggingConfigurations",
            post(list_logging_configurations),
        ),
        ("/ListRooms", post(list_rooms)),
        ("/SendEvent", post(send_event)),
        (
            "/UpdateLoggingConfiguration",
            post(update_logging_configuration),
        ),
        ("/UpdateRoom", post(update_room)),
    ];
    operations
        .into_iter()
        .fold(Router::new(), |router, (path, operation)| {
            router.route(path, operation)
        })
        .route(
            "/tags/{*resource_arn}",
            get(list_tags_for_resource)
                .post(tag_resource)
                .delete(untag_resource),
        )
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation)
}

/// Refuses requests without a valid signature when the emulator verifies them, and, with
/// `--iam-policy`, requests the caller's policies do not allow (`AccessDeniedException`).
pub async fn verify_signature(State(app): App, req: Request, next: Next) -> Response {
    let Some(verifier) = &app.verifier else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return error_response(&ServiceError::Serialization(
            "The request body could not be read.".into(),
        ));
    };
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let access_key = match verifier.verify(
        parts.method.as_str(),
        path_and_query,
        &parts.headers,
        &bytes,
    ) {
        Ok(key) => key,
        Err(err) => return error_response(&err),
    };
    if let Some(iam) = &app.iam {
        let principal = iam.principal_arn(&access_key).unwrap_or(&access_key);
        for request in authorization::requests(&app, principal, &parts.method, &parts.uri, &bytes) {
            if let Err(refusal) = iam.authorize(&access_key, &request) {
                tracing::info!(%refusal, "IAM refused the call");
                return error_response(&ServiceError::AccessDenied(refusal.to_string()));
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Every answer carries a request id, as AWS's do.
pub async fn request_id(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

/// The answer to a request whose handler panicked: the AWS internal error, and a log line.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    error_response(&ServiceError::internal(format!(
        "handler panicked: {detail}"
    )))
}

pub async fn unknown_operation(method: Method, uri: Uri) -> Response {
    error_response(&ServiceError::unknown_operation(
        method.as_str(),
        uri.path(),
    ))
}

// ---- parsing and rendering -------------------------------------------------------------

/// An absent body is an empty request: every member of these operations may be omitted.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|err| {
        ServiceError::Serialization(format!(
            "The request body is not valid for this operation: {err}"
        ))
    })
}

/// Runs an operation on a JSON body and answers 200 with its JSON result.
fn call<T: DeserializeOwned>(body: &[u8], op: impl FnOnce(T) -> Result<Value>) -> Response {
    match parse(body).and_then(op) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(err) => error_response(&err),
    }
}

/// Runs an operation whose success is `204 No Content`.
fn call_no_content<T: DeserializeOwned>(body: &[u8], op: impl FnOnce(T) -> Result<()>) -> Response {
    match parse(body).and_then(op) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => error_response(&err),
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

pub fn error_response(err: &ServiceError) -> Response {
    let mut body = json!({ "message": err.to_string() });
    match err {
        ServiceError::Validation { reason, fields, .. } => {
            body["reason"] = json!(reason.as_str());
            if !fields.is_empty() {
                body["fieldList"] = fields
                    .iter()
                    .map(|f| json!({ "name": f.name, "message": f.message }))
                    .collect();
            }
        }
        ServiceError::NotFound {
            resource_type,
            resource_id,
            ..
        }
        | ServiceError::Conflict {
            resource_type,
            resource_id,
            ..
        } => {
            body["resourceType"] = json!(resource_type.error_name());
            body["resourceId"] = json!(resource_id);
        }
        ServiceError::QuotaExceeded {
            resource_type,
            resource_id,
            limit,
            ..
        }
        | ServiceError::Throttling {
            resource_type,
            resource_id,
            limit,
            ..
        } => {
            body["resourceType"] = json!(resource_type.error_name());
            body["resourceId"] = json!(resource_id);
            body["limit"] = json!(limit);
        }
        _ => {}
    }
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = json_response(status, &body);
    response
        .headers_mut()
        .insert("x-amzn-errortype", HeaderValue::from_static(err.code()));
    response
}

fn time(t: Timestamp) -> Value {
    Value::String(t.to_iso8601_millis())
}

fn tags_json(tags: &BTreeMap<String, String>) -> Value {
    json!(tags)
}

/// Model: `RoomSummary` (what ListRooms returns for each room).
fn room_summary_json(room: &Room) -> Value {
    let mut out = json!({
        "arn": room.arn,
        "id": room.id,
        "name": room.name,
        "createTime": time(room.create_time),
        "updateTime": time(room.update_time),
        "tags": tags_json(&room.tags),
        "loggingConfigurationIdentifiers": room.logging_configuration_identifiers,
    });
    if let Some(handler) = &room.message_review_handler {
        out["messageReviewHandler"] = json!({
            "uri": handler.uri,
            "fallbackResult": handler.fallback_result.as_str(),
        });
    }
    out
}

/// Model: the room shape of Create/Get/UpdateRoom responses.
fn room_json(room: &Room) -> Value {
    let mut out = room_summary_json(room);
    out["maximumMessageRatePerSecond"] = json!(room.maximum_message_rate_per_second);
    out["maximumMessageLength"] = json!(room.maximum_message_length);
    out
}

/// Model: `LoggingConfigurationSummary` and the logging-configuration responses.
fn logging_configuration_json(config: &LoggingConfiguration) -> Value {
    json!({
        "arn": config.arn,
        "id": config.id,
        "name": config.name,
        "createTime": time(config.create_time),
        "updateTime": time(config.update_time),
        "destinationConfiguration": config.destination_configuration,
        "state": config.state.as_str(),
        "tags": tags_json(&config.tags),
    })
}

fn page_json<T>(list_name: &str, page: Page<T>, render: fn(&T) -> Value) -> Value {
    let mut out = json!({ list_name: page.items.iter().map(render).collect::<Vec<_>>() });
    if let Some(token) = page.next_token {
        out["nextToken"] = json!(token);
    }
    out
}

/// The resource ARN of a tag path.
fn resource_arn(uri: &Uri) -> Result<String> {
    let raw = uri.path().strip_prefix("/tags/").unwrap_or_default();
    authorization::decode_resource_arn(raw)
        .ok_or_else(|| ServiceError::field("resourceArn", "Member must be valid UTF-8"))
}

// ---- operations ------------------------------------------------------------------------

async fn create_chat_token(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        let out = app.service.create_chat_token(req)?;
        Ok(json!({
            "token": out.token,
            "tokenExpirationTime": time(out.token_expiration_time),
            "sessionExpirationTime": time(out.session_expiration_time),
        }))
    })
}

async fn create_room(State(app): App, body: Bytes) -> Response {
    call(&body, |req| Ok(room_json(&app.service.create_room(req)?)))
}

async fn get_room(State(app): App, body: Bytes) -> Response {
    call(&body, |req| Ok(room_json(&app.service.get_room(req)?)))
}

async fn update_room(State(app): App, body: Bytes) -> Response {
    call(&body, |req| Ok(room_json(&app.service.update_room(req)?)))
}

async fn delete_room(State(app): App, body: Bytes) -> Response {
    call_no_content(&body, |req| app.service.delete_room(req).map(drop))
}

async fn list_rooms(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(page_json(
            "rooms",
            app.service.list_rooms(req)?,
            room_summary_json,
        ))
    })
}

async fn create_logging_configuration(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(logging_configuration_json(
            &app.service.create_logging_configuration(req)?,
        ))
    })
}

async fn get_logging_configuration(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(logging_configuration_json(
            &app.service.get_logging_configuration(req)?,
        ))
    })
}

async fn update_logging_configuration(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(logging_configuration_json(
            &app.service.update_logging_configuration(req)?,
        ))
    })
}

async fn delete_logging_configuration(State(app): App, body: Bytes) -> Response {
    call_no_content(&body, |req| app.service.delete_logging_configuration(req))
}

async fn list_logging_configurations(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        let page = app.service.list_logging_configurations(req)?;
        Ok(page_json(
            "loggingConfigurations",
            page,
            logging_configuration_json,
        ))
    })
}

async fn send_event(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(json!({ "id": app.service.send_event(req)? }))
    })
}

async fn delete_message(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        Ok(json!({ "id": app.service.delete_message(req)? }))
    })
}

async fn disconnect_user(State(app): App, body: Bytes) -> Response {
    call(&body, |req| {
        app.service.disconnect_user(req)?;
        Ok(json!({}))
    })
}

async fn list_tags_for_resource(State(app): App, uri: Uri) -> Response {
    match resource_arn(&uri).and_then(|arn| app.service.list_tags_for_resource(&arn)) {
        Ok(tags) => json_response(StatusCode::OK, &json!({ "tags": tags })),
        Err(err) => error_response(&err),
    }
}

async fn tag_resource(State(app): App, uri: Uri, body: Bytes) -> Response {
    call(&body, |req: TagResourceRequest| {
        app.service.tag_resource(&resource_arn(&uri)?, req)?;
        Ok(json!({}))
    })
}

async fn untag_resource(State(app): App, uri: Uri) -> Response {
    let keys: Vec<String> = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "tagKeys")
        .map(|(_, value)| value.into_owned())
        .collect();
    let keys = (!keys.is_empty()).then_some(keys);
    match resource_arn(&uri).and_then(|arn| app.service.untag_resource(&arn, keys)) {
        Ok(()) => json_response(StatusCode::OK, &json!({})),
        Err(err) => error_response(&err),
    }
}
