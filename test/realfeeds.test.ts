/**
 * Feeds captured from real publishers (shared with the project, not copied into it): every one of
 * them, served locally and ingested by one `veille run --once`, must yield all its items.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FeedServer } from './fakes/feed-server.ts';
import { workspace, type Workspace } from './helpers/workspace.ts';

const run = promisify(execFile);
const realfeeds = resolve(import.meta.dirname, '../../shared/realfeeds');
const cli = resolve(import.meta.dirname, '../daemon/veille.mjs');

let server: FeedServer;
let ws: Workspace;
let names: string[];

beforeAll(async () => {
  server = await new FeedServer().start();
  names = server.serveDir(realfeeds);
  ws = workspace({
    sources: names.map((n) => ({ id: n.replace(/\W+/g, '-'), type: 'rss', url: server.url('/' + n) })),
  });
});

afterAll(async () => {
  await server.stop();
  ws.cleanup();
});

/** Items as the XML itself counts them, independently of the parser under test. */
function countEntries(file: string): number {
  return (readFileSync(join(realfeeds, file), 'latin1').match(/<(item|entry)[\s>]/g) ?? []).length;
}

it('ingests every real-world feed with all its items in one run --once', { timeout: 60_000 }, async () => {
  expect(names.length).toBeGreaterThanOrEqual(15);
  const once = await run(process.execPath, [cli, 'run', '--once', '--config', ws.configPath]);
  expect(once.stdout).toMatch(/0 failed/);
  const status = JSON.parse((await run(process.execPath, [cli, 'status', '--json', '--config', ws.configPath])).stdout);
  const items = Object.fromEntries(status.sources.map((s: { id: string; items: number }) => [s.id, s.items]));
  for (const name of names) {
    expect({ feed: name, items: items[name.replace(/\W+/g, '-')] }).toEqual({ feed: name, items: countEntries(name) });
  }
  for (const s of status.sources) expect(s.last_error).toBeNull();
});
