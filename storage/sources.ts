/** Per-source fetch state and health: what to send next time, and whether staff are blind. */
import { count, eq, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { items, sightings } from './schema/items.ts';
import { sources } from './schema/sources.ts';

export type SourceRow = typeof sources.$inferSelect;

export function ensureSource(db: Db, id: string, type: string): SourceRow {
  // Read first: a source is polled again and again, and a write here would be a commit of its own each time.
  const row = db.select().from(sources).where(eq(sources.id, id)).get();
  if (row?.type === type) return row;
  db.insert(sources).values({ id, type }).onConflictDoUpdate({ target: sources.id, set: { type } }).run();
  return db.select().from(sources).where(eq(sources.id, id)).get()!;
}

function monthKey(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** Reads used this calendar month (UTC), resetting when the month has changed. */
export function readsThisMonth(row: SourceRow, now: number): number {
  return row.readsMonth === monthKey(now) ? row.readsCount : 0;
}

export interface SuccessUpdate {
  etag?: string | null;
  lastModified?: string | null;
  cursor?: string | null;
  reads?: number;
}

export function recordSuccess(db: Db, row: SourceRow, update: SuccessUpdate, now: number): void {
  const month = monthKey(now);
  db.update(sources)
    .set({
      ...(update.etag !== undefined && { etag: update.etag }),
      ...(update.lastModified !== undefined && { lastModified: update.lastModified }),
      ...(update.cursor !== undefined && { cursor: update.cursor }),
      readsMonth: month,
      readsCount: readsThisMonth(row, now) + (update.reads ?? 0),
      lastAttemptAt: now,
      lastSuccessAt: now,
      consecutiveFailures: 0,
      failingSince: null,
      nextAttemptAt: null,
    })
    .where(eq(sources.id, row.id))
    .run();
}

export function recordFailure(db: Db, row: SourceRow, error: string, nextAttemptAt: number, now: number, reads = 0): void {
  db.update(sources)
    .set({
      lastAttemptAt: now,
      lastError: error,
      lastErrorAt: now,
      consecutiveFailures: row.consecutiveFailures + 1,
      failingSince: row.failingSince ?? now,
      nextAttemptAt,
      readsMonth: monthKey(now),
      readsCount: readsThisMonth(row, now) + reads,
    })
    .where(eq(sources.id, row.id))
    .run();
}

export interface SourceHealth extends SourceRow {
  /** Every item the source delivered, duplicates of other sources included. */
  items: number;
  itemsLast24h: number;
}

export function sourceHealth(db: Db, now: number): SourceHealth[] {
  const dayAgo = now - 86_400_000;
  const counts = db
    .select({
      sourceId: sightings.sourceId,
      items: count(),
      last24h: sql<number>`sum(case when ${sightings.firstSeenAt} >= ${dayAgo} then 1 else 0 end)`,
    })
    .from(sightings)
    .groupBy(sightings.sourceId)
    .all();
  const bySource = new Map(counts.map((c) => [c.sourceId, c]));
  return db
    .select()
    .from(sources)
    .orderBy(sources.id)
    .all()
    .map((row) => ({ ...row, items: bySource.get(row.id)?.items ?? 0, itemsLast24h: Number(bySource.get(row.id)?.last24h ?? 0) }));
}

export interface Totals {
  items: number;
  byLang: Record<string, number>;
  flagged: number;
}

export function itemTotals(db: Db): Totals {
  const byLang = db.select({ lang: items.lang, n: count() }).from(items).groupBy(items.lang).all();
  const flagged = db.select({ n: count() }).from(items).where(eq(items.flagged, true)).get()?.n ?? 0;
  return {
    items: byLang.reduce((sum, r) => sum + r.n, 0),
    byLang: Object.fromEntries(byLang.map((r) => [r.lang, r.n])),
    flagged,
  };
}
