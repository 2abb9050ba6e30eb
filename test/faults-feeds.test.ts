/**
 * Hostile feeds: a thousand mutated feeds (truncated, noise, lying encodings, deep nesting, entity
 * bombs, oversize fields...) go through the real fetch, parse and ingest path beside good feeds. No
 * crash, every failure recorded with a reason, the good feeds untouched, memory bounded. Then the
 * daemon itself, as a child process, meets the worst servers: a 50 MB field, a response that never
 * ends, one that never answers, a redirect loop.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../daemon/engine.ts';
import type { Logger } from '../daemon/log.ts';
import { openDb } from '../storage/db.ts';
import { sourceHealth, type SourceHealth } from '../storage/sources.ts';
import { behaviours, FeedServer } from './fakes/feed-server.ts';
import { HEAVY_KINDS, hostileFeeds, MUTATION_KINDS, rssFeed, type HostileFeed } from './fakes/hostile.ts';
import { reportFigures } from './fixtures/faults/figures.ts';
import { memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

const SEED = 20261123;
const FEEDS = 1_000;
const BATCHES = 4;
const GOOD = 5;
const TIMEOUT_MS = 2_000;
/** What the daemon may use at most, stated up front; the peaks seen are printed. */
const RSS_CAP_MB = 300;
/** The test worker also holds vitest, the server and the generated feeds: its own cap is looser. */
const WORKER_CAP_MB = 600;
const MB = 1024 * 1024;

const feeds = hostileFeeds(SEED, FEEDS);
let server: FeedServer;
let ws: Workspace;
let dbFile: string;
let failures = 0;
let feedsChecked = 0;

/** The good feeds get new items before each run; these are the guids they must end up with. */
const goodGuids = new Map<string, string[]>();

function publishGood(round: number): void {
  for (let g = 0; g < GOOD; g++) {
    const id = `good-${g}`;
    const items = Array.from({ length: 4 }, (_, k) => ({
      guid: `${id}-r${round}-${k}`,
      title: `Council round ${round} notice ${g}.${k}`,
      html: `<p>The council met about the ${['bridge', 'park', 'library', 'budget'][k]} on round ${round}, feed ${g}.</p>`,
      link: `https://good${g}.example.org/r${round}/${k}`,
    }));
    goodGuids.set(id, [...(goodGuids.get(id) ?? []), ...items.map((i) => i.guid)]);
    server.doc(`/good/${g}.xml`, { body: rssFeed(items, { lang: 'en' }), contentType: 'application/rss+xml' });
  }
}

const rss = (id: string, path: string) => ({ id, type: 'rss', url: server.url(path), timeout_ms: TIMEOUT_MS });

function goodSources() {
  return Array.from({ length: GOOD }, (_, g) => rss(`good-${g}`, `/good/${g}.xml`));
}

function healthById(): Map<string, SourceHealth> {
  const db = openDb(dbFile);
  try {
    return new Map(sourceHealth(db, Date.now()).map((h) => [h.id, h]));
  } finally {
    db.$client.close();
  }
}

function storedGuids(sourceId: string): string[] {
  const db = openDb(dbFile);
  try {
    const rows = db.$client.prepare('select external_id as id from sightings where source_id = ? order by external_id').all(sourceId) as { id: string }[];
    return rows.map((r) => r.id);
  } finally {
    db.$client.close();
  }
}

/** Longest title and body any stored item has: the normaliser's caps must hold for hostile feeds. */
function longestStored(): { title: number; text: number } {
  const db = openDb(dbFile);
  try {
    return db.$client.prepare('select coalesce(max(length(title)), 0) as title, coalesce(max(length(text)), 0) as text from items').get() as { title: number; text: number };
  } finally {
    db.$client.close();
  }
}

beforeAll(async () => {
  server = await new FeedServer().start();
  feeds.forEach((f, i) => server.doc(`/h/${i}.xml`, { body: f.body, contentType: f.contentType }));
  ws = workspace({});
  dbFile = join(ws.dir, 'veille.db');
});

afterAll(async () => {
  await server?.stop();
  ws?.cleanup();
  reportFigures('feeds', { feeds: feedsChecked, failures });
});

describe('a thousand hostile feeds through fetch, parse and ingest', () => {
  let peakRss = 0;
  const outcomes: { feed: HostileFeed; status: string; error?: string }[] = [];

  beforeAll(async () => {
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    try {
      const per = FEEDS / BATCHES;
      for (let b = 0; b < BATCHES; b++) {
        publishGood(b);
        const hostile = feeds.slice(b * per, (b + 1) * per).map((_, k) => rss(`h${b * per + k}`, `/h/${b * per + k}.xml`));
        const batch = workspace({ database: dbFile, sources: [...goodSources(), ...hostile] });
        const engine = createEngine(batch.config(), memoryLog() as unknown as Logger);
        try {
          const summary = await engine.runCycle({ force: true });
          for (const o of summary.sources) {
            const i = Number(/^h(\d+)$/.exec(o.sourceId)?.[1] ?? NaN);
            if (!Number.isNaN(i)) outcomes[i] = { feed: feeds[i], status: o.status, error: o.error };
          }
        } finally {
          engine.close();
          batch.cleanup();
        }
      }
    } finally {
      clearInterval(sampler);
    }
  }, 240_000);

  it('records every feed that cannot be read as failed, with a reason staff can read', () => {
    const health = healthById();
    const broken: string[] = [];
    outcomes.forEach((o, i) => {
      const row = health.get(`h${i}`);
      const reason = row?.lastError ?? '';
      const ok = o.status === 'failed' ? reason.length > 3 && reason === o.error : o.status === 'ok' && o.feed.expect === 'any' && !row?.lastError;
      if (!ok) broken.push(`h${i} (${o.feed.kind}): ${o.status} ${JSON.stringify(reason)}`);
    });
    feedsChecked = outcomes.filter(Boolean).length;
    failures += broken.length;
    expect(feedsChecked).toBe(FEEDS);
    expect(broken).toEqual([]);
    // Every kind of damage was exercised, and the ones that must fail did.
    expect(new Set(outcomes.map((o) => o.feed.kind))).toEqual(new Set(MUTATION_KINDS));
    const reasons = new Map<string, string>();
    for (const o of outcomes) if (o.error && !reasons.has(o.feed.kind)) reasons.set(o.feed.kind, o.error);
    expect(reasons.get('entity-bomb')).toMatch(/not a readable RSS\/Atom feed/);
    expect(reasons.get('noise')).toMatch(/not a readable RSS\/Atom feed/);
  });

  it('does not expand entities: no bomb or external entity reaches the database', () => {
    const db = openDb(dbFile);
    try {
      const leaked = db.$client.prepare("select count(*) as n from items where title like '%lollollol%' or title like '%root:%' or text like '%root:x:0%'").get() as { n: number };
      expect(leaked.n).toBe(0);
    } finally {
      db.$client.close();
    }
  });

  it('leaves the good feeds unaffected: every one of their items is stored, once', () => {
    const health = healthById();
    for (const [id, guids] of goodGuids) {
      expect(health.get(id)?.lastError ?? null, id).toBeNull();
      expect(storedGuids(id), id).toEqual([...guids].sort());
    }
  });

  it('keeps stored text within the normaliser caps and memory under the cap', () => {
    const longest = longestStored();
    expect(longest.title).toBeLessThanOrEqual(1_000);
    expect(longest.text).toBeLessThanOrEqual(20_000);
    const maxRss = (process.resourceUsage().maxRSS * 1024) / MB;
    console.log(`hostile feeds in-process: peak RSS sampled ${Math.round(peakRss / MB)} MB, worker high-water mark ${Math.round(maxRss)} MB (cap ${WORKER_CAP_MB} MB)`);
    expect(maxRss).toBeLessThan(WORKER_CAP_MB);
  });
});

/** One byte every 100 ms, for ever: a response that never ends. */
function trickle(_req: unknown, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title>');
  const timer = setInterval(() => res.write(' '), 100);
  res.on('close', () => clearInterval(timer));
}

/** A valid feed whose one description is 50 MB, streamed; with `declared`, the length is announced. */
function field50(declared: boolean) {
  const head = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><item><guid>big</guid><title>big</title><description>');
  const tail = Buffer.from('</description></item></channel></rss>');
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const total = 50 * MB;
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', ...(declared ? { 'content-length': String(head.length + total + tail.length) } : {}) });
    res.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end(tail);
    };
    pump();
  };
}

describe('the daemon against servers that never end or never stop sending', () => {
  it('fails each bad source with its reason, stores the good feeds, exits 0 and stays under its memory cap', async () => {
    publishGood(BATCHES);
    server.route('/x/hang', behaviours.hang());
    server.route('/x/trickle', trickle);
    server.route('/x/silent', () => undefined);
    server.route('/x/field50', field50(false));
    server.route('/x/field50-declared', field50(true));
    server.route('/x/loop', behaviours.redirect('/x/loop', 302));
    server.route('/x/error', behaviours.status(503, { 'retry-after': '120' }));
    server.route('/x/huge', behaviours.huge(30 * MB));
    const expected: Record<string, RegExp> = {
      'x-hang': /timed out after 2000 ms/,
      'x-trickle': /timed out after 2000 ms/,
      'x-silent': /timed out after 2000 ms/,
      'x-field50': /exceeds the 10485760-byte cap/,
      'x-field50-declared': /over the 10485760-byte cap/,
      // Twenty redirects to itself; on a loaded machine the deadline may come first.
      'x-loop': /redirect|timed out after 2000 ms/i,
      'x-error': /HTTP 503/,
      'x-huge': /exceeds the 10485760-byte cap/,
    };
    // One of each kind that costs the parser most, and the bombs.
    const worst = [...HEAVY_KINDS, 'entity-bomb', 'external-entity'].map((kind) => {
      const i = feeds.findIndex((f) => f.kind === kind);
      return { f: feeds[i], i };
    });
    const run = workspace({
      database: dbFile,
      sources: [
        ...goodSources(),
        ...Object.keys(expected).map((id) => rss(id, `/${id.replace('-', '/')}`)),
        ...worst.map(({ i }) => rss(`w${i}`, `/h/${i}.xml`)),
      ],
    });
    try {
      const child = spawn(process.execPath, [resolve(import.meta.dirname, '../daemon/veille.mjs'), 'run', '--once', '--force', '--config', run.configPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, VEILLE_LOG_LEVEL: 'warn' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      // VmHWM is the process's own high-water mark: the last reading before exit is its peak.
      let hwmKb = 0;
      const poll = setInterval(() => {
        try {
          hwmKb = Math.max(hwmKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
        } catch {
          // Gone: the last reading stands.
        }
      }, 25);
      const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
      clearInterval(poll);
      console.log(`daemon against endless and oversize responses: peak RSS ${Math.round(hwmKb / 1024)} MB (cap ${RSS_CAP_MB} MB)`);

      const bad: string[] = [];
      if (code !== 0) bad.push(`exit code ${code}: ${stderr.slice(-2000)}`);
      const health = healthById();
      for (const [id, reason] of Object.entries(expected)) {
        const err = health.get(id)?.lastError ?? '';
        if (!reason.test(err)) bad.push(`${id}: ${JSON.stringify(err)}`);
        if (!stdout.includes(`failing: ${id}: `)) bad.push(`${id} missing from the run's report`);
      }
      for (const { f, i } of worst) {
        const row = health.get(`w${i}`);
        if (!row?.lastSuccessAt && !row?.lastError) bad.push(`w${i} (${f.kind}) has no outcome`);
      }
      for (const [id, guids] of goodGuids) if (storedGuids(id).length !== guids.length) bad.push(`${id}: ${storedGuids(id).length} of ${guids.length} items`);
      if (hwmKb / 1024 >= RSS_CAP_MB) bad.push(`peak RSS ${Math.round(hwmKb / 1024)} MB`);
      feedsChecked += Object.keys(expected).length + worst.length;
      failures += bad.length;
      expect(bad).toEqual([]);
      expect(hwmKb).toBeGreaterThan(0);
    } finally {
      run.cleanup();
    }
  }, 90_000);
});
