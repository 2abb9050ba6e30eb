import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * What staff said about an item: whether it is a rumour (`rumour` / `not-rumour`), or which known
 * claim it carries (a claim id). One label of each kind per item; a new one corrects the old.
 */
export const labels = sqliteTable(
  'labels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id').notNull(),
    kind: text('kind', { enum: ['rumour', 'claim'] }).notNull(),
    value: text('value').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('labels_item_kind').on(t.itemId, t.kind), index('labels_kind').on(t.kind)],
);
