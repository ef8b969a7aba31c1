#!/usr/bin/env python3
"""Imports HateCheck (English) and Multilingual HateCheck (es, fr, de, pt) into
shared/moderation/corpus/hatecheck/<lang>.tsv, the corpus format (expected, category, split, text).

Both are CC BY 4.0 (see corpus/hatecheck/README.md for attribution). This is a one-time import,
run again only to pick another subset: the source CSVs are not kept in the repository.

    python3 scripts/corpus/hatecheck.py --hatecheck test_suite_cases.csv \\
        --mhc-dir "MHC Final Cases"

Only the functional tests that are about what this engine's discrimination and hostility frames
read are kept: hate said in words (no slur, no profanity, no misspelling: those are the
lexicon's and the skeleton's, tested elsewhere), and the non-hateful cases that share its
words (negated hate, neutral and positive statements about a group, counter-speech quoting or
naming hate, abuse aimed at objects). Abuse aimed at an individual or a non-protected group
(HateCheck's target_indiv_nh / target_group_nh) is left out: HateCheck calls it non-hateful,
this engine calls it hostility, so no label would be right for both.

Split: by template. A template's cases differ only in the group named, so a template is wholly
`tune` (even template id) or wholly `holdout` (odd): frames are written from the even ones.
Standard library only; deterministic.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'shared', 'moderation', 'corpus', 'hatecheck')

KEPT = {
    # hateful
    'derog_neg_emote_h', 'derog_neg_attrib_h', 'derog_dehum_h', 'derog_impl_h',
    'threat_dir_h', 'threat_norm_h', 'ref_subs_clause_h', 'ref_subs_sent_h', 'negate_pos_h',
    'phrase_question_h', 'phrase_opinion_h',
    # non-hateful
    'negate_neg_nh', 'ident_neutral_nh', 'ident_pos_nh', 'counter_quote_nh', 'counter_ref_nh',
    'target_obj_nh',
}
MHC = {'es': 'spanish', 'fr': 'french', 'de': 'german', 'pt': 'portuguese'}


def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            if r['functionality'] not in KEPT:
                continue
            text = ' '.join(r['test_case'].split())
            if not text:
                continue
            expected = 'flag' if r['label_gold'] == 'hateful' else 'allow'
            split = 'tune' if int(float(r['templ_id'])) % 2 == 0 else 'holdout'
            yield expected, r['functionality'], split, text


def write(lang, found):
    seen, out = set(), []
    for row in found:
        if row[3] in seen:
            continue
        seen.add(row[3])
        out.append(row)
    out.sort(key=lambda r: (r[2] != 'tune', r[1]))  # stable: keeps the source order inside
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f'{lang}.tsv'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('expected\tcategory\tsplit\ttext\n')
        for r in out:
            f.write('\t'.join(r) + '\n')
    flag = sum(1 for r in out if r[0] == 'flag')
    print(f'{lang}.tsv: {len(out)} lines ({flag} flag, {len(out) - flag} allow)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--hatecheck', required=True, help="HateCheck's test_suite_cases.csv")
    parser.add_argument('--mhc-dir', required=True, help="MHC's 'MHC Final Cases' folder")
    args = parser.parse_args()
    write('en', rows(args.hatecheck))
    for lang, name in MHC.items():
        write(lang, rows(os.path.join(args.mhc_dir, f'hatecheck_cases_final_{name}.csv')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
