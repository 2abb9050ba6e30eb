CREATE TABLE `alert_group_items` (
	`group_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`at` integer NOT NULL,
	`reasons` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`group_id`, `item_id`)
);
--> statement-breakpoint
CREATE TABLE `alert_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`window_start` integer NOT NULL,
	`last_at` integer NOT NULL,
	`count` integer NOT NULL,
	`first_item_id` integer NOT NULL,
	`severity` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_groups_key_start` ON `alert_groups` (`key`,`window_start`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`route` text NOT NULL,
	`seq` integer NOT NULL,
	`message_id` text NOT NULL,
	`in_reply_to` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`severity` text NOT NULL,
	`created_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`failing_since` integer,
	`last_error` text,
	`sending_until` integer,
	`sent_at` integer,
	`smtp_message_id` text,
	`smtp_response` text,
	`recipients` text,
	`subject` text,
	`dead_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_group_route_seq` ON `outbox` (`group_id`,`route`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_message_id` ON `outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `outbox_status_due` ON `outbox` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `outbox_dead_at` ON `outbox` (`dead_at`);--> statement-breakpoint
CREATE INDEX `outbox_sent_at` ON `outbox` (`sent_at`);--> statement-breakpoint
CREATE TABLE `outbox_items` (
	`outbox_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	PRIMARY KEY(`outbox_id`, `item_id`)
);
--> statement-breakpoint
CREATE TABLE `digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sent_at` integer NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`recipients` text NOT NULL,
	`message_id` text
);
--> statement-breakpoint
CREATE TABLE `engagement` (
	`item_id` integer NOT NULL,
	`at` integer NOT NULL,
	`reposts` integer DEFAULT 0 NOT NULL,
	`replies` integer DEFAULT 0 NOT NULL,
	`likes` integer DEFAULT 0 NOT NULL,
	`quotes` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `engagement_item_at` ON `engagement` (`item_id`,`at`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` text NOT NULL,
	`external_id` text NOT NULL,
	`url` text,
	`canonical_url` text,
	`title` text DEFAULT '' NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`author` text,
	`published_at` integer,
	`fetched_at` integer NOT NULL,
	`lang` text DEFAULT 'und' NOT NULL,
	`content_hash` text NOT NULL,
	`rumour_score` real,
	`flagged` integer DEFAULT false NOT NULL,
	`flag_reasons` text,
	`claim_id` text,
	`claim_score` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_source_external` ON `items` (`source_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `items_canonical_url` ON `items` (`canonical_url`);--> statement-breakpoint
CREATE INDEX `items_content_hash` ON `items` (`content_hash`);--> statement-breakpoint
CREATE INDEX `items_fetched_at` ON `items` (`fetched_at`);--> statement-breakpoint
CREATE TABLE `matches` (
	`item_id` integer NOT NULL,
	`kind` text NOT NULL,
	`rule_id` text NOT NULL,
	`score` real NOT NULL,
	PRIMARY KEY(`item_id`, `kind`, `rule_id`)
);
--> statement-breakpoint
CREATE TABLE `sightings` (
	`source_id` text NOT NULL,
	`external_id` text NOT NULL,
	`item_id` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`source_id`, `external_id`)
);
--> statement-breakpoint
CREATE INDEX `sightings_item` ON `sightings` (`item_id`);--> statement-breakpoint
CREATE TABLE `labels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_item_kind` ON `labels` (`item_id`,`kind`);--> statement-breakpoint
CREATE INDEX `labels_kind` ON `labels` (`kind`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`etag` text,
	`last_modified` text,
	`cursor` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`last_attempt_at` integer,
	`last_success_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`failing_since` integer,
	`next_attempt_at` integer,
	`reads_month` text,
	`reads_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bursts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`started_at` integer NOT NULL,
	`flagged_at` integer NOT NULL,
	`count` real NOT NULL,
	`baseline` real NOT NULL,
	`score` real NOT NULL,
	`window_ms` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`ended_at` integer,
	`top_item_ids` text NOT NULL,
	`related_keys` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bursts_key_flagged` ON `bursts` (`kind`,`key`,`flagged_at`);--> statement-breakpoint
CREATE INDEX `bursts_flagged_at` ON `bursts` (`flagged_at`);--> statement-breakpoint
CREATE TABLE `stories` (
	`id` integer PRIMARY KEY NOT NULL,
	`representative_item_id` integer NOT NULL,
	`size` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`sources` text NOT NULL,
	`langs` text NOT NULL,
	`terms` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stories_last_seen` ON `stories` (`last_seen`);--> statement-breakpoint
CREATE TABLE `story_items` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`story_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `story_items_story` ON `story_items` (`story_id`);--> statement-breakpoint
CREATE TABLE `story_minhashes` (
	`story_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`minhash` text NOT NULL,
	PRIMARY KEY(`story_id`, `seq`)
);
