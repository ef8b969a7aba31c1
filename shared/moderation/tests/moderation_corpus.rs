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
    /// Per category: (flagged, lines).
    categories: std::collections::BTreeMap<String, (usize, usize)>,
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

/// Reviews every line of `files`, each with its language's room; scores the two splits.
fn score(files: &[(Language, &str)], room: impl Fn(Language) -> CompiledPolicy) -> (Score, Score) {
    let (mut tune, mut holdout) = (Score::default(), Score::default());
    for &(language, file) in files {
        let room = room(language);
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
            let tally = score.categories.entry(category.to_owned()).or_default();
            tally.0 += usize::from(flagged);
            tally.1 += 1;
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
    (tune, holdout)
}

/// Prints both splits; the lines behind the held-out figures only when `show_holdout` (a split
/// someone reads while writing rules is no longer held out).
fn report(tune: &Score, holdout: &Score, show_holdout: bool) {
    for (name, score) in [("tune", tune), ("holdout", holdout)] {
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
        let flagged: Vec<String> = score
            .categories
            .iter()
            .map(|(category, (flagged, lines))| format!("{category} {flagged}/{lines}"))
            .collect();
        println!("  flagged per category: {}", flagged.join(", "));
        if name == "tune" || show_holdout {
            for miss in &score.misses {
                println!("  {miss}");
            }
        }
    }
}

#[test]
fn precision_and_recall_hold_on_the_held_out_corpus() {
    // What a moderator's queue (borderline held, the learned model run) adds on clean chat.
    let (_, queued) = score(&FILES, room_with_queue);
    println!(
        "with the borderline tier held: held-out precision {:.4} ({} allowed lines held)",
        queued.precision(),
        queued.fp
    );
    // Of those, the learned model's own (the rest is profanity's borderline tier, by design).
    let model_held: Vec<&str> = FILES
        .iter()
        .flat_map(|(_, file)| file.lines().skip(1))
        .filter_map(|line| {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            (cols.len() == 4 && cols[0] == "allow").then(|| cols[3])
        })
        .filter(|text| {
            let skeleton = chat_moderation::text::Skeleton::of(text);
            chat_moderation::model::judge(&chat_moderation::hostility::plain_words(&skeleton, text))
                .is_some()
        })
        .collect();
    println!(
        "  the learned model's: {} allowed lines of the profanity corpus (both splits): {model_held:?}",
        model_held.len()
    );
    let (tune, holdout) = score(&FILES, corpus_room);
    report(&tune, &holdout, true);
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

/// Hostility and discrimination with no swear word doing the work (`corpus/hostility/`):
/// threats, harm wishes, self-harm incitement, dehumanising insults, harassment and attacks on
/// groups, against their hard negatives (gaming violence, self-talk, praise, banter, lyrics,
/// navigation, news, support). The room: hostility and discrimination at `moderate`, refusing;
/// profanity as the corpus room has it.
const HOSTILITY_FILES: [(Language, &str); 5] = [
    (Language::En, include_str!("../corpus/hostility/en.tsv")),
    (Language::Es, include_str!("../corpus/hostility/es.tsv")),
    (Language::Fr, include_str!("../corpus/hostility/fr.tsv")),
    (Language::De, include_str!("../corpus/hostility/de.tsv")),
    (Language::Pt, include_str!("../corpus/hostility/pt.tsv")),
];
/// Floors, not goals: what the frames reach on the held-out third today (P 0.93, R 0.44; the
/// goal is P 0.98 at R 0.90 — see the README), so that a change that loses ground fails.
const HOSTILITY_MIN_PRECISION: f64 = 0.90;
const HOSTILITY_MIN_RECALL: f64 = 0.41;
/// On the lines the frames were written from: they must keep catching them, precisely.
const HOSTILITY_TUNE_MIN_PRECISION: f64 = 0.99;
const HOSTILITY_TUNE_MIN_RECALL: f64 = 0.95;

/// The corpus room with a moderator's queue: what one level stricter would catch (the learned
/// model's hits among it) is held as borderline.
fn room_with_queue(language: Language) -> CompiledPolicy {
    let policy: ModerationPolicy = serde_json::from_value(serde_json::json!({
        "blockedTerms": ["spoiler*", "crypto giveaway", "free vbucks"],
        "profanity": "moderate",
        "languages": [language],
        "links": {"mode": "allowlist", "domains": ["example.com", "twitch.tv"]},
        "actions": {"profanity": "deny", "blockedTerms": "deny", "links": "deny", "borderline": "hold"}
    }))
    .unwrap();
    CompiledPolicy::new(policy)
}

/// Floors under what a moderator's queue holds of the held-out third today (P 0.89, R 0.70).
const HOSTILITY_QUEUE_MIN_PRECISION: f64 = 0.87;
const HOSTILITY_QUEUE_MIN_RECALL: f64 = 0.68;

#[test]
fn hostility_precision_and_recall_on_the_held_out_corpus() {
    let (_, queued) = score(&HOSTILITY_FILES, room_with_queue);
    println!(
        "with the borderline tier held (frames one level stricter, and the model): held-out \
         precision {:.4}, recall {:.4}",
        queued.precision(),
        queued.recall()
    );
    assert!(
        queued.precision() >= HOSTILITY_QUEUE_MIN_PRECISION
            && queued.recall() >= HOSTILITY_QUEUE_MIN_RECALL,
        "with the queue: held-out precision {:.4}, recall {:.4}",
        queued.precision(),
        queued.recall()
    );
    let (tune, holdout) = score(&HOSTILITY_FILES, corpus_room);
    report(&tune, &holdout, std::env::var_os("SHOW_HOLDOUT").is_some());
    assert!(
        tune.precision() >= HOSTILITY_TUNE_MIN_PRECISION
            && tune.recall() >= HOSTILITY_TUNE_MIN_RECALL,
        "tune precision {:.4}, recall {:.4}",
        tune.precision(),
        tune.recall()
    );
    assert!(
        holdout.precision() >= HOSTILITY_MIN_PRECISION,
        "held-out precision {:.4} < {HOSTILITY_MIN_PRECISION}",
        holdout.precision()
    );
    assert!(
        holdout.recall() >= HOSTILITY_MIN_RECALL,
        "held-out recall {:.4} < {HOSTILITY_MIN_RECALL}",
        holdout.recall()
    );
}

/// HateCheck (English) and Multilingual HateCheck (es, fr, de, pt), CC BY 4.0: functional tests
/// of hate against groups said in words, beside the non-hateful cases that share their words
/// (negated hate, neutral and positive statements, counter-speech, abuse aimed at objects).
/// Written by others for other systems, split by template (`corpus/hatecheck/README.md`): an
/// outside view of the discrimination frames. The room is the corpus room.
const HATECHECK_FILES: [(Language, &str); 5] = [
    (Language::En, include_str!("../corpus/hatecheck/en.tsv")),
    (Language::Es, include_str!("../corpus/hatecheck/es.tsv")),
    (Language::Fr, include_str!("../corpus/hatecheck/fr.tsv")),
    (Language::De, include_str!("../corpus/hatecheck/de.tsv")),
    (Language::Pt, include_str!("../corpus/hatecheck/pt.tsv")),
];

/// Floors under today's figures (held-out templates P 0.74, R 0.36), so that a change that
/// loses ground fails; HateCheck states no goal of its own.
const HATECHECK_MIN_PRECISION: f64 = 0.72;
const HATECHECK_MIN_RECALL: f64 = 0.33;
/// With a moderator's queue (the model trained on the tune templates too): P 0.76, R 0.68.
const HATECHECK_QUEUE_MIN_PRECISION: f64 = 0.74;
const HATECHECK_QUEUE_MIN_RECALL: f64 = 0.65;

#[test]
fn hatecheck_precision_and_recall_on_held_out_templates() {
    for file in &HATECHECK_FILES {
        let (_, holdout) = score(std::slice::from_ref(file), corpus_room);
        println!(
            "{:?} held-out templates: precision {:.4}, recall {:.4}",
            file.0,
            holdout.precision(),
            holdout.recall()
        );
    }
    let (_, queued) = score(&HATECHECK_FILES, room_with_queue);
    println!(
        "with the borderline tier held (frames one level stricter, and the model): held-out \
         templates precision {:.4}, recall {:.4}",
        queued.precision(),
        queued.recall()
    );
    assert!(
        queued.precision() >= HATECHECK_QUEUE_MIN_PRECISION
            && queued.recall() >= HATECHECK_QUEUE_MIN_RECALL,
        "with the queue: held-out templates precision {:.4}, recall {:.4}",
        queued.precision(),
        queued.recall()
    );
    let (tune, holdout) = score(&HATECHECK_FILES, corpus_room);
    report(&tune, &holdout, std::env::var_os("SHOW_HOLDOUT").is_some());
    assert!(
        holdout.precision() >= HATECHECK_MIN_PRECISION && holdout.recall() >= HATECHECK_MIN_RECALL,
        "held-out templates: precision {:.4}, recall {:.4}",
        holdout.precision(),
        holdout.recall()
    );
}
