/**
 * Decides which flagged items and bursts become instant alerts, and queues them in the outbox
 * inside the ingest transaction (so an item is never flagged without its alert queued).
 */
import type { Config } from '../config.ts';
import { alertQueue } from '../../notifiers/alerts/group.ts';
import type { Db } from '../../storage/db.ts';
import type { Severity } from '../../rules/types.ts';
import type { BurstEvents } from './emerging.ts';
import type { NewItemHook } from './ingest.ts';

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** A known false claim spreading is what staff most need to hear about at once. */
const CLAIM_SEVERITY: Severity = 'high';

/** Rules as the alerting step needs them: whether they ask for alerts, and how urgent they are. */
export type RuleTriggers = ReadonlyMap<string, { trigger: 'digest' | 'alert'; severity: Severity }>;

export function alerting(db: Db, config: Pick<Config, 'alerts' | 'from' | 'emerging'>, rules: () => RuleTriggers) {
  const queue = alertQueue(db, config);

  /** A flagged item alerts for its claim, or else for the most severe alert rule it matched. */
  const hook: NewItemHook = (_tx, stored) => {
    const v = stored.verdict;
    if (!v.flagged) return;
    if (v.claim) {
      queue.queue({ kind: 'claim', key: v.claim.id, itemId: stored.id, severity: CLAIM_SEVERITY, reasons: v.reasons, at: stored.at });
      return;
    }
    const rule = v.topics.filter((t) => t.trigger === 'alert').sort((a, b) => RANK[b.severity] - RANK[a.severity])[0];
    if (rule) queue.queue({ kind: 'rule', key: rule.ruleId, itemId: stored.id, severity: rule.severity, reasons: v.reasons, at: stored.at });
  };

  /** A burst of talk about a watched rule alerts with its first items; other bursts go to the digest. */
  function bursts(events: BurstEvents, now: number): void {
    const watched = rules();
    db.transaction(() => {
      for (const b of events.flagged) {
        const rule = b.kind === 'rule' ? watched.get(b.key) : undefined;
        if (!rule || (rule.trigger !== 'alert' && !config.emerging.alert_all_rules)) continue;
        const reasons = [`burst: ${Math.round(b.count)} items in ${Math.round(b.windowMs / 60_000)} min against ${b.baseline.toFixed(1)} usually (score ${b.score.toFixed(1)})`];
        for (const itemId of b.itemIds.slice(0, 10)) queue.queue({ kind: 'burst', key: `${b.kind}:${b.key}`, itemId, severity: rule.severity, reasons, at: now });
      }
    });
  }

  return { hook, bursts };
}
