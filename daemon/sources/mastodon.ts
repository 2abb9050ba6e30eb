/**
 * A Mastodon hashtag timeline or full-text search on any instance, through its public API, with an
 * optional access token. Boosts are resolved to the status they boost, and authors are recorded
 * with their home instance so that the same name on two instances stays two people.
 */
import type { SourceConfig } from '../config.ts';
import { compareIds, SourceError, type RawItem, type Source } from './types.ts';

type MastodonConfig = Extract<SourceConfig, { type: 'mastodon' }>;

/** The largest page Mastodon serves. */
const LIMIT = 40;
const USER_AGENT = 'Veille/0.1 (media monitoring)';

interface Status {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  spoiler_text: string;
  language: string | null;
  uri: string;
  url: string | null;
  content: string;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  reblog: Status | null;
  account: { acct: string; display_name: string };
}

interface Page {
  statuses: Status[];
  prev?: string;
}

export function createMastodonSource(cfg: MastodonConfig): Source {
  const origin = new URL(cfg.instance).origin;
  const host = new URL(cfg.instance).host;
  const tag = cfg.hashtag?.replace(/^#/, '');

  return {
    id: cfg.id,
    type: 'mastodon',
    async fetch(state, ctx) {
      let token: string | undefined;
      if (cfg.token_env) {
        token = process.env[cfg.token_env];
        if (!token) throw new SourceError(`environment variable ${cfg.token_env} (the ${host} access token) is not set`);
      }
      const get = (url: string) => getPage(url, { token, timeoutMs: cfg.timeout_ms, signal: ctx.signal, host, tokenEnv: cfg.token_env });
      const { statuses, cursor, stopped } = tag
        ? await readTimeline(get, state.cursor, cfg, origin, tag)
        : await readSearch(get, state.cursor, cfg, origin);
      if (stopped) ctx.log.warn({ source: cfg.id, read: statuses.length }, `Mastodon fetch stopped early (${stopped}); the rest is read on the next run`);
      return { items: resolveBoosts(statuses, host), state: cursor === state.cursor ? undefined : { cursor } };
    },
  };
}

type Getter = (url: string) => Promise<Page>;
interface ReadResult {
  statuses: Status[];
  cursor: string | null;
  stopped?: string;
}

/**
 * Pages forward from the cursor with min_id (the Link header's rel="prev"), oldest page first, so
 * that everything up to the newest status read is read: an interrupted run keeps what it read, and
 * the cursor cannot jump over statuses it never saw. Paging back with since_id and max_id would read
 * newest first and leave a hole between the old cursor and the last page reached.
 */
async function readTimeline(get: Getter, cursor: string | null, cfg: MastodonConfig, origin: string, tag: string): Promise<ReadResult> {
  let url = `${origin}/api/v1/timelines/tag/${encodeURIComponent(tag)}?limit=${LIMIT}${cursor ? `&min_id=${cursor}` : ''}`;
  const statuses: Status[] = [];
  let newest = cursor;
  for (let pages = 0; ; pages++) {
    if (pages >= cfg.max_pages) return { statuses, cursor: newest, stopped: `page cap of ${cfg.max_pages} reached` };
    let page: Page;
    try {
      page = await get(url);
    } catch (err) {
      if (!statuses.length || !(err instanceof SourceError)) throw err;
      return { statuses, cursor: newest, stopped: err.message };
    }
    statuses.push(...page.statuses);
    for (const s of page.statuses) if (!newest || compareIds(s.id, newest) > 0) newest = s.id;
    // A first run takes the newest page only instead of walking back through the tag's history.
    if (!cursor || page.statuses.length < LIMIT) return { statuses, cursor: newest };
    url = sameOrigin(page.prev, origin) ?? `${origin}/api/v1/timelines/tag/${encodeURIComponent(tag)}?limit=${LIMIT}&min_id=${newest}`;
  }
}

/**
 * Search pages by offset under a fixed min_id, in an order the instance chooses (relevance or date),
 * so the newest id is only known once every page was read. A run cut short stores how far it got
 * ("since+offset@newest") and the next run goes on from there: new matches push older ones to later
 * offsets, so resuming can re-read a few (the pipeline drops those) but cannot step over any.
 */
async function readSearch(get: Getter, cursor: string | null, cfg: MastodonConfig, origin: string): Promise<ReadResult> {
  const m = /^(\d+)(?:\+(\d+)@(\d+))?$/.exec(cursor ?? '');
  const since = m?.[1];
  let offset = Number(m?.[2] ?? 0);
  let newest = m?.[3] ?? since ?? null;
  const statuses: Status[] = [];
  const progress = () => `${since}+${offset}@${newest}`;
  for (let pages = 0; ; pages++) {
    if (pages >= cfg.max_pages) return { statuses, cursor: progress(), stopped: `page cap of ${cfg.max_pages} reached` };
    const q = new URLSearchParams({ q: cfg.query ?? '', type: 'statuses', limit: String(LIMIT), offset: String(offset) });
    if (since) q.set('min_id', since);
    let page: Page;
    try {
      page = await get(`${origin}/api/v2/search?${q}`);
    } catch (err) {
      if (!statuses.length || !(err instanceof SourceError)) throw err;
      return { statuses, cursor: progress(), stopped: err.message };
    }
    statuses.push(...page.statuses);
    offset += page.statuses.length;
    for (const s of page.statuses) if (!newest || compareIds(s.id, newest) > 0) newest = s.id;
    // A first run takes one page instead of the instance's whole history.
    if (!since || page.statuses.length < LIMIT) return { statuses, cursor: newest };
  }
}

/** One status per original: a boost stands for the status it boosts, seen once however often boosted. */
function resolveBoosts(statuses: Status[], host: string): RawItem[] {
  const seen = new Set<string>();
  const items: RawItem[] = [];
  for (const outer of statuses) {
    const s = outer.reblog ?? outer;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    items.push(toRawItem(s, host));
  }
  return items;
}

function toRawItem(s: Status, host: string): RawItem {
  // Local accounts' acct has no domain: add the instance's, so every author names their home.
  const acct = `@${s.account.acct.includes('@') ? s.account.acct : `${s.account.acct}@${host}`}`;
  const published = Date.parse(s.created_at);
  return {
    externalId: s.id,
    url: s.url ?? s.uri,
    // A content warning is the closest thing a status has to a title.
    title: s.spoiler_text || undefined,
    html: s.content,
    author: s.account.display_name ? `${s.account.display_name} (${acct})` : acct,
    publishedAt: Number.isNaN(published) ? undefined : published,
    langHint: s.language ?? undefined,
    engagement: { reposts: s.reblogs_count, replies: s.replies_count, likes: s.favourites_count, quotes: 0 },
    thread: s.in_reply_to_id ? { repliedTo: s.in_reply_to_id } : undefined,
  };
}

interface GetOptions {
  token?: string;
  timeoutMs: number;
  signal: AbortSignal;
  host: string;
  tokenEnv?: string;
}

async function getPage(url: string, opts: GetOptions): Promise<Page> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.any([opts.signal, deadline]) });
    body = await res.text();
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (deadline.aborted) throw new SourceError(`${opts.host} did not answer within ${opts.timeoutMs} ms`);
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new SourceError(`cannot reach ${opts.host}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    data = undefined;
  }
  if (!res.ok) throw httpError(res, data, opts);
  const statuses = Array.isArray(data) ? data : (data as { statuses?: unknown } | undefined)?.statuses;
  if (!Array.isArray(statuses)) throw new SourceError(`${opts.host} answered ${res.status} without a list of statuses`);
  return { statuses: statuses as Status[], prev: linkRel(res.headers.get('link'), 'prev') };
}

function httpError(res: Response, data: unknown, opts: GetOptions): SourceError {
  const said = typeof (data as { error?: unknown })?.error === 'string' ? `: ${(data as { error: string }).error}` : '';
  const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}${said}`;
  if (res.status === 401 || res.status === 403) {
    const hint = opts.tokenEnv ? `; check the token in ${opts.tokenEnv}` : '; this instance may require an access token (token_env)';
    return new SourceError(`${opts.host} refused the request (${status})${hint}`);
  }
  if (res.status === 429) {
    const reset = Date.parse(res.headers.get('x-ratelimit-reset') ?? '');
    const retryAt = Number.isNaN(reset) ? undefined : reset;
    return new SourceError(`${opts.host} rate limit reached (${status})${retryAt ? `; resets at ${new Date(retryAt).toISOString()}` : ''}`, retryAt);
  }
  if (res.status >= 500) return new SourceError(`${opts.host} is unavailable (${status})`);
  return new SourceError(`${opts.host} answered ${status}`);
}

/** The URL of one relation in a Link header: `<url>; rel="next", <url>; rel="prev"`. */
function linkRel(header: string | null, rel: string): string | undefined {
  for (const part of header?.split(/,\s*(?=<)/) ?? []) {
    const m = /^<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2].split(/\s+/).includes(rel)) return m[1];
  }
  return undefined;
}

/** The token must not follow a link to another host. */
function sameOrigin(url: string | undefined, origin: string): string | undefined {
  return url && URL.canParse(url) && new URL(url).origin === origin ? url : undefined;
}
