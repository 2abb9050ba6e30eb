/**
 * The sentences of the digest as plain text. Both renderers build from these, so the HTML and
 * the text part cannot drift apart; the HTML renderer escapes them like any other text.
 */
import type { BlindSpot, ClaimSummary, Count, DeadAlert, DigestData, DigestItem, EmergingIssue, Label, TopicSummary } from './build.ts';
import { oneLine } from '../../rules/text.ts';
import type { Formatter } from './i18n.ts';

const DAY = 86_400_000;

export function subject(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  return oneLine(t.subject(fmt.dayOf(data.until), fmt.count(data.totals.items, t.items), data.flagged.count, data.blindSpots.length, data.deadAlerts.length), 250);
}

export function periodLine(data: DigestData, fmt: Formatter): string {
  return fmt.t.period(fmt.dateTimeOf(data.since), fmt.dateTimeOf(data.until), data.timezone);
}

/** `vs previous day`, or `vs previous period` when the digest covers something else than a day. */
function versus(data: DigestData, fmt: Formatter): string {
  return data.until - data.since === DAY ? fmt.t.vsPreviousDay : fmt.t.vsPreviousPeriod;
}

function changeVersus(now: number, before: number, data: DigestData, fmt: Formatter): string {
  return `${fmt.change(now, before)} ${versus(data, fmt)}`;
}

export function overviewLine(data: DigestData, fmt: Formatter): string {
  return fmt.t.overview(fmt.count(data.totals.items, fmt.t.items), changeVersus(data.totals.items, data.totals.previous, data, fmt));
}

/** `English 12, French 5`. */
export function languageCounts(counts: Count[], fmt: Formatter): string {
  return counts.map((c) => `${fmt.language(c.key)} ${fmt.number(c.count)}`).join(', ');
}

export function sourceCounts(counts: Count[], fmt: Formatter): string {
  return counts.map((c) => `${c.key} ${fmt.number(c.count)}`).join(', ');
}

export function blindSpotDetails(b: BlindSpot, fmt: Formatter, now: number): string {
  const t = fmt.t;
  const parts = [t.failingFor(fmt.duration(now - b.failingSince), b.consecutiveFailures)];
  parts.push(b.lastSuccessAt === null ? t.neverSucceeded : t.lastSuccess(fmt.dateTimeOf(b.lastSuccessAt)));
  if (b.lastError) parts.push(fmt.labelled(t.lastError, b.lastError));
  return parts.join('; ');
}

/** What the alert was, by its mail subject when it got one, and always by its key. */
export function deadAlertTitle(a: DeadAlert): string {
  return a.subject ? `${a.subject} (${a.key})` : a.key;
}

export function deadAlertDetails(a: DeadAlert, fmt: Formatter): string {
  const t = fmt.t;
  const parts = [t.failingSince(fmt.dateTimeOf(a.failingSince)), t.givenUp(fmt.dateTimeOf(a.deadAt), a.attempts)];
  if (a.lastError) parts.push(fmt.labelled(t.lastError, a.lastError));
  return parts.join('; ');
}

/** `source · time · language · also in 2 other sources · 12 reposts, 40 likes`. */
export function itemMeta(item: DigestItem, fmt: Formatter): string {
  const parts = [item.sourceId, fmt.dateTimeOf(item.at), fmt.language(item.lang)];
  if (item.otherSources > 0) parts.push(fmt.t.otherSources(item.otherSources));
  const engagement = engagementLine(item, fmt);
  if (engagement) parts.push(engagement);
  return parts.join(' · ');
}

/** `12 reposts, 3 replies, 40 likes`: the latest counts, leaving out the zeros; null without any. */
export function engagementLine(item: DigestItem, fmt: Formatter): string | null {
  if (!item.engagement) return null;
  const words = fmt.t.engagement;
  const { reposts, replies, likes, quotes } = item.engagement;
  const counts = [
    [reposts, item.sourceType === 'mastodon' ? words.boosts : words.reposts],
    [replies, words.replies],
    [likes, words.likes],
    [quotes, words.quotes],
  ] as const;
  const parts = counts.filter(([n]) => n > 0).map(([n, word]) => fmt.count(n, word));
  return parts.length ? parts.join(', ') : null;
}

/** `5 posts in 3 sources`, for an entry that stands for a story of several items. */
export function storyLine(item: DigestItem, fmt: Formatter): string | null {
  return item.story ? fmt.t.story(fmt.number(item.story.size), fmt.count(item.story.sources, fmt.t.sourcesWord)) : null;
}

export function reasonsLine(item: DigestItem, fmt: Formatter): string | null {
  return item.flagReasons.length ? fmt.labelled(fmt.t.why, item.flagReasons.join('; ')) : null;
}

export function flaggedLine(data: DigestData, fmt: Formatter): string {
  return fmt.t.flaggedCount(fmt.number(data.flagged.count), changeVersus(data.flagged.count, data.flagged.previous, data, fmt));
}

/** The claim in the reader's language, else in the other one, else its id. */
export function claimTitle(c: ClaimSummary, fmt: Formatter): string {
  const text = c.text[fmt.lang] || c.text[fmt.lang === 'en' ? 'fr' : 'en'] || c.id;
  const status = c.status ? ` [${fmt.t.claimStatus[c.status] ?? c.status}]` : '';
  return `${text}${status}`;
}

export function claimLine(c: ClaimSummary, fmt: Formatter): string {
  return fmt.t.claimSeen(fmt.count(c.count, fmt.t.items), fmt.number(c.previous), fmt.t.trend[c.trend]);
}

export function label(l: Label, fmt: Formatter): string {
  return l[fmt.lang] || l.en;
}

export function emergingLine(e: EmergingIssue, fmt: Formatter): string {
  return fmt.t.emergingLine(fmt.count(e.count, fmt.t.items), fmt.dateTimeOf(e.startedAt), fmt.number(e.baseline));
}

/** `12 items · +3 (+33 %) vs previous day · 7-day average 9 per day`. */
export function topicStats(topic: TopicSummary, data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  return [
    fmt.count(topic.count, t.items),
    changeVersus(topic.count, topic.previous, data, fmt),
    `${t.average7} ${fmt.number(topic.average7)} ${t.perDay}`,
  ].join(' · ');
}

export function budgetsLine(data: DigestData, fmt: Formatter): string | null {
  if (!data.budgets.length) return null;
  const uses = data.budgets.map((b) => fmt.labelled(b.sourceId, fmt.t.budgetUse(fmt.number(b.used), fmt.number(b.budget), fmt.percent(b.used / b.budget))));
  return fmt.labelled(fmt.t.budget, uses.join(' · '));
}

/** `By language: English 5, French 2` and `By source: …`, for the lists that have entries. */
export function breakdown(byLang: Count[], bySource: Count[] | null, fmt: Formatter): string[] {
  const lines: string[] = [];
  if (byLang.length) lines.push(fmt.labelled(fmt.t.byLanguage, languageCounts(byLang, fmt)));
  if (bySource?.length) lines.push(fmt.labelled(fmt.t.bySource, sourceCounts(bySource, fmt)));
  return lines;
}

export function unsafeLinkLine(item: DigestItem, fmt: Formatter): string | null {
  return item.link && !item.href ? fmt.labelled(fmt.t.unsafeLink, item.link) : null;
}

export function quietLine(quiet: Label[], fmt: Formatter): string {
  return fmt.labelled(fmt.t.quiet, quiet.map((l) => label(l, fmt)).join(', '));
}
