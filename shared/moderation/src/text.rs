//! The skeleton of a message: what people mean once the tricks are taken out — accents,
//! fullwidth and look-alike letters, leetspeak, zero-width characters, repeated letters and
//! letters spaced out — with a map back to the original, so a match can be masked where it
//! stands.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_security::mixed_script::AugmentedScriptSet;

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

/// How a character reads (leetspeak aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reads {
    /// As this Latin letter (lower-case ASCII).
    Letter(u8),
    /// As a letter of another alphabet or block that looks like no Latin letter (`ᑕ`, small
    /// capital `ꜰ`, `ω`, `п`): in a word written in Latin letters it hides one.
    Foreign,
    /// As several Latin letters (`æ`, `œ`, `ß`, Cyrillic `ы`).
    Ligature,
    /// As no letter: spaces, digits, punctuation, symbols, modifier letters (`ʻ`).
    Nothing,
}

/// The letter a character is drawn as, if any (leetspeak aside).
pub fn letter(c: char) -> Option<u8> {
    match reads(c) {
        Reads::Letter(letter) => Some(letter),
        Reads::Foreign | Reads::Ligature | Reads::Nothing => None,
    }
}

fn reads(c: char) -> Reads {
    if c.is_ascii_alphabetic() {
        return Reads::Letter(c.to_ascii_lowercase() as u8);
    }
    if c.is_ascii() {
        return Reads::Nothing;
    }
    // Accents, fullwidth, mathematical, letterlike and circled letters: their compatibility
    // decomposition.
    if let Some(base) = c.nfkd().find(|d| !is_combining_mark(*d))
        && base.is_ascii_alphabetic()
    {
        return Reads::Letter(base.to_ascii_lowercase() as u8);
    }
    // Only letters look like letters: `¡`, `€`, `×` and non-ASCII digits stay what they are.
    if !c.is_alphabetic() {
        return Reads::Nothing;
    }
    if matches!(c, 'ß' | 'ẞ') {
        return Reads::Ligature;
    }
    look_alike(c)
}

/// A letter of another script or block read through Unicode's confusables skeleton (UTS #39):
/// it reads as a Latin letter when its skeleton is that one ASCII letter (marks aside) as
/// written, in lower case or in upper case — Cyrillic `в` is drawn as small capital `ʙ`, its
/// capital `В` as `B`; Greek capital `Ι` has the skeleton `l` (I and l look alike), its small
/// `ι` the skeleton `i`, which wins.
fn look_alike(c: char) -> Reads {
    fn single(mut cased: impl Iterator<Item = char>) -> Option<char> {
        let first = cased.next()?;
        cased.next().is_none().then_some(first)
    }
    let lower = single(c.to_lowercase()).filter(|&l| l != c);
    let upper = single(c.to_uppercase()).filter(|&u| u != c);
    let (mut l_like, mut ligature) = (false, false);
    for variant in [Some(c), lower, upper].into_iter().flatten() {
        match skeleton_of(variant) {
            CharSkeleton::Letter(b'l') => l_like = true,
            CharSkeleton::Letter(letter) => return Reads::Letter(letter),
            CharSkeleton::Letters => ligature = true,
            CharSkeleton::Other => {}
        }
    }
    if l_like {
        Reads::Letter(b'l')
    } else if ligature {
        Reads::Ligature
    } else if AugmentedScriptSet::for_char(c).is_all() {
        // A letter of no script in particular: a modifier (`ʻ` in `Hawaiʻi`).
        Reads::Nothing
    } else {
        Reads::Foreign
    }
}

/// How the non-ASCII characters of one message read, each looked up once: a message in another
/// script repeats a few dozen letters (or a few hundred ideographs), and a lookup
/// (decomposition, then up to three skeletons) costs far more than a hit. Made on the first
/// non-ASCII character: an ASCII message pays nothing.
struct ReadsCache(Vec<(char, Reads)>);

impl ReadsCache {
    const SLOTS: usize = 256;

    fn new() -> Self {
        Self(Vec::new())
    }

    #[inline]
    fn reads(&mut self, c: char) -> Reads {
        if c.is_ascii_alphabetic() {
            Reads::Letter(c.to_ascii_lowercase() as u8)
        } else if c.is_ascii() {
            Reads::Nothing
        } else {
            self.non_ascii(c)
        }
    }

    #[inline(never)]
    fn non_ascii(&mut self, c: char) -> Reads {
        if self.0.is_empty() {
            self.0 = vec![('\0', Reads::Nothing); Self::SLOTS];
        }
        // Fibonacci hashing spreads a block of neighbouring code points over the slots.
        let slot = &mut self.0[((c as u32).wrapping_mul(0x9E37_79B9) >> 24) as usize];
        if slot.0 != c {
            *slot = (c, reads(c));
        }
        slot.1
    }
}

/// What a character's UTS #39 skeleton is, marks aside.
#[derive(Clone, Copy)]
enum CharSkeleton {
    Letter(u8),
    /// Two or more ASCII letters (`æ` → `ae`).
    Letters,
    Other,
}

fn skeleton_of(c: char) -> CharSkeleton {
    let mut buf = [0; 4];
    let (mut count, mut first) = (0, 0);
    for d in unicode_security::skeleton(c.encode_utf8(&mut buf)) {
        if is_combining_mark(d) {
            continue;
        }
        if !d.is_ascii_alphabetic() {
            return CharSkeleton::Other;
        }
        if count == 0 {
            first = d.to_ascii_lowercase() as u8;
        }
        count += 1;
    }
    match count {
        0 => CharSkeleton::Other,
        1 => CharSkeleton::Letter(first),
        _ => CharSkeleton::Letters,
    }
}

/// Whether a set of scripts holds Latin: a Latin word, or characters common to every script.
fn has_latin(mut set: AugmentedScriptSet) -> bool {
    set.intersect_with(AugmentedScriptSet::for_char('a'));
    !set.is_empty()
}

/// Whether the foreign letters of a word may hide Latin ones: the word is written in Latin
/// letters or mixes scripts (`ꜰuck`, `ᖴᑌᑕK`), not all in one other script (`привет`, `καλά`)
/// — UTS #39's resolved script set of the word.
fn may_hide_latin(text: &str, word: &[Char]) -> bool {
    if word.iter().any(|ch| ch.c.is_ascii_alphabetic()) {
        return true;
    }
    let (Some(first), Some(last)) = (word.first(), word.last()) else {
        return false;
    };
    let set = AugmentedScriptSet::for_str(&text[first.start..last.start + last.c.len_utf8()]);
    set.is_empty() || has_latin(set)
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
    /// The word holds a symbol stand-in or a letter that is not one Latin letter: some of its
    /// characters may read as letters only because of it.
    reads_in_context: bool,
}

/// One character of the message, with the letter it is drawn as (looked up once).
#[derive(Clone, Copy)]
struct Char {
    start: usize,
    c: char,
    letter: Option<u8>,
    /// A letter of another alphabet or block that looks like no Latin letter.
    foreign: bool,
    /// A letter that reads as several Latin letters (`æ`, `ß`, `ы`).
    ligature: bool,
}

impl Char {
    /// A letter that is not one Latin letter (foreign or a ligature).
    fn other_letter(self) -> bool {
        self.foreign || self.ligature
    }
}

/// Whether a character shows on screen (zero-width characters and combining marks do not).
fn visible(c: char) -> bool {
    c.is_ascii() || (!is_invisible(c) && !is_combining_mark(c))
}

/// A symbol people type for a letter (`$`, `@`, `!`…), digits aside.
fn is_symbol_stand_in(c: char) -> bool {
    !c.is_ascii_digit() && leet(c).is_some()
}

/// Ideographs and syllables (Han, kana, Hangul): written next to Latin words without a space,
/// never a look-alike of one Latin letter.
fn is_cjk(c: char) -> bool {
    let set = AugmentedScriptSet::for_char(c);
    !set.is_all() && (set.hanb || set.jpan || set.kore)
}

/// A letter of the Latin script (small capitals, IPA letters: `ꜰ`, `ʜ`, `ᴛ`).
fn is_latin(c: char) -> bool {
    let set = AugmentedScriptSet::for_char(c);
    !set.is_all() && has_latin(set)
}

/// How the word around a character makes it read.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum InWord {
    /// As it reads anywhere.
    #[default]
    Itself,
    /// As a letter: a symbol as the letter it stands in for (which may be another one, as a
    /// digit may), a foreign letter as any letter.
    Letter,
    /// As the one letter it shows: `$$` ending `a$$` is `ss`, never two other letters.
    ItsLetter,
    /// As no letter: a word of another language (`шорты`, with `ы`) is not read as Latin
    /// pieces (`шор` would read `wop`).
    Nothing,
}

/// Marks the characters of one whitespace-separated word (`word`, at `text`) that read as
/// letters only because of the word around them:
///
/// - a run of symbol stand-ins followed by a letter, in a word with at least two real letters
///   (`a$$hole`, `@$$h0le`, `b!!tch`), and `$$` ending a word after a letter (`a$$`) — not
///   `hi!!`, `spoiler!`, `$5`, `$$$`, `100%`, `c'mon!!!`, `:$`, `@@`;
/// - a foreign letter in a word written in Latin letters or mixing scripts: a Latin one
///   anywhere (`ꜰuck`, `ꜱʜɪᴛ`), another one beside a Latin-reading letter and no other foreign
///   one (`ᖴᑌᑕK`, `ωhore`) — never an ideograph or a syllable (`お前はbitchだ`);
/// - and none of a word all in one other script with a foreign letter in it: a word of that
///   language, whatever Latin look-alikes it holds (`шорты`, `привет`). A word of look-alikes
///   only (`аѕѕ`, all Cyrillic) still reads as Latin.
///
/// `visible_at` is scratch space for the positions of the word's visible characters.
fn mark_letters_in_context(
    text: &str,
    word: &[Char],
    shape: WordShape,
    visible_at: &mut Vec<usize>,
    marks: &mut [InWord],
) {
    visible_at.clear();
    visible_at.extend((0..word.len()).filter(|&i| visible(word[i].c)));
    let at = |k: usize| visible_at.get(k).map(|&i| word[i]);
    let mut k = 0;
    while k < visible_at.len() {
        if !is_symbol_stand_in(word[visible_at[k]].c) {
            k += 1;
            continue;
        }
        let begin = k;
        while at(k).is_some_and(|ch| is_symbol_stand_in(ch.c)) {
            k += 1;
        }
        let run = &visible_at[begin..k];
        if shape.letters >= 2 && at(k).is_some_and(|ch| ch.letter.is_some()) {
            run.iter().for_each(|&i| marks[i] = InWord::Letter);
        } else if begin > 0 && at(begin - 1).is_some_and(|ch| ch.letter.is_some()) {
            let dollars = run.iter().take_while(|&&i| word[i].c == '$').count();
            if dollars >= 2 {
                run[..dollars]
                    .iter()
                    .for_each(|&i| marks[i] = InWord::ItsLetter);
            }
        }
    }
    // A word with no foreign letter, or with no letter that reads as Latin, reads as it is.
    if !word.iter().any(|ch| ch.other_letter()) || !word.iter().any(|ch| ch.letter.is_some()) {
        return;
    }
    if !may_hide_latin(text, word) {
        marks.fill(InWord::Nothing);
        return;
    }
    for (k, &i) in visible_at.iter().enumerate() {
        let ch = word[i];
        if !ch.foreign || is_cjk(ch.c) {
            continue;
        }
        let neighbours = [k.checked_sub(1).and_then(at), at(k + 1)];
        let beside_latin = neighbours.iter().flatten().all(|n| !n.other_letter())
            && neighbours.iter().flatten().any(|n| n.letter.is_some());
        if is_latin(ch.c) || beside_latin {
            marks[i] = InWord::Letter;
        }
    }
}

fn shape(word: &[Char]) -> WordShape {
    let (mut letters, mut digits, mut run, mut longest_digit_run) = (0, 0, 0, 0);
    let mut reads_in_context = false;
    for ch in word {
        letters += usize::from(ch.letter.is_some());
        reads_in_context |= ch.other_letter() || is_symbol_stand_in(ch.c);
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
        reads_in_context,
    }
}

/// The letter a character stands for where it stands: a digit only in a word that reads as
/// letters, a symbol only before a letter or where the word makes it one (so `spoiler!` keeps
/// its `!` and `5 stars` its `5`, while `a55hole`, `sh!t` and `a$$hole` read as words), a
/// censor mark only between letters of a word, a foreign letter only where the word makes it
/// one (as a censor mark: `ᖴᑌᑕK` is `fu*k`).
fn fold(
    ch: Char,
    prev: Option<Char>,
    next: Option<Char>,
    word: WordShape,
    in_word: InWord,
) -> Option<u8> {
    if in_word == InWord::Nothing {
        return None;
    }
    if ch.letter.is_some() {
        return ch.letter;
    }
    if ch.foreign {
        return (in_word == InWord::Letter).then_some(WILDCARD);
    }
    let c = ch.c;
    let letterish = |n: Option<Char>| {
        n.is_some_and(|n| {
            n.letter.is_some() || n.foreign || is_censor_mark(n.c) || leet(n.c).is_some()
        })
    };
    if is_censor_mark(c) {
        return (word.letters >= 2 && letterish(prev) && letterish(next)).then_some(WILDCARD);
    }
    let counts = if c.is_ascii_digit() {
        word.digits_are_letters
    } else {
        in_word != InWord::Itself || next.is_some_and(|n| n.letter.is_some())
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
        let mut cache = ReadsCache::new();
        let chars: Vec<Char> = text
            .char_indices()
            .map(|(start, c)| {
                let reads = cache.reads(c);
                Char {
                    start,
                    c,
                    letter: match reads {
                        Reads::Letter(letter) => Some(letter),
                        Reads::Foreign | Reads::Ligature | Reads::Nothing => None,
                    },
                    foreign: reads == Reads::Foreign,
                    ligature: reads == Reads::Ligature,
                }
            })
            .collect();
        // The next visible character after each position, found in one backward pass.
        let mut next_visible = vec![None; chars.len()];
        let mut upcoming = None;
        for (i, ch) in chars.iter().enumerate().rev() {
            next_visible[i] = upcoming;
            if visible(ch.c) {
                upcoming = Some(*ch);
            }
        }
        // How the whitespace-separated word around each position reads, and which of its
        // characters read as letters only because of it.
        let mut shapes = vec![WordShape::default(); chars.len()];
        let mut in_word = vec![InWord::Itself; chars.len()];
        let mut visible_at = Vec::new();
        let mut word_begin = 0;
        for i in 0..=chars.len() {
            if i == chars.len() || chars[i].c.is_whitespace() {
                let word = &chars[word_begin..i];
                let word_shape = shape(word);
                shapes[word_begin..i].fill(word_shape);
                if word_shape.reads_in_context {
                    mark_letters_in_context(
                        text,
                        word,
                        word_shape,
                        &mut visible_at,
                        &mut in_word[word_begin..i],
                    );
                }
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
            match fold(ch, prev, next, shapes[i], in_word[i]) {
                Some(letter) => {
                    let stand_in =
                        c.is_ascii() && !c.is_ascii_alphabetic() && in_word[i] != InWord::ItsLetter;
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
    fn reads_look_alikes_through_the_confusables_skeleton() {
        for (c, expected) in [
            ('ƒ', Some(b'f')),   // Latin f with hook: skeleton f + comma below
            ('ᖴ', Some(b'f')),   // Canadian syllabics
            ('Ꮪ', Some(b's')),   // Cherokee
            ('ս', Some(b'u')),   // Armenian
            ('в', Some(b'b')),   // Cyrillic small ve: as its capital В
            ('Ι', Some(b'i')),   // Greek capital iota: `l` as drawn, `i` in lower case
            ('ℱ', Some(b'f')),   // letterlike: compatibility decomposition
            ('Ⓕ', Some(b'f')),   // circled
            ('ꜰ', None),         // small capital F: no skeleton letter (read in its word)
            ('æ', None),         // two letters
            ('¡', None),         // punctuation, though its skeleton is `i`
            ('×', None),         // a symbol, though its skeleton is `x`
            ('\u{1D7D8}', None), // mathematical digit zero: a digit, not `o`
            ('١', None),         // Arabic-Indic digit one: a digit, not `l`
            ('ʻ', None),         // a modifier letter
            ('m', Some(b'm')),   // ASCII never goes through the skeleton (`m` is `rn`)
        ] {
            assert_eq!(letter(c), expected, "{c}");
        }
    }

    #[test]
    fn symbols_and_foreign_letters_read_by_the_word_they_are_in() {
        assert_eq!(letters("a$$hole"), "ashole");
        assert_eq!(letters("a$$ hi!! $5 100% $$$"), "ashi");
        assert_eq!(letters("\u{15B4}\u{144C}\u{1455}K"), "fu*k"); // ᖴᑌᑕK
        assert_eq!(letters("\u{A730}uck"), "*uck"); // ꜰuck
        assert_eq!(letters("шорты"), "", "a Russian word, not `wop`");
        assert_eq!(letters("сок"), "cok", "look-alikes only: read as Latin");
        assert_eq!(letters("お前はbitchだ"), "bitch");
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
