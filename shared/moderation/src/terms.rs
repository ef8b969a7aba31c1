//! Term lists (a room's blocked and allowed terms) compiled into one Aho-Corasick automaton
//! over skeletons, so evasions match as the plain word does and a thousand terms cost one pass.
//!
//! A match counts only on word boundaries of the original text — `ass` is not found in
//! `class` (the Scunthorpe problem) — unless the term opens that side with `*` (`spoil*`
//! catches `spoilers`). Repeated letters must be at least as many as the term has (`ass` does
//! not match `as`).

use aho_corasick::{AhoCorasick, MatchKind};

use super::text::Skeleton;

struct Term {
    runs: Vec<u16>,
    open_start: bool,
    open_end: bool,
}

#[derive(Default)]
pub struct TermSet {
    terms: Vec<Term>,
    automaton: Option<AhoCorasick>,
}

impl TermSet {
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Self {
        let mut patterns = Vec::new();
        let mut compiled = Vec::new();
        for term in terms {
            let term = term.as_ref().trim();
            let open_start = term.starts_with('*');
            let open_end = term.ends_with('*');
            let skeleton = Skeleton::of(term.trim_matches('*'));
            if skeleton.text.is_empty() {
                continue;
            }
            patterns.push(skeleton.text);
            compiled.push(Term {
                runs: skeleton.letters.iter().map(|l| l.run).collect(),
                open_start,
                open_end,
            });
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("term patterns are plain bytes")
        });
        Self {
            terms: compiled,
            automaton,
        }
    }

    /// Byte ranges of the original text where a term stands.
    pub fn find(&self, skeleton: &Skeleton) -> Vec<(usize, usize)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let letters = &skeleton.letters;
        let mut spans = Vec::new();
        for m in automaton.find_overlapping_iter(&skeleton.text) {
            let term = &self.terms[m.pattern().as_usize()];
            let (mut first, mut last) = (m.start(), m.end() - 1);
            let runs_hold = term
                .runs
                .iter()
                .zip(&letters[first..=last])
                .all(|(need, got)| got.run >= *need);
            if !runs_hold
                || (!term.open_start && !letters[first].word_start)
                || (!term.open_end && !letters[last].word_end)
            {
                continue;
            }
            // An open side reaches to the edge of the word it is in.
            if term.open_start {
                while !letters[first].word_start {
                    first -= 1;
                }
            }
            if term.open_end {
                while !letters[last].word_end {
                    last += 1;
                }
            }
            spans.push((letters[first].start, letters[last].end));
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(terms: &[&str], text: &str) -> Vec<String> {
        let set = TermSet::new(terms);
        set.find(&Skeleton::of(text))
            .into_iter()
            .map(|(a, b)| text[a..b].to_owned())
            .collect()
    }

    #[test]
    fn matches_evasions_on_word_boundaries() {
        assert_eq!(found(&["spoiler"], "no SP0ILER please"), ["SP0ILER"]);
        assert_eq!(found(&["spoiler"], "s p o i l e r"), ["s p o i l e r"]);
        assert_eq!(found(&["spoiler"], "spooooiler!"), ["spooooiler"]);
        assert!(found(&["spoiler"], "spoilers").is_empty());
        assert_eq!(found(&["spoil*"], "big spoilers ahead"), ["spoilers"]);
        assert_eq!(found(&["*ware"], "get malware now"), ["malware"]);
        assert!(found(&["ass"], "a classic class, as usual").is_empty());
        assert_eq!(found(&["ass"], "what an @ss"), ["@ss"]);
        assert!(
            found(&["ass"], "take the A55 north").is_empty(),
            "a road, not a word"
        );
        assert_eq!(found(&["bad word"], "that is a badword"), ["badword"]);
        assert!(found(&[], "anything").is_empty());
    }
}
