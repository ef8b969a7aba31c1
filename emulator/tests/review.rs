//! Message review through a real HTTP server standing in for the Lambda Invoke API: ALLOW
//! (with rewrites), DENY → 406 with the reason, and the fallback on timeout, error or an
//! invalid answer. Review never holds up other rooms or other senders.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::*;
use serde_json::{Value, json};

/// What the stand-in handler received: (function name, payload).
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// Answers by the message's content: `deny`, `rewrite`, `slow`, `error`, `garbage`, or ALLOW.
async fn invoke(Path(function): Path<String>, State(seen): State<Seen>, body: Bytes) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap();
    seen.lock().unwrap().push((function, payload.clone()));
    let content = payload["Content"].as_str().unwrap_or_default().to_owned();
    match content.as_str() {
        "deny" => axum::Json(json!({"ReviewResult": "DENY", "Content": content, "Attributes": {"Reason": "BLOCKED_TERM"}})).into_response(),
        "rewrite" => axum::Json(json!({"ReviewResult": "ALLOW", "Content": "r*****e", "Attributes": {"masked": "true"}})).into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(600)).await;
            axum::Json(json!({"ReviewResult": "DENY", "Attributes": {"Reason": "too late"}})).into_response()
        }
        "error" => (StatusCode::OK, [("x-amz-function-error", "Unhandled")], r#"{"errorMessage":"boom"}"#).into_response(),
        "garbage" => "this is not a verdict".into_response(),
        _ => axum::Json(json!({"ReviewResult": "ALLOW", "Content": content, "Attributes": payload["Attributes"]})).into_response(),
    }
}

async fn lambda_stand_in() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/2015-03-31/functions/{function}/invocations", post(invoke))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

async fn reviewed_emulator() -> (ivschat_emulator::RunningEmulator, Seen) {
    let (endpoint, seen) = lambda_stand_in().await;
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        lambda_endpoint: Some(endpoint),
        ..test_config()
    })
    .await;
    (emu, seen)
}

async fn reviewed_room(ivs: &aws_sdk_ivschat::Client, fallback: &str) -> String {
    created_room_arn(
        ivs.create_room().message_review_handler(
            aws_sdk_ivschat::types::MessageReviewHandler::builder()
                .uri(REVIEW_LAMBDA)
                .fallback_result(fallback.into())
                .build(),
        ),
    )
    .await
}

#[tokio::test]
async fn allow_deny_and_rewrite() {
    let (emu, seen) = reviewed_emulator().await;
    let ivs = client(&emu.endpoint());
    let arn = reviewed_room(&ivs, "ALLOW").await;
    let mut alice = ws_connect(
        emu.addr,
        &token_with(
            &ivs,
            &arn,
            "alice",
            &["SEND_MESSAGE"],
            &[("role", "viewer")],
        )
        .await,
    )
    .await
    .unwrap();
    let mut bob = ws_connect(emu.addr, &token(&ivs, &arn, "bob", &[]).await)
        .await
        .unwrap();

    ws_send(&mut alice, json!({"Action": "SEND_MESSAGE", "RequestId": "r1", "Content": "hello", "Attributes": {"a": "1"}})).await;
    let delivered = ws_next(&mut bob).await;
    assert_eq!(delivered["Content"], "hello");
    ws_next(&mut alice).await;
    // The exact review payload, with the MessageId the message carries.
    let (function, payload) = seen.lock().unwrap()[0].clone();
    assert_eq!(function, "message-review");
    assert_eq!(payload["Content"], "hello");
    assert_eq!(payload["MessageId"], delivered["Id"]);
    assert_eq!(payload["RoomArn"], arn);
    assert_eq!(payload["Attributes"], json!({"a": "1"}));
    assert_eq!(payload["Sender"]["UserId"], "alice");
    assert_eq!(payload["Sender"]["Attributes"], json!({"role": "viewer"}));
    assert_eq!(payload["Sender"]["Ip"], "127.0.0.1");

    ws_send(&mut alice, send_message("r2", "rewrite")).await;
    let rewritten = ws_next(&mut bob).await;
    assert_eq!(rewritten["Content"], "r*****e");
    assert_eq!(rewritten["Attributes"], json!({"masked": "true"}));
    ws_next(&mut alice).await;

    ws_send(&mut alice, send_message("r3", "deny")).await;
    let error = ws_next(&mut alice).await;
    assert_eq!(error["ErrorCode"], 406);
    assert_eq!(error["RequestId"], "r3");
    assert!(
        error["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("BLOCKED_TERM")
    );
    ws_quiet(&mut bob, Duration::from_millis(300)).await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn timeouts_errors_and_bad_answers_apply_the_fallback() {
    let (emu, _seen) = reviewed_emulator().await;
    let ivs = client(&emu.endpoint());
    let allow_room = reviewed_room(&ivs, "ALLOW").await;
    let deny_room = reviewed_room(&ivs, "DENY").await;
    let mut allow = ws_connect(
        emu.addr,
        &token(&ivs, &allow_room, "a", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    let mut deny = ws_connect(
        emu.addr,
        &token(&ivs, &deny_room, "d", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    for content in ["slow", "error", "garbage"] {
        let started = Instant::now();
        ws_send(&mut allow, send_message(content, content)).await;
        let delivered = ws_next(&mut allow).await;
        assert_eq!(delivered["Type"], "MESSAGE", "{content}");
        assert_eq!(
            delivered["Content"], content,
            "fallback ALLOW delivers the original"
        );
        if content == "slow" {
            let waited = started.elapsed();
            assert!(
                waited >= Duration::from_millis(190) && waited < Duration::from_millis(550),
                "{waited:?}"
            );
        }
        ws_send(&mut deny, send_message(content, content)).await;
        let error = ws_next(&mut deny).await;
        assert_eq!(
            (error["ErrorCode"].as_u64(), error["RequestId"].as_str()),
            (Some(406), Some(content))
        );
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_a_lambda_endpoint_the_fallback_applies() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let arn = reviewed_room(&ivs, "DENY").await;
    let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "a", &["SEND_MESSAGE"]).await)
        .await
        .unwrap();
    ws_send(&mut ws, send_message("r", "hi")).await;
    assert_eq!(ws_next(&mut ws).await["ErrorCode"], 406);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn review_never_blocks_other_rooms_or_senders() {
    let (emu, _seen) = reviewed_emulator().await;
    let ivs = client(&emu.endpoint());
    let reviewed = reviewed_room(&ivs, "ALLOW").await;
    let plain = new_room(&ivs).await;
    let mut slow_sender = ws_connect(
        emu.addr,
        &token(&ivs, &reviewed, "slow", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    let mut same_room = ws_connect(
        emu.addr,
        &token(&ivs, &reviewed, "other", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    let mut other_room = ws_connect(
        emu.addr,
        &token(&ivs, &plain, "elsewhere", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();

    ws_send(&mut slow_sender, send_message("s", "slow")).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = Instant::now();
    ws_send(&mut other_room, send_message("o", "quick")).await;
    assert_eq!(ws_next(&mut other_room).await["RequestId"], "o");
    ws_send(&mut same_room, send_message("q", "also quick")).await;
    // The same room's other sender is reviewed at once, and the slow one's message comes later.
    let first = ws_next(&mut same_room).await;
    assert_eq!(first["RequestId"], "q");
    assert!(
        started.elapsed() < Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
    // The slow sender still receives the room's deliveries while its own review waits.
    assert_eq!(ws_next(&mut slow_sender).await["RequestId"], "q");
    assert_eq!(ws_next(&mut slow_sender).await["RequestId"], "s");
    emu.shutdown().await.unwrap();
}
