/**
 * Text folding and tokenising shared by every matcher, so that a rule, a claim and an item are
 * compared in the same space: case-, accent- and apostrophe-insensitive, and blind to the usual
 * evasion tricks (zero-width characters, letter-spacing, digit and homoglyph swaps).
 */
import { createRequire } from 'node:module';
import { termsOfFolded, tokenizeFolded, type Token } from './text/scan.ts';

export { letterLength, scanTerms, unitsHash, type TermSink, type Token } from './text/scan.ts';

const require = createRequire(import.meta.url);
// Deep imports: the package root pulls in database drivers and prints to stdout.
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(w: string): string };
const PorterStemmerFr = require('natural/lib/natural/stemmers/porter_stemmer_fr') as { stem(w: string): string };
const stopEn = (require('natural/lib/natural/util/stopwords') as { words: string[] }).words;
const stopFr = (require('natural/lib/natural/util/stopwords_fr') as { words: string[] }).words;

export type Lang = 'en' | 'fr';

/** A detected or stored language code as the matchers take it: English, French, or neither. */
export function textLang(lang: string): Lang | 'und' {
  return lang === 'en' || lang === 'fr' ? lang : 'und';
}

const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF]/g;
const COMBINING = /\p{M}/gu;
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u02BB\u0060\u00B4\u2032]/g;

// Cyrillic and Greek letters that render like Latin ones, as used to slip past keyword filters.
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};
const HOMOGLYPH_RE = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');
const LATIN = /[a-z]/;

/**
 * Lower-cases, strips accents and invisible characters, unifies apostrophes. Keeps the text's
 * shape (spaces, punctuation) so that phrases and positions still make sense.
 */
export function fold(input: string): string {
  return foldByChar(input) ?? foldText(input);
}

// Characters whose fold does not depend on their neighbours, so that a text made of them and ASCII
// folds one character at a time: Latin-1 and Latin Extended letters and signs (é → e, ´ → space)
// and general punctuation (’ → ', … → ...). Neither Greek nor Cyrillic (homoglyphs), nor
// combining marks, nor surrogates are among them.
const byCharRanges: readonly [number, number][] = [
  [0x80, 0x300],
  [0x2000, 0x2070],
  [0x20a0, 0x20d0],
];
const NON_ASCII = /[^\u0000-\u007f]/g;

/** fold() of a text whose every character is ASCII or foldable alone; undefined for another. */
function foldByChar(input: string): string | undefined {
  let out = '';
  let last = 0;
  // The regex hops from one non-ASCII unit to the next in native code: in French text they are
  // a few in hundreds, and a charCodeAt loop over every unit cost more than the rest of fold.
  NON_ASCII.lastIndex = 0;
  while (NON_ASCII.test(input)) {
    const i = NON_ASCII.lastIndex - 1;
    const c = input.charCodeAt(i);
    const f = c < charFolds.length ? charFolds[c] : null;
    if (f === null) return undefined;
    if (f !== SAME) {
      out += input.slice(last, i) + f;
      last = i + 1;
    }
  }
  out = last ? (out + input.slice(last)).toLowerCase() : input.toLowerCase();
  return out.includes('`') ? out.replace(APOSTROPHES, "'") : out;
}

/** fold() of any text, by whole-text passes. */
function foldText(input: string): string {
  let s = input.replace(INVISIBLE, '').normalize('NFKD').replace(COMBINING, '').toLowerCase();
  s = s.replace(APOSTROPHES, "'");
  if (HOMOGLYPH_RE.test(s)) {
    HOMOGLYPH_RE.lastIndex = 0;
    s = s.replace(/\S+/g, (word) => (LATIN.test(word) ? word.replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c]) : word));
  }
  HOMOGLYPH_RE.lastIndex = 0;
  return s;
}

// fold() of each character alone, by UTF-16 unit: null when it cannot fold alone, SAME when the
// final toLowerCase() of the text already gives it (ß, Æ), so the text need not be cut there.
// SAME is no fold, as every fold is below U+0300.
const SAME = '\u0300';
const charFolds: (string | null)[] = buildCharFolds();

function buildCharFolds(): (string | null)[] {
  const table = new Array<string | null>(byCharRanges[byCharRanges.length - 1][1]).fill(null);
  for (const [lo, hi] of byCharRanges) {
    for (let c = lo; c < hi; c++) {
      const ch = String.fromCharCode(c);
      const alone = foldText(ch);
      if (!/^[\u0000-\u02ff]*$/.test(alone)) continue;
      table[c] = alone === ch.toLowerCase() && alone.length === 1 ? SAME : alone;
    }
  }
  return table;
}

/** A text folded and tokenised once, for every matcher that reads it. */
export interface Analysed {
  raw: string;
  folded: string;
  tokens: Token[];
}

export function analyseText(raw: string): Analysed {
  const folded = fold(raw);
  return { raw, folded, tokens: tokenizeFolded(folded) };
}

/** Two texts read as one, `a\nb`, exactly as analyseText() of the joined text would give. */
export function joinAnalysed(a: Analysed, b: Analysed): Analysed {
  const offset = a.tokens.length;
  let tokens = b.tokens;
  if (offset) {
    tokens = a.tokens.slice();
    for (const t of b.tokens) tokens.push({ term: t.term, pos: t.pos + offset });
  }
  return { raw: `${a.raw}\n${b.raw}`, folded: `${a.folded}\n${b.folded}`, tokens };
}

/** Splits text into folded word tokens; `#tags` and `@handles` keep their sign. */
export function tokenize(input: string): Token[] {
  return tokenizeFolded(fold(input));
}

/** tokenize(input).map((t) => t.term), a token's position being its index: no object per token. */
export function termsOf(input: string): string[] {
  return termsOfFolded(fold(input));
}

const STOP = { en: new Set(stopEn.map((w) => fold(w))), fr: new Set(stopFr.map((w) => fold(w))) };

export function isStopWord(term: string, lang?: Lang | 'und'): boolean {
  if (lang === 'en') return STOP.en.has(term);
  if (lang === 'fr') return STOP.fr.has(term);
  return STOP.en.has(term) || STOP.fr.has(term);
}

const stemCache = { en: new Map<string, string>(), fr: new Map<string, string>() };

/** Stems a folded term with the language's Porter stemmer; tags, handles and numbers are kept whole. */
export function stem(term: string, lang: Lang): string {
  const c0 = term.charCodeAt(0);
  if (c0 === 35 || c0 === 64 || (c0 >= 48 && c0 <= 57)) return term; // # @ 0-9
  const cache = stemCache[lang];
  let s = cache.get(term);
  if (s === undefined) {
    s = lang === 'fr' ? PorterStemmerFr.stem(term) : PorterStemmer.stem(term);
    if (cache.size > 200_000) cache.clear();
    cache.set(term, s);
  }
  return s;
}

const PLAIN_WORD = /^[a-z]+$/;

/**
 * The singular and plural forms a folded word may take in English or French, found by spelling
 * alone: `officer` → `officers`, `arrestation` → `arrestations`, `journal` → `journaux`,
 * `policy` → `policies`. A plural of five letters or more also gives its singular, so `officers`
 * finds `officer`; shorter words are not cut, which would turn `news` into `new`.
 */
export function pluralForms(term: string): string[] {
  if (!PLAIN_WORD.test(term)) return [term];
  const out = new Set([term, `${term}s`]);
  if (/(?:s|x|z|ch|sh)$/.test(term)) out.add(`${term}es`);
  if (/[^aeiou]y$/.test(term)) out.add(`${term.slice(0, -1)}ies`);
  if (/(?:au|eu)$/.test(term)) out.add(`${term}x`);
  if (/al$/.test(term)) out.add(`${term.slice(0, -2)}aux`);
  if (/ail$/.test(term)) out.add(`${term.slice(0, -3)}aux`);
  if (term.length >= 5) {
    if (/[^aeiou]ies$/.test(term)) out.add(`${term.slice(0, -3)}y`);
    if (/(?:s|x|z|ch|sh)es$/.test(term)) out.add(term.slice(0, -2));
    if (/[^siu]s$/.test(term)) out.add(term.slice(0, -1));
    if (/(?:au|eu)x$/.test(term)) out.add(term.slice(0, -1));
    if (/aux$/.test(term)) {
      out.add(`${term.slice(0, -3)}al`);
      out.add(`${term.slice(0, -3)}ail`);
    }
  }
  return [...out];
}

// Line breaks, control characters and direction marks: in a subject line or a one-line listing
// they break the layout or make text display as something else.
const LAYOUT_BREAKERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** Text on one line, at most `max` characters (code points), cut with an ellipsis. */
export function oneLine(s: string, max: number): string {
  const flat = s.replace(LAYOUT_BREAKERS, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
