//! The decision on one message, in the order that matters: a binding ban first (whatever token
//! the sender joined with), then the exemption of moderators, owners and admins (their role
//! rides in the token's attributes: no store read), then the room's compiled policy, the
//! repeated-message check (the instance's memory) and slow mode (one conditional write). A
//! message the rules hold takes a place in the room's held queue, within its caps.

use std::sync::Arc;
use std::time::Duration;

use chat_core::domain::records::Ban;
use chat_core::domain::role::Role;
use chat_core::ivs::review::ReviewRequest;
use chat_core::store::{SlowMode, Store};
use chat_moderation::{CompiledPolicy, Verdict, review};

use crate::{Reviewer, failed};

/// Who sent a message, where: read from the request (the role from the token's attributes).
pub(crate) struct Sender {
    pub room_id: String,
    pub user_id: String,
    pub role: Role,
}

impl Sender {
    pub fn of(req: &ReviewRequest) -> Self {
        Self {
            room_id: req
                .room_arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
            user_id: req.sender.user_id.clone(),
            role: req
                .sender
                .attributes
                .get("role")
                .and_then(|r| Role::parse(r))
                .unwrap_or(Role::Viewer),
        }
    }
}

/// What becomes of a message.
pub(crate) enum Decision {
    /// A binding ban refuses it (not audited: the ban is, and a banned user's old token must
    /// not fill the log).
    Banned(String),
    /// A rule refuses it.
    Refused(&'static str),
    /// A rule holds it for the moderators.
    Held(&'static str),
    /// It goes out as `content` (the original, or masked by the rule named).
    Delivered {
        content: String,
        masked: Option<&'static str>,
    },
}

/// Decides; also returns the room's policy once read (what recording needs).
pub(crate) async fn decide<S: Store>(
    req: &ReviewRequest,
    sender: &Sender,
    reviewer: &Reviewer<S>,
) -> (Decision, Option<Arc<CompiledPolicy>>) {
    if let Some(ban) = reviewer
        .bans
        .get(&reviewer.store, &sender.room_id, &sender.user_id)
        .await
        && ban.binds(sender.role, chat_core::time::now_millis())
    {
        return (Decision::Banned(refusal(&ban)), None);
    }
    let policy = reviewer
        .policies
        .get(&reviewer.store, &sender.room_id)
        .await;
    let decision = if sender.role.moderates() {
        Decision::Delivered {
            content: req.content.clone(),
            masked: None,
        }
    } else {
        by_policy(req, sender, &policy, reviewer).await
    };
    (decision, Some(policy))
}

async fn by_policy<S: Store>(
    req: &ReviewRequest,
    sender: &Sender,
    policy: &CompiledPolicy,
    reviewer: &Reviewer<S>,
) -> Decision {
    let (content, masked) = match review(policy, &req.content) {
        Verdict::Hold { rule } => {
            // A full queue refuses instead, as spam is refused: one sender cannot bury the
            // others' messages, nor a crowd the moderators.
            return match reviewer
                .held
                .take_place(&reviewer.store, &sender.room_id, &sender.user_id)
                .await
            {
                Ok(()) => Decision::Held(rule.reason()),
                Err(full) => Decision::Refused(full.reason()),
            };
        }
        Verdict::Deny { rule } => return Decision::Refused(rule.reason()),
        Verdict::Allow { content, masked } => (content, masked),
    };
    let window = Duration::from_secs(policy.policy().spam.duplicate_window_seconds.into());
    if !window.is_zero()
        && reviewer
            .recent
            .repeated(&sender.room_id, &sender.user_id, &req.content, window)
    {
        return Decision::Refused("DUPLICATE_MESSAGE");
    }
    let seconds = policy.policy().slow_mode_seconds;
    if seconds > 0 && !sender.room_id.is_empty() {
        match reviewer
            .store
            .slow_mode(&sender.room_id, &sender.user_id, seconds)
            .await
        {
            Ok(SlowMode::Wait) => return Decision::Refused("SLOW_MODE"),
            Ok(SlowMode::Allowed) => {}
            // Slow mode is a courtesy: a store outage must not silence the room.
            Err(err) => {
                failed("slow_mode");
                tracing::error!(%err, "slow mode unavailable");
            }
        }
    }
    Decision::Delivered {
        content,
        masked: masked.first().map(|rule| rule.reason()),
    }
}

/// What a banned sender is told: `BANNED`, or `TIMED_OUT until <RFC 3339 time>`.
pub fn refusal(ban: &Ban) -> String {
    match ban.until {
        Some(until) => format!("{} until {}", ban.code(), chat_core::time::rfc3339(until)),
        None => ban.code().to_owned(),
    }
}
