//! Every reason code a sender can be refused with — each engine rule's and the handler's own —
//! has words in chat-core's one table (`REFUSALS`), which the chat page is generated from.

use chat_core::domain::records::Ban;
use chat_core::domain::role::Role;
use chat_core::ivs::review::{REFUSALS, refusal_words};
use chat_moderation::Rule;

#[test]
fn every_refusal_code_has_words() {
    let ban = |until| Ban {
        user_id: "viewer-1".into(),
        until,
        reason: None,
        by: "mod-1".into(),
        by_role: Role::Moderator,
        at: 0,
    };
    let mut codes: Vec<String> = Rule::ALL.iter().map(|r| r.reason().to_owned()).collect();
    for reason in [
        message_review::refusal(&ban(None)),
        message_review::refusal(&ban(Some(4_102_444_800_000))),
    ] {
        codes.push(reason.split(' ').next().unwrap_or_default().to_owned());
    }
    codes.extend(
        [
            "DUPLICATE_MESSAGE",
            "SLOW_MODE",
            "HELD",
            "TOO_MANY_HELD",
            "HELD_QUEUE_FULL",
        ]
        .map(String::from),
    );
    for code in &codes {
        assert!(refusal_words(code).is_some(), "{code} has no words");
    }
    let mut listed: Vec<&str> = REFUSALS.iter().map(|(c, _)| *c).collect();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(listed.len(), REFUSALS.len(), "a code is listed twice");
}
