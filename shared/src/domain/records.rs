//! The app's records about rooms: who owns a room and its policy, its moderators, its bans and
//! timeouts, and the audit log of every moderation action. IVS keeps the rooms themselves.

use serde::{Deserialize, Serialize};

use crate::domain::policy::ModerationPolicy;
use crate::domain::role::Role;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomRecord {
    /// The 12-character IVS room id.
    pub room_id: String,
    pub room_arn: String,
    /// The user who created the room.
    pub owner: String,
    pub name: String,
    #[serde(default)]
    pub policy: Option<ModerationPolicy>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl RoomRecord {
    pub fn new(room_id: &str, room_arn: &str, owner: &str, name: &str) -> Self {
        let now = crate::time::now_millis();
        Self {
            room_id: room_id.to_owned(),
            room_arn: room_arn.to_owned(),
            owner: owner.to_owned(),
            name: name.to_owned(),
            policy: None,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moderator {
    pub user_id: String,
    pub added_by: String,
    pub added_at: i64,
}

/// A ban (no end) or a timeout (ends at `until`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ban {
    pub user_id: String,
    /// Unix milliseconds when the timeout ends; `None` for a ban.
    pub until: Option<i64>,
    pub reason: Option<String>,
    pub by: String,
    /// The banner's role when they banned: a ban holds only against lower roles, so one
    /// placed on someone before they were known to outrank the banner never binds them.
    /// (Records from before this field were placed under the owner's rule.)
    #[serde(default = "owner_rank")]
    pub by_role: Role,
    pub at: i64,
}

fn owner_rank() -> Role {
    Role::Owner
}

impl Ban {
    pub fn is_active(&self, now_millis: i64) -> bool {
        self.until.is_none_or(|until| until > now_millis)
    }

    /// Whether this ban, now, binds someone of `role`.
    pub fn binds(&self, role: Role, now_millis: i64) -> bool {
        self.is_active(now_millis) && self.by_role.outranks(role)
    }

    /// The code a refusal carries: `BANNED`, or `TIMED_OUT` for a ban with an end.
    pub fn code(&self) -> &'static str {
        if self.until.is_some() {
            "TIMED_OUT"
        } else {
            "BANNED"
        }
    }
}

/// Who sent a delivered message, as the review handler saw it: lets a deletion check the
/// hierarchy against its sender. Kept for a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    pub message_id: String,
    pub user_id: String,
    /// The sender's role in the room when they sent it (from their token).
    pub role: Role,
    pub at: i64,
}

/// What the backend last learned of a user from their identity (written when they get a chat
/// token): lets a moderation act see that its target is an admin.
/// Who sent a chat message, as IVS shows them: their id and their token's attributes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSender {
    pub user_id: String,
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
}

/// A chat message as it was delivered to the room (content as delivered, masked if it was):
/// what history shows a late joiner, in the shape of IVS's MESSAGE.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: String,
    pub content: String,
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
    pub sender: MessageSender,
    /// When it was delivered, in Unix milliseconds.
    pub send_time: i64,
}

/// A message held for a moderator: what was sent (before any masking), and why it is held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldMessage {
    /// The id moderators act on (time first, so the queue reads oldest first).
    pub held_id: String,
    pub message: ChatMessage,
    /// The rule that held it (`PROFANITY`, `BORDERLINE_PROFANITY`, …).
    pub reason: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub user_id: String,
    pub display_name: String,
    pub admin: bool,
    pub seen_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditAction {
    RoomCreated,
    RoomUpdated,
    PolicyChanged,
    ModeratorAdded,
    ModeratorRemoved,
    EventSent,
    MessageDeleted,
    UserBanned,
    UserTimedOut,
    UserUnbanned,
    /// Disconnected without a ban.
    UserKicked,
    /// The review handler refused a message.
    MessageDenied,
    /// The review handler delivered a message with parts masked.
    MessageMasked,
    MessageHeld,
    HeldMessageApproved,
    HeldMessageRejected,
    /// A ban or time-out dropped the user's held messages (the reason counts them).
    HeldMessagesDropped,
    /// An approval was refused at decision time (the reason is the code: the sender is
    /// banned, or no longer below the moderator).
    HeldApprovalRefused,
    MessagesPurged,
}

/// One line of a room's moderation log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    /// Who acted (a user id, or `message-review`).
    pub actor: String,
    pub action: AuditAction,
    /// Whom or what it was done to (a user id, a message id).
    pub target: Option<String>,
    pub reason: Option<String>,
}

impl AuditEntry {
    /// A fresh random id (12 hex digits of a v4 UUID).
    pub fn new_id() -> String {
        uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
    }

    pub fn now(
        actor: &str,
        action: AuditAction,
        target: Option<&str>,
        reason: Option<&str>,
    ) -> Self {
        Self {
            id: Self::new_id(),
            at: crate::time::now_millis(),
            actor: actor.to_owned(),
            action,
            target: target.map(str::to_owned),
            reason: reason.map(str::to_owned),
        }
    }
}
