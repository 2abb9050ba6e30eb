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
import { analyseText, type Analysed, type Lang } from '../text.ts';
import { analyze, analyzeTokens, type Analysis } from './analyze.ts';
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
  const unseen = (opts.unseenWeight ?? UNSEEN_WEIGHT) * maxIdf;
  const unseenKnown = (opts.unseenKnownWeight ?? UNSEEN_KNOWN_WEIGHT) * maxIdf;
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
  // Scratch space for one match: accumulated dot products per wording, and the wordings touched.
  const dots = new Float64Array(docs.length);
  const touched: number[] = [];
  const claimTexts = claims.map((c) => [c.text.en, c.text.fr].filter((t): t is string => !!t));

  function matchAnalysed(analysed: Analysed, lang: Lang | 'und'): ClaimMatch {
    const post = analyzeTokens(analysed.raw, analysed.tokens, lang, lexicon);
    let postNorm2 = 0;
    for (const c of post.concepts.keys()) {
      const w = idf.get(c);
      postNorm2 += (w ?? (c.startsWith('w:') ? unseen : unseenKnown)) ** 2;
      if (w === undefined) continue;
      for (const d of postings.get(c)!) {
        if (dots[d] === 0) touched.push(d);
        dots[d] += w * w;
      }
    }
    const best = new Map<number, { score: number; doc: number }>();
    for (const d of touched) {
      const doc = docs[d];
      const raw = dots[d] / Math.sqrt(doc.norm2 * postNorm2);
      dots[d] = 0;
      // Agreement can only lower a score: skip it where the score is already too low.
      if (raw < candidateThreshold) continue;
      const score = raw * agreement(post, doc.analysis);
      const prev = best.get(doc.claim);
      if (!prev || score > prev.score) best.set(doc.claim, { score, doc: d });
    }
    touched.length = 0;
    // One shared idea is a topic, not a claim: a match, even a plausible one, needs two words.
    // Only the best few are reported, so the check stops once they are found.
    const ranked: [number, { score: number; doc: number }][] = [];
    for (const entry of [...best.entries()].sort((a, b) => b[1].score - a[1].score)) {
      if (ranked.length > MAX_CANDIDATES) break;
      if (entry[1].score >= candidateThreshold && shared(post, docs[entry[1].doc].analysis, common) >= 2) ranked.push(entry);
    }
    const top = ranked[0];
    const confident = top && top[1].score >= claimThreshold ? top : undefined;
    const claim = confident
      ? { id: claims[confident[0]].id, score: round(confident[1].score), terms: carriers(post, docs[confident[1].doc].analysis, idf) }
      : null;
    const candidates = ranked
      .filter((r) => r !== confident)
      .slice(0, MAX_CANDIDATES)
      .map(([c, b]) => ({ id: claims[c].id, score: round(b.score) }));
    const stance = top ? detectStance(analysed.raw, claimTexts[top[0]], analysed.folded) : null;
    return { claim, candidates, stance };
  }

  return {
    match: (text, lang, title) => matchAnalysed(analyseText(title ? `${title}\n${text}` : text), lang),
    matchAnalysed,
  };
}

function variantLang(text: string): Lang | 'und' {
  const l = detectLanguage(text, undefined, { languages: ['en', 'fr'], minLength: 1 });
  return l === 'en' || l === 'fr' ? l : 'und';
}

/** Multiplier below 1 when the post contradicts the wording on an amount, a time or a place. */
function agreement(post: Analysis, doc: Analysis): number {
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

/** Distinct words of the post behind the shared concepts that are not common to most claims. */
function shared(post: Analysis, doc: Analysis, common: Set<string>): number {
  const words = new Set<string>();
  for (const [c, surface] of post.concepts) if (doc.concepts.has(c) && !common.has(c)) words.add(surface);
  return words.size;
}

/** The post's words that carried the match, heaviest first. */
function carriers(post: Analysis, doc: Analysis, idf: Map<string, number>): string[] {
  return [...post.concepts.entries()]
    .filter(([c]) => doc.concepts.has(c))
    .sort((a, b) => idf.get(b[0])! - idf.get(a[0])!)
    .map(([, surface]) => surface);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
