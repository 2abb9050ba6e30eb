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
  numbers: z.record(z.string(), z.union([z.number(), z.string().regex(/^x\d+$/)])).default({}),
});

export interface Lexicon {
  /** Concepts of a single folded term, looked up by form, then by stem in the given languages. */
  single(term: string, langs: readonly Lang[]): readonly string[] | undefined;
  /** Concepts of a phrase of `n` folded terms starting at `start`, if the lexicon has it. */
  phrase(terms: readonly string[], start: number, n: number, langs: readonly Lang[]): readonly string[] | undefined;
  /** Longest phrase length, in terms. */
  readonly maxPhrase: number;
  /** Value of a number word, or a multiplier (`{ times: 100 }`). */
  numberWord(term: string): number | { times: number } | undefined;
  isPlace(concept: string): boolean;
}

export function loadLexicon(file = DEFAULT_LEXICON): Lexicon {
  const data = LexiconFile.parse(parse(readFileSync(file, 'utf8')));
  const groups: [string, string[]][] = [
    ...Object.entries(data.concepts),
    ...Object.entries(data.places).map(([k, v]): [string, string[]] => [`p:${k}`, [...v, k.replace(/_/g, ' ')]]),
  ];
  return buildLexicon(groups, data.numbers);
}

const LANGS: readonly Lang[] = ['en', 'fr'];

function buildLexicon(groups: [string, string[]][], numbers: Record<string, number | string>): Lexicon {
  // Entries are indexed by their folded form and by their stem in both languages, since a list
  // entry's language is not recorded and a post's inflection may differ from the listed form.
  const byForm = new Map<string, string[]>();
  const byStem = { en: new Map<string, string[]>(), fr: new Map<string, string[]>() };
  const phrases = new Map<string, string[]>();
  let maxPhrase = 1;
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
        add(byForm, terms[0], concept);
        for (const l of LANGS) add(byStem[l], stem(terms[0], l), concept);
        continue;
      }
      maxPhrase = Math.max(maxPhrase, terms.length);
      add(phrases, terms.join(' '), concept);
      for (const l of LANGS) add(phrases, `${l}|${terms.map((t) => stem(t, l)).join(' ')}`, concept);
    }
  }
  const numberWords = new Map<string, number | { times: number }>();
  for (const [word, v] of Object.entries(numbers)) {
    numberWords.set(tokenize(word)[0]?.term ?? word, typeof v === 'number' ? v : { times: Number(v.slice(1)) });
  }
  return {
    maxPhrase,
    single(term, langs) {
      const direct = byForm.get(term);
      if (direct) return direct;
      for (const l of langs) {
        const hit = byStem[l].get(stem(term, l));
        if (hit) return hit;
      }
      return undefined;
    },
    phrase(terms, start, n, langs) {
      const slice = terms.slice(start, start + n);
      const direct = phrases.get(slice.join(' '));
      if (direct) return direct;
      for (const l of langs) {
        const hit = phrases.get(`${l}|${slice.map((t) => stem(t, l)).join(' ')}`);
        if (hit) return hit;
      }
      return undefined;
    },
    numberWord: (term) => numberWords.get(term),
    isPlace: (concept) => concept.startsWith('p:'),
  };
}
