/**
 * Turns a text into the language-neutral features the claim matcher compares: concepts (lexicon
 * groups, or a truncated stem for words the lexicon does not know), the numbers it states and the
 * places it names.
 */
import { isStopWord, stem, tokenize, type Lang, type Token } from '../text.ts';
import { longest, phraseKey, WHOLE_CITY, type Lexicon, type PhraseNode } from './lexicon.ts';
import { termIds, TermValues } from '../term-ids.ts';

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
const DIGIT = /\d/;
const SEPARATOR = /[,\u00a0\u202f]/;
const THOUSANDS = /[,\u00a0\u202f](?=\d{3}\b)/g;
const MONEY_WORDS = new Set(['dollar', 'dollars', 'bucks', 'piasse', 'piasses', 'balles']);

export function analyze(text: string, lang: Lang | 'und', lexicon: Lexicon): Analysis {
  const f = newFeatures();
  readFeatures(f, text, tokenize(text), lang, lexicon);
  const concepts = new Map<string, string>();
  for (let k = 0; k < f.count; k++) concepts.set(f.concepts[k].name, f.surfaces[k]);
  return { concepts, numbers: f.numbers, places: f.places };
}

/** A concept as every text analysed with a lexicon shares it: one object per id per vocabulary. */
export interface Concept {
  readonly name: string;
  /** Dense number within its vocabulary (see Features.vocabulary), for array-indexed lookups. */
  readonly id: number;
  /** A specific place, not the city as a whole. */
  readonly place: boolean;
  /** The analysis that last met it, so that a text lists each concept once. */
  seen: number;
}

/**
 * An Analysis in the form the matcher reads fast: the text's distinct concepts in order of first
 * appearance with the words that produced them, as interned Concept objects. A matcher reuses one
 * for every post (readFeatures empties it) instead of allocating a map and four sets each time.
 */
export interface Features {
  /** The first `count` entries of concepts and surfaces are the text's; later ones are stale. */
  concepts: Concept[];
  surfaces: string[];
  // A count rather than emptying the arrays (length = 0), which drops their storage and costs a
  // runtime call on every text.
  count: number;
  numbers: Analysis['numbers'];
  places: Set<string>;
  /** Whose Concept ids these are: a new vocabulary numbers its concepts afresh. */
  vocabulary: object;
}

export function newFeatures(): Features {
  return { concepts: [], surfaces: [], count: 0, numbers: { money: new Set(), time: new Set(), plain: new Set() }, places: new Set(), vocabulary: {} };
}

/** The features of a text the caller has tokenised already, into `out`. */
export function readFeatures(out: Features, text: string, tokens: readonly Token[], lang: Lang | 'und', lexicon: Lexicon): void {
  const numbers = out.numbers;
  out.count = 0;
  // Most texts state no number and no place: a clear() call costs more than the size test.
  if (out.places.size) out.places.clear();
  if (numbers.money.size) numbers.money.clear();
  if (numbers.time.size) numbers.time.clear();
  if (numbers.plain.size) numbers.plain.clear();
  const vocab = vocabularyOf(lexicon);
  out.vocabulary = vocab;
  const stamp = ++analyses;

  // Handles name accounts, not subjects (termFacts gives them no facts); a hashtag's word counts.
  const cache = vocab.facts[lang];
  const ids = termIds(tokens);
  const terms = scratchTerms;
  let count = 0;
  for (let t = 0; t < tokens.length; t++) {
    const id = ids[t];
    let facts = id < 0 ? undefined : cache.get(id);
    if (facts === undefined) {
      facts = termFacts(tokens[t].term, lang, lexicon, vocab);
      // Numbers have no id (see termIds): they are read again each time.
      if (id >= 0) cache.set(id, facts);
    }
    if (facts) terms[count++] = facts;
  }

  for (let i = 0; i < count; ) {
    const facts = terms[i];
    const phrase = facts.phrase && longest(facts.phrase, terms, count, i);
    if (phrase) {
      let surface = facts.word;
      for (let k = i + 1; k < i + phrase.length; k++) surface += ` ${terms[k].word}`;
      emit(out, stamp, vocab.phraseConcepts(phrase.concepts), surface);
      i += phrase.length;
      continue;
    }
    i++;
    if (facts.concepts) emit(out, stamp, facts.concepts, facts.word);
  }

  const digit = text.search(DIGIT);
  if (digit >= 0) readDigits(text, digit, numbers);
  readNumberWords(terms, count, numbers);
  if (numbers.money.size + numbers.time.size + numbers.plain.size === 0) return;
  for (const kind of NUMBER_KINDS) {
    for (const v of numbers[kind]) {
      const c = vocab.numberConcept(v);
      if (c.seen === stamp) continue;
      c.seen = stamp;
      out.concepts[out.count] = c;
      out.surfaces[out.count++] = String(v);
    }
  }
}

/** Adds the concepts of `list` that the text has not shown yet (`stamp` names the text). */
function emit(out: Features, stamp: number, list: readonly Concept[], surface: string): void {
  for (const c of list) {
    if (c.seen === stamp) continue;
    c.seen = stamp;
    out.concepts[out.count] = c;
    out.surfaces[out.count++] = surface;
    if (c.place) out.places.add(c.name);
  }
}

const NUMBER_KINDS = ['money', 'time', 'plain'] as const;
let analyses = 0;

/** What a term brings, whatever the text around it: worked out once per distinct term. */
interface TermFacts {
  /** The term without a hashtag's sign. */
  word: string;
  /** phraseKey(word). */
  key: string;
  /** The phrases that start with it, if any. */
  phrase: PhraseNode | undefined;
  /** Its concepts when no phrase covers it, or null. */
  concepts: readonly Concept[] | null;
  /** lexicon.numberWord(word). */
  number: number | { times: number } | undefined;
}

// The terms of the text being analysed, reused from one text to the next (analysis is synchronous):
// entries past the current text's count are stale and never read.
const scratchTerms: TermFacts[] = [];

function termFacts(term: string, lang: Lang | 'und', lexicon: Lexicon, vocab: Vocabulary): TermFacts | null {
  if (term[0] === '@') return null;
  const word = term[0] === '#' ? term.slice(1) : term;
  const key = phraseKey(word);
  const names = resolve(word, lang, lexicon);
  return { word, key, phrase: lexicon.phraseStart(key), concepts: names && names.map(vocab.concept), number: lexicon.numberWord(word) };
}

/** Concepts of a single word, or null for words that say nothing about a claim. */
function resolve(term: string, lang: Lang | 'und', lexicon: Lexicon): readonly string[] | null {
  const langs: readonly Lang[] = lang === 'und' ? ['en', 'fr'] : [lang];
  if (/^\d/.test(term) || term.length < 2 || lexicon.ignores(term) || lexicon.numberWord(term) !== undefined) return null;
  if (langs.some((l) => isStopWord(term, l))) return null;
  return lexicon.single(term, langs) ?? [`w:${stem(term, langs[0]).slice(0, STEM_PREFIX)}`];
}

/**
 * Everything worked out once and reused across texts analysed with a lexicon: each term's facts
 * by term id (they depend only on the term, the language and the lexicon, and sparing the
 * stop-word, lexicon and stemming work on every repeat spares most of it) and the interned concepts.
 */
interface Vocabulary {
  facts: Record<Lang | 'und', TermValues<TermFacts | null>>;
  concept(name: string): Concept;
  phraseConcepts(names: readonly string[]): readonly Concept[];
  numberConcept(value: number): Concept;
  size(): number;
}

// Words never seen before keep coming (names, typos, links): past this many terms the vocabulary
// starts afresh rather than grow without end. Only between two texts, so that one text never
// mixes the concepts of two vocabularies.
const MAX_TERMS = 200_000;
const vocabularies = new WeakMap<Lexicon, Vocabulary>();

function vocabularyOf(lexicon: Lexicon): Vocabulary {
  let vocab = vocabularies.get(lexicon);
  if (!vocab || vocab.size() > MAX_TERMS) vocabularies.set(lexicon, (vocab = newVocabulary()));
  return vocab;
}

function newVocabulary(): Vocabulary {
  const facts = { en: new TermValues<TermFacts | null>(), fr: new TermValues<TermFacts | null>(), und: new TermValues<TermFacts | null>() };
  const concepts = new Map<string, Concept>();
  const phrases = new Map<readonly string[], readonly Concept[]>();
  const numbers = new Map<number, Concept>();
  const concept = (name: string): Concept => {
    let c = concepts.get(name);
    if (!c) concepts.set(name, (c = { name, id: concepts.size, place: name.startsWith('p:') && name !== WHOLE_CITY, seen: 0 }));
    return c;
  };
  return {
    facts,
    concept,
    phraseConcepts(names) {
      let list = phrases.get(names);
      if (!list) phrases.set(names, (list = names.map(concept)));
      return list;
    },
    numberConcept(value) {
      let c = numbers.get(value);
      if (!c) numbers.set(value, (c = concept(`n:${value}`)));
      return c;
    },
    size: () => facts.en.size + facts.fr.size + facts.und.size + numbers.size,
  };
}

/** The numbers of `text`, whose first digit is at `digit`. */
function readDigits(text: string, digit: number, out: Analysis['numbers']): void {
  // A number starts at most two characters before its first digit ("$ 5"): no need to search
  // the text before that.
  NUMBER.lastIndex = Math.max(0, digit - 2);
  for (let m; (m = NUMBER.exec(text)); ) {
    // Most numbers are plain digits (ids, counts, times): only a separator needs rewriting.
    const digits = m[2];
    const value = Number(SEPARATOR.test(digits) ? digits.replace(THOUSANDS, '').replace(',', '.') : digits);
    if (!Number.isFinite(value)) continue;
    const unit = m[3] === undefined ? '' : m[3].replace(/[.\s]/g, '').toLowerCase();
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
function readNumberWords(terms: readonly TermFacts[], count: number, out: Analysis['numbers']): void {
  for (let i = 0; i < count; i++) {
    // A multiplier alone ("50 cents", "cent fois") is no number word.
    if (typeof terms[i].number !== 'number') continue;
    let total = 0;
    let current = 0;
    let j = i;
    for (; j < count; j++) {
      const w = terms[j].number;
      if (w === undefined) break;
      if (typeof w === 'number') current += w;
      else if (w.times >= 1000) {
        total += Math.max(current, 1) * w.times;
        current = 0;
      } else current = Math.max(current, 1) * w.times;
    }
    const value = total + current;
    const next = j < count ? terms[j].word : '';
    (MONEY_WORDS.has(next) ? out.money : out.plain).add(value);
    i = j - 1;
  }
}
