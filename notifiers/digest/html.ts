/**
 * The digest as an HTML email: tables and inline styles, which is what mail clients render
 * reliably. Every piece of text, whether from a post, a rule file, the config or a template, goes
 * through `esc`; only the markup written in this file is emitted raw.
 */
import { encode } from 'html-entities';
import type { DigestData, DigestItem } from './build.ts';
import { chartHtml } from './chart.ts';
import type { Formatter } from './i18n.ts';
import * as p from './phrases.ts';

const esc = (s: string): string => encode(s);

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const H2 = `${FONT}font-size:17px;margin:22px 0 8px;padding-bottom:4px;border-bottom:1px solid #dde1e6;color:#1d2733;`;
const P = `${FONT}font-size:14px;line-height:20px;margin:0 0 8px;color:#1d2733;`;
const META = `${FONT}font-size:12px;line-height:17px;color:#5b6670;`;

export function renderHtml(data: DigestData, fmt: Formatter, team?: string): string {
  const t = fmt.t;
  const body = [
    `<h1 style="${FONT}font-size:22px;margin:0 0 4px;color:#1d2733;">${esc(t.heading)}</h1>`,
    team ? `<p style="${P}font-weight:bold;">${esc(t.forTeam(team))}</p>` : '',
    `<p style="${META}margin:0 0 4px;">${esc(p.periodLine(data, fmt))}</p>`,
    `<p style="${P}">${esc(p.overviewLine(data, fmt))}` +
      p.breakdown(data.totals.byLang, null, fmt).map((line) => `<br><span style="${META}">${esc(line)}</span>`).join('') +
      `</p>`,
    blindSpots(data, fmt),
    deadAlerts(data, fmt),
    flagged(data, fmt),
    claims(data, fmt),
    data.emerging ? emerging(data, fmt) : '',
    topics(data, fmt),
    section('sources', t.sources, data.totals.bySource.length ? `<p style="${P}">${esc(p.sourceCounts(data.totals.bySource, fmt))}</p>` : none(t.sourcesNone)),
    footer(data, fmt),
  ].join('\n');

  return `<!DOCTYPE html>
<html lang="${fmt.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.subject(data, fmt))}</title>
</head>
<body style="margin:0;padding:0;background-color:#eef0f3;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#eef0f3;"><tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:680px;background-color:#ffffff;border-radius:4px;"><tr><td style="padding:22px 26px;">
${body}
</td></tr></table>
</td></tr></table>
</body>
</html>
`;
}

function section(id: string, title: string, content: string, accent?: string): string {
  const box = accent ? `border-left:4px solid ${accent};padding-left:12px;` : '';
  return `<div id="${id}" class="section" style="${box}"><h2 style="${H2}">${esc(title)}</h2>\n${content}</div>`;
}

function none(text: string): string {
  return `<p style="${P}color:#5b6670;">${esc(text)}</p>`;
}

function blindSpots(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  if (!data.blindSpots.length) return section('blind-spots', t.blindSpots, none(t.blindSpotsNone));
  const rows = data.blindSpots.map(
    (b) =>
      `<p style="${P}"><strong>${esc(`${b.sourceId} (${b.type})`)}</strong>${esc(t.colon.trimEnd())}<br><span style="${META}">${esc(p.blindSpotDetails(b, fmt, data.now))}</span></p>`,
  );
  return section('blind-spots', t.blindSpots, `<p style="${P}color:#9b1c1c;">${esc(t.blindSpotsIntro)}</p>\n${rows.join('\n')}`, '#c53030');
}

/** Only there when an alert was given up on: staff need to know what they never received. */
function deadAlerts(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  if (!data.deadAlerts.length) return '';
  const rows = data.deadAlerts.map(
    (a) => `<p style="${P}"><strong>${esc(p.deadAlertTitle(a))}</strong>${esc(t.colon.trimEnd())}<br><span style="${META}">${esc(p.deadAlertDetails(a, fmt))}</span></p>`,
  );
  return section('dead-alerts', t.deadAlerts, `<p style="${P}color:#9b1c1c;">${esc(t.deadAlertsIntro)}</p>\n${rows.join('\n')}`, '#c53030');
}

function flagged(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  if (!data.flagged.count) return section('flagged', t.flagged, none(t.flaggedNone));
  return section('flagged', t.flagged, `<p style="${P}">${esc(p.flaggedLine(data, fmt))}</p>\n${itemList(data.flagged.items, fmt)}`, '#dd6b20');
}

function claims(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  if (!data.claims.length) return section('claims', t.claims, none(t.claimsNone));
  const blocks = data.claims.map(
    (c) => `<div class="claim"><p style="${P}"><strong>${esc(p.claimTitle(c, fmt))}</strong><br><span style="${META}">${esc(p.claimLine(c, fmt))}</span></p>\n${itemList(c.items, fmt)}</div>`,
  );
  return section('claims', t.claims, blocks.join('\n'));
}

function emerging(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  const issues = data.emerging ?? [];
  if (!issues.length) return section('emerging', t.emerging, none(t.emergingNone));
  const blocks = issues.map(
    (e) => `<div class="emerging-issue"><p style="${P}"><strong>${esc(p.label(e.label, fmt))}</strong><br><span style="${META}">${esc(p.emergingLine(e, fmt))}</span></p>\n${itemList(e.items, fmt)}</div>`,
  );
  return section('emerging', t.emerging, blocks.join('\n'), '#6b46c1');
}

function topics(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  const blocks = data.topics.map((topic) => {
    const breakdown = p.breakdown(topic.byLang, topic.bySource, fmt).map(esc);
    return (
      `<div class="topic" style="margin:0 0 18px;">` +
      `<h3 style="${FONT}font-size:15px;margin:14px 0 2px;color:#1d2733;">${esc(p.label(topic.label, fmt))}${esc(t.colon)}<span style="color:#1a4e8a;">${esc(fmt.number(topic.count))}</span></h3>` +
      `<p style="${META}margin:0;">${esc(p.topicStats(topic, data, fmt))}</p>\n` +
      chartHtml(topic.days, fmt) +
      (breakdown.length ? `\n<p style="${META}margin:0 0 6px;">${breakdown.join('<br>')}</p>` : '') +
      `\n${itemList(topic.top, fmt)}</div>`
    );
  });
  const quiet = data.quietTopics.length ? `<p style="${META}">${esc(p.quietLine(data.quietTopics, fmt))}</p>` : '';
  return section('topics', t.topics, (blocks.length ? blocks.join('\n') : none(t.topicsNone)) + quiet);
}

function itemList(items: DigestItem[], fmt: Formatter): string {
  return items.map((item) => itemHtml(item, fmt)).join('\n');
}

function itemHtml(item: DigestItem, fmt: Formatter): string {
  const title = item.href
    ? `<a href="${esc(item.href)}" style="color:#1a4e8a;font-weight:bold;text-decoration:none;">${esc(item.title)}</a>`
    : `<strong>${esc(item.title)}</strong>`;
  // A link we refuse to follow is still shown, as text, so staff can see what was posted.
  const unsafe = p.unsafeLinkLine(item, fmt);
  const refused = unsafe ? `<br><span style="${META}">${esc(unsafe)}</span>` : '';
  const reasons = p.reasonsLine(item, fmt);
  const story = p.storyLine(item, fmt);
  return (
    `<p class="item" style="${P}">${title}` +
    (story ? `<br><span class="story" style="${META}color:#1d2733;font-weight:bold;">${esc(story)}</span>` : '') +
    `<br><span style="${META}">${esc(p.itemMeta(item, fmt))}</span>${refused}` +
    (reasons ? `<br><span style="${META}color:#9c4221;">${esc(reasons)}</span>` : '') +
    `</p>`
  );
}

function footer(data: DigestData, fmt: Formatter): string {
  const t = fmt.t;
  const budgets = p.budgetsLine(data, fmt);
  return (
    `<div id="footer" style="margin-top:26px;border-top:1px solid #dde1e6;padding-top:8px;">` +
    (budgets ? `<p style="${META}margin:0 0 4px;">${esc(budgets)}</p>` : '') +
    `<p style="${META}margin:0;">${esc(t.generated(fmt.dateTimeOf(data.now)))}</p></div>`
  );
}
