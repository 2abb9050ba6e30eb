/**
 * Every query the digest needs. Times are epoch milliseconds. An item belongs to the moment it was
 * published, clamped to when it was fetched: a feed's backlog lands on its real days instead of
 * inflating today, and a post dated in the future cannot sit at the top of every digest.
 *
 * Lists show stories, not items: the items of one story in a list collapse into one entry, told by
 * the story's most engaged item, else its representative. Counts stay item counts.
 */
import { and, inArray, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db.ts';
import { digests } from './schema/digests.ts';
import { sources } from './schema/sources.ts';

export interface Window {
  from: number;
  to: number;
}

/**
 * An item as the digest shows it, with what ranks it (how many other sources carried it, its reach)
 * and what tells its story's size.
 */
export interface DigestItemRow {
  id: number;
  sourceId: string;
  /** The source's type (`rss`, `x`, `mastodon`), when the source is known. */
  sourceType: string | null;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  text: string;
  at: number;
  lang: string;
  flagReasons: string | null;
  claimId: string | null;
  otherSources: number;
  /** Sum of the latest engagement snapshot, 0 without one. */
  engagement: number;
  /** The latest engagement snapshot; all null when the source reports none. */
  reposts: number | null;
  replies: number | null;
  likes: number | null;
  quotes: number | null;
  storyId: number | null;
  /** Items in the story, all times; null for an item without a story. */
  storySize: number | null;
  /** Distinct sources of the story's items. */
  storySources: number | null;
}

export interface KeyCount {
  key: string;
  count: number;
}

export interface TopicKeyCount extends KeyCount {
  ruleId: string;
}

const DAY = 86_400_000;

/** Ids and effective times of the items in a window; the fetched_at bound lets the index do the work. */
function windowItems(w: Window): SQL {
  return sql`select id, at from (
    select id, min(coalesce(published_at, fetched_at), fetched_at) as at from items where fetched_at >= ${w.from}
  ) where at >= ${w.from} and at < ${w.to}`;
}

function itemRows(w: Window): SQL {
  return sql`select i.id as id, i.source_id as sourceId, src.type as sourceType, i.url as url, i.canonical_url as canonicalUrl,
      i.title as title, i.text as text, win.at as at, i.lang as lang, i.flag_reasons as flagReasons,
      i.claim_id as claimId,
      (select count(distinct s.source_id) from sightings s where s.item_id = i.id and s.source_id <> i.source_id) as otherSources,
      coalesce(e.reposts + e.replies + e.likes + e.quotes, 0) as engagement,
      e.reposts as reposts, e.replies as replies, e.likes as likes, e.quotes as quotes,
      si.story_id as storyId, st.size as storySize, json_array_length(st.sources) as storySources,
      st.representative_item_id = i.id as representative
    from (${windowItems(w)}) win join items i on i.id = win.id
    left join sources src on src.id = i.source_id
    left join engagement e on e.rowid = (select e2.rowid from engagement e2 where e2.item_id = i.id order by e2.at desc, e2.rowid desc limit 1)
    left join story_items si on si.item_id = i.id
    left join stories st on st.id = si.story_id`;
}

/** Bigger stories first, then wider spread, reach and recency. */
const ranking = sql`coalesce(storySize, 1) desc, otherSources desc, engagement desc, at desc, id desc`;

/**
 * One row per story (per `group`, e.g. per topic) among `rows`: the most engaged item, else the
 * representative, else the most carried and earliest. An item without a story stands for itself.
 */
function onePerStory(rows: SQL, group?: SQL): SQL {
  const by = group ? sql`${group}, ` : sql``;
  return sql`select * from (
      select r.*, row_number() over (
        partition by ${by}coalesce(r.storyId, -r.id)
        order by r.engagement desc, coalesce(r.representative, 0) desc, r.otherSources desc, r.at asc, r.id asc
      ) as pick from (${rows}) r
    ) where pick = 1`;
}

export function countItems(db: Db, w: Window): number {
  return db.get<{ n: number }>(sql`select count(*) as n from (${windowItems(w)})`).n;
}

export function countFlagged(db: Db, w: Window): number {
  return db.get<{ n: number }>(sql`select count(*) as n from (${windowItems(w)}) win join items i on i.id = win.id where i.flagged = 1`).n;
}

export function countByLanguage(db: Db, w: Window): KeyCount[] {
  return db.all<KeyCount>(sql`select i.lang as key, count(*) as count from (${windowItems(w)}) win join items i on i.id = win.id
    group by i.lang order by count desc, key`);
}

/** Distinct items each source delivered, counting an item carried by several sources once for each. */
export function countBySource(db: Db, w: Window): KeyCount[] {
  return db.all<KeyCount>(sql`select source_id as key, count(distinct item_id) as count from (
      select i.source_id, i.id as item_id from (${windowItems(w)}) win join items i on i.id = win.id
      union all
      select s.source_id, s.item_id from (${windowItems(w)}) win join sightings s on s.item_id = win.id
    ) group by source_id order by count desc, key`);
}

export function topicCounts(db: Db, w: Window): Map<string, number> {
  const rows = db.all<KeyCount>(sql`select m.rule_id as key, count(distinct m.item_id) as count
    from (${windowItems(w)}) win join matches m on m.item_id = win.id and m.kind = 'topic' group by m.rule_id`);
  return new Map(rows.map((r) => [r.key, r.count]));
}

/** Items per topic in each of `days` 24-hour buckets ending at `end`; bucket 0 is the most recent. */
export function topicDailyCounts(db: Db, end: number, days: number): { ruleId: string; bucket: number; count: number }[] {
  const w = { from: end - days * DAY, to: end };
  return db.all(sql`select m.rule_id as ruleId, cast((${end} - 1 - win.at) / ${DAY} as integer) as bucket, count(distinct m.item_id) as count
    from (${windowItems(w)}) win join matches m on m.item_id = win.id and m.kind = 'topic'
    group by m.rule_id, bucket`);
}

export function topicLanguageCounts(db: Db, w: Window): TopicKeyCount[] {
  return db.all<TopicKeyCount>(sql`select m.rule_id as ruleId, i.lang as key, count(distinct i.id) as count
    from (${windowItems(w)}) win join items i on i.id = win.id join matches m on m.item_id = i.id and m.kind = 'topic'
    group by m.rule_id, i.lang order by count desc, key`);
}

export function topicSourceCounts(db: Db, w: Window): TopicKeyCount[] {
  return db.all<TopicKeyCount>(sql`select m.rule_id as ruleId, d.source_id as key, count(distinct d.item_id) as count from (
      select i.source_id, i.id as item_id from (${windowItems(w)}) win join items i on i.id = win.id
      union all
      select s.source_id, s.item_id from (${windowItems(w)}) win join sightings s on s.item_id = win.id
    ) d join matches m on m.item_id = d.item_id and m.kind = 'topic'
    group by m.rule_id, d.source_id order by count desc, key`);
}

/** The `limit` best-ranked stories of every topic. */
export function topTopicItems(db: Db, w: Window, limit: number): (DigestItemRow & { ruleId: string })[] {
  const rows = sql`select r.*, m.rule_id as ruleId from (${itemRows(w)}) r join matches m on m.item_id = r.id and m.kind = 'topic'`;
  return db.all(sql`select * from (
      select s.*, row_number() over (partition by s.ruleId order by ${ranking}) as rank from (${onePerStory(rows, sql`r.ruleId`)}) s
    ) where rank <= ${limit} order by ruleId, rank`);
}

export function flaggedItems(db: Db, w: Window, limit: number): DigestItemRow[] {
  const rows = sql`select r.* from (${itemRows(w)}) r join items i on i.id = r.id where i.flagged = 1`;
  return db.all(sql`select * from (${onePerStory(rows)}) order by ${ranking} limit ${limit}`);
}

export function claimCounts(db: Db, w: Window): Map<string, number> {
  const rows = db.all<KeyCount>(sql`select i.claim_id as key, count(*) as count from (${windowItems(w)}) win join items i on i.id = win.id
    where i.claim_id is not null group by i.claim_id`);
  return new Map(rows.map((r) => [r.key, r.count]));
}

/** The `limit` best-ranked stories of every known claim. */
export function topClaimItems(db: Db, w: Window, limit: number): DigestItemRow[] {
  const rows = sql`select r.* from (${itemRows(w)}) r where r.claimId is not null`;
  return db.all(sql`select * from (
      select s.*, row_number() over (partition by s.claimId order by ${ranking}) as rank from (${onePerStory(rows, sql`r.claimId`)}) s
    ) where rank <= ${limit} order by claimId, rank`);
}

/** The stories of items given by id, whatever their time: another module decided they belong in the digest. */
export function itemsByIds(db: Db, ids: number[]): DigestItemRow[] {
  if (!ids.length) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const rows = sql`select r.* from (${itemRows({ from: 0, to: Number.MAX_SAFE_INTEGER })}) r where r.id in (${list})`;
  return db.all(sql`select * from (${onePerStory(rows)}) order by ${ranking}`);
}

export interface FailingSourceRow {
  id: string;
  type: string;
  failingSince: number;
  lastSuccessAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** Sources that have been failing since `before` or earlier, longest first. */
export function failingSources(db: Db, before: number): FailingSourceRow[] {
  return db
    .select({
      id: sources.id,
      type: sources.type,
      failingSince: sql<number>`${sources.failingSince}`,
      lastSuccessAt: sources.lastSuccessAt,
      lastError: sources.lastError,
      consecutiveFailures: sources.consecutiveFailures,
    })
    .from(sources)
    .where(and(isNotNull(sources.failingSince), lte(sources.failingSince, before)))
    .orderBy(sources.failingSince, sources.id)
    .all();
}

export function sourceRows(db: Db, ids: string[]): (typeof sources.$inferSelect)[] {
  if (!ids.length) return [];
  return db.select().from(sources).where(inArray(sources.id, ids)).all();
}

export function recordDigest(db: Db, row: typeof digests.$inferInsert): void {
  db.insert(digests).values(row).run();
}

export function sentDigests(db: Db): (typeof digests.$inferSelect)[] {
  return db.select().from(digests).orderBy(digests.id).all();
}
