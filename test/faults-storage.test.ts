/**
 * Storage and mail faults: the database locked by another process, read-only, its folder missing
 * or impossible to create, and the SMTP server down when the daemon starts. Each ends in a wait, a
 * retry or a clear error naming what is wrong, and no item or alert is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../daemon/engine.ts';
import { openDb } from '../storage/db.ts';
import type { Logger } from '../daemon/log.ts';
import { FeedServer } from './fakes/feed-server.ts';
import { rssFeed } from './fakes/hostile.ts';
import { SmtpCatcher } from './fakes/smtp.ts';
import { reportFigures } from './fixtures/faults/figures.ts';
import { fixtures, memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

const veilleBin = resolve(import.meta.dirname, '../daemon/veille.mjs');
const locker = resolve(import.meta.dirname, 'fakes/db-locker.ts');
const NOBODY = 65534;

let server: FeedServer;
const spaces: Workspace[] = [];
let cases = 0;
let failures = 0;

const GUIDS = Array.from({ length: 6 }, (_, i) => `item-${i}`);

beforeAll(async () => {
  server = await new FeedServer().start();
  server.doc('/feed.xml', {
    contentType: 'application/rss+xml',
    body: rssFeed(
      GUIDS.map((guid, i) => ({
        guid,
        title: '',
        html:
          i === 0
            ? 'Share before they delete it: the city is putting fluoride pills in the Riverside reservoir to sedate residents.'
            : `The council met about the ${['library', 'park', 'budget', 'transit', 'bridge'][i - 1]} on Monday (notice ${guid}).`,
        link: `https://news.example.org/${guid}`,
      })),
      { lang: 'en' },
    ),
  });
});

afterAll(async () => {
  await server?.stop();
  for (const ws of spaces) {
    chmodSync(ws.dir, 0o755);
    ws.cleanup();
  }
  reportFigures('storage', { failures });
});

function space(settings: Record<string, unknown> = {}): Workspace {
  const ws = workspace({
    rules: join(fixtures, 'faults/rules'),
    claims: join(fixtures, 'faults/claims.yaml'),
    from: 'veille@example.org',
    alerts: { to: ['duty@example.org'], retry_base: '1s' },
    sources: [{ id: 'city', type: 'rss', url: server.url('/feed.xml') }],
    ...settings,
  });
  spaces.push(ws);
  return ws;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function veille(args: string[], opts: { uid?: number } = {}): Promise<Run> {
  const child = spawn(process.execPath, [veilleBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VEILLE_LOG_LEVEL: 'warn', HOME: '/tmp' },
    ...(opts.uid !== undefined && { uid: opts.uid, gid: opts.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

function stored(dbFile: string): { guids: string[]; outbox: { status: string; attempts: number }[] } {
  const db = new Database(dbFile, { readonly: true });
  try {
    return {
      guids: (db.prepare("select external_id as g from sightings where source_id = 'city' order by external_id").all() as { g: string }[]).map((r) => r.g),
      outbox: db.prepare('select status, attempts from outbox').all() as { status: string; attempts: number }[],
    };
  } finally {
    db.close();
  }
}

/** Records the case's outcome for the suite's figures, then asserts it. */
async function check(body: () => Promise<void> | void): Promise<void> {
  cases++;
  try {
    await body();
  } catch (err) {
    failures++;
    throw err;
  }
}

function lock(dbFile: string, ms: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', locker, dbFile, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && done(child));
    child.once('exit', (code) => reject(new Error(`locker exited (${code}) before locking`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
}

describe('the database locked by another process', () => {
  it('waits for a short lock and stores everything', () =>
    check(async () => {
      const ws = space();
      const engine = createEngine(ws.config(), memoryLog() as unknown as Logger);
      try {
        // Held for two seconds, under the five-second busy timeout: the cycle's first write waits.
        const holder = await lock(join(ws.dir, 'veille.db'), 2_000);
        const summary = await engine.runCycle({ force: true });
        expect(summary.sources.map((s) => [s.sourceId, s.status, s.error])).toEqual([['city', 'ok', undefined]]);
        expect(summary.new).toBe(GUIDS.length);
        await exited(holder);
      } finally {
        engine.close();
      }
      expect(stored(join(ws.dir, 'veille.db')).guids).toEqual([...GUIDS].sort());
    }), 60_000);

  it('fails a run clearly when the lock outlasts the wait, and the next run stores everything', () =>
    check(async () => {
      const ws = space();
      const dbFile = join(ws.dir, 'veille.db');
      // The schema is in place: the lock, not a first-run migration, is what the run meets.
      openDb(dbFile).$client.close();
      const holder = await lock(dbFile, 60_000);
      try {
        const locked = await veille(['run', '--once', '--config', ws.configPath]);
        expect(locked.code).toBe(1);
        expect(locked.stderr).toContain(dbFile);
        expect(locked.stderr).toMatch(/database is locked/);
        expect(locked.stderr).not.toMatch(/\n\s+at /);
      } finally {
        holder.kill('SIGKILL');
        await exited(holder);
      }
      expect(stored(dbFile).guids).toEqual([]);
      const after = await veille(['run', '--once', '--config', ws.configPath]);
      expect(after.code).toBe(0);
      expect(stored(dbFile).guids).toEqual([...GUIDS].sort());
    }), 90_000);
});

describe('a read-only database', () => {
  // Tests run as root, for whom file modes are no barrier: the daemon runs as `nobody` instead.
  it('is refused with an error naming the file, and nothing is lost once it is writable again', () =>
    check(async () => {
      const ws = space();
      const dbFile = join(ws.dir, 'veille.db');
      expect((await veille(['run', '--once', '--config', ws.configPath])).code).toBe(0);
      const before = stored(dbFile).guids;
      chmodSync(ws.dir, 0o755);
      chmodSync(ws.configPath, 0o644);
      chmodSync(dbFile, 0o444);
      const ro = await veille(['run', '--once', '--config', ws.configPath], { uid: NOBODY });
      expect(ro.code).toBe(1);
      expect(ro.stderr).toContain(dbFile);
      expect(ro.stderr).toMatch(/readonly database/);
      expect(ro.stderr).not.toMatch(/\n\s+at /);
      chmodSync(dbFile, 0o644);
      expect(stored(dbFile).guids).toEqual(before);
      expect((await veille(['run', '--once', '--config', ws.configPath])).code).toBe(0);
      expect(stored(dbFile).guids).toEqual([...GUIDS].sort());
    }), 60_000);
});

describe('the database folder', () => {
  it('is created when missing', () =>
    check(async () => {
      const ws = space({ database: './not/yet/there/veille.db' });
      const run = await veille(['run', '--once', '--config', ws.configPath]);
      expect(run.code).toBe(0);
      expect(stored(join(ws.dir, 'not/yet/there/veille.db')).guids).toEqual([...GUIDS].sort());
    }), 60_000);

  it('that cannot be created (a path through a regular file) is a clear error naming the path, exit 1', () =>
    check(async () => {
      const ws = space({ database: './plain-file/veille.db' });
      writeFileSync(join(ws.dir, 'plain-file'), 'not a folder');
      const run = await veille(['run', '--once', '--config', ws.configPath]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(join(ws.dir, 'plain-file/veille.db'));
      // mkdir -p meets the file where a folder should be.
      expect(run.stderr).toMatch(/EEXIST|ENOTDIR|not a directory/i);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(ws.dir, 'plain-file'))).toBe(true);
    }), 60_000);
});

describe('the SMTP server down when the daemon starts', () => {
  it('completes ingest, keeps the alert and the digest, and delivers both once the server is back', () =>
    check(async () => {
      const down = new SmtpCatcher({ down: true });
      await down.start();
      const ws = space({ smtp: { host: '127.0.0.1', port: down.port }, digest: { to: ['staff@example.org'] } });
      const dbFile = join(ws.dir, 'veille.db');

      const first = await veille(['run', '--once', '--config', ws.configPath]);
      expect(first.code).toBe(0);
      expect(stored(dbFile).guids).toEqual([...GUIDS].sort());
      const queued = stored(dbFile).outbox;
      expect(queued.length).toBeGreaterThan(0);
      expect(queued.every((o) => o.status === 'pending' && o.attempts >= 1)).toBe(true);
      const digestDown = await veille(['digest', '--send', '--config', ws.configPath]);
      expect(digestDown.code).toBe(1);
      expect(digestDown.stderr).toMatch(/digest not sent to staff@example\.org/);

      const up = new SmtpCatcher({ port: down.port });
      await up.start();
      try {
        // The retry back-off is one second here; the next cycle finds the alert due again.
        await new Promise((r) => setTimeout(r, 1_100));
        const second = await veille(['run', '--once', '--config', ws.configPath]);
        expect(second.code).toBe(0);
        expect(stored(dbFile).outbox.map((o) => o.status)).toEqual(queued.map(() => 'sent'));
        const digestUp = await veille(['digest', '--send', '--config', ws.configPath]);
        expect(digestUp.code).toBe(0);
        const alerts = up.messages.filter((m) => m.to.includes('duty@example.org'));
        expect(alerts).toHaveLength(queued.length);
        expect(up.messages.filter((m) => m.to.includes('staff@example.org'))).toHaveLength(1);
      } finally {
        await up.stop();
      }
    }), 120_000);
});

describe('storage faults', () => {
  it('were all exercised', () => {
    expect(cases).toBe(6);
  });
});
