//! The Messaging WebSocket over real WebSockets: handshake, frames, capabilities, the room's
//! limits, deletes and disconnects, control-plane deliveries, session expiry, room deletion
//! and shutdown.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_ivschat::Client;
use common::*;
use ivschat_emulator::RunningEmulator;
use serde_json::json;

const ALL: &[&str] = &["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"];
const SEND: &[&str] = &["SEND_MESSAGE"];

async fn setup() -> (RunningEmulator, Client, String) {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let arn = new_room(&ivs).await;
    (emu, ivs, arn)
}

fn is_id(v: &serde_json::Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 12 && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[tokio::test]
async fn tokens_are_single_use_and_checked_at_the_handshake() {
    let (emu, ivs, arn) = setup().await;
    let t = token(&ivs, &arn, "alice", SEND).await;
    let _ws = ws_connect(emu.addr, &t).await.unwrap();
    assert_eq!(ws_refused_status(emu.addr, &t).await, 401, "a used token");
    assert_eq!(ws_refused_status(emu.addr, "not-a-token").await, 401);
    assert_eq!(ws_refused_status(emu.addr, "").await, 401);
    let mut forged = token(&ivs, &arn, "bob", SEND).await;
    forged.replace_range(30..31, if &forged[30..31] == "a" { "b" } else { "a" });
    assert_eq!(ws_refused_status(emu.addr, &forged).await, 401);
    // A token for a room deleted since.
    let other = new_room(&ivs).await;
    let t = token(&ivs, &other, "carol", SEND).await;
    ivs.delete_room().identifier(&other).send().await.unwrap();
    assert_eq!(ws_refused_status(emu.addr, &t).await, 404);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn expired_tokens_get_no_session() {
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        token_ttl_secs: 0,
        ..test_config()
    })
    .await;
    let ivs = client(&emu.endpoint());
    let arn = new_room(&ivs).await;
    let t = token(&ivs, &arn, "alice", SEND).await;
    assert_eq!(ws_refused_status(emu.addr, &t).await, 401);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn messages_reach_every_connection_with_one_id() {
    let (emu, ivs, arn) = setup().await;
    let mut alice = ws_connect(
        emu.addr,
        &token_with(&ivs, &arn, "alice", SEND, &[("displayName", "Alice")]).await,
    )
    .await
    .unwrap();
    let mut bob = ws_connect(emu.addr, &token(&ivs, &arn, "bob", &[]).await)
        .await
        .unwrap();
    ws_send(
        &mut alice,
        json!({"Action": "SEND_MESSAGE", "RequestId": "req-1", "Content": "héllo 👋", "Attributes": {"color": "red"}}),
    )
    .await;
    let at_alice = ws_next(&mut alice).await;
    let at_bob = ws_next(&mut bob).await;
    assert_eq!(at_alice, at_bob, "the same frame for every connection");
    assert_eq!(at_alice["Type"], "MESSAGE");
    assert!(is_id(&at_alice["Id"]));
    assert_eq!(at_alice["RequestId"], "req-1");
    assert_eq!(at_alice["Content"], "héllo 👋");
    assert_eq!(at_alice["Attributes"], json!({"color": "red"}));
    assert_eq!(at_alice["Sender"]["UserId"], "alice");
    assert_eq!(
        at_alice["Sender"]["Attributes"],
        json!({"displayName": "Alice"})
    );
    let sent = at_alice["SendTime"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(sent, &time::format_description::well_known::Rfc3339).is_ok(),
        "{sent}"
    );
    // Every frame gets a fresh id.
    ws_send(&mut alice, send_message("req-2", "again")).await;
    let second = ws_next(&mut bob).await;
    assert_ne!(second["Id"], at_alice["Id"]);
    // Bob has no SEND_MESSAGE capability: 403 to him alone, with his RequestId.
    ws_send(&mut bob, send_message("req-3", "let me in")).await;
    let error = ws_next(&mut bob).await;
    assert_eq!(error["Type"], "ERROR");
    assert_eq!(error["ErrorCode"], 403);
    assert_eq!(error["RequestId"], "req-3");
    assert!(is_id(&error["Id"]));
    ws_next(&mut alice).await; // alice's own "again"
    ws_quiet(&mut alice, Duration::from_millis(200)).await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn content_limits_follow_the_room_live() {
    let (emu, ivs, arn) = setup().await;
    ivs.update_room()
        .identifier(&arn)
        .maximum_message_length(5)
        .send()
        .await
        .unwrap();
    let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "alice", SEND).await)
        .await
        .unwrap();
    // Code points, not bytes: five multi-byte characters fit.
    ws_send(&mut ws, send_message("ok", "ééééé")).await;
    assert_eq!(ws_next(&mut ws).await["Type"], "MESSAGE");
    ws_send(&mut ws, send_message("long", "123456")).await;
    let error = ws_next(&mut ws).await;
    assert_eq!(
        (error["ErrorCode"].as_u64(), error["RequestId"].as_str()),
        (Some(400), Some("long"))
    );
    // UpdateRoom takes effect on the live connection.
    ivs.update_room()
        .identifier(&arn)
        .maximum_message_length(10)
        .send()
        .await
        .unwrap();
    ws_send(&mut ws, send_message("now-ok", "123456")).await;
    assert_eq!(ws_next(&mut ws).await["RequestId"], "now-ok");
    let big = "x".repeat(1100);
    ws_send(&mut ws, json!({"Action": "SEND_MESSAGE", "RequestId": "attrs", "Content": "hi", "Attributes": {"big": big}})).await;
    assert_eq!(ws_next(&mut ws).await["ErrorCode"], 413);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_room_rate_counts_all_senders() {
    let (emu, ivs, arn) = setup().await;
    ivs.update_room()
        .identifier(&arn)
        .maximum_message_rate_per_second(2)
        .send()
        .await
        .unwrap();
    let mut a = ws_connect(emu.addr, &token(&ivs, &arn, "a", SEND).await)
        .await
        .unwrap();
    let mut b = ws_connect(emu.addr, &token(&ivs, &arn, "b", SEND).await)
        .await
        .unwrap();
    ws_send(&mut a, send_message("a1", "1")).await;
    ws_send(&mut b, send_message("b1", "2")).await;
    let mut seen = HashSet::new();
    for _ in 0..2 {
        seen.insert(
            ws_next(&mut a).await["RequestId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(seen, HashSet::from(["a1".to_owned(), "b1".to_owned()]));
    ws_send(&mut a, send_message("a2", "3")).await;
    let error = ws_next(&mut a).await;
    assert_eq!(
        (error["ErrorCode"].as_u64(), error["RequestId"].as_str()),
        (Some(429), Some("a2"))
    );
    tokio::time::sleep(Duration::from_millis(1050)).await;
    ws_send(&mut a, send_message("a3", "4")).await;
    assert_eq!(ws_next(&mut a).await["RequestId"], "a3");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_requests_are_answered_400() {
    let (emu, ivs, arn) = setup().await;
    let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "alice", ALL).await)
        .await
        .unwrap();
    for (frame, request_id) in [
        (json!("just a string"), ""),
        (json!({"RequestId": "r1"}), "r1"),
        (json!({"Action": "SEND_MESSAGE", "RequestId": "r2"}), "r2"),
        (json!({"Action": "PIN_MESSAGE", "RequestId": "r3"}), "r3"),
        (
            json!({"Action": "DELETE_MESSAGE", "RequestId": "r4", "Id": "short"}),
            "r4",
        ),
        (
            json!({"Action": "DISCONNECT_USER", "RequestId": "r5", "UserId": ""}),
            "r5",
        ),
        (
            json!({"Action": "SEND_MESSAGE", "RequestId": "r6", "Content": ""}),
            "r6",
        ),
    ] {
        ws_send(&mut ws, frame.clone()).await;
        let error = ws_next(&mut ws).await;
        assert_eq!(error["ErrorCode"], 400, "{frame}");
        assert_eq!(error["RequestId"], request_id, "{frame}");
        assert!(
            error["ErrorMessage"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        "{not json".into(),
    ))
    .await
    .unwrap();
    assert_eq!(ws_next(&mut ws).await["ErrorCode"], 400);
    emu.shutdown().await.unwrap();
}

use futures_util::SinkExt;

#[tokio::test]
async fn moderators_delete_messages_and_disconnect_users() {
    let (emu, ivs, arn) = setup().await;
    let mut moderator = ws_connect(emu.addr, &token(&ivs, &arn, "mod", ALL).await)
        .await
        .unwrap();
    let mut troll = ws_connect(emu.addr, &token(&ivs, &arn, "troll", SEND).await)
        .await
        .unwrap();
    let mut troll_tab2 = ws_connect(emu.addr, &token(&ivs, &arn, "troll", SEND).await)
        .await
        .unwrap();
    let mut viewer = ws_connect(emu.addr, &token(&ivs, &arn, "viewer", SEND).await)
        .await
        .unwrap();

    ws_send(&mut troll, send_message("spam", "buy now")).await;
    let message = ws_next(&mut moderator).await;
    for ws in [&mut troll, &mut troll_tab2, &mut viewer] {
        ws_next(ws).await;
    }
    // The troll may not delete or disconnect.
    ws_send(
        &mut troll,
        json!({"Action": "DELETE_MESSAGE", "RequestId": "d0", "Id": message["Id"]}),
    )
    .await;
    assert_eq!(ws_next(&mut troll).await["ErrorCode"], 403);
    ws_send(
        &mut troll,
        json!({"Action": "DISCONNECT_USER", "RequestId": "x0", "UserId": "mod"}),
    )
    .await;
    assert_eq!(ws_next(&mut troll).await["ErrorCode"], 403);

    ws_send(&mut moderator, json!({"Action": "DELETE_MESSAGE", "RequestId": "d1", "Id": message["Id"], "Reason": "spam"})).await;
    let deleted = ws_next(&mut viewer).await;
    assert_eq!(deleted["Type"], "EVENT");
    assert_eq!(deleted["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(deleted["Attributes"]["MessageID"], message["Id"]);
    assert_eq!(deleted["Attributes"]["MessageId"], message["Id"]);
    assert_eq!(deleted["Attributes"]["Reason"], "spam");
    assert_eq!(ws_next(&mut moderator).await["RequestId"], "d1");

    ws_send(&mut moderator, json!({"Action": "DISCONNECT_USER", "RequestId": "x1", "UserId": "troll", "Reason": "rude"})).await;
    for ws in [&mut troll, &mut troll_tab2] {
        let (close, frames) = ws_close(ws).await;
        assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
        let event = frames
            .last()
            .expect("the disconnect event comes before the close");
        assert_eq!(event["EventName"], "aws:DISCONNECT_USER");
        assert_eq!(event["Attributes"]["UserId"], "troll");
        assert_eq!(event["Attributes"]["Reason"], "rude");
    }
    let event = ws_next(&mut moderator).await;
    assert_eq!(
        (event["EventName"].as_str(), event["RequestId"].as_str()),
        (Some("aws:DISCONNECT_USER"), Some("x1"))
    );
    assert_eq!(
        ws_next(&mut viewer).await["EventName"],
        "aws:DISCONNECT_USER"
    );
    // Everyone else is still connected.
    ws_send(&mut viewer, send_message("still", "here")).await;
    assert_eq!(ws_next(&mut moderator).await["RequestId"], "still");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn control_plane_actions_reach_connected_clients() {
    let (emu, ivs, arn) = setup().await;
    let mut alice = ws_connect(emu.addr, &token(&ivs, &arn, "alice", SEND).await)
        .await
        .unwrap();
    let mut bob = ws_connect(emu.addr, &token(&ivs, &arn, "bob", SEND).await)
        .await
        .unwrap();

    let sent = ivs
        .send_event()
        .room_identifier(&arn)
        .event_name("app:poll")
        .attributes("q", "?")
        .send()
        .await
        .unwrap();
    let event = ws_next(&mut alice).await;
    assert_eq!(event["Type"], "EVENT");
    assert_eq!(event["EventName"], "app:poll");
    assert_eq!(event["RequestId"], "");
    assert_eq!(event["Id"], sent.id().unwrap());
    assert_eq!(event["Attributes"], json!({"q": "?"}));
    assert_eq!(ws_next(&mut bob).await, event);

    let deleted = ivs
        .delete_message()
        .room_identifier(&arn)
        .id("M2YcHkgffEvU")
        .reason("oops")
        .send()
        .await
        .unwrap();
    let event = ws_next(&mut alice).await;
    assert_eq!(event["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(event["Id"], deleted.id().unwrap());
    assert_eq!(event["Attributes"]["MessageID"], "M2YcHkgffEvU");
    ws_next(&mut bob).await;

    ivs.disconnect_user()
        .room_identifier(&arn)
        .user_id("bob")
        .send()
        .await
        .unwrap();
    let (close, frames) = ws_close(&mut bob).await;
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    assert_eq!(frames.last().unwrap()["EventName"], "aws:DISCONNECT_USER");
    assert_eq!(ws_next(&mut alice).await["Attributes"]["UserId"], "bob");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn sessions_expire_with_error_401_then_close() {
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        session_minute_secs: 1,
        ..test_config()
    })
    .await;
    let ivs = client(&emu.endpoint());
    let arn = new_room(&ivs).await;
    let t = ivs
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("alice")
        .session_duration_in_minutes(1)
        .send()
        .await
        .unwrap();
    let mut ws = ws_connect(emu.addr, t.token().unwrap()).await.unwrap();
    let (close, frames) = ws_close(&mut ws).await;
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    assert_eq!(frames.last().unwrap()["ErrorCode"], 401);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn deleting_a_room_ends_its_sessions() {
    let (emu, ivs, arn) = setup().await;
    let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "alice", SEND).await)
        .await
        .unwrap();
    ivs.delete_room().identifier(&arn).send().await.unwrap();
    let (close, _) = ws_close(&mut ws).await;
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_closes_clients_cleanly() {
    let (emu, ivs, arn) = setup().await;
    let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "alice", SEND).await)
        .await
        .unwrap();
    let health = raw(emu.addr, "GET", "/_emulator/health", "").await.json();
    assert_eq!(health["connections"], 1);
    let stopping = tokio::spawn(emu.shutdown());
    let (close, _) = ws_close(&mut ws).await;
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1001));
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_client_close_is_answered_with_its_code() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    let (emu, ivs, arn) = setup().await;
    for code in [CloseCode::Normal, CloseCode::Away, CloseCode::Library(4000)] {
        let mut ws = ws_connect(emu.addr, &token(&ivs, &arn, "alice", &[]).await)
            .await
            .unwrap();
        ws.send(Message::Close(Some(CloseFrame {
            code,
            reason: "bye".into(),
        })))
        .await
        .unwrap();
        let answer = tokio::time::timeout(FRAME_WAIT, ws.next())
            .await
            .expect("an answer within the wait");
        match answer {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, code),
            other => panic!("expected Close({code}), got {other:?}"),
        }
    }
    emu.shutdown().await.unwrap();
}
