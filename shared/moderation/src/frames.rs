//! When an ambiguous word (a name, an object or an animal as well as an insult) is meant as an
//! insult: addressed to someone ("you knob", "what a prick", "such a tit", "eres una zorra",
//! "espèce de bâtard", "du Schwanz", "seu veado"), or said of a group ("the mods are dicks").
//! And when it is a name: "Dick Van Dyke", "Willy Wonka".
//!
//! Frames are written as the skeleton reads them: lower case, accents dropped, an apostrophe a
//! gap ("you're" is `you re`). Up to two fillers (`absolute`, `stupid`, …) may stand between
//! the frame and the word.

use chat_core::domain::policy::Language;

use super::text::Skeleton;

struct Frames {
    /// Words right before the insult.
    before: &'static [&'static str],
    /// Words right before a plural insult ("are dicks"), unless `not_after` comes first.
    plural: &'static [&'static str],
    not_after: &'static [&'static str],
    /// Words that may stand between a frame and the insult.
    fillers: &'static [&'static str],
}

const EN: Frames = Frames {
    before: &[
        "you",
        "u",
        "ya",
        "you re a",
        "you re an",
        "youre a",
        "youre an",
        "you are a",
        "you are an",
        "ur a",
        "ur an",
        "u r a",
        "u r an",
        "such a",
        "such an",
        "what a",
        "what an",
        "he s a",
        "hes a",
        "she s a",
        "shes a",
        "he is a",
        "she is a",
        "stop being a",
        "stop being an",
        "stop being",
        "don t be a",
        "dont be a",
        "don t be an",
        "dont be an",
        "bunch of",
        "shut up",
    ],
    plural: &["are", "re"],
    not_after: &["there", "these", "those", "they", "here"],
    fillers: &[
        "absolute",
        "little",
        "lil",
        "stupid",
        "dumb",
        "big",
        "fat",
        "ugly",
        "silly",
        "total",
        "complete",
        "utter",
        "massive",
        "pathetic",
        "useless",
        "lazy",
        "dirty",
        "filthy",
        "smelly",
        "worthless",
        "toxic",
        "annoying",
        "fucking",
        "freaking",
        "effing",
        "bloody",
        "damn",
        "old",
    ],
};

const ES: Frames = Frames {
    before: &[
        "eres un",
        "eres una",
        "sos un",
        "sos una",
        "menudo",
        "menuda",
        "pedazo de",
        "vaya",
        "que",
        "tu",
        "eres",
        "so",
    ],
    plural: &["sois", "son"],
    not_after: &[],
    fillers: &[
        "puto", "puta", "maldito", "maldita", "gran", "pinche", "pinches",
    ],
};

const FR: Frames = Frames {
    before: &[
        "t es un",
        "t es une",
        "tu es un",
        "tu es une",
        "espece de",
        "sale",
        "pauvre",
        "quel",
        "quelle",
        "gros",
        "grosse",
    ],
    plural: &["bande de"],
    not_after: &[],
    fillers: &[
        "gros", "grosse", "petit", "petite", "sale", "vieux", "vieille",
    ],
};

const DE: Frames = Frames {
    before: &[
        "du",
        "du bist ein",
        "du bist eine",
        "bist du ein",
        "so ein",
        "so eine",
        "was fur ein",
        "was fur eine",
        "was fur ein",
    ],
    plural: &["ihr"],
    not_after: &[],
    fillers: &[
        "alter",
        "alte",
        "dummer",
        "dumme",
        "blode",
        "bloder",
        "kleiner",
        "kleine",
        "verdammter",
        "verdammte",
    ],
};

const PT: Frames = Frames {
    before: &[
        "seu",
        "sua",
        "voce e um",
        "voce e uma",
        "vc e um",
        "vc e uma",
        "tu es um",
        "tu es uma",
        "que",
        "seu grande",
    ],
    plural: &["seus", "suas"],
    not_after: &[],
    fillers: &["grande", "maldito", "maldita"],
};

fn frames(language: Language) -> &'static Frames {
    match language {
        Language::En => &EN,
        Language::Es => &ES,
        Language::Fr => &FR,
        Language::De => &DE,
        Language::Pt => &PT,
    }
}

/// Whether a skeleton piece reads as `word` (written naturally; doubled letters collapse as
/// they do in the skeleton).
fn reads_as(piece: &[u8], word: &str) -> bool {
    let mut collapsed = word
        .bytes()
        .enumerate()
        .filter(|&(i, b)| i == 0 || word.as_bytes()[i - 1] != b)
        .map(|(_, b)| b);
    piece.iter().all(|p| collapsed.next() == Some(*p)) && collapsed.next().is_none()
}

/// The words of the skeleton before letter `first`, nearest first.
fn words_before(skeleton: &Skeleton, first: usize) -> Vec<&[u8]> {
    let letters = &skeleton.letters;
    let mut words = Vec::new();
    let mut end = first;
    let mut i = first;
    while i > 0 && words.len() < 8 {
        i -= 1;
        if letters[i].word_start {
            words.push(&skeleton.text[i..end]);
            end = i;
        }
    }
    words
}

/// `words` (nearest first) end with `phrase`.
fn ends_with(words: &[&[u8]], phrase: &str) -> bool {
    phrase.split(' ').count() <= words.len()
        && phrase
            .rsplit(' ')
            .zip(words)
            .all(|(wanted, word)| reads_as(word, wanted))
}

/// The word at `first` (the lexicon's `term`, in `language`) is addressed to someone as an
/// insult in that language.
pub fn insulting(
    term: &str,
    language: Language,
    skeleton: &Skeleton,
    first: usize,
    enabled: &[Language],
) -> bool {
    if !enabled.contains(&language) {
        return false;
    }
    let frames = frames(language);
    let words = words_before(skeleton, first);
    for skipped in 0..=2.min(words.len()) {
        if skipped > 0
            && !frames
                .fillers
                .iter()
                .any(|f| reads_as(words[skipped - 1], f))
        {
            break;
        }
        let rest = &words[skipped..];
        if frames.before.iter().any(|p| ends_with(rest, p)) {
            return true;
        }
        let plural = term.ends_with('s');
        if plural
            && frames.plural.iter().any(|p| ends_with(rest, p))
            && !rest
                .get(1)
                .is_some_and(|w| frames.not_after.iter().any(|n| reads_as(w, n)))
        {
            return true;
        }
    }
    false
}

/// The word at `first..end` is a capitalised name: followed by a capitalised surname
/// ("Dick Van Dyke"), or after a capitalised first name that is not a frame ("Alan Cumming").
pub fn is_name(skeleton: &Skeleton, original: &str, first: usize, end: usize) -> bool {
    let letters = &skeleton.letters;
    let starts_upper = |i: usize| {
        original[letters[i].start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    let word = &original[letters[first].start..letters[end - 1].end];
    if !starts_upper(first) || !word.chars().any(char::is_lowercase) {
        return false;
    }
    if end < letters.len() && letters[end].word_start && starts_upper(end) {
        return true;
    }
    let words = words_before(skeleton, first);
    let Some(previous) = words.first() else {
        return false;
    };
    let previous_start = first - previous.len();
    let is_frame_word = [&EN, &ES, &FR, &DE, &PT].iter().any(|f| {
        f.before
            .iter()
            .chain(f.plural)
            .flat_map(|p| p.split(' '))
            .any(|w| reads_as(previous, w))
    });
    starts_upper(previous_start) && !is_frame_word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_the_skeleton_spells_them() {
        assert!(reads_as(b"litle", "little"));
        assert!(reads_as(b"you", "you"));
        assert!(!reads_as(b"yo", "you"));
        assert!(!reads_as(b"youu", "you"));
    }
}
