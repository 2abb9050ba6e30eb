/**
 * Language identification for short, informal and mixed posts.
 *
 * franc alone is unreliable here: unrestricted it calls short English "Scots", restricted to the
 * monitored languages it forces every Spanish or Italian post into one of them, and trigram
 * statistics need more text than a post often has. So three kinds of evidence are combined:
 *  - function words: the share of a text's words that are stop words of each language (natural's
 *    lists, plus everyday chat words), each shared word split between the languages that use it.
 *    A handful of words is enough, and a mixed post goes to the language that carries its grammar;
 *  - letters: accents only French uses (è, ê, ç, à...) or that French never uses (ñ, ã, ¿...),
 *    and non-Latin scripts;
 *  - franc's trigram ranking, unrestricted, to notice a third language, and restricted to the
 *    monitored ones to break ties between them on longer texts.
 * Another language is answered with its ISO 639-1 code when known, else `und`; it is never forced
 * into a monitored language.
 */
import { createRequire } from 'node:module';
import { franc, francAll } from 'franc';
import { data as francData } from 'franc/data.js';
import { fold, letterLength } from './text.ts';

const require = createRequire(import.meta.url);
const stopList = (name: string) => (require(`natural/lib/natural/util/${name}`) as { words: string[] }).words;

export interface LanguageOptions {
  languages: readonly string[];
  minLength?: number;
}

const ISO3_TO_1: Record<string, string> = {
  eng: 'en', fra: 'fr', spa: 'es', ita: 'it', por: 'pt', deu: 'de', nld: 'nl', pol: 'pl', swe: 'sv',
  nob: 'no', nno: 'no', dan: 'da', fin: 'fi', ron: 'ro', cat: 'ca', glg: 'gl', tgl: 'tl', ind: 'id',
  zlm: 'ms', som: 'so', tur: 'tr', vie: 'vi', hun: 'hu', ces: 'cs', slk: 'sk', hrv: 'hr', srp: 'sr',
  bos: 'bs', slv: 'sl', lit: 'lt', lav: 'lv', est: 'et', hat: 'ht', swh: 'sw', hau: 'ha', yor: 'yo',
  ibo: 'ig', amh: 'am', arb: 'ar', ara: 'ar', pes: 'fa', prs: 'fa', urd: 'ur', hin: 'hi', pan: 'pa',
  ben: 'bn', tam: 'ta', tel: 'te', guj: 'gu', mar: 'mr', cmn: 'zh', zho: 'zh', jpn: 'ja', kor: 'ko',
  rus: 'ru', ukr: 'uk', bul: 'bg', ell: 'el', heb: 'he', tha: 'th', khm: 'km', kin: 'rw', afr: 'af',
};

// Everyday chat words natural's stop lists lack; they decide many two-word posts.
const CHAT: Record<string, string[]> = {
  en: ['ok', 'okay', 'lol', 'lmao', 'omg', 'tbh', 'imo', 'idk', 'smh', 'thanks', 'thank', 'yes', 'yeah', 'yep', 'nope', 'please', 'hey', 'wow', 'ugh', 'not', 'no', 'just', 'im', "i'm", 'dont', "don't", 'cant', "can't", 'gonna', 'wanna', 'anyone', 'everyone', 'anymore', 'guys', 'really', 'know', 'think', 'going', 'got', 'new', 'will', 'again', 'tonight', 'today'],
  fr: ['allo', 'merci', 'bravo', 'oui', 'ouin', 'non', 'salut', 'bonjour', 'bonsoir', 'voila', 'pis', 'ben', 'bin', 'faque', 'tsé', 'tse', 'asteure', 'pu', 'pas', 'plus', 'tellement', 'vraiment', 'aussi', 'encore', 'toujours', 'jamais', 'rien', 'tout', 'tous', 'toute', 'toutes', 'quelqu', 'quelque', 'quoi', 'comment', 'pourquoi', 'quand', 'ça', 'ca', 'cest', "c'est", 'y', 'ya', 'là', 'ici', 'chez', 'avant', 'après', 'apres', 'très', 'tres', 'bien', 'mal', 'fait', 'faut', 'peut', 'veut', 'vont', 'va', 'dit', 'sont', 'était', 'ils', 'elles'],
};

const LISTS: Record<string, string[]> = {
  en: [...stopList('stopwords'), ...CHAT.en],
  fr: [...stopList('stopwords_fr'), ...CHAT.fr],
  es: stopList('stopwords_es'),
  it: stopList('stopwords_it'),
  pt: stopList('stopwords_pt'),
  nl: stopList('stopwords_nl'),
  pl: stopList('stopwords_pl'),
  sv: stopList('stopwords_sv'),
  no: stopList('stopwords_no'),
  id: stopList('stopwords_id'),
};

const LIST_LANGS = Object.keys(LISTS);
const FR = LIST_LANGS.indexOf('fr');
const EN = LIST_LANGS.indexOf('en');

// Each folded word → the languages (indexes in LIST_LANGS) whose function words include it.
// Single letters are left out: they are initials and list padding more often than words.
const FUNCTION_WORDS = new Map<string, number[]>();
for (const [lang, words] of Object.values(LISTS).entries()) {
  for (const w of words) {
    const f = fold(w).replace(/'/g, '');
    if (f.length < 2 && f !== 'a' && f !== 'y') continue;
    const list = FUNCTION_WORDS.get(f) ?? [];
    if (!list.includes(lang)) list.push(lang);
    FUNCTION_WORDS.set(f, list);
  }
}

// Letters: French-only accents point to French; letters French never writes point elsewhere.
const FRENCH_LETTERS = /[èêëçàùûœîïâ]/i;
const FRENCH_E = /é/i;
const NOT_FRENCH_LETTERS = /[ñáíóúãõßäöåøąęłńśźżőű¿¡]/i;
const IS_LETTER = /\p{L}/u;
const NOISE = /https?:\/\/\S+|\b\S+\.(?:com|org|net|ca|ly|io)\/?\S*|[@#][\p{L}\p{N}_]+|\bRT\b/gu;

// What every NOISE match contains; most posts have none of it, and the test is far cheaper.
const MAY_BE_NOISE = /:\/\/|\.(?:com|org|net|ca|ly|io)|[@#]|RT/;
const ELISION = /^(?:[ldjmnstc]|qu)'(?=\p{L})/u;
const TRIGRAM_MIN = 25;
// Trigram statistics settle within a few hundred characters; a long article adds only cost.
const TRIGRAM_MAX_CHARS = 400;
// Function-word evidence this strong and this one-sided needs no second opinion.
const DECISIVE_WORDS = 3;
const DECISIVE_RATIO = 2;
// Rounding slack when comparing a lead with franc's one-point vote.
const LEAD_MARGIN = 1e-9;
// Languages franc is asked to rank besides the monitored ones: those a Canadian city hears most.
const FRANC_OTHERS = ['spa', 'ita', 'por', 'deu', 'nld', 'pol', 'ron', 'tgl', 'som', 'vie', 'tur', 'hat', 'swh', 'ind', 'cat'];

/** A text already folded, such as rules/text.ts's `Analysed`: its fold is reused when it can be. */
export interface FoldedText {
  raw: string;
  folded: string;
}

export function detectLanguage(input: string | FoldedText, hint: string | undefined, opts: LanguageOptions): string {
  const text = typeof input === 'string' ? input : input.raw;
  const minLength = opts.minLength ?? 2;
  const monitored = opts.languages;
  const normHint = hint?.toLowerCase().slice(0, 2);
  const fallback = normHint && monitored.includes(normHint) ? normHint : 'und';
  const clean = MAY_BE_NOISE.test(text) ? text.replace(NOISE, ' ') : text;
  const { letters, latin, frLetters, otherLetters } = countLetters(clean);
  if (letters < minLength) return fallback;

  // Another script: franc is reliable there, and it can be no monitored Latin-script language.
  if (latin < letters / 2) {
    const code = ISO3_TO_1[franc(clean, { minLength: 1 })];
    return code && !(['en', 'fr'].includes(code) && monitored.includes(code)) ? code : 'und';
  }

  // Every NOISE match is two characters or more and becomes one space, so an unchanged length
  // means nothing was removed and the caller's fold is the fold of `clean`.
  const folded = typeof input !== 'string' && clean.length === text.length ? input.folded : fold(clean);
  const tally = functionWordScores(folded);
  // Added and taken away in two steps, as the sums have always been rounded.
  tally.add(FR, Math.min(frLetters, 3) * 0.5);
  tally.add(FR, -(otherLetters * 0.5));
  if (otherLetters) tally.add(EN, -(otherLetters * 0.5));

  // Grammar alone settles most posts; franc's trigram ranking is by far the slowest evidence, so
  // it is only consulted when the function words leave room for doubt.
  const { top, next, leader } = tally.lead();
  if (top >= DECISIVE_WORDS && top >= DECISIVE_RATIO * Math.max(next ?? 0, 0)) return LIST_LANGS[leader];
  const votable = francVotable(monitored);
  if (tally.beyondVote(leader, top, votable.lists)) return LIST_LANGS[leader];
  const score = tally.record();

  // franc's view, when there is enough text for trigrams to mean something and its vote (one
  // point, to one language) could change the answer: a lead of more than a point it cannot undo.
  let trigramBest: string | undefined;
  if (latin >= TRIGRAM_MIN && !(top - Math.max(next ?? 0, 0) > 1 + LEAD_MARGIN)) {
    const [first, second] = francTop(clean.slice(0, TRIGRAM_MAX_CHARS), votable);
    trigramBest = ISO3_TO_1[first[0]];
    if (trigramBest && first[1] - (second?.[1] ?? 0) >= 0.02) score[trigramBest] = (score[trigramBest] ?? 0) + 1;
  }

  const ranked = Object.entries(score).sort((a, b) => b[1] - a[1]);
  const [bestLang, bestScore] = ranked[0] ?? ['und', 0];
  if (bestScore <= 0) {
    return trigramBest ?? fallback;
  }
  // A tie goes to the trigram ranking when it names one of the tied languages; among monitored
  // languages only, to the hint, then to franc restricted to them; otherwise it cannot be told.
  const tied = ranked.filter(([, s]) => s === bestScore).map(([l]) => l);
  if (tied.length === 1) return bestLang;
  if (trigramBest && tied.includes(trigramBest)) return trigramBest;
  // Too short for trigrams: the languages staff monitor are by far the likelier ones.
  const likely = latin < TRIGRAM_MIN ? tied.filter((l) => monitored.includes(l)) : tied;
  if (likely.length === 1) return likely[0];
  if (likely.length === 0 || !likely.every((l) => monitored.includes(l))) return 'und';
  if (normHint && likely.includes(normHint)) return normHint;
  return ISO3_TO_1[franc(clean, { only: likely.map(iso3).filter(Boolean) as string[], minLength: 1 })] ?? fallback;
}

/** The languages franc ranks for a monitored set, and those of them with a function-word list. */
interface Votable {
  only: string[];
  lists: number[];
  /** franc's Latin-script models of `only`, built on first use. */
  models?: LatinModels;
}

// Monitored sets are few (the configured one, en+fr for claims): computed once per set.
const votableCache = new Map<string, Votable>();

function francVotable(monitored: readonly string[]): Votable {
  const key = monitored.join(',');
  let v = votableCache.get(key);
  if (!v) {
    const only = [...monitored.map(iso3), ...FRANC_OTHERS].filter(Boolean) as string[];
    const lists = [...new Set(only.map((c) => LIST_LANGS.indexOf(ISO3_TO_1[c])).filter((l) => l >= 0))];
    votableCache.set(key, (v = { only, lists }));
  }
  return v;
}

/**
 * Per-language sums, in the order languages were first seen (kept in the result: ties are
 * settled by that order). One instance is reused for every call: detection runs on every item
 * and is never re-entered.
 */
class Tally {
  readonly sums = new Float64Array(LIST_LANGS.length);
  /** The languages seen, in order: the first `size` entries. */
  private readonly order = new Int32Array(LIST_LANGS.length);
  private size = 0;
  /** Bit l set once language l is in `order`. */
  private seen = 0;

  // Only the sums of the languages seen are set back, and the order is overwritten from the
  // start: cheaper, on every item, than a fill() and emptying an array (which costs a runtime call).
  reset(): this {
    for (let k = 0; k < this.size; k++) this.sums[this.order[k]] = 0;
    this.size = 0;
    this.seen = 0;
    return this;
  }

  add(lang: number, amount: number): void {
    if (!(this.seen & (1 << lang))) {
      this.seen |= 1 << lang;
      this.order[this.size++] = lang;
    }
    this.sums[lang] += amount;
  }

  /** The highest sum, the one a descending sort puts second, and the first language with the highest. */
  lead(): { top: number; next: number | undefined; leader: number } {
    let top = -Infinity;
    let next: number | undefined;
    let leader = -1;
    for (let k = 0; k < this.size; k++) {
      const l = this.order[k];
      const s = this.sums[l];
      if (s > top) {
        if (leader >= 0) next = top;
        top = s;
        leader = l;
      } else if (next === undefined || s > next) next = s;
    }
    return { top, next, leader };
  }

  /**
   * Whether `leader` stays alone on top whichever language franc's one-point vote goes to, so
   * that franc need not be asked: every other language is below it now, and so is each one franc
   * can name once given the point (`votable`: those with function-word lists; the others have no
   * words here and would reach exactly one). Sums are compared as the vote would make them, so
   * the answer is the one asking franc would give, to the last bit.
   */
  beyondVote(leader: number, top: number, votable: readonly number[]): boolean {
    if (!(1 < top)) return false;
    for (let k = 0; k < this.size; k++) {
      const l = this.order[k];
      if (l !== leader && !(this.sums[l] < top)) return false;
    }
    for (const l of votable) if (l !== leader && !(this.sums[l] + 1 < top)) return false;
    return true;
  }

  record(): Record<string, number> {
    const score: Record<string, number> = {};
    for (let k = 0; k < this.size; k++) score[LIST_LANGS[this.order[k]]] = this.sums[this.order[k]];
    return score;
  }
}

const tally = new Tally();

/**
 * The first two entries of francAll(value, { only: votable.only, minLength: 1 }), the second
 * missing when franc ranks one language.
 */
function francTop(value: string, votable: Votable): [string, number][] {
  votable.models ??= new LatinModels(votable.only);
  return votable.models.topTwo(value) ?? francAll(value, { only: votable.only, minLength: 1 }).slice(0, 2);
}

// franc's distance for a trigram its model lacks.
const FRANC_MAX_DIFFERENCE = 300;
// Shared by every ranking (detection is never re-entered): the input's trigram codes.
let trigramCodes = new Float64Array(512);

/**
 * franc's ranking of Latin-script text among a set of languages, computed as franc computes it
 * but several times faster, as its trigram ranking was the costliest step of classifying an item
 * that reaches it: each trigram of the text is looked up once for all the languages (franc looks
 * it up in each language's model in turn), as a number (its three UTF-16 units) in a typed-array
 * table rather than as a string property, and the text's trigrams are counted by sorting those
 * numbers rather than in an object of strings.
 *
 * franc's distance to a language sums, over the text's distinct trigrams, |count - rank - 1|
 * (rank: the trigram's place in the language's model) or 300 for a trigram the model lacks: whole
 * numbers, so the sums are the same in any order. Languages are ranked by distance, ties in the
 * order of franc's data, as its stable sort leaves them, and scored by its formula.
 */
export class LatinModels {
  /** The Latin-script languages of `only`, in the order of franc's data. */
  private readonly langs: string[];
  /** Trigram code + 1 by slot (0: empty slot), open addressing, at most half full. */
  private readonly keys: Float64Array;
  /** Per slot, the trigram's rank in each language's model (row of langs.length), -1 if absent. */
  private readonly ranks: Int16Array;
  private readonly distances: Float64Array;

  constructor(only: readonly string[]) {
    const models = Object.entries(francData.Latin).filter(([lang]) => only.includes(lang));
    this.langs = models.map(([lang]) => lang);
    const n = this.langs.length;
    const lists = models.map(([, model]) => model.split('|'));
    let size = 1024;
    while (size < 2 * lists.reduce((sum, l) => sum + l.length, 0)) size *= 2;
    this.keys = new Float64Array(size);
    this.ranks = new Int16Array(size * n).fill(-1);
    this.distances = new Float64Array(n);
    lists.forEach((list, k) => {
      // franc keeps a trigram listed twice at its first place: its loop runs from the end.
      for (let rank = list.length - 1; rank >= 0; rank--) {
        const t = list[rank];
        if (t.length === 3) this.ranks[this.slot(trigramCode(t, 0), true) * n + k] = rank;
      }
    });
  }

  /**
   * francAll's first two entries, or undefined when franc would not rank the text with the
   * Latin-script models: unless ASCII letters are most of the text, the caller asks franc.
   */
  topTwo(value: string): [string, number][] | undefined {
    const n = this.langs.length;
    if (!n || !mostlyAsciiLetters(value)) return undefined;
    // trigram-utils' clean(), padded with a space each side as its trigrams() pads it.
    const text = ` ${value.replace(/[\u0021-\u0040]+/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase()} `;
    const count = text.length - 2;
    if (trigramCodes.length < count) trigramCodes = new Float64Array(2 * count);
    const codes = trigramCodes.subarray(0, Math.max(count, 0));
    for (let i = 0; i < count; i++) codes[i] = trigramCode(text, i);
    codes.sort();
    const distances = this.distances.fill(0);
    let missing = 0;
    for (let i = 0; i < codes.length; ) {
      const code = codes[i];
      let j = i + 1;
      while (j < codes.length && codes[j] === code) j++;
      const times = j - i;
      i = j;
      const slot = this.slot(code, false);
      if (slot < 0) {
        missing += FRANC_MAX_DIFFERENCE;
        continue;
      }
      for (let k = 0; k < n; k++) {
        const rank = this.ranks[slot * n + k];
        distances[k] += rank < 0 ? FRANC_MAX_DIFFERENCE : Math.abs(times - rank - 1);
      }
    }
    let first = 0;
    for (let k = 1; k < n; k++) if (distances[k] < distances[first]) first = k;
    let second = -1;
    for (let k = 0; k < n; k++) if (k !== first && (second < 0 || distances[k] < distances[second])) second = k;
    // franc's normalize(), on the distances with the missing trigrams' share added.
    const min = distances[first] + missing;
    const max = value.length * FRANC_MAX_DIFFERENCE - min;
    const score = (k: number): [string, number] => [this.langs[k], 1 - (distances[k] + missing - min) / max || 0];
    return second < 0 ? [score(first)] : [score(first), score(second)];
  }

  /** The slot of a trigram code: found, or -1; or, with `add`, found or taken. */
  private slot(code: number, add: boolean): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    const key = code + 1;
    const h = Math.imul((code >>> 0) ^ Math.imul((code / 4294967296) >>> 0, 0x27d4eb2d), 0x9e3779b1);
    for (let s = (h ^ (h >>> 15)) & mask; ; s = (s + 1) & mask) {
      if (keys[s] === key) return s;
      if (keys[s] === 0) {
        if (!add) return -1;
        keys[s] = key;
        return s;
      }
    }
  }
}

/** Three UTF-16 units from `at` as one whole number below 2^48. */
function trigramCode(text: string, at: number): number {
  return text.charCodeAt(at) * 4294967296 + text.charCodeAt(at + 1) * 65536 + text.charCodeAt(at + 2);
}

/**
 * Whether ASCII letters are more than half of the text, which makes Latin franc's script for it:
 * they belong to no other script of franc's, so no other can count as many of its characters.
 */
function mostlyAsciiLetters(value: string): boolean {
  let letters = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) letters += ASCII_LETTER[c];
  }
  return 2 * letters > value.length;
}

function iso3(code: string): string | undefined {
  return Object.keys(ISO3_TO_1).find((k) => ISO3_TO_1[k] === code);
}

// Per UTF-16 unit other than surrogates, what countLetters needs to know, found on first sight.
const KNOWN = 1;
const LETTER = 2;
const LATIN = 4;
const FR_LETTER = 8;
const FR_E = 16;
const NOT_FR_LETTER = 32;
const unitKind = new Uint8Array(0x10000);
const astralLetter = new Map<number, boolean>();

function kindOf(c: number): number {
  const ch = String.fromCharCode(c);
  let k = KNOWN;
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) k |= LETTER | LATIN;
  else if (c > 0x24f && IS_LETTER.test(ch)) k |= LETTER;
  if (FRENCH_LETTERS.test(ch)) k |= FR_LETTER;
  if (FRENCH_E.test(ch)) k |= FR_E;
  if (NOT_FRENCH_LETTERS.test(ch)) k |= NOT_FR_LETTER;
  return k;
}

const counts = { letters: 0, latin: 0, frLetters: 0, otherLetters: 0 };
const ASCII_LETTER = Uint8Array.from({ length: 128 }, (_, c) => ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 0));

/**
 * In one pass (this runs on every item): letters, Latin letters among them (code points), and
 * French-only and never-French letters (UTF-16 units, as the letter classes above match them;
 * an é counts half).
 */
function countLetters(text: string): typeof counts {
  let letters = 0;
  let latin = 0;
  // ASCII letters, both letters and Latin, counted by table: a branch-free add per character of
  // the text's bulk instead of four comparisons.
  let ascii = 0;
  let fr = 0;
  let frE = 0;
  let other = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      ascii += ASCII_LETTER[c];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // Surrogates match none of the letter classes, but an astral letter is a letter.
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) {
        let isLetter = astralLetter.get(cp);
        if (isLetter === undefined) astralLetter.set(cp, (isLetter = IS_LETTER.test(String.fromCodePoint(cp))));
        if (isLetter) letters++;
        i++;
      }
      continue;
    }
    let k = unitKind[c];
    if (!k) unitKind[c] = k = kindOf(c);
    if (k & LETTER) {
      letters++;
      if (k & LATIN) latin++;
    }
    if (k & FR_LETTER) fr++;
    if (k & FR_E) frE++;
    if (k & NOT_FR_LETTER) other++;
  }
  counts.letters = letters + ascii;
  counts.latin = latin + ascii;
  counts.frLetters = fr + 0.5 * frE;
  counts.otherLetters = other;
  return counts;
}

/**
 * The function words as a trie over UTF-16 units, so that the scan below looks a word up while
 * reading it, without cutting it out as a string: a dense row of 26 children per node for a-z
 * (-1 for none), the few other letters in a map keyed by node and unit.
 */
interface WordTrie {
  az: Int32Array;
  other: Map<number, number>;
  langs: (number[] | undefined)[];
}

function buildTrie(words: ReadonlyMap<string, number[]>): WordTrie {
  const azRows: number[] = [];
  const other = new Map<number, number>();
  const langs: (number[] | undefined)[] = [];
  const addNode = () => {
    for (let k = 0; k < 26; k++) azRows.push(-1);
    return langs.push(undefined) - 1;
  };
  addNode();
  for (const [word, wordLangs] of words) {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      const az = c >= 97 && c <= 122;
      let next = az ? azRows[node * 26 + c - 97] : (other.get(node * 0x10000 + c) ?? -1);
      if (next < 0) {
        next = addNode();
        if (az) azRows[node * 26 + c - 97] = next;
        else other.set(node * 0x10000 + c, next);
      }
      node = next;
    }
    langs[node] = wordLangs;
  }
  return { az: Int32Array.from(azRows), other, langs };
}

const TRIE = buildTrie(FUNCTION_WORDS);
const AZ = TRIE.az;

/** Function words of each language found in folded text, a shared word split between its languages. */
function functionWordScores(folded: string): Tally {
  const t = tally.reset();
  const n = folded.length;
  // Words are runs of letters and apostrophes, scanned by hand (a Unicode regex cost more) and
  // walked down the trie as they are read; a word with an apostrophe is cut out and rewritten.
  let i = 0;
  while (i < n) {
    let j = i;
    let node = 0;
    let apostrophe = false;
    while (j < n) {
      const c = folded.charCodeAt(j);
      if (c >= 97 && c <= 122) {
        if (node >= 0) node = AZ[node * 26 + c - 97];
        j++;
      } else if (c === 39) {
        apostrophe = true;
        j++;
      } else if (c < 128) {
        if (c < 65 || c > 90) break;
        node = -1;
        j++;
      } else {
        const k = letterLength(folded, j);
        if (!k) break;
        for (let u = j; u < j + k && node >= 0; u++) node = TRIE.other.get(node * 0x10000 + folded.charCodeAt(u)) ?? -1;
        j += k;
      }
    }
    if (j === i) {
      i++;
      continue;
    }
    const langs = apostrophe ? FUNCTION_WORDS.get(withoutApostrophes(folded, i, j, t)) : node >= 0 ? TRIE.langs[node] : undefined;
    i = j;
    if (!langs) continue;
    for (const l of langs) t.add(l, 1 / langs.length);
  }
  return t;
}

/**
 * The word at [from, to) with its apostrophes taken out. An elision (l'agent, qu'il) is French
 * grammar in itself: it is counted, and its article dropped.
 */
function withoutApostrophes(folded: string, from: number, to: number, t: Tally): string {
  let word = folded.slice(from, to);
  if ((word[1] === "'" || word[2] === "'") && ELISION.test(word)) {
    t.add(FR, 0.5);
    word = word.replace(ELISION, '');
  }
  return word.replace(/'/g, '');
}
