/**
 * Gathers what the morning digest says, from storage, into plain data that both renderers (HTML
 * and text) read. Item text is made single-line and bounded here, once; escaping is the HTML
 * renderer's job.
 */
import type { Db } from '../../storage/db.ts';
import { oneLine } from '../../rules/text.ts';
import * as q from '../../storage/digest.ts';
import { deadAlertsSince } from '../../storage/outbox.ts';
import { readsThisMonth } from '../../storage/sources.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface Label {
  en: string;
  fr: string;
}

export interface ClaimInfo {
  status: string;
  text: { en?: string; fr?: string };
}

/** A burst found by the stories module; its items are given by id and read here. */
export interface EmergingInput {
  label: string | Label;
  count: number;
  /** The usual count over the same length of time. */
  baseline: number;
  startedAt: number;
  items: (number | { id: number })[];
}

export interface BuildOptions {
  since: number;
  until: number;
  /** When the digest is produced; defaults to `until`. */
  now?: number;
  timezone: string;
  /** Topic rule id → label, from the rules' `label.en`/`label.fr`. */
  labels: Map<string, Label>;
  /** Known claim id → status and text. */
  claims?: Map<string, ClaimInfo>;
  emerging?: EmergingInput[];
  /** A source failing for at least this long is a blind spot. */
  failingAfterMs?: number;
  /** Items listed per topic, per claim and among flagged posts. */
  topItems?: number;
  /** Source id → monthly paid-read budget, for sources that have one. */
  budgets?: Map<string, number>;
}

export interface Engagement {
  reposts: number;
  replies: number;
  likes: number;
  quotes: number;
}

/** One entry of a list: an item, standing for its story when it has one. */
export interface DigestItem {
  id: number;
  title: string;
  /** The address as stored, for display; may be anything a feed sent. */
  link: string | null;
  /** Set only for http(s) addresses: the one thing ever put in an href. */
  href: string | null;
  sourceId: string;
  /** `rss`, `x`, `mastodon`…, null for a source the database does not know. */
  sourceType: string | null;
  otherSources: number;
  /** The story the item tells, when it has more than this item. */
  story: { size: number; sources: number } | null;
  /** The latest snapshot, null when the source reports none. */
  engagement: Engagement | null;
  at: number;
  lang: string;
  flagReasons: string[];
  claimId: string | null;
}

export interface Count {
  key: string;
  count: number;
}

export interface BlindSpot {
  sourceId: string;
  type: string;
  failingSince: number;
  lastSuccessAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** An alert mail given up on: its recipients never got it. */
export interface DeadAlert {
  /** `claim:D01`, `rule:protest`…: what the alert was about. */
  key: string;
  subject: string | null;
  /** When sending first failed (when it was queued, if it never got as far as a try). */
  failingSince: number;
  deadAt: number;
  attempts: number;
  lastError: string | null;
}

export type Trend = 'up' | 'down' | 'flat' | 'new';

export interface ClaimSummary {
  id: string;
  status: string | null;
  text: { en?: string; fr?: string };
  count: number;
  previous: number;
  trend: Trend;
  items: DigestItem[];
}

export interface EmergingIssue {
  label: Label;
  count: number;
  baseline: number;
  startedAt: number;
  items: DigestItem[];
}

export interface DayCount {
  /** Start of the 24-hour bucket. */
  start: number;
  count: number;
}

export interface TopicSummary {
  id: string;
  label: Label;
  count: number;
  /** Items in the period of the same length just before. */
  previous: number;
  /** Mean items per day over the 7 days before the period. */
  average7: number;
  /** The last 7 days, oldest first, the last one ending at `until`. */
  days: DayCount[];
  byLang: Count[];
  bySource: Count[];
  top: DigestItem[];
}

export interface BudgetUse {
  sourceId: string;
  used: number;
  budget: number;
}

export interface DigestData {
  since: number;
  until: number;
  now: number;
  timezone: string;
  totals: { items: number; previous: number; byLang: Count[]; bySource: Count[] };
  blindSpots: BlindSpot[];
  /** Alerts given up on during the period. */
  deadAlerts: DeadAlert[];
  flagged: { count: number; previous: number; items: DigestItem[] };
  claims: ClaimSummary[];
  /** Absent when no burst detection ran; an empty list means it ran and found nothing. */
  emerging?: EmergingIssue[];
  topics: TopicSummary[];
  /** Topics with a label but no item in the last 7 days. */
  quietTopics: Label[];
  budgets: BudgetUse[];
}

export function buildDigest(db: Db, opts: BuildOptions): DigestData {
  const { since, until, timezone, labels } = opts;
  if (!(until > since)) throw new RangeError(`digest period is empty: ${new Date(since).toISOString()} to ${new Date(until).toISOString()}`);
  const now = opts.now ?? until;
  const top = opts.topItems ?? 5;
  const current = { from: since, to: until };
  const previous = { from: since - (until - since), to: since };

  return {
    since,
    until,
    now,
    timezone,
    totals: {
      items: q.countItems(db, current),
      previous: q.countItems(db, previous),
      byLang: q.countByLanguage(db, current),
      bySource: q.countBySource(db, current),
    },
    blindSpots: q.failingSources(db, now - (opts.failingAfterMs ?? 2 * HOUR)).map((s) => ({
      sourceId: s.id,
      type: s.type,
      failingSince: s.failingSince,
      lastSuccessAt: s.lastSuccessAt,
      lastError: s.lastError === null ? null : oneLine(s.lastError, 300),
      consecutiveFailures: s.consecutiveFailures,
    })),
    deadAlerts: deadAlertsSince(db, since)
      .filter((a) => a.deadAt !== null && a.deadAt < until)
      .map((a) => ({
        key: oneLine(a.key, 200),
        subject: a.subject === null ? null : oneLine(a.subject, 250),
        failingSince: a.failingSince ?? a.createdAt,
        deadAt: a.deadAt!,
        attempts: a.attempts,
        lastError: a.lastError === null ? null : oneLine(a.lastError, 300),
      })),
    flagged: {
      count: q.countFlagged(db, current),
      previous: q.countFlagged(db, previous),
      items: q.flaggedItems(db, current, top * 2).map(toItem),
    },
    claims: buildClaims(db, current, previous, top, opts.claims ?? new Map()),
    emerging: opts.emerging?.map((e) => ({
      label: typeof e.label === 'string' ? { en: oneLine(e.label, 200), fr: oneLine(e.label, 200) } : { en: oneLine(e.label.en, 200), fr: oneLine(e.label.fr, 200) },
      count: e.count,
      baseline: e.baseline,
      startedAt: e.startedAt,
      items: q.itemsByIds(db, e.items.map((i) => (typeof i === 'number' ? i : i.id))).slice(0, top).map(toItem),
    })),
    ...buildTopics(db, current, previous, until, top, labels),
    budgets: buildBudgets(db, now, opts.budgets ?? new Map()),
  };
}

function buildClaims(db: Db, current: q.Window, previous: q.Window, top: number, claims: Map<string, ClaimInfo>): ClaimSummary[] {
  const now = q.claimCounts(db, current);
  const before = q.claimCounts(db, previous);
  const items = groupBy(q.topClaimItems(db, current, top), (r) => r.claimId!);
  return [...now]
    .map(([id, count]) => {
      const prev = before.get(id) ?? 0;
      const info = claims.get(id);
      return {
        id,
        status: info?.status ?? null,
        text: { en: info?.text.en && oneLine(info.text.en, 300), fr: info?.text.fr && oneLine(info.text.fr, 300) },
        count,
        previous: prev,
        trend: trend(count, prev),
        items: (items.get(id) ?? []).map(toItem),
      };
    })
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}

function trend(now: number, before: number): Trend {
  if (before === 0) return 'new';
  return now > before ? 'up' : now < before ? 'down' : 'flat';
}

function buildTopics(db: Db, current: q.Window, previous: q.Window, until: number, top: number, labels: Map<string, Label>): Pick<DigestData, 'topics' | 'quietTopics'> {
  const now = q.topicCounts(db, current);
  const before = q.topicCounts(db, previous);
  const baseline = q.topicCounts(db, { from: current.from - 7 * DAY, to: current.from });
  const daily = groupBy(q.topicDailyCounts(db, until, 7), (r) => r.ruleId);
  const byLang = groupBy(q.topicLanguageCounts(db, current), (r) => r.ruleId);
  const bySource = groupBy(q.topicSourceCounts(db, current), (r) => r.ruleId);
  const topItems = groupBy(q.topTopicItems(db, current, top), (r) => r.ruleId);

  const ids = new Set([...now.keys(), ...before.keys(), ...baseline.keys(), ...daily.keys()]);
  const topics = [...ids].map((id) => {
    const buckets = new Map((daily.get(id) ?? []).map((r) => [r.bucket, r.count]));
    return {
      id,
      label: labels.get(id) ?? { en: id, fr: id },
      count: now.get(id) ?? 0,
      previous: before.get(id) ?? 0,
      average7: (baseline.get(id) ?? 0) / 7,
      days: [6, 5, 4, 3, 2, 1, 0].map((b) => ({ start: until - (b + 1) * DAY, count: buckets.get(b) ?? 0 })),
      byLang: strip(byLang.get(id)),
      bySource: strip(bySource.get(id)),
      top: (topItems.get(id) ?? []).map(toItem),
    };
  });
  topics.sort((a, b) => b.count - a.count || b.average7 - a.average7 || a.label.en.localeCompare(b.label.en));
  const quietTopics = [...labels].filter(([id]) => !ids.has(id)).map(([, label]) => label);
  return { topics, quietTopics };
}

function strip(rows: q.TopicKeyCount[] | undefined): Count[] {
  return (rows ?? []).map(({ key, count }) => ({ key, count }));
}

function buildBudgets(db: Db, now: number, budgets: Map<string, number>): BudgetUse[] {
  const rows = new Map(q.sourceRows(db, [...budgets.keys()]).map((r) => [r.id, r]));
  return [...budgets].map(([sourceId, budget]) => {
    const row = rows.get(sourceId);
    return { sourceId, used: row ? readsThisMonth(row, now) : 0, budget };
  });
}

function toItem(row: q.DigestItemRow): DigestItem {
  const link = row.canonicalUrl ?? row.url;
  return {
    id: row.id,
    title: oneLine(row.title, 200) || oneLine(row.text, 200) || `#${row.id}`,
    link: link === null ? null : oneLine(link, 500),
    href: link === null ? null : webHref(link),
    sourceId: row.sourceId,
    sourceType: row.sourceType,
    otherSources: row.otherSources,
    story: row.storySize !== null && row.storySize > 1 ? { size: row.storySize, sources: row.storySources ?? 1 } : null,
    engagement: row.reposts === null ? null : { reposts: row.reposts, replies: row.replies ?? 0, likes: row.likes ?? 0, quotes: row.quotes ?? 0 },
    at: row.at,
    lang: row.lang,
    flagReasons: parseReasons(row.flagReasons),
    claimId: row.claimId,
  };
}

function parseReasons(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string').map((r) => oneLine(r, 200)) : [];
  } catch {
    return [oneLine(json, 200)];
  }
}

/** The address when it is a web page; anything else (javascript:, data:, relative) is not a link. */
export function webHref(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}


function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
