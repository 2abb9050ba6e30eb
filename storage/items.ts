/** Queries of the ingest path: finding an item already seen, and storing a new one with its verdict. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Writer } from './db.ts';
import { engagement, items, matches, sightings } from './schema/items.ts';

export type ItemRow = typeof items.$inferSelect;
export type NewItem = typeof items.$inferInsert;
export type MatchRow = typeof matches.$inferInsert;

export interface EngagementCounts {
  reposts: number;
  replies: number;
  likes: number;
  quotes: number;
}

/**
 * Prepared once per database, because ingest runs these for every item of every fetch and
 * rebuilding the SQL each time would cost more than the lookups themselves.
 */
export function itemStore(db: Db) {
  const bySighting = db
    .select({ itemId: sightings.itemId })
    .from(sightings)
    .where(and(eq(sightings.sourceId, sql.placeholder('source')), eq(sightings.externalId, sql.placeholder('ext'))))
    .prepare();
  const byUrl = db.select({ id: items.id }).from(items).where(eq(items.canonicalUrl, sql.placeholder('url'))).limit(1).prepare();
  const byHash = db.select({ id: items.id }).from(items).where(eq(items.contentHash, sql.placeholder('hash'))).limit(1).prepare();

  return {
    findSighting(sourceId: string, externalId: string): number | undefined {
      return bySighting.get({ source: sourceId, ext: externalId })?.itemId;
    },
    findByCanonicalUrl(url: string): number | undefined {
      return byUrl.get({ url })?.id;
    },
    findByContentHash(hash: string): number | undefined {
      return byHash.get({ hash })?.id;
    },
    insertItem(tx: Writer, row: NewItem): number {
      return tx.insert(items).values(row).returning({ id: items.id }).get().id;
    },
    addSighting(tx: Writer, sourceId: string, externalId: string, itemId: number, at: number): void {
      tx.insert(sightings).values({ sourceId, externalId, itemId, firstSeenAt: at }).onConflictDoNothing().run();
    },
    addMatches(tx: Writer, rows: MatchRow[]): void {
      if (rows.length) tx.insert(matches).values(rows).onConflictDoNothing().run();
    },
    addEngagement(tx: Writer, itemId: number, at: number, counts: EngagementCounts): void {
      tx.insert(engagement).values({ itemId, at, ...counts }).run();
    },
  };
}

export type ItemStore = ReturnType<typeof itemStore>;

export function getItem(db: Db, id: number): ItemRow | undefined {
  return db.select().from(items).where(eq(items.id, id)).get();
}

/** The earliest time any stored item was published (or fetched), to size a window over all of them. */
export function earliestItemTime(db: Db): number | null {
  return db.select({ t: sql<number | null>`min(coalesce(${items.publishedAt}, ${items.fetchedAt}))` }).from(items).get()?.t ?? null;
}
