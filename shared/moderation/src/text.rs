//! The skeleton of a message: what people mean once the tricks are taken out — accents,
//! fullwidth and look-alike letters, leetspeak, zero-width characters, repeated letters and
//! letters spaced out — with a map back to the original, so a match can be masked where it
//! stands.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One letter of the skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Letter {
    pub letter: u8,
    /// How many times it was repeated in a row (`fuuuck` → `u` ×3).
    pub run: u16,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// It begins / ends a word of the original (a space or punctuation on that side).
    pub word_start: bool,
    pub word_end: bool,
}

#[derive(Debug, Default)]
pub struct Skeleton {
    /// The letters, lower-case ASCII, repeats collapsed: what matchers search.
    pub text: Vec<u8>,
    pub letters: Vec<Letter>,
}

/// Characters that hide between letters and mean nothing.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}')
}

/// Cyrillic and Greek letters drawn like Latin ones (Unicode TR #39 confusables, the common ones).
fn confusable(c: char) -> Option<u8> {
    Some(match c {
        'а' | 'α' => b'a',
        'в' | 'β' => b'b',
        'с' | 'ϲ' => b'c',
        'е' | 'ё' | 'ε' => b'e',
        'н' | 'η' => b'h',
        'і' | 'ι' | 'ї' => b'i',
        'ј' => b'j',
        'к' | 'κ' => b'k',
        'м' | 'μ' => b'm',
        'о' | 'ο' | 'σ' => b'o',
        'р' | 'ρ' => b'p',
        'ѕ' => b's',
        'т' | 'τ' => b't',
        'у' | 'γ' => b'y',
        'х' | 'χ' => b'x',
        'υ' => b'u',
        'ν' => b'v',
        'ω' => b'w',
        'ɡ' => b'g',
        _ => return None,
    })
}

/// Digits and symbols used as letters.
fn leet(c: char) -> Option<u8> {
    Some(match c {
        '0' => b'o',
        '1' | '!' | '|' => b'i',
        '3' | '€' => b'e',
        '4' | '@' => b'a',
        '5' | '$' => b's',
        '7' | '+' => b't',
        '8' => b'b',
        '9' => b'g',
        _ => return None,
    })
}

/// The letter a character is drawn as, if any (leetspeak aside).
pub fn letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase() as u8);
    }
    if c.is_ascii() {
        return None;
    }
    // Accents, fullwidth and mathematical letters: their compatibility decomposition.
    if let Some(base) = c.nfkd().find(|d| !is_combining_mark(*d))
        && base.is_ascii_alphabetic()
    {
        return Some(base.to_ascii_lowercase() as u8);
    }
    confusable(c.to_lowercase().next().unwrap_or(c))
}

/// The letter a character stands for where it stands: leetspeak counts only inside a word
/// (a digit in a word that has letters, a symbol before a letter), so `spoiler!` keeps its
/// `!` and `5 stars` its `5`, while `a55` and `sh!t` read as words.
fn fold(c: char, next: Option<char>, word_has_letters: bool) -> Option<u8> {
    if let Some(l) = letter(c) {
        return Some(l);
    }
    let counts = if c.is_ascii_digit() {
        word_has_letters
    } else {
        next.is_some_and(|n| letter(n).is_some())
    };
    if counts { leet(c) } else { None }
}

impl Skeleton {
    pub fn of(text: &str) -> Self {
        let mut skeleton = Skeleton {
            text: Vec::with_capacity(text.len()),
            letters: Vec::with_capacity(text.len()),
        };
        let mut after_gap = true;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let visible = |c: char| !is_invisible(c) && !is_combining_mark(c);
        // The next visible character after each position, found in one backward pass.
        let mut next_visible = vec![None; chars.len()];
        let mut upcoming = None;
        for (i, &(_, c)) in chars.iter().enumerate().rev() {
            next_visible[i] = upcoming;
            if visible(c) {
                upcoming = Some(c);
            }
        }
        // Whether the whitespace-separated word around each position has a real letter.
        let mut has_letters = vec![false; chars.len()];
        let mut word_begin = 0;
        for i in 0..=chars.len() {
            if i == chars.len() || chars[i].1.is_whitespace() {
                let any = chars[word_begin..i]
                    .iter()
                    .any(|&(_, c)| letter(c).is_some());
                has_letters[word_begin..i].fill(any);
                word_begin = i + 1;
            }
        }
        for (i, &(start, c)) in chars.iter().enumerate() {
            let end = start + c.len_utf8();
            if !visible(c) {
                if let Some(last) = skeleton.letters.last_mut() {
                    last.end = end;
                }
                continue;
            }
            match fold(c, next_visible[i], has_letters[i]) {
                Some(letter) => {
                    match skeleton.letters.last_mut() {
                        Some(last) if last.letter == letter && !after_gap => {
                            last.run = last.run.saturating_add(1);
                            last.end = end;
                        }
                        _ => {
                            if let Some(last) = skeleton.letters.last_mut() {
                                last.word_end |= after_gap;
                            }
                            skeleton.text.push(letter);
                            skeleton.letters.push(Letter {
                                letter,
                                run: 1,
                                start,
                                end,
                                word_start: after_gap,
                                word_end: false,
                            });
                        }
                    }
                    after_gap = false;
                }
                None => after_gap = true,
            }
        }
        if let Some(last) = skeleton.letters.last_mut() {
            last.word_end = true;
        }
        skeleton
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(text: &str) -> String {
        String::from_utf8(Skeleton::of(text).text).unwrap()
    }

    #[test]
    fn takes_the_tricks_out() {
        assert_eq!(letters("Spoiler"), "spoiler");
        assert_eq!(letters("s p o i l e r"), "spoiler");
        assert_eq!(letters("s.p.o.i.l.e.r!"), "spoiler");
        assert_eq!(letters("sh!t $hit 5 stars h3ll0"), "shitshitstarshelo");
        assert_eq!(letters("ｓｐｏｉｌｅｒ"), "spoiler");
        assert_eq!(letters("spöílér"), "spoiler");
        assert_eq!(letters("sрoilеr"), "spoiler"); // Cyrillic р and е
        assert_eq!(letters("sp0il3r"), "spoiler");
        assert_eq!(letters("spo\u{200B}iler"), "spoiler");
        assert_eq!(letters("spooooiler"), "spoiler");
        assert_eq!(letters("𝐬𝐩𝐨𝐢𝐥𝐞𝐫"), "spoiler");
    }

    #[test]
    fn keeps_words_runs_and_positions() {
        let s = Skeleton::of("a baad  day");
        let b = &s.letters[1];
        assert!(b.word_start && !b.word_end);
        let a = &s.letters[2];
        assert_eq!((a.letter, a.run), (b'a', 2));
        assert_eq!(&"a baad  day"[a.start..a.end], "aa");
        assert!(s.letters[3].word_end);
        assert!(s.letters[4].word_start);
    }
}
