//! Reads lines on stdin and prints each with the engine's verdict in a room with hostility and
//! discrimination at `moderate` and every language on: a tool for writing frames.
use std::io::BufRead;

use chat_core::domain::policy::{Language, ModerationPolicy};
use chat_moderation::{CompiledPolicy, review};

const LANGUAGES: [Language; 5] = [
    Language::En,
    Language::Es,
    Language::Fr,
    Language::De,
    Language::Pt,
];

fn main() {
    let policy: ModerationPolicy = serde_json::from_value(serde_json::json!({
        "languages": ["en", "es", "fr", "de", "pt"],
        "actions": {"profanity": "deny"}
    }))
    .expect("a policy");
    let room = CompiledPolicy::new(policy);
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        println!("{:?}\t{line}", review(&room, &line));
        // What matched, where: the rules' spans, to find the one behind a false positive.
        let skeleton = chat_moderation::text::Skeleton::of(&line);
        for hit in chat_moderation::hostility::scan(&skeleton, &line, &LANGUAGES, true) {
            println!(
                "\t{:?} {:?}: {}",
                hit.kind,
                hit.level,
                &line[hit.span.0..hit.span.1]
            );
        }
    }
}
