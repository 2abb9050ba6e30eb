import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FeedServer } from './fakes/feed-server.ts';
import { fixtures, workspace, type Workspace } from './helpers/workspace.ts';

const cli = resolve(import.meta.dirname, '../daemon/veille.mjs');
let server: FeedServer;
let ws: Workspace;

beforeEach(async () => {
  server = await new FeedServer().start();
  server.doc('/city.xml', { body: readFileSync(join(fixtures, 'feeds', 'city-en.xml')) });
  // Six-field cron: every second, so the test sees the scheduler at work quickly.
  ws = workspace({ sources: [{ id: 'city', type: 'rss', url: server.url('/city.xml'), schedule: '* * * * * *' }] });
});

afterEach(async () => {
  await server.stop();
  ws.cleanup();
});

it('polls sources on their schedule and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
  const child = spawn(process.execPath, [cli, 'run', '--config', ws.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 60_000;
  while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(server.requests.length).toBeGreaterThanOrEqual(2);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  expect(code).toBe(0);
  expect(stderr).toContain('daemon stopped');
  const status = JSON.parse((await promisify(execFile)(process.execPath, [cli, 'status', '--json', '--config', ws.configPath])).stdout);
  expect(status.items).toBe(2);
  expect(status.sources[0]).toMatchObject({ id: 'city', items: 2, last_error: null });
});
