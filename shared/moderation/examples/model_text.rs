//! Prints every line of the hostility corpus, and the allowed lines of the profanity corpus
//! (clean chat, innocent look-alikes: more negatives), as the learned model reads them —
//! language, expected, category, split, then the message's words joined by single spaces — for
//! `scripts/corpus/train-hostility-model.py`, which trains on the `tune` lines only.
use chat_moderation::{hostility, text::Skeleton};

const PROFANITY: [(&str, &str); 5] = [
    ("en", include_str!("../corpus/en.tsv")),
    ("es", include_str!("../corpus/es.tsv")),
    ("fr", include_str!("../corpus/fr.tsv")),
    ("de", include_str!("../corpus/de.tsv")),
    ("pt", include_str!("../corpus/pt.tsv")),
];

const FILES: [(&str, &str); 5] = [
    ("en", include_str!("../corpus/hostility/en.tsv")),
    ("es", include_str!("../corpus/hostility/es.tsv")),
    ("fr", include_str!("../corpus/hostility/fr.tsv")),
    ("de", include_str!("../corpus/hostility/de.tsv")),
    ("pt", include_str!("../corpus/hostility/pt.tsv")),
];

fn main() {
    let profanity = PROFANITY.iter().map(|f| (f, true));
    for ((lang, file), clean_only) in FILES.iter().map(|f| (f, false)).chain(profanity) {
        for line in file.lines().skip(1) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let [expected, category, split, text] = cols[..] else {
                continue;
            };
            if clean_only && expected != "allow" {
                continue;
            }
            let category = if clean_only {
                "clean-chat:profanity-corpus"
            } else {
                category
            };
            let skeleton = Skeleton::of(text);
            let words: Vec<String> = hostility::plain_words(&skeleton, text)
                .iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            println!(
                "{lang}\t{expected}\t{category}\t{split}\t{}",
                words.join(" ")
            );
        }
    }
}
