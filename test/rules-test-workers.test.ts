import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMatchers } from '../daemon/matchers.ts';
import { ingest } from '../daemon/pipeline/ingest.ts';
import { backtest, ScanThread, startBacktestThreads, type BacktestOptions, type BacktestReport } from '../daemon/commands/rules-test.ts';
import { loadRules } from '../rules/loader.ts';
import { openDb, type Db } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { setLabel } from '../storage/labels.ts';
import { workspace, type Workspace } from './helpers/workspace.ts';

const IN_FORCE = `rules:
  - id: collisions
    label: { en: Collisions, fr: Collisions }
    query: collision OR crash
  - id: community
    label: { en: Community, fr: Communauté }
    query: barbecue
`;

const EDITED = `rules:
  - id: collisions
    label: { en: Collisions, fr: Collisions }
    query: collision OR (road NEAR/2 closed)
  - id: parades
    label: { en: Parades, fr: Défilés }
    query: parade
`;

const TEXTS = [
  'Collision on Bank Street, two cars involved.',
  'Crash on Highway 417 near the Metcalfe exit.',
  'The road is closed downtown for the parade.',
  'Community barbecue in Kanata this weekend.',
  'Nothing to see on Elgin Street today.',
];

/** Reports of two runs compare equal but for how long each took. */
const same = (r: BacktestReport) => ({ ...r, durationMs: 0 });

describe('veille rules test over worker threads', { timeout: 60_000 }, () => {
  let ws: Workspace;
  let db: Db;
  let opts: BacktestOptions;

  beforeAll(() => {
    ws = workspace({ rules: 'rules' });
    mkdirSync(join(ws.dir, 'rules'));
    writeFileSync(join(ws.dir, 'rules', 'topics.yaml'), IN_FORCE);
    writeFileSync(join(ws.dir, 'edited.yaml'), EDITED);
    const config = ws.config();
    const matchers = loadMatchers(config);
    if (!matchers.ok) throw new Error(matchers.errors);
    db = openDb(config.database);
    // 40 items, each text eight times, so every rule has more gains or losses than samples shown.
    const raws = Array.from({ length: 40 }, (_, i) => ({ externalId: `p${i}`, text: `${TEXTS[i % TEXTS.length]} (${i})`, url: `https://example.org/${i}` }));
    ingest({ db, store: itemStore(db), classifier: matchers.classifier }, 'city', raws, Date.now() - 3_600_000);
    const id = (key: string) => db.$client.prepare('select id from items where external_id = ?').pluck().get(key) as number;
    setLabel(db, id('p2'), 'rumour', 'rumour');
    setLabel(db, id('p0'), 'rumour', 'not-rumour');
    opts = {
      rules: loadRules(join(ws.dir, 'edited.yaml')).rules,
      path: 'edited.yaml',
      inForce: { rules: loadRules(join(ws.dir, 'rules')).rules, path: 'rules' },
      since: null,
    };
  });

  afterAll(() => {
    db.$client.close();
    ws.cleanup();
  });

  it('gives the same report, newest samples first, however the items are shared between threads', async () => {
    const alone = await backtest(db, { ...opts, threads: { workers: 0, shareIds: 1_000 } });
    expect(alone.items).toBe(40);
    const collisions = alone.rules.find((r) => r.id === 'collisions')!;
    expect(collisions).toMatchObject({ gained: 8, lost: 8 });
    expect(collisions.samples.gained.map((s) => s.excerpt)).toEqual([37, 32, 27].map((i) => `${TEXTS[2]} (${i})`));

    // Three items a share: workers only, then workers and the main thread together.
    const workers = await backtest(db, { ...opts, threads: { workers: 2, shareIds: 3, main: false } });
    expect(same(workers)).toEqual(same(alone));
    const mixed = await backtest(db, { ...opts, threads: { workers: 1, shareIds: 2 } });
    expect(same(mixed)).toEqual(same(alone));
  });

  it('gives the same report with threads started before the rules were loaded, more or fewer than it wants', async () => {
    const alone = await backtest(db, { ...opts, threads: { workers: 0, shareIds: 1_000 } });
    const file = ws.config().database;
    // Workers only, so every share is scanned by a thread given its job after it started.
    const extra = await backtest(db, { ...opts, threads: { workers: 1, shareIds: 3, main: false }, started: [new ScanThread(file), new ScanThread(file)] });
    expect(same(extra)).toEqual(same(alone));
    const short = await backtest(db, { ...opts, threads: { workers: 2, shareIds: 3, main: false }, started: [new ScanThread(file)] });
    expect(same(short)).toEqual(same(alone));
    // None for a store this small, nor for a database that is not there (and none is made).
    expect(startBacktestThreads(file, null)).toEqual([]);
    const missing = join(ws.dir, 'missing.db');
    expect(startBacktestThreads(missing, null)).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });

  it('counts items the daemon stored moments ago, still in the write-ahead log, on every thread', async () => {
    // The threads read through their own memory-mapped connections, which map the database file
    // only: an item still in the log, as the latest ones are while the daemon runs, must count.
    const matchers = loadMatchers(ws.config());
    if (!matchers.ok) throw new Error(matchers.errors);
    ingest({ db, store: itemStore(db), classifier: matchers.classifier }, 'city', [{ externalId: 'late', text: 'Parade on Wellington Street tonight.', url: 'https://example.org/late' }], Date.now());
    expect(statSync(`${ws.config().database}-wal`).size).toBeGreaterThan(0);
    for (const threads of [{ workers: 0, shareIds: 1_000 }, { workers: 2, shareIds: 3, main: false }]) {
      const report = await backtest(db, { ...opts, threads });
      expect(report.items).toBe(41);
      expect(report.rules.find((r) => r.id === 'parades')).toMatchObject({ matches: 9, gained: 9 });
    }
  });
});
