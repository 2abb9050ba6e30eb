/**
 * Queries of `veille rules test`: stored items streamed newest first (one row in memory at a
 * time, however many are stored), the topic matches recorded when they were ingested, and the
 * staff labels that give a rule's precision. Also the bulk load that fills a database with
 * items to back-test on, for the benchmark's million.
 */
import Database from 'better-sqlite3';
import { and, count, desc, eq, gt, gte, lte, max, min, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from './db.ts';
import { items, matches } from './schema/items.ts';
import type { NewItem } from './items.ts';
import { labels } from './schema/labels.ts';

/** What a back-test reads of an item: what the topic matcher sees, plus its id for samples. */
export interface BacktestItem {
  id: number;
  sourceId: string;
  title: string;
  text: string;
  author: string | null;
  lang: string;
}

/** `since` is epoch ms on the ingestion time; null reads every stored item. */
function sinceFilter(since: number | null) {
  return since === null ? undefined : gte(items.fetchedAt, since);
}

/** Item ids above `above` and up to `upTo`: a share of a back-test. */
export interface IdRange {
  above: number;
  upTo: number;
}

/** The lowest and highest id of the items ingested since `since`, or null when there are none. */
export function itemIdBounds(db: Db, since: number | null): { min: number; max: number } | null {
  // One aggregate per statement: SQLite answers a lone min() or max() of the id from the end of
  // the table, but both in one SELECT read every row (a fifth of a second at a million items).
  const lo = db.select({ id: min(items.id) }).from(items).where(sinceFilter(since)).get()?.id;
  const hi = db.select({ id: max(items.id) }).from(items).where(sinceFilter(since)).get()?.id;
  return lo == null || hi == null ? null : { min: lo, max: hi };
}

/**
 * The database opened again, read-only and without migrating, for a thread that reads its share
 * of the items while other threads read others. Pages are read through a memory map (as far as
 * SQLite allows, 2 GB): each row then costs no copy into SQLite's page cache. The pages a run
 * reads count in the process's resident size, but they are the file's own pages, shared with
 * the system's file cache and given back under memory pressure, not memory the process holds.
 */
export function openReader(file: string): Db {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`mmap_size = ${2 ** 40}`);
  return drizzle(sqlite) as Db;
}

export function countItemsSince(db: Db, since: number | null): number {
  return db.select({ n: count() }).from(items).where(sinceFilter(since)).get()?.n ?? 0;
}

/**
 * Item ids read per statement run: rows come a page at a time, each fetched in one call (a row at
 * a time through iterate() cost more), and a page small enough to be gone before the collector
 * would copy it as long-lived (pages of 256 cost more in collection than they saved).
 */
const PAGE_IDS = 64;

/**
 * Items ingested since `since` (and within `ids`), newest first. Rows come as arrays from a raw
 * statement, a page of ids at a time, and are turned into objects one by one, so a million items
 * cost no more memory than a page.
 */
export function* iterateItemsSince(db: Db, since: number | null, ids?: IdRange): Generator<BacktestItem> {
  const bounds = ids ?? idRange(itemIdBounds(db, since));
  if (!bounds) return;
  const query = db
    .select({ id: items.id, sourceId: items.sourceId, title: items.title, text: items.text, author: items.author, lang: items.lang })
    .from(items)
    .where(and(sinceFilter(since), gt(items.id, sql.placeholder('above')), lte(items.id, sql.placeholder('upTo'))))
    .orderBy(desc(items.id))
    .prepare();
  const page = { above: 0, upTo: 0 };
  for (page.upTo = bounds.upTo; page.upTo > bounds.above; page.upTo = page.above) {
    page.above = Math.max(bounds.above, page.upTo - PAGE_IDS);
    for (const row of query.values(page) as [number, string, string, string, string | null, string][]) {
      yield { id: row[0], sourceId: row[1], title: row[2], text: row[3], author: row[4], lang: row[5] };
    }
  }
}

/** Every id from the lowest to the highest, or null for none. */
function idRange(b: { min: number; max: number } | null): IdRange | null {
  return b && { above: b.min - 1, upTo: b.max };
}

/** Topic matches recorded at ingestion, per rule id, for items ingested since `since`. */
export function storedTopicCounts(db: Db, since: number | null): Map<string, number> {
  const rows = db
    .select({ ruleId: matches.ruleId, n: count() })
    .from(matches)
    .innerJoin(items, eq(items.id, matches.itemId))
    .where(and(eq(matches.kind, 'topic'), sinceFilter(since)))
    .groupBy(matches.ruleId)
    .all();
  return new Map(rows.map((r) => [r.ruleId, r.n]));
}

/** Staff judgement of one item, as far as it tells whether a match was worth having. */
export interface ItemLabel {
  rumour?: 'rumour' | 'not-rumour';
  claim?: string;
}

/** Every labelled item; labels are made by hand, so there are few enough to hold. */
export function itemLabels(db: Db): Map<number, ItemLabel> {
  const out = new Map<number, ItemLabel>();
  for (const r of db.select({ itemId: labels.itemId, kind: labels.kind, value: labels.value }).from(labels).all()) {
    const label = out.get(r.itemId) ?? {};
    if (r.kind === 'claim') label.claim = r.value;
    else if (r.value === 'rumour' || r.value === 'not-rumour') label.rumour = r.value;
    out.set(r.itemId, label);
  }
  return out;
}

/** Rows per INSERT: well under SQLite's limit of 32,766 bound values at 17 columns a row. */
const BULK_ROWS = 500;

/** Stores items as they are, in one transaction, without the ingest path's dedupe and matching. */
export function bulkInsertItems(db: Db, rows: NewItem[]): void {
  db.transaction((tx) => {
    for (let i = 0; i < rows.length; i += BULK_ROWS) tx.insert(items).values(rows.slice(i, i + BULK_ROWS)).run();
  });
}
