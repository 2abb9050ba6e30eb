import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { labelsOf, readStaffLabels } from '../storage/labels.ts';
import { fixtures, workspace, type Workspace } from './helpers/workspace.ts';

const root = resolve(import.meta.dirname, '..');

function veille(ws: Workspace, args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['daemon/veille.mjs', '--config', ws.configPath, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('veille label and retrain', { timeout: 60_000 }, () => {
  let ws: Workspace;
  let rumourItem: number;
  let claimItem: number;

  beforeAll(() => {
    ws = workspace({ rules: join(fixtures, 'classify/rules'), claims: join(fixtures, 'classify/claims.yaml') });
    const db = openDb(join(ws.dir, 'veille.db'));
    const store = itemStore(db);
    const add = (externalId: string, text: string) =>
      store.insertItem(db, { sourceId: 'x', externalId, title: '', text, fetchedAt: Date.now(), contentHash: externalId, lang: 'en' });
    rumourItem = add('r1', 'The new cell tower on Carling is frying birds and the city knows');
    claimItem = add('c1', 'A cyber attack hit the filtration site, so stay off the faucet for a few days until they fix it');
    db.$client.close();
  });
  afterAll(() => ws.cleanup());

  const labels = () => {
    const db = openDb(join(ws.dir, 'veille.db'));
    try {
      return { rumour: labelsOf(db, rumourItem), claim: labelsOf(db, claimItem), staff: readStaffLabels(db) };
    } finally {
      db.$client.close();
    }
  };

  it('stores a rumour label, and a later label corrects it rather than adding one', () => {
    let r = veille(ws, ['label', String(rumourItem), 'not-rumour']);
    expect(r.code).toBe(0);
    r = veille(ws, ['label', String(rumourItem), 'rumour']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`item ${rumourItem}: labelled rumour`));
    const rows = labels().rumour;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'rumour', value: 'rumour' });
  });

  it('retrain learns from the seed set plus the labels and prints its accuracy', () => {
    const r = veille(ws, ['retrain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 staff labels \(1 rumour, 0 not-rumour\)/);
    expect(r.stdout).toMatch(/cross-validated accuracy: \d+\.\d%/);
    const accuracy = Number(/accuracy: ([\d.]+)%/.exec(r.stdout)![1]);
    expect(accuracy).toBeGreaterThan(70);
  });

  it('makes a claim-labelled item a variant the matcher uses', () => {
    const paraphrase = JSON.stringify({ id: 'q', text: 'Cyber attack at the filtration site! Stay off the faucet for now' });
    const classify = ['classify', '--rules', join(fixtures, 'classify/rules'), '--claims', join(fixtures, 'classify/claims.yaml')];
    const before = JSON.parse(veille(ws, classify, paraphrase).stdout);
    expect(before.claim).toBeNull();

    const r = veille(ws, ['label', String(claimItem), '--claim', 'T02']);
    expect(r.code).toBe(0);
    expect(labels().claim[0]).toMatchObject({ kind: 'claim', value: 'T02' });
    expect(labels().staff.claimVariants).toEqual([{ claimId: 'T02', text: expect.stringContaining('filtration'), lang: 'en' }]);

    const after = JSON.parse(veille(ws, classify, paraphrase).stdout);
    expect(after.claim).toBe('T02');
    expect(after.flagged).toBe(true);
  });

  it('refuses an unknown item, an unknown claim and a verdict it does not know', () => {
    let r = veille(ws, ['label', '9999', 'rumour']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no item 9999/);
    r = veille(ws, ['label', String(claimItem), '--claim', 'T99']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown claim T99 in .*claims\.yaml/);
    r = veille(ws, ['label', String(claimItem), 'maybe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rumour or not-rumour/);
    expect(labels().staff.rumour).toHaveLength(1);
  });

  it('explains a stored item: language, rules, claim scores, rumour cues and the flag', () => {
    const r = veille(ws, ['rules', 'explain', String(claimItem)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Language: en — detected/);
    expect(r.stdout).toMatch(/✗ water \[alert, high\]: the query does not match/);
    expect(r.stdout).toMatch(/MATCH T02 +score [\d.]+ +carried by: .*filtration/i);
    expect(r.stdout).toMatch(/Rumour score: [\d.]+ \(threshold 0\.60; learned from \d+ examples\)/);
    expect(r.stdout).toMatch(/Flag: FLAGGED\n  - matches known claim T02/);
  });

  it('explains free text, including why a refutation is not flagged', () => {
    const r = veille(ws, ['rules', 'explain', '--text', "Faux: personne n'a piraté l'usine de l'île Lemieux, l'eau potable est sûre."]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Language: fr/);
    expect(r.stdout).toMatch(/✓ water/);
    expect(r.stdout).toMatch(/T02/);
    expect(r.stdout).toMatch(/stance: refutes/);
    expect(r.stdout).toMatch(/cue refutation/);
    expect(r.stdout).toMatch(/Flag: not flagged\n  because it refutes/);
  });

  it('says when the item to explain does not exist', () => {
    const r = veille(ws, ['rules', 'explain', '4242']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no item 4242 in .*veille\.db/);
  });
});
