/**
 * The bilingual concept lexicon (lexicon.yaml): words, slang and phrases of both languages that
 * mean the same thing map to one language-neutral concept id, so that a French post and an
 * English claim, or slang and the staff's wording, meet in the same space.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { stem, tokenize, type Lang } from '../text.ts';

export const DEFAULT_LEXICON = fileURLToPath(new URL('./lexicon.yaml', import.meta.url));

/** The city as a whole: naming it never contradicts a claim about one of its areas. */
export const WHOLE_CITY = 'p:ottawa';

const LexiconFile = z.object({
  concepts: z.record(z.string(), z.array(z.string())),
  places: z.record(z.string(), z.array(z.string())).default({}),
  ignore: z.array(z.string()).default([]),
  false_friends: z.object({ en: z.array(z.string()).default([]), fr: z.array(z.string()).default([]) }).default({ en: [], fr: [] }),
  numbers: z.record(z.string(), z.union([z.number(), z.string().regex(/^x\d+$/)])).default({}),
});

export interface Lexicon {
  /** Concepts of a single folded term, looked up by form, then by stem in the given languages. */
  single(term: string, langs: readonly Lang[]): readonly string[] | undefined;
  /**
   * The phrases that start with a term (its `phraseKey`), as a tree keyed by the following terms'
   * `phraseKey`: undefined for the many terms that start none, so a text costs one lookup per
   * term. `longest` walks it.
   */
  phraseStart(key: string): PhraseNode | undefined;
  /** Value of a number word, or a multiplier (`{ times: 100 }`). */
  numberWord(term: string): number | { times: number } | undefined;
  /** Words that say nothing about what a claim is about (negations, fillers, chat). */
  ignores(term: string): boolean;
}

export function loadLexicon(file = DEFAULT_LEXICON): Lexicon {
  const data = LexiconFile.parse(parse(readFileSync(file, 'utf8')));
  const groups: [string, string[]][] = [
    ...Object.entries(data.concepts),
    ...Object.entries(data.places).map(([k, v]): [string, string[]] => [`p:${k}`, [...v, k.replace(/_/g, ' ')]]),
  ];
  // A false friend of one language is not indexed for the other.
  const onlyIn = new Map<string, Lang>();
  for (const l of LANGS) for (const w of data.false_friends[l]) onlyIn.set(tokenize(w)[0]?.term ?? w, l);
  return buildLexicon(groups, data.numbers, data.ignore, onlyIn);
}

const LANGS: readonly Lang[] = ['en', 'fr'];

function buildLexicon(
  groups: [string, string[]][],
  numbers: Record<string, number | string>,
  ignore: string[],
  onlyIn: Map<string, Lang>,
): Lexicon {
  const ignored = new Set(ignore.flatMap((w) => tokenize(w).map((t) => t.term)));
  // Entries are indexed by their folded form and by their stem in both languages, since a list
  // entry's language is not recorded and a post's inflection may differ from the listed form.
  const byForm = { en: new Map<string, string[]>(), fr: new Map<string, string[]>() };
  const byStem = { en: new Map<string, string[]>(), fr: new Map<string, string[]>() };
  const phrases = new Map<string, PhraseNode>();
  const addPhrase = (key: string[], concept: string) => {
    let level = phrases;
    let node: PhraseNode | undefined;
    for (const part of key) {
      node = level.get(part);
      if (!node) level.set(part, (node = { next: new Map(), concepts: undefined }));
      level = node.next;
    }
    node!.concepts ??= [];
    if (!node!.concepts.includes(concept)) node!.concepts.push(concept);
  };
  const add = (map: Map<string, string[]>, key: string, concept: string) => {
    const list = map.get(key);
    if (!list) map.set(key, [concept]);
    else if (!list.includes(concept)) list.push(concept);
  };
  for (const [concept, entries] of groups) {
    for (const entry of entries) {
      const terms = tokenize(entry).map((t) => t.term.replace(/^#/, ''));
      if (terms.length === 0) continue;
      if (terms.length === 1) {
        for (const l of LANGS) {
          const own = onlyIn.get(terms[0]);
          if (own && own !== l) continue;
          add(byForm[l], terms[0], concept);
          add(byStem[l], stem(terms[0], l), concept);
        }
        continue;
      }
      addPhrase(terms.map(phraseKey), concept);
    }
  }
  const numberWords = new Map<string, number | { times: number }>();
  for (const [word, v] of Object.entries(numbers)) {
    numberWords.set(tokenize(word)[0]?.term ?? word, typeof v === 'number' ? v : { times: Number(v.slice(1)) });
  }
  return {
    single(term, langs) {
      for (const l of langs) {
        const hit = byForm[l].get(term) ?? byStem[l].get(stem(term, l)) ?? (l === 'fr' ? byStem.fr.get(frenchPluralVerb(term)) : undefined);
        if (hit) return hit;
      }
      return undefined;
    },
    phraseStart: (key) => phrases.get(key),
    numberWord: (term) => numberWords.get(term),
    ignores: (term) => ignored.has(term),
  };
}

/**
 * natural's French stemmer leaves the third-person plural "-ent" on most verbs ("ferment",
 * "coupent", "cherchent"), which posts use all the time: as a last resort, stem the singular.
 */
function frenchPluralVerb(term: string): string {
  return term.length > 5 && term.endsWith('ent') ? stem(`${term.slice(0, -3)}e`, 'fr') : '';
}

export type PhraseHit = { concepts: readonly string[]; length: number };

/** A term of a phrase: the phrases that go on from it, and the concepts of one that ends here. */
export interface PhraseNode {
  next: Map<string, PhraseNode>;
  concepts: string[] | undefined;
}

/**
 * A term as phrases compare it: folded, without a plural ending, so "house parties" and "house
 * party" meet. Cheaper than stemming every word of a text, which a phrase lookup would need.
 */
export function phraseKey(term: string): string {
  return term.length > 3 && (term.endsWith('s') || term.endsWith('x')) && !term.endsWith('ss') ? term.slice(0, -1) : term;
}

/**
 * Longest phrase from `start`, given the node of its first term and the text's terms with their
 * phraseKey (`terms[i].key`, for i < `count`). A phrase has at least two terms.
 */
export function longest(first: PhraseNode, terms: readonly { key: string }[], count: number, start: number): PhraseHit | undefined {
  let best: PhraseHit | undefined;
  let node: PhraseNode | undefined = first;
  for (let end = start + 1; node && end < count; end++) {
    node = node.next.get(terms[end].key);
    if (node?.concepts) best = { concepts: node.concepts, length: end - start + 1 };
  }
  return best;
}
