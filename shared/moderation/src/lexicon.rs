//! The profanity lexicons (`lexicon/*.tsv`, compiled by `build.rs`) matched against a message's
//! skeleton.
//!
//! - `word`, `compound` and `ambiguous` entries match whole words only, so `class`, `Scunthorpe`
//!   and `shiitake` are never caught for what they contain; `root` entries (a short, reviewed
//!   list such as `fuck`) match anywhere, and the whole word they are in is caught.
//! - A match may cross the gaps of the original only where people hide a word (`f u c k`,
//!   `s.h.i.t`: every piece one or two letters), where a multiword entry has its spaces, or
//!   where a compound splits into a listed part (`dumb ass`) — never `pen is`.
//! - `ambiguous` entries (a name, an object or an animal as well as an insult) count in strict
//!   rooms, or in an insulting frame (`frames`); a capitalised name before a surname never.
//! - A word with censor marks (`f*ck`, `wh%%e`) is tried against the entries of its length.

use std::sync::LazyLock;

use chat_core::domain::policy::{Language, ProfanityLevel};
use daachorse::DoubleArrayAhoCorasick;

use super::frames;
use super::text::{Skeleton, WILDCARD};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Root,
    Word,
    Compound,
    Ambiguous,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Severe,
    Moderate,
    Mild,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Sexual,
    Insult,
    Slur,
    Profanity,
    Bodily,
    Violence,
    Religious,
}

/// One lexicon line.
#[derive(Debug)]
pub struct Entry {
    pub term: &'static str,
    pub language: Language,
    pub kind: Kind,
    pub severity: Severity,
    pub category: Category,
    /// The lowest room level that catches it.
    pub level: ProfanityLevel,
    /// How often each letter of the skeleton stands in the term (`asshole`: the `s` twice),
    /// so `as` is not `ass`.
    runs: &'static [u16],
    /// Skeleton positions where the match may cross a gap of the original: the term's spaces,
    /// and a compound's split into a listed part.
    splits: &'static [usize],
}

include!(concat!(env!("OUT_DIR"), "/lexicon.rs"));

static AUTOMATON: LazyLock<DoubleArrayAhoCorasick<u32>> = LazyLock::new(|| {
    let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.daac"));
    DoubleArrayAhoCorasick::deserialize(bytes)
        .expect("build.rs serialized this automaton")
        .0
});

/// Every entry of every language.
pub fn entries() -> &'static [Entry] {
    ENTRIES
}

/// Loads the automaton (a copy of a few kilobytes), so the first review costs what the others do.
pub fn warm_up() {
    LazyLock::force(&AUTOMATON);
    LazyLock::force(&BY_LENGTH);
}

/// Which entries a room catches: its languages, at its level.
#[derive(Clone, Debug)]
pub struct Selection {
    pub languages: Vec<Language>,
    pub level: ProfanityLevel,
}

impl Selection {
    /// The same languages one level stricter (`None` at `strict`).
    pub fn stricter(&self) -> Option<Selection> {
        let level = match self.level {
            ProfanityLevel::Off => return None,
            ProfanityLevel::Mild => ProfanityLevel::Moderate,
            ProfanityLevel::Moderate => ProfanityLevel::Strict,
            ProfanityLevel::Strict => return None,
        };
        Some(Selection {
            languages: self.languages.clone(),
            level,
        })
    }

    fn catches(&self, entry: &Entry) -> bool {
        self.level != ProfanityLevel::Off
            && self.level >= entry.level
            && self.languages.contains(&entry.language)
    }
}

/// Byte ranges of the original text that hold profanity the room catches.
pub fn find(skeleton: &Skeleton, original: &str, selection: &Selection) -> Vec<(usize, usize)> {
    if selection.level == ProfanityLevel::Off || skeleton.letters.is_empty() {
        return Vec::new();
    }
    let mut spans = Vec::new();
    for m in AUTOMATON.find_overlapping_iter(&skeleton.text) {
        let (first, end) = (m.start(), m.end());
        for &index in GROUPS[m.value() as usize] {
            let entry = &ENTRIES[usize::from(index)];
            if selection.catches(entry)
                && runs_hold(entry, skeleton, first)
                && gaps_hold(entry, skeleton, first, end)
                && stands(entry, skeleton, original, selection, first, end)
            {
                spans.push(span(entry, skeleton, first, end - 1));
                break;
            }
        }
    }
    spans.extend(censored(skeleton, original, selection));
    merged(spans)
}

/// Spans sorted, overlapping ones joined (`motherfucker` holds two roots).
fn merged(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn runs_hold(entry: &Entry, skeleton: &Skeleton, first: usize) -> bool {
    entry
        .runs
        .iter()
        .zip(&skeleton.letters[first..])
        .all(|(need, got)| got.run >= *need)
}

/// A match crosses a gap of the original only at the entry's own splits, or where every piece
/// is one or two letters (a word spaced or dotted out).
fn gaps_hold(entry: &Entry, skeleton: &Skeleton, first: usize, end: usize) -> bool {
    let letters = &skeleton.letters[first..end];
    let gaps = (1..letters.len()).filter(|&i| letters[i].word_start);
    if gaps.clone().all(|i| entry.splits.contains(&i)) {
        return true;
    }
    let mut piece = 0;
    for (i, letter) in letters.iter().enumerate() {
        piece = if i > 0 && letter.word_start {
            1
        } else {
            piece + 1
        };
        if piece > 2 {
            return false;
        }
    }
    true
}

/// Whether the entry stands here as what it is: a root anywhere; the others as whole words;
/// an ambiguous word only where the room or the frame says it is meant as an insult.
fn stands(
    entry: &Entry,
    skeleton: &Skeleton,
    original: &str,
    selection: &Selection,
    first: usize,
    end: usize,
) -> bool {
    let letters = &skeleton.letters;
    if entry.kind == Kind::Root {
        return true;
    }
    if !letters[first].word_start || !letters[end - 1].word_end {
        return false;
    }
    if entry.kind != Kind::Ambiguous {
        return true;
    }
    !frames::is_name(skeleton, original, first, end)
        && meant_as_insult(entry, skeleton, first, selection)
}

/// An ambiguous word counts in a strict room or in an insulting frame; every other entry always.
fn meant_as_insult(
    entry: &Entry,
    skeleton: &Skeleton,
    first: usize,
    selection: &Selection,
) -> bool {
    entry.kind != Kind::Ambiguous
        || selection.level == ProfanityLevel::Strict
        || frames::insulting(
            entry.term,
            entry.language,
            skeleton,
            first,
            &selection.languages,
        )
}

/// The original text a match covers; a root takes the whole word it is in (`fucking`).
fn span(entry: &Entry, skeleton: &Skeleton, mut first: usize, mut last: usize) -> (usize, usize) {
    let letters = &skeleton.letters;
    if entry.kind == Kind::Root {
        while !letters[first].word_start {
            first -= 1;
        }
        while !letters[last].word_end {
            last += 1;
        }
    }
    (letters[first].start, letters[last].end)
}

/// Single-word entries by length, and the roots: what a censored word is tried against.
struct ByLength {
    words: Vec<Vec<&'static Entry>>,
    roots: Vec<&'static Entry>,
}

static BY_LENGTH: LazyLock<ByLength> = LazyLock::new(|| {
    let mut words: Vec<Vec<&'static Entry>> = Vec::new();
    let mut roots = Vec::new();
    for entry in ENTRIES.iter().filter(|e| !e.term.contains(' ')) {
        if entry.kind == Kind::Root {
            roots.push(entry);
        } else {
            let len = entry.term.len();
            if words.len() <= len {
                words.resize_with(len + 1, Vec::new);
            }
            words[len].push(entry);
        }
    }
    ByLength { words, roots }
});

/// One letter of a word as typed, for matching it against a spelling.
#[derive(Clone, Copy)]
struct Typed {
    letter: u8,
    /// A censor mark: any letter.
    hidden: bool,
    /// A digit or symbol: its own letter or any other.
    stand_in: bool,
}

impl Typed {
    /// Whether it shows `wanted`, and whether only by standing in for it.
    fn shows(self, wanted: u8) -> Option<bool> {
        if self.hidden {
            Some(true)
        } else if self.letter == wanted || (self.letter == b'v' && wanted == b'u') {
            Some(false)
        } else if self.stand_in {
            Some(true)
        } else {
            None
        }
    }
}

/// The term spelled by `typed`, with at most half of it hidden or stood in for.
fn spells(term: &[u8], typed: &[Typed]) -> bool {
    let mut stood_in = 0;
    for (t, y) in term.iter().zip(typed) {
        match y.shows(*t) {
            None => return false,
            Some(true) => stood_in += 1,
            Some(false) => {}
        }
    }
    stood_in * 2 <= term.len()
}

/// Words written with censor marks, stand-ins or `v` for `u` (`f*ck`, `wh%%e`, `f4ck`, `r@tard`,
/// `c0cksvcker`), tried against the single-word entries of their length and the roots: at
/// least two real letters, and at most half of the word hidden or stood in for.
fn censored(skeleton: &Skeleton, original: &str, selection: &Selection) -> Vec<(usize, usize)> {
    let letters = &skeleton.letters;
    let by_length = &*BY_LENGTH;
    let mut spans = Vec::new();
    let mut typed: Vec<Typed> = Vec::new();
    let mut begin = 0;
    while begin < letters.len() {
        let mut end = begin + 1;
        while end < letters.len() && !letters[end].word_start {
            end += 1;
        }
        let word = &letters[begin..end];
        let disguised = word
            .iter()
            .any(|l| l.letter == WILDCARD || l.stand_in || l.letter == b'v');
        if disguised {
            typed.clear();
            for l in word {
                for _ in 0..l.run {
                    typed.push(Typed {
                        letter: l.letter,
                        hidden: l.letter == WILDCARD,
                        stand_in: l.stand_in,
                    });
                }
            }
            let real = typed.iter().filter(|t| !t.hidden && !t.stand_in).count();
            let counts = |entry: &Entry| {
                selection.catches(entry) && meant_as_insult(entry, skeleton, begin, selection)
            };
            // Spelling first (cheap), then whether the room catches it here.
            let caught = real >= 2
                && (by_length.words.get(typed.len()).is_some_and(|entries| {
                    entries
                        .iter()
                        .any(|e| spells(e.term.as_bytes(), &typed) && counts(e))
                }) || by_length.roots.iter().any(|e| {
                    let term = e.term.as_bytes();
                    typed.windows(term.len()).any(|w| spells(term, w)) && counts(e)
                }))
                && !frames::is_name(skeleton, original, begin, end);
            if caught {
                spans.push((word[0].start, word[word.len() - 1].end));
            }
        }
        begin = end;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_compiles_as_the_engine_reads_it() {
        assert!(ENTRIES.len() > 700, "{} entries", ENTRIES.len());
        for entry in ENTRIES {
            let skeleton = Skeleton::of(entry.term);
            let runs: Vec<u16> = skeleton.letters.iter().map(|l| l.run).collect();
            assert_eq!(runs, entry.runs, "{}", entry.term);
            // The automaton finds the entry in its own spelling.
            let selection = Selection {
                languages: vec![entry.language],
                level: ProfanityLevel::Strict,
            };
            let found = find(&skeleton, entry.term, &selection);
            if entry.kind != Kind::Ambiguous || !entry.term.starts_with(char::is_uppercase) {
                assert_eq!(found, [(0, entry.term.len())], "{}", entry.term);
            }
        }
    }

    fn caught(languages: &[Language], level: ProfanityLevel, text: &str) -> Vec<String> {
        let selection = Selection {
            languages: languages.to_vec(),
            level,
        };
        find(&Skeleton::of(text), text, &selection)
            .into_iter()
            .map(|(a, b)| text[a..b].to_owned())
            .collect()
    }

    fn moderate(text: &str) -> Vec<String> {
        caught(&[Language::En], ProfanityLevel::Moderate, text)
    }

    #[test]
    fn roots_are_caught_inside_words_and_mask_the_word() {
        assert_eq!(moderate("what the fuck"), ["fuck"]);
        assert_eq!(moderate("absofuckinglutely"), ["absofuckinglutely"]);
        assert_eq!(moderate("you motherfuckers!"), ["motherfuckers"]);
        assert_eq!(moderate("a cocksucking move"), ["cocksucking"]);
    }

    #[test]
    fn words_only_as_whole_words() {
        for innocent in [
            "Scunthorpe United",
            "a shiitake risotto",
            "the assassin class",
            "a cocktail in Penistone",
            "Matsushita and Hancock",
            "therapist in Sussex",
            "the pen is mightier",
            "cumulus clouds over the document",
            "sniggering at the title",
        ] {
            assert!(moderate(innocent).is_empty(), "{innocent}");
        }
        assert_eq!(moderate("bitch please"), ["bitch"]);
        assert_eq!(moderate("that's bullshit"), ["bullshit"]);
    }

    #[test]
    fn compounds_also_with_their_parts_apart() {
        assert_eq!(moderate("you dumbass"), ["dumbass"]);
        assert_eq!(moderate("you dumb ass"), ["dumb ass"]);
        assert_eq!(moderate("this is bull shit"), ["bull shit"]);
        assert!(moderate("a bulls hit the fence").is_empty());
    }

    #[test]
    fn ambiguous_words_need_a_frame_or_a_strict_room() {
        for innocent in [
            "the cock crowed at dawn",
            "a knob of butter",
            "Dick Van Dyke was great",
            "summa cum laude",
            "a garden hoe",
            "there are balls of yarn everywhere",
        ] {
            assert!(moderate(innocent).is_empty(), "{innocent}");
        }
        for insult in [
            "you dick",
            "what a prick",
            "such a tit",
            "shut up you ass",
            "you absolute knob",
            "you're an ass",
            "the mods are dicks",
            "stop being a dick",
        ] {
            assert!(!moderate(insult).is_empty(), "{insult}");
        }
        let strict = |t| caught(&[Language::En], ProfanityLevel::Strict, t);
        assert_eq!(strict("the cock crowed"), ["cock"]);
        assert!(strict("Dick Van Dyke was great").is_empty(), "a name");
        assert!(strict("Alan Cumming was great").is_empty(), "a name");
    }

    #[test]
    fn numbers_are_numbers() {
        for number in [
            "take the A55 north",
            "seat 45A",
            "gate B12",
            "see you at 5:30",
            "ISBN 978-0-306-40615-7",
            "order 5512903847",
            "i7-13700K",
            "1Z999AA10123456784",
        ] {
            assert!(
                caught(&[Language::En], ProfanityLevel::Strict, number).is_empty(),
                "{number}"
            );
        }
        assert_eq!(moderate("sh1t happens"), ["sh1t"]);
        assert_eq!(moderate("you a55hole"), ["a55hole"]);
        assert_eq!(moderate("f4ck this"), ["f4ck"]);
    }

    #[test]
    fn censor_marks_stand_for_one_letter_each() {
        assert_eq!(moderate("s*it happens"), ["s*it"]);
        assert_eq!(moderate("f#ck that"), ["f#ck"]);
        assert_eq!(moderate("what a wh%%e"), ["wh%%e"]);
        assert_eq!(moderate("c0cksvcker"), ["c0cksvcker"]);
        assert!(moderate("what?ok").is_empty());
        assert!(moderate("f***").is_empty(), "too little left to tell");
        assert!(moderate("*emphasis*").is_empty());
    }

    #[test]
    fn levels_and_languages() {
        assert!(
            moderate("damn it").is_empty(),
            "mild words only in strict rooms"
        );
        assert_eq!(
            caught(&[Language::En], ProfanityLevel::Strict, "damn it"),
            ["damn"]
        );
        assert!(caught(&[Language::En], ProfanityLevel::Mild, "bitch").is_empty());
        assert!(!caught(&[Language::En], ProfanityLevel::Mild, "fuck").is_empty());
        assert!(caught(&[Language::En], ProfanityLevel::Off, "fuck").is_empty());
        assert!(moderate("eres un gilipollas").is_empty(), "Spanish is off");
        let both = [Language::En, Language::Es];
        assert_eq!(
            caught(&both, ProfanityLevel::Moderate, "eres un gilipollas"),
            ["gilipollas"]
        );
        assert_eq!(
            caught(&[Language::De], ProfanityLevel::Moderate, "so eine Scheiße"),
            ["Scheiße"]
        );
    }
}
