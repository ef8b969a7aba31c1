#!/usr/bin/env python3
"""Prints alt-profanity-check's verdict on every corpus line as JSON lines, for the peer
comparison in compare.mjs:

    .venv/peers/bin/python tests/peers/alt_profanity_check.py [profanity|hostility] [--corpus DIR]
        [--runs N] > verdicts.jsonl

alt-profanity-check (PyPI; `from profanity_check import predict_prob`) is a classifier, not a
word list: scikit-learn's TfidfVectorizer over words (English stop words removed) and a
calibrated LinearSVC, trained on about 200k human-labelled English samples of clean and
offensive text; the model ships inside the package. A line is flagged when predict_prob >= 0.5
(what its own `predict` decides). It has no language setting: every file is scored with the one
English model.

Each output line is `{"lang","text","flagged","micros"}`, like peer_verdicts. The verdicts of a
file come from one batched `predict_prob` call (the same scores as one call per line, which the
script checks on every line it times); `micros` is the wall time of one `predict_prob([text])` call
on that line, as a chat backend would review one message at a time, the mean of N calls (default
1: a single call costs milliseconds, nearly all of it scikit-learn's input checks, so batching
is what makes the model cheap). The corpus is `shared/moderation/corpus/` (profanity, the default) or its
`hostility/` folder; --corpus names another directory holding `<lang>.tsv` files.
"""

import argparse
import json
import sys
import time
from pathlib import Path

LANGS = ["en", "es", "fr", "de", "pt"]
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "moderation" / "corpus"


def corpus_lines(path):
    """(text) of every line of one corpus file, exactly as written (no newline translation,
    no splitting on U+2028 and the other characters str.splitlines would break on)."""
    with open(path, encoding="utf-8", newline="") as f:
        header, *lines = f.read().split("\n")
    text_col = header.split("\t").index("text")
    for line in lines:
        if not line.strip():
            continue
        fields = line.split("\t")
        yield "\t".join(fields[text_col:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus_kind", nargs="?", choices=["profanity", "hostility"], default="profanity")
    parser.add_argument("--corpus", type=Path, help="directory of <lang>.tsv files (overrides the kind's)")
    parser.add_argument("--runs", type=int, default=1, help="timed calls per line (default 1)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    corpus_dir = args.corpus or (CORPUS / "hostility" if args.corpus_kind == "hostility" else CORPUS)

    from profanity_check import predict_prob  # loads the model: after argument errors

    out = sys.stdout
    seen = 0
    for lang in LANGS:
        path = corpus_dir / f"{lang}.tsv"
        if not path.exists():
            continue
        texts = list(corpus_lines(path))
        if not texts:
            continue
        probs = predict_prob(texts)
        for text, prob in zip(texts, probs):
            started = time.perf_counter_ns()
            for _ in range(args.runs):
                one = predict_prob([text])[0]
            micros = (time.perf_counter_ns() - started) / 1000 / args.runs
            if (one >= 0.5) != (prob >= 0.5):
                sys.exit(f"{path}: batched and single scores disagree ({prob} vs {one})")
            out.write(json.dumps({"lang": lang, "text": text, "flagged": bool(prob >= 0.5), "micros": micros},
                                 ensure_ascii=False) + "\n")
            seen += 1
    if not seen:
        sys.exit(f"no corpus lines under {corpus_dir}")


if __name__ == "__main__":
    main()
