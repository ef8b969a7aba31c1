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
    /// A digit or symbol stood for it (`sh1t`, `$hit`): it may stand for another letter too
    /// (`f4ck`).
    pub stand_in: bool,
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
        '(' => b'c',
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

/// The skeleton letter of a character that hides a letter on purpose (`f*ck`, `wh%%e`): it
/// matches any letter, and only lexicon words are tried against it.
pub const WILDCARD: u8 = b'*';

/// Characters people type in place of a letter to self-censor.
fn is_censor_mark(c: char) -> bool {
    matches!(c, '*' | '#' | '%' | '?' | '^' | '~')
}

/// How the characters of one whitespace-separated word read.
#[derive(Clone, Copy, Default)]
struct WordShape {
    /// Digits stand for letters: the word has letters and short runs of digits (`sh1t`,
    /// `a55hole`, `455h0l3`), not a number, a code or a model (`45A`, `B12`, `A55`,
    /// `i7-13700K`, `1Z999AA1`, `5:30`).
    digits_are_letters: bool,
    /// The word has real letters around which a censor mark can stand.
    letters: usize,
}

/// One character of the message, with the letter it is drawn as (looked up once).
#[derive(Clone, Copy)]
struct Char {
    start: usize,
    c: char,
    letter: Option<u8>,
}

fn shape(word: &[Char]) -> WordShape {
    let (mut letters, mut digits, mut run, mut longest_digit_run) = (0, 0, 0, 0);
    for ch in word {
        letters += usize::from(ch.letter.is_some());
        if ch.c.is_ascii_digit() {
            digits += 1;
            run += 1;
            longest_digit_run = longest_digit_run.max(run);
        } else {
            run = 0;
        }
    }
    WordShape {
        digits_are_letters: letters >= 2 && digits <= letters + 3 && longest_digit_run <= 3,
        letters,
    }
}

/// The letter a character stands for where it stands: a digit only in a word that reads as
/// letters, a symbol only before a letter (so `spoiler!` keeps its `!` and `5 stars` its `5`,
/// while `a55hole` and `sh!t` read as words), a censor mark only between letters of a word.
fn fold(ch: Char, prev: Option<Char>, next: Option<Char>, word: WordShape) -> Option<u8> {
    if ch.letter.is_some() {
        return ch.letter;
    }
    let c = ch.c;
    let letterish = |n: Option<Char>| {
        n.is_some_and(|n| n.letter.is_some() || is_censor_mark(n.c) || leet(n.c).is_some())
    };
    if is_censor_mark(c) {
        return (word.letters >= 2 && letterish(prev) && letterish(next)).then_some(WILDCARD);
    }
    let counts = if c.is_ascii_digit() {
        word.digits_are_letters
    } else {
        next.is_some_and(|n| n.letter.is_some())
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
        let chars: Vec<Char> = text
            .char_indices()
            .map(|(start, c)| Char {
                start,
                c,
                letter: letter(c),
            })
            .collect();
        let visible = |c: char| c.is_ascii() || (!is_invisible(c) && !is_combining_mark(c));
        // The next visible character after each position, found in one backward pass.
        let mut next_visible = vec![None; chars.len()];
        let mut upcoming = None;
        for (i, ch) in chars.iter().enumerate().rev() {
            next_visible[i] = upcoming;
            if visible(ch.c) {
                upcoming = Some(*ch);
            }
        }
        // How the whitespace-separated word around each position reads.
        let mut shapes = vec![WordShape::default(); chars.len()];
        let mut word_begin = 0;
        for i in 0..=chars.len() {
            if i == chars.len() || chars[i].c.is_whitespace() {
                let word_shape = shape(&chars[word_begin..i]);
                shapes[word_begin..i].fill(word_shape);
                word_begin = i + 1;
            }
        }
        // The previous visible character in the same word, for censor marks.
        let mut previous: Option<Char> = None;
        for (i, &ch) in chars.iter().enumerate() {
            let (start, c) = (ch.start, ch.c);
            let end = start + c.len_utf8();
            if !visible(c) {
                if let Some(last) = skeleton.letters.last_mut() {
                    last.end = end;
                }
                continue;
            }
            let prev = previous.filter(|p| !p.c.is_whitespace());
            previous = Some(ch);
            let next = next_visible[i].filter(|n| !n.c.is_whitespace());
            if matches!(c, 'ß' | 'ẞ') {
                // German sharp s is `ss` (`scheiße` is `scheisse`).
                skeleton.push(b's', start, end, after_gap, false);
                skeleton.push(b's', start, end, false, false);
                after_gap = false;
                continue;
            }
            match fold(ch, prev, next, shapes[i]) {
                Some(letter) => {
                    let stand_in = c.is_ascii() && !c.is_ascii_alphabetic();
                    skeleton.push(letter, start, end, after_gap, stand_in);
                    after_gap = false;
                }
                None => after_gap = true,
            }
        }
        if let Some(last) = skeleton.letters.last_mut() {
            last.word_end = true;
        }
        skeleton.join_spaced_repeats();
        skeleton
    }

    /// Adds a letter after the last one: the same letter again in a word lengthens its run.
    fn push(&mut self, letter: u8, start: usize, end: usize, after_gap: bool, stand_in: bool) {
        match self.letters.last_mut() {
            Some(last) if last.letter == letter && !after_gap => {
                last.run = last.run.saturating_add(1);
                last.end = end;
                last.stand_in |= stand_in;
            }
            _ => {
                if let Some(last) = self.letters.last_mut() {
                    last.word_end |= after_gap;
                }
                self.text.push(letter);
                self.letters.push(Letter {
                    letter,
                    run: 1,
                    start,
                    end,
                    word_start: after_gap,
                    word_end: false,
                    stand_in,
                });
            }
        }
    }

    /// A word spelled out letter by letter keeps its doubled letters as one run: `a s s h o l e`
    /// reads as `asshole` does.
    fn join_spaced_repeats(&mut self) {
        let lone = |l: &Letter| l.word_start && l.word_end;
        if !self
            .letters
            .windows(2)
            .any(|w| lone(&w[0]) && lone(&w[1]) && w[0].letter == w[1].letter)
        {
            return;
        }
        let mut joined: Vec<Letter> = Vec::with_capacity(self.letters.len());
        for letter in self.letters.drain(..) {
            match joined.last_mut() {
                Some(last) if lone(last) && lone(&letter) && last.letter == letter.letter => {
                    last.run = last.run.saturating_add(letter.run);
                    last.end = letter.end;
                    last.stand_in |= letter.stand_in;
                }
                _ => joined.push(letter),
            }
        }
        self.text = joined.iter().map(|l| l.letter).collect();
        self.letters = joined;
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
