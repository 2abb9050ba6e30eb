import type { Lang } from './text.ts';

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
  match(item: ItemText): TopicHit[];
}
