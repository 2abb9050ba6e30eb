/** Items flagged the way the store step flags them (item and alert in one transaction), for the alert tests. */
import { createHash } from 'node:crypto';
import { configSchema, type Config } from '../../daemon/config.ts';
import type { MailMessage, Mailer } from '../../notifiers/mailer.ts';
import { alertQueue, type AlertEvent, type QueueResult } from '../../notifiers/alerts/group.ts';
import type { Db } from '../../storage/db.ts';
import { itemStore, type EngagementCounts } from '../../storage/items.ts';

export type AlertTestConfig = Pick<Config, 'alerts' | 'admin' | 'timezone' | 'from' | 'smtp'>;

export function alertConfig(alerts: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): AlertTestConfig {
  return configSchema.parse({
    from: 'veille@example.org',
    admin: 'admin@example.org',
    timezone: 'America/Toronto',
    alerts: { to: ['duty@example.org'], ...alerts },
    ...extra,
  });
}

export interface TestItem {
  source?: string;
  title?: string;
  text?: string;
  author?: string;
  url?: string;
  engagement?: EngagementCounts;
}

let serial = 0;

/** Stores an item and queues its alert in one transaction, as the ingest pipeline does. */
export function flagItem(db: Db, config: Pick<Config, 'alerts' | 'from'>, item: TestItem, event: Omit<AlertEvent, 'itemId'>): { itemId: number } & QueueResult {
  const store = itemStore(db);
  const alerts = alertQueue(db, config);
  const source = item.source ?? 'city';
  const externalId = `x${++serial}`;
  return db.transaction((tx) => {
    const itemId = store.insertItem(tx, {
      sourceId: source,
      externalId,
      url: item.url ?? `https://news.example.org/${externalId}`,
      title: item.title ?? `Post ${externalId}`,
      text: item.text ?? '',
      author: item.author ?? null,
      fetchedAt: event.at,
      publishedAt: event.at,
      contentHash: createHash('sha1').update(externalId).digest('hex'),
      flagged: true,
    });
    store.addSighting(tx, source, externalId, itemId, event.at);
    if (item.engagement) store.addEngagement(tx, itemId, event.at, item.engagement);
    return { itemId, ...alerts.queue({ ...event, itemId }) };
  });
}

/** A mailer that keeps what it is given, for tests about content rather than transport. */
export function recordingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(msg) {
      sent.push(msg);
      return { messageId: msg.messageId ?? `<${sent.length}@test>`, response: '250 OK' };
    },
    close() {},
  };
}
