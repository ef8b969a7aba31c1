//! Test support (feature `testing`): the review function served on the Lambda Invoke API
//! (`POST /2015-03-31/functions/{name}/invocations`, as `cargo lambda watch` serves it), on a
//! free loopback port, for an emulator's `--lambda-endpoint`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use chat_core::ivs::review::{ReviewRequest, ReviewResponse};
use chat_core::store::Store;

use crate::{Reviewer, review_message};

async fn invoke<S: Store + 'static>(
    State(reviewer): State<Arc<Reviewer<S>>>,
    axum::Json(req): axum::Json<ReviewRequest>,
) -> axum::Json<ReviewResponse> {
    axum::Json(review_message(req, &reviewer).await)
}

/// An emulator in memory whose review handlers are `reviewer`, served on an Invoke endpoint.
pub async fn emulator_reviewed_by<S: Store + 'static>(
    reviewer: Arc<Reviewer<S>>,
) -> ivschat_emulator::RunningEmulator {
    ivschat_emulator::Emulator::start(ivschat_emulator::EmulatorConfig {
        bind: "127.0.0.1:0".parse().expect("an address"),
        lambda_endpoint: Some(serve_invoke(reviewer).await),
        ..ivschat_emulator::EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Serves `reviewer` until the runtime ends; the endpoint's base URL.
pub async fn serve_invoke<S: Store + 'static>(reviewer: Arc<Reviewer<S>>) -> String {
    let app = Router::new()
        .route(
            "/2015-03-31/functions/{name}/invocations",
            post(invoke::<S>),
        )
        .with_state(reviewer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    endpoint
}
