/**
 * What an item counts towards: its story, the rules it matched, and each salient term or hashtag
 * it contains (stemmed, stop-words of both languages removed, each counted once per item). Terms
 * naming the institution itself count `watchWeight` of an item, since nearly every item names it.
 *
 *   const keys = new BurstKeys({ watchNames: ['ottawa police', 'spo'] });
 *   detector.observe({ itemId, at, keys: keys.of({ text, lang, storyId, ruleIds }) });
 */
import type { Lang } from '../text.ts';
import { contentTerms, watchTerms } from '../stories/terms.ts';

export type KeyKind = 'story' | 'rule' | 'term';

export interface KeyRef {
  kind: KeyKind;
  key: string;
}

export interface WeightedKey extends KeyRef {
  /** Share of an item this key counts for (1 unless down-weighted). */
  weight: number;
}

export interface BurstKeyOptions {
  watchNames: readonly string[];
  watchWeight: number;
}

export class BurstKeys {
  private readonly watch: Set<string>;
  private readonly watchWeight: number;

  constructor(opts: Partial<BurstKeyOptions> = {}) {
    this.watch = watchTerms(opts.watchNames ?? []);
    this.watchWeight = opts.watchWeight ?? 0.25;
  }

  /** `terms`: `contentTerms(text, lang)`, when the caller has them already. */
  of(item: { text: string; lang: Lang | 'und'; terms?: readonly string[]; storyId?: number | null; ruleIds?: readonly string[] }): WeightedKey[] {
    const out: WeightedKey[] = [];
    if (item.storyId != null) out.push({ kind: 'story', key: String(item.storyId), weight: 1 });
    for (const r of new Set(item.ruleIds ?? [])) out.push({ kind: 'rule', key: r, weight: 1 });
    for (const t of new Set(item.terms ?? contentTerms(item.text, item.lang))) {
      // Handles name who is talking or being replied to, not what about.
      if (t[0] === '@' && !this.watch.has(t)) continue;
      out.push({ kind: 'term', key: t, weight: this.watch.has(t) ? this.watchWeight : 1 });
    }
    return out;
  }
}

export function keyId(k: KeyRef): string {
  return `${k.kind}:${k.key}`;
}
