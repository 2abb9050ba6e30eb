/**
 * The rumour score: a naive Bayes word model from `natural`, trained on the seed examples kept in
 * the repository plus the labels staff give, added to the explicit cues as log-odds.
 *
 * natural's classifier turns every post into a vector as long as the whole vocabulary, which is
 * far too slow for a stream; once trained, its counts are read back into one log-odds weight per
 * word stem, which gives the same ranking at the cost of a map look-up per word.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { analyseText, isStopWord, stem, tokenize, type Analysed, type Lang, type Token } from '../text.ts';
import { termIds, TermValues } from '../term-ids.ts';
import { detectCuesIn, type Cue } from './cues.ts';

const require = createRequire(import.meta.url);
// Deep import: the package root pulls in database drivers and prints to stdout.
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier') as new (stemmer?: unknown, smoothing?: number) => NaturalBayes;

interface NaturalBayes {
  features: Record<string, number>;
  classifier: { classFeatures: Record<string, Record<number, number>>; classTotals: Record<string, number>; smoothing: number };
  addDocument(tokens: string[], label: string): void;
  train(): void;
  getClassifications(tokens: string[]): { label: string; value: number }[];
}

export interface Example {
  text: string;
  lang?: string;
  rumour: boolean;
}

export interface RumourVerdict {
  /** Probability-like score in [0, 1]. */
  score: number;
  /** The word model's share of the log-odds, after bounding. */
  words: number;
  cues: Cue[];
}

export interface WordWeight {
  stem: string;
  weight: number;
}

export interface RumourModel {
  score(title: string, text: string, lang: string): RumourVerdict;
  /** score() of a post already analysed: its title and text joined as `title\ntext`. */
  scoreAnalysed(post: Analysed, lang: string): RumourVerdict;
  /** The stems that moved the word model most for this post, strongest first. */
  explainWords(title: string, text: string, lang: string, top?: number): WordWeight[];
  /** How many examples it learned from. */
  readonly examples: number;
}

const RUMOUR = 'rumour';
const NOT = 'not';
/**
 * Naive Bayes over-counts correlated words, so its log-odds are bounded and damped before they
 * meet the cues: neither the vocabulary nor one cue alone should decide a post.
 */
const WORD_BOUND = 4;
const WORD_SCALE = 0.6;
/** Additive smoothing: with a small seed set, a word seen once in one class is weak evidence. */
const SMOOTHING = 2;
/** Most posts are not rumours; a post with no evidence either way scores low. */
const BIAS = -0.4;

/** Distinct stems of a post's content words, the model's features. */
export function features(title: string, text: string, lang: string): string[] {
  return featuresOf(tokenize(title ? `${title}\n${text}` : text), lang);
}

// A term's feature depends only on the term and the language: cached, it costs one look-up.
const featureCache = { en: new Map<string, string | null>(), fr: new Map<string, string | null>(), other: new Map<string, string | null>() };

function featuresOf(tokens: readonly Token[], lang: string): string[] {
  const cache = lang === 'en' || lang === 'fr' ? featureCache[lang] : featureCache.other;
  const out = new Set<string>();
  for (const { term } of tokens) {
    const f = featureOf(term, lang, cache);
    if (f !== null) out.add(f);
  }
  return [...out];
}

function featureOf(term: string, lang: string, cache: Map<string, string | null>): string | null {
  let f = cache.get(term);
  if (f === undefined) {
    f = feature(term, lang);
    if (cache.size > 200_000) cache.clear();
    cache.set(term, f);
  }
  return f;
}

/** A content word's stem, or null for words the model ignores (stop words, handles, numbers). */
function feature(term: string, lang: string): string | null {
  if (term.length < 2 || term[0] === '@' || /^\d/.test(term) || isStopWord(term, lang as Lang | 'und')) return null;
  return stem(term, lang === 'fr' ? 'fr' : 'en');
}

/** Trains on labelled posts; with none (or one class only) the word model is neutral and cues decide. */
export function trainRumourModel(examples: readonly Example[]): RumourModel {
  const weights = new Map<string, number>();
  let prior = 0;
  const labels = new Set(examples.map((e) => e.rumour));
  if (labels.size === 2) {
    const bayes = new BayesClassifier(undefined, SMOOTHING);
    for (const e of examples) bayes.addDocument(features('', e.text, e.lang ?? 'und'), e.rumour ? RUMOUR : NOT);
    bayes.train();
    const { classFeatures, classTotals, smoothing } = bayes.classifier;
    const totalR = Math.log(classTotals[RUMOUR]);
    const totalN = Math.log(classTotals[NOT]);
    prior = totalR - totalN;
    let i = 0;
    for (const stemmed of Object.keys(bayes.features)) {
      const r = Math.log(classFeatures[RUMOUR][i] || smoothing) - totalR;
      const n = Math.log(classFeatures[NOT][i] || smoothing) - totalN;
      weights.set(stemmed, r - n);
      i++;
    }
  }
  const wordLogOdds = weights.size ? wordScorer(weights, prior) : () => 0;

  function scoreAnalysed(post: Analysed, lang: string): RumourVerdict {
    const cues = detectCuesIn(post.raw, post.folded);
    const raw = wordLogOdds(post.tokens, lang);
    const words = WORD_SCALE * Math.max(-WORD_BOUND, Math.min(WORD_BOUND, raw));
    let logit = BIAS + words;
    for (const c of cues) logit += c.weight;
    return { score: 1 / (1 + Math.exp(-logit)), words, cues };
  }

  return {
    examples: examples.length,
    score: (title, text, lang) => scoreAnalysed(analyseText(title ? `${title}\n${text}` : text), lang),
    scoreAnalysed,
    explainWords(title, text, lang, top = 6) {
      return features(title, text, lang)
        .map((s) => ({ stem: s, weight: weights.get(s) ?? 0 }))
        .filter((w) => w.weight !== 0)
        .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
        .slice(0, top);
    },
  };
}

/**
 * The word model's log-odds of a post: the prior plus the weight of each distinct feature, in
 * the order features first occur (the order the sum has always been rounded in). A feature the
 * model never learned weighs nothing and is skipped. Each term is mapped once, per language, to
 * the index of its feature among the learned ones (-1 for none), kept by term id (the claim
 * analysis has numbered the post's terms already), and features already counted in this post
 * are told by a stamp per index, so a post costs one array read per token and builds no set.
 */
function wordScorer(weights: ReadonlyMap<string, number>, prior: number): (tokens: readonly Token[], lang: string) => number {
  const index = new Map<string, number>();
  const weightOf = new Float64Array(weights.size);
  for (const [f, w] of weights) {
    weightOf[index.size] = w;
    index.set(f, index.size);
  }
  const termIndex = { en: new TermValues<number>(), fr: new TermValues<number>(), other: new TermValues<number>() };
  const counted = new Uint32Array(weights.size);
  let stamp = 0;
  return (tokens, lang) => {
    const key = lang === 'en' || lang === 'fr' ? lang : 'other';
    const cache = termIndex[key];
    if (++stamp === 0xffffffff) {
      counted.fill(0);
      stamp = 1;
    }
    const ids = termIds(tokens);
    let sum = prior;
    for (let t = 0; t < tokens.length; t++) {
      const id = ids[t];
      let i = id < 0 ? undefined : cache.get(id);
      if (i === undefined) {
        const f = feature(tokens[t].term, lang);
        i = f === null ? -1 : (index.get(f) ?? -1);
        if (id >= 0) cache.set(id, i);
      }
      if (i >= 0 && counted[i] !== stamp) {
        counted[i] = stamp;
        sum += weightOf[i];
      }
    }
    return sum;
  };
}

const seedSchema = z.strictObject({
  examples: z.array(z.strictObject({ lang: z.enum(['en', 'fr']), rumour: z.boolean(), text: z.string().min(1) })).min(1),
});

export const SEED_FILE = fileURLToPath(new URL('./seed.yaml', import.meta.url));

/** The labelled examples shipped with the project. */
export function loadSeed(file: string = SEED_FILE): Example[] {
  const parsed = seedSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return parsed.data.examples;
}

/** The seed set followed by what staff labelled: what the daemon, `classify` and `retrain` learn from. */
export function trainingExamples(staff: readonly Example[] = [], seedFile?: string): Example[] {
  return [...loadSeed(seedFile), ...staff];
}

/**
 * Accuracy of the whole score (words and cues, at `threshold`) on examples it did not learn
 * from, by k-fold cross-validation over an interleaved split so every fold sees both classes.
 */
export function crossValidate(examples: readonly Example[], threshold: number, folds = 5): { accuracy: number; n: number } {
  const k = Math.max(2, Math.min(folds, examples.length));
  let right = 0;
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => i % k !== f);
    const model = trainRumourModel(train);
    examples.forEach((e, i) => {
      if (i % k !== f) return;
      if (model.score('', e.text, e.lang ?? 'und').score >= threshold === e.rumour) right++;
    });
  }
  return { accuracy: examples.length ? right / examples.length : 0, n: examples.length };
}
