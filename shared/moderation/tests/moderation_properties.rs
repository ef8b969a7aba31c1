//! Any input gets a verdict, never a panic: arbitrary Unicode (invisible characters, combining
//! marks, surrogate-range neighbours, long runs), any policy the API accepts; a masked message
//! keeps its length in characters.

use chat_core::domain::policy::{
    Action, Actions, HarmLevel, LinkMode, LinkPolicy, ModerationPolicy, ProfanityLevel,
};
use chat_moderation::{CompiledPolicy, Verdict, review};
use proptest::prelude::*;

fn masking_policy(terms: Vec<String>) -> CompiledPolicy {
    CompiledPolicy::new(ModerationPolicy {
        blocked_terms: terms,
        profanity: ProfanityLevel::Strict,
        hostility: HarmLevel::Strict,
        discrimination: HarmLevel::Strict,
        links: LinkPolicy {
            mode: LinkMode::Block,
            domains: vec![],
        },
        actions: Actions {
            profanity: Action::Mask,
            blocked_terms: Action::Mask,
            links: Action::Mask,
            hostility: Action::Mask,
            discrimination: Action::Mask,
            borderline: Some(Action::Hold),
        },
        ..ModerationPolicy::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_a_verdict(text in "\\PC{0,600}", terms in prop::collection::vec("[a-z*]{1,12}", 0..20)) {
        let policy = masking_policy(terms);
        match review(&policy, &text) {
            Verdict::Allow { content, .. } => prop_assert_eq!(content.chars().count(), text.chars().count()),
            Verdict::Deny { rule } | Verdict::Hold { rule } => prop_assert!(!rule.reason().is_empty()),
        }
    }

    #[test]
    fn tricky_characters_get_a_verdict(text in "[\u{200B}\u{0301}\u{FEFF}a-z0-9!@$ .*\u{FF41}-\u{FF5A}\u{0430}-\u{044F}]{0,2000}") {
        let policy = masking_policy(vec!["spoiler*".into(), "*ware".into(), "bad word".into()]);
        let _ = review(&policy, &text);
    }
}
