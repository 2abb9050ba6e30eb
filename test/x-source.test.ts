import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceSchema } from '../daemon/config.ts';
import { createXSource, type XSourceOptions } from '../daemon/sources/x.ts';
import { SourceError, type FetchContext, type SourceState } from '../daemon/sources/types.ts';
import { FakeXApi, snowflake, type FakeXUser } from './fakes/x-api.ts';

const TOKEN = 'test-bearer-7f3a';
const QUERY = '("Ottawa police" OR SPO OR #ottpoli) -is:retweet';
const alice: FakeXUser = { id: '11', username: 'alice_ott', name: 'Alice Tremblay' };
const bob: FakeXUser = { id: '22', username: 'bob613', name: 'Bob' };

let api: FakeXApi;
let logs: { level: string; obj: object; msg?: string }[];

beforeEach(async () => {
  api = new FakeXApi({ token: TOKEN });
  await api.start();
  process.env.X_TEST_TOKEN = TOKEN;
  logs = [];
});
afterEach(async () => {
  await api.stop();
  delete process.env.X_TEST_TOKEN;
});

function source(extra: Record<string, unknown> = {}, opts?: XSourceOptions) {
  const cfg = sourceSchema.parse({
    id: 'x-ops',
    type: 'x',
    query: QUERY,
    bearer_token_env: 'X_TEST_TOKEN',
    api_base: api.url,
    ...extra,
  });
  if (cfg.type !== 'x') throw new Error('expected an x config');
  return createXSource(cfg, opts);
}

function ctx(signal = new AbortController().signal): FetchContext {
  return {
    signal,
    log: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
  };
}

function state(cursor: string | null = null, readsThisMonth = 0): SourceState {
  return { etag: null, lastModified: null, cursor, readsThisMonth };
}

function seed(n: number, text = (i: number) => `SPO update number ${i}`): string[] {
  return Array.from({ length: n }, (_, i) => api.addPost({ text: text(i), author: alice }));
}

/** Runs fetches in sequence as the runner would, carrying the state along. */
async function run(src: ReturnType<typeof source>, s: SourceState) {
  const res = await src.fetch(s, ctx());
  const next = { ...s, ...res.state, readsThisMonth: s.readsThisMonth + (res.reads ?? 0) };
  return { res, next, ids: res.items.map((i) => i.externalId) };
}

const searches = () => api.requests.filter((r) => r.path === '/2/tweets/search/recent');

describe('X recent search source', () => {
  it('maps author, engagement, language hint, thread ids and text, asking X for those fields', async () => {
    const created = new Date(Date.now() - 60_000);
    const id = api.addPost({
      text: 'Le SPO ferme la rue Rideau &amp; la rue Sussex',
      author: alice,
      createdAt: created,
      lang: 'fr',
      conversationId: '1234',
      metrics: { retweet_count: 4, reply_count: 2, like_count: 31, quote_count: 1 },
      referenced: [{ type: 'replied_to', id: '1234' }],
    });
    api.addPost({ text: '#ottpoli 🚓', author: bob, lang: 'und' });
    api.addPost({ text: 'Nothing relevant here', author: bob });

    const res = await source().fetch(state(), ctx());

    expect(res.items).toHaveLength(2);
    const fr = res.items.find((i) => i.externalId === id)!;
    expect(fr).toMatchObject({
      url: `https://x.com/alice_ott/status/${id}`,
      text: 'Le SPO ferme la rue Rideau & la rue Sussex',
      author: 'Alice Tremblay (@alice_ott)',
      publishedAt: created.getTime(),
      langHint: 'fr',
      engagement: { reposts: 4, replies: 2, likes: 31, quotes: 1 },
      thread: { conversationId: '1234', repliedTo: '1234' },
    });
    const und = res.items.find((i) => i.externalId !== id)!;
    expect(und.author).toBe('Bob (@bob613)');
    expect(und.langHint).toBeUndefined();
    expect(res.reads).toBe(2);

    const [req] = searches();
    expect(req.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.params.query).toBe(QUERY);
    expect(req.params['tweet.fields'].split(',')).toEqual(
      expect.arrayContaining(['author_id', 'created_at', 'lang', 'public_metrics', 'conversation_id', 'referenced_tweets']),
    );
    expect(req.params.expansions).toBe('author_id');
    expect(req.params['user.fields'].split(',')).toEqual(expect.arrayContaining(['username', 'name']));
  });

  it('resumes after a restart from the stored since_id: no duplicates, nothing skipped', async () => {
    const first = seed(3);
    const a = await run(source(), state());
    expect(a.ids.sort()).toEqual([...first].sort());
    expect(a.next.cursor).toBe(first[2]);

    const later = seed(2, (i) => `Ottawa police statement ${i}`);
    // A new source object stands for a restarted daemon: only the stored state carries over.
    const b = await run(source(), a.next);
    expect(searches().at(-1)!.params.since_id).toBe(first[2]);
    expect(b.ids.sort()).toEqual([...later].sort());
    expect(b.next.cursor).toBe(later[1]);

    const c = await run(source(), b.next);
    expect(c.ids).toEqual([]);
    expect(c.res.state).toBeUndefined();
  });

  it('follows next_token over several pages and moves the cursor only past what it read', async () => {
    const start = seed(1);
    const { next } = await run(source(), state());
    const fresh = seed(250);

    const b = await run(source(), next);

    expect(b.ids).toHaveLength(250);
    expect(new Set(b.ids)).toEqual(new Set(fresh));
    const reqs = searches().slice(1);
    expect(reqs).toHaveLength(3);
    expect(reqs.every((r) => r.params.since_id === start[0])).toBe(true);
    expect(reqs[0].params.next_token).toBeUndefined();
    expect(reqs[1].params.next_token).toBeTruthy();
    expect(reqs[2].params.next_token).toBeTruthy();
    expect(b.next.cursor).toBe(fresh[249]);
    expect(b.res.reads).toBe(250);
  });

  it('on a first run reads only the newest page rather than the whole week', async () => {
    const all = seed(150);
    const a = await run(source(), state());
    expect(a.ids).toHaveLength(100);
    expect(new Set(a.ids)).toEqual(new Set(all.slice(50)));
    expect(searches()).toHaveLength(1);
    expect(a.next.cursor).toBe(all[149]);
  });

  it('keeps what it read when X fails mid-pagination, then reads exactly the rest on the next run', async () => {
    seed(1);
    const { next } = await run(source(), state());
    const fresh = seed(230);
    api.failNext(503, 1); // page 2 of 3 fails

    const b = await run(source(), next);
    expect(b.ids).toHaveLength(100);
    expect(logs.some((l) => l.level === 'warn' && /stopped early.*unavailable/i.test(l.msg ?? ''))).toBe(true);

    const newer = seed(5);
    const c = await run(source(), b.next);
    const all = [...b.ids, ...c.ids];
    expect(all).toHaveLength(235);
    expect(new Set(all)).toEqual(new Set([...fresh, ...newer]));
    expect(c.next.cursor).toBe(newer[4]);
    // X bills per post returned: every post was paid for once.
    expect(b.next.readsThisMonth - next.readsThisMonth + (c.res.reads ?? 0)).toBe(235);

    const d = await run(source(), c.next);
    expect(d.ids).toEqual([]);
  });

  it('spreads a burst over several runs when it exceeds the page cap, skipping nothing', async () => {
    seed(1);
    const { next } = await run(source({ max_pages: 2 }), state());
    const fresh = seed(250);

    const b = await run(source({ max_pages: 2 }), next);
    expect(b.ids).toHaveLength(200);
    const c = await run(source({ max_pages: 2 }), b.next);
    expect(c.ids).toHaveLength(50);
    expect(new Set([...b.ids, ...c.ids])).toEqual(new Set(fresh));
    expect(c.next.cursor).toBe(fresh[249]);
  });

  it('waits for a near rate-limit reset, logs the wait, then succeeds', async () => {
    const ids = seed(3);
    api.exhaustRateLimit(1);

    const res = await source().fetch(state(), ctx());

    expect(res.items.map((i) => i.externalId).sort()).toEqual([...ids].sort());
    expect(searches().length).toBe(2); // the 429, then the retry after the reset
    expect(logs.some((l) => l.level === 'info' && /rate limit.*waiting/i.test(l.msg ?? ''))).toBe(true);
  });

  it('ends with a retry time when the reset is further than it is willing to wait, without hammering', async () => {
    seed(3);
    api.exhaustRateLimit(600);
    const src = source({}, { maxWaitMs: 5_000 });

    const err = await src.fetch(state(), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toMatch(/rate limit/i);
    expect((err as SourceError).retryAt).toBeGreaterThan(Date.now() + 500_000);

    const before = searches().length;
    await expect(src.fetch(state(), ctx())).rejects.toThrow(/rate limit/i);
    expect(searches().length).toBe(before);
  });

  it('reads the rate-limit headers and does not send a request X would refuse', async () => {
    seed(1);
    const src = source({}, { maxWaitMs: 5_000 });
    const { next } = await run(src, state());
    api.rateLimit = 1;
    api.exhaustRateLimit(0); // a fresh 15-minute window of a single request
    const fresh = seed(150);

    const b = await run(src, next);
    expect(b.ids).toHaveLength(100);
    expect(api.requests.slice(1)).toHaveLength(1);

    const err = (await src.fetch(b.next, ctx()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.retryAt).toBeGreaterThan(Date.now() + 800_000);
    expect(api.requests.slice(1)).toHaveLength(1);
    expect(new Set(b.ids)).toEqual(new Set(fresh.slice(50)));
  });

  it('gives up a rate-limit wait when the daemon shuts down', async () => {
    seed(1);
    api.exhaustRateLimit(60);
    const ac = new AbortController();
    const pending = source().fetch(state(), ctx(ac.signal));
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('reports a rejected token (401) naming the variable but never the token', async () => {
    process.env.X_TEST_TOKEN = 'revoked-token-value';
    const err = (await source().fetch(state(), ctx()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/401/);
    expect(err.message).toContain('X_TEST_TOKEN');
    expect(err.message).not.toContain('revoked-token-value');
  });

  it('reports X being down (503) as a readable failure', async () => {
    seed(1);
    api.failNext(503);
    await expect(source().fetch(state(), ctx())).rejects.toThrow(/X is unavailable \(503: Service Unavailable\)/);
  });

  it('says which variable is missing when the token is not set', async () => {
    delete process.env.X_TEST_TOKEN;
    await expect(source().fetch(state(), ctx())).rejects.toThrow(/X_TEST_TOKEN.*not set/);
    expect(api.requests).toHaveLength(0);
  });

  it('stops before the monthly read budget is exceeded and says so', async () => {
    seed(1);
    const src = source({ monthly_read_budget: 130 });
    const { next } = await run(src, state());
    expect(next.readsThisMonth).toBe(1);
    seed(300);

    const b = await run(src, next);
    expect(b.next.readsThisMonth).toBe(130);
    expect(searches().slice(1).map((r) => r.params.max_results)).toEqual(['100', '29']);
    expect(logs.some((l) => l.level === 'warn' && /budget/.test(l.msg ?? ''))).toBe(true);

    const before = api.requests.length;
    const err = (await src.fetch(b.next, ctx()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/monthly read budget reached \(130 of 130/);
    expect(api.requests.length).toBe(before);
  });

  it('drops a cursor older than the 7-day search window instead of failing forever', async () => {
    const old = snowflake(Date.now() - 8 * 24 * 3600 * 1000);
    const ids = seed(2);
    const res = await source().fetch(state(old), ctx());
    expect(res.items.map((i) => i.externalId).sort()).toEqual([...ids].sort());
    expect(searches()[0].params.since_id).toBeUndefined();
    expect(logs.some((l) => l.level === 'warn' && /7-day/.test(l.msg ?? ''))).toBe(true);
  });
});
