//! The App HTTP API edge the HTTP functions share: reading a request ([`request`]: caller,
//! route, parameters, body, the caller's role in a room), answering it ([`error`]: errors
//! mapped once to statuses and the `{"error": {code, message}}` shape), and each function's
//! route table ([`routes!`](crate::routes)).
//!
//! [`gateway`] (feature `gateway`) builds the API Gateway event a request becomes; only
//! `chat-local` and tests need it, so deployed functions do not compile it.

pub mod cursor;
pub mod error;
pub mod fields;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod request;

use std::future::Future;
use std::time::Instant;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

/// Answers one request and writes its one log line: request id, route, room, user id, status,
/// duration (never the body).
pub async fn serve(
    req: &Request,
    answer: impl Future<Output = Result<Response<Body>, error::ApiError>>,
) -> Response<Body> {
    let started = Instant::now();
    let response = error::respond(answer.await);
    let (request_id, user) = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => (
            ctx.request_id.clone().unwrap_or_default(),
            ctx.authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .and_then(|jwt| jwt.claims.get("sub").cloned())
                .unwrap_or_default(),
        ),
        _ => Default::default(),
    };
    let params = req.path_parameters_ref();
    tracing::info!(
        request_id,
        route = request::route_key(req),
        room = params.and_then(|p| p.first("roomId")).unwrap_or_default(),
        user,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1e3,
        "request"
    );
    response
}

/// Declares a function's routes once: the `ROUTES` table chat-local and the template test read,
/// and the dispatch that hands each route key to its handler (`async fn(&Request, &State<S>)`).
///
/// ```ignore
/// chat_core::routes! {
///     Moderator;
///     "POST /rooms/{roomId}/bans" => bans::ban,
/// }
/// ```
#[macro_export]
macro_rules! routes {
    ($state:ident; $($key:literal => $handler:path),+ $(,)?) => {
        /// Every route this function serves, exactly as `template.yaml` declares it.
        pub const ROUTES: &[&str] = &[$($key),+];

        async fn dispatch<S: $crate::store::Store>(
            req: &::lambda_http::Request,
            state: &$state<S>,
        ) -> ::std::result::Result<
            ::lambda_http::Response<::lambda_http::Body>,
            $crate::http::error::ApiError,
        > {
            match $crate::http::request::route_key(req).as_str() {
                $($key => $handler(req, state).await,)+
                other => Err($crate::http::error::ApiError::not_found(format!(
                    "No route {other:?} in {}.",
                    env!("CARGO_PKG_NAME")
                ))),
            }
        }
    };
}
