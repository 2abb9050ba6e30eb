/**
 * The word scanner behind tokenize(): splits folded text into word tokens, `#tags` and `@handles`
 * keeping their sign, undoing letter-spacing, leetspeak and elision (l'agent). Every matcher and
 * every back-tested item goes through it, so it has a fast scanner for the text nearly all posts
 * fold to (units below U+0300, no letter-spacing) and a general one for the rest, giving the same
 * tokens.
 */

import { Buffer } from 'node:buffer';

// Leetspeak digits inside a word that also has letters (p0lice, 5ecurite); pure numbers stay numbers.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_RE = /[013457@$]/g;
const HAS_DIGIT_OR_SIGN = /[0-9@$]/;
const HAS_LETTER = /[a-z]/;

const FR_ELISIONS = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu']);

// Single letters joined by dots, dashes, underscores or single spaces: p.o.l.i.c.e, p-o-l-i-c-e, p o l i c e.
const SPACED = /(?<![\p{L}\p{N}])(?:\p{L}[.\-_ ]){2,}\p{L}(?![\p{L}\p{N}])/gu;

export interface Token {
  /** Folded form: `police`, `#ottpoli`, `@opsmedia`, `2024`. */
  term: string;
  /** Index of the token in the text, for proximity. */
  pos: number;
}

/** tokenize() of text already folded: analyseText() keeps both without folding twice. */
export function tokenizeFolded(folded: string): Token[] {
  const list = new TokenList();
  scanTerms(folded, list);
  return list.tokens;
}

/**
 * The terms of tokenizeFolded(), a token's position being its index: for callers that need no
 * object per token.
 */
export function termsOfFolded(folded: string): string[] {
  const list = new TermList();
  scanTerms(folded, list);
  return list.terms;
}

/**
 * Receives the terms of a text in order. A word kept as it is written comes as its span of the
 * text, so that a receiver that only looks words up (the back-test's word index) need not make
 * a string of each.
 */
export interface TermSink {
  /**
   * The term is text.slice(start, end), whose unitsHash() is `hash`; `units` holds the text's
   * UTF-16 units when the scanner has them (until the scan ends), else it is null.
   */
  span(text: string, start: number, end: number, hash: number, units: Uint16Array | null): void;
  term(term: string): void;
  /** Forgets the terms received since scanTerms() was called: the scan starts over. */
  restart(): void;
}

/** FNV-1a over the UTF-16 units of text.slice(start, end). */
export function unitsHash(text: string, start: number, end: number): number {
  let h = FNV_BASIS;
  for (let i = start; i < end; i++) h = Math.imul(h ^ unitAt.call(text, i), FNV_PRIME);
  return h >>> 0;
}

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Gives `sink` the terms of tokenizeFolded(folded), in order. */
export function scanTerms(folded: string, sink: TermSink): void {
  const units = takeUnits(folded);
  const latin = scanLatin(folded, units.array, sink);
  spareUnits = units;
  if (latin) return;
  sink.restart();
  scanAny(folded, sink);
}

/** A text's UTF-16 units as scanLatin() reads them, and the same memory as bytes to fill them. */
interface Units {
  array: Uint16Array;
  bytes: Buffer;
}

// scanLatin() reads the text's units from a typed array filled by one native copy, and hands it
// to the sink with each word: reading units there costs a fraction of charCodeAt() on the strings
// item texts come as, and every unit of every item is read, then compared with a cached word.
// One array serves scan after scan; a scan begun from inside another's sink makes its own.
let spareUnits: Units | null = null;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function takeUnits(text: string): Units {
  let units = spareUnits;
  spareUnits = null;
  if (!units || units.array.length < text.length) {
    const array = new Uint16Array(Math.max(4096, text.length * 2));
    units = { array, bytes: Buffer.from(array.buffer) };
  }
  if (LITTLE_ENDIAN) units.bytes.write(text, 'utf16le');
  else for (let i = 0; i < text.length; i++) units.array[i] = unitAt.call(text, i);
  return units;
}

class TokenList implements TermSink {
  readonly tokens: Token[] = [];

  span(text: string, start: number, end: number): void {
    this.tokens.push({ term: unitsOf.call(text, start, end), pos: this.tokens.length });
  }

  term(term: string): void {
    this.tokens.push({ term, pos: this.tokens.length });
  }

  restart(): void {
    this.tokens.length = 0;
  }
}

class TermList implements TermSink {
  readonly terms: string[] = [];

  span(text: string, start: number, end: number): void {
    this.terms.push(unitsOf.call(text, start, end));
  }

  term(term: string): void {
    this.terms.push(term);
  }

  restart(): void {
    this.terms.length = 0;
  }
}

/** scanTerms() of any text, letter-spaced words and astral characters included. */
function scanAny(folded: string, sink: TermSink): void {
  const text = mayBeSpaced(folded) ? folded.replace(SPACED, (m) => m.replace(/[.\-_ ]/g, '')) : folded;
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
    if (plain) sink.span(text, start, j, unitsHash(text, start, j), null);
    else {
      const term = wordTerm(text.slice(start, j));
      if (term) sink.term(term);
    }
  }
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

// Flags of each UTF-16 unit for scanLatin(), which reads only units below U+0300: all others are
// BEYOND it. A word unit is also AZ (a-z), DIGIT (0-9) or RARE (any other), and APOS is no unit's
// flag but marks a word joined by apostrophes: together they tell which words need wordTerm().
const L = 1; // \p{L}
const N = 2; // \p{N}
const SIGN = 4; // $ @
const SEP = 8; // . - _ space, which SPACED joins letters with
const BEYOND = 16;
const AZ = 32;
const DIGIT = 64;
const RARE = 128;
const TAG = 256; // # @, signs of a tag or handle
const APOS = 512;
const unitFlags = buildUnitFlags();
// text.charCodeAt(i) and text.slice(a, b), called through the functions themselves: once the
// loader has tokenised rule files, the scanner has seen strings of more shapes (sliced, cons,
// two-byte, internalised) than V8's property caches follow, and `text.charCodeAt` became a slow
// generic lookup per unit, doubling the scan time of every item after a classifier loads.
const unitAt = String.prototype.charCodeAt;
const unitsOf = String.prototype.slice;

function buildUnitFlags(): Uint16Array {
  const flags = new Uint16Array(0x10000).fill(BEYOND);
  for (let c = 0; c < 0x300; c++) {
    const k = classOf(String.fromCharCode(c));
    const word = k === LETTER ? L : k === NUMBER ? N : c === 36 || c === 64 ? SIGN : 0;
    const kind = c >= 97 && c <= 122 ? AZ : c >= 48 && c <= 57 ? DIGIT : RARE;
    flags[c] = (word ? word | kind : 0) | (isSeparator(c) ? SEP : 0) | (c === 35 || c === 64 ? TAG : 0);
  }
  return flags;
}

/**
 * scanAny() of a text of units below U+0300 (every ASCII or Latin-1 post once folded), with a
 * flag table instead of per-unit class calls, and a-z words, numbers and elided words (l'agent)
 * made into terms without wordTerm()'s regexes. False, having given up midway, for any other
 * text or one where SPACED may match: scanAny() handles those.
 */
function scanLatin(text: string, units: Uint16Array, sink: TermSink): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c0 = units[i];
    const f0 = unitFlags[c0];
    if (!(f0 & (L | N | SIGN | TAG | BEYOND))) {
      i++;
      continue;
    }
    if (f0 & BEYOND) return false;
    const start = i;
    let j = i;
    if (f0 & TAG && i + 1 < n && unitFlags[units[i + 1]] & (L | N | SIGN)) j = i + 1;
    else if (!(f0 & (L | N | SIGN))) {
      i++;
      continue;
    }
    const body = j; // after the sign, if any
    // Same word as scanAny(): [\p{L}\p{N}$@]+, then ('[\p{L}\p{N}]+)*, gathering its units' flags
    // and the unitsHash() of its first part, which is the whole term of most words: a receiver
    // that looks words up then need not read them again.
    let seen = 0;
    let f: number;
    let c: number;
    let h = body > start ? Math.imul(FNV_BASIS ^ c0, FNV_PRIME) : FNV_BASIS;
    // Runs of a-z, most of every word, without the table.
    for (;;) {
      const from = j;
      while (j < n && (c = units[j]) >= 97 && c <= 122) {
        h = Math.imul(h ^ c, FNV_PRIME);
        j++;
      }
      if (j > from) seen |= L | AZ;
      if (j >= n || !((f = unitFlags[(c = units[j])]) & (L | N | SIGN))) break;
      seen |= f;
      h = Math.imul(h ^ c, FNV_PRIME);
      j++;
    }
    while (j + 1 < n && units[j] === 39 && unitFlags[units[j + 1]] & (L | N)) {
      seen |= APOS;
      for (j++; j < n && (f = unitFlags[units[j]]) & (L | N); j++) seen |= f;
    }
    if (j - start === 1 && f0 & L && spacedAround(units, n, start)) return false;
    // What wordTerm() would give, for the words that need none of its rewriting (a sign is kept).
    const kind = seen & (AZ | DIGIT | RARE | APOS);
    i = j;
    if (kind === AZ || kind === DIGIT) {
      sink.span(text, start, j, h >>> 0, units);
      continue;
    }
    const term =
      kind === (AZ | APOS)
        ? unitsOf.call(text, start, body) + joinApostrophe(unitsOf.call(text, body, j))
        : wordTerm(unitsOf.call(text, start, j));
    if (term) sink.term(term);
  }
  return true;
}

/**
 * Whether the lone letter at `m` is the middle of three that mayBeSpaced() looks for, `x.m.y`:
 * in a text scanLatin() reads, that middle letter is always a one-unit word.
 */
function spacedAround(units: Uint16Array, n: number, m: number): boolean {
  return (
    m >= 2 &&
    m + 2 < n &&
    (unitFlags[units[m - 1]] & SEP) !== 0 &&
    (unitFlags[units[m + 1]] & SEP) !== 0 &&
    (unitFlags[units[m - 2]] & L) !== 0 &&
    (unitFlags[units[m + 2]] & L) !== 0 &&
    (m === 2 || (unitFlags[units[m - 3]] & (L | N)) === 0)
  );
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
  const at = word.indexOf("'");
  if (word.indexOf("'", at + 1) < 0) {
    // One apostrophe, by far the most common: the general way below without its array.
    const head = word.slice(0, at);
    const tail = word.slice(at + 1);
    return FR_ELISIONS.has(head) ? tail : tail === 's' ? head : head + tail;
  }
  const parts = word.split("'");
  while (parts.length > 1 && FR_ELISIONS.has(parts[0])) parts.shift();
  if (parts.length > 1 && parts[parts.length - 1] === 's') parts.pop();
  return parts.join('');
}
