/**
 * A local stand-in for a Mastodon instance's public API: the hashtag timeline
 * (/api/v1/timelines/tag/:tag with max_id/since_id/min_id and Link headers) and full-text search
 * (/api/v2/search), returning statuses in Mastodon's JSON shape, boosts included (an outer status
 * whose `reblog` is the original). It can demand a bearer token and fail on request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalApi } from './listen.ts';
import { compareIds } from '../../daemon/sources/types.ts';

export interface FakeAccount {
  username: string;
  display_name: string;
  /** Home instance of a remote account; local accounts have none. */
  domain?: string;
}

export interface MastodonStatus {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  sensitive: boolean;
  spoiler_text: string;
  visibility: 'public';
  language: string | null;
  uri: string;
  url: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  edited_at: string | null;
  content: string;
  reblog: MastodonStatus | null;
  account: { id: string; username: string; acct: string; display_name: string; url: string; uri: string };
  media_attachments: unknown[];
  mentions: unknown[];
  tags: { name: string; url: string }[];
  emojis: unknown[];
  card: null;
  poll: null;
}

export interface NewStatus {
  content: string;
  account: FakeAccount;
  tags?: string[];
  language?: string | null;
  createdAt?: Date;
  spoiler?: string;
  inReplyTo?: string;
  counts?: Partial<Pick<MastodonStatus, 'replies_count' | 'reblogs_count' | 'favourites_count'>>;
}

export interface MastodonRequest {
  path: string;
  params: Record<string, string>;
  authorization: string | undefined;
}

export class FakeMastodon extends LocalApi {
  readonly requests: MastodonRequest[] = [];
  private statuses: MastodonStatus[] = [];
  private sequence = 0;
  private failures: { status: 401 | 429 | 500; after: number }[] = [];

  /** `requireToken`: refuse anonymous requests, as instances in authorized-fetch or limited mode do. */
  constructor(private readonly opts: { token?: string; requireToken?: boolean } = {}) {
    super();
  }

  get host(): string {
    return new URL(this.base).host;
  }

  post(s: NewStatus): MastodonStatus {
    const created = s.createdAt ?? new Date();
    const id = this.nextId(created);
    const { account, accountUrl } = this.account(s.account);
    const status: MastodonStatus = {
      id,
      created_at: created.toISOString(),
      in_reply_to_id: s.inReplyTo ?? null,
      in_reply_to_account_id: null,
      sensitive: !!s.spoiler,
      spoiler_text: s.spoiler ?? '',
      visibility: 'public',
      language: s.language === undefined ? 'en' : s.language,
      uri: `${accountUrl.replace('/@', '/users/')}/statuses/${id}`,
      url: `${accountUrl}/${id}`,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      ...s.counts,
      edited_at: null,
      content: s.content,
      reblog: null,
      account,
      media_attachments: [],
      mentions: [],
      tags: (s.tags ?? []).map((name) => ({ name: name.toLowerCase(), url: `${this.base}/tags/${name.toLowerCase()}` })),
      emojis: [],
      card: null,
      poll: null,
    };
    return this.store(status);
  }

  /** A boost: its own id, author and time, no content, and the original under `reblog`. */
  boost(original: MastodonStatus, by: FakeAccount): MastodonStatus {
    const id = this.nextId(new Date());
    const { account, accountUrl } = this.account(by);
    original.reblogs_count++;
    return this.store({
      ...original,
      id,
      created_at: new Date().toISOString(),
      uri: `${accountUrl.replace('/@', '/users/')}/statuses/${id}/activity`,
      url: null,
      content: '',
      spoiler_text: '',
      language: null,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      tags: [],
      account,
      reblog: original,
    });
  }

  failNext(status: 401 | 429 | 500, after = 0): void {
    this.failures.push({ status, after });
  }

  private nextId(at: Date): string {
    // Mastodon ids: milliseconds shifted left 16 bits, plus a sequence.
    return ((BigInt(at.getTime()) << 16n) | BigInt(this.sequence++ & 0xffff)).toString();
  }

  private account(a: FakeAccount) {
    const home = a.domain ? `https://${a.domain}` : this.base;
    const accountUrl = `${home}/@${a.username}`;
    const account = {
      id: String(1000 + a.username.length),
      username: a.username,
      acct: a.domain ? `${a.username}@${a.domain}` : a.username,
      display_name: a.display_name,
      url: accountUrl,
      uri: `${home}/users/${a.username}`,
    };
    return { account, accountUrl };
  }

  private store(s: MastodonStatus): MastodonStatus {
    this.statuses.push(s);
    this.statuses.sort((a, b) => compareIds(b.id, a.id));
    return s;
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    const params = Object.fromEntries(url.searchParams);
    const authorization = req.headers.authorization;
    this.requests.push({ path: url.pathname, params, authorization });

    const authed = !!this.opts.token && authorization === `Bearer ${this.opts.token}`;
    if (authorization && !authed) return json(res, 401, { error: 'The access token is invalid' });
    if (this.opts.requireToken && !authed) return json(res, 401, { error: 'This API requires an authenticated user' });

    const failure = this.failures[0];
    if (failure && failure.after-- <= 0) {
      this.failures.shift();
      if (failure.status === 401) return json(res, 401, { error: 'The access token was revoked' });
      if (failure.status === 429) {
        res.setHeader('x-ratelimit-limit', '300');
        res.setHeader('x-ratelimit-remaining', '0');
        res.setHeader('x-ratelimit-reset', new Date(Date.now() + 300_000).toISOString());
        return json(res, 429, { error: 'Too many requests' });
      }
      // Behind nginx, a crashed backend answers with an HTML page, not JSON.
      res.writeHead(500, { 'content-type': 'text/html' });
      return void res.end('<html><body><h1>We\'re sorry, but something went wrong on our end.</h1></body></html>');
    }

    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (tag) return this.tagTimeline(decodeURIComponent(tag[1]).toLowerCase(), url, params, res);
    if (url.pathname === '/api/v2/search') return this.search(params, authed, res);
    json(res, 404, { error: 'Record not found' });
  }

  private tagTimeline(tag: string, url: URL, params: Record<string, string>, res: ServerResponse): void {
    // Real instances leave boosts out of tag timelines; relays and some forks do not, so boosts of a
    // tagged status are served here to exercise that path.
    const tagged = this.statuses.filter((s) => (s.reblog ?? s).tags.some((t) => t.name === tag));
    const page = paginate(tagged, params);
    if (page.length) {
      const link = (key: string, id: string) => {
        const u = new URL(url.pathname, this.base);
        if (params.limit) u.searchParams.set('limit', params.limit);
        u.searchParams.set(key, id);
        return `<${u}>`;
      };
      res.setHeader('link', `${link('max_id', page[page.length - 1].id)}; rel="next", ${link('min_id', page[0].id)}; rel="prev"`);
    }
    json(res, 200, page);
  }

  private search(params: Record<string, string>, authed: boolean, res: ServerResponse): void {
    if (!params.q) return json(res, 400, { error: 'Validation failed: q is missing' });
    if (params.offset && Number(params.offset) > 0 && !authed) {
      return json(res, 401, { error: 'Search queries pagination is not supported without authentication' });
    }
    const words = params.q.toLowerCase().split(/\s+/).filter(Boolean);
    const found = this.statuses.filter((s) => !s.reblog && words.every((w) => s.content.replace(/<[^>]+>/g, ' ').toLowerCase().includes(w)));
    const offset = Number(params.offset ?? 0);
    const statuses = params.type && params.type !== 'statuses' ? [] : inRange(found, params).slice(offset, offset + limitOf(params));
    json(res, 200, { accounts: [], statuses, hashtags: [] });
  }
}

/** Mastodon's id-range paging: newest first; min_id gives the statuses immediately newer than it. */
function paginate(list: MastodonStatus[], params: Record<string, string>): MastodonStatus[] {
  const limit = limitOf(params);
  const found = inRange(list, params);
  return params.min_id ? found.slice(-limit) : found.slice(0, limit);
}

function inRange(list: MastodonStatus[], params: Record<string, string>): MastodonStatus[] {
  return list.filter(
    (s) =>
      (!params.max_id || compareIds(s.id, params.max_id) < 0) &&
      (!params.since_id || compareIds(s.id, params.since_id) > 0) &&
      (!params.min_id || compareIds(s.id, params.min_id) > 0),
  );
}

function limitOf(params: Record<string, string>): number {
  return Math.min(Math.max(Number(params.limit) || 20, 1), 40);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

