#!/usr/bin/env python3
"""Writes the moderation corpora from their data files.

    python3 scripts/corpus/generate.py           # rewrite the files below
    python3 scripts/corpus/generate.py --check   # exit 1 if a file on disk differs from its data

Reads `shared/moderation/corpus/source/` and writes, under `shared/moderation/corpus/`:

- `en.tsv`, `es.tsv`, `fr.tsv`, `de.tsv`, `pt.tsv`: the profanity / spam / links corpus, from
  `source/<lang>/<category>.txt` (one chat line per line), `source/<lang>/evasion.tsv` (profane
  words and a frame for each, rendered here the ways people hide them: spaced, dotted, leet,
  repeated letters, accents, fullwidth, Cyrillic look-alikes, zero-width characters, capitals,
  self-censoring, mathematical alphanumerics, combining marks) and, for English,
  `source/en/legacy.tsv` + `source/en/legacy-refile.tsv` (the engine's first corpus, re-filed);
- `hostility/<lang>.tsv`: the hostility / discrimination corpus, from
  `source/hostility/<lang>/<group>/<name>.txt` (category `<group>:<name>`), then the development
  lines of `source/hostility-dev/<lang>/<group>/<name>.txt`, all `tune`.

Deterministic, no network, standard library only; paths are resolved from this script's place in
the repository, whatever the current directory. See shared/moderation/corpus/README.md for the
format, the categories, the split rule and the labelling rules.
"""

import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(REPO, 'shared', 'moderation', 'corpus')
SOURCE = os.path.join(CORPUS, 'source')
LANGUAGES = ['en', 'es', 'fr', 'de', 'pt']
HEADER = 'expected\tcategory\tsplit\ttext\n'


class DataError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading the data files: UTF-8, LF line ends, taken exactly (no trimming, no escapes).

def _read_text(path):
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        raise DataError(f'{_rel(path)}: not UTF-8 ({e})')
    if text.startswith('\ufeff'):
        raise DataError(f'{_rel(path)}: starts with a byte order mark; save it as UTF-8 without BOM')
    if '\r' in text:
        raise DataError(f'{_rel(path)}: has a carriage return; save it with LF line ends')
    return text


def read_lines(path):
    """A `.txt` block: one chat line per line; blank lines are skipped, nothing else is touched."""
    out = []
    for n, line in enumerate(_read_text(path).split('\n'), 1):
        if not line.strip():
            continue
        if '\t' in line:
            raise DataError(f'{_rel(path)}:{n}: a chat line may not hold a tab')
        out.append(line)
    return out


def read_tsv(path, columns):
    """A small table with a header line naming `columns`; the last column may hold spaces."""
    lines = _read_text(path).split('\n')
    if lines[0] != '\t'.join(columns):
        raise DataError(f'{_rel(path)}:1: header must be {chr(9).join(columns)!r}, not {lines[0]!r}')
    rows = []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        fields = line.split('\t')
        if len(fields) != len(columns):
            raise DataError(f'{_rel(path)}:{n}: {len(columns)} tab-separated fields expected, found {len(fields)}')
        rows.append(tuple(fields))
    return rows


def _rel(path):
    return os.path.relpath(path, REPO)


# ---------------------------------------------------------------------------------------------
# Evasions: profane words rendered the ways people hide them.

VOWELS = 'aeiou'
ACCENTED = {'a': 'áàâäã', 'e': 'éèêë', 'i': 'íìîï', 'o': 'óòôöõ', 'u': 'úùûü'}
CYRILLIC = {'a': '\u0430', 'c': '\u0441', 'e': '\u0435', 'o': '\u043e', 'p': '\u0440', 'x': '\u0445',
            'y': '\u0443', 'i': '\u0456', 's': '\u0455', 'j': '\u0458', 'k': '\u043a'}
INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad']
LEET_SYMBOLS = {'a': '@', 's': '$', 'i': '!', 'o': '0', 'e': '3', 'u': 'v', 'c': '(', 'l': '|', 't': '7'}
CENSOR = ['*', '#', '@', '!', '%', '$']
COMBINING = ['\u0301', '\u0308', '\u0336', '\u0332', '\u0300', '\u0303']
# Mathematical alphanumeric styles (lower-case 'a' code point) and their holes.
MATH = [
    ('bold', 0x1D41A, {}),
    ('italic', 0x1D44E, {'h': '\u210e'}),
    ('script', 0x1D4B6, {'e': '\u212f', 'g': '\u210a', 'o': '\u2134'}),
    ('bold-script', 0x1D4EA, {}),
    ('fraktur', 0x1D51E, {}),
    ('double-struck', 0x1D552, {}),
    ('sans-serif', 0x1D5BA, {}),
    ('sans-serif-bold', 0x1D5EE, {}),
    ('monospace', 0x1D68A, {}),
]


def spaced(w, n):
    return ' '.join(w)


def dotted(w, n):
    sep = '.-_.'[n % 4]
    return sep.join(w)


def leet(w, n):
    # Symbol leetspeak: at least one letter swapped for a symbol; which ones rotate.
    out, swapped = [], 0
    for i, c in enumerate(w):
        if c in LEET_SYMBOLS and (i + n) % 2 == 0:
            out.append(LEET_SYMBOLS[c]); swapped += 1
        else:
            out.append(c)
    if not swapped:
        for i, c in enumerate(w):
            if c in LEET_SYMBOLS:
                out[i] = LEET_SYMBOLS[c]; break
    return ''.join(out)


def repeat(w, n):
    for i, c in enumerate(w):
        if c in VOWELS:
            return w[:i] + c * (4 + n % 4) + w[i + 1:]
    return w[0] * 5 + w[1:]


def accents(w, n):
    out, k = [], n
    for c in w:
        if c in ACCENTED and (k % 2 == 0 or c == w[-1]):
            out.append(ACCENTED[c][k % len(ACCENTED[c])])
        else:
            out.append(c)
        k += 1
    if ''.join(out) == w:
        for i, c in enumerate(w):
            if c in ACCENTED:
                out[i] = ACCENTED[c][0]; break
    return ''.join(out)


def fullwidth(w, n):
    return ''.join(chr(ord(c) + 0xFEE0) if '!' <= c <= '~' else '\u3000' for c in w)


def cyrillic(w, n):
    out = [CYRILLIC.get(c, c) if (i + n) % 2 == 0 else c for i, c in enumerate(w)]
    if ''.join(out) == w:
        out = [CYRILLIC.get(c, c) for c in w]
    assert ''.join(out) != w, w
    return ''.join(out)


def zero_width(w, n):
    mark = INVISIBLE[n % len(INVISIBLE)]
    cut = max(1, len(w) // 2)
    return w[:cut] + mark + w[cut:]


def upper(w, n):
    return w.upper()


def self_censored(w, n):
    chars = list(w)
    inner = [i for i in range(1, len(w) - 1) if w[i] in VOWELS] or [1]
    i = inner[n % len(inner)]
    chars[i] = CENSOR[n % len(CENSOR)]
    if n % 5 == 4 and len(w) > 4 and i + 1 < len(w) - 1:   # "f**k", "a**hole"
        chars[i + 1] = chars[i]
    return ''.join(chars)


def math_alnum(w, n):
    name, base, holes = MATH[n % len(MATH)]
    return ''.join(holes.get(c) or (chr(base + ord(c) - ord('a')) if 'a' <= c <= 'z' else c) for c in w)


def combining(w, n):
    if n % 3 == 2:   # "zalgo": several marks on every letter
        return ''.join(c + COMBINING[(i + n) % 6] + COMBINING[(i + n + 2) % 6] for i, c in enumerate(w))
    mark = COMBINING[n % len(COMBINING)]
    return ''.join(c + mark if c.isalpha() else c for c in w)


EVASIONS = [
    ('evasion:spaced', spaced), ('evasion:dotted', dotted), ('evasion:leet', leet),
    ('evasion:repeat', repeat), ('evasion:accents', accents), ('evasion:fullwidth', fullwidth),
    ('evasion:cyrillic', cyrillic), ('evasion:zero-width', zero_width), ('evasion:upper', upper),
    ('evasion:self-censored', self_censored), ('evasion:math-alnum', math_alnum),
    ('evasion:combining', combining),
]
# Lines per evasion kind: English has 9 (18 for the two kinds added last); the other languages 3,
# so each kind has a held-out line.
EN_EVASIONS_PER_CATEGORY = {'evasion:math-alnum': 18, 'evasion:combining': 18}
EN_EVASIONS_DEFAULT = 9
OTHER_EVASIONS = 3


def evasion_lines(pairs, count_of):
    """`count_of(category)` lines per evasion kind, cycling through the (word, frame) pairs."""
    out = []
    for k, (category, render) in enumerate(EVASIONS):
        for j in range(count_of(category)):
            word, frame = pairs[(j + 3 * k) % len(pairs)]
            # a phrase ("hijo de puta") has every word rendered, so no part of it is left plain
            rendered = ' '.join(render(part, j) for part in word.split(' '))
            out.append(('flag', category, frame.format(rendered)))
    return out


# ---------------------------------------------------------------------------------------------
# The profanity corpus: en.tsv, es.tsv, fr.tsv, de.tsv, pt.tsv.

# Hand-written categories (source/<lang>/<category>.txt) and their label.
BLOCKS = {
    'clean': 'allow', 'scunthorpe': 'allow', 'ambiguous-innocent': 'allow', 'ambiguous-insult': 'flag',
    'numbers': 'allow', 'profanity': 'flag', 'profanity-mild': 'allow', 'leet-profanity': 'flag',
    'spam': 'flag', 'spam-lookalike': 'allow', 'link-allowed': 'allow', 'link-refused': 'flag',
    'blocked-term': 'flag', 'blocked-lookalike': 'allow',
}
CATEGORY_ORDER = [
    'clean', 'scunthorpe', 'ambiguous-innocent', 'ambiguous-insult', 'numbers', 'profanity',
    'profanity-mild', 'leet-profanity', *[c for c, _ in EVASIONS], 'spam', 'spam-lookalike',
    'link-allowed', 'link-refused', 'blocked-term', 'blocked-lookalike',
]
FLAG_CATEGORIES = {c for c, e in BLOCKS.items() if e == 'flag'} | {c for c, _ in EVASIONS}


def legacy_rows():
    """The 315 lines of the engine's first corpus, as they were, re-filed."""
    refile = dict(read_tsv(os.path.join(SOURCE, 'en', 'legacy-refile.tsv'), ('text', 'category')))
    rows, seen = [], set()
    for expected, category, text in read_tsv(os.path.join(SOURCE, 'en', 'legacy.tsv'),
                                             ('expected', 'category', 'text')):
        if text in seen:   # two lines were in the old file twice, under two categories
            continue
        seen.add(text)
        if category == 'lookalike':
            category = 'scunthorpe'
        rows.append((expected, refile.get(text, category), text))
    return rows


def profanity_rows(lang):
    folder = os.path.join(SOURCE, lang)
    known = {f'{c}.txt' for c in BLOCKS} | {'evasion.tsv'} | ({'legacy.tsv', 'legacy-refile.tsv'} if lang == 'en' else set())
    for name in sorted(os.listdir(folder)):
        if name not in known:
            raise DataError(f'{_rel(os.path.join(folder, name))}: unknown file (categories: {", ".join(BLOCKS)})')
    rows = legacy_rows() if lang == 'en' else []
    for category in CATEGORY_ORDER:
        path = os.path.join(folder, f'{category}.txt')
        if category in BLOCKS and os.path.exists(path):
            rows.extend((BLOCKS[category], category, t) for t in read_lines(path))
    pairs = read_tsv(os.path.join(folder, 'evasion.tsv'), ('word', 'frame'))
    if lang == 'en':
        count_of = lambda c: EN_EVASIONS_PER_CATEGORY.get(c, EN_EVASIONS_DEFAULT)
    else:
        count_of = lambda c: OTHER_EVASIONS
    rows.extend(evasion_lines(pairs, count_of))
    return with_splits(rows, CATEGORY_ORDER)


def check_profanity(name, rows):
    for expected, category, split, text in rows:
        want = 'flag' if category in FLAG_CATEGORIES else 'allow'
        if expected != want:
            raise DataError(f'{name}: {category} line labelled {expected}, not {want}: {text!r}')


# ---------------------------------------------------------------------------------------------
# The hostility corpus: hostility/<lang>.tsv, from source/hostility/<lang>/<group>/<name>.txt.

HOSTILITY_ORDER = [
    'hostility:threat', 'hostility:harm-wish', 'hostility:self-harm', 'hostility:dehumanising',
    'hostility:harassment',
    'discrimination:origin', 'discrimination:religion', 'discrimination:gender',
    'discrimination:sexuality', 'discrimination:disability',
    'hostility-negative:gaming', 'hostility-negative:self-talk', 'hostility-negative:praise',
    'hostility-negative:banter', 'hostility-negative:lyrics', 'hostility-negative:navigation',
    'hostility-negative:news', 'hostility-negative:support',
]
HOSTILITY_EXPECTED = {'hostility': 'flag', 'discrimination': 'flag', 'hostility-negative': 'allow'}


def hostility_rows(lang):
    """The corpus lines (every third held out), then the development lines (all tune)."""
    rows = with_splits(hostility_category_rows('hostility', lang), HOSTILITY_ORDER)
    dev = sorted(hostility_category_rows('hostility-dev', lang), key=lambda r: HOSTILITY_ORDER.index(r[1]))
    return rows + [(expected, category, 'tune', text) for expected, category, text in dev]


def hostility_category_rows(tree, lang):
    folder = os.path.join(SOURCE, tree, lang)
    found = set()
    for group in sorted(os.listdir(folder)):
        if not os.path.isdir(os.path.join(folder, group)):
            raise DataError(f'{_rel(os.path.join(folder, group))}: expected a folder per category group')
        for name in sorted(os.listdir(os.path.join(folder, group))):
            category = f'{group}:{name[:-4]}' if name.endswith('.txt') else None
            if category not in HOSTILITY_ORDER:
                raise DataError(f'{_rel(os.path.join(folder, group, name))}: unknown category file '
                                f'(categories: {", ".join(HOSTILITY_ORDER)})')
            found.add(category)
    rows = []
    for category in HOSTILITY_ORDER:
        if category in found:
            group, name = category.split(':')
            path = os.path.join(folder, group, f'{name}.txt')
            rows.extend((HOSTILITY_EXPECTED[group], category, t) for t in read_lines(path))
    return rows


# ---------------------------------------------------------------------------------------------

def with_splits(rows, order):
    """Every third line of each category (the 3rd, 6th, ... in file order) is held out."""
    rows = sorted(rows, key=lambda r: order.index(r[1]))   # stable: keeps order inside a category
    seen, out = {}, []
    for expected, category, text in rows:
        i = seen.get(category, 0)
        seen[category] = i + 1
        out.append((expected, category, 'holdout' if i % 3 == 2 else 'tune', text))
    return out


def check_common(name, rows):
    texts = set()
    for expected, category, split, text in rows:
        if expected not in ('allow', 'flag'):
            raise DataError(f'{name}: expected must be allow or flag: {text!r}')
        if '\t' in text or '\n' in text or not text.strip():
            raise DataError(f'{name}: a line must be non-blank, with no tab or newline: {text!r}')
        if text in texts:
            raise DataError(f'{name}: duplicate line {text!r}')
        texts.add(text)


def render(rows):
    return HEADER + ''.join('\t'.join(row) + '\n' for row in rows)


def outputs():
    """{path relative to the corpus folder: (file content, rows)}"""
    out = {}
    for lang in LANGUAGES:
        rows = profanity_rows(lang)
        check_common(f'{lang}.tsv', rows)
        check_profanity(f'{lang}.tsv', rows)
        out[f'{lang}.tsv'] = rows
    for lang in LANGUAGES:
        name = f'hostility/{lang}.tsv'
        rows = hostility_rows(lang)
        check_common(name, rows)
        out[name] = rows
    return {name: (render(rows), rows) for name, rows in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if a generated file differs from the one on disk')
    args = parser.parse_args()
    try:
        files = outputs()
    except DataError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    stale = []
    for name, (content, rows) in files.items():
        path = os.path.join(CORPUS, *name.split('/'))
        data = content.encode('utf-8')
        try:
            with open(path, 'rb') as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if args.check:
            if current != data:
                stale.append(path)
                why = 'is missing' if current is None else 'differs from what its data files generate'
                print(f'{_rel(path)} {why}', file=sys.stderr)
            continue
        if current != data:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'wb') as f:
                f.write(data)
        flag = sum(1 for r in rows if r[0] == 'flag')
        print(f'{_rel(path)}: {len(rows)} lines ({flag} flag, {len(rows) - flag} allow)'
              f'{"" if current != data else ", unchanged"}')
    if stale:
        print('run: python3 scripts/corpus/generate.py', file=sys.stderr)
        return 1
    if args.check:
        print(f'{len(files)} corpus files match their data files')
    return 0


if __name__ == '__main__':
    sys.exit(main())
