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
const FRENCH_LETTERS = /[èêëçàùûœîïâ]/gi;
const FRENCH_E = /é/gi;
const NOT_FRENCH_LETTERS = /[ñáíóúãõßäöåøąęłńśźżőű¿¡]/gi;
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

export function detectLanguage(text: string, hint: string | undefined, opts: LanguageOptions): string {
  const minLength = opts.minLength ?? 2;
  const monitored = opts.languages;
  const normHint = hint?.toLowerCase().slice(0, 2);
  const fallback = normHint && monitored.includes(normHint) ? normHint : 'und';
  const clean = MAY_BE_NOISE.test(text) ? text.replace(NOISE, ' ') : text;
  const { letters, latin } = countLetters(clean);
  if (letters < minLength) return fallback;

  // Another script: franc is reliable there, and it can be no monitored Latin-script language.
  if (latin < letters / 2) {
    const code = ISO3_TO_1[franc(clean, { minLength: 1 })];
    return code && !(['en', 'fr'].includes(code) && monitored.includes(code)) ? code : 'und';
  }

  const score = functionWordScores(clean);
  const frLetters = (clean.match(FRENCH_LETTERS)?.length ?? 0) + 0.5 * (clean.match(FRENCH_E)?.length ?? 0);
  const otherLetters = clean.match(NOT_FRENCH_LETTERS)?.length ?? 0;
  score.fr = (score.fr ?? 0) + Math.min(frLetters, 3) * 0.5 - otherLetters * 0.5;
  if (otherLetters) score.en = (score.en ?? 0) - otherLetters * 0.5;

  // Grammar alone settles most posts; franc's trigram ranking is by far the slowest evidence, so
  // it is only consulted when the function words leave room for doubt.
  const [top, next] = Object.values(score).sort((a, b) => b - a);
  const leader = Object.keys(score).find((l) => score[l] === top);
  if (leader && top >= DECISIVE_WORDS && top >= DECISIVE_RATIO * Math.max(next ?? 0, 0)) return leader;

  // franc's view, when there is enough text for trigrams to mean something and its vote (one
  // point, to one language) could change the answer: a lead of more than a point it cannot undo.
  let trigramBest: string | undefined;
  if (latin >= TRIGRAM_MIN && !(top - Math.max(next ?? 0, 0) > 1 + LEAD_MARGIN)) {
    const ranked = francAll(clean.slice(0, TRIGRAM_MAX_CHARS), { only: [...monitored.map(iso3), ...FRANC_OTHERS].filter(Boolean) as string[], minLength: 1 });
    const [first, second] = ranked;
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

/** Letters, and Latin letters among them, counted in one pass (this runs on every item). */
function countLetters(text: string): { letters: number; latin: number } {
  let letters = 0;
  let latin = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) {
      letters++;
      latin++;
    } else if (c > 0x24f && IS_LETTER.test(ch)) letters++;
  }
  return { letters, latin };
}

function iso3(code: string): string | undefined {
  return Object.keys(ISO3_TO_1).find((k) => ISO3_TO_1[k] === code);
}

/** Function words of each language found in the text, a shared word split between its languages. */
function functionWordScores(text: string): Record<string, number> {
  // Sums per language in an array, and the order languages were first seen, which the result's
  // key order keeps: ties are settled by that order.
  const sums = new Float64Array(LIST_LANGS.length);
  const order: number[] = [];
  const folded = fold(text);
  const n = folded.length;
  // Words are runs of letters and apostrophes, scanned by hand: a Unicode regex cost more.
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n) {
      const c = folded.charCodeAt(j);
      if (c === 39 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)) j++;
      else if (c < 128) break;
      else {
        const k = letterLength(folded, j);
        if (!k) break;
        j += k;
      }
    }
    if (j === i) {
      i++;
      continue;
    }
    let word = folded.slice(i, j);
    i = j;
    // An elision (l'agent, qu'il) is French grammar in itself.
    if ((word[1] === "'" || word[2] === "'") && ELISION.test(word)) {
      if (!order.includes(FR)) order.push(FR);
      sums[FR] += 0.5;
      word = word.replace(ELISION, '');
    }
    if (word.includes("'")) word = word.replace(/'/g, '');
    const langs = FUNCTION_WORDS.get(word);
    if (!langs) continue;
    for (const l of langs) {
      if (!order.includes(l)) order.push(l);
      sums[l] += 1 / langs.length;
    }
  }
  const score: Record<string, number> = {};
  for (const l of order) score[LIST_LANGS[l]] = sums[l];
  return score;
}
