import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { endBurst, saveBurst } from '../storage/stories.ts';
import { BurstDetector, type Burst, type DetectorOptions } from '../rules/bursts/detector.ts';
import { BurstKeys, type WeightedKey } from '../rules/bursts/keys.ts';
import { surprise } from '../rules/bursts/tail.ts';
import { generateStream } from '../bench/stream-gen.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// A Monday, midnight UTC.
const T0 = Date.UTC(2026, 0, 5);

const term = (key: string, weight = 1): WeightedKey => ({ kind: 'term', key, weight });

/** Feeds items and asks for bursts every 5 minutes, like the ingest cycle; returns every flag. */
function run(items: { at: number; keys: WeightedKey[] }[], until: number, opts: Partial<DetectorOptions> = {}): Burst[] {
  const d = new BurstDetector({ timezone: 'UTC', ...opts });
  const sorted = [...items].sort((a, b) => a.at - b.at);
  const flagged: Burst[] = [];
  let next = 0;
  for (let now = T0 + 5 * MIN; now <= until; now += 5 * MIN) {
    for (; next < sorted.length && sorted[next].at <= now; next++) d.observe({ itemId: next + 1, ...sorted[next] });
    flagged.push(...d.detect(now).flagged);
  }
  return flagged;
}

/** Steady chatter about routine subjects: one item every 10 minutes, day and night. */
function background(days: number): { at: number; keys: WeightedKey[] }[] {
  const out = [];
  for (let t = T0; t < T0 + days * DAY; t += 10 * MIN) out.push({ at: t + 1000, keys: [term(['traffic', 'council', 'weather'][(t / (10 * MIN)) % 3])] });
  return out;
}

describe('burst detector on hand-made series', () => {
  it('flags a spike of a new term within minutes of its start, and says when it started', () => {
    const start = T0 + 2 * DAY + 14 * HOUR + 2 * MIN;
    const spike = Array.from({ length: 12 }, (_, i) => ({ at: start + i * 90_000, keys: [term('sinkhol')] }));
    const flagged = run([...background(3), ...spike], T0 + 3 * DAY);
    expect(flagged.map((b) => b.key)).toEqual(['sinkhol']);
    const [b] = flagged;
    expect(b.startedAt).toBe(start);
    expect(b.flaggedAt - start).toBeLessThanOrEqual(15 * MIN);
    expect(b.count).toBeGreaterThanOrEqual(5);
    expect(b.baseline).toBeLessThan(1);
  });

  it('does not flag a new term below the minimum count', () => {
    const start = T0 + 2 * DAY + 14 * HOUR;
    const few = Array.from({ length: 4 }, (_, i) => ({ at: start + i * MIN, keys: [term('sinkhol')] }));
    expect(run([...background(3), ...few], T0 + 3 * DAY)).toEqual([]);
  });

  it('flags a slow rise of a known term, later than a spike would be', () => {
    // "parking" comes up about once an hour, then climbs over an afternoon.
    const items = background(4);
    for (let t = T0; t < T0 + 3 * DAY; t += HOUR) items.push({ at: t + 17 * MIN, keys: [term('park')] });
    const riseStart = T0 + 3 * DAY + 12 * HOUR;
    const perHour = [2, 3, 5, 8, 12];
    perHour.forEach((n, h) => {
      for (let k = 0; k < n; k++) items.push({ at: riseStart + h * HOUR + Math.floor(((k + 0.5) * HOUR) / n), keys: [term('park')] });
    });
    const flagged = run(items, T0 + 4 * DAY);
    expect(flagged.map((b) => b.key)).toEqual(['park']);
    expect(flagged[0].flaggedAt - riseStart).toBeGreaterThan(HOUR);
    expect(flagged[0].flaggedAt - riseStart).toBeLessThanOrEqual(5 * HOUR);
    expect(flagged[0].baseline).toBeGreaterThan(0.5);
  });

  it('learns a daily peak as normal, yet flags the same peak at an unusual hour', () => {
    const items = background(5);
    const peak = (at: number) => Array.from({ length: 10 }, (_, i) => ({ at: at + i * 3 * MIN, keys: [term('commut')] }));
    for (let d = 0; d < 5; d++) items.push(...peak(T0 + d * DAY + 8 * HOUR));
    const flagged = run(items, T0 + 5 * DAY);
    // The first morning is new; once a day of history exists, the 8 o'clock peak is expected.
    expect(flagged.filter((b) => b.flaggedAt > T0 + DAY + 8 * HOUR)).toEqual([]);

    items.push(...peak(T0 + 4 * DAY + 15 * HOUR));
    const again = run(items, T0 + 5 * DAY).filter((b) => b.flaggedAt > T0 + DAY + 8 * HOUR);
    expect(again.map((b) => b.key)).toEqual(['commut']);
    expect(again[0].startedAt).toBe(T0 + 4 * DAY + 15 * HOUR);
  });

  it('is less eager at a lower sensitivity (higher minimum score)', () => {
    const start = T0 + 2 * DAY + 3 * HOUR;
    const items = [...background(3), ...Array.from({ length: 6 }, (_, i) => ({ at: start + i * 20 * MIN, keys: [term('smoke')] }))];
    expect(run(items, T0 + 3 * DAY, { minScore: 3 }).map((b) => b.key)).toEqual(['smoke']);
    expect(run(items, T0 + 3 * DAY, { minScore: 9 })).toEqual([]);
  });

  it('reports one burst when the same items lift a story and several terms', () => {
    const start = T0 + DAY + 10 * HOUR;
    const spike = Array.from({ length: 10 }, (_, i) => ({
      at: start + i * MIN,
      keys: [{ kind: 'story' as const, key: '42', weight: 1 }, term('spill'), term('tanker')],
    }));
    const flagged = run([...background(2), ...spike], T0 + 2 * DAY);
    expect(flagged).toHaveLength(1);
    expect([`${flagged[0].kind}:${flagged[0].key}`, ...flagged[0].relatedKeys].sort()).toEqual(['story:42', 'term:spill', 'term:tanker']);
    expect(flagged[0].itemIds.length).toBeGreaterThanOrEqual(5);
  });

  it('does not flag an ongoing burst again after a rebuild', () => {
    const start = T0 + DAY + 10 * HOUR;
    const items = [...background(2), ...Array.from({ length: 10 }, (_, i) => ({ at: start + i * MIN, keys: [term('spill')] }))];
    const obs = items.filter((x) => x.at <= start + 12 * MIN).map((x, i) => ({ itemId: i + 1, ...x }));
    const first = new BurstDetector({ timezone: 'UTC' });
    first.rebuild(obs);
    const [burst] = first.detect(start + 12 * MIN).flagged;
    expect(burst.key).toBe('spill');

    const restarted = new BurstDetector({ timezone: 'UTC' });
    restarted.rebuild(obs, [burst]);
    expect(restarted.detect(start + 15 * MIN).flagged).toEqual([]);
    expect(restarted.active().map((b) => b.key)).toEqual(['spill']);
    // Once the subject goes quiet the burst ends and the key may burst again later.
    expect(restarted.detect(start + 8 * HOUR).ended.map((b) => b.key)).toEqual(['spill']);
  });
});

describe('burst keys', () => {
  it('counts stemmed salient terms once per item, skipping stop-words and down-weighting the watched names', () => {
    const keys = new BurstKeys({ watchNames: ['ottawa police', 'spo'] });
    const got = keys.of({ text: 'Ottawa police: the sinkhole on Bank St. The sinkholes are growing #OttNews', lang: 'en', storyId: 7, ruleIds: ['safety'] });
    const byId = new Map(got.map((k) => [`${k.kind}:${k.key}`, k.weight]));
    expect(byId.get('story:7')).toBe(1);
    expect(byId.get('rule:safety')).toBe(1);
    expect(byId.get('term:sinkhol')).toBe(1);
    expect(byId.get('term:#ottnews')).toBe(1);
    expect(byId.get('term:polic')).toBeLessThan(1);
    expect(byId.has('term:the')).toBe(false);
    expect(got.filter((k) => k.key === 'sinkhol')).toHaveLength(1);

    const fr = keys.of({ text: 'Le SPO ferme la rue : un affaissement de la chaussée', lang: 'fr' });
    expect(fr.find((k) => k.key === 'spo')?.weight).toBeLessThan(1);
    expect(fr.some((k) => k.key === 'la' || k.key === 'le')).toBe(false);
  });
});

describe('tail probability', () => {
  it('matches the exact Poisson tail and is wider under overdispersion', () => {
    // P(X ≥ 3 | λ = 0.5) = 1 − e^−0.5 (1 + 0.5 + 0.125)
    const exact = 1 - Math.exp(-0.5) * (1 + 0.5 + 0.125);
    expect(surprise(3, 0.5, Infinity)).toBeCloseTo(-Math.log10(exact), 6);
    expect(surprise(3, 0.5, 2)).toBeLessThan(surprise(3, 0.5, Infinity));
    expect(surprise(1, 2, Infinity)).toBe(0);
  });
});

describe('stream generator', () => {
  it('is deterministic for a seed and injects the requested bursts', () => {
    const spec = { seed: 5, days: 2, bursts: [{ subject: 'spill' as const, lang: 'both' as const, startHour: 30, size: 20, durationMin: 30 }] };
    const a = generateStream(spec);
    const b = generateStream(spec);
    expect(a.items).toEqual(b.items);
    expect(generateStream({ ...spec, seed: 6 }).items).not.toEqual(a.items);

    const injected = a.items.filter((i) => i.burst);
    expect(injected).toHaveLength(20);
    expect(new Set(injected.map((i) => i.lang))).toEqual(new Set(['en', 'fr']));
    expect(Math.min(...injected.map((i) => i.at))).toBe(a.bursts[0].start);
    expect(Math.max(...injected.map((i) => i.at)) - a.bursts[0].start).toBeLessThan(30 * MIN);

    // Daily rhythm: the morning is much busier than the small hours.
    const background = a.items.filter((i) => !i.burst);
    const hourOf = (at: number) => new Date(at - 5 * HOUR).getUTCHours();
    const count = (h: number) => background.filter((i) => hourOf(i.at) === h).length;
    expect(count(8)).toBeGreaterThan(3 * count(3));
    expect(background.some((i) => i.lang === 'fr') && background.some((i) => i.lang === 'en')).toBe(true);
  });
});

describe('veille bursts', () => {
  it('prints the recent and ongoing bursts with their counts, baselines and top items', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-bursts-'));
    const config = join(dir, 'veille.yaml');
    writeFileSync(config, `database: ${join(dir, 'v.db')}\nrules: ${join(dir, 'rules')}\n`);
    const db = openDb(join(dir, 'v.db'));
    const now = Date.now();
    const itemId = itemStore(db).insertItem(db, {
      sourceId: 'x', externalId: '1', title: '', text: 'Huge sinkhole opens on Bank Street, a car fell in', fetchedAt: now, contentHash: 'h1', lang: 'en',
    });
    const recent: Burst = {
      ref: '', kind: 'term', key: 'sinkhol', startedAt: now - 20 * MIN, flaggedAt: now - 10 * MIN, count: 9, baseline: 0.1, score: 12.5,
      windowMs: 15 * MIN, itemIds: [itemId], relatedKeys: ['story:3'], status: 'active',
    };
    saveBurst(db, recent);
    const old = { ...recent, key: 'parad', startedAt: now - 3 * DAY - HOUR, flaggedAt: now - 3 * DAY, itemIds: [], relatedKeys: [] };
    saveBurst(db, old);
    endBurst(db, old, now - 2 * DAY);
    db.$client.close();

    const cli = (...args: string[]) => execFileSync(process.execPath, ['daemon/veille.mjs', 'bursts', '--config', config, ...args], { encoding: 'utf8' });
    const day = cli('--since', '24h');
    expect(day).toMatch(/ACTIVE term:sinkhol\s+9 items in 15 min vs 0\.1 expected/);
    expect(day).toContain('also story:3');
    expect(day).toContain(`#${itemId} Huge sinkhole opens on Bank Street`);
    expect(day).not.toContain('parad');
    expect(cli('--since', '7d')).toMatch(/ended\s+term:parad/);

    const bad = spawnSync(process.execPath, ['daemon/veille.mjs', 'bursts', '--config', config, '--since', 'yesterday'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"yesterday" is not a duration');
  });
});
