/**
 * Matches an item to the closest known claim.
 *
 * Method: information retrieval in concept space. Claim texts and posts are reduced to concepts
 * (analyze.ts): words of both languages and their slang map through the bilingual lexicon to one
 * language-neutral id, other words to a truncated Porter stem, numbers and places to their own
 * ids. Each claim wording (its EN text, FR text and every staff-supplied variant) is a document;
 * concepts are weighted by BM25's inverse document frequency over the claims, so words every claim
 * shares ("police", "Ottawa") count little and distinctive ones ("cougar", "toll") much. A post
 * scores against a wording by the cosine of their IDF-weighted concept sets (binary term
 * frequency: claims are one sentence, and a post repeating a word in capitals is no closer), and
 * a claim takes the best of its wordings, which is how a French post meets a claim that has only
 * English text, and how staff teach the matcher phrasings it missed.
 *
 * Why cosine over concept sets rather than raw BM25 sums: a score bounded in [0, 1] with one
 * threshold works for a two-word post ("COUGAR IN KANATA") and a paragraph alike, and the claim
 * side's norm keeps long claims from winning by size. Words of the post that no claim uses still
 * lengthen the post side, at a reduced weight: a word the lexicon knows (a subject of its own,
 * "dispatchers", "schedule") is evidence the post is about something else and counts half; an
 * unknown word (chatter, a typo, slang the lexicon lacks) says little and counts a tenth.
 *
 * Agreement checks then lower the score when a post states a different amount or time, or names
 * a different area of the city, than the claim: same words, other story. And one shared idea is
 * a topic, not a claim: any match needs two distinct words of the post on concepts that at most
 * half of the claims use.
 *
 * Thresholds: 0.38 for a confident match (alert), 0.2 for a plausible one (digest).
 */
import { analyseText, textLang, type Analysed, type Lang } from '../text.ts';
import { analyze, newFeatures, readFeatures, type Analysis, type Concept, type Features } from './analyze.ts';
import { loadLexicon, type Lexicon } from './lexicon.ts';
import type { Claim } from './load.ts';
import { detectStance, type Stance } from './stance.ts';
import { detectLanguage } from '../language.ts';

export interface ClaimMatch {
  claim: { id: string; score: number; terms: string[] } | null;
  candidates: { id: string; score: number }[];
  stance: Stance | null;
}

export interface ClaimMatcherOptions {
  /** Score for a confident match, which raises an alert. */
  claimThreshold?: number;
  /** Score for a plausible match, listed for staff to confirm. */
  candidateThreshold?: number;
  lexicon?: Lexicon;
  /** Weight of a post's words that no claim uses, as a share of the rarest claim word's weight. */
  unseenWeight?: number;
  /** Same, for words the lexicon knows (a known subject no claim is about). */
  unseenKnownWeight?: number;
}

export interface ClaimMatcher {
  match(text: string, lang: Lang | 'und', title?: string): ClaimMatch;
  /** match() of a post already analysed: its title and text joined as `title\ntext`. */
  matchAnalysed(post: Analysed, lang: Lang | 'und'): ClaimMatch;
}

export const DEFAULT_CLAIM_THRESHOLD = 0.38;
export const DEFAULT_CANDIDATE_THRESHOLD = 0.2;
const MAX_CANDIDATES = 3;
// Weight of a post's concept that no claim uses, relative to the rarest claim concept.
const UNSEEN_WEIGHT = 0.1;
// Same for a concept of the lexicon.
const UNSEEN_KNOWN_WEIGHT = 0.5;
const DISAGREE_NUMBER = 0.4;
const DISAGREE_PLACE = 0.6;

interface Doc {
  claim: number;
  norm2: number;
  analysis: Analysis;
}

/** What the matcher knows of a concept a post may show. */
interface Weight {
  /** Added to the post's squared norm. */
  norm2: number;
  /** Set for a concept some claim uses. */
  indexed: Indexed | undefined;
}

interface Indexed {
  id: number;
  idf: number;
  /** idf², as the dot product adds it. */
  idf2: number;
  /** The wordings that use it, in order. */
  docs: Int32Array;
  /** Used by more than half of the claims. */
  common: boolean;
}

let sharedLexicon: Lexicon | undefined;

export function createClaimMatcher(claims: readonly Claim[], opts: ClaimMatcherOptions = {}): ClaimMatcher {
  const lexicon = opts.lexicon ?? (sharedLexicon ??= loadLexicon());
  const claimThreshold = opts.claimThreshold ?? DEFAULT_CLAIM_THRESHOLD;
  const candidateThreshold = opts.candidateThreshold ?? DEFAULT_CANDIDATE_THRESHOLD;

  const wordings = claims.map((c) => {
    const list: { text: string; lang: Lang | 'und' }[] = [];
    if (c.text.en) list.push({ text: c.text.en, lang: 'en' });
    if (c.text.fr) list.push({ text: c.text.fr, lang: 'fr' });
    for (const v of c.variants) list.push({ text: v, lang: variantLang(v) });
    return list.map((w) => analyze(w.text, w.lang, lexicon));
  });

  // Document frequency counts claims, not wordings: a claim with many variants is still one claim.
  const df = new Map<string, number>();
  for (const analyses of wordings) {
    const seen = new Set<string>();
    for (const a of analyses) for (const c of a.concepts.keys()) seen.add(c);
    for (const c of seen) df.set(c, (df.get(c) ?? 0) + 1);
  }
  const n = claims.length;
  const idf = new Map<string, number>();
  for (const [c, f] of df) idf.set(c, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  const maxIdf = Math.log(1 + (n + 0.5) / 0.5);
  const unseen: Weight = { norm2: ((opts.unseenWeight ?? UNSEEN_WEIGHT) * maxIdf) ** 2, indexed: undefined };
  const unseenKnown: Weight = { norm2: ((opts.unseenKnownWeight ?? UNSEEN_KNOWN_WEIGHT) * maxIdf) ** 2, indexed: undefined };
  // Concepts found in more than half of the claims do not count towards the two a match needs.
  const common = new Set([...df].filter(([, f]) => f > Math.max(1, n / 2)).map(([c]) => c));

  const docs: Doc[] = [];
  const postings = new Map<string, number[]>();
  wordings.forEach((analyses, claim) => {
    for (const analysis of analyses) {
      const d = docs.length;
      let norm2 = 0;
      for (const c of analysis.concepts.keys()) {
        norm2 += idf.get(c)! ** 2;
        let list = postings.get(c);
        if (!list) postings.set(c, (list = []));
        list.push(d);
      }
      docs.push({ claim, norm2, analysis });
    }
  });
  // Which concepts each wording uses, as one bit per concept (Indexed.id) in a row of words per
  // wording: a membership test is one array read.
  const rowWords = (postings.size + 31) >>> 5;
  const uses = new Int32Array(docs.length * rowWords);
  const index = new Map<string, Weight>();
  for (const [c, list] of postings) {
    const w = idf.get(c)!;
    const indexed: Indexed = { id: index.size, idf: w, idf2: w * w, docs: Int32Array.from(list), common: common.has(c) };
    for (const d of list) uses[d * rowWords + (indexed.id >>> 5)] |= 1 << (indexed.id & 31);
    index.set(c, { norm2: w ** 2, indexed });
  }
  const docUses = (d: number, id: number) => (uses[d * rowWords + (id >>> 5)] & (1 << (id & 31))) !== 0;
  // The same facts of each wording as typed arrays, for the loop over every wording a post touches.
  const docNorm2 = Float64Array.from(docs, (doc) => doc.norm2);
  const docNorm = docNorm2.map(Math.sqrt);
  // Which kinds of fact (amount, time, place) each wording states: agreement needs both sides to.
  const docStates = Uint8Array.from(docs, (doc) => statesOf(doc.analysis.numbers, doc.analysis.places));

  // What each concept of the analyses' vocabulary weighs here, by Concept id, filled as posts
  // show them: an array read per concept instead of a lookup by name. Emptied when the analyses
  // start a new vocabulary, whose ids mean other concepts.
  let weights: (Weight | undefined)[] = [];
  let vocabulary: object | undefined;
  const weightOf = (c: Concept): Weight => {
    let w = weights[c.id];
    if (w === undefined) {
      // Grown one by one, as a write far past the end would turn the array into a slow dictionary.
      while (weights.length <= c.id) weights.push(undefined);
      w = weights[c.id] = index.get(c.name) ?? (c.name.startsWith('w:') ? unseen : unseenKnown);
    }
    return w;
  };

  // Scratch space for one match, reused: the post's features, its concepts that some claim uses
  // (and the index of each in post.concepts), the accumulated dot product of each wording, the
  // wordings touched, and each claim's best wording so far (-1: none yet) with its score. The
  // lists are overwritten from the start with a count of the current post's entries, as
  // emptying an array (length = 0) drops its storage and costs a runtime call.
  const post = newFeatures();
  const postIndexed: Indexed[] = [];
  const postAt: number[] = [];
  let indexedCount = 0;
  const dots = new Float64Array(docs.length);
  const touched = new Int32Array(docs.length);
  const bestDoc = new Int32Array(claims.length).fill(-1);
  const bestScore = new Float64Array(claims.length);
  const claimsSeen: number[] = [];
  let seenCount = 0;
  const claimTexts = claims.map((c) => [c.text.en, c.text.fr].filter((t): t is string => !!t));

  /** Whether two distinct words of the post carry the concepts it shares with a wording, common ones aside. */
  function twoWordsShared(d: number): boolean {
    let first: string | undefined;
    for (let k = 0; k < indexedCount; k++) {
      const x = postIndexed[k];
      if (x.common || !docUses(d, x.id)) continue;
      const surface = post.surfaces[postAt[k]];
      if (first === undefined) first = surface;
      else if (surface !== first) return true;
    }
    return false;
  }

  /** The post's words that carried the match with a wording, heaviest first. */
  function carriers(d: number): string[] {
    const hits: number[] = [];
    for (let k = 0; k < indexedCount; k++) if (docUses(d, postIndexed[k].id)) hits.push(k);
    return hits.sort((a, b) => postIndexed[b].idf - postIndexed[a].idf).map((k) => post.surfaces[postAt[k]]);
  }

  function matchAnalysed(analysed: Analysed, lang: Lang | 'und'): ClaimMatch {
    readFeatures(post, analysed.raw, analysed.tokens, lang, lexicon);
    if (post.vocabulary !== vocabulary) {
      vocabulary = post.vocabulary;
      weights = [];
    }
    let postNorm2 = 0;
    let distinctive = 0;
    indexedCount = 0;
    for (let k = 0; k < post.count; k++) {
      const w = weightOf(post.concepts[k]);
      postNorm2 += w.norm2;
      const x = w.indexed;
      if (!x) continue;
      postIndexed[indexedCount] = x;
      postAt[indexedCount++] = k;
      if (!x.common) distinctive++;
    }
    // A match needs two words on concepts that are not common (see twoWordsShared): a post
    // without two such concepts matches nothing, whatever its scores.
    if (distinctive < 2) return { claim: null, candidates: [], stance: null };
    // The cosine's dot products, wording by wording, summed in the order of the post's concepts.
    let touchedCount = 0;
    for (let k = 0; k < indexedCount; k++) {
      const list = postIndexed[k].docs;
      const idf2 = postIndexed[k].idf2;
      for (let p = 0; p < list.length; p++) {
        const d = list[p];
        if (dots[d] === 0) touched[touchedCount++] = d;
        dots[d] += idf2;
      }
    }
    // Each claim keeps its best wording; claimsSeen lists the claims in the order they first
    // passed, which the stable ranking below keeps for equal scores. Most touched wordings share
    // a word or two and score far below the threshold: a bound with the norms' square roots,
    // taken at load, rules them out with a multiplication. Its margin covers the rounding of
    // sqrt(a)·sqrt(b) against sqrt(a·b), so no wording at the threshold is ruled out.
    const floor = candidateThreshold * Math.sqrt(postNorm2) * (1 - 1e-9);
    const postStates = statesOf(post.numbers, post.places);
    for (let k = 0; k < touchedCount; k++) {
      const d = touched[k];
      const dot = dots[d];
      dots[d] = 0;
      if (dot < floor * docNorm[d]) continue;
      const raw = dot / Math.sqrt(docNorm2[d] * postNorm2);
      // Agreement can only lower a score: skip it where the score is already too low.
      if (raw < candidateThreshold) continue;
      const doc = docs[d];
      // A wording and a post that never state the same kind of fact cannot disagree.
      const score = postStates & docStates[d] ? raw * agreement(post, doc.analysis) : raw;
      const c = doc.claim;
      if (bestDoc[c] < 0) claimsSeen[seenCount++] = c;
      else if (!(score > bestScore[c])) continue;
      bestDoc[c] = d;
      bestScore[c] = score;
    }
    rankByScore(claimsSeen, seenCount, bestScore);
    // One shared idea is a topic, not a claim: a match, even a plausible one, needs two words.
    // Only the best few are reported, so the check stops once they are found.
    const ranked: number[] = [];
    for (let k = 0; k < seenCount; k++) {
      const c = claimsSeen[k];
      if (ranked.length > MAX_CANDIDATES) break;
      if (bestScore[c] >= candidateThreshold && twoWordsShared(bestDoc[c])) ranked.push(c);
    }
    const top = ranked.length ? ranked[0] : -1;
    const confident = top >= 0 && bestScore[top] >= claimThreshold ? top : -1;
    const claim = confident >= 0 ? { id: claims[confident].id, score: round(bestScore[confident]), terms: carriers(bestDoc[confident]) } : null;
    const candidates: ClaimMatch['candidates'] = [];
    for (const c of ranked) {
      if (c !== confident && candidates.length < MAX_CANDIDATES) candidates.push({ id: claims[c].id, score: round(bestScore[c]) });
    }
    for (let k = 0; k < seenCount; k++) bestDoc[claimsSeen[k]] = -1;
    seenCount = 0;
    const stance = top >= 0 ? detectStance(analysed.raw, claimTexts[top], analysed.folded) : null;
    return { claim, candidates, stance };
  }

  return {
    match: (text, lang, title) => matchAnalysed(analyseText(title ? `${title}\n${text}` : text), lang),
    matchAnalysed,
  };
}

function variantLang(text: string): Lang | 'und' {
  return textLang(detectLanguage(text, undefined, { languages: ['en', 'fr'], minLength: 1 }));
}

/** One bit for each kind of fact that agreement compares and the text states. */
function statesOf(numbers: Analysis['numbers'], places: Set<string>): number {
  return (numbers.money.size ? 1 : 0) | (numbers.time.size ? 2 : 0) | (places.size ? 4 : 0);
}

/** Multiplier below 1 when the post contradicts the wording on an amount, a time or a place. */
function agreement(post: Features, doc: Analysis): number {
  let factor = 1;
  if (disagree(post.numbers.money, doc.numbers.money)) factor *= DISAGREE_NUMBER;
  if (disagree(post.numbers.time, doc.numbers.time)) factor *= DISAGREE_NUMBER;
  if (disagree(post.places, doc.places)) factor *= DISAGREE_PLACE;
  return factor;
}

/** Both sides state something of the kind, and nothing in common. */
function disagree<T>(a: Set<T>, b: Set<T>): boolean {
  if (!a.size || !b.size) return false;
  for (const v of a) if (b.has(v)) return false;
  return true;
}

/**
 * Sorts the first `count` claims of `list` by score, highest first, keeping the order of equal
 * scores (as a stable sort would): by insertion, as a post has a handful of candidates and a
 * comparator call costs more.
 */
function rankByScore(list: number[], count: number, score: Float64Array): void {
  for (let i = 1; i < count; i++) {
    const c = list[i];
    let j = i;
    for (; j > 0 && score[list[j - 1]] < score[c]; j--) list[j] = list[j - 1];
    list[j] = c;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
