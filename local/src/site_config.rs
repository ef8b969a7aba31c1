//! `GET /config.json`: what the chat page needs to know about its back end, in the same shape a
//! deployed stack serves it (`scripts/deploy-page.sh` writes it from the stack's outputs), so
//! one page runs against both:
//!
//! ```json
//! {"apiUrl": "/",
//!  "messaging": {"endpoint": "ws://127.0.0.1:4600", "region": "us-east-1"},
//!  "identity": {"kind": "dev"},
//!  "defaultPolicy": {...}}
//! ```
//!
//! `apiUrl` is read relative to the page (chat-local serves both; a deployed page names its API
//! Gateway URL). `identity` is `{"kind": "dev"}` (chat-local's dev sign-in), or, when chat-local was started
//! with `--oidc-issuer` naming a Cognito user pool, `{"kind": "cognito", "issuer",
//! "userPoolId", "region", "clientId", "endpoint"}` (the page signs in with the pool's own API
//! at `endpoint`); another issuer gives `{"kind": "oidc", "issuer", "clientId"}`, whose tokens
//! the API accepts but the page cannot get. Public, like the deployed file: nothing in it is a
//! secret.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::App;

/// `host:port` of a listener, as the page reaches it: a listener on "any address" is reached
/// however the page itself was (its `Host`), else at its own address.
pub fn reachable(addr: SocketAddr, headers: &HeaderMap) -> String {
    if addr.ip().is_unspecified() {
        let page_host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.parse::<Uri>().ok())
            .and_then(|u| u.host().map(str::to_owned))
            .unwrap_or_else(|| "127.0.0.1".into());
        format!("{page_host}:{}", addr.port())
    } else {
        addr.to_string()
    }
}

/// The page's identity settings.
pub fn identity(app: &App) -> Value {
    let Some(oidc) = &app.oidc else {
        return json!({"kind": "dev"});
    };
    let client_id = oidc.audiences().first().cloned().unwrap_or_default();
    match crate::oidc::cognito_pool(oidc.issuer()) {
        Some((pool, region, endpoint)) => json!({
            "kind": "cognito",
            "issuer": oidc.issuer(),
            "userPoolId": pool,
            "region": region,
            "clientId": client_id,
            "endpoint": endpoint,
        }),
        None => json!({"kind": "oidc", "issuer": oidc.issuer(), "clientId": client_id}),
    }
}

pub async fn config_json(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let messaging = reachable(app.emulator_addr, &headers);
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-cache")],
        axum::Json(json!({
            // The API is this server: the page's own origin.
            "apiUrl": "/",
            "messaging": {
                "endpoint": format!("ws://{messaging}"),
                "region": app.provisioner.region,
            },
            "identity": identity(&app),
            "defaultPolicy": app.default_policy,
        })),
    )
        .into_response()
}
