import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const digests = sqliteTable('digests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sentAt: integer('sent_at').notNull(),
  periodStart: integer('period_start').notNull(),
  periodEnd: integer('period_end').notNull(),
  recipients: text('recipients').notNull(),
  messageId: text('message_id'),
});
