import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Items flagged for the same claim, rule or burst, grouped so that staff get one alert and then
 * follow-ups instead of one mail per item. A group stays open while items keep coming within the
 * cool-down of each other.
 */
export const alertGroups = sqliteTable(
  'alert_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** `<kind>:<ref>`, e.g. `claim:D01`, `rule:protest`, `burst:<key>`. */
    key: text('key').notNull(),
    kind: text('kind', { enum: ['claim', 'rule', 'burst'] }).notNull(),
    ref: text('ref').notNull(),
    windowStart: integer('window_start').notNull(),
    lastAt: integer('last_at').notNull(),
    count: integer('count').notNull(),
    firstItemId: integer('first_item_id').notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
  },
  (t) => [uniqueIndex('alert_groups_key_start').on(t.key, t.windowStart)],
);

export const alertGroupItems = sqliteTable(
  'alert_group_items',
  {
    groupId: integer('group_id').notNull(),
    itemId: integer('item_id').notNull(),
    at: integer('at').notNull(),
    /** JSON array: why this item was flagged (rule, claim and score, cues). */
    reasons: text('reasons').notNull().default('[]'),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.itemId] })],
);

/**
 * One mail to one route: the group's first alert (seq 0) or a follow-up (seq 1, 2, ...). The body is
 * rendered at send time, so a message still waiting (quiet hours, mail server down) carries every
 * item that joined it meanwhile.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    groupId: integer('group_id').notNull(),
    /** `default` or a team id from `alerts.teams`; recipients and language are read at send time. */
    route: text('route').notNull(),
    seq: integer('seq').notNull(),
    /** Derived from the group and seq, never random: a retry after an unknown outcome reuses it. */
    messageId: text('message_id').notNull(),
    /** The first alert's Message-ID, so mail clients thread follow-ups under it. */
    inReplyTo: text('in_reply_to'),
    status: text('status', { enum: ['pending', 'sent', 'dead'] }).notNull().default('pending'),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    dueAt: integer('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    failingSince: integer('failing_since'),
    lastError: text('last_error'),
    /** Set while a sender holds the message, so two processes never send it at once. */
    sendingUntil: integer('sending_until'),
    sentAt: integer('sent_at'),
    smtpMessageId: text('smtp_message_id'),
    smtpResponse: text('smtp_response'),
    /** JSON array of the addresses it went (or was last tried) to. */
    recipients: text('recipients'),
    subject: text('subject'),
    deadAt: integer('dead_at'),
  },
  (t) => [
    uniqueIndex('outbox_group_route_seq').on(t.groupId, t.route, t.seq),
    uniqueIndex('outbox_message_id').on(t.messageId),
    index('outbox_status_due').on(t.status, t.dueAt),
    index('outbox_dead_at').on(t.deadAt),
    index('outbox_sent_at').on(t.sentAt),
  ],
);

/** The items a message reports; the rest of the group is summed up in its counts. */
export const outboxItems = sqliteTable(
  'outbox_items',
  {
    outboxId: integer('outbox_id').notNull(),
    itemId: integer('item_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.outboxId, t.itemId] })],
);
