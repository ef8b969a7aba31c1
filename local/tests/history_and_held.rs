//! History and the held-message queue through the whole local stack (router, functions,
//! emulator, the review function on the Invoke endpoint, real sockets): a late joiner reads what
//! was said as it was delivered; deletions and ban purges take messages out at once; the room's
//! cap holds; a held message waits for a moderator, who approves it (everyone sees it, history
//! keeps it) or rejects it (nobody does), once.

mod common;

use std::time::Duration;

use common::{
    chat, contents, history, new_room, next_of, say, set_policy, sign_in, staffed_room, start,
    token,
};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_joiners_read_history_as_delivered_and_deletions_take_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let bob = sign_in(stack.app_addr, "bob", "Bob", &[]).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;
    let room = new_room(&admin, "stage").await;

    let mut bob_ws = chat(&stack, &token(&bob, &room).await).await;
    let mut alice_ws = chat(&stack, &token(&admin, &room).await).await;
    let first = say(&mut bob_ws, "hello everyone").await.unwrap();
    let masked = say(&mut bob_ws, "this is fucking great").await.unwrap();
    let third = say(&mut alice_ws, "welcome, Bob").await.unwrap();

    // Carol joins late: newest first, as delivered (masked), with ids clients saw.
    let page = history(&carol, &room, "").await;
    let all = contents(&page);
    assert_eq!(
        all,
        ["welcome, Bob", "this is ******* great", "hello everyone"]
    );
    let ids: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    let at = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(
        at(&third) < at(&masked) && at(&masked) < at(&first),
        "{ids:?}"
    );
    let masked_view = &page["messages"][at(&masked)];
    assert_eq!(masked_view["content"], "this is ******* great");
    assert_eq!(masked_view["sender"]["userId"], "bob");
    assert_eq!(masked_view["sender"]["attributes"]["displayName"], "Bob");
    assert!(masked_view["sendTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(page["messages"][at(&third)]["sender"]["userId"], "alice");

    // Pages of one: each `next` goes on where the last stopped, and ends.
    let mut seen = Vec::new();
    let mut query = "?limit=1".to_owned();
    loop {
        let page = history(&carol, &room, &query).await;
        seen.extend(contents(&page));
        match page["next"].as_str() {
            Some(next) => query = format!("?limit=1&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, all);
    let r = carol
        .call(
            "GET",
            &format!("/rooms/{room}/messages?before=5.AUDIT%23x.y"),
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);

    // A deletion takes it out of history at once.
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/messages/{masked}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = history(&carol, &room, "").await;
    assert!(
        !page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == masked.as_str()),
        "{page}"
    );

    // The room's cap holds on every page.
    let r = set_policy(&admin, &room, json!({"historyMessages": 1})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = history(&carol, &room, "?limit=50").await;
    assert_eq!(contents(&page), ["welcome, Bob"]);
    assert!(page["next"].is_null());

    // A ban with purgeMessages takes the user's messages out of history and off screens.
    set_policy(&admin, &room, json!({"historyMessages": 200})).await;
    let r = admin
        .call(
            "POST",
            &format!("/rooms/{room}/bans"),
            Some(json!({"userId": "bob", "purgeMessages": true})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let purged: Vec<&str> = r.body["purgedMessages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(purged.contains(&first.as_str()), "{purged:?}");
    let deleted = next_of(&mut alice_ws, "EVENT", WAIT).await.unwrap();
    assert_eq!(deleted["EventName"], "aws:DELETE_MESSAGE");
    let page = history(&carol, &room, "").await;
    assert!(
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["sender"]["userId"] != "bob"),
        "{page}"
    );
    // The banned user reads no history.
    let r = bob
        .call("GET", &format!("/rooms/{room}/messages"), None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "BANNED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_messages_wait_for_one_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, admin, mia, room) = staffed_room(dir.path()).await;
    let carol = sign_in(stack.app_addr, "carol", "Carol", &[]).await;

    let mut mia_ws = chat(&stack, &token(&mia, &room).await).await;
    let mut carol_ws = chat(&stack, &token(&carol, &room).await).await;

    // Borderline: held, the sender told, the moderators told (by id only).
    assert_eq!(
        say(&mut carol_ws, "damn that was close").await,
        Err("HELD".to_owned())
    );
    let held_event = next_of(&mut mia_ws, "EVENT", WAIT).await.unwrap();
    assert_eq!(held_event["EventName"], "app:held");
    assert_eq!(
        held_event["Attributes"],
        json!({}),
        "viewers see nothing of it"
    );

    // The queue, for moderators only.
    let r = carol
        .call("GET", &format!("/rooms/{room}/held"), None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = mia.call("GET", &format!("/rooms/{room}/held"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let held_id = r.body["held"][0]["heldId"].as_str().unwrap().to_owned();
    assert_eq!(r.body["held"][0]["reason"], "BORDERLINE_PROFANITY");
    assert_eq!(
        r.body["held"][0]["message"]["content"],
        "damn that was close"
    );
    assert_eq!(r.body["held"][0]["message"]["sender"]["userId"], "carol");

    // Two moderators approve at once: it is delivered once.
    let approve = format!("/rooms/{room}/held/{held_id}/approve");
    let (a, b) = tokio::join!(
        mia.call("POST", &approve, None),
        admin.call("POST", &approve, None)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert!(
        statuses == [200, 404] || statuses == [200, 409],
        "{statuses:?} {} {}",
        a.text,
        b.text
    );
    for ws in [&mut mia_ws, &mut carol_ws] {
        let approved = next_of(ws, "EVENT", WAIT).await.unwrap();
        assert_eq!(approved["EventName"], "app:held-approved");
        assert_eq!(approved["Attributes"]["content"], "damn that was close");
        assert_eq!(approved["Attributes"]["userId"], "carol");
        assert_eq!(approved["Attributes"]["displayName"], "Carol");
    }
    let page = history(&carol, &room, "").await;
    assert_eq!(contents(&page), ["damn that was close"]);
    let r = mia.call("GET", &format!("/rooms/{room}/held"), None).await;
    assert_eq!(r.body["held"], json!([]));

    // Rejected: gone, and nobody sees it.
    assert_eq!(
        say(&mut carol_ws, "the cock crowed at dawn").await,
        Err("HELD".to_owned())
    );
    next_of(&mut mia_ws, "EVENT", WAIT).await.unwrap();
    let r = mia.call("GET", &format!("/rooms/{room}/held"), None).await;
    let held_id = r.body["held"][0]["heldId"].as_str().unwrap().to_owned();
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/{held_id}/reject"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/{held_id}/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "decided already: {}", r.text);
    assert!(
        next_of(&mut carol_ws, "EVENT", Duration::from_millis(500))
            .await
            .is_none()
    );
    assert_eq!(
        contents(&history(&carol, &room, "").await),
        ["damn that was close"]
    );
    let r = mia
        .call(
            "POST",
            &format!("/rooms/{room}/held/not-an-id/approve"),
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);

    // What CloudWatch would show, as Prometheus text at GET /metrics.
    let r = common::http(stack.app_addr, "GET", "/metrics", &[], None).await;
    assert_eq!(r.status, 200);
    for series in [
        "Verdicts{Verdict=\"HELD\",Rule=\"HELD\"}",
        "ModerationActions{Action=\"HELD_MESSAGE_APPROVED\"}",
        "ModerationActions{Action=\"HELD_MESSAGE_REJECTED\"}",
        "TokensIssued",
        "ReviewDuration",
    ] {
        assert!(r.text.contains(series), "{series} in:\n{}", r.text);
    }

    // Both decisions are in the audit log.
    let r = admin
        .call("GET", &format!("/rooms/{room}/audit"), None)
        .await;
    let actions: Vec<&str> = r.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "MESSAGE_HELD",
        "HELD_MESSAGE_APPROVED",
        "HELD_MESSAGE_REJECTED",
    ] {
        assert!(actions.contains(&action), "{actions:?}");
    }
}
