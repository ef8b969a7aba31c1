//! Spam: shouting (too many capitals) and characters repeated past a limit.

use super::Rule;
use chat_core::domain::policy::SpamPolicy;

pub fn check(text: &str, policy: &SpamPolicy) -> Option<Rule> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= policy.caps_min_letters && policy.max_caps_ratio < 1.0 {
        let upper = text.chars().filter(|c| c.is_uppercase()).count();
        if upper as f32 / letters as f32 > policy.max_caps_ratio {
            return Some(Rule::Caps);
        }
    }
    if policy.max_repeated_chars > 0 {
        let mut run = 0;
        let mut previous = None;
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            run = if Some(c) == previous { run + 1 } else { 1 };
            previous = Some(c);
            if run > policy.max_repeated_chars {
                return Some(Rule::RepeatedCharacters);
            }
        }
    }
    None
}
