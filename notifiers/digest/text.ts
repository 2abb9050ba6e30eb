/** The digest's plain-text part: the same sections and figures as the HTML one, in reading order. */
import type { DigestData, DigestItem } from './build.ts';
import { chartText } from './chart.ts';
import type { Formatter } from './i18n.ts';
import * as p from './phrases.ts';

export function renderText(data: DigestData, fmt: Formatter, team?: string): string {
  const t = fmt.t;
  const out: string[] = [t.heading.toUpperCase()];
  if (team) out.push(t.forTeam(team));
  out.push(p.periodLine(data, fmt), p.overviewLine(data, fmt));
  out.push(...p.breakdown(data.totals.byLang, null, fmt));

  heading(out, t.blindSpots);
  if (data.blindSpots.length) {
    out.push(t.blindSpotsIntro);
    for (const b of data.blindSpots) out.push(`- ${fmt.labelled(`${b.sourceId} (${b.type})`, p.blindSpotDetails(b, fmt, data.now))}`);
  } else out.push(t.blindSpotsNone);

  if (data.deadAlerts.length) {
    heading(out, t.deadAlerts);
    out.push(t.deadAlertsIntro);
    for (const a of data.deadAlerts) out.push(`- ${fmt.labelled(p.deadAlertTitle(a), p.deadAlertDetails(a, fmt))}`);
  }

  heading(out, t.flagged);
  if (data.flagged.count) {
    out.push(p.flaggedLine(data, fmt));
    items(out, data.flagged.items, fmt);
  } else out.push(t.flaggedNone);

  heading(out, t.claims);
  if (!data.claims.length) out.push(t.claimsNone);
  for (const c of data.claims) {
    out.push('', `* ${p.claimTitle(c, fmt)}`, `  ${p.claimLine(c, fmt)}`);
    items(out, c.items, fmt);
  }

  if (data.emerging) {
    heading(out, t.emerging);
    if (!data.emerging.length) out.push(t.emergingNone);
    for (const e of data.emerging) {
      out.push('', `* ${p.label(e.label, fmt)}`, `  ${p.emergingLine(e, fmt)}`);
      items(out, e.items, fmt);
    }
  }

  heading(out, t.topics);
  if (!data.topics.length) out.push(t.topicsNone);
  for (const topic of data.topics) {
    out.push('', `* ${fmt.labelled(p.label(topic.label, fmt), fmt.number(topic.count))}`, `  ${p.topicStats(topic, data, fmt)}`, `  ${chartText(topic.days, fmt)}`);
    for (const line of p.breakdown(topic.byLang, topic.bySource, fmt)) out.push(`  ${line}`);
    items(out, topic.top, fmt);
  }
  if (data.quietTopics.length) out.push('', p.quietLine(data.quietTopics, fmt));

  heading(out, t.sources);
  out.push(data.totals.bySource.length ? p.sourceCounts(data.totals.bySource, fmt) : t.sourcesNone);

  out.push('', '--');
  const budgets = p.budgetsLine(data, fmt);
  if (budgets) out.push(budgets);
  out.push(t.generated(fmt.dateTimeOf(data.now)));
  return `${out.join('\n')}\n`;
}

function heading(out: string[], title: string): void {
  out.push('', `== ${title} ==`);
}

function items(out: string[], list: DigestItem[], fmt: Formatter): void {
  for (const item of list) {
    out.push(`  - ${item.title}`);
    const story = p.storyLine(item, fmt);
    if (story) out.push(`    ${story}`);
    out.push(`    ${p.itemMeta(item, fmt)}`);
    if (item.href) out.push(`    ${item.href}`);
    const unsafe = p.unsafeLinkLine(item, fmt);
    if (unsafe) out.push(`    ${unsafe}`);
    const reasons = p.reasonsLine(item, fmt);
    if (reasons) out.push(`    ${reasons}`);
  }
}
