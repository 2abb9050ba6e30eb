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
const WORD = /[#@]?[\p{L}\p{N}$@]+(?:'[\p{L}\p{N}]+)*/gu;

export interface Token {
  /** Folded form: `police`, `#ottpoli`, `@opsmedia`, `2024`. */
  term: string;
  /** Index of the token in the text, for proximity. */
  pos: number;
}

/** Splits folded text into word tokens; `#tags` and `@handles` keep their sign. */
export function tokenize(input: string): Token[] {
  const text = fold(input).replace(SPACED, (m) => m.replace(/[.\-_ ]/g, ''));
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    let w = m[0];
    const sign = w[0] === '#' || w[0] === '@' ? w[0] : '';
    if (sign) w = w.slice(1);
    if (!w) continue;
    if (w.includes("'")) w = joinApostrophe(w);
    if (HAS_DIGIT_OR_SIGN.test(w) && HAS_LETTER.test(w) && !/^\d+(?:st|nd|rd|th|e|er|re|h|k|km|m|am|pm)$/.test(w)) {
      w = w.replace(LEET_RE, (c) => LEET[c]);
    }
    if (!sign) w = w.replace(/[@$]/g, '');
    if (!w) continue;
    out.push({ term: sign + w, pos: out.length });
  }
  return out;
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
