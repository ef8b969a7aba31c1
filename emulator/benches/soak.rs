//! Soak: about an hour of a busy emulator's churn compressed into a few minutes, against the
//! emulator binary as its own process on loopback. Each cycle stands for one minute: rooms are
//! created with chat logging on (S3, CloudWatch Logs, Firehose), clients join them, talk,
//! are disconnected or leave, and the rooms of the cycle before are deleted.
//!
//! Reports the emulator's resident memory and open descriptors at the start, every tenth
//! cycle, and at the end once idle log files have had time to close: both must come back
//! near where they started.
//!
//! Run: `cargo bench -p ivschat-emulator --bench soak` — env `SOAK_CYCLES` (default 60) and
//! `SOAK_ROOMS` (rooms per cycle, default 20). Bounded: it stops after its cycles.

mod support;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use ivschat_emulator::testing::Client;
use serde_json::json;
use support::{Emulator, Ws, join, ok};
use tokio_tungstenite::tungstenite::Message;

/// Clients per room, and messages each sends per cycle.
const CLIENTS_PER_ROOM: usize = 3;
const MESSAGES_PER_CLIENT: usize = 2;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Sends and waits for its own echo, reading past everything else.
async fn talk(ws: &mut Ws, request_id: &str) {
    let frame = json!({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": "soak"});
    ws.send(Message::Text(frame.to_string().into()))
        .await
        .expect("send");
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if text.as_str().contains(request_id) => return,
            Ok(Some(Ok(_))) => {}
            _ => return,
        }
    }
}

fn report(label: &str, emulator: &Emulator, start: Instant) {
    println!(
        "{label:>10} | {:>7.1} s | {:>8.1} MiB | {:>5} fds",
        start.elapsed().as_secs_f64(),
        emulator.rss_kib() as f64 / 1024.0,
        emulator.open_fds()
    );
}

#[tokio::main]
async fn main() {
    let cycles = env_usize("SOAK_CYCLES", 60);
    let rooms_per_cycle = env_usize("SOAK_ROOMS", 20);
    let logs = tempfile::tempdir().expect("a log dir");
    let emulator = Emulator::spawn(&["--log-dir", logs.path().to_str().expect("utf-8")]);
    let addr = emulator.addr;
    let api = Client::new(addr);

    println!(
        "== ivschat-emulator soak (loopback, bench profile): {cycles} cycles x {rooms_per_cycle} rooms x {CLIENTS_PER_ROOM} clients, logging on =="
    );
    println!("     cycle |   elapsed |      RSS     | descriptors");
    let start = Instant::now();
    let mut logging = Vec::new();
    for destination in [
        json!({"s3": {"bucketName": "soak-archive"}}),
        json!({"cloudWatchLogs": {"logGroupName": "/soak/chat"}}),
        json!({"firehose": {"deliveryStreamName": "soak-stream"}}),
    ] {
        let config = ok(
            &api,
            "CreateLoggingConfiguration",
            &json!({"destinationConfiguration": destination}),
        )
        .await;
        logging.push(config["arn"].clone());
    }
    // The logging configurations become ACTIVE at once here; give the writer a moment anyway.
    tokio::time::sleep(Duration::from_millis(200)).await;
    report("start", &emulator, start);

    let mut previous: Vec<String> = Vec::new();
    let (mut messages, mut connections, mut disconnects) = (0u64, 0u64, 0u64);
    for cycle in 1..=cycles {
        let mut rooms = Vec::new();
        let mut clients = Vec::new();
        for _ in 0..rooms_per_cycle {
            let room = ok(
                &api,
                "CreateRoom",
                &json!({"loggingConfigurationIdentifiers": logging, "maximumMessageRatePerSecond": 100}),
            )
            .await;
            let arn = room["arn"].as_str().expect("arn").to_owned();
            for n in 0..CLIENTS_PER_ROOM {
                let token = ok(
                    &api,
                    "CreateChatToken",
                    &json!({"roomIdentifier": arn, "userId": format!("user{n}"), "capabilities": ["SEND_MESSAGE"]}),
                )
                .await;
                let ws = join(addr, token["token"].as_str().expect("token")).await;
                connections += 1;
                clients.push((arn.clone(), n, ws));
            }
            rooms.push(arn);
        }
        for (i, (_, _, ws)) in clients.iter_mut().enumerate() {
            for m in 0..MESSAGES_PER_CLIENT {
                talk(ws, &format!("c{cycle}-{i}-{m}")).await;
                messages += 1;
            }
        }
        for arn in &rooms {
            ok(
                &api,
                "SendEvent",
                &json!({"roomIdentifier": arn, "eventName": "app:tick"}),
            )
            .await;
            // One user per room is disconnected by a moderator; the others leave by themselves.
            ok(
                &api,
                "DisconnectUser",
                &json!({"roomIdentifier": arn, "userId": "user0"}),
            )
            .await;
            disconnects += 1;
        }
        for (_, n, mut ws) in clients {
            if n != 0 {
                let _ = ws.close(None).await;
            }
        }
        for arn in previous.drain(..) {
            ok(&api, "DeleteRoom", &json!({"identifier": arn})).await;
        }
        previous = rooms;
        if cycle % 10 == 0 {
            report(&format!("{cycle}"), &emulator, start);
        }
    }
    for arn in previous.drain(..) {
        ok(&api, "DeleteRoom", &json!({"identifier": arn})).await;
    }
    report("churn done", &emulator, start);
    // Idle log files close after a few seconds; connections are gone.
    tokio::time::sleep(Duration::from_secs(5)).await;
    report("settled", &emulator, start);
    let health = api.get("/_emulator/health").await.json();
    println!(
        "{connections} connections, {messages} messages, {disconnects} disconnects; health: {health}"
    );
}
