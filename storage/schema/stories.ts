import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Stories: items that tell the same story (near-duplicates and same-topic items), shown as one
 * entry with its size. Ids are handed out by the grouper (rules/stories/grouper.ts), so an item
 * can be linked before the row is written.
 */
export const stories = sqliteTable(
  'stories',
  {
    id: integer('id').primaryKey(),
    representativeItemId: integer('representative_item_id').notNull(),
    size: integer('size').notNull(),
    firstSeen: integer('first_seen').notNull(),
    lastSeen: integer('last_seen').notNull(),
    /** JSON array of source ids. */
    sources: text('sources').notNull(),
    /** JSON array of language codes. */
    langs: text('langs').notNull(),
    /**
     * JSON object of the members' strongest stemmed-term counts (`StorySignature.terms`): with the
     * story's MinHash signatures, what lets new items join it after a restart.
     */
    terms: text('terms').notNull(),
  },
  (t) => [index('stories_last_seen').on(t.lastSeen)],
);

/**
 * The MinHash signatures of a few members of each story (`StorySignature.minhashes`, in order).
 * Apart from the story row because they are most of its size and seldom change: the row is written
 * again after nearly every item that joins the story, a signature once, when it is added.
 */
export const storyMinhashes = sqliteTable(
  'story_minhashes',
  {
    storyId: integer('story_id').notNull(),
    seq: integer('seq').notNull(),
    /** Base64 of the 64 slots. */
    minhash: text('minhash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storyId, t.seq] })],
);

/** Each item belongs to at most one story (a link table, so that items.ts stays as it is). */
export const storyItems = sqliteTable(
  'story_items',
  {
    itemId: integer('item_id').primaryKey(),
    storyId: integer('story_id').notNull(),
  },
  (t) => [index('story_items_story').on(t.storyId)],
);

/**
 * Flagged bursts, for the digest, alerts and `veille bursts`. Per-bucket counts are not stored:
 * the detector rebuilds them from the items of the last days on start.
 */
export const bursts = sqliteTable(
  'bursts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['story', 'rule', 'term'] }).notNull(),
    key: text('key').notNull(),
    startedAt: integer('started_at').notNull(),
    flaggedAt: integer('flagged_at').notNull(),
    count: real('count').notNull(),
    baseline: real('baseline').notNull(),
    score: real('score').notNull(),
    windowMs: integer('window_ms').notNull(),
    status: text('status', { enum: ['active', 'ended'] }).notNull().default('active'),
    endedAt: integer('ended_at'),
    /** JSON array of item ids, oldest first. */
    topItemIds: text('top_item_ids').notNull(),
    /** JSON array of other `kind:key` lifted by the same items. */
    relatedKeys: text('related_keys').notNull().default('[]'),
  },
  (t) => [uniqueIndex('bursts_key_flagged').on(t.kind, t.key, t.flaggedAt), index('bursts_flagged_at').on(t.flaggedAt)],
);
