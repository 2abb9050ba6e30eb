import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../daemon/engine.ts';
import type { Logger } from '../daemon/log.ts';
import type { RawItem, Source } from '../daemon/sources/types.ts';
import { sourceHealth, itemTotals } from '../storage/sources.ts';
import { behaviours, FeedServer } from './fakes/feed-server.ts';
import { fixtures, memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

const feed = (name: string) => readFileSync(join(fixtures, 'feeds', name));

describe('a cycle over healthy and broken feeds', () => {
  let server: FeedServer;
  let ws: Workspace;
  let engine: Engine;
  const log = memoryLog();

  beforeEach(async () => {
    server = await new FeedServer().start();
    server.doc('/city.xml', { body: feed('city-en.xml') });
    server.doc('/moved-target.atom', { body: feed('wire-en.atom') });
    server.route('/moved.atom', behaviours.redirect(server.url('/moved-target.atom')));
    server.route('/error.xml', behaviours.status(500));
    server.route('/slow.xml', behaviours.hang());
    server.route('/html.xml', behaviours.text('<html><body>Maintenance</body></html>'));
    server.route('/huge.xml', behaviours.huge(3_000_000));
    const rss = (id: string, path: string) => ({ id, type: 'rss', url: server.url(path), timeout_ms: 15_000, max_bytes: 1_000_000 });
    ws = workspace({
      sources: [rss('city', '/city.xml'), rss('wire', '/moved.atom'), rss('broken', '/error.xml'), { ...rss('slow', '/slow.xml'), timeout_ms: 1000 }, rss('notxml', '/html.xml'), rss('huge', '/huge.xml')],
    });
    engine = createEngine(ws.config(), log as unknown as Logger);
  });

  afterEach(async () => {
    engine.close();
    await server.stop();
    ws.cleanup();
  });

  it('stores the healthy feeds and records each failing one with its reason and a later attempt', async () => {
    const before = Date.now();
    const summary = await engine.runCycle();
    const byId = Object.fromEntries(summary.sources.map((s) => [s.sourceId, s]));
    expect(byId.city.status).toBe('ok');
    expect(byId.wire.status).toBe('ok');
    expect(byId.broken.error).toMatch(/HTTP 500/);
    expect(byId.slow.error).toMatch(/timed out after 1000 ms/);
    expect(byId.notxml.error).toMatch(/not a readable RSS\/Atom feed/);
    expect(byId.huge.error).toMatch(/1000000-byte cap/);

    const health = Object.fromEntries(sourceHealth(engine.db, Date.now()).map((h) => [h.id, h]));
    for (const id of ['broken', 'slow', 'notxml', 'huge']) {
      expect(health[id].consecutiveFailures).toBe(1);
      expect(health[id].lastError).toBeTruthy();
      expect(health[id].nextAttemptAt!).toBeGreaterThanOrEqual(before + 60_000);
    }
    expect(health.city.items).toBe(2);
    expect(health.wire.items).toBe(3);
    // One log line per source per cycle, with counts and duration.
    const sourceLines = log.lines.filter((l) => 'sourceId' in l.obj);
    expect(sourceLines).toHaveLength(6);
    expect(sourceLines.every((l) => 'durationMs' in l.obj && 'fetched' in l.obj)).toBe(true);
  });

  it('skips a failing source while it backs off, and doubles the delay on the next failure', async () => {
    await engine.runCycle({ only: ['broken'] });
    const first = sourceHealth(engine.db, Date.now()).find((h) => h.id === 'broken')!;
    const again = await engine.runCycle({ only: ['broken'] });
    expect(again.sources[0].status).toBe('skipped');
    await engine.runCycle({ only: ['broken'], force: true });
    const second = sourceHealth(engine.db, Date.now()).find((h) => h.id === 'broken')!;
    expect(second.consecutiveFailures).toBe(2);
    expect(second.nextAttemptAt! - second.lastAttemptAt!).toBeGreaterThanOrEqual(2 * (first.nextAttemptAt! - first.lastAttemptAt!) - 50);
  });

  it('sends the validators back and takes a 304 as nothing new', async () => {
    await engine.runCycle({ only: ['city'] });
    const second = await engine.runCycle({ only: ['city'] });
    expect(second.sources[0].status).toBe('not-modified');
    const conditional = server.requests.filter((r) => r.path === '/city.xml');
    expect(conditional[1].headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/);
    expect(conditional[1].headers['if-modified-since']).toBe('Sun, 22 Nov 2026 12:00:00 GMT');
  });

  it('resets the failure count once a source recovers', async () => {
    await engine.runCycle({ only: ['broken'] });
    server.doc('/error.xml', { body: feed('city-en.xml') });
    server.route('/error.xml', (req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(feed('city-en.xml')));
    await engine.runCycle({ only: ['broken'], force: true });
    const h = sourceHealth(engine.db, Date.now()).find((s) => s.id === 'broken')!;
    expect(h.consecutiveFailures).toBe(0);
    expect(h.nextAttemptAt).toBeNull();
    expect(h.lastSuccessAt).toBeGreaterThan(0);
  });
});

describe('dedupe', () => {
  let server: FeedServer;
  let ws: Workspace;
  let engine: Engine;

  beforeEach(async () => {
    server = await new FeedServer().start();
    server.doc('/city.xml', { body: feed('city-en.xml') });
    server.doc('/wire.atom', { body: feed('wire-en.atom') });
    ws = workspace({
      sources: [
        { id: 'city', type: 'rss', url: server.url('/city.xml') },
        { id: 'wire', type: 'rss', url: server.url('/wire.atom') },
      ],
    });
    engine = createEngine(ws.config(), memoryLog() as unknown as Logger);
  });

  afterEach(async () => {
    engine.close();
    await server.stop();
    ws.cleanup();
  });

  it('keeps one item per story across feeds and runs, with a sighting per source', async () => {
    const first = await engine.runCycle();
    // city: 2 items; wire: the collision (same URL once tracking is dropped), the robbery (same
    // wording, other URL), and one French item of its own.
    expect(first.new).toBe(3);
    expect(first.duplicates).toBe(2);
    server.doc('/city.xml', { body: feed('city-en.xml').toString().replace('<channel>', '<channel><!-- edited -->') });
    const second = await engine.runCycle();
    expect(second.new).toBe(0);
    expect(second.seen).toBe(2);
    const totals = itemTotals(engine.db);
    expect(totals.items).toBe(3);
    const health = Object.fromEntries(sourceHealth(engine.db, Date.now()).map((h) => [h.id, h.items]));
    expect(health).toEqual({ city: 2, wire: 3 });
  });

  it('judges items that repeat one another within one fetch in their order', async () => {
    const body = (what: string) => `${what}: the police closed the lanes near the bridge for several hours this morning after a crash.`;
    const batch: RawItem[] = [
      { externalId: 'a', url: 'https://news.example/a', title: 'Crash', text: body('Bank Street') },
      // Same article as a, by its URL once tracking is dropped.
      { externalId: 'b', url: 'https://news.example/a?utm_source=feed', title: 'Crash', text: 'Short.' },
      // Same id as b, which is stored by then as a sighting of a.
      { externalId: 'b', url: 'https://news.example/b', title: 'Other', text: body('Elgin Street') },
      // Same wording as a under another URL.
      { externalId: 'd', url: 'https://mirror.example/d', title: 'Crash', text: body('Bank Street') },
      { externalId: 'e', url: 'https://news.example/e', title: 'Fire', text: body('Rideau Street') },
      // Same id as a.
      { externalId: 'a', url: 'https://news.example/a2', title: 'Crash', text: body('Main Street') },
    ];
    const source: Source = { id: 'list', type: 'rss', fetch: async () => ({ items: batch }) };
    const outcome = await engine.runSource(source, { force: true });
    expect({ new: outcome.new, duplicates: outcome.duplicates, seen: outcome.seen }).toEqual({ new: 2, duplicates: 2, seen: 2 });
    const rows = engine.db.$client.prepare('select external_id, lang from items where source_id = ? order by id').all('list');
    expect(rows).toEqual([
      { external_id: 'a', lang: 'en' },
      { external_id: 'e', lang: 'en' },
    ]);
    const sightings = engine.db.$client
      .prepare('select s.external_id as sighting, i.external_id as item from sightings s join items i on i.id = s.item_id where s.source_id = ? order by s.external_id')
      .all('list');
    expect(sightings).toEqual([
      { sighting: 'a', item: 'a' },
      { sighting: 'b', item: 'a' },
      { sighting: 'd', item: 'a' },
      { sighting: 'e', item: 'e' },
    ]);
  });

  it('detects the language of each item and stores the topics that matched', async () => {
    const summary = await engine.runCycle();
    expect(summary.byLang).toEqual({ en: 2, fr: 1 });
    expect(summary.byTopic).toEqual({ traffic: 1, policing: 2 });
  });
});
