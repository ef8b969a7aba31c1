//! Prints every line of the hostility corpus and of HateCheck, and the allowed lines of the profanity corpus
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

/// Multilingual HateCheck (CC BY 4.0, `corpus/hatecheck/README.md`): hate against groups and
/// the counter-speech, negations and neutral mentions that share its words.
const HATECHECK: [(&str, &str); 5] = [
    ("en", include_str!("../corpus/hatecheck/en.tsv")),
    ("es", include_str!("../corpus/hatecheck/es.tsv")),
    ("fr", include_str!("../corpus/hatecheck/fr.tsv")),
    ("de", include_str!("../corpus/hatecheck/de.tsv")),
    ("pt", include_str!("../corpus/hatecheck/pt.tsv")),
];

const FILES: [(&str, &str); 5] = [
    ("en", include_str!("../corpus/hostility/en.tsv")),
    ("es", include_str!("../corpus/hostility/es.tsv")),
    ("fr", include_str!("../corpus/hostility/fr.tsv")),
    ("de", include_str!("../corpus/hostility/de.tsv")),
    ("pt", include_str!("../corpus/hostility/pt.tsv")),
];

#[derive(Clone, Copy)]
enum Source {
    Hostility,
    HateCheck,
    ProfanityClean,
}

fn main() {
    let profanity = PROFANITY.iter().map(|f| (f, Source::ProfanityClean));
    let hatecheck = HATECHECK.iter().map(|f| (f, Source::HateCheck));
    let hostility = FILES.iter().map(|f| (f, Source::Hostility));
    for ((lang, file), source) in hostility.chain(hatecheck).chain(profanity) {
        for line in file.lines().skip(1) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let [expected, category, split, text] = cols[..] else {
                continue;
            };
            let category = match source {
                Source::Hostility => category.to_owned(),
                Source::HateCheck => format!("hatecheck:{category}"),
                Source::ProfanityClean if expected == "allow" => {
                    "clean-chat:profanity-corpus".into()
                }
                Source::ProfanityClean => continue,
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
