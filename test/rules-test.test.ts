import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMatchers } from '../daemon/matchers.ts';
import { ingest } from '../daemon/pipeline/ingest.ts';
import type { BacktestReport } from '../daemon/commands/rules-test.ts';
import { openDb } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { setLabel } from '../storage/labels.ts';
import { runCli } from './helpers/cli.ts';
import { workspace, type Workspace } from './helpers/workspace.ts';


const veille = (...args: string[]) => runCli(args);

function ruleFolder(dir: string, yaml: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'topics.yaml'), yaml);
  return dir;
}

const IN_FORCE = `rules:
  - id: collisions
    label: { en: Collisions, fr: Collisions }
    query:
      en: collision OR crash
      fr: collision OR accident
  - id: community
    label: { en: Community, fr: Communauté }
    query: barbecue
`;

// collisions: loses "crash", gains a road closed; community is dropped; parades is new.
const EDITED = `rules:
  - id: collisions
    label: { en: Collisions, fr: Collisions }
    query:
      en: collision OR (road NEAR/2 closed)
      fr: collision OR accident
  - id: parades
    label: { en: Parades, fr: Défilés }
    query: parade OR défilé
`;

describe('veille rules test', { timeout: 60_000 }, () => {
  let ws: Workspace;
  let edited: string;
  let json: { code: number | null; stdout: string; stderr: string };
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ws = workspace({ rules: 'rules' });
    ruleFolder(join(ws.dir, 'rules'), IN_FORCE);
    edited = ruleFolder(join(ws.dir, 'edited'), EDITED);
    const config = ws.config();
    const matchers = loadMatchers(config);
    if (!matchers.ok) throw new Error(matchers.errors);
    const db = openDb(config.database);
    const posts = {
      both: 'Collision on Bank Street this morning, two cars involved, police on scene.',
      crash: 'Crash on Highway 417 near the Metcalfe exit, expect long delays this afternoon.',
      french: 'Accident sur la rue Rideau ce matin, deux voitures impliquées selon la police.',
      road: 'The road is closed downtown for the Santa Claus parade on Saturday, plan ahead.',
      bbq: 'Community barbecue in Kanata this weekend with officers from the east division.',
    };
    const raws = Object.entries(posts).map(([key, text]) => ({ externalId: key, text, url: `https://example.org/${key}` }));
    ingest({ db, store: itemStore(db), classifier: matchers.classifier }, 'city', raws, Date.now() - 3_600_000);
    for (const key of Object.keys(posts)) ids[key] = db.$client.prepare('select id from items where external_id = ?').pluck().get(key) as number;
    setLabel(db, ids.road, 'rumour', 'rumour');
    setLabel(db, ids.both, 'rumour', 'not-rumour');
    db.$client.close();
    json = await veille('--config', ws.configPath, 'rules', 'test', edited, '--json');
  }, 60_000);

  afterAll(() => ws.cleanup());

  it('counts each rule under both folders and shows the items gained and lost', () => {
    const { code, stdout, stderr } = json;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as BacktestReport;
    expect(report.items).toBe(5);
    const byId = Object.fromEntries(report.rules.map((r) => [r.id, r]));

    expect(byId.collisions).toMatchObject({ status: 'changed', matches: 3, inForce: 3, gained: 1, lost: 1 });
    expect(byId.collisions.samples.gained.map((s) => s.id)).toEqual([ids.road]);
    expect(byId.collisions.samples.gained[0].terms).toEqual(['road', 'closed']);
    expect(byId.collisions.samples.lost.map((s) => s.id)).toEqual([ids.crash]);
    expect(byId.collisions.samples.lost[0].terms).toEqual(['crash']);

    expect(byId.parades).toMatchObject({ status: 'added', matches: 1, inForce: null, gained: 1, lost: 0 });
    expect(byId.community).toMatchObject({ status: 'removed', matches: null, inForce: 1, gained: 0, lost: 1 });
    expect(byId.community.samples.lost.map((s) => s.id)).toEqual([ids.bbq]);
    // The road closure is also the parade: one item, counted once.
    expect(report.matchedItems).toEqual({ tested: 3, inForce: 4 });
  });

  it('gives precision against staff labels, under the tested rules and the rules in force', () => {
    const collisions = (JSON.parse(json.stdout) as BacktestReport).rules.find((r) => r.id === 'collisions')!;
    // Tested: matches "both" (not a rumour) and "road" (a rumour); in force: only "both" is labelled.
    expect(collisions.precision).toEqual({ labelled: 2, positive: 1, value: 0.5 });
    expect(collisions.precisionInForce).toEqual({ labelled: 1, positive: 0, value: 0 });
  });

  it('prints a table for staff with the changes and their samples', async () => {
    const { code, stdout } = await veille('--config', ws.configPath, 'rules', 'test', edited);
    expect(code).toBe(0);
    expect(stdout).toContain('on 5 items ingested since');
    expect(stdout).toMatch(/^collisions \(changed\)\s+3\s+3\s+(\d\s+)?\+1\s+-1\s+50% of 2 \(in force 0%\)$/m);
    expect(stdout).toMatch(/^parades \(new\)\s+1\s+—/m);
    expect(stdout).toMatch(/^community \(removed\)\s+—\s+1/m);
    expect(stdout).toContain(`#${ids.road} [city, en] The road is closed downtown`);
    expect(stdout).toContain('matched before: crash');
  });

  it('reads only the items of the --since window', async () => {
    const { stdout } = await veille('--config', ws.configPath, 'rules', 'test', edited, '--since', '30m', '--json');
    expect((JSON.parse(stdout) as BacktestReport).items).toBe(0);
    const bad = await veille('--config', ws.configPath, 'rules', 'test', edited, '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be');
  });

  it('lists the errors of an invalid folder as file:line:col and exits 1', async () => {
    const broken = ruleFolder(join(ws.dir, 'broken'), `rules:\n  - id: bad\n    label: { en: Bad, fr: Mauvais }\n    query: 'police AND (crash'\n`);
    const { code, stdout, stderr } = await veille('--config', ws.configPath, 'rules', 'test', broken);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`${join(broken, 'topics.yaml').replace(/[.\\/]/g, '\\$&')}:4:\\d+: rule "bad": query: `));
    expect(stderr).toContain('nothing tested');
  });
});
