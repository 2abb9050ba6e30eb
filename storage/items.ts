/** Queries of the ingest path: finding an item already seen, and storing a new one with its verdict. */
import type { Statement } from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import type { Db, Writer } from './db.ts';
import { items, matches } from './schema/items.ts';

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
 * rebuilding the SQL each time would cost more than the lookups and writes themselves. They
 * are plain SQLite statements on the store's connection: the caller's transaction (`tx`) is open on
 * that same connection, so they commit or roll back with it.
 */
export function itemStore(db: Db) {
  const client = db.$client;
  const bySighting = client.prepare('select item_id from sightings where source_id = ? and external_id = ?').pluck();
  const byUrl = client.prepare('select id from items where canonical_url = ? limit 1').pluck();
  const byHash = client.prepare('select id from items where content_hash = ? limit 1').pluck();
  const insertItemStmt = client.prepare(
    `insert into items (source_id, external_id, url, canonical_url, title, text, author, published_at, fetched_at, lang, content_hash,
                        rumour_score, flagged, flag_reasons, claim_id, claim_score)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSighting = client.prepare('insert into sightings (source_id, external_id, item_id, first_seen_at) values (?, ?, ?, ?) on conflict do nothing');
  const insertEngagement = client.prepare('insert into engagement (item_id, at, reposts, replies, likes, quotes) values (?, ?, ?, ?, ?, ?)');
  // One statement per item whatever its number of matches, prepared once per number of rows.
  const insertMatches = new Map<number, Statement>();
  const matchesStatement = (n: number): Statement => {
    let stmt = insertMatches.get(n);
    if (!stmt) {
      const rows = Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ');
      stmt = client.prepare(`insert into matches (item_id, kind, rule_id, score) values ${rows} on conflict do nothing`);
      insertMatches.set(n, stmt);
    }
    return stmt;
  };

  return {
    findSighting(sourceId: string, externalId: string): number | undefined {
      return bySighting.get(sourceId, externalId) as number | undefined;
    },
    findByCanonicalUrl(url: string): number | undefined {
      return byUrl.get(url) as number | undefined;
    },
    findByContentHash(hash: string): number | undefined {
      return byHash.get(hash) as number | undefined;
    },
    insertItem(_tx: Writer, row: NewItem): number {
      // The schema's defaults, which a plain statement does not apply for a bound null.
      return Number(
        insertItemStmt.run(
          row.sourceId,
          row.externalId,
          row.url ?? null,
          row.canonicalUrl ?? null,
          row.title ?? '',
          row.text ?? '',
          row.author ?? null,
          row.publishedAt ?? null,
          row.fetchedAt,
          row.lang ?? 'und',
          row.contentHash,
          row.rumourScore ?? null,
          row.flagged ? 1 : 0,
          row.flagReasons ?? null,
          row.claimId ?? null,
          row.claimScore ?? null,
        ).lastInsertRowid,
      );
    },
    addSighting(_tx: Writer, sourceId: string, externalId: string, itemId: number, at: number): void {
      insertSighting.run(sourceId, externalId, itemId, at);
    },
    addMatches(_tx: Writer, rows: MatchRow[]): void {
      if (rows.length) matchesStatement(rows.length).run(rows.flatMap((r) => [r.itemId, r.kind, r.ruleId, r.score]));
    },
    addEngagement(_tx: Writer, itemId: number, at: number, counts: EngagementCounts): void {
      insertEngagement.run(itemId, at, counts.reposts, counts.replies, counts.likes, counts.quotes);
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
