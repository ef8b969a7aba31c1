//! The chat page: static files compiled into the binary (`build.rs` lists every file under
//! `page/`), served at their paths; native ES modules, no build step.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::App;

/// (URL path, contents) of every page file.
pub const ASSETS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/page_assets.rs"));

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page file at `path` (`/` is `index.html`).
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    let path = if path == "/" { "/index.html" } else { path };
    ASSETS
        .iter()
        .find(|(url, _)| *url == path)
        .map(|(url, body)| (content_type(url), *body))
}

async fn serve(req: Request) -> Response {
    match asset(req.uri().path()) {
        Some((content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub fn routes() -> Router<Arc<App>> {
    let mut router = Router::new();
    for (url, _) in ASSETS {
        let url = if *url == "/index.html" { "/" } else { url };
        router = router.route(url, axum::routing::get(serve));
    }
    router
}

/// What IVS itself answers a message it will not take (an ERROR frame's `ErrorCode`, other than
/// the review handler's 406, whose words are `REFUSALS`), as the sentence the sender reads.
pub const SEND_ERRORS: &[(u16, &str)] = &[
    (400, "It is empty or longer than this room allows."),
    (403, "You cannot send messages in this room right now."),
    (404, "This room no longer exists."),
    (413, "It carries more data than a message may."),
    (
        429,
        "The room is too busy right now: wait a moment and send it again.",
    ),
    (
        500,
        "The chat service could not take it: send it again in a moment.",
    ),
];

/// The page's `js/vocabulary.js`: what the page must say as the server says it — the refusal
/// codes and IVS's own errors in sentences, and the roles in order — generated from the one Rust
/// table of each (`tests/page_vocabulary.rs` keeps the checked-in file equal to this; the file is
/// static so that a deployed page, served from S3, has it too).
pub fn vocabulary_module() -> String {
    let reasons: serde_json::Map<String, serde_json::Value> = chat_core::ivs::review::REFUSALS
        .iter()
        .map(|(code, words)| ((*code).to_owned(), (*words).into()))
        .collect();
    let send_errors: serde_json::Map<String, serde_json::Value> = SEND_ERRORS
        .iter()
        .map(|(code, words)| (code.to_string(), (*words).into()))
        .collect();
    let roles: Vec<&str> = chat_core::domain::role::Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("plain JSON");
    format!(
        "// Generated from the Rust tables by chat-local (`UPDATE_VOCABULARY=1 cargo test --workspace \
--test page_vocabulary`); do not edit.\n\n\
// Why a message was refused (the review handler's ERROR 406 reason codes): the sentence the\n\
// sender reads. People never see the codes.\n\
export const REASONS = Object.freeze({});\n\n\
// IVS's own ERROR frames (by ErrorCode), as the sender reads them.\n\
export const SEND_ERRORS = Object.freeze({});\n\n\
// The roles, lowest first: each outranks those before it, never an equal.\n\
export const ROLES = Object.freeze({});\n",
        pretty(&serde_json::Value::Object(reasons)),
        pretty(&serde_json::Value::Object(send_errors)),
        pretty(&serde_json::json!(roles)),
    )
}
