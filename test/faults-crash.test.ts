/**
 * Crash safety: the daemon, as a child process over local feeds and a local SMTP server, is killed
 * with SIGKILL at seeded random points of `veille run --once`, several times in a row, then run
 * to completion. Every feed item must be stored exactly once, every alert due delivered, and no
 * alert received twice under two Message-IDs (the same Message-ID twice, after a send whose
 * outcome the dead process never learned, is allowed and counted).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../daemon/config.ts';
import type { Logger } from '../daemon/log.ts';
import { loadAlertRefs } from '../notifiers/alerts/refs.ts';
import { deliverDueAlerts } from '../notifiers/alerts/send.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { openDb } from '../storage/db.ts';
import { FeedServer } from './fakes/feed-server.ts';
import { prng, rssFeed, type FeedItemSpec, type Rng } from './fakes/hostile.ts';
import { SmtpCatcher } from './fakes/smtp.ts';
import { reportFigures } from './fixtures/faults/figures.ts';
import { fixtures, memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

const SEED = 424242;
const SCENARIOS = 4;
/** Kills in a row before the run that completes: each kill is one trial. */
const KILLS = 5;
const FEEDS = 3;
const PER_BATCH = 5;
/** The sender's hold on a message it is sending (notifiers/alerts/send.ts), plus a margin. */
const AFTER_LEASE_MS = 2 * 60_000 + 10_000;
const veille = resolve(import.meta.dirname, '../daemon/veille.mjs');

let server: FeedServer;
let catcher: SmtpCatcher;
/** Time of a full run on this machine, measured once: kill delays are drawn within it. */
let fullRunMs = 3_000;
const figures = { trials: 0, failures: 0, phases: {} as Record<string, number>, sameIdResends: 0, afterLease: 0 };

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `veille run --once`; with `killAt`, sends SIGKILL at that point and reports where the run was. */
function runOnce(ws: Workspace, killAt?: { ms: number; afterFirstLog: boolean }): Promise<RunResult & { phase: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, [veille, 'run', '--once', '--config', ws.configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VEILLE_LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), killAt!.ms));
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    if (killAt?.afterFirstLog) arm();
  });
  if (killAt && !killAt.afterFirstLog) arm();
  // Nothing may hang the suite: a run that has not finished in a minute is killed and reported.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((done) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      const phase = signal !== 'SIGKILL' ? 'after exit' : /alert sent|alert not delivered/.test(stderr) ? 'delivering alerts' : stdout ? 'after ingest' : /source \S+:/.test(stderr) ? 'ingesting' : 'starting';
      done({ code, signal, stdout, stderr, ms: Date.now() - started, phase });
    });
  });
}

const spreading = [
  'Share before they delete it: the city is putting fluoride pills in the Riverside reservoir to sedate residents.',
  'They will not tell you: police ordered a curfew and the evacuation of the east end tonight, share now.',
];

/** Each feed keeps its earlier items and gains new ones, some spreading a known claim. */
function publish(rng: Rng, scenario: number, batch: number, published: Map<string, FeedItemSpec[]>): void {
  for (let f = 0; f < FEEDS; f++) {
    const path = `/s${scenario}/f${f}.xml`;
    const fresh = Array.from({ length: PER_BATCH }, (_, j) => {
      const tag = `s${scenario}-f${f}-b${batch}-${j}`;
      const claim = rng.next() < 0.4 ? rng.pick(spreading) : `The council met about the ${rng.pick(['library', 'park', 'budget', 'transit'])} hours on day ${batch}.`;
      return { guid: tag, title: '', html: `<p>${claim} (post ${tag})</p>`, link: `https://news${f}.example.org/${tag}` };
    });
    const items = [...(published.get(path) ?? []), ...fresh];
    published.set(path, items);
    server.doc(path, { body: rssFeed(items, { lang: 'en' }), contentType: 'application/rss+xml' });
  }
}

function scenarioWorkspace(scenario: number): Workspace {
  return workspace({
    rules: join(fixtures, 'faults/rules'),
    claims: join(fixtures, 'faults/claims.yaml'),
    from: 'veille@example.org',
    smtp: { host: '127.0.0.1', port: catcher.port },
    alerts: { to: [`duty${scenario}@example.org`], window: '1s' },
    sources: Array.from({ length: FEEDS }, (_, f) => ({ id: `feed${f}`, type: 'rss', url: server.url(`/s${scenario}/f${f}.xml`), timeout_ms: 10_000 })),
  });
}

interface OutboxRow {
  id: number;
  group_id: number;
  key: string;
  seq: number;
  message_id: string;
  status: string;
  due_at: number;
  sending_until: number | null;
}

function readDb(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      sightings: db.prepare('select source_id as s, external_id as e from sightings').all() as { s: string; e: string }[],
      items: (db.prepare('select count(*) as n from items').get() as { n: number }).n,
      flagged: db.prepare('select id from items where flagged = 1').all() as { id: number }[],
      grouped: db.prepare('select distinct item_id as id from alert_group_items').all() as { id: number }[],
      groups: db.prepare('select key, count(*) as n from alert_groups group by key').all() as { key: string; n: number }[],
      outbox: db.prepare('select o.id, o.group_id, g.key, o.seq, o.message_id, o.status, o.due_at, o.sending_until from outbox o join alert_groups g on g.id = o.group_id').all() as OutboxRow[],
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  server = await new FeedServer().start();
  catcher = new SmtpCatcher();
  await catcher.start();
  // A complete run on an empty feed set, to warm the compile cache and time a run here.
  const warm = workspace({ rules: join(fixtures, 'faults/rules'), claims: join(fixtures, 'faults/claims.yaml'), smtp: { host: '127.0.0.1', port: catcher.port } });
  try {
    const r = await runOnce(warm);
    if (r.code !== 0) throw new Error(`veille run --once fails without any fault: ${r.stderr.slice(-2000)}`);
    const again = await runOnce(warm);
    fullRunMs = again.ms;
  } finally {
    warm.cleanup();
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await catcher?.stop();
  reportFigures('crash', { trials: figures.trials, failures: figures.failures });
});

// Scenarios run side by side, each with its own seeded generator, so the draws do not depend on timing.
describe.concurrent('SIGKILL at random points of run --once, then a restart', () => {
  for (let s = 0; s < SCENARIOS; s++) {
    it(`scenario ${s + 1}: ${KILLS} kills in a row, then a complete run`, async () => {
      const rng = prng(SEED + s);
      const ws = scenarioWorkspace(s);
      const dbFile = join(ws.dir, 'veille.db');
      const published = new Map<string, FeedItemSpec[]>();
      const problems: string[] = [];
      try {
        for (let k = 0; k < KILLS; k++) {
          publish(rng, s, k, published);
          // The first kill anywhere in a run; the others once the run has started working (its
          // first log line), since start-up is most of a short run and a kill there proves little.
          const afterFirstLog = k > 0;
          // After the first log line, what is left of a run shrinks with the machine's speed: draw
          // within a third of a measured run so that fast machines still kill mid-work.
          const ms = afterFirstLog ? rng.int(0, Math.min(1_200, Math.round(fullRunMs / 3))) : rng.int(0, fullRunMs);
          const r = await runOnce(ws, { ms, afterFirstLog });
          figures.trials++;
          figures.phases[r.phase] = (figures.phases[r.phase] ?? 0) + 1;
          if (r.signal !== 'SIGKILL' && r.code !== 0) problems.push(`kill ${k}: run exited ${r.code}: ${r.stderr.slice(-500)}`);
        }
        const completedAt = Date.now();
        const last = await runOnce(ws);
        if (last.code !== 0) problems.push(`complete run exited ${last.code}: ${last.stderr.slice(-1000)}`);

        // Alerts the complete run should have sent: due before it started, not held by a killed sender.
        const afterRun = readDb(dbFile);
        for (const o of afterRun.outbox) {
          const held = o.sending_until !== null && o.sending_until > Date.now();
          if (o.status !== 'sent' && o.due_at <= completedAt && !held) problems.push(`alert ${o.key}#${o.seq} due but ${o.status} after the complete run`);
        }

        // The daemon's next pass once a dead sender's hold has expired and follow-ups are due.
        const config = loadConfig(ws.configPath);
        const db = openDb(dbFile);
        const mailer = createMailer(config);
        try {
          const later = await deliverDueAlerts(db, mailer, config, { ...loadAlertRefs(config), now: Date.now() + AFTER_LEASE_MS, log: memoryLog() as unknown as Logger });
          figures.afterLease += later.sent;
        } finally {
          mailer.close();
          db.$client.close();
        }

        const state = readDb(dbFile);
        // Every feed item exactly once, by source and external id.
        const want = [...published.entries()].flatMap(([path, items]) => items.map((i) => `feed${/f(\d+)\.xml/.exec(path)![1]}|${i.guid}`)).sort();
        const got = state.sightings.map((r) => `${r.s}|${r.e}`).sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`items: ${got.length} sightings for ${want.length} published`);
        if (state.items !== want.length) problems.push(`items: ${state.items} rows for ${want.length} published`);

        // Every flagged item in an alert, one group per claim or rule, every alert sent.
        if (!state.flagged.length) problems.push('no item was flagged: the scenario proves nothing about alerts');
        const grouped = new Set(state.grouped.map((r) => r.id));
        for (const { id } of state.flagged) if (!grouped.has(id)) problems.push(`flagged item ${id} has no alert`);
        for (const g of state.groups) if (g.n !== 1) problems.push(`${g.key}: ${g.n} alert groups`);
        for (const o of state.outbox) if (o.status !== 'sent') problems.push(`alert ${o.key}#${o.seq} ${o.status}`);

        // What the recipients got: each alert under its one Message-ID, at least once.
        const mine = catcher.messages.filter((m) => m.to.includes(`duty${s}@example.org`));
        const byId = new Map(state.outbox.map((o) => [o.message_id, o]));
        const received = new Map<string, number>();
        for (const m of mine) {
          const id = m.mail.messageId ?? '';
          if (!byId.has(id)) problems.push(`received a message with unknown Message-ID ${id}`);
          received.set(id, (received.get(id) ?? 0) + 1);
        }
        for (const o of state.outbox) if (!received.has(o.message_id)) problems.push(`alert ${o.key}#${o.seq} never received`);
        const perAlert = new Map<string, Set<string>>();
        for (const id of received.keys()) {
          const o = byId.get(id);
          if (o) perAlert.set(`${o.group_id}/${o.seq}`, (perAlert.get(`${o.group_id}/${o.seq}`) ?? new Set()).add(id));
        }
        for (const [alert, ids] of perAlert) if (ids.size > 1) problems.push(`alert ${alert} received under ${ids.size} Message-IDs`);
        for (const n of received.values()) figures.sameIdResends += n - 1;
      } finally {
        ws.cleanup();
      }
      if (problems.length) figures.failures++;
      expect(problems).toEqual([]);
    }, 240_000);
  }
});

describe('crash trials', () => {
  it('killed runs at every stage of a run', () => {
    console.log(
      `crash trials: ${figures.trials} kills (${Object.entries(figures.phases).map(([p, n]) => `${n} ${p}`).join(', ')}); ` +
        `full run ${fullRunMs} ms; alerts resent under the same Message-ID: ${figures.sameIdResends}; sent by the next pass (held by a killed sender, or follow-ups not yet due): ${figures.afterLease}`,
    );
    expect(figures.trials).toBeGreaterThanOrEqual(20);
    // Kills before any work prove little: most must land while the run is working.
    expect((figures.phases.starting ?? 0) + (figures.phases['after exit'] ?? 0)).toBeLessThan(figures.trials / 2);
  });
});
