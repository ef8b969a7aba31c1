//! The HTTP side of chat-local, standing in for API Gateway: the chat page, dev sign-in, the
//! Lambda Invoke endpoint, and every App HTTP API route — matched, its JWT verified, turned
//! into the API Gateway event and handed to the function's own handler.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chat_core::http::error::ApiError;
use chat_core::http::gateway::{HttpApiEvent, authorizer_claims};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use crate::App;
use crate::auth::{Login, LoginError};
use crate::body::{BodyError, read_body};
use crate::routes::{Function, route};

/// API Gateway's payload limit.
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// A sign-in is a few hundred bytes.
const MAX_LOGIN_BODY: usize = 64 * 1024;

/// API Gateway's answer to a body it would not read.
fn body_refused(err: BodyError) -> Response {
    match err {
        BodyError::TooLarge { .. } => {
            gateway_message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
        }
        BodyError::Stalled(_) => gateway_message(StatusCode::REQUEST_TIMEOUT, "Request Timeout"),
        BodyError::Broken(_) => gateway_message(StatusCode::BAD_REQUEST, "Bad Request"),
    }
}

/// What the functions counted since start, as Prometheus text: the metrics a deployed function
/// writes to CloudWatch (Embedded Metric Format), under the same names.
async fn metrics() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::prometheus().render(),
    )
}

pub fn router(
    app: Arc<App>,
    page: crate::origin::PageOrigin,
    cors_allow_origin: &str,
    request_timeout: Duration,
) -> Router {
    let origin = if cors_allow_origin == "*" {
        AllowOrigin::any()
    } else {
        AllowOrigin::exact(
            HeaderValue::from_str(cors_allow_origin).unwrap_or(HeaderValue::from_static("null")),
        )
    };
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    // The template's CorsConfiguration: API Gateway answers preflights itself.
    let cors = CorsLayer::new()
        .allow_origin(origin)
        .allow_methods(methods.clone())
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    // Dev endpoints are not part of the template: the page's own origin only.
    let page_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate({
            let page = page.clone();
            move |origin, parts| page.allows_parts(origin, parts)
        }))
        .allow_methods(methods)
        .allow_headers([header::CONTENT_TYPE]);
    let dev = Router::new()
        .route("/metrics", get(metrics))
        .route("/dev/login", post(login))
        .route("/dev/config", get(dev_config))
        .route(
            "/2015-03-31/functions/{name}/invocations",
            post(crate::invoke::invoke),
        )
        .layer(page_cors)
        .layer(axum::middleware::from_fn_with_state(
            page,
            crate::origin::page_only,
        ));
    Router::new()
        .merge(crate::page::routes())
        // The page's back-end settings, public as a deployed stack's config.json is.
        .route("/config.json", get(crate::site_config::config_json))
        .fallback(api)
        .layer(cors)
        .merge(dev)
        // A whole request, slow body or slow handler, gets at most this long.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .with_state(app)
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `POST /dev/login {"userId","displayName","groups"}` → `{"token", ...}`.
async fn login(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match read_body(&parts.headers, body, MAX_LOGIN_BODY, app.body_idle_timeout).await {
        Ok(body) => body,
        Err(e) => return body_refused(e),
    };
    let login = match serde_json::from_slice::<Login>(&body) {
        Ok(login) => login,
        Err(e) => {
            let error = ApiError::bad_request(format!("The sign-in is not valid: {e}"));
            return from_lambda(error.into_response());
        }
    };
    if let Err(error) = never_demotes(&app, &login).await {
        return from_lambda(error.into_response());
    }
    let issued = app.auth.issue(&login).map_err(|e| match e {
        LoginError::Sign(e) => {
            tracing::error!(error = %e, "signing a dev token failed");
            ApiError::internal("The token could not be signed.")
        }
        invalid => ApiError::bad_request(invalid.to_string()),
    });
    if let Ok((_, claims)) = &issued {
        remember_signed_in(&app, claims).await;
    }
    match issued {
        Ok((token, claims)) => json_response(
            StatusCode::OK,
            json!({
                "token": token,
                "userId": claims["sub"],
                "displayName": claims["name"],
                "groups": claims["groups"],
                "expiresAt": claims["exp"],
            }),
        ),
        Err(error) => from_lambda(error.into_response()),
    }
}

/// Signing in as a known administrator without the admin group would silently lower their
/// stored flag (and let moderators act on them): refused instead.
async fn never_demotes(app: &App, login: &Login) -> Result<(), ApiError> {
    if login.groups.iter().any(|g| g == "admin") {
        return Ok(());
    }
    match app.token_issuer.store.profile(&login.user_id).await {
        Ok(Some(profile)) if profile.admin => Err(ApiError::new(
            409,
            "ADMIN_ACCOUNT",
            format!(
                "{} is an administrator here: sign in with the admin group (tick Administrator), \
                 or pick another name.",
                login.user_id
            ),
        )),
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::error!(%err, "profile unreadable at sign-in");
            Err(ApiError::internal("The sign-in could not be checked."))
        }
    }
}

/// The dev sign-in is the local identity provider: the backend knows whoever signed in (as the
/// token issuer learns a deployed user on their first chat token), so they can be appointed.
async fn remember_signed_in(app: &App, claims: &serde_json::Value) {
    let groups = claims["groups"].as_array();
    let profile = chat_core::domain::records::Profile {
        user_id: claims["sub"].as_str().unwrap_or_default().to_owned(),
        display_name: claims["name"].as_str().unwrap_or_default().to_owned(),
        admin: groups.is_some_and(|g| g.iter().any(|g| g == "admin")),
        seen_at: chat_core::time::now_millis(),
    };
    if let Err(err) = app.token_issuer.store.put_profile(&profile).await {
        tracing::error!(%err, "signed-in user not recorded");
    }
}

/// What the page needs to know: where the Messaging WebSocket is.
async fn dev_config(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let host = crate::site_config::reachable(app.emulator_addr, &headers);
    json_response(
        StatusCode::OK,
        json!({
            "messagingEndpoint": format!("ws://{host}"),
            "controlPlaneEndpoint": format!("http://{host}"),
            "reviewHandlerArn": app.provisioner.review_handler_arn,
            "defaultPolicy": app.default_policy,
        }),
    )
}

/// API Gateway's own answers, in its shapes.
fn gateway_message(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({"message": message}))
}

/// Every App HTTP API route: as API Gateway routes, authorizes and integrates it.
async fn api(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let (method, raw_path) = (parts.method.clone(), parts.uri.path().to_owned());
    let mut response = dispatch(&app, peer, &parts, body, &request_id).await;
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("apigw-requestid", id);
    }
    tracing::info!(
        "{method} {raw_path} → {} ({:.1} ms)",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Route, then authorize from the headers alone, and only then read the body: an
/// unauthorized caller never gets a byte of it buffered.
async fn dispatch(
    app: &App,
    peer: SocketAddr,
    parts: &Parts,
    body: Body,
    request_id: &str,
) -> Response {
    let Parts {
        method,
        uri,
        headers,
        ..
    } = parts;
    let Some(matched) = route(method.as_str(), uri.path()) else {
        return gateway_message(StatusCode::NOT_FOUND, "Not Found");
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let claims = match crate::auth::verify_request(&app.auth, app.oidc.as_ref(), authorization)
        .await
    {
        Ok(claims) => claims,
        Err(why) => {
            let mut response = gateway_message(StatusCode::UNAUTHORIZED, "Unauthorized");
            let challenge = format!("Bearer error=\"invalid_token\" error_description=\"{why}\"");
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return response;
        }
    };
    let body = match read_body(headers, body, MAX_BODY, app.body_idle_timeout).await {
        Ok(body) => body,
        Err(e) => return body_refused(e),
    };
    let event = HttpApiEvent {
        method: method.to_string(),
        raw_path: uri.path().to_owned(),
        raw_query: uri.query().unwrap_or_default().to_owned(),
        route_key: matched.route_key.to_owned(),
        path_parameters: matched.path_parameters,
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect(),
        claims: Some(authorizer_claims(&claims)),
        body: body.to_vec(),
        account_id: app.account_id.clone(),
        source_ip: peer.ip().to_string(),
        request_id: request_id.to_owned(),
    };
    let request = match event.into_request() {
        Ok(request) => request,
        Err(e) => {
            tracing::error!(error = %e, "the API Gateway event did not parse");
            return gateway_message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
        }
    };
    let result = match matched.function {
        Function::TokenIssuer => token_issuer::handle(request, &app.token_issuer).await,
        Function::RoomProvisioner => room_provisioner::handle(request, &app.provisioner).await,
        Function::Moderator => moderator::handle(request, &app.moderator).await,
    };
    match result {
        Ok(response) => from_lambda(response),
        // What API Gateway answers when the integration fails.
        Err(e) => {
            tracing::error!(function = matched.function.resource_name(), error = %e, "function failed");
            gateway_message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    }
}

/// A function's response, as API Gateway returns it to the client.
fn from_lambda(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let bytes: Vec<u8> = match body {
        lambda_http::Body::Text(text) => text.into_bytes(),
        lambda_http::Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    let mut out = Response::new(Body::from(bytes));
    *out.status_mut() = parts.status;
    *out.headers_mut() = parts.headers;
    out
}
