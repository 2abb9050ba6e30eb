/**
 * The 7-day chart per topic. Mail clients drop SVG and block remote images, so the bars are table
 * cells with a height and a background colour, which even Outlook's Word engine draws.
 */
import { encode } from 'html-entities';
import type { DayCount } from './build.ts';
import type { Formatter } from './i18n.ts';

const MAX_BAR_PX = 40;
const BAR_PX = 18;
const DAY = 86_400_000;

/** Each bar covers the 24 hours ending at the next one, so it is named after the day it ends in. */
function dayOf(d: DayCount): number {
  return d.start + DAY - 1;
}

export function chartHtml(days: DayCount[], fmt: Formatter): string {
  const max = Math.max(1, ...days.map((d) => d.count));
  const cells = days.map((d, i) => {
    const h = d.count === 0 ? 1 : Math.max(3, Math.round((d.count / max) * MAX_BAR_PX));
    const colour = d.count === 0 ? '#c8ccd2' : i === days.length - 1 ? '#1a4e8a' : '#7fa3cc';
    const title = encode(fmt.labelled(`${fmt.weekdayOf(dayOf(d))} ${fmt.dayOf(dayOf(d))}`, fmt.number(d.count)));
    return (
      `<td valign="bottom" align="center" width="34" title="${title}" style="padding:0 3px;font:11px Arial,sans-serif;color:#555;">` +
      `${encode(fmt.number(d.count))}` +
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="${BAR_PX}" align="center"><tr>` +
      `<td class="bar" height="${h}" bgcolor="${colour}" style="height:${h}px;line-height:${h}px;font-size:0;background-color:${colour};">&nbsp;</td>` +
      `</tr></table></td>`
    );
  });
  const labels = days.map(
    (d) => `<td align="center" style="padding:2px 3px 0;font:11px Arial,sans-serif;color:#777;">${encode(fmt.weekdayOf(dayOf(d)))}</td>`,
  );
  return (
    `<table role="presentation" class="chart" cellpadding="0" cellspacing="0" border="0" aria-label="${encode(fmt.t.last7Days)}" style="margin:6px 0 4px;">` +
    `<tr><td colspan="${days.length}" style="font:11px Arial,sans-serif;color:#777;padding-bottom:2px;">${encode(fmt.t.last7Days)}</td></tr>` +
    `<tr style="height:${MAX_BAR_PX + 14}px;">${cells.join('')}</tr><tr>${labels.join('')}</tr></table>`
  );
}

/** The same figures for the plain-text part: `Last 7 days: Tue 2, Wed 0, …, Mon 7`. */
export function chartText(days: DayCount[], fmt: Formatter): string {
  return fmt.labelled(fmt.t.last7Days, days.map((d) => `${fmt.weekdayOf(dayOf(d))} ${fmt.number(d.count)}`).join(', '));
}
