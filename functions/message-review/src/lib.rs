//! The rooms' `messageReviewHandler`: IVS sends every message here and gives the answer 200 ms.
//!
//! A review is four steps, one module each:
//! 1. **read** who sent it and where ([`decide::Sender`]), with what the instance remembers
//!    ([`cache`]: the room's policy, the sender's ban, their last message);
//! 2. **decide** ([`decide`]): a binding ban, the staff exemption, the room's policy, repeats,
//!    slow mode;
//! 3. **record** ([`record`]): refusals and masks audited, a delivered message in the room's
//!    history (kept to its cap by [`trim`]), a held one queued for the moderators;
//! 4. **answer** IVS: ALLOW with the (possibly masked) content, or DENY with a reason code.
//!
//! What history cannot hold: a message IVS delivered without this handler's ALLOW — a review
//! that timed out or failed and fell back to ALLOW, or a room without the handler — and a
//! message whose history write failed (logged; the message still goes out).

mod cache;
mod decide;
mod record;
mod trim;

#[cfg(feature = "testing")]
pub mod testing;

use std::time::Instant;

use chat_core::domain::policy::ModerationPolicy;
use chat_core::ivs::review::{ReviewRequest, ReviewResponse, ReviewResult};
use chat_core::store::{ChatStore, Store};
use chat_core::telemetry;
use chat_moderation::CompiledPolicy;
use lambda_runtime::{Error, LambdaEvent};

pub use cache::{BAN_CACHE_TTL, POLICY_CACHE_TTL};
pub use decide::refusal;
use decide::{Decision, Sender};

/// The event that tells a room's moderators a message awaits them.
pub const HELD_EVENT: &str = "app:held";

/// The review function's state, built once per cold start.
pub struct Reviewer<S> {
    store: ChatStore<S>,
    policies: cache::PolicyCache,
    bans: cache::BanCache,
    recent: cache::RecentMessages,
    held: cache::HeldCounts,
    trims: trim::TrimCounter,
    /// IVS, to tell moderators a message is held (none: no event).
    ivs: Option<aws_sdk_ivschat::Client>,
}

impl<S: Store> Reviewer<S> {
    pub fn new(store: ChatStore<S>, default_policy: ModerationPolicy) -> Self {
        Self {
            store,
            policies: cache::PolicyCache::new(CompiledPolicy::new(default_policy)),
            bans: cache::BanCache::default(),
            recent: cache::RecentMessages::default(),
            held: cache::HeldCounts::default(),
            trims: trim::TrimCounter::default(),
            ivs: None,
        }
    }

    /// Announces held messages to their room through this IVS client.
    pub fn with_events(mut self, ivs: aws_sdk_ivschat::Client) -> Self {
        self.ivs = Some(ivs);
        self
    }
}

pub async fn handle<S: Store>(
    event: LambdaEvent<ReviewRequest>,
    reviewer: &Reviewer<S>,
) -> Result<ReviewResponse, Error> {
    Ok(review_message(event.payload, reviewer).await)
}

/// The verdict on one message, in the IVS review contract; timed, counted by verdict and rule,
/// and logged in one line (the content only with `CHAT_LOG_CONTENT=true`).
pub async fn review_message<S: Store>(
    req: ReviewRequest,
    reviewer: &Reviewer<S>,
) -> ReviewResponse {
    let started = Instant::now();
    let (room, user) = (req.room_arn.clone(), req.sender.user_id.clone());
    let original = req.content.clone();
    let response = review(req, reviewer).await;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let (verdict, rule) = match (&response.review_result, response.reason()) {
        (ReviewResult::Deny, Some(reason)) => {
            let code = reason.split(' ').next().unwrap_or_default().to_owned();
            (if code == "HELD" { "HELD" } else { "DENY" }, code)
        }
        (ReviewResult::Deny, None) => ("DENY", "NONE".to_owned()),
        (ReviewResult::Allow, _) if response.content != original => ("MASKED", "NONE".to_owned()),
        (ReviewResult::Allow, _) => ("ALLOW", "NONE".to_owned()),
    };
    metrics::histogram!(telemetry::REVIEW_DURATION).record(ms);
    metrics::counter!(telemetry::VERDICTS, "Verdict" => verdict, "Rule" => rule.clone())
        .increment(1);
    let content = telemetry::log_content().then_some(original.as_str());
    tracing::info!(
        room,
        user,
        verdict,
        rule,
        duration_ms = ms,
        content,
        "review"
    );
    response
}

/// Read → decide → record → answer.
async fn review<S: Store>(req: ReviewRequest, reviewer: &Reviewer<S>) -> ReviewResponse {
    let sender = Sender::of(&req);
    let (decision, policy) = decide::decide(&req, &sender, reviewer).await;
    record::record(
        reviewer,
        &req,
        &sender,
        &decision,
        policy.as_deref().map(CompiledPolicy::policy),
    )
    .await;
    match decision {
        Decision::Banned(reason) => ReviewResponse::deny(req.content, &reason),
        Decision::Refused(reason) => ReviewResponse::deny(req.content, reason),
        Decision::Held(_) => ReviewResponse::deny(req.content, "HELD"),
        Decision::Delivered { content, .. } => ReviewResponse::allow(content, req.attributes),
    }
}

/// Counts a store or IVS step of a review that failed (the review still answers); the log line
/// that follows names the step and the error.
fn failed(step: &'static str) {
    metrics::counter!(telemetry::REVIEW_ERRORS).increment(1);
    tracing::warn!(step, "review step failed");
}
