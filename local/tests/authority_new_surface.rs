//! Authority on the newest surface, as an attacker tries it through the whole local stack (real
//! sockets): `app:` events are the server's alone; a ban reaches the held queue and an approval
//! checks the sender again; the history cap holds whatever a cursor says; one viewer cannot
//! bury the held queue; `app:held` tells viewers nothing; a dev sign-in never demotes an admin.

mod common;

use std::time::Duration;

use chat_core::domain::records::Ban;
use chat_core::domain::role::Role;
use common::{
    Client, chat, contents, history, http, new_room, next_of, say, set_policy, sign_in,
    staffed_room, start, token,
};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(5);

async fn held_ids(client: &Client, room: &str, query: &str) -> (Vec<String>, Option<String>) {
    let r = client
        .call("GET", &format!("/rooms/{room}/held{query}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ids = r.body["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["heldId"].as_str().unwrap().to_owned())
        .collect();
    (ids, r.body["next"].as_str().map(str::to_owned))
}

async fn audit_actions(admin: &Client, room: &str) -> Vec<(String, String)> {
    let r = admin
        .call("GET", &format!("/rooms/{room}/audit"), None)
        .await;
    r.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_events_are_the_servers_for_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let mia = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    let viewer = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let room = new_room(&admin, "stage").await;
    // Mia moderates; the admin stands for every role above her (admin included).
    admin
        .call("PUT", &format!("/rooms/{room}/moderators/mia"), None)
        .await;
    let mut carol_ws = chat(&stack, &token(&viewer, &room).await).await;

    for caller in [&mia, &admin] {
        for name in [
            "app:held-approved",
            "app:role-changed",
            "app:unbanned",
            "app:policy-changed",
            "app:held",
            "APP:held-approved",
            "App:anything",
        ] {
            let r = caller
                .call(
                    "POST",
                    &format!("/rooms/{room}/events"),
                    Some(json!({"eventName": name, "attributes": {
                        "userId": "alice", "displayName": "Alice", "content": "forged", "role": "moderator"
                    }})),
                )
                .await;
            assert_eq!(r.status, 400, "{name}: {}", r.text);
            assert_eq!(r.body["error"]["code"], "RESERVED_EVENT_NAME", "{name}");
        }
    }
    assert!(
        next_of(&mut carol_ws, "EVENT", Duration::from_millis(500))
            .await
            .is_none(),
        "no forged event reached a viewer"
    );
    // An application's own events still go out.
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/events"),
            Some(json!({"eventName": "poll", "attributes": {"q": "next game?"}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        next_of(&mut carol_ws, "EVENT", WAIT).await.unwrap()["EventName"],
        "poll"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_reaches_the_held_queue_and_approval_checks_the_sender_again() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, admin, mia, room) = staffed_room(dir.path()).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let dave = sign_in(stack.app_addr, "dave", "Dave", &[]).await;
    let mut carol_ws = chat(&stack, &token(&carol, &room).await).await;
    let mut dave_ws = chat(&stack, &token(&dave, &room).await).await;

    // A time-out (any length) drops the sender's held messages, and says so in the audit log.
    assert_eq!(
        say(&mut carol_ws, "damn that was close").await,
        Err("HELD".into())
    );
    assert_eq!(
        say(&mut dave_ws, "damn what a save").await,
        Err("HELD".into())
    );
    let (ids, _) = held_ids(&mia, &room, "").await;
    assert_eq!(ids.len(), 2);
    let r = admin
        .call(
            "POST",
            &format!("/rooms/{room}/bans"),
            Some(json!({"userId": "carol", "durationSeconds": 5})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (left, _) = held_ids(&mia, &room, "").await;
    assert_eq!(left.len(), 1, "only Dave's stays: {left:?}");
    assert!(left[0].ends_with(&ids[1][16..]) || left[0].ends_with(&ids[0][16..]));
    let audit = audit_actions(&admin, &room).await;
    assert!(
        audit
            .iter()
            .any(|(a, r)| a == "HELD_MESSAGES_DROPPED" && r == "1 messages"),
        "{audit:?}"
    );
    let dropped = ids.iter().find(|id| !left.contains(id)).unwrap();
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/{dropped}/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    // A ban placed while a message waits (here straight in the store, as a ban whose drop
    // raced a hold would leave it): approval refuses it, with a clear code, audited.
    let dave_held = left[0].clone();
    stack
        .store
        .put_ban(
            &room,
            &Ban {
                user_id: "dave".into(),
                until: None,
                reason: None,
                by: "alice".into(),
                by_role: Role::Admin,
                at: chat_core::time::now_millis(),
            },
        )
        .await
        .unwrap();
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/{dave_held}/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "SENDER_BANNED");
    assert!(contents(&history(&admin, &room, "").await).is_empty());
    let audit = audit_actions(&admin, &room).await;
    assert!(
        audit
            .iter()
            .any(|(a, r)| a == "HELD_APPROVAL_REFUSED" && r == "SENDER_BANNED"),
        "{audit:?}"
    );
    // Refused for a ban means dropped: it cannot be approved later either.
    let (left, _) = held_ids(&mia, &room, "").await;
    assert!(left.is_empty(), "{left:?}");

    // The hierarchy, at decision time: a viewer whose message waits becomes a moderator; a
    // moderator may no longer approve for an equal (the owner or an admin still may).
    let erin = sign_in(stack.app_addr, "erin", "Erin", &[]).await;
    let mut erin_ws = chat(&stack, &token(&erin, &room).await).await;
    assert_eq!(say(&mut erin_ws, "damn the lag").await, Err("HELD".into()));
    let (ids, _) = held_ids(&mia, &room, "").await;
    let erin_held = ids[0].clone();
    admin
        .call("PUT", &format!("/rooms/{room}/moderators/erin"), None)
        .await;
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/{erin_held}/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "FORBIDDEN");
    let audit = audit_actions(&admin, &room).await;
    assert!(
        audit
            .iter()
            .any(|(a, r)| a == "HELD_APPROVAL_REFUSED" && r == "FORBIDDEN"),
        "{audit:?}"
    );
    let r = admin
        .call(
            "POST",
            &format!("/rooms/{room}/held/{erin_held}/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "the admin still may: {}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_cap_holds_whatever_the_cursor_says() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let room = new_room(&admin, "stage").await;
    let mut ws = chat(&stack, &token(&admin, &room).await).await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(say(&mut ws, &format!("message {n}")).await.unwrap());
    }
    let r = set_policy(&admin, &room, json!({"historyMessages": 2})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let honest = history(&carol, &room, "?limit=50").await;
    assert_eq!(contents(&honest), ["message 5", "message 4"]);
    assert!(honest["next"].is_null());

    // A cursor forged from what any reader sees (the second message's time and id) with the
    // served count set to 0: refused, not a walk back through older messages.
    let second = &honest["messages"][1];
    let sent_ms = time::OffsetDateTime::parse(
        second["sendTime"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp_nanos() / 1_000_000)
    .unwrap_or_default();
    for forged in [
        format!("0.{sent_ms:015}.{}", ids[4]),
        format!("1.{sent_ms:015}.{}", ids[4]),
    ] {
        let r = carol
            .call(
                "GET",
                &format!("/rooms/{room}/messages?before={forged}"),
                None,
            )
            .await;
        let walked = r.status == 200 && !contents(&r.body).is_empty();
        assert!(!walked, "a forged cursor walked back: {}", r.text);
    }

    // An honest cursor from before the cap was lowered shows nothing beyond the new cap.
    set_policy(&admin, &room, json!({"historyMessages": 200})).await;
    let first_page = history(&carol, &room, "?limit=1").await;
    let next = first_page["next"].as_str().unwrap().to_owned();
    set_policy(&admin, &room, json!({"historyMessages": 1})).await;
    let r = carol
        .call(
            "GET",
            &format!("/rooms/{room}/messages?before={next}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(contents(&r.body).is_empty(), "{}", r.text);
    // A cursor from another room is refused.
    let other = new_room(&admin, "other").await;
    let r = carol
        .call(
            "GET",
            &format!("/rooms/{other}/messages?before={next}"),
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_viewer_cannot_bury_the_held_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, _admin, mia, room) = staffed_room(dir.path()).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let dave = sign_in(stack.app_addr, "dave", "Dave", &[]).await;
    let mut carol_ws = chat(&stack, &token(&carol, &room).await).await;
    let mut dave_ws = chat(&stack, &token(&dave, &room).await).await;
    let mut mia_ws = chat(&stack, &token(&mia, &room).await).await;

    assert_eq!(
        say(&mut carol_ws, "damn that was close").await,
        Err("HELD".into())
    );
    // `app:held` tells the room nothing a viewer should not learn: no id, no sender.
    let held_event = next_of(&mut mia_ws, "EVENT", WAIT).await.unwrap();
    assert_eq!(held_event["EventName"], "app:held");
    assert_eq!(held_event["Attributes"], json!({}), "{held_event}");

    // Dave floods borderline messages: past the per-sender cap, refused like spam.
    let mut refused = Vec::new();
    for n in 0..8 {
        match say(&mut dave_ws, &format!("damn number {n}")).await {
            Err(reason) if reason == "HELD" => {}
            Err(reason) => refused.push(reason),
            Ok(id) => panic!("delivered {id}"),
        }
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    assert_eq!(refused, vec!["TOO_MANY_HELD"; 3], "{refused:?}");

    // Newest first or oldest first, paged with a cursor; Carol's is on the first page of the
    // oldest-first view and reachable in both.
    let walk = |order: &'static str| {
        let mia = &mia;
        let room = room.clone();
        async move {
            let mut all = Vec::new();
            let mut query = format!("?limit=2&order={order}");
            loop {
                let (ids, next) = held_ids(mia, &room, &query).await;
                assert!(ids.len() <= 2);
                all.extend(ids);
                match next {
                    Some(next) => query = format!("?limit=2&order={order}&after={next}"),
                    None => break all,
                }
            }
        }
    };
    let oldest = walk("oldest").await;
    let newest = walk("newest").await;
    assert_eq!(oldest.len(), 6, "{oldest:?}");
    let mut reversed = newest.clone();
    reversed.reverse();
    assert_eq!(oldest, reversed);
    let r = mia
        .call(
            "GET",
            &format!("/rooms/{room}/held?order=oldest&limit=1"),
            None,
        )
        .await;
    assert_eq!(r.body["held"][0]["message"]["sender"]["userId"], "carol");
    let r = mia
        .call("GET", &format!("/rooms/{room}/held?order=sideways"), None)
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = mia
        .call("GET", &format!("/rooms/{room}/held?after=HELD%23x"), None)
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_sign_in_never_demotes_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let body = json!({"userId": "alice", "displayName": "Alice", "groups": []}).to_string();
    let r = http(stack.app_addr, "POST", "/dev/login", &[], Some(&body)).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "ADMIN_ACCOUNT", "{}", r.text);
    let profile = stack.store.profile("alice").await.unwrap().unwrap();
    assert!(profile.admin);
    // So a moderator still cannot ban her.
    let room = new_room(&admin, "stage").await;
    let mia = sign_in(stack.app_addr, "mia", "Mia", &[]).await;
    admin
        .call("PUT", &format!("/rooms/{room}/moderators/mia"), None)
        .await;
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/bans"),
            Some(json!({"userId": "alice"})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
}

/// Any cursor at all — random text, an honest cursor with one character changed, honest walks
/// with any page size — never reaches past the room's cap: either 400, or messages among the
/// newest `historyMessages`.
#[test]
fn no_cursor_reaches_past_the_cap() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (stack, reader, room, newest, honest) = rt.block_on(async {
        let stack = start(dir.path()).await;
        let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
        let reader = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
        let room = new_room(&admin, "stage").await;
        let mut ws = chat(&stack, &token(&admin, &room).await).await;
        for n in 0..8 {
            say(&mut ws, &format!("message {n}")).await.unwrap();
        }
        let first = history(&reader, &room, "?limit=1").await;
        let honest = first["next"].as_str().unwrap().to_owned();
        let r = set_policy(&admin, &room, json!({"historyMessages": 3})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let newest = contents(&history(&reader, &room, "?limit=50").await);
        assert_eq!(newest, ["message 7", "message 6", "message 5"]);
        (stack, reader, room, newest, honest)
    });
    let read = |cursor: &str, limit: usize| {
        let query = format!(
            "?limit={limit}&before={}",
            percent_encoding::utf8_percent_encode(cursor, percent_encoding::NON_ALPHANUMERIC)
        );
        rt.block_on(reader.call("GET", &format!("/rooms/{room}/messages{query}"), None))
    };
    let within_cap = |status: u16, body: &serde_json::Value| -> Result<(), TestCaseError> {
        prop_assert!(status == 400 || status == 200, "status {status}");
        if status == 200 {
            for content in contents(body) {
                prop_assert!(newest.contains(&content), "{content} is past the cap");
            }
        }
        Ok(())
    };
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &("[0-9a-zA-Z.#%-]{0,80}", 1usize..=100),
            |(cursor, limit)| {
                let r = read(&cursor, limit);
                within_cap(r.status, &r.body)
            },
        )
        .unwrap();
    runner
        .run(
            &(0..honest.len(), "[0-9a-fA-Z.]", 1usize..=100),
            |(at, with, limit)| {
                let mut forged = honest.clone();
                forged.replace_range(at..at + 1, &with);
                let r = read(&forged, limit);
                if forged != honest {
                    prop_assert_eq!(r.status, 400, "{} accepted", forged);
                }
                within_cap(r.status, &r.body)
            },
        )
        .unwrap();
    runner
        .run(&(1usize..=4), |limit| {
            let mut seen = Vec::new();
            let mut query = format!("?limit={limit}");
            loop {
                let page = rt.block_on(history(&reader, &room, &query));
                within_cap(200, &page)?;
                seen.extend(contents(&page));
                match page["next"].as_str() {
                    Some(next) => query = format!("?limit={limit}&before={next}"),
                    None => break,
                }
            }
            prop_assert_eq!(&seen, &newest);
            Ok(())
        })
        .unwrap();
    drop(stack);
}
