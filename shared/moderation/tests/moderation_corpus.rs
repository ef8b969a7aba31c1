//! The moderation engine against the labelled corpus (`corpus/*.tsv`, one file per language:
//! clean chat, the Scunthorpe class, ambiguous words used innocently and as insults, numbers,
//! profanity and every way people hide it, links, spam). Each file is reviewed by the corpus
//! room with its language on. Precision and recall are reported for both splits; the thresholds
//! hold on the held-out third, which is never tuned on.

use chat_core::domain::policy::{Language, ModerationPolicy};
use chat_moderation::{CompiledPolicy, Verdict, review};

const MIN_PRECISION: f64 = 0.995;
const MIN_RECALL: f64 = 0.97;

const FILES: [(Language, &str); 5] = [
    (Language::En, include_str!("../corpus/en.tsv")),
    (Language::Es, include_str!("../corpus/es.tsv")),
    (Language::Fr, include_str!("../corpus/fr.tsv")),
    (Language::De, include_str!("../corpus/de.tsv")),
    (Language::Pt, include_str!("../corpus/pt.tsv")),
];

/// The corpus room (see `corpus/README.md`): everything on, every rule refusing.
fn corpus_room(language: Language) -> CompiledPolicy {
    let policy: ModerationPolicy = serde_json::from_value(serde_json::json!({
        "blockedTerms": ["spoiler*", "crypto giveaway", "free vbucks"],
        "profanity": "moderate",
        "languages": [language],
        "links": {"mode": "allowlist", "domains": ["example.com", "twitch.tv"]},
        "actions": {"profanity": "deny", "blockedTerms": "deny", "links": "deny"}
    }))
    .unwrap();
    CompiledPolicy::new(policy)
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
    misses: Vec<String>,
}

impl Score {
    fn lines(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

#[test]
fn precision_and_recall_hold_on_the_held_out_corpus() {
    let (mut tune, mut holdout) = (Score::default(), Score::default());
    for (language, file) in FILES {
        let room = corpus_room(language);
        for line in file.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let [expected, category, split, text] = cols[..] else {
                panic!("malformed corpus line: {line:?}");
            };
            let flagged = match review(&room, text) {
                Verdict::Deny { .. } | Verdict::Hold { .. } => true,
                Verdict::Allow { masked, .. } => !masked.is_empty(),
            };
            let score = if split == "holdout" {
                &mut holdout
            } else {
                &mut tune
            };
            let label = format!("{split} {language:?} [{category}] {text}");
            match (expected == "flag", flagged) {
                (true, true) => score.tp += 1,
                (false, true) => {
                    score.fp += 1;
                    score.misses.push(format!("false positive: {label}"));
                }
                (true, false) => {
                    score.fn_ += 1;
                    score.misses.push(format!("missed: {label}"));
                }
                (false, false) => score.tn += 1,
            }
        }
    }
    for (name, score) in [("tune", &tune), ("holdout", &holdout)] {
        println!(
            "{name}: {} lines, precision {:.4}, recall {:.4} (tp {}, fp {}, fn {}, tn {})",
            score.lines(),
            score.precision(),
            score.recall(),
            score.tp,
            score.fp,
            score.fn_,
            score.tn
        );
        for miss in &score.misses {
            println!("  {miss}");
        }
    }
    assert!(
        tune.lines() + holdout.lines() >= 1500,
        "at least 1,500 lines"
    );
    assert!(
        holdout.precision() >= MIN_PRECISION,
        "held-out precision {:.4} < {MIN_PRECISION}",
        holdout.precision()
    );
    assert!(
        holdout.recall() >= MIN_RECALL,
        "held-out recall {:.4} < {MIN_RECALL}",
        holdout.recall()
    );
}
