import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A distinct story item; the same item seen in several sources is one row with several sightings. */
export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: text('source_id').notNull(),
    externalId: text('external_id').notNull(),
    url: text('url'),
    canonicalUrl: text('canonical_url'),
    title: text('title').notNull().default(''),
    text: text('text').notNull().default(''),
    author: text('author'),
    publishedAt: integer('published_at'),
    fetchedAt: integer('fetched_at').notNull(),
    lang: text('lang').notNull().default('und'),
    contentHash: text('content_hash').notNull(),
    rumourScore: real('rumour_score'),
    flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
    /** JSON array of human-readable reasons kept with the flag. */
    flagReasons: text('flag_reasons'),
    claimId: text('claim_id'),
    claimScore: real('claim_score'),
  },
  (t) => [
    uniqueIndex('items_source_external').on(t.sourceId, t.externalId),
    index('items_canonical_url').on(t.canonicalUrl),
    index('items_content_hash').on(t.contentHash),
    index('items_fetched_at').on(t.fetchedAt),
  ],
);

/** Every delivery of an item by a source, including duplicates of another source's item. */
export const sightings = sqliteTable(
  'sightings',
  {
    sourceId: text('source_id').notNull(),
    externalId: text('external_id').notNull(),
    itemId: integer('item_id').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.externalId] }), index('sightings_item').on(t.itemId)],
);

/** Engagement counts at each sighting, so velocity can be computed later. */
export const engagement = sqliteTable(
  'engagement',
  {
    itemId: integer('item_id').notNull(),
    at: integer('at').notNull(),
    reposts: integer('reposts').notNull().default(0),
    replies: integer('replies').notNull().default(0),
    likes: integer('likes').notNull().default(0),
    quotes: integer('quotes').notNull().default(0),
  },
  (t) => [index('engagement_item_at').on(t.itemId, t.at)],
);

/**
 * Why an item matched: a topic rule, a known claim, or a claim candidate. Every query reaches
 * matches through their item (the per-rule counts too: scanning the key, which covers them, beats
 * an index on the rule), so the key is the only index: one on the rule cost more to keep up on
 * ingest, where each item's matches land on as many of its pages, than all the rest of the row.
 */
export const matches = sqliteTable(
  'matches',
  {
    itemId: integer('item_id').notNull(),
    kind: text('kind', { enum: ['topic', 'claim', 'claim_candidate'] }).notNull(),
    ruleId: text('rule_id').notNull(),
    score: real('score').notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.kind, t.ruleId] })],
);
