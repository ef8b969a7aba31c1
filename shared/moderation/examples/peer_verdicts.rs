//! Prints an engine's verdict on every corpus line as JSON lines, for the peer comparison in
//! `tests/peers/compare.mjs`:
//!
//!   cargo run --release -p chat-moderation --example peer_verdicts -- [ours|rustrict] [hostility] > v.jsonl
//!
//! Each line: `{"lang","text","flagged","micros"}`, `micros` being the mean time to review that
//! line over 50 runs on one core. `ours` is this engine in a profanity-only room at level
//! `moderate` with the file's language (the JS filters do profanity only, so spam and link
//! rules are left out); `rustrict` is `rustrict` 0.7 at the same level, as the engine used it
//! before it had its own lexicons (English only). With `hostility`, the lines are the hostility
//! corpus (`corpus/hostility/`) and `ours` is a room with hostility and discrimination at
//! `moderate` and profanity off (what is measured there is hostility without swear words).

use std::hint::black_box;
use std::time::Instant;

use chat_core::domain::policy::{HarmLevel, Language, ModerationPolicy, ProfanityLevel};
use chat_moderation::{CompiledPolicy, Verdict, review};
use rustrict::{Censor, Type};

const HOSTILITY_FILES: [(Language, &str, &str); 5] = [
    (
        Language::En,
        "en",
        include_str!("../corpus/hostility/en.tsv"),
    ),
    (
        Language::Es,
        "es",
        include_str!("../corpus/hostility/es.tsv"),
    ),
    (
        Language::Fr,
        "fr",
        include_str!("../corpus/hostility/fr.tsv"),
    ),
    (
        Language::De,
        "de",
        include_str!("../corpus/hostility/de.tsv"),
    ),
    (
        Language::Pt,
        "pt",
        include_str!("../corpus/hostility/pt.tsv"),
    ),
];
const FILES: [(Language, &str, &str); 5] = [
    (Language::En, "en", include_str!("../corpus/en.tsv")),
    (Language::Es, "es", include_str!("../corpus/es.tsv")),
    (Language::Fr, "fr", include_str!("../corpus/fr.tsv")),
    (Language::De, "de", include_str!("../corpus/de.tsv")),
    (Language::Pt, "pt", include_str!("../corpus/pt.tsv")),
];
const RUNS: u32 = 50;

fn main() {
    let engine = std::env::args().nth(1).unwrap_or_else(|| "ours".into());
    let hostility = std::env::args().nth(2).is_some_and(|a| a == "hostility");
    let files = if hostility { HOSTILITY_FILES } else { FILES };
    let rustrict_level = (Type::PROFANE | Type::OFFENSIVE | Type::SEXUAL)
        & Type::MODERATE_OR_HIGHER
        | Type::MEAN & Type::SEVERE;
    for (language, lang, file) in files {
        let (profanity, harm) = if hostility {
            (ProfanityLevel::Off, HarmLevel::Moderate)
        } else {
            (ProfanityLevel::Moderate, HarmLevel::Off)
        };
        let mut policy = ModerationPolicy {
            languages: vec![language],
            profanity,
            hostility: harm,
            discrimination: harm,
            ..ModerationPolicy::default()
        };
        policy.spam.max_caps_ratio = 1.0;
        policy.spam.max_repeated_chars = 0;
        policy.spam.max_phrase_repeats = 0;
        let room = CompiledPolicy::new(policy);
        let flagged = |text: &str| -> bool {
            match engine.as_str() {
                "ours" => match review(&room, text) {
                    Verdict::Deny { .. } | Verdict::Hold { .. } => true,
                    Verdict::Allow { masked, .. } => !masked.is_empty(),
                },
                "rustrict" => Censor::from_str(text).analyze().is(rustrict_level),
                other => panic!("unknown engine {other:?}: ours or rustrict"),
            }
        };
        for line in file.lines().skip(1).filter(|l| !l.is_empty()) {
            let Some(text) = line.splitn(4, '\t').nth(3) else {
                continue;
            };
            let verdict = flagged(text);
            let started = Instant::now();
            for _ in 0..RUNS {
                black_box(flagged(black_box(text)));
            }
            let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(RUNS);
            println!(
                "{}",
                serde_json::json!({"lang": lang, "text": text, "flagged": verdict, "micros": micros})
            );
        }
    }
}
