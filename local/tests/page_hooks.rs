//! What the chat page builds on, over real sockets: a timed-out user keeps reading (a read-only
//! token and history) but cannot send; an unban and a role change reach the room as events at
//! once; only someone who has signed in can be appointed.

mod common;

use std::time::Duration;

use chat_core::testing::ChatSocket;
use common::{chat, new_room, send_frame, sign_in, start, token_reply};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// The next EVENT named `name` within five seconds.
async fn event(ws: &mut ChatSocket, name: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {name} event"))
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["Type"] == "EVENT" && value["EventName"] == name {
                return value;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timed_out_users_read_and_the_room_hears_of_unbans_and_role_changes() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let bob = sign_in(stack.app_addr, "bob", "Bob", &[]).await;
    let room = new_room(&admin, "stage").await;
    let mut alice_ws = chat(
        &stack,
        token_reply(&admin, &room).await["token"].as_str().unwrap(),
    )
    .await;

    // Timed out: a read-only token, history, and no way to send.
    let r = admin
        .call(
            "POST",
            &format!("/rooms/{room}/bans"),
            Some(json!({"userId": "bob", "durationSeconds": 600})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let issued = token_reply(&bob, &room).await;
    assert_eq!(issued["readOnly"], true);
    assert_eq!(issued["capabilities"], json!([]));
    assert!(issued["until"].as_str().unwrap().ends_with('Z'));
    let r = bob
        .call("GET", &format!("/rooms/{room}/messages"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut bob_ws = chat(&stack, issued["token"].as_str().unwrap()).await;
    bob_ws.send(send_frame("r1", "can I talk?")).await.unwrap();
    let answer = loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), bob_ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["RequestId"] == "r1" {
                break value;
            }
        }
    };
    assert_eq!(answer["Type"], "ERROR", "{answer}");

    // The unban reaches the room (and Bob's page) as an event.
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/bans/bob"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let unbanned = event(&mut bob_ws, "app:unbanned").await;
    assert_eq!(unbanned["Attributes"]["userId"], "bob");
    assert_eq!(token_reply(&bob, &room).await["readOnly"], false);

    // Appointing: someone who signed in, announced; nobody else.
    let r = admin
        .call("PUT", &format!("/rooms/{room}/moderators/nobody"), None)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "NO_SUCH_USER");
    let r = admin
        .call(
            "PUT",
            &format!("/rooms/{room}/moderators/Bob%20Smith"),
            None,
        )
        .await;
    // A display name typed into the field is not anyone's id.
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "NO_SUCH_USER");
    let r = admin
        .call("PUT", &format!("/rooms/{room}/moderators/bob"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let promoted = event(&mut alice_ws, "app:role-changed").await;
    assert_eq!(promoted["Attributes"]["userId"], "bob");
    assert_eq!(promoted["Attributes"]["role"], "moderator");
    assert_eq!(token_reply(&bob, &room).await["role"], "moderator");
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/moderators/bob"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let demoted = event(&mut alice_ws, "app:role-changed").await;
    assert_eq!(demoted["Attributes"]["role"], "viewer");

    // A new policy is announced too (slow mode shows on every page at once).
    let r = admin
        .call(
            "PATCH",
            &format!("/rooms/{room}"),
            Some(json!({"policy": {"slowModeSeconds": 5}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    event(&mut alice_ws, "app:policy-changed").await;
}
