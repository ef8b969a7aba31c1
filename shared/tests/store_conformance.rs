//! One conformance suite for the store port, run against both adapters: the embedded store
//! (a redb file) and `DynamoStore` against a real DynamoDB-compatible server (moto) on loopback.

use std::time::Duration;

use chat_core::domain::records::{
    AuditAction, AuditEntry, Ban, ChatMessage, HeldMessage, MessageSender, Moderator, Profile,
    RoomRecord, SentMessage,
};
use chat_core::domain::role::Role;
use chat_core::store::{
    ChatStore, Condition, EmbeddedStore, Item, Query, SlowMode, Store, StoreError, Trimmed,
    now_secs,
};
use chat_core::testing::MotoServer;
use serde_json::{Map, Value, json};

fn item(pk: &str, sk: &str, data: Value) -> Item {
    let Value::Object(data) = data else {
        panic!("object")
    };
    Item {
        pk: pk.into(),
        sk: sk.into(),
        expires_at: None,
        data,
    }
}

async fn port_contract<S: Store>(store: &S) {
    // Round trip of every JSON shape the records use.
    assert_eq!(store.get("P", "missing").await.unwrap(), None);
    let rich = json!({"s": "text", "n": 42, "neg": -7, "big": 1_700_000_000_123_i64, "b": true, "list": ["a", "b"], "obj": {"k": "v", "inner": {"x": 1}}, "none": null});
    store
        .put(item("P", "rich", rich.clone()), Condition::Always)
        .await
        .unwrap();
    let got = store.get("P", "rich").await.unwrap().unwrap();
    let mut expected = rich.as_object().unwrap().clone();
    expected.remove("none"); // an absent attribute and a null one read back the same
    let mut data: Map<String, Value> = got.data.clone();
    data.remove("none");
    assert_eq!(data, expected);

    // Conditions.
    assert_eq!(
        store
            .put(item("P", "rich", json!({})), Condition::Absent)
            .await,
        Err(StoreError::ConditionFailed)
    );
    assert_eq!(
        store
            .put(item("P", "new", json!({})), Condition::Exists)
            .await,
        Err(StoreError::ConditionFailed)
    );
    store
        .put(item("P", "new", json!({"v": 1})), Condition::Absent)
        .await
        .unwrap();
    store
        .put(item("P", "new", json!({"v": 2})), Condition::Exists)
        .await
        .unwrap();
    assert_eq!(store.get("P", "new").await.unwrap().unwrap().data["v"], 2);
    let at_most = |max| Condition::AbsentOrAtMost {
        attribute: "last",
        max,
    };
    store
        .put(item("P", "slow", json!({"last": 100})), at_most(0))
        .await
        .unwrap();
    assert_eq!(
        store
            .put(item("P", "slow", json!({"last": 200})), at_most(99))
            .await,
        Err(StoreError::ConditionFailed)
    );
    store
        .put(item("P", "slow", json!({"last": 300})), at_most(100))
        .await
        .unwrap();

    // Expired items are gone for reads, queries and conditions alike.
    let mut expired = item("P", "old", json!({"last": 999_999}));
    expired.expires_at = Some(now_secs() - 5);
    store.put(expired.clone(), Condition::Always).await.unwrap();
    assert_eq!(store.get("P", "old").await.unwrap(), None);
    assert_eq!(
        store.put(expired.clone(), Condition::Exists).await,
        Err(StoreError::ConditionFailed)
    );
    store
        .put(item("P", "old", json!({"last": 999_999})), at_most(0))
        .await
        .unwrap();
    let mut live = item("P", "fresh", json!({}));
    live.expires_at = Some(now_secs() + 60);
    store.put(live.clone(), Condition::Always).await.unwrap();
    assert_eq!(
        store.get("P", "fresh").await.unwrap().unwrap().expires_at,
        live.expires_at
    );
    store.put(expired, Condition::Absent).await.unwrap_err(); // "old" is live again now

    // Several keys in one read: answered in the order asked, None for what is missing or
    // expired, a key asked twice answered twice (BatchGetItem refuses duplicates).
    let mut gone = item("P", "gone", json!({}));
    gone.expires_at = Some(now_secs() - 5);
    store.put(gone, Condition::Always).await.unwrap();
    let many = store
        .get_many(&[
            ("P", "fresh"),
            ("P", "missing"),
            ("P", "gone"),
            ("P", "rich"),
            ("P", "fresh"),
        ])
        .await
        .unwrap();
    let found: Vec<Option<&str>> = many
        .iter()
        .map(|i| i.as_ref().map(|i| i.sk.as_str()))
        .collect();
    assert_eq!(
        found,
        [Some("fresh"), None, None, Some("rich"), Some("fresh")]
    );
    assert_eq!(many[3], store.get("P", "rich").await.unwrap());
    assert_eq!(store.get_many(&[]).await.unwrap(), []);
    // More keys than one BatchGetItem takes (100).
    let keys: Vec<String> = (0..130).map(|i| format!("K#{i:03}")).collect();
    for key in keys.iter().step_by(2) {
        store
            .put(item("M", key, json!({"k": key})), Condition::Always)
            .await
            .unwrap();
    }
    let asked: Vec<(&str, &str)> = keys.iter().map(|k| ("M", k.as_str())).collect();
    let many = store.get_many(&asked).await.unwrap();
    assert_eq!(many.len(), 130);
    for (i, got) in many.iter().enumerate() {
        assert_eq!(got.is_some(), i % 2 == 0, "K#{i:03}");
    }

    // Queries: one partition, one prefix, sk order both ways, resumable pages.
    for i in 0..7 {
        store
            .put(
                item("Q", &format!("A#{i}"), json!({"i": i})),
                Condition::Always,
            )
            .await
            .unwrap();
    }
    store
        .put(item("Q", "B#0", json!({})), Condition::Always)
        .await
        .unwrap();
    store
        .put(item("Q2", "A#9", json!({})), Condition::Always)
        .await
        .unwrap();
    let mut gone = item("Q", "A#5", json!({"i": 5}));
    gone.expires_at = Some(now_secs() - 1);
    store.put(gone, Condition::Always).await.unwrap();
    for descending in [false, true] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .query(
                    "Q",
                    "A#",
                    Query {
                        limit: 2,
                        after: after.clone(),
                        descending,
                    },
                )
                .await
                .unwrap();
            assert!(page.items.len() <= 2);
            seen.extend(page.items.iter().map(|i| i.sk.clone()));
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let mut expected: Vec<String> = [0, 1, 2, 3, 4, 6]
            .iter()
            .map(|i| format!("A#{i}"))
            .collect();
        if descending {
            expected.reverse();
        }
        assert_eq!(seen, expected, "descending: {descending}");
    }
    let all = store.query("Q", "", Query::default()).await.unwrap();
    assert_eq!(all.items.len(), 7);
    assert!(all.next.is_none());

    // Deletes, including of what is not there.
    store.delete("Q", "A#0").await.unwrap();
    store.delete("Q", "never").await.unwrap();
    assert_eq!(store.get("Q", "A#0").await.unwrap(), None);
}

async fn conditional_writes_are_atomic<S: Store + Clone + 'static>(store: S) {
    let mut writers = Vec::new();
    for i in 0..10 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            store
                .put(item("RACE", "one", json!({"writer": i})), Condition::Absent)
                .await
        }));
    }
    let mut won = 0;
    for w in writers {
        match w.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::ConditionFailed) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1, "exactly one conditional create wins");
}

async fn repository<S: Store>(chat: ChatStore<S>) {
    let room = RoomRecord::new(
        "AbCdEf123456",
        "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456",
        "owner",
        "lobby",
    );
    chat.create_room(&room).await.unwrap();
    assert_eq!(
        chat.create_room(&room).await,
        Err(StoreError::ConditionFailed)
    );
    assert_eq!(chat.room("AbCdEf123456").await.unwrap().unwrap(), room);
    let mut ghost = room.clone();
    ghost.room_id = "Zz0000000000".into();
    assert_eq!(
        chat.update_room(&ghost).await,
        Err(StoreError::ConditionFailed)
    );

    let moderator = Moderator {
        user_id: "mod".into(),
        added_by: "owner".into(),
        added_at: 1,
    };
    chat.add_moderator(&room.room_id, &moderator).await.unwrap();
    assert!(chat.is_moderator(&room.room_id, "mod").await.unwrap());
    assert!(!chat.is_moderator(&room.room_id, "viewer").await.unwrap());
    assert_eq!(
        chat.moderators(&room.room_id).await.unwrap(),
        vec![moderator]
    );

    let now = chat_core::time::now_millis();
    let ban = Ban {
        user_id: "troll".into(),
        until: None,
        reason: Some("spam".into()),
        by: "mod".into(),
        by_role: chat_core::domain::role::Role::Owner,
        at: now,
    };
    let timeout = Ban {
        user_id: "hothead".into(),
        until: Some(now + 60_000),
        reason: None,
        by: "mod".into(),
        by_role: chat_core::domain::role::Role::Owner,
        at: now,
    };
    let over = Ban {
        user_id: "calm".into(),
        until: Some(now - 1),
        reason: None,
        by: "mod".into(),
        by_role: chat_core::domain::role::Role::Owner,
        at: now - 10_000,
    };
    for b in [&ban, &timeout, &over] {
        chat.put_ban(&room.room_id, b).await.unwrap();
    }
    assert_eq!(
        chat.active_ban(&room.room_id, "troll").await.unwrap(),
        Some(ban.clone())
    );
    assert_eq!(
        chat.active_ban(&room.room_id, "hothead").await.unwrap(),
        Some(timeout.clone())
    );
    assert_eq!(
        chat.active_ban(&room.room_id, "calm").await.unwrap(),
        None,
        "an ended timeout"
    );
    let mut active: Vec<String> = chat
        .active_bans(&room.room_id)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.user_id)
        .collect();
    active.sort();
    assert_eq!(active, ["hothead", "troll"]);
    // A user's standing, in one read: the room, the moderator list, the ban in force, the profile.
    let profile = Profile {
        user_id: "troll".into(),
        display_name: "Troll".into(),
        admin: false,
        seen_at: 1,
    };
    chat.put_profile(&profile).await.unwrap();
    let standing = chat.standing(&room.room_id, "troll").await.unwrap();
    assert_eq!(standing.room.as_ref(), Some(&room));
    assert_eq!(standing.profile, Some(profile));
    assert!(!standing.moderator);
    assert_eq!(standing.ban, Some(ban.clone()));
    let standing = chat.standing(&room.room_id, "mod").await.unwrap();
    assert!(standing.moderator);
    assert_eq!((standing.ban, standing.profile), (None, None));
    assert_eq!(
        chat.standing(&room.room_id, "calm").await.unwrap().ban,
        None,
        "an ended timeout"
    );
    let nowhere = chat.standing("Zz0000000000", "troll").await.unwrap();
    assert!(nowhere.room.is_none() && nowhere.ban.is_none() && !nowhere.moderator);
    chat.delete_ban(&room.room_id, "troll").await.unwrap();
    assert_eq!(chat.active_ban(&room.room_id, "troll").await.unwrap(), None);

    for i in 0..5 {
        let mut entry = AuditEntry::now(
            "mod",
            AuditAction::MessageDeleted,
            Some(&format!("m{i}")),
            None,
        );
        entry.at += i;
        chat.append_audit(&room.room_id, &entry).await.unwrap();
    }
    let first = chat.audit(&room.room_id, 3, None).await.unwrap();
    let targets: Vec<_> = first
        .entries
        .iter()
        .map(|e| e.target.clone().unwrap())
        .collect();
    assert_eq!(targets, ["m4", "m3", "m2"], "newest first");
    let second = chat.audit(&room.room_id, 3, first.next).await.unwrap();
    let targets: Vec<_> = second
        .entries
        .iter()
        .map(|e| e.target.clone().unwrap())
        .collect();
    assert_eq!(targets, ["m1", "m0"]);
    assert!(second.next.is_none());

    assert_eq!(
        chat.slow_mode(&room.room_id, "fast", 1).await.unwrap(),
        SlowMode::Allowed
    );
    assert_eq!(
        chat.slow_mode(&room.room_id, "fast", 1).await.unwrap(),
        SlowMode::Wait
    );
    assert_eq!(
        chat.slow_mode(&room.room_id, "other", 1).await.unwrap(),
        SlowMode::Allowed
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        chat.slow_mode(&room.room_id, "fast", 1).await.unwrap(),
        SlowMode::Allowed
    );

    chat.delete_room(&room.room_id).await.unwrap();
    assert_eq!(chat.room(&room.room_id).await.unwrap(), None);
    assert!(chat.moderators(&room.room_id).await.unwrap().is_empty());
    assert!(
        chat.audit(&room.room_id, 10, None)
            .await
            .unwrap()
            .entries
            .is_empty()
    );
    assert!(
        chat.port()
            .query("ROOM#AbCdEf123456", "", Query::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

fn chat_message(id: &str, user: &str, send_time: i64) -> (SentMessage, ChatMessage) {
    let sent = SentMessage {
        message_id: id.into(),
        user_id: user.into(),
        role: Role::Viewer,
        at: send_time,
    };
    let message = ChatMessage {
        id: id.into(),
        content: format!("hello from {user}"),
        attributes: Default::default(),
        sender: MessageSender {
            user_id: user.into(),
            attributes: [("displayName".to_owned(), user.to_uppercase())].into(),
        },
        send_time,
    };
    (sent, message)
}

/// History and the held queue: newest first with a cursor, deletions by message id, a trim to
/// the cap, a purge by sender, the window, and a held message decided once.
async fn history_and_held<S: Store>(chat: ChatStore<S>) {
    let room = "HiStOrY12345";
    let now = chat_core::time::now_millis();
    let ids: Vec<String> = (0..6).map(|n| format!("MsgId{n:07}")).collect();
    for (n, id) in ids.iter().enumerate() {
        let user = if n % 2 == 0 { "bob" } else { "carol" };
        let (sent, message) = chat_message(id, user, now - 6_000 + n as i64 * 1000);
        chat.record_delivery(room, &sent, &message, 3600)
            .await
            .unwrap();
    }
    let since = now - 3_600_000;
    let first = chat.history(room, 4, None, since).await.unwrap();
    let got: Vec<&str> = first.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "MsgId0000005",
            "MsgId0000004",
            "MsgId0000003",
            "MsgId0000002"
        ]
    );
    assert_eq!(first.messages[0].sender.attributes["displayName"], "CAROL");
    let rest = chat.history(room, 4, first.next, since).await.unwrap();
    let got: Vec<&str> = rest.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, ["MsgId0000001", "MsgId0000000"]);
    assert_eq!(rest.next, None);
    // The window: nothing older than `since`, and no cursor past it.
    let recent = chat.history(room, 10, None, now - 2_500).await.unwrap();
    assert_eq!(recent.messages.len(), 2);

    chat.delete_history(room, "MsgId0000004").await.unwrap();
    chat.delete_history(room, "NeverSeen123").await.unwrap();
    let page = chat.history(room, 10, None, since).await.unwrap();
    assert!(page.messages.iter().all(|m| m.id != "MsgId0000004"));
    assert_eq!(page.messages.len(), 5);

    assert_eq!(
        chat.trim_history(room, 4, 100).await.unwrap(),
        Trimmed {
            kept: 4,
            dropped: 1
        }
    );
    let page = chat.history(room, 10, None, since).await.unwrap();
    assert_eq!(page.messages.len(), 4);
    assert_eq!(page.messages[3].id, "MsgId0000001");

    let purged = chat.purge_history(room, "carol", 100).await.unwrap();
    assert_eq!(purged, ["MsgId0000005", "MsgId0000003", "MsgId0000001"]);
    let page = chat.history(room, 10, None, since).await.unwrap();
    let got: Vec<&str> = page.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, ["MsgId0000002"]);
    assert_eq!(chat.drop_oldest_history(room, 5).await.unwrap(), 1);
    assert!(
        chat.history(room, 10, None, since)
            .await
            .unwrap()
            .messages
            .is_empty()
    );

    // Held: queued oldest first, claimed once, released, dropped.
    for (n, id) in ["HeldId000001", "HeldId000002"].iter().enumerate() {
        let (_, message) = chat_message(id, "dave", now + n as i64);
        let held = HeldMessage {
            held_id: format!("{:015}-{id}", now + n as i64),
            message,
            reason: "BORDERLINE_PROFANITY".into(),
            role: Role::Viewer,
        };
        chat.put_held(room, &held).await.unwrap();
    }
    let queue = chat.held_queue(room, 10).await.unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0].message.id, "HeldId000001");
    let first_id = queue[0].held_id.clone();
    assert_eq!(chat.held(room, &first_id).await.unwrap().unwrap(), queue[0]);
    chat.claim_held(room, &first_id).await.unwrap();
    assert_eq!(
        chat.claim_held(room, &first_id).await,
        Err(StoreError::ConditionFailed),
        "decided once"
    );
    chat.release_held(room, &first_id).await.unwrap();
    chat.claim_held(room, &first_id).await.unwrap();
    chat.delete_held(room, &first_id).await.unwrap();
    assert_eq!(chat.held(room, &first_id).await.unwrap(), None);
    assert_eq!(chat.held_queue(room, 10).await.unwrap().len(), 1);

    // Pages in either order, resumed by `next`; a ban drops one sender's, not another's.
    for (n, (id, sender)) in [
        ("HeldId000003", "erin"),
        ("HeldId000004", "dave"),
        ("HeldId000005", "erin"),
    ]
    .iter()
    .enumerate()
    {
        let at = now + 10 + n as i64;
        let (_, message) = chat_message(id, sender, at);
        let held = HeldMessage {
            held_id: format!("{at:015}-{id}"),
            message,
            reason: "BORDERLINE_PROFANITY".into(),
            role: Role::Viewer,
        };
        chat.put_held(room, &held).await.unwrap();
    }
    for newest_first in [false, true] {
        let mut ids = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = chat
                .held_page(room, 2, after.as_deref(), newest_first)
                .await
                .unwrap();
            assert!(page.held.len() <= 2);
            ids.extend(page.held.iter().map(|h| h.message.id.clone()));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let mut expected = [
            "HeldId000002",
            "HeldId000003",
            "HeldId000004",
            "HeldId000005",
        ];
        if newest_first {
            expected.reverse();
        }
        assert_eq!(ids, expected, "newest first: {newest_first}");
    }
    assert_eq!(chat.drop_held_of(room, "erin").await.unwrap(), 2);
    let left: Vec<String> = chat
        .held_queue(room, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.message.sender.user_id)
        .collect();
    assert_eq!(left, ["dave", "dave"]);

    // The cursor key: made once, the same for every handle on the table.
    let key = chat.cursor_key().await.unwrap();
    assert_eq!(key.len(), 32);
    let other = ChatStore::new(chat.port().clone());
    assert_eq!(other.cursor_key().await.unwrap(), key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    port_contract(&store).await;
    conditional_writes_are_atomic(store.clone()).await;
    repository(ChatStore::new(
        EmbeddedStore::open(&dir.path().join("repo")).unwrap(),
    ))
    .await;
    history_and_held(ChatStore::new(
        EmbeddedStore::open(&dir.path().join("history")).unwrap(),
    ))
    .await;
    // Durable: what was written is there after reopening.
    drop(store);
    let reopened = EmbeddedStore::open(dir.path()).unwrap();
    assert!(reopened.get("P", "new").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamo_store_conforms() {
    let moto = MotoServer::start();
    let store = moto.table("conformance").await;
    port_contract(&store).await;
    conditional_writes_are_atomic(store.clone()).await;
    repository(ChatStore::new(moto.table("repository").await)).await;
    history_and_held(ChatStore::new(moto.table("history").await)).await;
}
