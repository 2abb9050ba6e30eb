import type { Lang, Token } from './text.ts';

/** What the matchers see of an item. */
export interface ItemText {
  title: string;
  text: string;
  author?: string | null;
  source: string;
  lang: Lang | 'und';
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface TopicHit {
  ruleId: string;
  score: number;
  trigger: 'digest' | 'alert';
  severity: Severity;
  /** The query terms that matched, for explanations. */
  terms: string[];
}

export interface TopicMatcher {
  /** `tokens`: the item's fields as tokenize() gives them, when the caller has them already. */
  match(item: ItemText, tokens?: ItemTokens): TopicHit[];
}

export interface ItemTokens {
  title: readonly Token[];
  text: readonly Token[];
  author: readonly Token[] | null;
}

export interface ClaimHit {
  id: string;
  score: number;
  /** The terms that carried the match, for explanations. */
  terms: string[];
}

/** The full verdict on one item, as stored and as printed by `veille classify`. */
export interface Classification {
  lang: string;
  topics: TopicHit[];
  claim: ClaimHit | null;
  claimCandidates: { id: string; score: number }[];
  /** A refutation is about a claim but is not a rumour. */
  stance: 'refutes' | 'spreads' | null;
  rumourScore: number;
  flagged: boolean;
  reasons: string[];
}

/** What a classifier needs of an item: the source's language is only a hint. */
export interface ClassifyInput {
  title: string;
  text: string;
  author?: string | null;
  source: string;
  langHint?: string;
}

export interface Classifier {
  classify(input: ClassifyInput): Classification;
}
