/**
 * Queries of the alert outbox: groups of flagged items, the messages that report them, and what the
 * sender and `veille outbox` read back. Queueing runs inside the ingest transaction, so an alert
 * commits or rolls back with the item that caused it.
 */
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Severity } from '../rules/types.ts';
import type { Db } from './db.ts';
import { alertGroupItems, alertGroups, outbox, outboxItems } from './schema/alerts.ts';
import { engagement, items, sightings } from './schema/items.ts';
import { stories, storyItems } from './schema/stories.ts';

export type AlertGroupRow = typeof alertGroups.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type AlertKind = AlertGroupRow['kind'];

// ---- queueing (inside the ingest transaction) ----

const ph = sql.placeholder;

/**
 * The writes of queueing, prepared once per database because they run for every flagged item
 * inside the ingest transaction. Better-sqlite3 has one connection, so these statements run inside
 * whatever transaction is open on it: call them from the transaction that flags the item.
 */
export function outboxQueueStore(db: Db) {
  const latestGroup = db.select().from(alertGroups).where(eq(alertGroups.key, ph('key'))).orderBy(desc(alertGroups.windowStart)).limit(1).prepare();
  const createGroup = db
    .insert(alertGroups)
    .values({
      key: ph('key'),
      kind: ph('kind'),
      ref: ph('ref'),
      windowStart: ph('at'),
      lastAt: ph('at'),
      count: 1,
      firstItemId: ph('itemId'),
      severity: ph('severity'),
    })
    .returning({ id: alertGroups.id })
    .prepare();
  const updateGroup = db
    .update(alertGroups)
    .set({ lastAt: sql`${ph('lastAt')}`, count: sql`${ph('count')}`, severity: sql`${ph('severity')}` })
    .where(eq(alertGroups.id, ph('id')))
    .prepare();
  const addGroupItem = db
    .insert(alertGroupItems)
    .values({ groupId: ph('groupId'), itemId: ph('itemId'), at: ph('at'), reasons: ph('reasons') })
    .onConflictDoNothing()
    .prepare();
  const latestMessage = db
    .select()
    .from(outbox)
    .where(and(eq(outbox.groupId, ph('groupId')), eq(outbox.route, ph('route'))))
    .orderBy(desc(outbox.seq))
    .limit(1)
    .prepare();
  const rootMessageId = db
    .select({ messageId: outbox.messageId })
    .from(outbox)
    .where(and(eq(outbox.groupId, ph('groupId')), eq(outbox.route, ph('route')), eq(outbox.seq, 0)))
    .prepare();
  const createMessage = db
    .insert(outbox)
    .values({
      groupId: ph('groupId'),
      route: ph('route'),
      seq: ph('seq'),
      messageId: ph('messageId'),
      inReplyTo: ph('inReplyTo'),
      severity: ph('severity'),
      createdAt: ph('createdAt'),
      dueAt: ph('dueAt'),
    })
    .returning({ id: outbox.id })
    .prepare();
  const addMessageItem = db
    .insert(outboxItems)
    .values({ outboxId: ph('outboxId'), itemId: ph('itemId') })
    .onConflictDoNothing()
    .prepare();
  const setMessageSeverity = db.update(outbox).set({ severity: sql`${ph('severity')}` }).where(eq(outbox.id, ph('id'))).prepare();

  return {
    latestGroup: (key: string): AlertGroupRow | undefined => latestGroup.get({ key }),
    createGroup: (g: { key: string; kind: AlertKind; ref: string; at: number; itemId: number; severity: Severity }): number => createGroup.get(g)!.id,
    updateGroup: (id: number, set: Pick<AlertGroupRow, 'lastAt' | 'count' | 'severity'>): void => void updateGroup.run({ id, ...set }),
    /** False when the item is already in the group (the same item flagged again is not news). */
    addGroupItem: (groupId: number, itemId: number, at: number, reasons: string[]): boolean =>
      addGroupItem.run({ groupId, itemId, at, reasons: JSON.stringify(reasons) }).changes > 0,
    /** The route's latest message for the group, which a new item joins if it has not gone out yet. */
    latestMessage: (groupId: number, route: string): OutboxRow | undefined => latestMessage.get({ groupId, route }),
    rootMessageId: (groupId: number, route: string): string | undefined => rootMessageId.get({ groupId, route })?.messageId,
    createMessage: (m: Pick<NewOutboxRow, 'groupId' | 'route' | 'seq' | 'messageId' | 'inReplyTo' | 'severity' | 'createdAt' | 'dueAt'>): number =>
      createMessage.get({ ...m, inReplyTo: m.inReplyTo ?? null })!.id,
    addMessageItem: (outboxId: number, itemId: number): void => void addMessageItem.run({ outboxId, itemId }),
    setMessageSeverity: (id: number, severity: Severity): void => void setMessageSeverity.run({ id, severity }),
  };
}

// ---- sending ----

/** Pending messages whose time has come; `force` takes every pending one at once (`--retry-now`). */
export function dueMessages(db: Db, now: number, force = false): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        force ? undefined : lte(outbox.dueAt, now),
        force ? undefined : or(isNull(outbox.nextAttemptAt), lte(outbox.nextAttemptAt, now)),
        or(isNull(outbox.sendingUntil), lte(outbox.sendingUntil, now)),
      ),
    )
    .orderBy(asc(outbox.dueAt), asc(outbox.id))
    .all();
}

/** Takes the message for one sender until `until`; false if another process holds it or it went out. */
export function claimMessage(db: Db, id: number, now: number, until: number): boolean {
  const res = db
    .update(outbox)
    .set({ sendingUntil: until })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending'), or(isNull(outbox.sendingUntil), lte(outbox.sendingUntil, now))))
    .run();
  return res.changes > 0;
}

export interface Delivery {
  now: number;
  recipients: string[];
  subject: string;
}

export function markSent(db: Db, id: number, d: Delivery & { smtpMessageId: string; response: string }): void {
  db.update(outbox)
    .set({
      status: 'sent',
      sentAt: d.now,
      smtpMessageId: d.smtpMessageId,
      smtpResponse: d.response,
      recipients: JSON.stringify(d.recipients),
      subject: d.subject,
      sendingUntil: null,
      nextAttemptAt: null,
    })
    .where(eq(outbox.id, id))
    .run();
}

export function markFailed(db: Db, id: number, d: Delivery & { error: string; nextAttemptAt: number }): void {
  db.update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      failingSince: sql`coalesce(${outbox.failingSince}, ${d.now})`,
      lastError: d.error,
      nextAttemptAt: d.nextAttemptAt,
      recipients: JSON.stringify(d.recipients),
      subject: d.subject,
      sendingUntil: null,
    })
    .where(eq(outbox.id, id))
    .run();
}

export function markDead(db: Db, id: number, now: number): void {
  db.update(outbox).set({ status: 'dead', deadAt: now, sendingUntil: null, nextAttemptAt: null }).where(eq(outbox.id, id)).run();
}

// ---- reading an alert back for its mail ----

export interface AlertItem {
  id: number;
  sourceId: string;
  url: string | null;
  title: string;
  text: string;
  author: string | null;
  publishedAt: number | null;
  fetchedAt: number;
  claimId: string | null;
  claimScore: number | null;
  rumourScore: number | null;
  /** Latest engagement snapshot, null when the source reports none. */
  engagement: { reposts: number; replies: number; likes: number; quotes: number } | null;
  /** The story the item tells, when other items tell it too. */
  story: { size: number; sources: number } | null;
  reasons: string[];
}

export interface AlertData {
  message: OutboxRow;
  group: AlertGroupRow;
  /** Every source that delivered an item of the group, duplicates included. */
  sources: string[];
  first: AlertItem;
  /** The group's item with the most engagement, when any item has engagement. */
  mostEngaged: AlertItem | null;
  /** Every item this message reports (all of the group for a first alert, the new ones for a follow-up), oldest first. */
  itemIds: number[];
  /** Details of the first `limit` of them. */
  items: AlertItem[];
}

const engagementTotal = sql<number>`(${engagement.reposts} + ${engagement.replies} + ${engagement.likes} + ${engagement.quotes})`;

/** Joins each item to its latest engagement row only. */
const latestEngagement = sql`${engagement.itemId} = ${items.id} and ${engagement.at} = (select max(e2.at) from engagement e2 where e2.item_id = ${items.id})`;

function itemsWithEngagement(db: Db, groupId: number, ids: number[]): AlertItem[] {
  if (!ids.length) return [];
  const rows = db
    .select({
      id: items.id,
      sourceId: items.sourceId,
      url: items.url,
      title: items.title,
      text: items.text,
      author: items.author,
      publishedAt: items.publishedAt,
      fetchedAt: items.fetchedAt,
      claimId: items.claimId,
      claimScore: items.claimScore,
      rumourScore: items.rumourScore,
      reposts: engagement.reposts,
      replies: engagement.replies,
      likes: engagement.likes,
      quotes: engagement.quotes,
      reasons: alertGroupItems.reasons,
      at: alertGroupItems.at,
      storySize: stories.size,
      storySources: stories.sources,
    })
    .from(items)
    .innerJoin(alertGroupItems, and(eq(alertGroupItems.itemId, items.id), eq(alertGroupItems.groupId, groupId)))
    .leftJoin(engagement, latestEngagement)
    .leftJoin(storyItems, eq(storyItems.itemId, items.id))
    .leftJoin(stories, eq(stories.id, storyItems.storyId))
    .where(inArray(items.id, ids))
    .orderBy(asc(alertGroupItems.at), asc(items.id))
    .all();
  // Two snapshots taken in the same millisecond would join twice: keep one per item.
  const seen = new Set<number>();
  return rows
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .map(({ reposts, replies, likes, quotes, reasons, at: _at, storySize, storySources, ...r }) => ({
      ...r,
      engagement: reposts === null ? null : { reposts, replies: replies ?? 0, likes: likes ?? 0, quotes: quotes ?? 0 },
      story: storySize !== null && storySize > 1 ? { size: storySize, sources: (JSON.parse(storySources ?? '[]') as string[]).length } : null,
      reasons: JSON.parse(reasons) as string[],
    }));
}

/** Everything an alert mail shows, read at send time so that it is as fresh as the database. */
export function loadAlert(db: Db, outboxId: number, limit: number): AlertData | undefined {
  const message = db.select().from(outbox).where(eq(outbox.id, outboxId)).get();
  if (!message) return undefined;
  const group = db.select().from(alertGroups).where(eq(alertGroups.id, message.groupId)).get();
  if (!group) return undefined;
  const messageIds = db
    .select({ itemId: outboxItems.itemId })
    .from(outboxItems)
    .innerJoin(alertGroupItems, and(eq(alertGroupItems.itemId, outboxItems.itemId), eq(alertGroupItems.groupId, group.id)))
    .where(eq(outboxItems.outboxId, outboxId))
    .orderBy(asc(alertGroupItems.at), asc(outboxItems.itemId))
    .all()
    .map((r) => r.itemId);
  const top = db
    .select({ itemId: alertGroupItems.itemId })
    .from(alertGroupItems)
    .innerJoin(items, eq(items.id, alertGroupItems.itemId))
    .innerJoin(engagement, latestEngagement)
    .where(eq(alertGroupItems.groupId, group.id))
    .orderBy(desc(engagementTotal), asc(alertGroupItems.at))
    .limit(1)
    .get();
  const sources = db
    .selectDistinct({ sourceId: sightings.sourceId })
    .from(sightings)
    .innerJoin(alertGroupItems, eq(alertGroupItems.itemId, sightings.itemId))
    .where(eq(alertGroupItems.groupId, group.id))
    .orderBy(asc(sightings.sourceId))
    .all()
    .map((r) => r.sourceId);
  const wanted = [...new Set([group.firstItemId, ...(top ? [top.itemId] : []), ...messageIds.slice(0, limit)])];
  const byId = new Map(itemsWithEngagement(db, group.id, wanted).map((i) => [i.id, i]));
  const first = byId.get(group.firstItemId);
  if (!first) return undefined;
  return {
    message,
    group,
    sources,
    first,
    mostEngaged: top ? (byId.get(top.itemId) ?? null) : null,
    itemIds: messageIds,
    items: messageIds.slice(0, limit).flatMap((id) => byId.get(id) ?? []),
  };
}

// ---- listing ----

export interface OutboxEntry extends OutboxRow {
  key: string;
  kind: AlertKind;
  ref: string;
  itemCount: number;
}

function entries(db: Db, where: ReturnType<typeof and>): OutboxEntry[] {
  return db
    .select({
      ...getTableColumns(outbox),
      key: alertGroups.key,
      kind: alertGroups.kind,
      ref: alertGroups.ref,
      itemCount: sql<number>`(select count(*) from ${outboxItems} where ${outboxItems.outboxId} = ${outbox.id})`,
    })
    .from(outbox)
    .innerJoin(alertGroups, eq(alertGroups.id, outbox.groupId))
    .where(where)
    .orderBy(asc(outbox.createdAt), asc(outbox.id))
    .all();
}

/** Pending (including failing) alerts, and those sent or given up on since `since`. */
export function listOutbox(db: Db, since: number): OutboxEntry[] {
  return entries(db, or(eq(outbox.status, 'pending'), and(isNotNull(outbox.sentAt), gte(outbox.sentAt, since)), and(isNotNull(outbox.deadAt), gte(outbox.deadAt, since))));
}

/** Alerts given up on since `ts`, for the digest and the admin report. */
export function deadAlertsSince(db: Db, ts: number): OutboxEntry[] {
  return entries(db, and(eq(outbox.status, 'dead'), gte(outbox.deadAt, ts)));
}
