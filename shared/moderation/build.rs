//! Compiles the profanity lexicons (`lexicon/*.tsv`) at build time: the entries become a static
//! table and their skeletons one serialized double-array Aho-Corasick automaton, so a cold start
//! pays nothing to build matchers (it deserializes a few kilobytes the first time it reviews).
//!
//! A malformed line fails the build with its file and line number: the lexicon is reviewed like
//! code and broken like code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use daachorse::DoubleArrayAhoCorasick;

const LANGUAGES: [(&str, &str); 5] = [
    ("en", "En"),
    ("es", "Es"),
    ("fr", "Fr"),
    ("de", "De"),
    ("pt", "Pt"),
];

struct Row {
    term: String,
    lang: &'static str,
    kind: &'static str,
    severity: &'static str,
    category: &'static str,
    level: &'static str,
}

/// The skeleton of a lexicon term (lower-case ASCII words): letters with doubled letters
/// collapsed inside each word (as the engine's skeleton does), the run of each letter, and
/// where each later word begins.
fn skeleton(term: &str) -> (Vec<u8>, Vec<u16>, Vec<usize>) {
    let (mut text, mut runs, mut word_starts) = (Vec::new(), Vec::new(), Vec::new());
    for (i, word) in term.split(' ').enumerate() {
        if i > 0 {
            word_starts.push(text.len());
        }
        let mut previous = None;
        for b in word.bytes() {
            if previous == Some(b) {
                *runs.last_mut().unwrap() += 1;
            } else {
                text.push(b);
                runs.push(1);
            }
            previous = Some(b);
        }
    }
    (text, runs, word_starts)
}

fn pick(value: &str, allowed: &[&'static str], what: &str, at: &str) -> &'static str {
    allowed
        .iter()
        .find(|a| **a == value)
        .unwrap_or_else(|| panic!("{at}: {what} {value:?} is not one of {allowed:?}"))
}

fn read(dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for (lang, _) in LANGUAGES {
        let path = dir.join(format!("{lang}.tsv"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, l)| l);
        assert_eq!(
            header,
            Some("term\tkind\tseverity\tcategory\tlevel"),
            "{}: header",
            path.display()
        );
        let mut seen = BTreeMap::new();
        for (n, line) in lines {
            let at = format!("{}:{}", path.display(), n + 1);
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "{at}: five tab-separated columns");
            let term = cols[0];
            assert!(
                !term.is_empty()
                    && term.bytes().all(|b| b.is_ascii_lowercase() || b == b' ')
                    && !term.starts_with(' ')
                    && !term.ends_with(' ')
                    && !term.contains("  "),
                "{at}: {term:?} must be lower-case ASCII words separated by single spaces"
            );
            if let Some(first) = seen.insert(term.to_owned(), n + 1) {
                panic!("{at}: {term:?} already on line {first}");
            }
            let kind = pick(
                cols[1],
                &["root", "word", "compound", "ambiguous"],
                "kind",
                &at,
            );
            let severity = pick(cols[2], &["severe", "moderate", "mild"], "severity", &at);
            let category = pick(
                cols[3],
                &[
                    "sexual",
                    "insult",
                    "slur",
                    "profanity",
                    "bodily",
                    "violence",
                    "religious",
                ],
                "category",
                &at,
            );
            let level = pick(cols[4], &["mild", "moderate", "strict"], "level", &at);
            let expected_level = match severity {
                "severe" => "mild",
                "moderate" => "moderate",
                _ => "strict",
            };
            assert_eq!(
                level, expected_level,
                "{at}: severity {severity} belongs to level {expected_level}"
            );
            assert!(
                kind != "root" || !term.contains(' '),
                "{at}: a root is one word"
            );
            rows.push(Row {
                term: term.to_owned(),
                lang,
                kind,
                severity,
                category,
                level,
            });
        }
    }
    rows
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("lexicon");
    let rows = read(&dir);

    // One automaton pattern per distinct skeleton; a pattern leads to every entry with it.
    let mut groups: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    let mut code = String::from("// Generated by build.rs from lexicon/*.tsv. Do not edit.\n");
    code.push_str("pub(crate) static ENTRIES: &[Entry] = &[\n");
    for (i, row) in rows.iter().enumerate() {
        let (text, runs, mut splits) = skeleton(&row.term);
        // A compound may also be written as its parts (`dumb ass`): it splits where a part
        // is itself an entry of the language.
        if row.kind == "compound" {
            for cut in 1..row.term.len() {
                let (head, tail) = row.term.split_at(cut);
                let known = |part: &str| {
                    part.len() > 1 && rows.iter().any(|r| r.lang == row.lang && r.term == part)
                };
                if !head.ends_with(' ') && !tail.starts_with(' ') && (known(head) || known(tail)) {
                    splits.push(skeleton(head).0.len());
                }
            }
        }
        splits.sort_unstable();
        splits.dedup();
        writeln!(
            code,
            "    Entry {{ term: {:?}, language: Language::{}, kind: Kind::{}, severity: Severity::{}, category: Category::{}, level: ProfanityLevel::{}, runs: &{:?}, splits: &{:?} }},",
            row.term,
            LANGUAGES.iter().find(|(l, _)| *l == row.lang).unwrap().1,
            capitalised(row.kind),
            capitalised(row.severity),
            capitalised(row.category),
            capitalised(row.level),
            runs,
            splits,
        )
        .unwrap();
        groups.entry(text).or_default().push(i);
    }
    code.push_str("];\n\npub(crate) static GROUPS: &[&[u16]] = &[\n");
    let mut patterns = Vec::new();
    for (pattern_id, (pattern, entries)) in groups.into_iter().enumerate() {
        writeln!(code, "    &{entries:?},").unwrap();
        patterns.push((pattern, pattern_id as u32));
    }
    code.push_str("];\n");

    let automaton = DoubleArrayAhoCorasick::<u32>::with_values(patterns)
        .expect("lexicon skeletons are distinct and non-empty");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).to_owned();
    std::fs::write(out.join("lexicon.daac"), automaton.serialize()).unwrap();
    std::fs::write(out.join("lexicon.rs"), code).unwrap();
    println!("cargo::rerun-if-changed=build.rs");
}
