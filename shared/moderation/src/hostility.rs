//! Hostility without swear words: threats, wishes of harm, self-harm incitement, dehumanising
//! insults and harassment aimed at a person, and attacks on a group — caught by what a message
//! says to whom, not by its words alone. "kill the boss", "you're killing it" and "I'm dying
//! lol" use the same words as a threat; what tells them apart is the frame: a harm verb with a
//! person as its object, a wish with "you" and a harm, a group with a dehumanising predicate.
//!
//! The frames are data (`hostility/{en,es,fr,de,pt}.txt`, see `hostility/README.md`): named
//! word classes (`@you = you u ur …`) and rules over them, each with its category, the lowest
//! room level that catches it, and the elements that must follow each other (with `~N`, up to N
//! other words between). Every word is read through the message skeleton ([`Skeleton`]), so
//! look-alike letters, leetspeak and spacing change nothing. A rule marked `!neg` does not
//! count next to a negation ("I hope you don't die", "they are not disgusting").

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chat_core::domain::policy::{HarmLevel, Language};

use super::model;
use super::text::Skeleton;

/// What a rule is about: hostility towards a person, or an attack on a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Hostility,
    Discrimination,
}

/// One word of the message: its skeleton letters and where it stands in the original.
struct Word<'a> {
    text: &'a [u8],
    /// The word's number in the rules' vocabulary, if any rule names it.
    id: Option<u32>,
    start: usize,
    end: usize,
}

/// A word the rules name: a whole word (by its number in the vocabulary), or a prefix
/// (`kill*`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    Exact(u32),
    Prefix(Vec<u8>),
}

impl Pattern {
    fn matches(&self, word: &Word) -> bool {
        match self {
            Self::Exact(id) => word.id == Some(*id),
            Self::Prefix(p) => word.text.starts_with(p),
        }
    }
}

/// Every whole word the rules name, numbered: a message's words are looked up once each, and
/// every comparison after is of numbers.
#[derive(Default)]
struct Vocabulary {
    /// foldhash, not SipHash: every word of every message is looked up here (a third of a
    /// scan's cost with SipHash); the keys are the rules' own words, not the sender's.
    ids: HashMap<Vec<u8>, u32, foldhash::fast::RandomState>,
}

impl Vocabulary {
    fn id(&mut self, word: Vec<u8>) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(word).or_insert(next)
    }
}

/// One alternative of an element: a run of words (`no one`, `go back`).
type Phrase = Vec<Pattern>;

/// An element's alternatives are shared (`Arc`): the same token (`@you`, a class of a hundred
/// group names) stands in many rules, and start-up, on a Lambda's cold start, builds it once.
#[derive(Clone, Debug)]
struct Element {
    alternatives: Arc<[Phrase]>,
    /// The one-word whole-word alternatives, sorted (looked up by binary search); the others
    /// (runs of words, prefixes) stay in `alternatives`.
    singles: Arc<[u32]>,
    /// How many other words may stand before this element (after the previous one).
    gap: usize,
}

#[derive(Debug)]
struct Rule {
    kind: Kind,
    /// The lowest room level that catches it.
    level: HarmLevel,
    language: Language,
    /// Guards (`!neg`, `!game`, `!counter`, `!clause`): the rule does not count when a word of
    /// the language's `@neg` (`@game`, …) class stands in the match or in the words the guard
    /// reaches before and after it.
    guards: Vec<Guard>,
    /// `alone`: only when the match is the whole message but for one word ("muérete" or
    /// "crève, idiot" said to someone; "muérete de risa" is a laugh).
    alone: bool,
    elements: Vec<Element>,
    /// `{ … } ~N`: the elements in any order, all within N words (`None`: in order, each
    /// within its gap).
    window: Option<usize>,
    /// A window's rarest element: the one a match is looked for from (indexed by its words),
    /// so that a window of "hope … you … die" wakes on "hope", not on every "you".
    anchor: usize,
}

/// Words too common to wake a window on (one is chosen as its anchor only when every element
/// has them).
const COMMON: &[&[u8]] = &[
    b"you",
    b"u",
    b"your",
    b"ur",
    b"yourself",
    b"i",
    b"me",
    b"a",
    b"an",
    b"the",
    b"and",
    b"to",
    b"it",
    b"is",
    b"are",
    b"of",
    b"in",
    b"on",
    b"for",
    b"be",
    b"at",
    b"my",
    b"that",
    b"this",
    b"so",
    b"just",
    b"al",
    b"not",
    b"no",
    b"we",
    b"te",
    b"tu",
    b"que",
    b"de",
    b"la",
    b"le",
    b"el",
    b"du",
    b"dich",
    b"dir",
    b"ich",
    b"voce",
    b"vc",
    b"e",
    b"es",
    b"et",
    b"o",
    b"um",
];

/// How often an element's first words turn up in chat: its common or prefix first words,
/// then its count of alternatives.
fn rarity(element: &Element, common: &[u32]) -> (usize, usize) {
    let singles = element
        .singles
        .iter()
        .filter(|id| common.contains(id))
        .count();
    let others = element
        .alternatives
        .iter()
        .filter(|p| match p.first() {
            Some(Pattern::Exact(id)) => common.contains(id),
            Some(Pattern::Prefix(_)) | None => true,
        })
        .count();
    (
        singles + others,
        element.singles.len() + element.alternatives.len(),
    )
}

/// The element a window is looked for from: the rarest.
fn anchor_of(elements: &[Element], common: &[u32]) -> usize {
    (0..elements.len())
        .min_by_key(|&i| rarity(&elements[i], common))
        .unwrap_or(0)
}

/// The whole words an element can begin with (`None` if one of its alternatives begins with a
/// prefix): one of them must be in a message for the element to stand in it.
fn first_words(element: &Element) -> Option<Vec<u32>> {
    let mut ids = element.singles.to_vec();
    for phrase in element.alternatives.iter() {
        match phrase.first() {
            Some(Pattern::Exact(id)) => ids.push(*id),
            Some(Pattern::Prefix(_)) | None => return None,
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

impl Element {
    /// Sorts the alternatives: one whole word each into `singles`, the rest kept in order.
    fn new(phrases: Vec<Phrase>, gap: usize) -> Self {
        let (singles, alternatives): (Vec<Phrase>, Vec<Phrase>) = phrases
            .into_iter()
            .partition(|p| matches!(p.as_slice(), [Pattern::Exact(_)]));
        let mut singles: Vec<u32> = singles
            .iter()
            .filter_map(|p| match p.first() {
                Some(Pattern::Exact(id)) => Some(*id),
                _ => None,
            })
            .collect();
        singles.sort_unstable();
        singles.dedup();
        Self {
            alternatives: alternatives.into(),
            singles: singles.into(),
            gap,
        }
    }

    /// The same alternatives at another gap.
    fn at_gap(&self, gap: usize) -> Self {
        Self {
            gap,
            ..self.clone()
        }
    }

    /// Where the element ends if it stands at `at`: each way it can (one word, a run).
    fn ends<'w>(&'w self, words: &'w [Word], at: usize) -> impl Iterator<Item = usize> + 'w {
        let single = words
            .get(at)
            .and_then(|w| w.id)
            .filter(|id| self.singles.binary_search(id).is_ok())
            .map(|_| at + 1);
        single.into_iter().chain(
            self.alternatives
                .iter()
                .filter_map(move |p| phrase_at(p, words, at)),
        )
    }
}

/// Every language's rules, and the guard classes of each.
struct Rules {
    rules: Vec<Rule>,
    guards: HashMap<(Language, &'static str), Element>,
    vocabulary: Vocabulary,
    /// The rules a word can start a match of (an ordered rule's first element, a window's
    /// anchor), by the word's number, so each word of a message tries only those.
    by_first_word: Vec<Vec<usize>>,
    /// Likewise for first words written as prefixes (`kill*`).
    by_first_prefix: Vec<(Vec<u8>, usize)>,
    /// The elements a word can begin, as (rule, the element's bit): a rule is tried only when
    /// every element of it that begins with whole words has one of its first words in the
    /// message, so most chat lines try none.
    by_element_word: Vec<Vec<(u32, u64)>>,
    /// Each rule's bits of elements that begin with whole words (one per element, the first 64).
    needed: Vec<u64>,
}

impl Rules {
    fn index(
        rules: Vec<Rule>,
        guards: HashMap<(Language, &'static str), Element>,
        vocabulary: Vocabulary,
    ) -> Self {
        let mut by_first_word: Vec<Vec<usize>> = vec![Vec::new(); vocabulary.ids.len()];
        let mut by_first_prefix = Vec::new();
        let mut by_element_word: Vec<Vec<(u32, u64)>> = vec![Vec::new(); vocabulary.ids.len()];
        let mut needed = vec![0; rules.len()];
        for (index, rule) in rules.iter().enumerate() {
            for (element, bit) in rule.elements.iter().zip((0..64).map(|b| 1u64 << b)) {
                if let Some(ids) = first_words(element) {
                    needed[index] |= bit;
                    for id in ids {
                        by_element_word[id as usize].push((index as u32, bit));
                    }
                }
            }
            let starter = match rule.window {
                Some(_) => &rule.elements[rule.anchor],
                None => &rule.elements[0],
            };
            let mut starts = |id: u32| {
                let rules = &mut by_first_word[id as usize];
                if rules.last() != Some(&index) {
                    rules.push(index);
                }
            };
            for &id in starter.singles.iter() {
                starts(id);
            }
            for alternative in starter.alternatives.iter() {
                match alternative.first() {
                    Some(Pattern::Exact(id)) => starts(*id),
                    Some(Pattern::Prefix(prefix)) => by_first_prefix.push((prefix.clone(), index)),
                    None => {}
                }
            }
        }
        Self {
            rules,
            guards,
            vocabulary,
            by_first_word,
            by_first_prefix,
            by_element_word,
            needed,
        }
    }

    /// Which rules of `languages` the message's words make possible (`None`: not one).
    fn possible(&self, words: &[Word], languages: &[Language]) -> Option<Vec<bool>> {
        let mut found = vec![0u64; self.rules.len()];
        for id in words.iter().filter_map(|w| w.id) {
            for &(rule, bit) in &self.by_element_word[id as usize] {
                found[rule as usize] |= bit;
            }
        }
        let possible: Vec<bool> = (found.iter().zip(&self.needed).zip(&self.rules))
            .map(|((found, needed), rule)| {
                found & needed == *needed && languages.contains(&rule.language)
            })
            .collect();
        possible.contains(&true).then_some(possible)
    }

    /// The rules a match may start with `word`, each once, in rule order.
    fn starting_with(&self, word: &Word, out: &mut Vec<usize>) {
        out.clear();
        if let Some(id) = word.id {
            out.extend_from_slice(&self.by_first_word[id as usize]);
        }
        let before = out.len();
        out.extend(
            self.by_first_prefix
                .iter()
                .filter(|(prefix, _)| word.text.starts_with(prefix))
                .map(|(_, index)| *index),
        );
        if out.len() > before {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Extra words allowed at every written gap: people pad what they say ("I know *exactly*
/// where you live").
const SLACK: usize = 1;

/// A guard flag: the class it names, and how many words before and after a match it reaches
/// besides the match itself.
#[derive(Clone, Copy, Debug)]
struct Guard {
    name: &'static str,
    before: usize,
    after: usize,
}

/// The guard flags a rule may carry. A negation comes before what it negates, but a game is
/// often named after the threat ("I'll get you at the choke point"). `clause` reaches only
/// inside the match: "nobody wants you" is an insult, "nobody wants *that* anything happens
/// to you" is comfort.
const GUARDS: &[Guard] = &[
    Guard {
        name: "neg",
        before: 3,
        after: 0,
    },
    Guard {
        name: "game",
        before: 3,
        after: 4,
    },
    Guard {
        name: "counter",
        before: 3,
        after: 4,
    },
    Guard {
        name: "clause",
        before: 0,
        after: 0,
    },
];

const SOURCES: &[(Language, &str)] = &[
    (Language::En, include_str!("../hostility/en.txt")),
    (Language::Es, include_str!("../hostility/es.txt")),
    (Language::Fr, include_str!("../hostility/fr.txt")),
    (Language::De, include_str!("../hostility/de.txt")),
    (Language::Pt, include_str!("../hostility/pt.txt")),
];

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let mut vocabulary = Vocabulary::default();
    let common: Vec<u32> = COMMON.iter().map(|w| vocabulary.id(w.to_vec())).collect();
    let mut rules = Vec::new();
    let mut guards = HashMap::new();
    for (language, source) in SOURCES {
        let (parsed, classes) = parse(*language, source, &mut vocabulary, &common)
            .unwrap_or_else(|e| panic!("hostility/{language:?}: {e}"));
        rules.extend(parsed);
        for (guard, phrases) in classes {
            guards.insert((*language, guard), Element::new(phrases, 0));
        }
    }
    Rules::index(rules, guards, vocabulary)
});

/// Parses the rules, so the first message costs what the others do.
pub fn warm_up() {
    LazyLock::force(&RULES);
}

/// The skeleton of one written word (`you're` → `youre`: the rules write words as people do).
fn skeleton_word(word: &str) -> Vec<u8> {
    // Most rule words are plain ASCII letters, whose skeleton is the word in lower case with
    // doubled letters once (`kill` → `kil`): read so, the rules parse in a third of the time
    // (start-up is on a Lambda's cold start).
    if word.bytes().all(|b| b.is_ascii_alphabetic()) {
        let mut letters: Vec<u8> = word.bytes().map(|b| b.to_ascii_lowercase()).collect();
        letters.dedup();
        return letters;
    }
    Skeleton::of(word).text
}

/// A phrase as written: words joined by `_` (`no_one`), a word ending in `*` a prefix; `@`
/// alone is a mention. `None` if a word has no letters.
fn phrase(written: &str, vocabulary: &mut Vocabulary) -> Option<Phrase> {
    written
        .split('_')
        .map(|w| {
            if w == "@" {
                return Some(Pattern::Exact(vocabulary.id(b"@".to_vec())));
            }
            let (word, prefix) = match w.strip_suffix('*') {
                Some(p) => (p, true),
                None => (w, false),
            };
            let letters = skeleton_word(word);
            if letters.is_empty() {
                None
            } else if prefix {
                Some(Pattern::Prefix(letters))
            } else {
                Some(Pattern::Exact(vocabulary.id(letters)))
            }
        })
        .collect()
}

/// The rules, and the guard classes (`@neg`, `@game`) by guard name.
type Parsed = (Vec<Rule>, Vec<(&'static str, Vec<Phrase>)>);

/// `@class = alt alt …` lines, then `kind level [!neg] : element …` lines (`#` comments).
fn parse(
    language: Language,
    source: &str,
    vocabulary: &mut Vocabulary,
    common: &[u32],
) -> Result<Parsed, String> {
    let mut classes: HashMap<&str, Vec<Phrase>> = HashMap::new();
    // Each distinct token (`@you`, `hate|hates`) built once, then shared by every rule using it.
    let mut built: HashMap<&str, Element> = HashMap::new();
    let mut rules = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        if let Some((name, alternatives)) = line.split_once('=') {
            let name = name.trim();
            if !name.starts_with('@') {
                return Err(at(format!("a class name starts with @: {name}")));
            }
            let mut phrases = Vec::new();
            for alt in alternatives.split_whitespace() {
                match alt.strip_prefix('@').filter(|c| !c.is_empty()) {
                    Some(_) => phrases.extend(
                        classes
                            .get(alt)
                            .ok_or_else(|| at(format!("unknown class {alt}")))?
                            .iter()
                            .cloned(),
                    ),
                    None => phrases.push(
                        phrase(alt, vocabulary)
                            .ok_or_else(|| at(format!("{alt} has a word with no letters")))?,
                    ),
                }
            }
            // A class defined again changes the tokens already built with it.
            if classes.insert(name, phrases).is_some() {
                built.clear();
            }
            continue;
        }
        let (head, body) = line
            .split_once(':')
            .ok_or_else(|| at("a rule is `kind level : elements`".into()))?;
        let mut head = head.split_whitespace();
        let kind = match head.next() {
            Some("hostility") => Kind::Hostility,
            Some("discrimination") => Kind::Discrimination,
            other => return Err(at(format!("unknown kind {other:?}"))),
        };
        let level = match head.next() {
            Some("low") => HarmLevel::Low,
            Some("moderate") => HarmLevel::Moderate,
            Some("strict") => HarmLevel::Strict,
            other => return Err(at(format!("unknown level {other:?}"))),
        };
        let mut guards = Vec::new();
        let mut alone = false;
        for flag in head {
            if flag == "alone" {
                alone = true;
                continue;
            }
            let guard = flag
                .strip_prefix('!')
                .and_then(|g| GUARDS.iter().find(|known| known.name == g))
                .ok_or_else(|| at(format!("unknown flag {flag}")))?;
            guards.push(*guard);
        }
        // Counter-speech quotes hate against a group to condemn it ("saying 'women are trash'
        // is hateful"): every discrimination rule is guarded against it. Not hostility's: "I
        // said I'll kill you" is a threat however it is introduced.
        if kind == Kind::Discrimination && !guards.iter().any(|g: &Guard| g.name == "counter") {
            guards.extend(GUARDS.iter().filter(|g| g.name == "counter"));
        }
        let body = body.trim();
        let (body, window) = match body.strip_prefix('{') {
            Some(rest) => {
                let (inner, after) = rest
                    .split_once('}')
                    .ok_or_else(|| at("a window `{ … } ~N` needs its `}`".into()))?;
                let n = after
                    .trim()
                    .strip_prefix('~')
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| at("a window needs its size: `{ … } ~N`".into()))?;
                (inner, Some(n))
            }
            None => (body, None),
        };
        let mut elements = Vec::new();
        let mut gap = 0;
        for token in body.split_whitespace() {
            if let Some(n) = token.strip_prefix('~') {
                gap = n
                    .parse::<usize>()
                    .map_err(|_| at(format!("bad gap {token}")))?
                    + SLACK;
                continue;
            }
            if let Some(element) = built.get(token) {
                elements.push(element.at_gap(gap));
                gap = 0;
                continue;
            }
            let mut alternatives = Vec::new();
            for part in token.split('|') {
                if part.starts_with('@') && part.len() > 1 {
                    let class = classes
                        .get(part)
                        .ok_or_else(|| at(format!("unknown class {part}")))?;
                    alternatives.extend(class.iter().cloned());
                } else {
                    alternatives.push(
                        phrase(part, vocabulary)
                            .ok_or_else(|| at(format!("{token} has a word with no letters")))?,
                    );
                }
            }
            let element = Element::new(alternatives, gap);
            built.insert(token, element.at_gap(0));
            elements.push(element);
            gap = 0;
        }
        if elements.is_empty() {
            return Err(at("a rule needs elements".into()));
        }
        rules.push(Rule {
            kind,
            level,
            language,
            guards,
            alone,
            anchor: if window.is_some() {
                anchor_of(&elements, common)
            } else {
                0
            },
            elements,
            window,
        });
    }
    let guards = GUARDS
        .iter()
        .map(|g| {
            (
                g.name,
                classes
                    .remove(format!("@{}", g.name).as_str())
                    .unwrap_or_default(),
            )
        })
        .collect();
    Ok((rules, guards))
}

/// The message's words as the frames read them (skeleton letters; `@` for a mention): what the
/// learned model reads too.
pub fn plain_words<'a>(skeleton: &'a Skeleton, original: &str) -> Vec<&'a [u8]> {
    words(skeleton, original, &RULES.vocabulary)
        .into_iter()
        .map(|w| w.text)
        .collect()
}

/// The message's words, borrowed from its skeleton; a word typed after `@` is a mention, `@`.
fn words<'a>(skeleton: &'a Skeleton, original: &str, vocabulary: &Vocabulary) -> Vec<Word<'a>> {
    let text = &skeleton.text;
    let mut words = Vec::new();
    // The word being read: its first letter's index, and its bytes in the original.
    let mut current: Option<(usize, usize, usize)> = None;
    for (i, letter) in skeleton.letters.iter().enumerate() {
        if letter.word_start || i == 0 {
            if let Some((first, start, end)) = current.take() {
                words.push(Word {
                    text: &text[first..i],
                    id: None,
                    start,
                    end,
                });
            }
            if letter.stand_in && original[letter.start..letter.end].starts_with('@') {
                words.push(Word {
                    text: b"@",
                    id: None,
                    start: letter.start,
                    end: letter.end,
                });
                continue;
            }
        }
        match &mut current {
            Some((_, _, end)) => *end = letter.end,
            None => current = Some((i, letter.start, letter.end)),
        }
    }
    if let Some((first, start, end)) = current {
        words.push(Word {
            text: &text[first..],
            id: None,
            start,
            end,
        });
    }
    for word in &mut words {
        word.id = vocabulary.ids.get(word.text).copied();
    }
    words
}

/// Where `phrase` ends if it stands at `at`.
fn phrase_at(phrase: &Phrase, words: &[Word], at: usize) -> Option<usize> {
    let end = at + phrase.len();
    (end <= words.len()
        && phrase
            .iter()
            .zip(&words[at..end])
            .all(|(p, w)| p.matches(w)))
    .then_some(end)
}

/// Where the rule's elements from `index` on end, if they match from `at` (the first element
/// exactly at `at`, the others within their gaps).
fn elements_at(elements: &[Element], words: &[Word], at: usize, first: bool) -> Option<usize> {
    let Some(element) = elements.first() else {
        return Some(at);
    };
    let slack = if first { 0 } else { element.gap };
    for skip in 0..=slack {
        for end in element.ends(words, at + skip) {
            if let Some(done) = elements_at(&elements[1..], words, end, false) {
                return Some(done);
            }
        }
    }
    None
}

/// Where a window whose anchor stands at `at` begins and ends, if every other element stands
/// near it (the nearest occurrence each) and the whole fits in `size` words, in any order.
fn window_at(
    elements: &[Element],
    anchor: usize,
    words: &[Word],
    at: usize,
    size: usize,
) -> Option<(usize, usize)> {
    let starts = |element: &Element, i: usize| element.ends(words, i).next();
    let (mut first, mut end) = (at, starts(&elements[anchor], at)?);
    let (lo, hi) = (at.saturating_sub(size), (at + size).min(words.len()));
    for (index, element) in elements.iter().enumerate() {
        if index == anchor {
            continue;
        }
        // Nearest first: after the anchor, then before it.
        let (i, e) = (at..hi)
            .chain((lo..at).rev())
            .find_map(|i| starts(element, i).map(|e| (i, e)))?;
        first = first.min(i);
        end = end.max(e);
    }
    (end - first <= size).then_some((first, end))
}

/// A word of a guard class in the words the guard reaches before a match, inside it after its
/// first word ("hope you don't die", "people are not disgusting", "kill him in the boss
/// fight"), or in the words it reaches after it.
fn negated(class: &Element, words: &[Word], at: usize, end: usize, guard: Guard) -> bool {
    let last = (end + guard.after).min(words.len());
    (at.saturating_sub(guard.before)..last)
        .filter(|&i| i != at)
        .any(|i| class.ends(words, i).any(|e| e <= last))
}

/// One rule's match: what kind it is, the lowest room level that catches it, and where it
/// stands (a byte range of the original).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub level: HarmLevel,
    pub span: (usize, usize),
}

/// Every rule of `languages` that matches, at any level: one pass for both kinds and every
/// level, so a room's hostility, discrimination and their borderline tiers cost one scan.
/// `with_model`: the learned model's judgement too (its hits are `strict`-level, over the
/// whole message).
pub fn scan(
    skeleton: &Skeleton,
    original: &str,
    languages: &[Language],
    with_model: bool,
) -> Vec<Hit> {
    if skeleton.letters.is_empty() {
        return Vec::new();
    }
    let rules = &*RULES;
    let words = words(skeleton, original, &rules.vocabulary);
    // The learned model reads the same words: `strict`-level hits over the whole message (a
    // moderate room holds them for a moderator as borderline; the frames alone refuse there).
    let judged = with_model
        .then(|| model::judge(&words.iter().map(|w| w.text).collect::<Vec<_>>()))
        .flatten();
    let mut hits: Vec<Hit> = judged
        .map(|class| Hit {
            kind: match class {
                model::Class::Hostility => Kind::Hostility,
                model::Class::Discrimination => Kind::Discrimination,
            },
            level: HarmLevel::Strict,
            span: (0, original.len()),
        })
        .into_iter()
        .collect();
    let Some(possible) = rules.possible(&words, languages) else {
        return hits;
    };
    let mut candidates = Vec::new();
    for at in 0..words.len() {
        rules.starting_with(&words[at], &mut candidates);
        for rule in candidates
            .iter()
            .filter(|&&i| possible[i])
            .map(|&i| &rules.rules[i])
        {
            let matched = match rule.window {
                Some(size) => window_at(&rule.elements, rule.anchor, &words, at, size),
                None => elements_at(&rule.elements, &words, at, true).map(|end| (at, end)),
            };
            let Some((first, end)) = matched else {
                continue;
            };
            if rule.alone && words.len() - (end - first) > 1 {
                continue;
            }
            let guarded = rule.guards.iter().any(|guard| {
                rules
                    .guards
                    .get(&(rule.language, guard.name))
                    .is_some_and(|class| negated(class, &words, first, end, *guard))
            });
            if !guarded {
                hits.push(Hit {
                    kind: rule.kind,
                    level: rule.level,
                    span: (words[first].start, words[end - 1].end),
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caught(text: &str, kind: Kind, level: HarmLevel) -> bool {
        let languages = [
            Language::En,
            Language::Es,
            Language::Fr,
            Language::De,
            Language::Pt,
        ];
        scan(&Skeleton::of(text), text, &languages, false)
            .iter()
            .any(|hit| hit.kind == kind && hit.level <= level)
    }

    #[test]
    fn every_source_parses() {
        warm_up();
        assert!(RULES.rules.len() > 50);
    }

    #[test]
    fn plain_words_read_as_their_skeleton() {
        let words = SOURCES
            .iter()
            .flat_map(|(_, source)| source.split(|c: char| !c.is_ascii_alphabetic()))
            .chain(["Kill", "BOSS", "aaa", "you", "Scheisse", "zzTop"]);
        for word in words.filter(|w| !w.is_empty()) {
            assert_eq!(skeleton_word(word), Skeleton::of(word).text, "{word}");
        }
    }

    #[test]
    fn reads_who_is_meant() {
        let h = |t| caught(t, Kind::Hostility, HarmLevel::Strict);
        for hostile in [
            "I know where you live",
            "i'm going to find you and hurt you",
            "I hope you die in a fire",
            "drink bleach",
            "nobody wants you here, loser",
            "you waste of space",
            "ojalá te mueras",
            "va te tuer",
            "ich hoffe du stirbst",
            "espero que você morra",
            "i h0pe y0u d1e",
        ] {
            assert!(h(hostile), "{hostile}");
        }
        for fine in [
            "kill the boss",
            "I'm dying lol",
            "you're killing it",
            "go back to the menu",
            "this game hates me",
            "please don't hurt yourself",
        ] {
            assert!(!h(fine), "{fine}");
        }
        assert!(caught(
            "go back to your country",
            Kind::Discrimination,
            HarmLevel::Moderate
        ));
    }

    /// Who speaks decides which verb is hostile: "everyone" with a verb of love is warmth, and
    /// "nobody" with a verb of hate is comfort (these once held, in all five languages).
    #[test]
    fn everyone_and_nobody_take_opposite_verbs() {
        // The frames' levels (the learned model's `strict` hits are not what this is about).
        let h = |t| caught(t, Kind::Hostility, HarmLevel::Moderate);
        for hostile in [
            "everyone hates you",
            "nobody loves you",
            "todos te odian",
            "nadie te quiere",
            "tout le monde te déteste",
            "personne ne t'aime",
            "alle hassen dich",
            "niemand mag dich",
            "todo mundo te odeia",
            "ninguém te ama",
        ] {
            assert!(h(hostile), "{hostile}");
        }
        for fine in [
            "everyone loves you",
            "nobody hates you, it's one troll",
            "we would miss you",
            "everyone cares about you",
            "todos te quieren",
            "nadie te odia",
            "tout le monde t'aime",
            "tout le monde te supporte",
            "alle mögen dich",
            "niemand hasst dich",
            "todo mundo gosta de você",
            "ninguém te odeia",
        ] {
            assert!(!h(fine), "{fine}");
        }
    }

    /// Hate quoted to condemn it is counter-speech, not hate.
    /// A bare "die" said to someone is a death wish; the same word in a longer sentence is
    /// not (`alone`).
    #[test]
    fn a_bare_death_wish_alone() {
        let h = |t| caught(t, Kind::Hostility, HarmLevel::Moderate);
        assert!(h("muérete"));
        assert!(h("crève."));
        assert!(h("stirb!!"));
        assert!(h("morre"));
        assert!(!h("muérete de risa con este clip"));
        assert!(!h("ich sterbe vor lachen"));
        assert!(!h("você vai morrer de rir com isso"));
    }

    /// "Nobody wants you" is an insult; "nobody wants anything to happen to you" is comfort:
    /// a clause opened inside the match (`!clause`) lifts it.
    #[test]
    fn nobody_wants_a_harm_to_you_is_comfort() {
        let h = |t| caught(t, Kind::Hostility, HarmLevel::Moderate);
        assert!(h("nadie te quiere aquí"));
        assert!(!h("nadie quiere que te pase nada"));
        assert!(h("personne ne veut de toi"));
        assert!(!h("personne veut qu'il t'arrive quoi que ce soit"));
        assert!(h("niemand will dich hier"));
        assert!(!h("keiner will, dass dir was passiert"));
        // "hasst" reads as "hast" through the skeleton: "you have smashed them all" is praise.
        assert!(h("alle hier hassen dich"));
        assert!(!h("krass, du hast alle zerlegt"));
    }

    #[test]
    fn counter_speech_is_not_hate() {
        let d = |t| caught(t, Kind::Discrimination, HarmLevel::Strict);
        assert!(d("women are trash"));
        assert!(!d("saying \"women are trash\" is hateful"));
        assert!(!d("if you say \"i hate muslims\", i will report it"));
        assert!(d("ich hasse frauen"));
        assert!(!d("wer \"ich hasse frauen\" sagt, wird gemeldet"));
    }

    /// A game named after the threat still makes it a game.
    #[test]
    fn a_game_after_the_match_guards_it() {
        let h = |t| caught(t, Kind::Hostility, HarmLevel::Strict);
        assert!(!h("i'll get you next round"));
        assert!(h("i'll get you"));
    }

    #[test]
    fn mentions_are_people() {
        let text = "@mika_plays i know where you live";
        let skeleton = Skeleton::of(text);
        let words = words(&skeleton, text, &RULES.vocabulary);
        let read: Vec<&[u8]> = words.iter().map(|w| w.text).collect();
        assert_eq!(read[..3], [&b"@"[..], b"mika", b"plays"]);
    }
}
