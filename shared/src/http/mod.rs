//! The App HTTP API edge the HTTP functions share: reading a request ([`request`]: caller,
//! route, parameters, body, the caller's role in a room), answering it ([`error`]: errors
//! mapped once to statuses and the `{"error": {code, message}}` shape), and each function's
//! route table ([`routes!`](crate::routes)).
//!
//! [`gateway`] (feature `gateway`) builds the API Gateway event a request becomes; only
//! `chat-local` and tests need it, so deployed functions do not compile it.

pub mod error;
pub mod fields;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod request;

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
