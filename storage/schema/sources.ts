import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per configured source: its fetch state survives restarts. */
export const sources = sqliteTable('sources', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  etag: text('etag'),
  lastModified: text('last_modified'),
  /** Source-specific resume point (X/Mastodon since_id). */
  cursor: text('cursor'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastAttemptAt: integer('last_attempt_at'),
  lastSuccessAt: integer('last_success_at'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  failingSince: integer('failing_since'),
  nextAttemptAt: integer('next_attempt_at'),
  /** Paid API reads this month, as "YYYY-MM:count". */
  readsMonth: text('reads_month'),
  readsCount: integer('reads_count').notNull().default(0),
});
