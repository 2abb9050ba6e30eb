/**
 * Queueing a flagged item's alert, grouped so that staff are not flooded: the first item of a claim,
 * rule or burst opens a group and an alert that goes out at once (with every item flagged alongside
 * it before it leaves); later items within the cool-down gather into one follow-up per window,
 * threaded under the first alert. Runs inside the ingest transaction, so the flag and its alert
 * commit together, and every decision depends only on stored rows and event times: replaying the
 * same events gives the same groups and the same Message-IDs.
 */
import { createHash } from 'node:crypto';
import { parseDuration, type Config } from '../../daemon/config.ts';
import type { Severity } from '../../rules/types.ts';
import type { Db } from '../../storage/db.ts';
import { outboxQueueStore, type AlertKind } from '../../storage/outbox.ts';
import { maxSeverity, routesFor, type AlertsConfig } from './route.ts';

export interface AlertEvent {
  kind: AlertKind;
  /** Claim id, rule id or burst key. */
  key: string;
  itemId: number;
  severity: Severity;
  /** Why the item was flagged (rule, claim and score, cues), shown in the mail. */
  reasons: string[];
  /** Epoch ms; the item's ingestion time. */
  at: number;
}

export interface QueueResult {
  /** False when no route has recipients, or the item was already in its group. */
  queued: boolean;
  groupId?: number;
  outboxIds: number[];
}

export interface AlertTimings {
  window: number;
  cooldown: number;
  retryBase: number;
  retryMax: number;
  giveUpAfter: number;
  every: number;
}

/** The `alerts` durations in milliseconds (the config schema has already validated them). */
export function alertTimings(alerts: AlertsConfig): AlertTimings {
  const ms = (s: string) => parseDuration(s) ?? 0;
  return {
    window: ms(alerts.window),
    cooldown: ms(alerts.cooldown),
    retryBase: ms(alerts.retry_base),
    retryMax: ms(alerts.retry_max),
    giveUpAfter: ms(alerts.give_up_after),
    every: ms(alerts.every),
  };
}

/**
 * Stable per group, route and follow-up number, so a resend after an unknown outcome carries the
 * same Message-ID and a mail client shows it once.
 */
export function alertMessageId(groupKey: string, windowStart: number, route: string, seq: number, from: string): string {
  const hash = createHash('sha256').update(`${groupKey}\n${windowStart}\n${route}\n${seq}`).digest('hex').slice(0, 32);
  const domain = from.split('@')[1] ?? 'localhost';
  return `<alert.${hash}.${seq}@${domain}>`;
}

export interface AlertQueue {
  /** Call inside the transaction that stores and flags the item. */
  queue(event: AlertEvent): QueueResult;
}

/** Prepares the queueing statements once; `queue` then costs a handful of indexed lookups. */
export function alertQueue(db: Db, config: Pick<Config, 'alerts' | 'from'>): AlertQueue {
  const store = outboxQueueStore(db);
  const { window, cooldown } = alertTimings(config.alerts);
  return {
    queue(event) {
      const key = `${event.kind}:${event.key}`;
      const routes = routesFor(key, config.alerts);
      if (!routes.length) return { queued: false, outboxIds: [] };

      let group = store.latestGroup(key);
      if (!group || event.at >= group.lastAt + cooldown) {
        const id = store.createGroup({ key, kind: event.kind, ref: event.key, at: event.at, itemId: event.itemId, severity: event.severity });
        group = { id, key, kind: event.kind, ref: event.key, windowStart: event.at, lastAt: event.at, count: 1, firstItemId: event.itemId, severity: event.severity };
        store.addGroupItem(id, event.itemId, event.at, event.reasons);
      } else {
        if (!store.addGroupItem(group.id, event.itemId, event.at, event.reasons)) return { queued: false, groupId: group.id, outboxIds: [] };
        store.updateGroup(group.id, { lastAt: Math.max(group.lastAt, event.at), count: group.count + 1, severity: maxSeverity(group.severity, event.severity) });
      }
      const { id: groupId, windowStart } = group;

      const outboxIds = routes.map((route) => {
        const last = store.latestMessage(groupId, route);
        // A message not yet handed to a sender takes the item; one that left (or is leaving) gets a follow-up.
        if (last && last.status === 'pending' && last.sendingUntil === null) {
          store.addMessageItem(last.id, event.itemId);
          const severity = maxSeverity(last.severity, event.severity);
          if (severity !== last.severity) store.setMessageSeverity(last.id, severity);
          return last.id;
        }
        const seq = last ? last.seq + 1 : 0;
        const id = store.createMessage({
          groupId,
          route,
          seq,
          messageId: alertMessageId(key, windowStart, route, seq, config.from),
          inReplyTo: seq ? store.rootMessageId(groupId, route) : null,
          severity: event.severity,
          createdAt: event.at,
          dueAt: seq ? event.at + window : event.at,
        });
        store.addMessageItem(id, event.itemId);
        return id;
      });
      return { queued: true, groupId, outboxIds };
    },
  };
}
