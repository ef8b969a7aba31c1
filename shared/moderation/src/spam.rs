//! Spam: shouting (too many capitals), a character repeated past a limit, and a message that is
//! mostly one short unit or phrase repeated (`hahahahahaha`, `follow me follow me follow me …`).

use super::Rule;
use chat_core::domain::policy::SpamPolicy;

/// The longest unit a repeated-phrase check looks for, in letters and digits.
const MAX_UNIT: usize = 24;
/// Below this many letters and digits a message is too short to be phrase spam.
const MIN_PHRASE_SPAM: usize = 12;
/// The share of the message the repeats must cover.
const PHRASE_SHARE: f32 = 0.7;

pub fn check(text: &str, policy: &SpamPolicy) -> Option<Rule> {
    // One pass over the characters gathers what the three checks need.
    let (mut letters, mut upper) = (0, 0);
    let (mut run, mut longest_run, mut previous) = (0, 0, None);
    let mut folded: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let alphabetic = c.is_alphabetic();
        if alphabetic {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
        if !c.is_whitespace() {
            run = if Some(c) == previous { run + 1 } else { 1 };
            previous = Some(c);
            longest_run = longest_run.max(run);
        }
        if alphabetic || c.is_numeric() {
            folded.push(if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                c.to_lowercase().next().unwrap_or(c)
            });
        }
    }
    // Words with a letter: "GG", "LETS GO" and "TROLL SPAM 1 lol" are cheers, not shouting
    // (counted last: most messages are not shouted).
    let words = || {
        text.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
    };
    if letters >= policy.caps_min_letters
        && policy.max_caps_ratio < 1.0
        && upper as f32 / letters as f32 > policy.max_caps_ratio
        && words() >= policy.caps_min_words
    {
        return Some(Rule::Caps);
    }
    if policy.max_repeated_chars > 0 && longest_run > policy.max_repeated_chars {
        return Some(Rule::RepeatedCharacters);
    }
    if policy.max_phrase_repeats > 0 && repeated_phrase(&folded, policy.max_phrase_repeats) {
        return Some(Rule::RepeatedPhrase);
    }
    None
}

/// Whether most of the message's letters and digits (lower-cased, spaces and punctuation
/// aside) are one unit of 2 to 24 letters repeated more than `max_repeats` times in a row.
fn repeated_phrase(s: &[char], max_repeats: usize) -> bool {
    let n = s.len();
    if n < MIN_PHRASE_SPAM {
        return false;
    }
    // A repeat covering 70 % of the message covers its middle, 30 % to 70 %: a unit that does
    // not repeat there is out at once, which keeps this a few comparisons per unit.
    let (middle_start, middle_end) = (n * 3 / 10, n * 7 / 10);
    for unit in 2..=MAX_UNIT.min(n / (max_repeats + 1)) {
        if (middle_start + unit..middle_end).any(|i| s[i] != s[i - unit]) {
            continue;
        }
        // A stretch where every character equals the one a unit earlier is that unit repeated.
        let mut stretch = 0;
        for i in unit..n {
            stretch = if s[i] == s[i - unit] { stretch + 1 } else { 0 };
            let covered = stretch + unit;
            if covered / unit > max_repeats && covered as f32 >= PHRASE_SHARE * n as f32 {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str) -> bool {
        // The phrase rule alone.
        let policy = SpamPolicy {
            max_phrase_repeats: 3,
            max_repeated_chars: 0,
            max_caps_ratio: 1.0,
            ..SpamPolicy::default()
        };
        check(text, &policy) == Some(Rule::RepeatedPhrase)
    }

    #[test]
    fn repeated_units_and_phrases() {
        for spam in [
            "hahahahahahahahahahaha",
            "lolololololololololol",
            "follow me follow me follow me follow me",
            "FOLLOW ME! follow me! follow me! follow me! pls",
            "gg gg gg gg gg gg gg gg gg gg",
        ] {
            assert!(phrase(spam), "{spam}");
        }
        for fine in [
            "hahaha nice",
            "hype hype hype",
            "no no no, go left",
            "lolol",
            "follow me follow me, then turn left at the big tree near the castle gate",
            "abcdefghijklmnopqrstuvwxyz",
        ] {
            assert!(!phrase(fine), "{fine}");
        }
    }
}
