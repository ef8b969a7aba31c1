//! message-review end to end: the sample events, and the function serving the Lambda Invoke
//! API as a room's review handler in the IVS Chat emulator — DENY → 406 with the reason,
//! masking, slow mode, moderators exempt — over real WebSockets.

use std::sync::Arc;

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::RoomRecord;
use chat_core::ivs::review::{ReviewRequest, ReviewResult};
use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{ChatSocket, chat_connect, ivs_client};
use futures_util::{SinkExt, StreamExt};
use message_review::testing::emulator_reviewed_by;
use message_review::{Reviewer, review_message};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const HANDLER: &str = "arn:aws:lambda:us-east-1:123456789012:function:message-review";

fn spoiler_policy() -> ModerationPolicy {
    serde_json::from_value(
        json!({"blockedTerms": ["spoiler*"], "profanity": "moderate", "slowModeSeconds": 2}),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_events_get_their_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChatStore::new(EmbeddedStore::open(dir.path()).unwrap());
    let mut room = RoomRecord::new(
        "AbCdEf123456",
        "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456",
        "owner",
        "r",
    );
    room.policy = Some(spoiler_policy());
    store.create_room(&room).await.unwrap();
    let reviewer = Reviewer::new(store.clone(), ModerationPolicy::default());
    let events =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/message-review");
    let mut names: Vec<String> = std::fs::read_dir(&events)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3);
    for name in names {
        let req: ReviewRequest =
            serde_json::from_str(&std::fs::read_to_string(events.join(&name)).unwrap()).unwrap();
        let out = review_message(req.clone(), &reviewer).await;
        match name.as_str() {
            "allow.json" | "moderator-exempt.json" => {
                assert_eq!(out.review_result, ReviewResult::Allow, "{name}");
                assert_eq!(out.content, req.content);
            }
            "deny-blocked-term.json" => {
                assert_eq!(
                    (out.review_result, out.reason()),
                    (ReviewResult::Deny, Some("BLOCKED_TERM"))
                );
            }
            other => panic!("unexpected sample {other}"),
        }
    }
    let audit = store.audit("AbCdEf123456", 10, None).await.unwrap();
    assert_eq!(audit.entries.len(), 1, "the refusal is in the audit log");
    assert_eq!(audit.entries[0].reason.as_deref(), Some("BLOCKED_TERM"));
    // The same message again from the same user (however it is dressed up) is refused.
    let say = |text: &str| ReviewRequest {
        content: text.into(),
        room_arn: room.room_arn.clone(),
        sender: chat_core::ivs::review::ReviewSender {
            user_id: "repeater".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let quiet = ChatStore::new(EmbeddedStore::open(&dir.path().join("quiet")).unwrap());
    let mut no_slow = room.clone();
    no_slow.policy = Some(ModerationPolicy::default());
    quiet.create_room(&no_slow).await.unwrap();
    let repeats = Reviewer::new(quiet, ModerationPolicy::default());
    assert_eq!(
        review_message(say("buy my stuff"), &repeats)
            .await
            .review_result,
        ReviewResult::Allow
    );
    let again = review_message(say("BUY  my stuff!"), &repeats).await;
    assert_eq!(
        (again.review_result, again.reason()),
        (ReviewResult::Deny, Some("DUPLICATE_MESSAGE"))
    );
    assert_eq!(
        review_message(say("something else"), &repeats)
            .await
            .review_result,
        ReviewResult::Allow
    );
    // Odd input still gets a valid answer.
    let odd = review_message(
        ReviewRequest {
            content: "\u{200B}".repeat(100_000),
            ..Default::default()
        },
        &reviewer,
    )
    .await;
    assert!(serde_json::to_string(&odd).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_handler_moderates_live_chat() {
    let dir = tempfile::tempdir().unwrap();
    let store = ChatStore::new(EmbeddedStore::open(dir.path()).unwrap());
    chat_moderation::warm_up();
    let reviewer = Arc::new(Reviewer::new(store.clone(), ModerationPolicy::default()));
    let emu = emulator_reviewed_by(reviewer).await;
    let ivs = ivs_client(&emu.endpoint());
    let created = ivs
        .create_room()
        .message_review_handler(aws_sdk_ivschat_handler())
        .send()
        .await
        .unwrap();
    let mut room = RoomRecord::new(
        created.id().unwrap(),
        created.arn().unwrap(),
        "owner",
        "live",
    );
    room.policy = Some(spoiler_policy());
    store.create_room(&room).await.unwrap();

    let connect = |user: &'static str, role: &'static str| {
        let (ivs, arn, addr) = (ivs.clone(), room.room_arn.clone(), emu.addr);
        async move {
            let token = ivs
                .create_chat_token()
                .room_identifier(arn)
                .user_id(user)
                .capabilities("SEND_MESSAGE".into())
                .attributes("role", role)
                .send()
                .await
                .unwrap();
            chat_connect(addr, token.token().unwrap()).await
        }
    };
    let mut viewer = connect("viewer-1", "viewer").await;
    let mut moderator = connect("mod-1", "moderator").await;
    async fn say(ws: &mut ChatSocket, id: &str, text: &str) -> Value {
        ws.send(Message::Text(
            json!({"Action": "SEND_MESSAGE", "RequestId": id, "Content": text})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
        loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if let Message::Text(text) = frame {
                let v: Value = serde_json::from_str(text.as_str()).unwrap();
                if v["RequestId"] == id {
                    return v;
                }
            }
        }
    }

    let refused = say(&mut viewer, "1", "SPOILERS: the hero dies").await;
    assert_eq!(
        (
            refused["ErrorCode"].as_u64(),
            refused["ErrorMessage"].as_str()
        ),
        (Some(406), Some("BLOCKED_TERM"))
    );
    let masked = say(&mut viewer, "2", "this is fucking great").await;
    assert_eq!(masked["Type"], "MESSAGE");
    assert!(
        !masked["Content"].as_str().unwrap().contains("fuck"),
        "{masked}"
    );
    let too_soon = say(&mut viewer, "3", "hello again").await;
    assert_eq!(
        (
            too_soon["ErrorCode"].as_u64(),
            too_soon["ErrorMessage"].as_str()
        ),
        (Some(406), Some("SLOW_MODE"))
    );
    // Moderators are exempt from every rule, slow mode included.
    for (i, text) in ["spoiler: it was a dream", "second one right away"]
        .iter()
        .enumerate()
    {
        let said = say(&mut moderator, &format!("m{i}"), text).await;
        assert_eq!(
            (said["Type"].as_str(), said["Content"].as_str()),
            (Some("MESSAGE"), Some(*text))
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        say(&mut viewer, "4", "hello after the wait").await["Type"],
        "MESSAGE"
    );
    let audit = store.audit(&room.room_id, 10, None).await.unwrap();
    let reasons: Vec<_> = audit
        .entries
        .iter()
        .filter_map(|e| e.reason.clone())
        .collect();
    assert_eq!(
        reasons,
        ["SLOW_MODE", "PROFANITY", "BLOCKED_TERM"],
        "refusals and the mask, newest first"
    );
    emu.shutdown().await.unwrap();
}

fn aws_sdk_ivschat_handler() -> aws_sdk_ivschat::types::MessageReviewHandler {
    aws_sdk_ivschat::types::MessageReviewHandler::builder()
        .uri(HANDLER)
        .build()
}
