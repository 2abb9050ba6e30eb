/**
 * Turns a source's raw item into the plain, comparable form everything downstream uses: text
 * without markup, a canonical URL without tracking noise, and a hash of the wording so the same
 * story syndicated by two feeds is recognised as one.
 */
import { createHash } from 'node:crypto';
import { Parser } from 'htmlparser2';
import { fold, oneLine } from '../../rules/text.ts';
import type { Engagement, RawItem } from '../sources/types.ts';

export interface NormalItem {
  externalId: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  text: string;
  author: string | null;
  publishedAt: number | null;
  langHint: string | undefined;
  contentHash: string;
  engagement: Engagement | undefined;
}

/** Longest title and body kept; a hostile 50 MB field must not reach the matchers or the emails. */
const MAX_TITLE = 1_000;
const MAX_TEXT = 20_000;

export function normalise(raw: RawItem): NormalItem {
  const title = oneLine(htmlToText(raw.title ?? ''), MAX_TITLE);
  const text = oneLine(raw.text !== undefined ? collapse(raw.text) : htmlToText(raw.html ?? ''), MAX_TEXT);
  const canonicalUrl = raw.url ? canonicalise(raw.url) : null;
  return {
    externalId: raw.externalId.slice(0, 2_000),
    url: raw.url?.slice(0, 2_000) ?? null,
    canonicalUrl,
    title,
    text,
    author: raw.author ? oneLine(collapse(raw.author), 200) : null,
    publishedAt: raw.publishedAt ?? null,
    langHint: raw.langHint,
    contentHash: contentHash(title, text),
    engagement: raw.engagement,
  };
}

const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'section', 'article', 'header', 'footer', 'hr', 'img', 'figure', 'figcaption']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'head']);

/** Visible text of an HTML fragment, entities decoded; scripts and styles dropped. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  const parts: string[] = [];
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIP.has(name)) skipping++;
        else if (BLOCK.has(name)) parts.push(' ');
      },
      onclosetag(name) {
        if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (!skipping) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return collapse(parts.join(''));
}

// Bidi embedding, override and isolate controls can make a post display as something else
// ("gnp.exe" shown as "exe.png"); they carry no content, so they are dropped at the door.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// C0 and C1 control characters other than white space: nothing a reader should receive.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

function collapse(s: string): string {
  return s.replace(BIDI_CONTROLS, '').replace(CONTROLS, '').replace(/\s+/g, ' ').trim();
}

const TRACKING = /^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|ref_src|ref_url|cmpid|s_cid|spm|mkt_tok|oly_enc_id|oly_anon_id|vero_id|wt_mc|wt\.mc_id|ocid|__twitter_impression|feature|sr_share)$/i;
const REDIRECTORS: Record<string, string> = { 'www.google.com': 'url', 'google.com': 'url', 'news.google.com': 'url', 'l.facebook.com': 'u' };

/**
 * The same article reached through different feeds differs only in tracking parameters, a
 * fragment, a redirector (Google Alerts wraps every link) or letter case in the host.
 */
export function canonicalise(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const param = REDIRECTORS[url.hostname];
  const target = param && url.pathname === '/url' ? url.searchParams.get(param) ?? url.searchParams.get('q') : null;
  if (target && target !== link) return canonicalise(target);
  url.hash = '';
  const kept = new URLSearchParams([...url.searchParams].filter(([k]) => !TRACKING.test(k)));
  // In code-unit order: the same in every locale, and without the collation tables (some 3 MB)
  // that localeCompare would load into the daemon.
  kept.sort();
  url.search = kept.toString();
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.slice(0, -1);
  return url.href;
}

/** Hash of the wording only: case, accents, punctuation and spacing do not make a new story. */
export function contentHash(title: string, text: string): string {
  const words = fold(`${title} ${text}`).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return createHash('sha1').update(words).digest('base64url');
}
