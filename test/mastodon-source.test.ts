import { afterEach, describe, expect, it } from 'vitest';
import { sourceSchema } from '../daemon/config.ts';
import { createMastodonSource } from '../daemon/sources/mastodon.ts';
import { SourceError, type FetchContext, type SourceState } from '../daemon/sources/types.ts';
import { FakeMastodon, type FakeAccount } from './fakes/mastodon.ts';

const TOKEN = 'masto-secret-91c2';
const local: FakeAccount = { username: 'claire', display_name: 'Claire Roy' };
const remote: FakeAccount = { username: 'ottawanews', display_name: 'Ottawa News', domain: 'news.example' };
const booster: FakeAccount = { username: 'dan', display_name: '' };

let fake: FakeMastodon;
let logs: { level: string; msg?: string }[] = [];

async function startFake(opts?: ConstructorParameters<typeof FakeMastodon>[0]) {
  fake = new FakeMastodon(opts);
  await fake.start();
  logs = [];
  return fake;
}
afterEach(async () => {
  await fake?.stop();
  delete process.env.MASTO_TEST_TOKEN;
});

function source(extra: Record<string, unknown> = { hashtag: 'ottawa' }) {
  const cfg = sourceSchema.parse({ id: 'mastodon-ottawa', type: 'mastodon', instance: fake.url, ...extra });
  if (cfg.type !== 'mastodon') throw new Error('expected a mastodon config');
  return createMastodonSource(cfg);
}

const ctx: FetchContext = {
  signal: new AbortController().signal,
  log: { info: (_o, msg) => logs.push({ level: 'info', msg }), warn: (_o, msg) => logs.push({ level: 'warn', msg }) },
};

function state(cursor: string | null = null): SourceState {
  return { etag: null, lastModified: null, cursor, readsThisMonth: 0 };
}

async function run(src: ReturnType<typeof source>, s: SourceState) {
  const res = await src.fetch(s, ctx);
  return { res, next: { ...s, ...res.state }, ids: res.items.map((i) => i.externalId) };
}

function seed(n: number, tags = ['ottawa']): string[] {
  return Array.from({ length: n }, (_, i) => fake.post({ content: `<p>Status ${i} <a href="#">#ottawa</a></p>`, account: local, tags }).id);
}

const timeline = () => fake.requests.filter((r) => r.path.startsWith('/api/v1/timelines/tag/'));

describe('Mastodon source', () => {
  it('maps a status: HTML, link, author with home instance, language, counts, content warning', async () => {
    await startFake();
    const created = new Date(Date.now() - 120_000);
    const s = fake.post({
      content: '<p>Fermeture de la rue <a href="https://x.example">Rideau</a> &amp; Sussex</p>',
      account: remote,
      tags: ['Ottawa'],
      language: 'fr',
      createdAt: created,
      spoiler: 'Police',
      inReplyTo: '42',
      counts: { reblogs_count: 3, replies_count: 1, favourites_count: 12 },
    });
    const mine = fake.post({ content: '<p>Local post</p>', account: local, tags: ['ottawa'], language: null });
    fake.post({ content: '<p>Other tag</p>', account: local, tags: ['toronto'] });

    const res = await source({ hashtag: '#Ottawa' }).fetch(state(), ctx);

    expect(res.items.map((i) => i.externalId)).toEqual([mine.id, s.id]);
    expect(res.items[1]).toEqual({
      externalId: s.id,
      url: s.url,
      title: 'Police',
      html: '<p>Fermeture de la rue <a href="https://x.example">Rideau</a> &amp; Sussex</p>',
      author: 'Ottawa News (@ottawanews@news.example)',
      publishedAt: created.getTime(),
      langHint: 'fr',
      engagement: { reposts: 3, replies: 1, likes: 12, quotes: 0 },
      thread: { repliedTo: '42' },
    });
    expect(res.items[0].author).toBe(`Claire Roy (@claire@${fake.host})`);
    expect(res.items[0].langHint).toBeUndefined();
    expect(timeline()[0].path).toBe('/api/v1/timelines/tag/Ottawa');
    expect(timeline()[0].authorization).toBeUndefined();
  });

  it('resumes from the stored cursor after a restart: no duplicates, nothing skipped', async () => {
    await startFake();
    const first = seed(3);
    const a = await run(source(), state());
    expect(a.ids.sort()).toEqual([...first].sort());
    expect(a.next.cursor).toBe(first[2]);

    const later = seed(2);
    const b = await run(source(), a.next);
    expect(timeline().at(-1)!.params.min_id).toBe(first[2]);
    expect(b.ids.sort()).toEqual([...later].sort());
    expect(b.next.cursor).toBe(later[1]);

    const c = await run(source(), b.next);
    expect(c.ids).toEqual([]);
    expect(c.res.state).toBeUndefined();
  });

  it('follows the Link header across pages until caught up', async () => {
    await startFake();
    const { next } = await run(source(), state(seed(1)[0]));
    const fresh = seed(100);
    const before = timeline().length;

    const b = await run(source(), { ...next, cursor: next.cursor });

    const reqs = timeline().slice(before);
    expect(reqs).toHaveLength(3);
    expect(new Set(b.ids)).toEqual(new Set(fresh));
    expect(b.ids).toHaveLength(100);
    // Each page is the server's rel="prev": the statuses just newer than the previous page.
    expect(reqs[1].params.min_id).toBe(fresh[39]);
    expect(reqs[2].params.min_id).toBe(fresh[79]);
    expect(b.next.cursor).toBe(fresh[99]);
  });

  it('keeps what it read when the instance fails mid-way, and reads the rest next time', async () => {
    await startFake();
    const start = seed(1);
    const fresh = seed(90);
    fake.failNext(500, 1);

    const b = await run(source(), state(start[0]));
    expect(b.ids).toHaveLength(40);
    expect(logs.some((l) => l.level === 'warn' && /stopped early.*unavailable/.test(l.msg ?? ''))).toBe(true);

    const c = await run(source(), b.next);
    expect([...b.ids, ...c.ids]).toHaveLength(90);
    expect(new Set([...b.ids, ...c.ids])).toEqual(new Set(fresh));
  });

  it('resolves boosts to the original status, once, even when the original is also there', async () => {
    await startFake();
    const start = seed(1);
    const original = fake.post({ content: '<p>Road closed downtown #ottawa</p>', account: remote, tags: ['ottawa'], language: 'en' });
    fake.boost(original, booster);
    fake.boost(original, local);

    const b = await run(source(), state(start[0]));
    expect(b.res.items).toHaveLength(1);
    expect(b.res.items[0]).toMatchObject({
      externalId: original.id,
      author: 'Ottawa News (@ottawanews@news.example)',
      html: '<p>Road closed downtown #ottawa</p>',
      url: original.url,
      langHint: 'en',
    });
    expect(b.res.items[0].engagement!.reposts).toBe(2);

    // Boosted again later, when the original is older than the cursor: still the original.
    fake.boost(original, { username: 'eve', display_name: 'Eve' });
    const c = await run(source(), b.next);
    expect(c.ids).toEqual([original.id]);
    expect(c.res.items[0].author).toBe('Ottawa News (@ottawanews@news.example)');
  });

  it('sends the access token when configured', async () => {
    await startFake({ token: TOKEN, requireToken: true });
    process.env.MASTO_TEST_TOKEN = TOKEN;
    const ids = seed(2);
    const res = await source({ hashtag: 'ottawa', token_env: 'MASTO_TEST_TOKEN' }).fetch(state(), ctx);
    expect(res.items.map((i) => i.externalId).sort()).toEqual([...ids].sort());
    expect(fake.requests[0].authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('explains a 401 from an instance that wants a token, and from a bad token', async () => {
    await startFake({ token: TOKEN, requireToken: true });
    await expect(source().fetch(state(), ctx)).rejects.toThrow(
      /refused the request \(401 Unauthorized: This API requires an authenticated user\); this instance may require an access token/,
    );

    process.env.MASTO_TEST_TOKEN = 'stale-token-xyz';
    const err = (await source({ hashtag: 'ottawa', token_env: 'MASTO_TEST_TOKEN' }).fetch(state(), ctx).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/401 Unauthorized: The access token is invalid\); check the token in MASTO_TEST_TOKEN/);
    expect(err.message).not.toContain('stale-token-xyz');
  });

  it('reports a server error page (500) and a rate limit (429) as readable failures', async () => {
    await startFake();
    seed(1);
    fake.failNext(500);
    await expect(source().fetch(state(), ctx)).rejects.toThrow(/^127\.0\.0\.1:\d+ is unavailable \(500 Internal Server Error\)$/);

    fake.failNext(429);
    const err = (await source().fetch(state(), ctx).catch((e: unknown) => e)) as SourceError;
    expect(err.message).toMatch(/rate limit reached \(429 Too Many Requests: Too many requests\)/);
    expect(err.retryAt).toBeGreaterThan(Date.now() + 200_000);
  });

  it('says which variable is missing when the token is not set', async () => {
    await startFake();
    await expect(source({ hashtag: 'ottawa', token_env: 'MASTO_TEST_TOKEN' }).fetch(state(), ctx)).rejects.toThrow(/MASTO_TEST_TOKEN.*not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('reports an unreachable instance', async () => {
    await startFake();
    const src = source();
    await fake.stop();
    await expect(src.fetch(state(), ctx)).rejects.toThrow(/cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('searches with a query, paging by offset and resuming a capped run where it stopped', async () => {
    await startFake({ token: TOKEN });
    process.env.MASTO_TEST_TOKEN = TOKEN;
    const cfg = { query: 'police ottawa', token_env: 'MASTO_TEST_TOKEN', max_pages: 2 };
    const post = (n: number) =>
      Array.from({ length: n }, (_, i) => fake.post({ content: `<p>Ottawa <b>police</b> update ${i}</p>`, account: remote }).id);
    fake.post({ content: '<p>Unrelated</p>', account: remote });
    const first = post(2);

    const a = await run(source(cfg), state());
    expect(a.ids.sort()).toEqual([...first].sort());
    const search = fake.requests.at(-1)!;
    expect(search.path).toBe('/api/v2/search');
    expect(search.params).toMatchObject({ q: 'police ottawa', type: 'statuses' });

    const fresh = post(100);
    const b = await run(source(cfg), a.next);
    expect(b.ids).toHaveLength(80);
    expect(fake.requests.slice(-2).map((r) => r.params.min_id)).toEqual([first[1], first[1]]);
    const c = await run(source(cfg), b.next);
    expect(new Set([...b.ids, ...c.ids])).toEqual(new Set(fresh));
    expect(c.next.cursor).toBe(fresh[99]);
    const d = await run(source(cfg), c.next);
    expect(d.ids).toEqual([]);
  });

  it('rejects a config with both a hashtag and a query, or neither', () => {
    const base = { id: 'm', type: 'mastodon', instance: 'https://mastodon.social' };
    expect(sourceSchema.safeParse({ ...base, hashtag: 'ottawa', query: 'ottawa' }).success).toBe(false);
    expect(sourceSchema.safeParse(base).success).toBe(false);
    expect(sourceSchema.safeParse({ ...base, hashtag: 'ottawa police' }).success).toBe(false);
  });
});
