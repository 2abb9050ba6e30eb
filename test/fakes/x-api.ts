/**
 * A local stand-in for X's API v2 recent search (GET /2/tweets/search/recent), speaking its wire
 * format: snowflake ids, `data`/`includes.users`/`meta`, opaque next_token pagination, the
 * x-rate-limit-* headers, a 7-day window for since_id/until_id, and X's problem-JSON errors.
 * Tests and the demo seed it with posts; it records every request so callers can check what was asked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalApi } from './listen.ts';
import { compareIds } from '../../daemon/sources/types.ts';

export interface FakeXUser {
  id: string;
  username: string;
  name: string;
}

export interface FakeXPost {
  text: string;
  author: FakeXUser;
  /** Defaults to now; the id is derived from it, as X's snowflake ids are. */
  createdAt?: Date;
  lang?: string;
  conversationId?: string;
  metrics?: Partial<{ retweet_count: number; reply_count: number; like_count: number; quote_count: number }>;
  referenced?: { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[];
}

export interface XRequest {
  path: string;
  params: Record<string, string>;
  authorization: string | undefined;
}

interface StoredPost extends Required<Omit<FakeXPost, 'referenced' | 'metrics'>> {
  id: string;
  metrics: FakeXPost['metrics'];
  referenced?: FakeXPost['referenced'];
}

const TWITTER_EPOCH = 1288834974657n;
const WINDOW_MS = 7 * 24 * 3600 * 1000;
const RATE_WINDOW_S = 15 * 60;

export function snowflake(ms: number, sequence = 0): string {
  return (((BigInt(ms) - TWITTER_EPOCH) << 22n) | BigInt(sequence & 0xfff)).toString();
}

export class FakeXApi extends LocalApi {
  readonly requests: XRequest[] = [];
  /** Requests allowed per 15-minute window, as X's x-rate-limit-limit says. */
  rateLimit = 450;
  private remaining = this.rateLimit;
  private resetAt = 0;
  private posts: StoredPost[] = [];
  private sequence = 0;
  private failures: { status: 401 | 503; after: number }[] = [];

  constructor(private readonly opts: { token?: string } = {}) {
    super();
  }

  addPost(post: FakeXPost): string {
    const createdAt = post.createdAt ?? new Date();
    const id = snowflake(createdAt.getTime(), this.sequence++);
    this.posts.push({
      id,
      text: post.text,
      author: post.author,
      createdAt,
      lang: post.lang ?? 'en',
      conversationId: post.conversationId ?? id,
      metrics: post.metrics,
      referenced: post.referenced,
    });
    this.posts.sort((a, b) => compareIds(b.id, a.id));
    return id;
  }

  /** Uses up the rate-limit window: X answers 429 until the reset, then refills. */
  exhaustRateLimit(resetInS: number): void {
    this.remaining = 0;
    this.resetAt = Math.floor(Date.now() / 1000) + resetInS;
  }

  /** Makes a later request fail: `after` successful requests first. */
  failNext(status: 401 | 503, after = 0): void {
    this.failures.push({ status, after });
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, params, authorization: req.headers.authorization });

    const nowS = Math.floor(Date.now() / 1000);
    if (nowS >= this.resetAt) {
      this.remaining = this.rateLimit;
      this.resetAt = nowS + RATE_WINDOW_S;
    }
    res.setHeader('x-rate-limit-limit', String(this.rateLimit));
    res.setHeader('x-rate-limit-reset', String(this.resetAt));

    if (this.opts.token && req.headers.authorization !== `Bearer ${this.opts.token}`) {
      res.setHeader('x-rate-limit-remaining', String(this.remaining));
      return problem(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (this.remaining <= 0) {
      res.setHeader('x-rate-limit-remaining', '0');
      return problem(res, 429, 'Too Many Requests', 'Too Many Requests');
    }
    this.remaining--;
    res.setHeader('x-rate-limit-remaining', String(this.remaining));

    const failure = this.failures[0];
    if (failure && failure.after-- <= 0) {
      this.failures.shift();
      if (failure.status === 401) return problem(res, 401, 'Unauthorized', 'Unauthorized');
      return problem(res, 503, 'Service Unavailable', 'Service Unavailable');
    }
    if (req.method !== 'GET' || url.pathname !== '/2/tweets/search/recent') {
      return problem(res, 404, 'Not Found Error', `The requested resource ${url.pathname} was not found`);
    }
    this.search(params, res);
  }

  private search(params: Record<string, string>, res: ServerResponse): void {
    const invalid = (parameter: string, message: string) =>
      send(res, 400, {
        errors: [{ parameters: { [parameter]: [params[parameter] ?? ''] }, message }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    if (!params.query) return invalid('query', 'The `query` query parameter can not be empty');
    let matcher: (p: StoredPost) => boolean;
    try {
      matcher = compileQuery(params.query);
    } catch (err) {
      return invalid('query', `There were errors processing your request: ${(err as Error).message}`);
    }
    const maxResults = params.max_results === undefined ? 10 : Number(params.max_results);
    if (!Number.isInteger(maxResults) || maxResults < 10 || maxResults > 100) {
      return invalid('max_results', `The \`max_results\` query parameter value [${params.max_results}] is not between 10 and 100`);
    }
    const windowStart = snowflake(Date.now() - WINDOW_MS);
    for (const key of ['since_id', 'until_id'] as const) {
      if (params[key] && compareIds(params[key], windowStart) < 0) {
        return invalid(key, `Invalid '${key}':'${params[key]}'. '${key}' must be a tweet id created after ${new Date(Date.now() - WINDOW_MS).toISOString()}`);
      }
    }
    let below = params.until_id;
    if (params.next_token) {
      const after = /^after:(\d+)$/.exec(Buffer.from(params.next_token, 'base64url').toString())?.[1];
      if (!after) return invalid('next_token', 'The `next_token` query parameter value is not valid');
      below = after;
    }
    const hits = this.posts.filter(
      (p) =>
        (!params.since_id || compareIds(p.id, params.since_id) > 0) &&
        (!below || compareIds(p.id, below) < 0) &&
        compareIds(p.id, windowStart) >= 0 &&
        matcher(p),
    );
    const page = hits.slice(0, maxResults);
    if (!page.length) return send(res, 200, { meta: { result_count: 0 } });

    const tweetFields = new Set((params['tweet.fields'] ?? '').split(','));
    const expansions = new Set((params.expansions ?? '').split(','));
    const userFields = new Set((params['user.fields'] ?? '').split(','));
    const data = page.map((p) => {
      const t: Record<string, unknown> = { id: p.id, text: p.text, edit_history_tweet_ids: [p.id] };
      if (tweetFields.has('author_id') || expansions.has('author_id')) t.author_id = p.author.id;
      if (tweetFields.has('created_at')) t.created_at = p.createdAt.toISOString();
      if (tweetFields.has('lang')) t.lang = p.lang;
      if (tweetFields.has('conversation_id')) t.conversation_id = p.conversationId;
      if (tweetFields.has('public_metrics')) {
        t.public_metrics = { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0, ...p.metrics };
      }
      if (tweetFields.has('referenced_tweets') && p.referenced?.length) t.referenced_tweets = p.referenced;
      return t;
    });
    const body: Record<string, unknown> = { data };
    if (expansions.has('author_id')) {
      const users = new Map(page.map((p) => [p.author.id, p.author]));
      body.includes = {
        users: [...users.values()].map((u) => ({
          id: u.id,
          name: u.name,
          username: u.username,
          ...(userFields.has('verified') ? { verified: false } : {}),
        })),
      };
    }
    const meta: Record<string, unknown> = {
      newest_id: page[0].id,
      oldest_id: page[page.length - 1].id,
      result_count: page.length,
    };
    if (hits.length > page.length) meta.next_token = Buffer.from(`after:${page[page.length - 1].id}`).toString('base64url');
    body.meta = meta;
    send(res, 200, body);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  send(res, status, { title, detail, type: 'about:blank', status });
}

type Node = (p: StoredPost) => boolean;

/**
 * The subset of X's query language that monitoring queries use: terms, "exact phrases", #hashtags,
 * @mentions, OR, grouping, negation, and the is:/lang:/from: operators. Juxtaposition is AND.
 */
export function compileQuery(query: string): Node {
  const tokens = query.match(/\(|\)|"[^"]*"|-(?=\S)|[^\s()"]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (): Node => {
    const parts = [parseAnd()];
    while (peek() === 'OR') {
      pos++;
      parts.push(parseAnd());
    }
    return (p) => parts.some((f) => f(p));
  };
  const parseAnd = (): Node => {
    const parts: Node[] = [];
    while (pos < tokens.length && peek() !== ')' && peek() !== 'OR') parts.push(parseUnary());
    if (!parts.length) throw new Error(`empty group at token ${pos + 1}`);
    return (p) => parts.every((f) => f(p));
  };
  const parseUnary = (): Node => {
    if (peek() === '-') {
      pos++;
      const inner = parseAtom();
      return (p) => !inner(p);
    }
    return parseAtom();
  };
  const parseAtom = (): Node => {
    const tok = tokens[pos++];
    if (tok === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') throw new Error('missing closing parenthesis');
      return inner;
    }
    if (tok.startsWith('"')) return wordMatcher(tok.slice(1, -1));
    const op = /^(is|lang|from):(.+)$/.exec(tok);
    if (op) {
      const [, name, value] = op;
      if (name === 'lang') return (p) => p.lang === value;
      if (name === 'from') return (p) => p.author.username.toLowerCase() === value.toLowerCase();
      const type = { retweet: 'retweeted', quote: 'quoted', reply: 'replied_to' }[value];
      if (!type) throw new Error(`unknown operator is:${value}`);
      return (p) => !!p.referenced?.some((r) => r.type === type);
    }
    return wordMatcher(tok);
  };

  const root = parseOr();
  if (pos < tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);
  return root;
}

function wordMatcher(words: string): Node {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_#@])${escaped}(?![\\p{L}\\p{N}_])`, 'iu');
  return (p) => re.test(p.text);
}
