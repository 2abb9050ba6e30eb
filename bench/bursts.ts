/**
 * Burst detection measured on the synthetic stream: detection delay (injected burst's first item →
 * flag) and false bursts per simulated day, at a few sensitivities.
 *
 *   npx tsx bench/bursts.ts [--json]     table; with --json a last line {"burst_delay_min", "false_bursts_per_day"}
 *   measureBursts() → { rows, burst_delay_min, false_bursts_per_day }   (for bench/run.ts)
 *
 * The items go through the real pipeline pieces (story grouping, key extraction, detector), and
 * the detector is asked for bursts every 5 simulated minutes, like an ingest cycle. The first
 * simulated day only builds history (as `rebuild` does after a restart) and is not scored.
 * A flagged burst belongs to an injected one when that burst's items explain at least half of the
 * count above baseline; any other flag is a false burst.
 */
import { pathToFileURL } from 'node:url';
import { BurstDetector, defaultDetectorOptions, type Burst } from '../rules/bursts/detector.ts';
import { BurstKeys } from '../rules/bursts/keys.ts';
import { StoryGrouper } from '../rules/stories/grouper.ts';
import { generateStream, type BurstSpec, type Stream } from './stream-gen.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WATCH = ['ottawa police', 'ottawa police service', 'ops', 'spo', 'police d\'ottawa', 'service de police d\'ottawa', 'ottawapolice', 'spo_ottawa'];

/** Hours from Monday 00:00: one per kind of case, spread over quiet nights, peaks and the weekend. */
export const SCENARIO: BurstSpec[] = [
  { subject: 'sinkhole', lang: 'en', startHour: 24 + 14, size: 20, durationMin: 30 },
  { subject: 'spill', lang: 'fr', startHour: 48 + 2.5, size: 20, durationMin: 30 },
  { subject: 'bombThreat', lang: 'both', startHour: 72 + 9, size: 30, durationMin: 60 },
  { subject: 'protest', lang: 'en', startHour: 96 + 13, size: 25, durationMin: 240 },
  { subject: 'amber', lang: 'fr', startHour: 120 + 19, size: 15, durationMin: 45 },
  { subject: 'watermain', lang: 'both', startHour: 144 + 8, size: 20, durationMin: 30 },
  { subject: 'sinkhole', lang: 'fr', startHour: 168 + 22, size: 20, durationMin: 30 },
];

export interface SensitivityRow {
  minScore: number;
  injected: number;
  detected: number;
  /** Minutes from each injected burst's start to its first flag; null when never flagged. */
  delays: (number | null)[];
  medianDelayMin: number | null;
  falseBursts: number;
  falsePerDay: number;
}

export interface BurstBench {
  rows: SensitivityRow[];
  bursts: { id: string; size: number; durationMin: number }[];
  burst_delay_min: number | null;
  false_bursts_per_day: number;
}

export interface BurstBenchOptions {
  seeds: number[];
  days: number;
  warmupDays: number;
  sensitivities: number[];
}

export function measureBursts(options: Partial<BurstBenchOptions> = {}): BurstBench {
  const o: BurstBenchOptions = { seeds: [1, 2, 3], days: 8, warmupDays: 1, sensitivities: [4, 6, 8], ...options };
  const streams = o.seeds.map((seed) => generateStream({ seed, days: o.days, bursts: SCENARIO }));
  const prepared = streams.map(prepare);
  const rows = o.sensitivities.map((minScore) => {
    const runs = prepared.map((p) => evaluate(p, minScore, o.warmupDays));
    const delays = runs.flatMap((r) => r.delays);
    const found = delays.filter((d): d is number => d !== null);
    const falseBursts = runs.reduce((a, r) => a + r.falseBursts, 0);
    return {
      minScore,
      injected: delays.length,
      detected: found.length,
      delays,
      medianDelayMin: median(found),
      falseBursts,
      falsePerDay: falseBursts / (o.seeds.length * (o.days - o.warmupDays)),
    };
  });
  const def = rows.find((r) => r.minScore === defaultDetectorOptions.minScore) ?? rows[0];
  return {
    rows,
    bursts: streams[0].bursts.map((b) => ({ id: b.id, size: b.size, durationMin: b.durationMin })),
    burst_delay_min: def.medianDelayMin,
    false_bursts_per_day: def.falsePerDay,
  };
}

interface Prepared {
  stream: Stream;
  observations: { itemId: number; at: number; keys: ReturnType<BurstKeys['of']> }[];
}

/** Story grouping and key extraction do not depend on the sensitivity: done once per stream. */
function prepare(stream: Stream): Prepared {
  const grouper = new StoryGrouper({ watchNames: WATCH });
  const keys = new BurstKeys({ watchNames: WATCH });
  const observations = stream.items.map((it) => {
    const { storyId } = grouper.add(it);
    return { itemId: it.id, at: it.at, keys: keys.of({ text: it.text, lang: it.lang, storyId, ruleIds: it.ruleIds }) };
  });
  return { stream, observations };
}

function evaluate(p: Prepared, minScore: number, warmupDays: number): { delays: (number | null)[]; falseBursts: number } {
  const detector = new BurstDetector({ minScore });
  const burstOf = new Map(p.stream.items.filter((i) => i.burst).map((i) => [i.id, i.burst!]));
  const firstFlag = new Map<string, number>();
  const scoredFrom = p.stream.start + warmupDays * DAY;
  let falseBursts = 0;
  let next = 0;
  for (let now = p.stream.start + 5 * MINUTE; now <= p.stream.end; now += 5 * MINUTE) {
    while (next < p.observations.length && p.observations[next].at <= now) detector.observe(p.observations[next++]);
    for (const b of detector.detect(now).flagged) {
      const cause = attribute(b, burstOf);
      if (cause) {
        if (!firstFlag.has(cause)) firstFlag.set(cause, b.flaggedAt);
      } else if (now >= scoredFrom) falseBursts++;
    }
  }
  const delays = p.stream.bursts.map((b) => {
    const at = firstFlag.get(b.id);
    return at === undefined ? null : (at - b.start) / MINUTE;
  });
  return { delays, falseBursts };
}

function attribute(b: Burst, burstOf: Map<number, string>): string | undefined {
  const per = new Map<string, number>();
  for (const id of b.itemIds) {
    const cause = burstOf.get(id);
    if (cause) per.set(cause, (per.get(cause) ?? 0) + 1);
  }
  const perItem = b.count / Math.max(1, b.itemIds.length);
  const excess = b.count - b.baseline;
  for (const [cause, n] of per) if (n * perItem >= excess / 2) return cause;
  return undefined;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function printTable(r: BurstBench): void {
  const fmt = (d: number | null) => (d === null ? 'missed' : `${d.toFixed(0)} min`);
  console.log(`Burst detection, ${r.bursts.length} injected bursts × ${r.rows[0].injected / r.bursts.length} seeds; min score = −log10 tail probability (lower is more sensitive)`);
  console.log('min score  detected  median delay  false bursts/day');
  for (const row of r.rows) {
    const mark = row.minScore === defaultDetectorOptions.minScore ? ' (default)' : '';
    console.log(`${String(row.minScore).padEnd(9)}  ${`${row.detected}/${row.injected}`.padEnd(8)}  ${fmt(row.medianDelayMin).padEnd(12)}  ${row.falsePerDay.toFixed(2)}${mark}`);
  }
  const def = r.rows.find((x) => x.minScore === defaultDetectorOptions.minScore) ?? r.rows[0];
  console.log(`\nDelay per injected burst and seed at min score ${def.minScore}:`);
  const seeds = def.delays.length / r.bursts.length;
  r.bursts.forEach((b, i) => {
    const ds = Array.from({ length: seeds }, (_, s) => def.delays[s * r.bursts.length + i]);
    console.log(`  ${b.id.padEnd(24)} ${String(b.size).padStart(3)} items / ${String(b.durationMin).padStart(3)} min: ${ds.map(fmt).join(', ')}`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = measureBursts();
  printTable(result);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ burst_delay_min: result.burst_delay_min, false_bursts_per_day: Number(result.false_bursts_per_day.toFixed(3)) }));
  }
}
