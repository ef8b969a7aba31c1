//! Authority over real sockets, through the whole local stack (router, functions, emulator,
//! the review function on the Invoke endpoint): a ban holds against every token the user
//! already has, roles are a strict hierarchy, chat tokens carry no moderation power, and every
//! moderation act is audited.

mod common;

use std::time::Duration;

use chat_core::store::Store;
use common::{Client, chat, next_frame, next_of, send_frame, sign_in, start, token};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// A new room, with `moderator` listed as its moderator.
async fn room_moderated_by(admin: &Client, name: &str, moderator: &str) -> String {
    let r = admin
        .call("POST", "/rooms", Some(json!({"name": name})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let room = r.body["id"].as_str().unwrap().to_owned();
    let r = admin
        .call(
            "PUT",
            &format!("/rooms/{room}/moderators/{moderator}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_stops_every_token_the_user_already_holds() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let bob = sign_in(stack.app_addr, "bob", "Bob", &[]).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let r = admin
        .call("POST", "/rooms", Some(json!({"name": "stage"})))
        .await;
    let room = r.body["id"].as_str().unwrap().to_owned();

    for (round, (ban, code)) in [
        (
            json!({"userId": "bob", "durationSeconds": 600}),
            "TIMED_OUT",
        ),
        (json!({"userId": "bob", "reason": "spam"}), "BANNED"),
    ]
    .into_iter()
    .enumerate()
    {
        // Bob holds two tokens and chats with the first: the review function has just seen
        // him unbanned (and may have remembered it).
        let (first, spare) = (token(&bob, &room).await, token(&bob, &room).await);
        let mut watcher = chat(&stack, &token(&carol, &room).await).await;
        let mut bob_ws = chat(&stack, &first).await;
        // Different words each round: the same message twice is refused as a repeat.
        let hello = format!("hello, round {round}");
        bob_ws.send(send_frame("before", &hello)).await.unwrap();
        let seen = next_of(&mut watcher, "MESSAGE", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(seen["Content"], hello.as_str());

        let r = admin
            .call("POST", &format!("/rooms/{room}/bans"), Some(ban))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        // One second after the ban is acknowledged, the pre-ban token gets him nowhere.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut again = chat(&stack, &spare).await;
        again.send(send_frame("after", "I am back")).await.unwrap();
        let refused = next_frame(&mut again).await;
        assert_eq!(refused["Type"], "ERROR", "{refused}");
        assert_eq!(refused["ErrorCode"], 406);
        let reason = refused["ErrorMessage"].as_str().unwrap();
        assert!(reason.starts_with(code), "{reason}");
        if code == "TIMED_OUT" {
            // "TIMED_OUT until <time>": the sender learns when it ends.
            let until = reason.strip_prefix("TIMED_OUT until ").unwrap();
            assert!(until.ends_with('Z') && until.len() >= 20, "{reason}");
        }
        assert!(
            next_of(&mut watcher, "MESSAGE", Duration::from_millis(1500))
                .await
                .is_none(),
            "nobody sees a banned user's message"
        );
        let r = admin
            .call("DELETE", &format!("/rooms/{room}/bans/bob"), None)
            .await;
        assert_eq!(r.status, 204, "{}", r.text);
    }

    // Lifted: within a second, his messages flow again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut watcher = chat(&stack, &token(&carol, &room).await).await;
    let mut bob_ws = chat(&stack, &token(&bob, &room).await).await;
    bob_ws.send(send_frame("free", "thanks")).await.unwrap();
    let seen = next_of(&mut watcher, "MESSAGE", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(seen["Content"], "thanks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_a_strict_hierarchy_on_every_act() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let admin = sign_in(addr, "alice", "Alice", &["admin"]).await;
    let moderator = sign_in(addr, "mia", "Mia", &[]).await;
    let other_mod = sign_in(addr, "max", "Max", &[]).await;
    let viewer = sign_in(addr, "vic", "Vic", &[]).await;
    let r = admin
        .call("POST", "/rooms", Some(json!({"name": "hier"})))
        .await;
    let room = r.body["id"].as_str().unwrap().to_owned();
    for user in ["mia", "max"] {
        let r = admin
            .call("PUT", &format!("/rooms/{room}/moderators/{user}"), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // Alice is known as an admin once she has taken a chat token.
    token(&admin, &room).await;
    let _ = &viewer;

    let ban = |user: &str| Some(json!({"userId": user}));
    let kick = |user: &str| Some(json!({"userId": user, "reason": "test"}));
    let bans = format!("/rooms/{room}/bans");
    let kicks = format!("/rooms/{room}/disconnects");
    let cases: [(&Client, &str, Option<Value>, u16); 8] = [
        // A moderator acts on viewers only.
        (&moderator, &kicks, kick("vic"), 200),
        (&moderator, &kicks, kick("max"), 403),
        (&moderator, &kicks, kick("alice"), 403),
        (&moderator, &bans, ban("max"), 403),
        (&moderator, &bans, ban("alice"), 403),
        (&other_mod, &bans, ban("mia"), 403),
        // The admin outranks everyone in the room.
        (&admin, &bans, ban("mia"), 201),
        (&moderator, &bans, ban("vic"), 403),
    ];
    for (who, path, body, expected) in cases {
        let r = who.call("POST", path, body.clone()).await;
        assert_eq!(r.status, expected, "{path} {body:?}: {}", r.text);
    }
    // Mia, banned by an admin, keeps her place on the list but no power while the ban lasts
    // (the last case above), and no token.
    let r = moderator
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    // A moderator cannot lift what an admin decided.
    let r = other_mod
        .call("DELETE", &format!("/rooms/{room}/bans/mia"), None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/bans/mia"), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    // Every act that went through is in the audit log.
    let r = admin
        .call("GET", &format!("/rooms/{room}/audit"), None)
        .await;
    let actions: Vec<(&str, &str)> = r.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    for act in [
        ("USER_KICKED", "vic"),
        ("USER_BANNED", "mia"),
        ("USER_UNBANNED", "mia"),
    ] {
        assert!(actions.contains(&act), "{act:?} in {actions:?}");
    }
}

/// An admin the backend has not seen yet (deployed, that is an admin who never took a chat
/// token; locally every sign-in is seen, so the test removes Boss's profile first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_from_below_never_binds_an_admin_it_did_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let boss = sign_in(stack.app_addr, "boss", "Boss", &["admin"]).await;
    let moderator = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    let room = room_moderated_by(&admin, "unseen", "mia").await;
    stack
        .store
        .port()
        .delete("USER#boss", "PROFILE")
        .await
        .unwrap();
    let bans = format!("/rooms/{room}/bans");
    let ban_boss = || moderator.call("POST", &bans, Some(json!({"userId": "boss"})));
    // Boss has never taken a token here: the moderator's ban is accepted...
    let r = ban_boss().await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["byRole"], "moderator");
    // ...but binds only lower roles: Boss still gets a token and chats.
    let boss_token = token(&boss, &room).await;
    let mut watcher = chat(&stack, &token(&admin, &room).await).await;
    let mut boss_ws = chat(&stack, &boss_token).await;
    boss_ws.send(send_frame("b1", "still here")).await.unwrap();
    let seen = next_of(&mut watcher, "MESSAGE", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(seen["Content"], "still here");
    // And now that Boss is known as an admin, the moderator cannot ban him at all.
    let r = ban_boss().await;
    assert_eq!(r.status, 403, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_tokens_carry_no_moderation_power() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let moderator = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    let room = room_moderated_by(&admin, "ws", "mia").await;
    let r = moderator
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    assert_eq!(r.body["role"], "moderator");
    assert_eq!(r.body["capabilities"], json!(["SEND_MESSAGE"]));
    let mut admin_ws = chat(&stack, &token(&admin, &room).await).await;
    let mut mod_ws = chat(&stack, r.body["token"].as_str().unwrap()).await;
    for action in [
        json!({"Action": "DISCONNECT_USER", "RequestId": "k", "UserId": "alice"}),
        json!({"Action": "DELETE_MESSAGE", "RequestId": "d", "Id": "M2YcHkgffEvU"}),
    ] {
        mod_ws
            .send(Message::Text(action.to_string().into()))
            .await
            .unwrap();
        let refused = next_frame(&mut mod_ws).await;
        assert_eq!(
            (refused["Type"].as_str(), refused["ErrorCode"].as_u64()),
            (Some("ERROR"), Some(403)),
            "{refused}"
        );
    }
    // The admin is still connected: a message of hers reaches the moderator.
    admin_ws.send(send_frame("a", "still here")).await.unwrap();
    let seen = next_of(&mut mod_ws, "MESSAGE", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(seen["Content"], "still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_deleted_only_by_its_sender_or_a_higher_role() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let moderator = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    let viewer = sign_in(stack.app_addr, "vic", "Vic", &[]).await;
    let room = room_moderated_by(&admin, "deletes", "mia").await;
    let mut watcher = chat(&stack, &token(&admin, &room).await).await;
    // Each of them says something; the watcher learns each message's id.
    let mut ids = Vec::new();
    for (client, text) in [
        (&admin, "from the admin"),
        (&moderator, "from the moderator"),
        (&viewer, "from the viewer"),
    ] {
        let mut ws = chat(&stack, &token(client, &room).await).await;
        ws.send(send_frame("m", text)).await.unwrap();
        loop {
            let seen = next_of(&mut watcher, "MESSAGE", Duration::from_secs(5))
                .await
                .unwrap();
            if seen["Content"] == text {
                ids.push(seen["Id"].as_str().unwrap().to_owned());
                break;
            }
        }
    }
    let delete = |who: &Client, id: &str| {
        let path = format!("/rooms/{room}/messages/{id}");
        let who = Client {
            addr: who.addr,
            token: who.token.clone(),
        };
        async move { who.call("DELETE", &path, None).await.status }
    };
    // A moderator may not delete the admin's message, but may delete their own and the
    // viewer's; the admin deletes anyone's.
    assert_eq!(delete(&moderator, &ids[0]).await, 403);
    assert_eq!(delete(&moderator, &ids[1]).await, 200);
    assert_eq!(delete(&moderator, &ids[2]).await, 200);
    assert_eq!(delete(&admin, &ids[0]).await, 200);
}
