/**
 * Combines the matchers into one verdict per item: language first (every other matcher depends
 * on it), then topics, known claims and rumour cues, then the flag with its reasons.
 *
 * An item is flagged when it carries a known claim, or when its rumour score passes the
 * threshold on a rule marked for alerts. A post refuting a claim is about the claim but is no
 * rumour: it is never flagged.
 */
import { loadClaims, type Claim } from './claims/load.ts';
import { createClaimMatcher, type ClaimMatch, type ClaimMatcher } from './claims/matcher.ts';
import type { RuleError } from './errors.ts';
import { detectLanguage } from './language.ts';
import { loadRules, type CompiledRule } from './loader.ts';
import { analyseText, joinAnalysed, textLang } from './text.ts';
import { trainRumourModel, trainingExamples, type Example, type RumourModel } from './rumour/model.ts';
import { createTopicMatcher, type TopicExplainer } from './topics.ts';
import type { Classification, Classifier, ClassifyInput, TopicHit, TopicMatcher } from './types.ts';

export interface ClassifierParts {
  languages: readonly string[];
  topics: TopicMatcher;
  claims?: ClaimMatcher;
  rumour?: RumourModel;
  /** Rumour score from which a post on an alert rule is flagged. */
  rumourThreshold?: number;
}

export const DEFAULT_RUMOUR_THRESHOLD = 0.6;

const NO_CLAIM: ClaimMatch = { claim: null, candidates: [], stance: null };

export function createClassifier(parts: ClassifierParts): Classifier {
  const threshold = parts.rumourThreshold ?? DEFAULT_RUMOUR_THRESHOLD;
  return {
    classify(input: ClassifyInput): Classification {
      // Each field is folded and tokenised once here, and every matcher reads the result.
      const title = analyseText(input.title);
      const text = analyseText(input.text);
      // Language reads `title\ntext` even when the title is empty, as it always has.
      const whole = joinAnalysed(title, text);
      const lang = detectLanguage(whole, input.langHint, { languages: parts.languages });
      const itemLang = textLang(lang);
      const post = input.title ? whole : text;
      const tokens = { title: title.tokens, text: text.tokens, author: input.author ? analyseText(input.author).tokens : null };
      const topics = parts.topics.match({ title: input.title, text: input.text, author: input.author, source: input.source, lang: itemLang }, tokens);
      const claim = parts.claims ? parts.claims.matchAnalysed(post, itemLang) : NO_CLAIM;
      const rumour = parts.rumour ? parts.rumour.scoreAnalysed(post, lang) : null;
      const rumourScore = rumour ? Math.round(rumour.score * 1000) / 1000 : 0;
      const reasons = flagReasons(claim, rumourScore, threshold, topics, rumour?.cues.map((c) => c.kind) ?? []);
      return {
        lang,
        topics,
        claim: claim.claim,
        claimCandidates: claim.candidates,
        stance: claim.stance,
        rumourScore,
        flagged: reasons.length > 0,
        reasons,
      };
    },
  };
}

/** Why an item is flagged, one sentence per reason; empty when it is not. */
export function flagReasons(claim: ClaimMatch, rumourScore: number, threshold: number, topics: TopicHit[], cues: string[]): string[] {
  if (claim.stance === 'refutes') return [];
  const reasons: string[] = [];
  if (claim.claim) reasons.push(`matches known claim ${claim.claim.id} (score ${claim.claim.score.toFixed(2)}: ${claim.claim.terms.join(', ')})`);
  if (rumourScore >= threshold) {
    const alerts = topics.filter((t) => t.trigger === 'alert').map((t) => t.ruleId);
    if (alerts.length) {
      const why = cues.length ? `; cues: ${[...new Set(cues)].join(', ')}` : '';
      reasons.push(`rumour score ${rumourScore.toFixed(2)} ≥ ${threshold.toFixed(2)} on alert rule ${alerts.join(', ')}${why}`);
    }
  }
  return reasons;
}

/** What staff taught: rumour labels, and item texts confirmed as carrying a claim. */
export interface StaffTeaching {
  rumour: Example[];
  claimVariants: { claimId: string; text: string }[];
}

export interface ClassifierSources {
  rules: string;
  claims?: string;
  languages: readonly string[];
  rumourThreshold?: number;
  staff?: StaffTeaching;
}

export type LoadedClassifier =
  | {
      ok: true;
      classifier: Classifier;
      rules: CompiledRule[];
      claims: Claim[];
      topics: TopicExplainer;
      claimMatcher?: ClaimMatcher;
      model: RumourModel;
      rumourThreshold: number;
    }
  | { ok: false; errors: RuleError[] };

/**
 * Everything from files and labels: the rules folder, the claims file with the variants staff
 * confirmed, and a rumour model trained on the seed set plus staff labels. The daemon, `classify`
 * and `rules explain` all build their classifier here, so they judge alike.
 */
export function loadClassifier(src: ClassifierSources): LoadedClassifier {
  const loaded = loadRules(src.rules);
  const claimsLoaded = src.claims ? loadClaims(src.claims) : { claims: [], errors: [] };
  const errors = [...loaded.errors, ...claimsLoaded.errors];
  if (errors.length) return { ok: false, errors };
  const claims = withVariants(claimsLoaded.claims, src.staff?.claimVariants ?? []);
  const model = trainRumourModel(trainingExamples(src.staff?.rumour ?? []));
  const topics = createTopicMatcher(loaded.rules);
  const claimMatcher = claims.length ? createClaimMatcher(claims) : undefined;
  const rumourThreshold = src.rumourThreshold ?? DEFAULT_RUMOUR_THRESHOLD;
  const classifier = createClassifier({ languages: src.languages, topics, claims: claimMatcher, rumour: model, rumourThreshold });
  return { ok: true, classifier, rules: loaded.rules, claims, topics, claimMatcher, model, rumourThreshold };
}

/** Claims with the texts staff confirmed added as variants; labels naming an unknown claim are left out. */
export function withVariants(claims: readonly Claim[], variants: readonly { claimId: string; text: string }[]): Claim[] {
  if (!variants.length) return [...claims];
  return claims.map((c) => {
    const extra = variants.filter((v) => v.claimId === c.id && !c.variants.includes(v.text)).map((v) => v.text);
    return extra.length ? { ...c, variants: [...c.variants, ...extra] } : c;
  });
}
