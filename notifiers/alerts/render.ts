/**
 * The alert mail in English or French, as HTML and plain text: why the items were flagged, what the
 * staff answer is for a known claim, and the items themselves, so the reader can act without
 * opening anything else. The subject does not change between the first alert and its follow-ups,
 * so mail clients that thread by subject agree with those that thread by References.
 */
import { encode } from 'html-entities';
import { oneLine, type Lang } from '../../rules/text.ts';
import type { AlertData, AlertItem } from '../../storage/outbox.ts';

/** A known claim as staff wrote it (the claims file's `status`, `text` and `response`). */
export interface AlertClaim {
  status: string;
  text: Partial<Record<Lang, string>>;
  response?: Partial<Record<Lang, string>> & { url?: string };
}

export interface RenderOptions {
  lang: Lang;
  timeZone: string;
  claim?: AlertClaim;
  /** Human name of the rule (or claim) in the recipient's language. */
  label?: string;
}

export interface RenderedAlert {
  subject: string;
  html: string;
  text: string;
}

/** Items listed in full; the rest are counted. */
export const MAX_LISTED = 15;
const MAX_REASONS = 10;
const EXCERPT = 280;

interface Strings {
  locale: string;
  kind: { claim: string; rule: string; burst: string };
  status: Record<string, string>;
  severity: Record<string, string>;
  items(n: number): string;
  sources(n: number): string;
  first(n: number, sources: number, since: string): string;
  followUp(n: number, total: number, sources: number, since: string): string;
  why: string;
  severityLabel: string;
  claimText: string;
  claimStatus: string;
  response: string;
  noResponse: string;
  examples: string;
  firstItem: string;
  mostEngaged: string;
  others: string;
  more(n: number): string;
  by: string;
  engagement(counts: number[]): string;
  story(size: number, sources: number): string;
  claimScore: string;
  rumourScore: string;
  open: string;
  footer: string;
}

const plural = (n: number, one: string, many: string, zeroIsOne: boolean) => `${n} ${n === 1 || (zeroIsOne && n === 0) ? one : many}`;

const STRINGS: Record<Lang, Strings> = {
  en: {
    locale: 'en-CA',
    kind: { claim: 'Known claim', rule: 'Rule', burst: 'Burst' },
    status: { false: 'false', misleading: 'misleading', unverified: 'unverified' },
    severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
    items: (n) => plural(n, 'item', 'items', false),
    sources: (n) => plural(n, 'source', 'sources', false),
    first: (n, s, since) => `${plural(n, 'item', 'items', false)} flagged from ${plural(s, 'source', 'sources', false)} (first at ${since})`,
    followUp: (n, total, s, since) =>
      `Update: ${plural(n, 'new item', 'new items', false)} since the last alert; ${total} in total from ${plural(s, 'source', 'sources', false)} (first at ${since})`,
    why: 'Why it was flagged',
    severityLabel: 'Severity',
    claimText: 'Claim',
    claimStatus: 'Status',
    response: 'Staff response',
    noResponse: 'No staff response written yet.',
    examples: 'Examples',
    firstItem: 'First',
    mostEngaged: 'Most engaged',
    others: 'Other items in this alert',
    more: (n) => `…and ${plural(n, 'more item', 'more items', false)} (see \`veille outbox\` or the digest).`,
    by: 'by',
    engagement: ([r, p, l, q]) =>
      [plural(r, 'repost', 'reposts', false), plural(p, 'reply', 'replies', false), plural(l, 'like', 'likes', false), plural(q, 'quote', 'quotes', false)].join(' · '),
    story: (n, m) => `story told by ${plural(n, 'post', 'posts', false)} in ${plural(m, 'source', 'sources', false)}`,
    claimScore: 'claim score',
    rumourScore: 'rumour score',
    open: 'Open',
    footer: 'Sent by Veille. Follow-ups about the same subject arrive in this thread.',
  },
  fr: {
    locale: 'fr-CA',
    kind: { claim: 'Affirmation connue', rule: 'Règle', burst: 'Pic d’activité' },
    status: { false: 'fausse', misleading: 'trompeuse', unverified: 'non vérifiée' },
    severity: { low: 'faible', medium: 'moyenne', high: 'élevée', critical: 'critique' },
    items: (n) => plural(n, 'élément', 'éléments', true),
    sources: (n) => plural(n, 'source', 'sources', true),
    first: (n, s, since) =>
      `${plural(n, 'élément signalé', 'éléments signalés', true)} dans ${plural(s, 'source', 'sources', true)} (premier le ${since})`,
    followUp: (n, total, s, since) =>
      `Mise à jour : ${plural(n, 'nouvel élément', 'nouveaux éléments', true)} depuis la dernière alerte; ${total} au total dans ${plural(s, 'source', 'sources', true)} (premier le ${since})`,
    why: 'Motif du signalement',
    severityLabel: 'Gravité',
    claimText: 'Affirmation',
    claimStatus: 'Statut',
    response: 'Réponse du personnel',
    noResponse: 'Aucune réponse rédigée pour l’instant.',
    examples: 'Exemples',
    firstItem: 'Premier',
    mostEngaged: 'Plus d’interactions',
    others: 'Autres éléments de cette alerte',
    more: (n) => `…et ${plural(n, 'autre élément', 'autres éléments', true)} (voir \`veille outbox\` ou le résumé).`,
    by: 'par',
    engagement: ([r, p, l, q]) =>
      [plural(r, 'partage', 'partages', true), plural(p, 'réponse', 'réponses', true), `${l} j’aime`, plural(q, 'citation', 'citations', true)].join(' · '),
    story: (n, m) => `histoire racontée par ${plural(n, 'publication', 'publications', true)} dans ${plural(m, 'source', 'sources', true)}`,
    claimScore: 'score d’affirmation',
    rumourScore: 'score de rumeur',
    open: 'Ouvrir',
    footer: 'Envoyé par Veille. Les suivis sur le même sujet arrivent dans ce fil.',
  },
};

/** The other language's text when the recipient's is missing: better than nothing for staff. */
function inLang(texts: Partial<Record<Lang, string>> | undefined, lang: Lang): string | undefined {
  return texts?.[lang] ?? texts?.[lang === 'en' ? 'fr' : 'en'];
}

function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

interface ItemLine {
  headline: string;
  meta: string;
  url: string | null;
}

function itemLine(item: AlertItem, s: Strings, when: Intl.DateTimeFormat): ItemLine {
  const title = oneLine(item.title, 140);
  const body = oneLine(item.text, EXCERPT);
  const headline = title && body && !body.startsWith(title) ? `${title} — ${body}` : title || body;
  const meta = [
    item.sourceId,
    item.author ? `${s.by} ${item.author}` : null,
    when.format(item.publishedAt ?? item.fetchedAt),
    item.engagement ? s.engagement([item.engagement.reposts, item.engagement.replies, item.engagement.likes, item.engagement.quotes]) : null,
    item.story ? s.story(item.story.size, item.story.sources) : null,
    item.claimScore !== null ? `${s.claimScore} ${item.claimScore.toFixed(2)}` : null,
    item.rumourScore !== null && item.rumourScore > 0 ? `${s.rumourScore} ${item.rumourScore.toFixed(2)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return { headline, meta, url: safeUrl(item.url) };
}

export function alertSubject(data: AlertData, opts: RenderOptions): string {
  const s = STRINGS[opts.lang];
  const { kind, ref } = data.group;
  const colon = opts.lang === 'fr' ? ' : ' : ': ';
  let what: string;
  if (kind === 'claim') {
    const text = inLang(opts.claim?.text, opts.lang);
    const status = opts.claim ? ` (${s.status[opts.claim.status] ?? opts.claim.status})` : '';
    const quoted = text ? (opts.lang === 'fr' ? `« ${oneLine(text, 80)} »` : `"${oneLine(text, 80)}"`) : '';
    what = `${s.kind.claim} ${ref}${status}${quoted ? `${colon}${quoted}` : ''}`;
  } else {
    what = `${s.kind[kind]}${colon}${opts.label ?? ref}`;
  }
  return `${data.message.seq ? 'Re: ' : ''}[Veille] ${what}`;
}

export function renderAlert(data: AlertData, opts: RenderOptions): RenderedAlert {
  const s = STRINGS[opts.lang];
  const when = new Intl.DateTimeFormat(s.locale, { timeZone: opts.timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const { group, message } = data;
  const since = when.format(group.windowStart);
  const summary = message.seq
    ? s.followUp(data.itemIds.length, group.count, data.sources.length, since)
    : s.first(group.count, data.sources.length, since);
  const reasons = [...new Set(data.items.flatMap((i) => i.reasons))].slice(0, MAX_REASONS);
  const label = opts.label && opts.label !== group.ref ? `${opts.label} (${group.ref})` : group.ref;
  const colon = opts.lang === 'fr' ? ' : ' : ': ';

  const why: string[] = [`${s.kind[group.kind]}${colon}${label}`, `${s.severityLabel}${colon}${s.severity[message.severity]}`];
  const claimLines: { label: string; value: string; url?: string | null }[] = [];
  if (group.kind === 'claim' && opts.claim) {
    const text = inLang(opts.claim.text, opts.lang);
    if (text) claimLines.push({ label: s.claimText, value: text });
    claimLines.push({ label: s.claimStatus, value: s.status[opts.claim.status] ?? opts.claim.status });
    const response = inLang(opts.claim.response, opts.lang);
    claimLines.push({ label: s.response, value: response ?? s.noResponse, url: safeUrl(opts.claim.response?.url) });
  }
  const examples: { label: string; line: ItemLine }[] = [{ label: s.firstItem, line: itemLine(data.first, s, when) }];
  if (data.mostEngaged && data.mostEngaged.id !== data.first.id) examples.push({ label: s.mostEngaged, line: itemLine(data.mostEngaged, s, when) });
  // Items already shown as examples are not listed again.
  const exampleIds = new Set([data.first.id, data.mostEngaged?.id]);
  const others = data.itemIds.filter((id) => !exampleIds.has(id)).length;
  const listed = data.items.filter((i) => !exampleIds.has(i.id)).slice(0, MAX_LISTED).map((i) => itemLine(i, s, when));
  const hidden = others - listed.length;
  const heading = (h: string) => `${h}${opts.lang === 'fr' ? ' :' : ':'}`;

  const text = [
    summary,
    '',
    heading(s.why),
    ...why.map((l) => `  ${l}`),
    ...reasons.map((r) => `  - ${r}`),
    ...(claimLines.length ? ['', ...claimLines.map((c) => `${c.label}${colon}${c.value}${c.url ? `\n  ${c.url}` : ''}`)] : []),
    '',
    heading(s.examples),
    ...examples.map((e) => `  ${e.label}${colon}${e.line.headline}\n    ${e.line.meta}${e.line.url ? `\n    ${e.line.url}` : ''}`),
    ...(others ? ['', heading(`${s.others} (${others})`)] : []),
    ...listed.map((l) => `  * ${l.headline}\n    ${l.meta}${l.url ? `\n    ${l.url}` : ''}`),
    ...(hidden > 0 ? [`  ${s.more(hidden)}`] : []),
    '',
    '-- ',
    s.footer,
    '',
  ].join('\n');

  const e = (x: string) => encode(x);
  const link = (url: string | null, body: string) => (url ? `<a href="${e(url)}">${body}</a>` : body);
  const lineHtml = (l: ItemLine) =>
    `${link(l.url, e(l.headline))}<br><span style="color:#555;font-size:90%">${e(l.meta)}${l.url ? ` · ${link(l.url, e(s.open))}` : ''}</span>`;
  const html = `<!doctype html>
<html lang="${opts.lang}"><head><meta charset="utf-8"><title>${e(alertSubject(data, opts))}</title></head>
<body style="font-family:sans-serif;max-width:48em">
<p><strong>${e(summary)}</strong></p>
<h3>${e(s.why)}</h3>
<ul>${why.map((l) => `<li>${e(l)}</li>`).join('')}${reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>
${
  claimLines.length
    ? `<table cellpadding="4">${claimLines.map((c) => `<tr><th align="left" valign="top">${e(c.label)}</th><td>${e(c.value)}${c.url ? `<br>${link(c.url, e(c.url))}` : ''}</td></tr>`).join('')}</table>`
    : ''
}
<h3>${e(s.examples)}</h3>
<ul>${examples.map((x) => `<li><em>${e(x.label)}</em>${e(colon)}${lineHtml(x.line)}</li>`).join('')}</ul>
${others ? `<h3>${e(`${s.others} (${others})`)}</h3>\n<ol>${listed.map((l) => `<li>${lineHtml(l)}</li>`).join('')}</ol>` : ''}
${hidden > 0 ? `<p>${e(s.more(hidden))}</p>` : ''}
<p style="color:#777;font-size:85%">${e(s.footer)}</p>
</body></html>
`;
  return { subject: alertSubject(data, opts), html, text };
}

export interface DeadAlertReport {
  id: number;
  recipients: string[];
  subject: string;
  attempts: number;
  failingSince: number;
  error: string;
}

/** The admin's notice that an alert was given up on: what it was, to whom, and the last error. */
export function renderDeadReport(r: DeadAlertReport, lang: Lang, timeZone: string): RenderedAlert {
  const when = new Intl.DateTimeFormat(STRINGS[lang].locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(r.failingSince);
  const to = r.recipients.join(', ') || '—';
  const lines =
    lang === 'fr'
      ? [
          `L’alerte n° ${r.id} n’a pas pu être envoyée à ${to} après ${r.attempts} tentatives depuis le ${when}.`,
          `Objet : ${r.subject}`,
          `Dernière erreur : ${r.error}`,
          'Elle est abandonnée; elle figurera dans le prochain résumé et dans `veille outbox`.',
        ]
      : [
          `Alert #${r.id} could not be delivered to ${to} after ${r.attempts} attempts since ${when}.`,
          `Subject: ${r.subject}`,
          `Last error: ${r.error}`,
          'It has been given up on; it is listed in the next digest and in `veille outbox`.',
        ];
  return {
    subject: lang === 'fr' ? `[Veille] Alerte non livrée : n° ${r.id}` : `[Veille] Alert not delivered: #${r.id}`,
    text: `${lines.join('\n')}\n`,
    html: `<!doctype html>\n<html lang="${lang}"><body>${lines.map((l) => `<p>${encode(l)}</p>`).join('\n')}</body></html>\n`,
  };
}
