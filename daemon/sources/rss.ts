/** RSS 0.9x/1.0/2.0 and Atom feeds: news, Google Alerts, Reddit, Mastodon tag feeds, YouTube channels. */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import type { SourceConfig } from '../config.ts';
import { fetchDocument } from './http.ts';
import { SourceError, type RawItem, type Source } from './types.ts';

type RssConfig = Extract<SourceConfig, { type: 'rss' }>;

type FeedItem = Parser.Item & {
  id?: string;
  author?: string;
  'content:encoded'?: string;
  'media:group'?: { 'media:description'?: string[] };
  'yt:videoId'?: string;
  language?: string;
};

// Some publishers serve <rss> without a version attribute; read those as RSS 2.0 rather than fail.
const parser: Parser<{ language?: string }, FeedItem> = new Parser({
  defaultRSS: 2,
  customFields: { item: ['media:group', 'yt:videoId', 'id'] },
});

export function createRssSource(cfg: RssConfig): Source {
  return {
    id: cfg.id,
    type: 'rss',
    async fetch(state, ctx) {
      const res = await fetchDocument({
        url: cfg.url,
        etag: state.etag,
        lastModified: state.lastModified,
        timeoutMs: cfg.timeout_ms,
        maxBytes: cfg.max_bytes,
        signal: ctx.signal,
      });
      if (res.status === 304) return { items: [], notModified: true };
      const items = await parseFeed(res.text, { lang: cfg.lang, base: res.url });
      return { items, state: { etag: res.etag, lastModified: res.lastModified } };
    },
  };
}

export async function parseFeed(xml: string, opts: { lang?: string; base?: string } = {}): Promise<RawItem[]> {
  let feed: Parser.Output<FeedItem> & { language?: string };
  try {
    feed = await parser.parseString(xml);
  } catch (err) {
    const msg = (err as Error).message.split('\n').slice(0, 2).join(' ');
    throw new SourceError(`not a readable RSS/Atom feed: ${msg}`);
  }
  const feedLang = opts.lang ?? feed.language;
  return feed.items.map((item) => toRawItem(item, feedLang, opts.base));
}

function toRawItem(item: FeedItem, feedLang: string | undefined, base: string | undefined): RawItem {
  const html = item['content:encoded'] ?? item.content ?? item['media:group']?.['media:description']?.[0] ?? item.summary;
  const published = Date.parse(item.isoDate ?? item.pubDate ?? '');
  return {
    // The guid is the publisher's identity for an item; without one, the link, then the content.
    externalId: item.guid ?? item['yt:videoId'] ?? item.id ?? item.link ?? contentId(item),
    url: absolute(item.link, base),
    title: item.title,
    html: typeof html === 'string' ? html : undefined,
    author: item.creator ?? item.author,
    publishedAt: Number.isNaN(published) ? undefined : published,
    langHint: item.language ?? feedLang,
  };
}

function contentId(item: FeedItem): string {
  return 'sha1:' + createHash('sha1').update(`${item.title ?? ''}\n${item.pubDate ?? ''}\n${item.content ?? ''}`).digest('hex');
}

/** Some feeds give links relative to the site. */
function absolute(link: string | undefined, base: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    return new URL(link, base).href;
  } catch {
    return link;
  }
}
