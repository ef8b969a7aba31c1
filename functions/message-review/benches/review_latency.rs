//! What a message's review costs, with the ban check (a read, trusted 500 ms) and the delivery
//! record (the sender, and the message in the room's history: two writes sent together, per
//! message let through) on the hot path, against both stores, with history on (the default)
//! and off:
//! - end to end through the IVS Chat emulator's invoke path: a viewer's SEND_MESSAGE → the
//!   emulator invokes the review function (a Lambda Invoke endpoint in this process) → the
//!   message is delivered back; p50/p99 per message;
//! - the handler alone, each message from a new sender (every ban check reads the store) and
//!   from one sender (the ban read is trusted for 500 ms);
//! - one ban read (`ChatStore::active_ban`) on its own.
//!
//! Run: `cargo bench -p message-review --bench review_latency` (moto from the workspace's
//! `.venv`, as the test command installs it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::RoomRecord;
use chat_core::ivs::review::{ReviewRequest, ReviewSender};
use chat_core::store::{ChatStore, EmbeddedStore, Store};
use chat_core::testing::{MotoServer, chat_connect, ivs_client};
use futures_util::{SinkExt, StreamExt};
use message_review::testing::emulator_reviewed_by;
use message_review::{Reviewer, review_message};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const HANDLER: &str = "arn:aws:lambda:us-east-1:123456789012:function:message-review";
const MESSAGES: usize = 400;

fn policy(history: bool) -> ModerationPolicy {
    serde_json::from_value(json!({
        "blockedTerms": ["spoiler*"],
        "profanity": "moderate",
        "historyMessages": if history { 200 } else { 0 },
    }))
    .unwrap()
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{label:<58} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms   (n = {})",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
        samples.len()
    );
}

async fn measure<S: Store + Clone + 'static>(
    store_label: &str,
    store: ChatStore<S>,
    history: bool,
) {
    let label = format!(
        "{store_label}, history {}",
        if history { "on" } else { "off" }
    );
    chat_moderation::warm_up();
    let reviewer = Arc::new(Reviewer::new(store.clone(), ModerationPolicy::default()));
    let emu = emulator_reviewed_by(reviewer.clone()).await;
    let ivs = ivs_client(&emu.endpoint());
    let handler = aws_sdk_ivschat::types::MessageReviewHandler::builder()
        .uri(HANDLER)
        .fallback_result(aws_sdk_ivschat::types::FallbackResult::Deny)
        .build();
    let created = ivs
        .create_room()
        .maximum_message_rate_per_second(100)
        .message_review_handler(handler)
        .send()
        .await
        .unwrap();
    let mut room = RoomRecord::new(created.id().unwrap(), created.arn().unwrap(), "owner", "b");
    room.policy = Some(policy(history));
    store.create_room(&room).await.unwrap();
    let token = ivs
        .create_chat_token()
        .room_identifier(&room.room_arn)
        .user_id("viewer-1")
        .capabilities("SEND_MESSAGE".into())
        .attributes("role", "viewer")
        .session_duration_in_minutes(180)
        .send()
        .await
        .unwrap();
    let mut ws = chat_connect(emu.addr, token.token().unwrap()).await;

    // End to end: one message at a time, send → delivered (a fallback would be a DENY here).
    let mut samples = Vec::with_capacity(MESSAGES);
    let mut fallbacks = 0;
    for n in 0..MESSAGES {
        let id = format!("m{n}");
        let content = format!("message number {n} about the match");
        let frame = json!({"Action": "SEND_MESSAGE", "RequestId": id, "Content": content});
        let sent = Instant::now();
        ws.send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
        loop {
            let Some(Ok(Message::Text(text))) = ws.next().await else {
                panic!("the socket closed");
            };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["RequestId"] == id.as_str() {
                // The room falls back to DENY: a review past IVS's 200 ms budget shows here.
                if v["Type"] != "MESSAGE" {
                    fallbacks += 1;
                }
                break;
            }
        }
        samples.push(sent.elapsed());
        // Stay under the room's rate (100/s) with room to spare.
        tokio::time::sleep(Duration::from_millis(11)).await;
    }
    summary(
        &format!("{label}: end to end through the emulator"),
        samples,
    );
    println!("{label}: reviews past the 200 ms budget (fell back): {fallbacks} of {MESSAGES}");

    // The handler alone.
    let request = |user: String, n: usize| ReviewRequest {
        content: format!("message number {n} about the match"),
        message_id: "M2YcHkgffEvU".to_owned(),
        room_arn: room.room_arn.clone(),
        attributes: Default::default(),
        sender: ReviewSender {
            user_id: user,
            attributes: [("role".to_owned(), "viewer".to_owned())].into(),
            ip: "127.0.0.1".to_owned(),
        },
    };
    let mut cold = Vec::with_capacity(MESSAGES);
    let mut warm = Vec::with_capacity(MESSAGES);
    for n in 0..MESSAGES {
        let started = Instant::now();
        review_message(request(format!("sender-{n}"), n), &reviewer).await;
        cold.push(started.elapsed());
        let started = Instant::now();
        review_message(request("steady".to_owned(), n), &reviewer).await;
        warm.push(started.elapsed());
    }
    summary(
        &format!("{label}: handler, every sender new (ban read)"),
        cold,
    );
    summary(
        &format!("{label}: handler, one sender (ban read cached)"),
        warm,
    );

    let mut reads = Vec::with_capacity(MESSAGES);
    for n in 0..MESSAGES {
        let started = Instant::now();
        store
            .active_ban(&room.room_id, &format!("reader-{n}"))
            .await
            .unwrap();
        reads.push(started.elapsed());
    }
    summary(&format!("{label}: one ban read"), reads);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let embedded = ChatStore::new(EmbeddedStore::open(dir.path()).unwrap());
        let moto = MotoServer::start();
        let dynamo = ChatStore::new(moto.table("chat").await);
        for history in [true, false] {
            measure("embedded", embedded.clone(), history).await;
            measure("DynamoDB (moto)", dynamo.clone(), history).await;
        }
    });
}
