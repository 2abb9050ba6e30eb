/**
 * Queries for stories and bursts.
 *
 *   saveStory(tx, story)  linkItem(tx, itemId, storyId)  recentStories(db, since) → Story[] for restore
 *   storyStore(db) → { saveStory(story), linkItem(itemId, storyId) } prepared once, for ingest
 * A story's signature is kept in two parts: its term counts in the story row, its MinHash
 * signatures in `story_minhashes`, written once each.
 *   saveBurst(tx, burst) → id (insert, or update the same burst's count)   endBurst(tx, burst, at)
 *   listBursts(db, since) → bursts flagged since then plus those still active   activeBursts(db)
 */
import { and, desc, eq, gte, or } from 'drizzle-orm';
import type { Burst } from '../rules/bursts/detector.ts';
import type { KeyRef } from '../rules/bursts/keys.ts';
import type { Story } from '../rules/stories/grouper.ts';
import type { Db, Writer } from './db.ts';
import { bursts, stories, storyItems, storyMinhashes } from './schema/stories.ts';

export type BurstRow = Omit<typeof bursts.$inferSelect, 'topItemIds' | 'relatedKeys'> & { topItemIds: number[]; relatedKeys: string[] };

export function saveStory(tx: Writer, s: Story): void {
  const row = storyRow(s);
  tx.insert(stories).values({ id: s.id, ...row }).onConflictDoUpdate({ target: stories.id, set: row }).run();
  const minhashes = s.signature.minhashes.map((minhash, seq) => ({ storyId: s.id, seq, minhash }));
  if (minhashes.length) tx.insert(storyMinhashes).values(minhashes).onConflictDoNothing().run();
}

/** An item keeps the first story it was given. */
export function linkItem(tx: Writer, itemId: number, storyId: number): void {
  tx.insert(storyItems).values({ itemId, storyId }).onConflictDoNothing().run();
}

function storyRow(s: Story) {
  return {
    representativeItemId: s.representativeId,
    size: s.size,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    sources: JSON.stringify(s.sources),
    langs: JSON.stringify(s.langs),
    terms: JSON.stringify(s.signature.terms),
  };
}

/**
 * `saveStory` and `linkItem` prepared once, for the ingest path that runs them for every item.
 * Plain statements on the database's connection: a caller's transaction is open on that same
 * connection, so they commit or roll back with it.
 */
export function storyStore(db: Db) {
  const upsert = db.$client.prepare(
    `insert into stories (id, representative_item_id, size, first_seen, last_seen, sources, langs, terms)
     values (@id, @representativeItemId, @size, @firstSeen, @lastSeen, @sources, @langs, @terms)
     on conflict (id) do update set representative_item_id = excluded.representative_item_id, size = excluded.size,
       first_seen = excluded.first_seen, last_seen = excluded.last_seen, sources = excluded.sources, langs = excluded.langs,
       terms = excluded.terms`,
  );
  // A story only appends signatures, so those numbered from the stored count on are the new ones.
  // Counted rather than remembered: a rolled-back batch must not leave them marked as stored.
  const minhashCount = db.$client.prepare('select count(*) from story_minhashes where story_id = ?').pluck();
  const addMinhash = db.$client.prepare('insert into story_minhashes (story_id, seq, minhash) values (?, ?, ?)');
  const link = db.$client.prepare('insert into story_items (item_id, story_id) values (?, ?) on conflict do nothing');
  return {
    saveStory(s: Story): void {
      upsert.run({ id: s.id, ...storyRow(s) });
      const { minhashes } = s.signature;
      for (let seq = minhashCount.get(s.id) as number; seq < minhashes.length; seq++) addMinhash.run(s.id, seq, minhashes[seq]);
    },
    linkItem(itemId: number, storyId: number): void {
      link.run(itemId, storyId);
    },
  };
}

export type StoryStore = ReturnType<typeof storyStore>;

export function storyOf(db: Db, itemId: number): number | undefined {
  return db.select({ id: storyItems.storyId }).from(storyItems).where(eq(storyItems.itemId, itemId)).get()?.id;
}

/** Stories seen since `since`, in the grouper's shape, to restore it on start. */
export function recentStories(db: Db, since: number): Story[] {
  const minhashes = new Map<number, string[]>();
  const stored = db
    .select({ storyId: storyMinhashes.storyId, minhash: storyMinhashes.minhash })
    .from(storyMinhashes)
    .innerJoin(stories, eq(stories.id, storyMinhashes.storyId))
    .where(gte(stories.lastSeen, since))
    .orderBy(storyMinhashes.storyId, storyMinhashes.seq)
    .all();
  for (const { storyId, minhash } of stored) {
    const list = minhashes.get(storyId);
    if (list) list.push(minhash);
    else minhashes.set(storyId, [minhash]);
  }
  return db
    .select()
    .from(stories)
    .where(gte(stories.lastSeen, since))
    .all()
    .map((r) => ({
      id: r.id,
      representativeId: r.representativeItemId,
      size: r.size,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      sources: JSON.parse(r.sources) as string[],
      langs: JSON.parse(r.langs) as string[],
      signature: { minhashes: minhashes.get(r.id) ?? [], terms: JSON.parse(r.terms) as Story['signature']['terms'] },
    }));
}

/** Records a newly flagged burst, or refreshes the figures of one already stored; returns its id. */
export function saveBurst(tx: Writer, b: Burst): number {
  const figures = {
    count: b.count,
    baseline: b.baseline,
    score: b.score,
    status: b.status,
    topItemIds: JSON.stringify(b.itemIds),
    relatedKeys: JSON.stringify(b.relatedKeys),
  };
  return tx
    .insert(bursts)
    .values({ kind: b.kind, key: b.key, startedAt: b.startedAt, flaggedAt: b.flaggedAt, windowMs: b.windowMs, ...figures })
    .onConflictDoUpdate({ target: [bursts.kind, bursts.key, bursts.flaggedAt], set: figures })
    .returning({ id: bursts.id })
    .get().id;
}

export function endBurst(tx: Writer, b: KeyRef & { flaggedAt: number }, at: number): void {
  tx.update(bursts)
    .set({ status: 'ended', endedAt: at })
    .where(and(eq(bursts.kind, b.kind), eq(bursts.key, b.key), eq(bursts.flaggedAt, b.flaggedAt)))
    .run();
}

/** Bursts flagged since `since`, and older ones still going on; newest first. */
export function listBursts(db: Db, since: number): BurstRow[] {
  return db.select().from(bursts).where(or(gte(bursts.flaggedAt, since), eq(bursts.status, 'active'))).orderBy(desc(bursts.flaggedAt)).all().map(parseBurst);
}

/** Ongoing bursts, for `BurstDetector.rebuild` so that they are not flagged twice after a restart. */
export function activeBursts(db: Db): BurstRow[] {
  return db.select().from(bursts).where(eq(bursts.status, 'active')).all().map(parseBurst);
}

function parseBurst(r: typeof bursts.$inferSelect): BurstRow {
  return { ...r, topItemIds: JSON.parse(r.topItemIds) as number[], relatedKeys: JSON.parse(r.relatedKeys) as string[] };
}

export interface RecentItem {
  id: number;
  at: number;
  title: string;
  text: string;
  lang: string;
  storyId: number | null;
  ruleIds: string[];
}

/**
 * Items since `since` with their story and topic rules, oldest first: what the story grouper and
 * the burst detector rebuild their memory from on start.
 */
export function* recentItems(db: Db, since: number): Generator<RecentItem> {
  const rows = db.$client
    .prepare(
      `select i.id, coalesce(min(i.published_at, i.fetched_at), i.fetched_at) as at, i.title, i.text, i.lang, s.story_id as storyId,
              (select group_concat(m.rule_id, char(31)) from matches m where m.item_id = i.id and m.kind = 'topic') as rules
         from items i left join story_items s on s.item_id = i.id
        where i.fetched_at >= ? order by at`,
    )
    .iterate(since) as Iterable<Omit<RecentItem, 'ruleIds'> & { rules: string | null }>;
  for (const r of rows) yield { id: r.id, at: r.at, title: r.title, text: r.text, lang: r.lang, storyId: r.storyId, ruleIds: r.rules ? r.rules.split('\x1f') : [] };
}
