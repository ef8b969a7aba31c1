//! A room's moderation policy: what its review handler enforces. Owners and admins edit it
//! through the room API; `message-review` reads it (cached) for every message.

use serde::{Deserialize, Serialize};

/// Limits on what a policy may hold, so that a policy always compiles into matchers that
/// answer well inside IVS's 200 ms review budget.
pub const MAX_TERMS: usize = 1000;
pub const MAX_TERM_CHARS: usize = 100;
pub const MAX_DOMAINS: usize = 200;
pub const MAX_SLOW_MODE_SECONDS: u32 = 3600;
pub const MAX_HISTORY_MESSAGES: usize = 1000;
pub const MAX_HISTORY_SECONDS: u32 = 7 * 24 * 3600;
/// The longest time-out a room may make its default: two weeks, as the bans route allows.
pub const MAX_TIMEOUT_SECONDS: u32 = 14 * 24 * 3600;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfanityLevel {
    Off,
    /// Only the most severe words.
    Mild,
    /// Severe and moderate words.
    #[default]
    Moderate,
    /// Everything, including mild swearing.
    Strict,
}

/// How much hostility (or discrimination) a room catches: `low` only the gravest (threats,
/// wishes of death or harm, self-harm incitement, attacks that deny a group's humanity),
/// `moderate` (the default) also dehumanising insults, harassment aimed at a person and
/// attacks on a group, `strict` also the milder put-downs aimed at someone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HarmLevel {
    Off,
    Low,
    #[default]
    Moderate,
    Strict,
}

impl HarmLevel {
    /// One level stricter, for the borderline tier (`None` at `strict` and `off`).
    pub fn stricter(self) -> Option<Self> {
        match self {
            Self::Off | Self::Strict => None,
            Self::Low => Some(Self::Moderate),
            Self::Moderate => Some(Self::Strict),
        }
    }
}

/// A language whose profanity lexicon a room turns on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Es,
    Fr,
    De,
    Pt,
}

/// What happens to a message a rule catches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Refused: the sender gets the reason, nobody sees the message.
    Deny,
    /// Delivered with the offending part replaced by `*`.
    Mask,
    /// Held for a moderator, who approves (it is delivered) or rejects it; the sender is told
    /// it awaits a moderator (`HELD`).
    Hold,
}

/// What viewers see where a moderator deleted a message (moderators always see a stub, and
/// the sender sees their own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeletedView {
    /// Nothing: the message leaves their screen.
    #[default]
    Hide,
    /// "Message deleted by a moderator" in its place, so the chat keeps its sense.
    Stub,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// Links are fine.
    #[default]
    Allow,
    /// No links at all.
    Block,
    /// Only links to the listed domains (and their subdomains).
    Allowlist,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LinkPolicy {
    pub mode: LinkMode,
    pub domains: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SpamPolicy {
    /// Messages of at least `caps_min_letters` letters with more than this share in capitals
    /// are shouting. `1.0` (or more) turns the rule off.
    pub max_caps_ratio: f32,
    pub caps_min_letters: usize,
    /// …and at least this many words with a letter: short cheers ("GG", "LETS GO", "TROLL
    /// SPAM 1 lol") are never shouting.
    pub caps_min_words: usize,
    /// A character repeated more than this many times in a row is spam; 0 turns it off.
    pub max_repeated_chars: usize,
    /// The same message twice in a row from the same user, within this many seconds, is
    /// refused; 0 turns it off.
    pub duplicate_window_seconds: u32,
    /// A message that is mostly one short unit or phrase repeated more than this many times in
    /// a row (`hahahahaha…`, `follow me follow me …`) is spam; 0 turns it off.
    pub max_phrase_repeats: usize,
}

impl Default for SpamPolicy {
    fn default() -> Self {
        Self {
            max_caps_ratio: 0.7,
            caps_min_letters: 12,
            caps_min_words: 4,
            max_repeated_chars: 12,
            duplicate_window_seconds: 30,
            max_phrase_repeats: 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Actions {
    pub profanity: Action,
    pub blocked_terms: Action,
    pub links: Action,
    /// Threats, wishes of harm, self-harm incitement, dehumanising insults, harassment. Held
    /// for a moderator unless the room says otherwise: the frames are precise on the lines they
    /// were written for, less so on new wording (see the README's figures), and a false
    /// positive held is a delay, not a refusal.
    pub hostility: Action,
    /// Attacks on a group: origin, religion, gender, sexuality, disability.
    pub discrimination: Action,
    /// Borderline profanity, hostility and discrimination — what one level stricter would catch (mild swearing in a moderate
    /// room, an ambiguous word outside an insulting frame): delivered unless this says otherwise
    /// (`hold` sends it to the moderators' queue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub borderline: Option<Action>,
}

impl Default for Actions {
    fn default() -> Self {
        Self {
            profanity: Action::Mask,
            blocked_terms: Action::Deny,
            links: Action::Deny,
            hostility: Action::Hold,
            discrimination: Action::Hold,
            borderline: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ModerationPolicy {
    /// Words or phrases to catch; `*` matches any run of letters (`spoil*`).
    pub blocked_terms: Vec<String>,
    /// Words never caught, even when they contain a blocked or profane word.
    pub allowed_terms: Vec<String>,
    pub profanity: ProfanityLevel,
    /// Hostility aimed at a person (threats, harm wishes, self-harm incitement,
    /// dehumanising insults, harassment), in the room's languages.
    pub hostility: HarmLevel,
    /// Attacks on a group (origin, religion, gender, sexuality, disability).
    pub discrimination: HarmLevel,
    /// Whose profanity lexicons (and hostility patterns) apply (`["en"]` unless the room says otherwise).
    pub languages: Vec<Language>,
    pub links: LinkPolicy,
    pub spam: SpamPolicy,
    /// Seconds a viewer waits between two messages; 0 turns slow mode off.
    pub slow_mode_seconds: u32,
    pub actions: Actions,
    /// How many recent messages late joiners can read (0: no history).
    pub history_messages: usize,
    /// How long a message stays in history.
    pub history_seconds: u32,
    /// The length of a moderator's one-click time-out (the chat page's line tools and the
    /// card's preselected length); the bans route takes any length it is given.
    pub timeout_seconds: u32,
    /// What viewers see where a moderator deleted a message.
    pub deleted_for_viewers: DeletedView,
}

impl Default for ModerationPolicy {
    fn default() -> Self {
        Self {
            blocked_terms: Vec::new(),
            allowed_terms: Vec::new(),
            profanity: ProfanityLevel::default(),
            hostility: HarmLevel::default(),
            discrimination: HarmLevel::default(),
            languages: vec![Language::En],
            links: LinkPolicy::default(),
            spam: SpamPolicy::default(),
            slow_mode_seconds: 0,
            actions: Actions::default(),
            history_messages: 200,
            history_seconds: 24 * 3600,
            timeout_seconds: 300,
            deleted_for_viewers: DeletedView::Hide,
        }
    }
}

impl ModerationPolicy {
    /// How long a delivered message stays in history: 0 when the room keeps none.
    pub fn history_keep_secs(&self) -> i64 {
        if self.history_messages > 0 {
            i64::from(self.history_seconds)
        } else {
            0
        }
    }

    /// A policy from its JSON, checked: the parse error or every problem, in words.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let policy: Self = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let problems = policy.problems();
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(problems.join("; "))
        }
    }

    /// Every problem with the policy, in words a person can act on; empty when it is valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, terms) in [
            ("blockedTerms", &self.blocked_terms),
            ("allowedTerms", &self.allowed_terms),
        ] {
            if terms.len() > MAX_TERMS {
                out.push(format!("{name}: at most {MAX_TERMS} terms"));
            }
            if let Some(bad) = terms
                .iter()
                .find(|t| t.trim().is_empty() || t.chars().count() > MAX_TERM_CHARS)
            {
                out.push(format!(
                    "{name}: {bad:?} must be 1 to {MAX_TERM_CHARS} characters"
                ));
            }
            if name == "blockedTerms"
                && terms
                    .iter()
                    .any(|t| t.chars().all(|c| c == '*' || c.is_whitespace()))
            {
                out.push("blockedTerms: a term needs more than wildcards".to_owned());
            }
        }
        if self.links.domains.len() > MAX_DOMAINS {
            out.push(format!("links.domains: at most {MAX_DOMAINS} domains"));
        }
        if let Some(bad) = self.links.domains.iter().find(|d| !is_domain(d)) {
            out.push(format!("links.domains: {bad:?} is not a domain name"));
        }
        if self.links.mode == LinkMode::Allowlist && self.links.domains.is_empty() {
            out.push("links.domains: an allowlist needs at least one domain".to_owned());
        }
        let needs_language = self.profanity != ProfanityLevel::Off
            || self.hostility != HarmLevel::Off
            || self.discrimination != HarmLevel::Off;
        if needs_language && self.languages.is_empty() {
            out.push(
                "languages: profanity, hostility and discrimination need at least one language"
                    .to_owned(),
            );
        }
        let mut languages = self.languages.clone();
        languages.sort();
        languages.dedup();
        if languages.len() != self.languages.len() {
            out.push("languages: each language once".to_owned());
        }
        if self.history_messages > MAX_HISTORY_MESSAGES {
            out.push(format!("historyMessages: at most {MAX_HISTORY_MESSAGES}"));
        }
        if self.history_seconds > MAX_HISTORY_SECONDS {
            out.push(format!(
                "historySeconds: at most {MAX_HISTORY_SECONDS} (7 days)"
            ));
        }
        if self.timeout_seconds == 0 || self.timeout_seconds > MAX_TIMEOUT_SECONDS {
            out.push(format!(
                "timeoutSeconds: 1 to {MAX_TIMEOUT_SECONDS} (14 days)"
            ));
        }
        if self.slow_mode_seconds > MAX_SLOW_MODE_SECONDS {
            out.push(format!("slowModeSeconds: at most {MAX_SLOW_MODE_SECONDS}"));
        }
        if self.spam.max_caps_ratio.is_nan() || self.spam.max_caps_ratio <= 0.0 {
            out.push("spam.maxCapsRatio: must be above 0".to_owned());
        }
        out
    }
}

fn is_domain(value: &str) -> bool {
    let value = value.trim_end_matches('.');
    !value.is_empty()
        && value.len() <= 253
        && value.split('.').count() >= 2
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_with_defaults_and_report_problems() {
        let p: ModerationPolicy = serde_json::from_str(
            r#"{"blockedTerms":["spoiler*"],"profanity":"strict","links":{"mode":"allowlist","domains":["example.com"]},"slowModeSeconds":5}"#,
        )
        .unwrap();
        assert_eq!(p.profanity, ProfanityLevel::Strict);
        assert_eq!(p.actions.blocked_terms, Action::Deny);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        let bad = ModerationPolicy {
            blocked_terms: vec!["**".into(), "x".repeat(101)],
            links: LinkPolicy {
                mode: LinkMode::Allowlist,
                domains: vec!["not a domain".into()],
            },
            slow_mode_seconds: 99_999,
            ..Default::default()
        };
        assert_eq!(bad.problems().len(), 4, "{:?}", bad.problems());
        assert!(serde_json::from_str::<ModerationPolicy>(r#"{"profanity":"extreme"}"#).is_err());
        assert!(serde_json::from_str::<ModerationPolicy>(r#"{"unknownRule":1}"#).is_err());
        assert_eq!(ModerationPolicy::default().languages, [Language::En]);
        assert_eq!(ModerationPolicy::default().timeout_seconds, 300);
        let stubs: ModerationPolicy =
            serde_json::from_str(r#"{"deletedForViewers":"stub"}"#).unwrap();
        assert_eq!(stubs.deleted_for_viewers, DeletedView::Stub);
        assert!(serde_json::from_str::<ModerationPolicy>(r#"{"deletedForViewers":"x"}"#).is_err());
        let endless: ModerationPolicy = serde_json::from_str(r#"{"timeoutSeconds":0}"#).unwrap();
        assert_eq!(
            endless.problems(),
            ["timeoutSeconds: 1 to 1209600 (14 days)"]
        );
        assert!(serde_json::from_str::<ModerationPolicy>(r#"{"languages":["xx"]}"#).is_err());
        let twice: ModerationPolicy = serde_json::from_str(r#"{"languages":["fr","fr"]}"#).unwrap();
        assert_eq!(twice.problems(), ["languages: each language once"]);
        let none: ModerationPolicy = serde_json::from_str(r#"{"languages":[]}"#).unwrap();
        assert_eq!(
            none.problems(),
            ["languages: profanity, hostility and discrimination need at least one language"]
        );
    }
}
