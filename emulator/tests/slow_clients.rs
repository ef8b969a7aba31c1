//! Clients that do not read cannot hold the room or its moderators up: DisconnectUser closes
//! a user's connections within a second whatever their read state, and a connection whose
//! socket takes no writes is closed after the write timeout.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use ivschat_emulator::RunningEmulator;
use ivschat_emulator::testing::Client;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A WebSocket client with a tiny receive buffer, that the test never reads from.
async fn never_reading(addr: std::net::SocketAddr, token: &str) -> Ws {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let mut request = format!("ws://{addr}").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", token.parse().unwrap());
    let (ws, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
    ws
}

async fn connections(api: &Client) -> u64 {
    api.get("/_emulator/health").await.json()["connections"]
        .as_u64()
        .unwrap()
}

/// Sends `count` events of about 1 KB each to the room, as fast as the API takes them.
async fn flood(api: &Client, room_arn: &str, count: usize) {
    let pad = "x".repeat(900);
    for _ in 0..count {
        let resp = api
            .post(
                "SendEvent",
                &json!({"roomIdentifier": room_arn, "eventName": "app:flood", "attributes": {"pad": pad}}),
            )
            .await;
        assert_eq!(resp.status, 200, "{}", resp.text());
    }
}

/// Everything a reading client receives, until its connection ends.
fn collect(mut ws: Ws) -> JoinHandle<Vec<Value>> {
    tokio::spawn(async move {
        let mut frames = Vec::new();
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_secs(20), ws.next()).await
        {
            if let Message::Text(text) = message {
                frames.push(serde_json::from_str(text.as_str()).unwrap());
            }
        }
        frames
    })
}

/// An emulator with the given write timeout, its SDK and raw HTTP clients, and one room's ARN.
async fn emulator_with_a_room(
    ws_write_timeout_ms: u64,
) -> (RunningEmulator, aws_sdk_ivschat::Client, Client, String) {
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        ws_write_timeout_ms,
        ..test_config()
    })
    .await;
    let ivs = client(&emu.endpoint());
    let api = Client::new(emu.addr);
    let arn = new_room(&ivs).await;
    (emu, ivs, api, arn)
}

/// Waits until one connection is left; fails with `still_there` after `limit`.
async fn wait_for_one_connection(api: &Client, limit: Duration, still_there: &str) {
    let asked = Instant::now();
    while connections(api).await != 1 {
        assert!(asked.elapsed() < limit, "{still_there}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Stops the emulator once the last deliveries have had time to arrive, and answers what the
/// reading client received.
async fn stop_and_collect(emu: RunningEmulator, reader: JoinHandle<Vec<Value>>) -> Vec<Value> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    emu.shutdown().await.unwrap();
    reader.await.unwrap()
}

#[tokio::test]
async fn disconnect_user_closes_a_client_that_never_reads_within_a_second() {
    // Long, so that only the disconnect can close the slow client here.
    let (emu, ivs, api, arn) = emulator_with_a_room(60_000).await;
    let mut slow = never_reading(
        emu.addr,
        &token(&ivs, &arn, "mallory", &["SEND_MESSAGE"]).await,
    )
    .await;
    let bob = collect(
        ws_connect(emu.addr, &token(&ivs, &arn, "bob", &[]).await)
            .await
            .unwrap(),
    );
    assert_eq!(connections(&api).await, 2);

    // Past the room's broadcast buffer (1024) and every socket buffer on the way.
    flood(&api, &arn, 3000).await;
    assert_eq!(
        connections(&api).await,
        2,
        "stuck, not closed, before the disconnect"
    );
    let resp = api
        .post(
            "DisconnectUser",
            &json!({"roomIdentifier": arn, "userId": "mallory"}),
        )
        .await;
    assert_eq!(resp.status, 200);
    wait_for_one_connection(
        &api,
        Duration::from_secs(1),
        "the slow client is still connected",
    )
    .await;

    // Whatever it sends now reaches nobody.
    let _ = slow
        .send(Message::Text(
            send_message("late", "after the disconnect")
                .to_string()
                .into(),
        ))
        .await;
    // Its socket ends (after whatever was buffered for it).
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = slow.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the slow client's socket stays open");

    let frames = stop_and_collect(emu, bob).await;
    assert!(
        frames
            .iter()
            .any(|f| f["EventName"] == "aws:DISCONNECT_USER"),
        "bob saw the disconnect"
    );
    assert!(
        !frames.iter().any(|f| f["Type"] == "MESSAGE"),
        "a message of the disconnected user was delivered"
    );
    assert_eq!(
        frames
            .iter()
            .filter(|f| f["EventName"] == "app:flood")
            .count(),
        3000,
        "a reading client misses nothing"
    );
}

#[tokio::test]
async fn a_client_whose_socket_takes_no_writes_is_closed_after_the_write_timeout() {
    let (emu, ivs, api, arn) = emulator_with_a_room(300).await;
    let _slow = never_reading(emu.addr, &token(&ivs, &arn, "mallory", &[]).await).await;
    let bob = collect(
        ws_connect(emu.addr, &token(&ivs, &arn, "bob", &[]).await)
            .await
            .unwrap(),
    );
    flood(&api, &arn, 3000).await;
    wait_for_one_connection(
        &api,
        Duration::from_secs(3),
        "the client that takes no writes is still connected",
    )
    .await;
    // The room goes on for everyone else.
    let resp = api
        .post(
            "SendEvent",
            &json!({"roomIdentifier": arn, "eventName": "app:after"}),
        )
        .await;
    assert_eq!(resp.status, 200);
    let frames = stop_and_collect(emu, bob).await;
    assert!(frames.iter().any(|f| f["EventName"] == "app:after"));
}
