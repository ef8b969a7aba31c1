//! The rooms' `messageReviewHandler`: IVS sends every message here and gives the answer 200 ms.
//! First, bans: a banned or timed-out sender is refused whatever token they joined with (one
//! read of their ban record, trusted for [`BAN_CACHE_TTL`]). Then moderators, owners and admins
//! are exempt (their role rides in the token's attributes: no store read); everyone else's
//! message goes through the room's compiled policy, then the
//! repeated-message check (each sender's last message, remembered by the instance), then slow
//! mode (one conditional write). Every refusal and every mask is written to the audit log.
//!
//! Every message it lets through (moderators' too) is recorded as delivered — its sender, for
//! deletions, and the message itself in the room's history for late joiners (two writes, sent
//! together). A message a rule holds is queued for the moderators (`HELD#`), refused to IVS
//! with `HELD`, and announced to the room with an `app:held` event (its id only: viewers see
//! nothing of it).
//!
//! What history cannot hold: a message IVS delivered without this handler's ALLOW — a review
//! that timed out or failed and fell back to ALLOW, or a room without the handler — and a
//! message whose history write failed (logged; the message still goes out).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::{
    AuditAction, Ban, ChatMessage, HeldMessage, MessageSender, SentMessage,
};
use chat_core::domain::role::Role;
use chat_core::ivs::review::{ReviewRequest, ReviewResponse, ReviewResult};
use chat_core::store::{ChatStore, SlowMode, Store};
use chat_core::telemetry;
use chat_moderation::{CompiledPolicy, Verdict, fingerprint, review};
use lambda_runtime::{Error, LambdaEvent};

/// How long an instance trusts its copy of a room's policy.
pub const POLICY_CACHE_TTL: Duration = Duration::from_secs(5);
/// How long an instance trusts what it read of a sender's ban, or its absence. The API writes a
/// ban before it acknowledges it, so from this long after a ban is acknowledged no instance lets
/// the user's messages through — inside the one second the product promises.
pub const BAN_CACHE_TTL: Duration = Duration::from_millis(500);
/// The actor named in the audit log for the handler's decisions.
const ACTOR: &str = "message-review";

/// How many senders' last messages an instance remembers for the repeat check.
const REMEMBERED_SENDERS: usize = 10_000;
/// Every this many messages recorded, an instance trims the room's history (TTL does the rest).
const TRIM_EVERY: u32 = 25;
/// One trim in this many reads the newest `historyMessages` and drops what lies beyond (at most
/// [`FULL_TRIM_BATCH`]); the others drop as many of the oldest as this instance added since —
/// a few keys read, so the cap costs little. After a full trim the room holds at most the cap,
/// and each instance then removes no more than it added, so the newest `historyMessages` stay
/// (deletions by moderators and TTL aside, which only make a trim remove a little early).
const FULL_TRIM_EVERY: u32 = 40;
const FULL_TRIM_BATCH: usize = 500;

/// Which trim a room's history is due.
enum Trim {
    Full,
    Oldest(usize),
}

#[derive(Default)]
struct TrimState {
    recorded: u32,
    trims: u32,
}
/// The event that tells a room's moderators a message awaits them.
pub const HELD_EVENT: &str = "app:held";

#[cfg(feature = "testing")]
pub mod testing;

/// (room id, user id)
type RoomUser = (String, String);

pub struct Reviewer<S> {
    store: ChatStore<S>,
    default_policy: Arc<CompiledPolicy>,
    cache: Mutex<HashMap<String, (Instant, Arc<CompiledPolicy>)>>,
    /// Each sender's last message (fingerprint, when) per room, kept in the instance: the store
    /// is touched on the hot path only for slow mode.
    last_messages: Mutex<HashMap<(String, String), (String, Instant)>>,
    /// Each sender's ban as last read (or its absence), per room.
    bans: Mutex<HashMap<RoomUser, (Instant, Option<Ban>)>>,
    /// Per room: messages recorded since its history was last trimmed, and trims so far.
    since_trim: Mutex<HashMap<String, TrimState>>,
    /// IVS, to tell moderators a message is held (none: no event).
    ivs: Option<aws_sdk_ivschat::Client>,
}

impl<S: Store> Reviewer<S> {
    pub fn new(store: ChatStore<S>, default_policy: ModerationPolicy) -> Self {
        Self {
            store,
            default_policy: Arc::new(CompiledPolicy::new(default_policy)),
            cache: Mutex::new(HashMap::new()),
            last_messages: Mutex::new(HashMap::new()),
            bans: Mutex::new(HashMap::new()),
            since_trim: Mutex::new(HashMap::new()),
            ivs: None,
        }
    }

    /// Announces held messages to their room through this IVS client.
    pub fn with_events(mut self, ivs: aws_sdk_ivschat::Client) -> Self {
        self.ivs = Some(ivs);
        self
    }

    /// Counts a message recorded in the room's history; says which trim, if any, is due.
    fn trim_due(&self, room_id: &str) -> Option<Trim> {
        let mut rooms = self
            .since_trim
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if rooms.len() >= REMEMBERED_SENDERS {
            rooms.clear();
        }
        let room = rooms.entry(room_id.to_owned()).or_default();
        room.recorded += 1;
        if room.recorded < TRIM_EVERY {
            return None;
        }
        let trim = if room.trims.is_multiple_of(FULL_TRIM_EVERY) {
            Trim::Full
        } else {
            Trim::Oldest(room.recorded as usize)
        };
        room.trims += 1;
        room.recorded = 0;
        Some(trim)
    }

    /// The sender's ban in the room, if any: read from the store at most every
    /// [`BAN_CACHE_TTL`]. If the store cannot be read the message goes on (a store outage must
    /// not silence every room), unless a ban was read before.
    async fn ban(&self, room_id: &str, user_id: &str) -> Option<Ban> {
        let key = (room_id.to_owned(), user_id.to_owned());
        let now = Instant::now();
        let cached = self
            .bans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some((at, ban)) = &cached
            && now.duration_since(*at) < BAN_CACHE_TTL
        {
            return ban.clone();
        }
        let ban = match self.store.active_ban(room_id, user_id).await {
            Ok(ban) => ban,
            Err(err) => {
                failed("ban_read");
                tracing::error!(%err, room_id, "bans unavailable");
                return cached.and_then(|(_, ban)| ban);
            }
        };
        let mut bans = self.bans.lock().unwrap_or_else(PoisonError::into_inner);
        if bans.len() >= REMEMBERED_SENDERS {
            bans.retain(|_, (at, _)| now.duration_since(*at) < BAN_CACHE_TTL);
        }
        bans.insert(key, (now, ban.clone()));
        ban
    }

    /// Whether the sender said the same thing within `window`; remembers this message.
    fn repeated(&self, room_id: &str, user_id: &str, content: &str, window: Duration) -> bool {
        let now = Instant::now();
        let print = fingerprint(content);
        let mut last = self
            .last_messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.len() >= REMEMBERED_SENDERS {
            last.retain(|_, (_, at)| now.duration_since(*at) < window);
        }
        let key = (room_id.to_owned(), user_id.to_owned());
        let repeated = last
            .get(&key)
            .is_some_and(|(previous, at)| *previous == print && now.duration_since(*at) < window);
        last.insert(key, (print, now));
        repeated
    }

    /// The room's compiled policy: cached per instance for a few seconds; the default when
    /// the room has none (or the store cannot be read: the review must still answer).
    async fn policy(&self, room_id: &str) -> Arc<CompiledPolicy> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(room_id)
            .cloned();
        if let Some((at, policy)) = cached
            && at.elapsed() < POLICY_CACHE_TTL
        {
            return policy;
        }
        let policy = match self.store.room(room_id).await {
            Ok(Some(room)) => match room.policy {
                Some(policy) => Arc::new(CompiledPolicy::new(policy)),
                None => self.default_policy.clone(),
            },
            Ok(None) => self.default_policy.clone(),
            Err(err) => {
                failed("policy_read");
                tracing::error!(%err, room_id, "room policy unavailable; applying the default");
                return self.default_policy.clone();
            }
        };
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(room_id.to_owned(), (Instant::now(), policy.clone()));
        policy
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
    let response = decide(req, reviewer).await;
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

/// Counts a store or IVS step of a review that failed (the review still answers); the log line
/// that follows names the step and the error.
fn failed(step: &'static str) {
    metrics::counter!(telemetry::REVIEW_ERRORS).increment(1);
    tracing::warn!(step, "review step failed");
}

async fn decide<S: Store>(req: ReviewRequest, reviewer: &Reviewer<S>) -> ReviewResponse {
    let role = req
        .sender
        .attributes
        .get("role")
        .and_then(|r| Role::parse(r))
        .unwrap_or(Role::Viewer);
    let room_id = req
        .room_arn
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let user = req.sender.user_id.clone();
    if let Some(ban) = reviewer.ban(&room_id, &user).await
        && ban.binds(role, chat_core::time::now_millis())
    {
        // Not audited: the ban is, and a banned user's old token must not fill the log.
        return ReviewResponse::deny(req.content, &refusal(&ban));
    }
    let policy = reviewer.policy(&room_id).await;
    if role.moderates() {
        remember(reviewer, &policy, &room_id, &req, &req.content, role).await;
        return ReviewResponse::allow(req.content, req.attributes);
    }
    match review(&policy, &req.content) {
        Verdict::Hold { rule } => {
            hold(reviewer, &room_id, &req, role, rule.reason()).await;
            ReviewResponse::deny(req.content, "HELD")
        }
        Verdict::Deny { rule } => {
            audit(
                reviewer,
                &room_id,
                AuditAction::MessageDenied,
                &user,
                rule.reason(),
            )
            .await;
            ReviewResponse::deny(req.content, rule.reason())
        }
        Verdict::Allow { content, masked } => {
            let window = Duration::from_secs(policy.policy().spam.duplicate_window_seconds.into());
            if !window.is_zero() && reviewer.repeated(&room_id, &user, &req.content, window) {
                audit(
                    reviewer,
                    &room_id,
                    AuditAction::MessageDenied,
                    &user,
                    "DUPLICATE_MESSAGE",
                )
                .await;
                return ReviewResponse::deny(req.content, "DUPLICATE_MESSAGE");
            }
            let seconds = policy.policy().slow_mode_seconds;
            if seconds > 0 && !room_id.is_empty() {
                match reviewer.store.slow_mode(&room_id, &user, seconds).await {
                    Ok(SlowMode::Wait) => {
                        audit(
                            reviewer,
                            &room_id,
                            AuditAction::MessageDenied,
                            &user,
                            "SLOW_MODE",
                        )
                        .await;
                        return ReviewResponse::deny(req.content, "SLOW_MODE");
                    }
                    Ok(SlowMode::Allowed) => {}
                    // Slow mode is a courtesy: a store outage must not silence the room.
                    Err(err) => {
                        failed("slow_mode");
                        tracing::error!(%err, "slow mode unavailable");
                    }
                }
            }
            if let Some(rule) = masked.first() {
                audit(
                    reviewer,
                    &room_id,
                    AuditAction::MessageMasked,
                    &user,
                    rule.reason(),
                )
                .await;
            }
            remember(reviewer, &policy, &room_id, &req, &content, role).await;
            ReviewResponse::allow(content, req.attributes)
        }
    }
}

/// The message as IVS will deliver it.
fn delivered(req: &ReviewRequest, content: &str, at: i64) -> ChatMessage {
    ChatMessage {
        id: req.message_id.clone(),
        content: content.to_owned(),
        attributes: req.attributes.clone().into_iter().collect(),
        sender: MessageSender {
            user_id: req.sender.user_id.clone(),
            attributes: req.sender.attributes.clone().into_iter().collect(),
        },
        send_time: at,
    }
}

/// Records a message it lets through: who sent it (so a deletion can check the hierarchy
/// against its sender) and, if the room keeps history, the message as delivered. A store
/// failure costs the record, never the message.
async fn remember<S: Store>(
    reviewer: &Reviewer<S>,
    policy: &CompiledPolicy,
    room_id: &str,
    req: &ReviewRequest,
    content: &str,
    role: Role,
) {
    if room_id.is_empty() {
        return;
    }
    let at = chat_core::time::now_millis();
    let sent = SentMessage {
        message_id: req.message_id.clone(),
        user_id: req.sender.user_id.clone(),
        role,
        at,
    };
    let settings = policy.policy();
    let keep_secs = settings.history_keep_secs();
    let message = delivered(req, content, at);
    if let Err(err) = reviewer
        .store
        .record_delivery(room_id, &sent, &message, keep_secs)
        .await
    {
        failed("record");
        tracing::error!(%err, "delivered message not recorded");
    }
    if keep_secs > 0
        && let Some(trim) = reviewer.trim_due(room_id)
    {
        // Off the review's path: IVS's 200 ms budget is the review's alone. In Lambda the task
        // finishes during the instance's next invocations.
        let store = reviewer.store.clone();
        let (room_id, keep) = (room_id.to_owned(), settings.history_messages);
        tokio::spawn(async move {
            let trimmed = match trim {
                Trim::Full => store.trim_history(&room_id, keep, FULL_TRIM_BATCH).await,
                Trim::Oldest(n) => store.drop_oldest_history(&room_id, n).await,
            };
            if let Err(err) = trimmed {
                failed("trim");
                tracing::error!(%err, "history not trimmed");
            }
        });
    }
}

/// Queues a held message for the room's moderators and tells them with an event. If the queue
/// cannot be written the message is still refused (held means not delivered).
async fn hold<S: Store>(
    reviewer: &Reviewer<S>,
    room_id: &str,
    req: &ReviewRequest,
    role: Role,
    reason: &str,
) {
    let at = chat_core::time::now_millis();
    let held = HeldMessage {
        held_id: format!("{at:015}-{}", req.message_id),
        message: delivered(req, &req.content, at),
        reason: reason.to_owned(),
        role,
    };
    if room_id.is_empty() {
        return;
    }
    if let Err(err) = reviewer.store.put_held(room_id, &held).await {
        failed("hold");
        tracing::error!(%err, "held message not queued");
        return;
    }
    audit(
        reviewer,
        room_id,
        AuditAction::MessageHeld,
        &req.sender.user_id,
        reason,
    )
    .await;
    if let Some(ivs) = &reviewer.ivs
        && !chat_core::ivs::announce(ivs, &req.room_arn, HELD_EVENT, &[("heldId", &held.held_id)])
            .await
    {
        failed("held_event");
    }
}

/// What a banned sender is told: `BANNED`, or `TIMED_OUT until <RFC 3339 time>`.
pub fn refusal(ban: &Ban) -> String {
    match ban.until {
        Some(until) => format!("{} until {}", ban.code(), chat_core::time::rfc3339(until)),
        None => ban.code().to_owned(),
    }
}

async fn audit<S: Store>(
    reviewer: &Reviewer<S>,
    room_id: &str,
    action: AuditAction,
    user: &str,
    reason: &str,
) {
    if room_id.is_empty() {
        return;
    }
    if let Err(err) = reviewer
        .store
        .audit_now(room_id, ACTOR, action, Some(user), Some(reason))
        .await
    {
        failed("audit");
        tracing::error!(%err, "audit entry not written");
    }
}
