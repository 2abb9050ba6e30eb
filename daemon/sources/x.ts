/**
 * X (Twitter) recent search, read with the app's bearer token. X bills every post it returns and
 * rate-limits per 15-minute window, so this source counts what it reads, stops before the monthly
 * budget, waits out short rate-limit resets, and keeps a cursor that never skips and never re-reads.
 */
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { decode } from 'html-entities';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  TwitterApi,
  type ITwitterApiClientPlugin,
  type TweetSearchRecentV2Paginator,
  type TweetV2,
  type UserV2,
} from 'twitter-api-v2';
import type { SourceConfig } from '../config.ts';
import { compareIds, SourceError, type FetchContext, type FetchResult, type RawItem, type Source } from './types.ts';

type XConfig = Extract<SourceConfig, { type: 'x' }>;

export interface XSourceOptions {
  /** Longest rate-limit wait done in place; a later reset ends the fetch with `retryAt` instead. */
  maxWaitMs?: number;
}

const PAGE_SIZE = 100;
/** X refuses max_results below 10, so a budget with fewer than 10 reads left is spent. */
const MIN_PAGE = 10;
const TWITTER_EPOCH = 1288834974657n;
/** Recent search only reaches back 7 days and rejects a since_id/until_id older than that. */
const WINDOW_MS = 7 * 24 * 3600 * 1000 - 60_000;
/** X's codes for "no linguistic content" or "undetermined": no hint at all. */
const NOT_A_LANGUAGE = new Set(['und', 'qme', 'qam', 'qct', 'qht', 'qst', 'zxx', 'art']);

/**
 * The cursor is the newest id read ("T"), plus, when a run stopped before reaching the old since_id,
 * the range still to read ("T S..U": posts newer than S and older than U). X pages from the newest
 * post backwards, so an interrupted run has read (U, T] and missed (S, U). Storing only T would skip
 * that gap; storing only S would re-read (U, T] and pay for it again. The next run fills the gap
 * (since_id=S, until_id=U) before asking for anything newer than T.
 */
interface Cursor {
  newest: string | null;
  gap?: { since: string | null; until: string };
}

function parseCursor(value: string | null): Cursor {
  const m = /^(\d+)(?: (\d*)\.\.(\d+))?$/.exec(value ?? '');
  if (!m) return { newest: null };
  return { newest: m[1], gap: m[3] ? { since: m[2] || null, until: m[3] } : undefined };
}

function formatCursor(c: Cursor): string | null {
  if (!c.newest) return null;
  return c.gap ? `${c.newest} ${c.gap.since ?? ''}..${c.gap.until}` : c.newest;
}

export function createXSource(cfg: XConfig, opts: XSourceOptions = {}): Source {
  const maxWaitMs = opts.maxWaitMs ?? 3 * 60_000;
  const base = cfg.api_base.replace(/\/+$/, '');
  const host = new URL(base).host;
  // Rate-limit state outlives a fetch: a run must not spend a request X has already said it will refuse.
  let limitedUntil = 0;

  return {
    id: cfg.id,
    type: 'x',
    async fetch(state, ctx) {
      const token = process.env[cfg.bearer_token_env];
      if (!token) throw new SourceError(`environment variable ${cfg.bearer_token_env} (the X bearer token) is not set`);
      const budget = cfg.monthly_read_budget;
      let reads = 0;
      const budgetLeft = () => (budget === undefined ? Infinity : budget - state.readsThisMonth - reads);
      if (budgetLeft() < MIN_PAGE) {
        // Checked again hourly at no cost: when the month turns, the runner resets readsThisMonth.
        throw new SourceError(
          `monthly read budget reached (${state.readsThisMonth} of ${budget} posts read this month); X fetching paused until next month`,
          Date.now() + 3600_000,
        );
      }
      const client = makeClient(token, base, cfg.timeout_ms, ctx.signal);
      // A first run starts from the newest page instead of paying to read back through the whole week.
      const firstRun = state.cursor === null;
      const cursor = dropExpired(parseCursor(state.cursor), ctx, cfg.id);

      const items: RawItem[] = [];
      let pages = 0;
      let stopped: string | undefined;
      let newest = cursor.newest;
      let gap: Cursor['gap'];

      // The gap left by an interrupted run is read first, then what is newer than `newest`.
      const ranges = [...(cursor.gap ? [cursor.gap] : []), { since: cursor.newest, until: null }];
      for (const range of ranges) {
        let nextToken: string | undefined;
        let oldestRead: string | undefined;
        do {
          if (pages >= cfg.max_pages) stopped = `page cap of ${cfg.max_pages} reached`;
          else if (budgetLeft() < MIN_PAGE) stopped = `monthly read budget of ${budget} posts reached`;
          if (stopped) break;
          let page: TweetSearchRecentV2Paginator;
          try {
            await waitForWindow(limitedUntil, maxWaitMs, ctx, cfg.id);
            const params = {
              since_id: range.since ?? undefined,
              until_id: range.until ?? undefined,
              next_token: nextToken,
              max_results: Math.min(PAGE_SIZE, budgetLeft()),
            };
            page = await requestPage(client, cfg.query, params, maxWaitMs, ctx, cfg.id);
          } catch (err) {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            const failure = describeError(err, host, cfg.bearer_token_env);
            if (failure.retryAt) limitedUntil = failure.retryAt;
            // Nothing read yet: a plain failure that the runner records and backs off from.
            if (!items.length) throw failure;
            stopped = failure.message;
            break;
          }
          pages++;
          const rl = page.rateLimit;
          if (rl.remaining === 0 && rl.reset) limitedUntil = rl.reset * 1000;
          reads += page.tweets.length;
          for (const t of page.tweets) items.push(toRawItem(t, page.includes.author(t)));
          if (page.tweets.length) {
            if (!newest || compareIds(page.meta.newest_id, newest) > 0) newest = page.meta.newest_id;
            oldestRead = page.meta.oldest_id;
          }
          nextToken = firstRun ? undefined : page.meta.next_token;
        } while (nextToken);

        if (stopped) {
          if (oldestRead) gap = { since: range.since, until: oldestRead };
          else if (range.until) gap = { since: range.since, until: range.until };
          break;
        }
      }
      if (stopped) {
        const pending = gap ? `${gap.since ?? ''}..${gap.until}` : undefined;
        ctx.log.warn({ source: cfg.id, reads, pending }, `X fetch stopped early (${stopped}); the rest is read on the next run`);
      }
      const next = formatCursor({ newest, gap });
      return { items, reads, state: next === state.cursor ? undefined : { cursor: next } } satisfies FetchResult;
    },
  };
}

const TWEET_FIELDS = ['author_id', 'created_at', 'lang', 'public_metrics', 'conversation_id', 'referenced_tweets'] as const;

/**
 * One page, waiting out a 429 in place when the reset is near enough. Each page is its own search
 * carrying next_token rather than the paginator's next(): next() reuses the first page's
 * max_results, and the last page before the budget runs out has to be smaller.
 */
async function requestPage(
  client: TwitterApi,
  query: string,
  params: { since_id?: string; until_id?: string; next_token?: string; max_results: number },
  maxWaitMs: number,
  ctx: FetchContext,
  sourceId: string,
): Promise<TweetSearchRecentV2Paginator> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.v2.search(query, {
        ...params,
        'tweet.fields': [...TWEET_FIELDS],
        expansions: ['author_id'],
        'user.fields': ['username', 'name'],
      });
    } catch (err) {
      // A reset already past, or a third 429 in a row: X and we disagree on time, leave it to the runner.
      const resetMs = err instanceof ApiResponseError && err.rateLimitError ? (err.rateLimit?.reset ?? 0) * 1000 : 0;
      if (!resetMs || resetMs <= Date.now() || resetMs - Date.now() > maxWaitMs || attempt >= 3) throw err;
      await waitForWindow(resetMs, maxWaitMs, ctx, sourceId);
    }
  }
}

async function waitForWindow(until: number, maxWaitMs: number, ctx: FetchContext, sourceId: string): Promise<void> {
  const waitMs = until - Date.now();
  if (waitMs <= 0) return;
  if (waitMs > maxWaitMs) throw new SourceError(`X rate limit reached; the window resets at ${new Date(until).toISOString()}`, until);
  ctx.log.info({ source: sourceId, waitMs, until: new Date(until).toISOString() }, 'X rate limit reached: waiting for the reset');
  // A second past the reset: X's clock and ours differ slightly, and an early retry earns another 429.
  await sleep(waitMs + 1000, undefined, { signal: ctx.signal });
}

function makeClient(token: string, base: string, timeoutMs: number, signal: AbortSignal): TwitterApi {
  // The library has no base-URL setting, no deadline and no abort: a plugin supplies all three.
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, base);
    },
    onBeforeRequest({ requestOptions }) {
      requestOptions.timeout = timeoutMs;
      requestOptions.signal = signal;
    },
  };
  const httpAgent = base.startsWith('http://') ? new Agent() : undefined;
  return new TwitterApi(token, { plugins: [plugin], ...(httpAgent ? { httpAgent } : {}) });
}

/** A reason staff can act on. The library's error objects carry the request headers, token included, so they are never logged. */
function describeError(err: unknown, host: string, tokenEnv: string): SourceError {
  if (err instanceof SourceError) return err;
  if (err instanceof ApiResponseError) {
    const data = (err.data ?? {}) as { title?: string; detail?: string; errors?: { message?: string }[] };
    const detail = data.errors?.[0]?.message ?? data.detail ?? data.title ?? '';
    const said = detail ? `: ${detail}` : '';
    if (err.rateLimitError) {
      const reset = (err.rateLimit?.reset ?? 0) * 1000 || Date.now() + 15 * 60_000;
      return new SourceError(`X rate limit reached (429); the window resets at ${new Date(reset).toISOString()}`, reset);
    }
    if (err.code === 401) return new SourceError(`X refused the bearer token from ${tokenEnv} (401 Unauthorized${said})`);
    if (err.code === 403) return new SourceError(`X refused access to recent search (403 Forbidden${said}); check the app's access level`);
    if (err.code === 400) return new SourceError(`X rejected the request (400${said}); check the query`);
    if (err.code >= 500) return new SourceError(`X is unavailable (${err.code}${said})`);
    return new SourceError(`X answered ${err.code}${said}`);
  }
  if (err instanceof ApiPartialResponseError) return new SourceError(`X's answer from ${host} was cut off (${err.message})`);
  if (err instanceof ApiRequestError) {
    const cause = err.requestError as Error & { code?: string };
    return new SourceError(`cannot reach X at ${host}: ${cause.code ?? cause.message}`);
  }
  return new SourceError(`X fetch failed: ${(err as Error).message}`);
}

function toRawItem(t: TweetV2, user: UserV2 | undefined): RawItem {
  const username = user?.username;
  const name = user?.name;
  const refs = t.referenced_tweets ?? [];
  const ref = (type: string) => refs.find((r) => r.type === type)?.id;
  const m = t.public_metrics;
  const lang = t.lang && !NOT_A_LANGUAGE.has(t.lang) ? t.lang : undefined;
  const published = t.created_at ? Date.parse(t.created_at) : NaN;
  return {
    externalId: t.id,
    url: `https://x.com/${username ?? 'i/web'}/status/${t.id}`,
    // v2 returns text with &amp; &lt; &gt; escaped although it is plain text.
    text: decode(t.text),
    author: username ? (name ? `${name} (@${username})` : `@${username}`) : undefined,
    publishedAt: Number.isNaN(published) ? undefined : published,
    langHint: lang,
    engagement: m ? { reposts: m.retweet_count, replies: m.reply_count, likes: m.like_count, quotes: m.quote_count } : undefined,
    thread: {
      conversationId: t.conversation_id,
      repliedTo: ref('replied_to'),
      quoted: ref('quoted'),
      reposted: ref('retweeted'),
    },
  };
}

/**
 * A cursor older than the search window makes X reject the request outright, so after a long
 * outage the unreachable part is dropped, with a warning that says what was lost.
 */
function dropExpired(c: Cursor, ctx: FetchContext, sourceId: string): Cursor {
  const expired = (id: string | null | undefined) => !!id && Number((BigInt(id) >> 22n) + TWITTER_EPOCH) < Date.now() - WINDOW_MS;
  let { newest, gap } = c;
  if (gap && expired(gap.until)) gap = undefined;
  else if (gap && expired(gap.since)) gap = { since: null, until: gap.until };
  if (expired(newest)) newest = null;
  if (gap !== c.gap || newest !== c.newest) {
    ctx.log.warn({ source: sourceId, cursor: formatCursor(c) }, 'X cursor is older than the 7-day search window: posts before the window cannot be read');
  }
  return { newest, gap };
}
