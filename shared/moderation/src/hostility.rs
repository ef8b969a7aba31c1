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
use std::sync::LazyLock;

use chat_core::domain::policy::{HarmLevel, Language};

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
    start: usize,
    end: usize,
}

/// A word the rules name: a whole word, or a prefix (`kill*`).
#[derive(Clone, Debug)]
enum Pattern {
    Exact(Vec<u8>),
    Prefix(Vec<u8>),
}

impl Pattern {
    fn matches(&self, word: &[u8]) -> bool {
        match self {
            Self::Exact(w) => word == w.as_slice(),
            Self::Prefix(p) => word.starts_with(p),
        }
    }
}

/// One alternative of an element: a run of words (`no one`, `go back`).
type Phrase = Vec<Pattern>;

#[derive(Clone, Debug)]
struct Element {
    alternatives: Vec<Phrase>,
    /// How many other words may stand before this element (after the previous one).
    gap: usize,
}

#[derive(Debug)]
struct Rule {
    kind: Kind,
    /// The lowest room level that catches it.
    level: HarmLevel,
    language: Language,
    /// Guards (`!neg`, `!game`): the rule does not count when a word of the language's `@neg`
    /// (or `@game`) class stands in the match or the three words before it.
    guards: Vec<&'static str>,
    elements: Vec<Element>,
    /// `{ … } ~N`: the elements in any order, all within N words (`None`: in order, each
    /// within its gap).
    window: Option<usize>,
}

/// Every language's rules, and the guard classes of each.
struct Rules {
    rules: Vec<Rule>,
    guards: HashMap<(Language, &'static str), Vec<Phrase>>,
    /// The rules a word can start a match of (an ordered rule's first element, any element of
    /// a window), so each word of a message tries only those: a few, not hundreds.
    by_first_word: HashMap<Vec<u8>, Vec<usize>>,
    /// Likewise for first words written as prefixes (`kill*`).
    by_first_prefix: Vec<(Vec<u8>, usize)>,
}

impl Rules {
    fn index(rules: Vec<Rule>, guards: HashMap<(Language, &'static str), Vec<Phrase>>) -> Self {
        let mut by_first_word: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        let mut by_first_prefix = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let starters = match rule.window {
                Some(_) => &rule.elements[..],
                None => &rule.elements[..1],
            };
            for alternative in starters.iter().flat_map(|e| &e.alternatives) {
                match alternative.first() {
                    Some(Pattern::Exact(word)) => {
                        let rules = by_first_word.entry(word.clone()).or_default();
                        if rules.last() != Some(&index) {
                            rules.push(index);
                        }
                    }
                    Some(Pattern::Prefix(prefix)) => by_first_prefix.push((prefix.clone(), index)),
                    None => {}
                }
            }
        }
        Self {
            rules,
            guards,
            by_first_word,
            by_first_prefix,
        }
    }

    /// The rules a match may start with `word`, each once, in rule order.
    fn starting_with(&self, word: &[u8], out: &mut Vec<usize>) {
        out.clear();
        if let Some(rules) = self.by_first_word.get(word) {
            out.extend_from_slice(rules);
        }
        out.extend(
            self.by_first_prefix
                .iter()
                .filter(|(prefix, _)| word.starts_with(prefix))
                .map(|(_, index)| *index),
        );
        out.sort_unstable();
        out.dedup();
    }
}

/// Extra words allowed at every written gap: people pad what they say ("I know *exactly*
/// where you live").
const SLACK: usize = 1;

/// The guard flags a rule may carry, each naming its class.
const GUARDS: &[&str] = &["neg", "game"];

const SOURCES: &[(Language, &str)] = &[
    (Language::En, include_str!("../hostility/en.txt")),
    (Language::Es, include_str!("../hostility/es.txt")),
    (Language::Fr, include_str!("../hostility/fr.txt")),
    (Language::De, include_str!("../hostility/de.txt")),
    (Language::Pt, include_str!("../hostility/pt.txt")),
];

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let mut rules = Vec::new();
    let mut guards = HashMap::new();
    for (language, source) in SOURCES {
        let (parsed, classes) =
            parse(*language, source).unwrap_or_else(|e| panic!("hostility/{language:?}: {e}"));
        rules.extend(parsed);
        for (guard, phrases) in classes {
            guards.insert((*language, guard), phrases);
        }
    }
    Rules::index(rules, guards)
});

/// Parses the rules, so the first message costs what the others do.
pub fn warm_up() {
    LazyLock::force(&RULES);
}

/// The skeleton of one written word (`you're` → `youre`: the rules write words as people do).
fn skeleton_word(word: &str) -> Vec<u8> {
    Skeleton::of(word).text
}

fn pattern(word: &str) -> Pattern {
    match word.strip_suffix('*') {
        Some(prefix) => Pattern::Prefix(skeleton_word(prefix)),
        None => Pattern::Exact(skeleton_word(word)),
    }
}

/// A phrase as written: words joined by `_` (`no_one`); `@` alone is a mention.
fn phrase(written: &str) -> Phrase {
    written
        .split('_')
        .map(|w| {
            if w == "@" {
                Pattern::Exact(b"@".to_vec())
            } else {
                pattern(w)
            }
        })
        .collect()
}

/// The rules, and the guard classes (`@neg`, `@game`) by guard name.
type Parsed = (Vec<Rule>, Vec<(&'static str, Vec<Phrase>)>);

/// `@class = alt alt …` lines, then `kind level [!neg] : element …` lines (`#` comments).
fn parse(language: Language, source: &str) -> Result<Parsed, String> {
    let mut classes: HashMap<&str, Vec<Phrase>> = HashMap::new();
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
                    None => phrases.push(phrase(alt)),
                }
            }
            classes.insert(name, phrases);
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
        for flag in head {
            let guard = flag
                .strip_prefix('!')
                .and_then(|g| GUARDS.iter().find(|known| **known == g))
                .ok_or_else(|| at(format!("unknown flag {flag}")))?;
            guards.push(*guard);
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
            let mut alternatives = Vec::new();
            for part in token.split('|') {
                if part.starts_with('@') && part.len() > 1 {
                    let class = classes
                        .get(part)
                        .ok_or_else(|| at(format!("unknown class {part}")))?;
                    alternatives.extend(class.iter().cloned());
                } else {
                    alternatives.push(phrase(part));
                }
            }
            if alternatives.iter().any(|p| {
                p.iter()
                    .any(|w| matches!(w, Pattern::Exact(e) | Pattern::Prefix(e) if e.is_empty()))
            }) {
                return Err(at(format!("{token} has a word with no letters")));
            }
            elements.push(Element { alternatives, gap });
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
            elements,
            window,
        });
    }
    let guards = GUARDS
        .iter()
        .map(|g| {
            (
                *g,
                classes.remove(format!("@{g}").as_str()).unwrap_or_default(),
            )
        })
        .collect();
    Ok((rules, guards))
}

/// The message's words, borrowed from its skeleton; a word typed after `@` is a mention, `@`.
fn words<'a>(skeleton: &'a Skeleton, original: &str) -> Vec<Word<'a>> {
    let text = &skeleton.text;
    let mut words = Vec::new();
    // The word being read: its first letter's index, and its bytes in the original.
    let mut current: Option<(usize, usize, usize)> = None;
    for (i, letter) in skeleton.letters.iter().enumerate() {
        if letter.word_start || i == 0 {
            if let Some((first, start, end)) = current.take() {
                words.push(Word {
                    text: &text[first..i],
                    start,
                    end,
                });
            }
            if letter.stand_in && original[letter.start..letter.end].starts_with('@') {
                words.push(Word {
                    text: b"@",
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
            start,
            end,
        });
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
            .all(|(p, w)| p.matches(w.text)))
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
        for alternative in &element.alternatives {
            if let Some(end) = phrase_at(alternative, words, at + skip)
                && let Some(done) = elements_at(&elements[1..], words, end, false)
            {
                return Some(done);
            }
        }
    }
    None
}

/// Where a window starting with one of its elements at `at` ends, if every other element
/// stands somewhere within `size` words of `at` (in any order).
fn window_at(elements: &[Element], words: &[Word], at: usize, size: usize) -> Option<usize> {
    let starts = |element: &Element, i: usize| {
        element
            .alternatives
            .iter()
            .find_map(|alternative| phrase_at(alternative, words, i))
    };
    let first = elements.iter().position(|e| starts(e, at).is_some())?;
    let limit = (at + size).min(words.len());
    let mut end = starts(&elements[first], at)?;
    for (index, element) in elements.iter().enumerate() {
        if index == first {
            continue;
        }
        let found = (at..limit).find_map(|i| starts(element, i).filter(|&e| e <= limit))?;
        end = end.max(found);
    }
    Some(end)
}

/// A word of a guard class in the three words before a match, or inside it after its first
/// word ("hope you don't die", "people are not disgusting", "kill him in the boss fight").
fn negated(class: &[Phrase], words: &[Word], at: usize, end: usize) -> bool {
    (at.saturating_sub(3)..end).filter(|&i| i != at).any(|i| {
        class
            .iter()
            .any(|n| phrase_at(n, words, i).is_some_and(|e| e <= end))
    })
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
pub fn scan(skeleton: &Skeleton, original: &str, languages: &[Language]) -> Vec<Hit> {
    if skeleton.letters.is_empty() {
        return Vec::new();
    }
    let words = words(skeleton, original);
    let rules = &*RULES;
    let mut hits = Vec::new();
    let mut candidates = Vec::new();
    for at in 0..words.len() {
        rules.starting_with(words[at].text, &mut candidates);
        for rule in candidates
            .iter()
            .map(|&i| &rules.rules[i])
            .filter(|r| languages.contains(&r.language))
        {
            let matched = match rule.window {
                Some(size) => window_at(&rule.elements, &words, at, size),
                None => elements_at(&rule.elements, &words, at, true),
            };
            let Some(end) = matched else {
                continue;
            };
            let guarded = rule.guards.iter().any(|guard| {
                rules
                    .guards
                    .get(&(rule.language, *guard))
                    .is_some_and(|class| negated(class, &words, at, end))
            });
            if !guarded {
                hits.push(Hit {
                    kind: rule.kind,
                    level: rule.level,
                    span: (words[at].start, words[end - 1].end),
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
        scan(&Skeleton::of(text), text, &languages)
            .iter()
            .any(|hit| hit.kind == kind && hit.level <= level)
    }

    #[test]
    fn every_source_parses() {
        warm_up();
        assert!(RULES.rules.len() > 50);
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

    #[test]
    fn mentions_are_people() {
        let text = "@mika_plays i know where you live";
        let skeleton = Skeleton::of(text);
        let words = words(&skeleton, text);
        let read: Vec<&[u8]> = words.iter().map(|w| w.text).collect();
        assert_eq!(read[..3], [&b"@"[..], b"mika", b"plays"]);
    }
}
