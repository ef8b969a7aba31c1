//! What a decision leaves behind: refusals and masks in the audit log; a delivered message's
//! sender (so a deletion can check the hierarchy against it) and the message itself in the
//! room's history (two writes, sent together); a held message in the moderators' queue, with
//! an empty `app:held` event. A store failure costs the record, never the answer to IVS.

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::{
    AuditAction, ChatMessage, HeldMessage, MessageSender, SentMessage,
};
use chat_core::ivs::review::ReviewRequest;
use chat_core::store::Store;

use crate::decide::{Decision, Sender};
use crate::{HELD_EVENT, Reviewer, failed};

/// The actor named in the audit log for the handler's decisions.
const ACTOR: &str = "message-review";

pub(crate) async fn record<S: Store>(
    reviewer: &Reviewer<S>,
    req: &ReviewRequest,
    sender: &Sender,
    decision: &Decision,
    policy: Option<&ModerationPolicy>,
) {
    match decision {
        Decision::Banned(_) => {}
        Decision::Refused(reason) => {
            audit(reviewer, sender, AuditAction::MessageDenied, reason).await;
        }
        Decision::Held(reason) => hold(reviewer, req, sender, reason).await,
        Decision::Delivered { content, masked } => {
            if let Some(reason) = masked {
                audit(reviewer, sender, AuditAction::MessageMasked, reason).await;
            }
            if let Some(policy) = policy {
                remember(reviewer, req, sender, content, policy).await;
            }
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

/// Records a message it lets through: its sender and, if the room keeps history, the message
/// as delivered; then counts it towards the room's next trim.
async fn remember<S: Store>(
    reviewer: &Reviewer<S>,
    req: &ReviewRequest,
    sender: &Sender,
    content: &str,
    policy: &ModerationPolicy,
) {
    if sender.room_id.is_empty() {
        return;
    }
    let at = chat_core::time::now_millis();
    let sent = SentMessage {
        message_id: req.message_id.clone(),
        user_id: sender.user_id.clone(),
        role: sender.role,
        at,
    };
    let keep_secs = policy.history_keep_secs();
    let message = delivered(req, content, at);
    if let Err(err) = reviewer
        .store
        .record_delivery(&sender.room_id, &sent, &message, keep_secs)
        .await
    {
        failed("record");
        tracing::error!(%err, "delivered message not recorded");
    }
    if keep_secs > 0 {
        reviewer
            .trims
            .recorded(&reviewer.store, &sender.room_id, policy.history_messages);
    }
}

/// Queues a held message for the room's moderators and tells them with an event. IVS sends
/// an event to everyone in the room, so it carries nothing: no id, no sender (viewers learn
/// only that something waits; moderators read the queue). If the queue
/// cannot be written the message is still refused (held means not delivered).
async fn hold<S: Store>(
    reviewer: &Reviewer<S>,
    req: &ReviewRequest,
    sender: &Sender,
    reason: &str,
) {
    if sender.room_id.is_empty() {
        return;
    }
    let at = chat_core::time::now_millis();
    let held = HeldMessage {
        held_id: format!("{at:015}-{}", req.message_id),
        message: delivered(req, &req.content, at),
        reason: reason.to_owned(),
        role: sender.role,
    };
    if let Err(err) = reviewer.store.put_held(&sender.room_id, &held).await {
        failed("hold");
        tracing::error!(%err, "held message not queued");
        return;
    }
    audit(reviewer, sender, AuditAction::MessageHeld, reason).await;
    if let Some(ivs) = &reviewer.ivs
        && !chat_core::ivs::announce(ivs, &req.room_arn, HELD_EVENT, &[]).await
    {
        failed("held_event");
    }
}

async fn audit<S: Store>(
    reviewer: &Reviewer<S>,
    sender: &Sender,
    action: AuditAction,
    reason: &str,
) {
    if sender.room_id.is_empty() {
        return;
    }
    if let Err(err) = reviewer
        .store
        .audit_now(
            &sender.room_id,
            ACTOR,
            action,
            Some(&sender.user_id),
            Some(reason),
        )
        .await
    {
        failed("audit");
        tracing::error!(%err, "audit entry not written");
    }
}
