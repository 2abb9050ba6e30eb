/**
 * Text folding and tokenising shared by every matcher, so that a rule, a claim and an item are
 * compared in the same space: case-, accent- and apostrophe-insensitive, and blind to the usual
 * evasion tricks (zero-width characters, letter-spacing, digit and homoglyph swaps).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Deep imports: the package root pulls in database drivers and prints to stdout.
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(w: string): string };
const PorterStemmerFr = require('natural/lib/natural/stemmers/porter_stemmer_fr') as { stem(w: string): string };
const stopEn = (require('natural/lib/natural/util/stopwords') as { words: string[] }).words;
const stopFr = (require('natural/lib/natural/util/stopwords_fr') as { words: string[] }).words;

export type Lang = 'en' | 'fr';

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

// Leetspeak digits inside a word that also has letters (p0lice, 5ecurite); pure numbers stay numbers.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_RE = /[013457@$]/g;
const HAS_DIGIT_OR_SIGN = /[0-9@$]/;
const HAS_LETTER = /[a-z]/;

const FR_ELISIONS = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu']);

/**
 * Lower-cases, strips accents and invisible characters, unifies apostrophes. Keeps the text's
 * shape (spaces, punctuation) so that phrases and positions still make sense.
 */
export function fold(input: string): string {
  // Plain ASCII, most posts: nothing to strip, decompose or swap but the backtick apostrophe.
  if (isAscii(input)) {
    const lower = input.toLowerCase();
    return lower.includes('`') ? lower.replace(APOSTROPHES, "'") : lower;
  }
  return foldByChar(input) ?? foldText(input);
}

// Characters whose fold does not depend on their neighbours, so that a text made of them and ASCII
// folds one character at a time: Latin-1 and Latin Extended letters and signs (é → e, ´ → space)
// and general punctuation (’ → ', … → ...). Neither Greek nor Cyrillic (homoglyphs), nor
// combining marks, nor surrogates are among them. Fold of each, found on first sight.
const byCharRanges: readonly [number, number][] = [
  [0x80, 0x300],
  [0x2000, 0x2070],
  [0x20a0, 0x20d0],
];
const charFolds = new Map<number, string | null>();

/** fold() of a text whose every character is ASCII or foldable alone; undefined for another. */
function foldByChar(input: string): string | undefined {
  let out = '';
  let last = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 128) continue;
    let f = charFolds.get(c);
    if (f === undefined) {
      const ch = String.fromCharCode(c);
      const alone = byCharRanges.some(([lo, hi]) => c >= lo && c < hi) ? foldText(ch) : '\u0300';
      charFolds.set(c, (f = /^[\u0000-\u02ff]*$/.test(alone) ? alone : null));
    }
    if (f === null) return undefined;
    out += input.slice(last, i) + f;
    last = i + 1;
  }
  out = (out + input.slice(last)).toLowerCase();
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

// Single letters joined by dots, dashes, underscores or single spaces: p.o.l.i.c.e, p-o-l-i-c-e, p o l i c e.
const SPACED = /(?<![\p{L}\p{N}])(?:\p{L}[.\-_ ]){2,}\p{L}(?![\p{L}\p{N}])/gu;

export interface Token {
  /** Folded form: `police`, `#ottpoli`, `@opsmedia`, `2024`. */
  term: string;
  /** Index of the token in the text, for proximity. */
  pos: number;
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
  return {
    raw: `${a.raw}\n${b.raw}`,
    folded: `${a.folded}\n${b.folded}`,
    tokens: offset ? [...a.tokens, ...b.tokens.map((t) => ({ term: t.term, pos: t.pos + offset }))] : b.tokens,
  };
}

/** Splits text into folded word tokens; `#tags` and `@handles` keep their sign. */
export function tokenize(input: string): Token[] {
  return tokenizeFolded(fold(input));
}

/** tokenize() of text already folded: analyseText() keeps both without folding twice. */
function tokenizeFolded(folded: string): Token[] {
  const text = mayBeSpaced(folded) ? folded.replace(SPACED, (m) => m.replace(/[.\-_ ]/g, '')) : folded;
  const out: Token[] = [];
  // A word is /[#@]?[\p{L}\p{N}$@]+(?:'[\p{L}\p{N}]+)*/u, scanned by hand: that regex, with its
  // Unicode classes, cost more than the rest of the tokenizer. charClass() agrees with \p{L}, \p{N}.
  const n = text.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let j = i;
    const c0 = text.charCodeAt(i);
    if ((c0 === 35 || c0 === 64) && i + 1 < n && isWordChar(text, i + 1)) j = i + 1;
    else if (!isWordChar(text, i)) {
      i += unitLength(text, i);
      continue;
    }
    const signed = j > start;
    // [\p{L}\p{N}$@]+, then ('[\p{L}\p{N}]+)*; `plain` stays true while only a-z are seen.
    let plain = !signed;
    let k: number;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c >= 97 && c <= 122) {
        j++;
        continue;
      }
      if (!(k = wordCharLength(text, j, true))) break;
      plain = false;
      j += k;
    }
    while (j + 1 < n && text.charCodeAt(j) === 39 && (k = wordCharLength(text, j + 1, false))) {
      plain = false;
      j += 1 + k;
      while (j < n && (k = wordCharLength(text, j, false))) j += k;
    }
    i = j;
    // Lower-case a-z only, by far the most common word, needs none of wordTerm's rewriting.
    const term = plain ? text.slice(start, j) : wordTerm(text.slice(start, j));
    if (term) out.push({ term, pos: out.length });
  }
  return out;
}

/** The token a scanned word stands for, or '' when it stands for none (a lone `@`). */
function wordTerm(match: string): string {
  let w = match;
  const sign = w[0] === '#' || w[0] === '@' ? w[0] : '';
  if (sign) w = w.slice(1);
  if (!w) return '';
  if (w.includes("'")) w = joinApostrophe(w);
  if (HAS_DIGIT_OR_SIGN.test(w) && HAS_LETTER.test(w) && !/^\d+(?:st|nd|rd|th|e|er|re|h|k|km|m|am|pm)$/.test(w)) {
    w = w.replace(LEET_RE, (c) => LEET[c]);
  }
  if (!sign) w = w.replace(/[@$]/g, '');
  return w ? sign + w : '';
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

const LETTER_RE = /^\p{L}$/u;
const NUMBER_RE = /^\p{N}$/u;
const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
// Class of every UTF-16 unit below the surrogates, filled on first sight (0 = not yet known).
const unitClass = new Uint8Array(0xd800);
const astralClass = new Map<number, number>();

/** LETTER, NUMBER or OTHER for the code point at `i`, as \p{L} and \p{N} see it. */
function charClass(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? LETTER : c >= 48 && c <= 57 ? NUMBER : OTHER;
  if (c < 0xd800) {
    let k = unitClass[c];
    if (!k) unitClass[c] = k = classOf(String.fromCharCode(c)) + 1;
    return k - 1;
  }
  const cp = text.codePointAt(i)!;
  let k = astralClass.get(cp);
  if (k === undefined) astralClass.set(cp, (k = classOf(String.fromCodePoint(cp))));
  return k;
}

function classOf(ch: string): number {
  return LETTER_RE.test(ch) ? LETTER : NUMBER_RE.test(ch) ? NUMBER : OTHER;
}

/** UTF-16 units of the code point at `i`. */
function unitLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** Units of a word character at `i` (letter, digit, and `$` `@` when `signs`), or 0. */
function wordCharLength(text: string, i: number, signs: boolean): number {
  const c = text.charCodeAt(i);
  if (signs && (c === 36 || c === 64)) return 1;
  return charClass(text, i) !== OTHER ? unitLength(text, i) : 0;
}

/** Units of a letter (\p{L}) at `i`, or 0 when there is none. */
export function letterLength(text: string, i: number): number {
  return charClass(text, i) === LETTER ? unitLength(text, i) : 0;
}

function isWordChar(text: string, i: number): boolean {
  return wordCharLength(text, i, true) > 0;
}

function isSeparator(c: number): boolean {
  return c === 46 || c === 45 || c === 95 || c === 32;
}

/**
 * Whether SPACED can match: a letter, not after a letter or digit, then two more letters each
 * after one separator. Rare in real text, and far cheaper to rule out than to run the regex.
 * Text with astral characters (emoji) always goes to the regex, where a letter may take two units.
 */
function mayBeSpaced(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
    if (
      i + 4 < n &&
      isSeparator(text.charCodeAt(i + 1)) &&
      isSeparator(text.charCodeAt(i + 3)) &&
      charClass(text, i) === LETTER &&
      charClass(text, i + 2) === LETTER &&
      charClass(text, i + 4) === LETTER &&
      (i === 0 || charClass(text, i - 1) === OTHER)
    ) {
      return true;
    }
  }
  return false;
}

/** `l'agent` → `agent`, `qu'il` → `il`, `police's` → `police`, `don't` → `dont`. */
function joinApostrophe(word: string): string {
  const parts = word.split("'");
  while (parts.length > 1 && FR_ELISIONS.has(parts[0])) parts.shift();
  if (parts.length > 1 && parts[parts.length - 1] === 's') parts.pop();
  return parts.join('');
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
  if (term[0] === '#' || term[0] === '@' || /^\d/.test(term)) return term;
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
