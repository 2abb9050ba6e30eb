import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEntry, runCli } from './helpers/cli.ts';

const fixtures = resolve(import.meta.dirname, 'fixtures/classify');
const args = ['classify', '--rules', `${fixtures}/rules`, '--claims', `${fixtures}/claims.yaml`];

const classify = (input: string) => runCli(args, { input });

const lines = (...objs: unknown[]) => objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

describe('veille classify', { timeout: 60_000 }, () => {
  it('writes one verdict per input line, in order, with the documented fields', async () => {
    const { code, stdout, stderr } = await classify(
      lines(
        { id: 'p1', text: 'Word is fluoride pills are going into the Riverside reservoir to sedate people. Share before they delete!!', extra: 1 },
        { id: 2, title: 'Avis', text: "Travaux d'aqueduc sur la rue Principale lundi: la circulation sera réduite, indique la Ville.", lang: 'fr', source: 'ville' },
      ),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(2);
    expect(Object.keys(out[0])).toEqual(
      expect.arrayContaining(['id', 'lang', 'topics', 'claim', 'claim_score', 'claim_candidates', 'rumour_score', 'flagged', 'reasons']),
    );
    expect(out[0]).toMatchObject({ id: 'p1', lang: 'en', claim: 'T01', flagged: true });
    expect(out[0].claim_score).toBeGreaterThan(0);
    expect(out[0].rumour_score).toBeGreaterThan(0.5);
    expect(out[0].reasons[0]).toMatch(/T01/);
    expect(out[1]).toMatchObject({ id: 2, lang: 'fr', topics: ['water'], claim: null, claim_score: null, flagged: false, reasons: [] });
    expect(out[1].rumour_score).toBeLessThan(0.5);
  });

  it('reports a malformed line with its number, skips it, processes the rest and exits 2', async () => {
    const { code, stdout, stderr } = await classify(
      lines({ id: 'ok1', text: 'Road closure on Bank Street' }, '{"id": "broken", "text": ', { text: 'no id here' }, { id: 'ok2', text: 'Le pont est fermé' }),
    );
    expect(code).toBe(2);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['ok1', 'ok2']);
    expect(stderr).toMatch(/line 2: invalid JSON/);
    expect(stderr).toMatch(/line 3: "id" must be/);
    expect(stderr).not.toMatch(/line [14]/);
  });

  it('says which rule file is wrong and exits 1', async () => {
    const { code, stderr } = await runCli(['classify', '--rules', `${fixtures}/nowhere`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/nowhere: rules folder not found/);
  });

  it('streams: verdicts come out while input is still open, and every line gets one', async () => {
    const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const total = 20_000;
    let received = 0;
    let inputClosed = false;
    let firstBeforeClose: boolean | undefined;
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      if (firstBeforeClose === undefined) firstBeforeClose = !inputClosed;
      const text = partial + d.toString();
      const parts = text.split('\n');
      partial = parts.pop()!;
      received += parts.length;
    });
    const firstOutput = new Promise<void>((done) => child.stdout.once('data', () => done()));
    const exited = new Promise<number | null>((done) => child.on('close', done));

    const texts = ['Apparently the tap water is bad, share!!', 'Road closure on the bridge tonight', "Paraît que l'eau potable est contaminée"];
    let chunk = '';
    for (let i = 0; i < total; i++) {
      chunk += `{"id":${i},"text":${JSON.stringify(texts[i % texts.length])}}\n`;
      if (chunk.length > 64 * 1024) {
        if (!child.stdin.write(chunk)) await new Promise((done) => child.stdin.once('drain', done));
        chunk = '';
      }
    }
    child.stdin.write(chunk);
    // Keep stdin open until the first verdicts arrive: a command that buffered its input would never answer.
    await firstOutput;
    inputClosed = true;
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(firstBeforeClose).toBe(true);
    expect(received).toBe(total);
  }, 120_000);
});
