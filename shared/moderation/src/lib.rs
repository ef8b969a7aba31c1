//! The moderation engine the review handler runs on every message: a room's policy compiled
//! into matchers once, then one pass per rule over the message.
//!
//! Rules, in order: the room's blocked terms (evasion-aware, `*` wildcards, allowed terms win),
//! profanity by level and language (this crate's own lexicons, compiled at build time, matched
//! on word boundaries of the skeleton so `assassin` and `Scunthorpe` pass, with ambiguous words
//! caught only as insults), links (off, or only allowed domains and their subdomains, bare
//! domains included), and spam (shouting, repeated characters, repeated units and phrases).
//! Each rule either refuses the message with a reason code or masks what it caught with `*`.

mod frames;
pub mod lexicon;
mod links;
mod spam;
mod terms;
pub mod text;

use chat_core::domain::policy::{Action, LinkMode, ModerationPolicy, ProfanityLevel};
use lexicon::Selection;
use terms::TermSet;
use text::Skeleton;

/// What a rule caught, as the reason code the sender is shown (IVS passes `Reason` on in the
/// ERROR 406 it sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    BlockedTerm,
    Profanity,
    Link,
    Caps,
    RepeatedCharacters,
    RepeatedPhrase,
}

impl Rule {
    pub fn reason(self) -> &'static str {
        match self {
            Self::BlockedTerm => "BLOCKED_TERM",
            Self::Profanity => "PROFANITY",
            Self::Link => "LINK_NOT_ALLOWED",
            Self::Caps => "EXCESSIVE_CAPS",
            Self::RepeatedCharacters => "REPEATED_CHARACTERS",
            Self::RepeatedPhrase => "REPEATED_PHRASE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Deliver `content` (the original, or with caught parts masked by the listed rules).
    Allow {
        content: String,
        masked: Vec<Rule>,
    },
    Deny {
        rule: Rule,
    },
}

/// A policy compiled for matching: build once per policy, use for every message.
pub struct CompiledPolicy {
    policy: ModerationPolicy,
    blocked: TermSet,
    allowed: TermSet,
    profanity: Option<Selection>,
}

impl CompiledPolicy {
    pub fn new(policy: ModerationPolicy) -> Self {
        let profanity = (policy.profanity != ProfanityLevel::Off).then(|| Selection {
            languages: policy.languages.clone(),
            level: policy.profanity,
        });
        Self {
            blocked: TermSet::new(&policy.blocked_terms),
            allowed: TermSet::new(&policy.allowed_terms),
            profanity,
            policy,
        }
    }

    pub fn policy(&self) -> &ModerationPolicy {
        &self.policy
    }
}

/// Builds what the engine needs up front, so the first message costs what every other does.
pub fn warm_up() {
    lexicon::warm_up();
    let _ = CompiledPolicy::new(ModerationPolicy::default());
    let _ = links::find("warm up example.com");
}

/// What a message says once the tricks are taken out, as a short stable string: the same
/// message typed again (louder, with accents or look-alike letters, with an extra `!`) has
/// the same fingerprint.
/// Numbers count: "round 1" and "round 2" are different messages.
pub fn fingerprint(content: &str) -> String {
    use std::hash::{Hash, Hasher};
    let skeleton = Skeleton::of(content);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    if skeleton.text.is_empty() {
        content.trim().hash(&mut hasher);
    } else {
        skeleton.text.hash(&mut hasher);
        for digit in content.chars().filter(char::is_ascii_digit) {
            digit.hash(&mut hasher);
        }
    }
    format!("{:016x}", hasher.finish())
}

/// Reviews one message against a compiled policy.
pub fn review(policy: &CompiledPolicy, content: &str) -> Verdict {
    let skeleton = Skeleton::of(content);
    let allowed = policy.allowed.find(&skeleton);
    let is_allowed = |(a, b): (usize, usize)| allowed.iter().any(|&(x, y)| x <= a && b <= y);
    let mut masks: Vec<(usize, usize)> = Vec::new();
    let mut masked = Vec::new();
    let actions = &policy.policy.actions;

    // Blocked terms.
    let hits: Vec<_> = policy
        .blocked
        .find(&skeleton)
        .into_iter()
        .filter(|s| !is_allowed(*s))
        .collect();
    if !hits.is_empty() {
        match actions.blocked_terms {
            Action::Deny => {
                return Verdict::Deny {
                    rule: Rule::BlockedTerm,
                };
            }
            Action::Mask => {
                masks.extend(hits);
                masked.push(Rule::BlockedTerm);
            }
        }
    }

    // Profanity: what an allowed term covers is not caught.
    if let Some(selection) = &policy.profanity {
        let hits: Vec<_> = lexicon::find(&skeleton, content, selection)
            .into_iter()
            .filter(|s| !is_allowed(*s))
            .collect();
        if !hits.is_empty() {
            match actions.profanity {
                Action::Deny => {
                    return Verdict::Deny {
                        rule: Rule::Profanity,
                    };
                }
                Action::Mask => {
                    masks.extend(hits);
                    masked.push(Rule::Profanity);
                }
            }
        }
    }

    // Links.
    if policy.policy.links.mode != LinkMode::Allow {
        let refused: Vec<_> = links::find(content)
            .into_iter()
            .filter(|link| {
                policy.policy.links.mode == LinkMode::Block
                    || !links::host_allowed(&link.host, &policy.policy.links.domains)
            })
            .collect();
        if !refused.is_empty() {
            match actions.links {
                Action::Deny => return Verdict::Deny { rule: Rule::Link },
                Action::Mask => {
                    masks.extend(refused.iter().map(|l| (l.start, l.end)));
                    masked.push(Rule::Link);
                }
            }
        }
    }

    // Spam.
    if let Some(rule) = spam::check(content, &policy.policy.spam) {
        return Verdict::Deny { rule };
    }

    Verdict::Allow {
        content: mask(content, &masks),
        masked,
    }
}

/// The text with every character inside the spans replaced by `*`.
fn mask(text: &str, spans: &[(usize, usize)]) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    text.char_indices()
        .map(|(i, c)| {
            if !c.is_whitespace() && spans.iter().any(|&(a, b)| a <= i && i < b) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_core::domain::policy::{Actions, LinkPolicy};

    fn policy(json: &str) -> CompiledPolicy {
        CompiledPolicy::new(serde_json::from_str(json).unwrap())
    }

    fn denied(p: &CompiledPolicy, text: &str) -> Option<&'static str> {
        match review(p, text) {
            Verdict::Deny { rule } => Some(rule.reason()),
            Verdict::Allow { .. } => None,
        }
    }

    #[test]
    fn blocked_terms_deny_or_mask() {
        let p = policy(
            r#"{"blockedTerms": ["spoil*", "ending"], "allowedTerms": ["happy ending"], "profanity": "off"}"#,
        );
        assert_eq!(denied(&p, "SPOILERS: he dies"), Some("BLOCKED_TERM"));
        assert_eq!(denied(&p, "the e n d i n g was sad"), Some("BLOCKED_TERM"));
        assert_eq!(denied(&p, "what a happy ending"), None, "allowed terms win");
        assert_eq!(denied(&p, "pending review"), None);
        let mut masking = p.policy().clone();
        masking.actions = Actions {
            blocked_terms: Action::Mask,
            ..Actions::default()
        };
        let p = CompiledPolicy::new(masking);
        assert_eq!(
            review(&p, "no spoilers please"),
            Verdict::Allow {
                content: "no ******** please".into(),
                masked: vec![Rule::BlockedTerm]
            }
        );
    }

    #[test]
    fn profanity_by_level_with_evasions() {
        let strict = policy(r#"{"profanity": "strict", "actions": {"profanity": "deny"}}"#);
        for text in [
            "fuck this",
            "f u c k",
            "fuuuuck",
            "f*ck off",
            "ｆｕｃｋ",
            "fսck",
            "sh1t",
        ] {
            assert_eq!(denied(&strict, text), Some("PROFANITY"), "{text}");
        }
        for text in [
            "I love this stream",
            "an assassin in Scunthorpe",
            "classic cocktail",
            "pass it on",
        ] {
            assert_eq!(denied(&strict, text), None, "{text}");
        }
        let off = policy(r#"{"profanity": "off"}"#);
        assert_eq!(denied(&off, "fuck"), None);
        let masking = policy(r#"{"profanity": "moderate"}"#);
        match review(&masking, "this is fucking great") {
            Verdict::Allow { content, masked } => {
                assert_eq!(masked, [Rule::Profanity]);
                assert!(
                    !content.contains("fuck")
                        && content.starts_with("this is ")
                        && content.ends_with(" great"),
                    "{content}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn links_by_mode() {
        let block = policy(r#"{"profanity": "off", "links": {"mode": "block"}}"#);
        assert_eq!(
            denied(&block, "go to evil.io now"),
            Some("LINK_NOT_ALLOWED")
        );
        assert_eq!(denied(&block, "no links. ok?"), None);
        let allowlist = CompiledPolicy::new(ModerationPolicy {
            profanity: ProfanityLevel::Off,
            links: LinkPolicy {
                mode: LinkMode::Allowlist,
                domains: vec!["example.com".into()],
            },
            ..ModerationPolicy::default()
        });
        assert_eq!(
            denied(&allowlist, "clips at https://clips.example.com/x"),
            None
        );
        assert_eq!(
            denied(&allowlist, "free stuff at http://example.com.evil.io"),
            Some("LINK_NOT_ALLOWED")
        );
    }

    #[test]
    fn spam_rules() {
        let p = policy(r#"{"profanity": "off"}"#);
        assert_eq!(
            denied(&p, "WHY IS NOBODY ANSWERING ME"),
            Some("EXCESSIVE_CAPS")
        );
        assert_eq!(denied(&p, "OK lol"), None, "short shouting is fine");
        assert_eq!(
            denied(&p, "gooooooooooooooooal"),
            Some("REPEATED_CHARACTERS")
        );
        assert_eq!(denied(&p, "goooal"), None);
    }

    #[test]
    fn odd_input_never_panics() {
        let p = policy(
            r#"{"blockedTerms": ["x*"], "profanity": "strict", "links": {"mode": "block"}}"#,
        );
        for text in [
            "",
            " ",
            "\u{0}",
            "\u{200B}\u{200B}",
            "é\u{301}\u{301}",
            &"a".repeat(100_000),
            &"\u{200B}".repeat(50_000),
            "🙂🙃",
            "\u{FFFF}\u{10FFFF}",
        ] {
            let _ = review(&p, text);
        }
    }

    #[test]
    fn fingerprints_see_through_tricks_but_not_numbers() {
        assert_eq!(fingerprint("HELLO there!!"), fingerprint("hello there"));
        assert_eq!(fingerprint("ｈéllo thère"), fingerprint("hello there"));
        assert_ne!(
            fingerprint("round 1 tonight"),
            fingerprint("round 2 tonight")
        );
        assert_ne!(fingerprint("hello there"), fingerprint("bye there"));
    }
}
