/**
 * Turns a text into the language-neutral features the claim matcher compares: concepts (lexicon
 * groups, or a truncated stem for words the lexicon does not know), the numbers it states and the
 * places it names.
 */
import { isStopWord, stem, tokenize, type Lang, type Token } from '../text.ts';
import { phraseKey, WHOLE_CITY, type Lexicon } from './lexicon.ts';

export type NumberKind = 'money' | 'time' | 'plain';

export interface Analysis {
  /** Concept id → the word of the text that produced it (for explanations). */
  concepts: Map<string, string>;
  /** Number values by kind; times are also given modulo 12 so "10 p.m." agrees with "22 h". */
  numbers: Record<NumberKind, Set<number>>;
  /** Specific places (not the city as a whole). */
  places: Set<string>;
}

// Words the lexicon does not know are compared by their stem cut to six letters: the English and
// French Porter stems of cognates (confirmed/confirmé, distributed/distribués, municipal/municipales)
// agree on their first letters far more often than on their endings.
const STEM_PREFIX = 6;

// Read from the raw text: tokens have lost "$" and "p.m.". Case-insensitive instead of folded.
const NUMBER = /(\$\s?)?\b(\d{1,3}(?:[,\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)\s?(\$|dollars?\b|bucks\b|piasses?\b|p\.?\s?m\b\.?|a\.?\s?m\b\.?|h\b|hrs?\b)?/gi;
const HAS_DIGIT = /\d/;
const MONEY_WORDS = new Set(['dollar', 'dollars', 'bucks', 'piasse', 'piasses', 'balles']);

export function analyze(text: string, lang: Lang | 'und', lexicon: Lexicon): Analysis {
  return analyzeTokens(text, tokenize(text), lang, lexicon);
}

/** analyze() of a text the caller has tokenised already. */
export function analyzeTokens(text: string, tokens: readonly Token[], lang: Lang | 'und', lexicon: Lexicon): Analysis {
  // Handles name accounts, not subjects; a hashtag's word counts as a word.
  const terms: string[] = [];
  const keys: string[] = [];
  for (const { term } of tokens) {
    if (term[0] === '@') continue;
    const t = term[0] === '#' ? term.slice(1) : term;
    terms.push(t);
    keys.push(phraseKey(t));
  }
  const concepts = new Map<string, string>();
  const numbers: Analysis['numbers'] = { money: new Set(), time: new Set(), plain: new Set() };
  const places = new Set<string>();

  const cache = resolveCache(lexicon, lang);
  for (let i = 0; i < terms.length; ) {
    const phrase = lexicon.phrase(keys, i);
    if (phrase) {
      emit(concepts, places, phrase.concepts, terms.slice(i, i + phrase.length).join(' '));
      i += phrase.length;
      continue;
    }
    const term = terms[i];
    i++;
    let hit = cache.get(term);
    if (hit === undefined) {
      hit = resolve(term, lang, lexicon);
      if (cache.size > 200_000) cache.clear();
      cache.set(term, hit);
    }
    if (hit) emit(concepts, places, hit, term);
  }

  if (HAS_DIGIT.test(text)) readDigits(text, numbers);
  readNumberWords(terms, lexicon, numbers);
  for (const kind of ['money', 'time', 'plain'] as const) {
    for (const v of numbers[kind]) if (!concepts.has(`n:${v}`)) concepts.set(`n:${v}`, String(v));
  }
  return { concepts, numbers, places };
}

// A word's concepts depend only on the word, the language and the lexicon: caching them spares
// the stop-word checks, lexicon lookups and stemming on every repeat, which is most words.
const resolved = new WeakMap<Lexicon, Record<Lang | 'und', Map<string, readonly string[] | null>>>();

function resolveCache(lexicon: Lexicon, lang: Lang | 'und'): Map<string, readonly string[] | null> {
  let caches = resolved.get(lexicon);
  if (!caches) resolved.set(lexicon, (caches = { en: new Map(), fr: new Map(), und: new Map() }));
  return caches[lang];
}

/** Concepts of a single word, or null for words that say nothing about a claim. */
function resolve(term: string, lang: Lang | 'und', lexicon: Lexicon): readonly string[] | null {
  const langs: readonly Lang[] = lang === 'und' ? ['en', 'fr'] : [lang];
  if (/^\d/.test(term) || term.length < 2 || lexicon.ignores(term) || lexicon.numberWord(term) !== undefined) return null;
  if (langs.some((l) => isStopWord(term, l))) return null;
  return lexicon.single(term, langs) ?? [`w:${stem(term, langs[0]).slice(0, STEM_PREFIX)}`];
}

function emit(concepts: Map<string, string>, places: Set<string>, list: readonly string[], surface: string): void {
  for (const c of list) {
    if (!concepts.has(c)) concepts.set(c, surface);
    if (c.startsWith('p:') && c !== WHOLE_CITY) places.add(c);
  }
}

function readDigits(text: string, out: Analysis['numbers']): void {
  for (const m of text.matchAll(NUMBER)) {
    const value = Number(m[2].replace(/[,\u00a0\u202f](?=\d{3}\b)/g, '').replace(',', '.'));
    if (!Number.isFinite(value)) continue;
    const unit = (m[3] ?? '').replace(/[.\s]/g, '').toLowerCase();
    if (m[1] || unit === '$' || MONEY_WORDS.has(unit)) out.money.add(value);
    else if (unit === 'pm' && value <= 12) out.time.add(value).add(value === 12 ? 12 : value + 12);
    else if (unit === 'am' && value <= 12) out.time.add(value);
    else if ((unit === 'h' || unit === 'hr' || unit === 'hrs') && value <= 24) {
      out.time.add(value);
      if (value > 12) out.time.add(value - 12);
    } else out.plain.add(value);
  }
}

/** "five hundred bucks", "dix piasses", "deux mille". */
function readNumberWords(terms: readonly string[], lexicon: Lexicon, out: Analysis['numbers']): void {
  for (let i = 0; i < terms.length; i++) {
    // A multiplier alone ("50 cents", "cent fois") is no number word.
    if (typeof (lexicon.numberWord(terms[i]) ?? {}) !== 'number') continue;
    let total = 0;
    let current = 0;
    let j = i;
    for (; j < terms.length; j++) {
      const w = lexicon.numberWord(terms[j]);
      if (w === undefined) break;
      if (typeof w === 'number') current += w;
      else if (w.times >= 1000) {
        total += Math.max(current, 1) * w.times;
        current = 0;
      } else current = Math.max(current, 1) * w.times;
    }
    const value = total + current;
    const next = terms[j] ?? '';
    (MONEY_WORDS.has(next) ? out.money : out.plain).add(value);
    i = j - 1;
  }
}
