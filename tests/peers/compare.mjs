#!/usr/bin/env node
// Runs JS profanity filters over the labelled moderation corpus and prints, per language and
// split, each filter's precision and recall on the flag decision and its mean time per message,
// then the same over all five languages together.
//
//   node compare.mjs [CORPUS_DIR] [--hostility] [--engine [NAME=]VERDICTS.jsonl]... [--lead NAME]
//                    [--categories] [--misses]
//
// CORPUS_DIR defaults to ../../shared/moderation/corpus (relative to this file), or to its
// hostility/ folder with --hostility. Each VERDICTS.jsonl holds an engine's verdicts, one
// {"lang","text","flagged","micros"?} object per line (written by `cargo run -p chat-moderation
// --example peer_verdicts`, or by alt_profanity_check.py); each is scored as one more row, timed
// by its own `micros` when given. --lead NAME exits 1 unless that engine has the best precision
// of all filters, at a recall no lower than theirs, on every language's held-out split.
// --categories adds a per-category table (share of lines each filter flags) for every language
// and for all of them; --misses lists the tune lines most filters get wrong (with --hostility:
// the lines the first --engine gets wrong), never a held-out line: no text of the held-out split
// is printed in any mode, so nobody tunes on it.
//
// Profanity mode (the default) scores only the categories about profanity: spam, links and a
// room's blocked terms are not what these filters do, so those lines are skipped. "profanity-mild"
// lines (mild swearing, allowed at the corpus room's level) are scored as allow: a filter that
// flags `damn` loses precision. Hostility mode (--hostility) scores every line of the hostility
// corpus: hostility:* and discrimination:* (flag) and hostility-negative:* (allow).

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { AllProfanity } from 'allprofanity';
import { Filter as GlinFilter } from 'glin-profanity';
import { Profanity } from '@2toad/profanity';

const HERE = dirname(fileURLToPath(import.meta.url));
const LANGS = ['en', 'es', 'fr', 'de', 'pt'];
const PROFANITY_CATEGORIES = new Set([
  'clean', 'scunthorpe', 'ambiguous-innocent', 'ambiguous-insult', 'numbers',
  'profanity', 'profanity-mild', 'leet-profanity',
]);
const HOSTILITY_PREFIXES = ['hostility:', 'discrimination:', 'hostility-negative:'];

// ---- arguments
const args = process.argv.slice(2);
let corpusDir = null;
let hostility = false;
const enginePaths = [];
let lead = null;
let perCategory = false;
let showMisses = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--engine') enginePaths.push(args[++i]);
  else if (args[i] === '--lead') lead = args[++i];
  else if (args[i] === '--hostility') hostility = true;
  else if (args[i] === '--categories') perCategory = true;
  else if (args[i] === '--misses') showMisses = true;
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: node compare.mjs [CORPUS_DIR] [--hostility] [--engine [NAME=]VERDICTS.jsonl]... [--lead NAME] [--categories] [--misses]');
    process.exit(0);
  } else if (args[i].startsWith('--')) {
    console.error(`unknown option ${args[i]} (see --help)`);
    process.exit(2);
  } else corpusDir = resolve(args[i]);
}
corpusDir ??= resolve(HERE, hostility ? '../../shared/moderation/corpus/hostility' : '../../shared/moderation/corpus');
const relevant = hostility
  ? (category) => HOSTILITY_PREFIXES.some((p) => category.startsWith(p))
  : (category) => PROFANITY_CATEGORIES.has(category) || category.startsWith('evasion:');

// ---- corpus
function readCorpus(lang) {
  const path = join(corpusDir, `${lang}.tsv`);
  if (!existsSync(path)) return [];
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
  const cols = header.split('\t');
  const at = (name) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name}`);
    return i;
  };
  const [e, c, s, t] = ['expected', 'category', 'split', 'text'].map(at);
  return lines
    .map((l, n) => ({ l, lineNo: n + 2 }))
    .filter(({ l }) => l.trim() !== '')
    .map(({ l, lineNo }) => ({ f: l.split('\t'), lineNo }))
    .map(({ f, lineNo }) => ({ lang, lineNo, expected: f[e], category: f[c], split: f[s], text: f.slice(t).join('\t') }))
    .filter((r) => relevant(r.category));
}

// ---- filters: each one's recommended setup, with the room's language where it has one
const ALLPROFANITY_LANG = { es: 'spanish', fr: 'french', de: 'german', pt: 'brazilian' };
const GLIN_LANG = { en: 'english', es: 'spanish', fr: 'french', de: 'german', pt: 'portuguese' };

function makeFilters() {
  const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  const allprofanity = {};
  const glin = {};
  const toad = {};
  for (const lang of LANGS) {
    // AllProfanity: the default instance (English and Hindi loaded), plus the room's language.
    const ap = new AllProfanity({ silent: true });
    if (ALLPROFANITY_LANG[lang]) ap.loadLanguage(ALLPROFANITY_LANG[lang]);
    allprofanity[lang] = ap;
    // glin-profanity: the README's Filter setup (leetspeak on, Unicode normalised), English + room language.
    glin[lang] = new GlinFilter({
      languages: [...new Set(['english', GLIN_LANG[lang]])],
      detectLeetspeak: true,
      leetspeakLevel: 'moderate',
      normalizeUnicode: true,
    });
    // @2toad/profanity: whole-word matching (its default), English + room language.
    toad[lang] = new Profanity({ languages: [...new Set(['en', lang])] });
  }
  return [
    { name: 'obscenity 0.4.6 (en only)', flagged: (r) => obscenity.hasMatch(r.text) },
    { name: 'allprofanity 2.4.0', flagged: (r) => allprofanity[r.lang].check(r.text) },
    { name: 'glin-profanity 3.3.0', flagged: (r) => glin[r.lang].isProfane(r.text) },
    { name: '@2toad/profanity 3.3.0', flagged: (r) => toad[r.lang].exists(r.text) },
  ];
}

function loadEngine(spec) {
  const [name, path] = spec.includes('=') ? spec.split(/=(.*)/s) : ['this engine', spec];
  const verdicts = new Map();
  for (const line of readFileSync(resolve(path), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const v = JSON.parse(line);
    verdicts.set(`${v.lang}\u0000${v.text}`, v);
  }
  const verdict = (r) => {
    const v = verdicts.get(`${r.lang}\u0000${r.text}`);
    if (v === undefined) {
      // A held-out line is named by its place, never by its text.
      const which = r.split === 'holdout' ? `${r.lang}.tsv line ${r.lineNo} (holdout)` : `[${r.lang}] ${r.text}`;
      throw new Error(`no verdict from ${name} for ${which}`);
    }
    return v;
  };
  return {
    name,
    flagged: (r) => Boolean(verdict(r).flagged),
    micros: (rows) => {
      const timed = rows.map((r) => verdict(r).micros).filter((m) => typeof m === 'number');
      return timed.length ? timed.reduce((a, b) => a + b, 0) / timed.length : NaN;
    },
  };
}

// ---- scoring
function score(rows, verdicts) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  rows.forEach((r, i) => {
    const flag = r.expected === 'flag';
    if (verdicts[i] && flag) tp++;
    else if (verdicts[i]) fp++;
    else if (flag) fn++;
    else tn++;
  });
  return { tp, fp, fn, tn, precision: tp + fp ? tp / (tp + fp) : NaN, recall: tp + fn ? tp / (tp + fn) : NaN };
}

function timeIt(filter, rows) {
  for (const r of rows) filter.flagged(r);   // warm-up pass
  const passes = 3;
  const start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) for (const r of rows) filter.flagged(r);
  const ns = Number(process.hrtime.bigint() - start);
  return ns / 1000 / (passes * rows.length);
}

const pct = (x) => (Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// ---- main
const filters = makeFilters();
const engineCount = enginePaths.length;
for (const spec of enginePaths) filters.push(loadEngine(spec));
const leadFailures = [];

const corpus = Object.fromEntries(LANGS.map((l) => [l, readCorpus(l)]));
const total = Object.values(corpus).reduce((n, rows) => n + rows.length, 0);
if (!total) {
  console.error(`no corpus lines under ${corpusDir}`);
  process.exit(1);
}
console.log(`corpus: ${corpusDir}`);
if (hostility) {
  console.log('scored categories: hostility:* and discrimination:* (flag), hostility-negative:* (allow)');
  console.log('(the engines\' rooms: hostility and discrimination at moderate, profanity off; the JS filters as set up for profanity)\n');
} else {
  console.log('scored categories: clean, scunthorpe, ambiguous-*, numbers, profanity, profanity-mild, leet-profanity, evasion:*');
  console.log('(spam, link-* and blocked-* lines are not profanity and are skipped)\n');
}

const NAME = Math.max(...filters.map((f) => f.name.length)) + 2;
const SPLITS = ['tune', 'holdout', 'all'];
const CELL = 28;
const inSplit = (rows, s) => rows.map((r, i) => (s === 'all' || r.split === s ? i : -1)).filter((i) => i >= 0);
const short = (f) => f.name.split(' ')[0].slice(0, 12);

// One table: precision, recall, fp and fn per split, and the mean µs per message.
function printTable(title, rows, verdicts, micros) {
  const counts = SPLITS.map((s) => rows.filter((r) => s === 'all' || r.split === s));
  console.log(`== ${title}: ${rows.length} lines (` +
    SPLITS.map((s, i) => `${s} ${counts[i].length}, flag ${counts[i].filter((r) => r.expected === 'flag').length}`).join('; ') + ')');
  console.log(pad('', NAME) + SPLITS.map((s) => pad(`${s}`, CELL)).join('') + 'mean');
  console.log(pad('filter', NAME) + SPLITS.map(() => pad('precision recall  fp  fn', CELL)).join('') + 'µs/msg');
  filters.forEach((f, k) => {
    let line = pad(f.name, NAME);
    for (const s of SPLITS) {
      const idx = inSplit(rows, s);
      const m = score(idx.map((i) => rows[i]), idx.map((i) => verdicts[k][i]));
      line += pad(`${lpad(pct(m.precision), 9)} ${pct(m.recall)} ${lpad(m.fp, 3)} ${lpad(m.fn, 3)}`, CELL);
    }
    line += Number.isNaN(micros[k]) ? '   -' : lpad(micros[k].toFixed(1), 6);
    console.log(line);
  });
}

// Share of lines each filter flags, per category (counts only: no line's text).
function printCategories(title, rows, verdicts) {
  const cats = [...new Set(rows.map((r) => r.category))];
  const CAT = Math.max(26, ...cats.map((c) => c.length + 10));
  console.log(`\n  ${title}: share of lines flagged, per category (expected in brackets)`);
  console.log('  ' + pad('category', CAT) + filters.map((f) => lpad(short(f), 13)).join(''));
  for (const c of cats) {
    const idx = rows.map((r, i) => (r.category === c ? i : -1)).filter((i) => i >= 0);
    const exp = rows[idx[0]].expected;
    const cells = filters.map((f, k) => lpad(`${idx.filter((i) => verdicts[k][i]).length}/${idx.length}`, 13));
    console.log('  ' + pad(`${c} [${exp}]`, CAT) + cells.join(''));
  }
}

// Tune lines only, whatever the mode: the held-out split's text is never printed. Profanity
// mode lists the lines most filters get wrong; hostility mode, where the word lists miss nearly
// every flag line by design, the lines the first --engine row (the engine under test) gets
// wrong. The marks say which filter got each line wrong (x) or right (.), in the table's order.
const underTest = filters.length - engineCount;
function printMisses(lang, rows, verdicts) {
  const what = hostility && engineCount ? `tune lines ${filters[underTest].name} gets wrong` : 'tune lines most filters get wrong';
  console.log(`\n  ${lang}: ${what} (wrong/filters, marks in row order: ${filters.map(short).join(', ')})`);
  rows.forEach((r, i) => {
    if (r.split !== 'tune') return;
    const wrongBy = verdicts.map((v) => v[i] !== (r.expected === 'flag'));
    const wrong = wrongBy.filter(Boolean).length;
    const listed = hostility && engineCount ? wrongBy[underTest] : wrong * 2 > filters.length;
    if (listed) console.log(`  ${wrong}/${filters.length} ${wrongBy.map((w) => (w ? 'x' : '.')).join('')} ${r.expected} [${r.category}] ${r.text}`);
  });
}

const allRows = [];
const allVerdicts = filters.map(() => []);
const allMicros = filters.map(() => ({ sum: 0, n: 0 }));
for (const lang of LANGS) {
  const rows = corpus[lang];
  if (!rows.length) continue;
  const verdicts = filters.map((f) => rows.map((r) => f.flagged(r)));
  const micros = filters.map((f) => (f.micros ? f.micros(rows) : timeIt(f, rows)));
  allRows.push(...rows);
  filters.forEach((f, k) => {
    allVerdicts[k].push(...verdicts[k]);
    allMicros[k].sum += micros[k] * rows.length;
    allMicros[k].n += rows.length;
  });
  printTable(lang, rows, verdicts, micros);
  if (lead) {
    const held = inSplit(rows, 'holdout');
    const m = filters.map((f, k) => score(held.map((i) => rows[i]), held.map((i) => verdicts[k][i])));
    const me = filters.findIndex((f) => f.name === lead);
    if (me < 0) throw new Error(`--lead ${lead}: no such filter`);
    filters.forEach((f, k) => {
      if (k === me) return;
      const better = m[k].precision > m[me].precision || (m[k].precision === m[me].precision && m[k].recall > m[me].recall);
      const recallLower = m[me].recall < m[k].recall;
      if (better || recallLower) leadFailures.push(`${lang} holdout: ${f.name} P ${pct(m[k].precision)} R ${pct(m[k].recall)} vs ${lead} P ${pct(m[me].precision)} R ${pct(m[me].recall)}`);
    });
  }
  if (perCategory) printCategories(lang, rows, verdicts);
  if (showMisses) printMisses(lang, rows, verdicts);
  console.log('');
}

// All five languages together (µs/msg: the mean over all their lines).
printTable('all languages', allRows, allVerdicts, allMicros.map((t) => t.sum / t.n));
if (perCategory) printCategories('all languages', allRows, allVerdicts);
console.log('');

if (lead) {
  if (leadFailures.length) {
    console.error(`${lead} does not lead:\n  ` + leadFailures.join('\n  '));
    process.exit(1);
  }
  console.log(`${lead} leads every filter on precision, at equal or better recall, on every held-out split.`);
}
