/**
 * `npm run bench [-- --json] [--items N] [--stored N] [--feeds N] [--memory-runs N] [--only classify,ingest,...]`
 *
 * Measures, in one run, on generated bilingual material (bench/generate.ts):
 *  - classify_per_s: items through the full classifier (language, rules, claims, rumour score);
 *  - ingest_per_s: items through the daemon's ingest path (normalise, dedupe, classify, store);
 *  - backtest_s: `veille rules test` over the stored items, against grep_s, the same texts
 *    scanned by `grep -c -i -F -f TERMS` with the rules' literal terms;
 *  - rss_mb: peak memory of `veille run --once` over 200 local feeds of 50 items (median of 3 runs);
 *  - alert_p95_ms: flagged item's arrival in ingest → its alert committed to the outbox;
 *  - the burst detection figures of bench/bursts.ts;
 *  - reference_ms: a fixed loop's time (bench/reference.ts) before and after each timed stage, the
 *    median, with reference_spread = slowest / fastest: every figure above moves with it.
 * A table goes to stdout; with --json, one JSON object of the figures is the last line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig } from '../daemon/config.ts';
import { createEngine } from '../daemon/engine.ts';
import { log } from '../daemon/log.ts';
import { normalise } from '../daemon/pipeline/normalise.ts';
import type { NewItemHook } from '../daemon/pipeline/ingest.ts';
import type { RawItem, Source } from '../daemon/sources/types.ts';
import { loadClassifier } from '../rules/classifier.ts';
import { formatRuleErrors } from '../rules/errors.ts';
import { openDb } from '../storage/db.ts';
import { bulkInsertItems } from '../storage/backtest.ts';
import { listOutbox, loadAlert } from '../storage/outbox.ts';
import type { NewItem } from '../storage/items.ts';
import { FeedServer } from '../test/fakes/feed-server.ts';
import { measureBursts } from './bursts.ts';
import { referenceMs } from './reference.ts';
import { GENERATOR_VERSION, generateItem, generateRules, rssFeed, ruleTerms, writeClaims, writeRules, type BenchItem, type RuleDef } from './generate.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const cacheDir = join(root, 'bench', '.cache');
const STAGES = ['classify', 'ingest', 'backtest', 'rss', 'alerts', 'bursts'] as const;
type Stage = (typeof STAGES)[number];

const opts = new Command('bench')
  .option('--items <n>', 'items classified and ingested', '100000')
  .option('--stored <n>', 'stored items back-tested', '1000000')
  .option('--feeds <n>', 'local feeds of 50 items for the memory run', '200')
  .option('--memory-runs <n>', 'memory runs, the median reported (a single peak swings by some 10 MB)', '3')
  .option('--only <stages>', `comma-separated subset of ${STAGES.join(',')}`)
  .option('--json', 'print the figures as one JSON object on the last line')
  .parse()
  .opts<{ items: string; stored: string; feeds: string; memoryRuns: string; only?: string; json?: boolean }>();

const size = { items: count(opts.items, '--items'), stored: count(opts.stored, '--stored'), feeds: count(opts.feeds, '--feeds'), memoryRuns: count(opts.memoryRuns, '--memory-runs') };
const stages = new Set<Stage>(opts.only ? (opts.only.split(',') as Stage[]) : STAGES);
for (const s of stages) if (!STAGES.includes(s)) die(`unknown stage "${s}" in --only`);

const quiet = log.child({}, { level: 'silent' });
const figures: Record<string, number | null> = {};
const notes: string[] = [];

// The configuration every stage shares: 50 rules, 100 claims.
const work = mkdtempSync(join(tmpdir(), 'veille-bench-'));
const rulesDir = join(work, 'rules');
const claimsFile = join(work, 'claims.yaml');
writeRules(rulesDir);
writeClaims(claimsFile);

// The reference loop's time before and after each timed stage (bench/reference.ts).
const machine: { stage: Stage; before: number; after: number }[] = [];
const timedStages: [Stage, () => void | Promise<void>][] = [
  ['classify', classifyStage],
  ['ingest', ingestStage],
  ['backtest', backtestStage],
  ['rss', rssStage],
  ['alerts', alertsStage],
];
try {
  for (const [stage, run] of timedStages) {
    if (!stages.has(stage)) continue;
    const before = referenceMs();
    await run();
    machine.push({ stage, before, after: referenceMs() });
  }
  if (stages.has('bursts')) burstsStage();
} finally {
  rmSync(work, { recursive: true, force: true });
}
report();

// ---- stages ----

function classifyStage(): void {
  const loaded = loadClassifier({ rules: rulesDir, claims: claimsFile, languages: ['en', 'fr'] });
  if (!loaded.ok) die(formatRuleErrors(loaded.errors));
  const items = Array.from({ length: size.items }, (_, i) => generateItem(i, 1));
  const started = performance.now();
  let flagged = 0;
  for (const it of items) {
    if (loaded.classifier.classify({ title: it.title, text: it.text, author: it.author, source: it.sourceId }).flagged) flagged++;
  }
  const s = (performance.now() - started) / 1000;
  figures.classify_per_s = Math.round(size.items / s);
  notes.push(`classify: ${size.items} items in ${s.toFixed(1)} s, ${flagged} flagged`);
}

/** A config file for a stage, with the shared rules and claims; returns it loaded. */
function stageConfig(name: string, settings: Record<string, unknown>) {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify({ languages: ['en', 'fr'], rules: rulesDir, claims: claimsFile, ...settings }));
  return { file, config: loadConfig(file) };
}

/** Sources that hand out their items 50 at a time, like a feed polled again and again. */
function memorySources(items: BenchItem[]): { source: Source; left: () => number }[] {
  const bySource = new Map<string, RawItem[]>();
  for (const it of items) {
    const list = bySource.get(it.sourceId) ?? [];
    list.push(it);
    bySource.set(it.sourceId, list);
  }
  return [...bySource].map(([id, list]) => {
    let next = 0;
    const source: Source = {
      id,
      type: 'rss',
      async fetch() {
        const batch = list.slice(next, next + 50);
        next += batch.length;
        return { items: batch };
      },
    };
    return { source, left: () => list.length - next };
  });
}

/** Seconds of the whole ingest, and of the classification inside it. */
async function ingestThrough(config: ReturnType<typeof loadConfig>, items: BenchItem[]): Promise<{ s: number; classifyS: number; stored: number }> {
  const engine = createEngine(config, quiet);
  try {
    // The engine's own classifier, timed call by call: where ingest's time goes is the question
    // its figure raises first.
    const { classifier } = engine.matchers;
    let classifyMs = 0;
    engine.setMatchers({
      ...engine.matchers,
      classifier: {
        classify(input) {
          const t0 = performance.now();
          const verdict = classifier.classify(input);
          classifyMs += performance.now() - t0;
          return verdict;
        },
      },
    });
    const sources = memorySources(items);
    let stored = 0;
    const started = performance.now();
    while (sources.some((s) => s.left() > 0)) {
      for (const s of sources) if (s.left() > 0) stored += (await engine.runSource(s.source, { force: true })).new;
    }
    return { s: (performance.now() - started) / 1000, classifyS: classifyMs / 1000, stored };
  } finally {
    engine.close();
  }
}

async function ingestStage(): Promise<void> {
  const { config } = stageConfig('ingest', { database: join(work, 'ingest.db') });
  // Some items arrive twice, from another source with the same link: dedupe has work to do.
  const items = Array.from({ length: size.items }, (_, i) => (i % 40 === 39 ? { ...generateItem(i - 7, 2), externalId: `re-${i}`, sourceId: 'google-alerts' } : generateItem(i, 2)));
  const { s, classifyS, stored } = await ingestThrough(config, items);
  figures.ingest_per_s = Math.round(size.items / s);
  notes.push(`ingest: ${size.items} items (${stored} new) in ${s.toFixed(1)} s, of which classification ${classifyS.toFixed(1)} s`);
}

function backtestStage(): void {
  compiledTree();
  const { db: dbFile, text: textFile } = storedDatabase(size.stored);
  const terms = ruleTerms(generateRules());
  const termsFile = join(work, 'terms.txt');
  writeFileSync(termsFile, `${terms.join('\n')}\n`);
  const edited = join(work, 'rules-edited');
  writeRuleSet(edited, editedRules());
  const { file } = stageConfig('backtest', { database: dbFile });

  const t0 = performance.now();
  const run = spawnSync(process.execPath, [join(root, 'daemon/veille.mjs'), '--config', file, 'rules', 'test', edited, '--since', 'all', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const backtestS = (performance.now() - t0) / 1000;
  if (run.status !== 0) die(`rules test failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { items: number; rules: { status: string; gained: number; lost: number }[] };
  if (result.items !== size.stored) die(`rules test read ${result.items} items, expected ${size.stored}`);

  const t1 = performance.now();
  const grep = spawnSync('grep', ['-c', '-i', '-F', '-f', termsFile, textFile], { encoding: 'utf8' });
  const grepS = (performance.now() - t1) / 1000;
  if (grep.status !== 0) die(`grep failed (${grep.status}): ${grep.stderr}`);

  figures.backtest_s = round(backtestS, 2);
  figures.grep_s = round(grepS, 2);
  figures.backtest_vs_grep = round(backtestS / grepS, 2);
  const changed = result.rules.filter((r) => r.status !== 'unchanged');
  notes.push(
    `backtest: ${result.items} items, ${result.rules.length} rules (${changed.map((r) => `${r.status} +${r.gained}/-${r.lost}`).join(', ')}); ` +
      `grep: ${terms.length} terms, ${grep.stdout.trim()} lines matched`,
  );
}

/** The tested folder: one rule loses a word and gains a phrase, one is dropped, one is new. */
function editedRules(): RuleDef[] {
  const rules = generateRules().filter((r) => r.id !== 'community-police');
  const collisions = rules.find((r) => r.id === 'collisions')!;
  collisions.query = { en: 'collision OR "hit and run" OR rollover OR pile-up OR (lanes NEAR/3 closed)', fr: (collisions.query as { fr: string }).fr };
  rules.push({ id: 'medical', label: { en: 'Medical', fr: 'Médical' }, query: { en: 'paramedic* OR hospital', fr: 'paramédic* OR hôpital' }, severity: 'low', trigger: 'digest' });
  return rules;
}

function writeRuleSet(dir: string, rules: RuleDef[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), stringify({ rules }, { lineWidth: 0 }));
}

/**
 * The stored database and its texts (one item a line, for grep), built once per generator
 * version, database schema and size and kept in bench/.cache (older builds of that size are
 * removed): a bulk load, not the ingest path, so it is quick.
 */
function storedDatabase(n: number): { db: string; text: string } {
  const name = `stored-v${GENERATOR_VERSION}-${schemaTag()}-${n}`;
  const base = join(cacheDir, name);
  const db = `${base}.db`;
  const text = `${base}.txt`;
  if (existsSync(db) && existsSync(text)) return { db, text };
  mkdirSync(cacheDir, { recursive: true });
  for (const f of readdirSync(cacheDir)) if (new RegExp(`^stored-.*-${n}\\.(db|txt)$`).test(f)) rmSync(join(cacheDir, f));
  const t0 = performance.now();
  const tmpDb = `${base}.building.db`;
  rmSync(tmpDb, { force: true });
  const store = openDb(tmpDb);
  const fd = openSync(`${text}.building`, 'w');
  const BATCH = 20_000;
  for (let from = 0; from < n; from += BATCH) {
    const rows: NewItem[] = [];
    const lines: string[] = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const raw = generateItem(i, 3);
      const it = normalise(raw);
      rows.push({
        sourceId: raw.sourceId,
        externalId: it.externalId,
        url: it.url,
        canonicalUrl: it.canonicalUrl,
        title: it.title,
        text: it.text,
        author: it.author,
        publishedAt: it.publishedAt,
        fetchedAt: (it.publishedAt ?? 0) + 60_000,
        lang: raw.lang,
        contentHash: it.contentHash,
      });
      lines.push(`${it.title} ${it.text}\n`);
    }
    bulkInsertItems(store, rows);
    writeSync(fd, lines.join(''));
  }
  closeSync(fd);
  store.$client.close();
  renameSync(tmpDb, db);
  renameSync(`${text}.building`, text);
  notes.push(`built the stored database of ${n} items in ${((performance.now() - t0) / 1000).toFixed(0)} s (cached in ${db})`);
  return { db, text };
}

/** A short digest of the migrations: a database built under another schema is not reused. */
function schemaTag(): string {
  const dir = join(root, 'storage', 'migrations');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) hash.update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 8);
}

async function rssStage(): Promise<void> {
  compiledTree();
  const server = await new FeedServer().start();
  try {
    const sources = [];
    for (let f = 0; f < size.feeds; f++) {
      const items = Array.from({ length: 50 }, (_, k) => generateItem(f * 50 + k, 4));
      const path = `/feed-${f}.xml`;
      server.doc(path, { body: rssFeed(`feed ${f}`, items), contentType: 'application/rss+xml' });
      sources.push({ id: `feed-${String(f).padStart(3, '0')}`, type: 'rss', url: server.url(path) });
    }
    const { file } = stageConfig('rss', { database: join(work, 'rss.db'), sources });
    // The peak swings from run to run with when V8's optimising compiler happens to work, so the
    // figure is the median of several runs, each starting from an empty database.
    const peaks: number[] = [];
    let summary = '';
    for (let run = 0; run < size.memoryRuns; run++) {
      for (const f of ['rss.db', 'rss.db-wal', 'rss.db-shm']) rmSync(join(work, f), { force: true });
      const { kb, out } = await peakOfRun(file);
      peaks.push(round(kb / 1024, 1));
      summary = out.split('\n').find((l) => l.startsWith('items:')) ?? out.trim();
    }
    const sorted = [...peaks].sort((a, b) => a - b);
    figures.rss_mb = sorted[Math.floor((sorted.length - 1) / 2)];
    notes.push(`rss: ${size.feeds} feeds × 50 items: ${summary}; peaks of ${peaks.length} runs: ${peaks.join(', ')} MB`);
  } finally {
    await server.stop();
  }
}

/** Peak resident memory (kB) and output of one `veille run --once` with the given config. */
async function peakOfRun(file: string): Promise<{ kb: number; out: string }> {
  // The server runs in this process, so the daemon's run must not block it: spawn, not spawnSync.
  const child = spawn(process.execPath, [join(root, 'bench/daemon-rss.mjs'), '--config', file, 'run', '--once', '--force'], {
    env: { ...process.env, VEILLE_LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const kb = /maxrss_kb=(\d+)/.exec(err);
  if (code !== 0 || !kb) die(`run --once failed (${code}): ${err.slice(-2000)}`);
  return { kb: Number(kb[1]), out };
}

/**
 * The stages that run the `veille` command measure what `npm ci` leaves, the compiled tree; it is
 * rebuilt first (not timed) when the sources changed since, as they do while one works on them.
 */
function compiledTree(): void {
  const run = spawnSync(process.execPath, [join(root, 'daemon/build.mjs')], { encoding: 'utf8' });
  if (run.status !== 0 || !/compiled|up to date/.test(run.stdout)) die(`dist/ could not be built: ${run.stdout}${run.stderr}`);
}

/**
 * Flagged item's arrival in ingest → its alert row committed, through the engine's own ingest path
 * (the alerting hook queues into the outbox inside the ingest transaction). Arrival is the start of
 * the ingest of the 50-item batch holding the item (the source hands its batch over at once); the
 * commit is when that source's run returns, so the time also covers the source's state update
 * after the commit. Only items that really got an outbox row count; the wait until the next poll
 * of a feed and the mail delivery are outside what is measured.
 */
async function alertsStage(): Promise<void> {
  // An address for the default route, so every claim and `trigger: alert` rule has somewhere to go.
  const { config } = stageConfig('alerts', { database: join(work, 'alerts.db'), alerts: { to: ['staff@example.org'] } });
  const items = Array.from({ length: size.items }, (_, i) => generateItem(i, 5));
  const flaggedIn: number[] = [];
  const noteFlagged: NewItemHook = (_tx, stored) => {
    if (stored.verdict.flagged) flaggedIn.push(stored.id);
  };
  const engine = createEngine(config, quiet, { hooks: [noteFlagged] });
  try {
    const latency = new Map<number, number>();
    const sources = memorySources(items);
    while (sources.some((s) => s.left() > 0)) {
      for (const s of sources) {
        if (s.left() === 0) continue;
        flaggedIn.length = 0;
        const arrival = performance.now();
        await engine.runSource(s.source, { force: true });
        const committed = performance.now();
        for (const id of flaggedIn) latency.set(id, committed - arrival);
      }
    }
    const alerted = new Set(listOutbox(engine.db, 0).flatMap((e) => loadAlert(engine.db, e.id, 0)?.itemIds ?? []));
    const measured = [...latency].filter(([id]) => alerted.has(id)).map(([, ms]) => ms).sort((a, b) => a - b);
    figures.alert_p95_ms = measured.length ? Math.round(measured[Math.min(measured.length - 1, Math.ceil(0.95 * measured.length) - 1)]) : null;
    notes.push(
      `alerts: ${size.items} items ingested, ${latency.size} flagged, ${measured.length} with an alert in the outbox measured ` +
        `(median ${measured.length ? Math.round(measured[Math.floor(measured.length / 2)]) : '—'} ms, max ${measured.length ? Math.round(measured[measured.length - 1]) : '—'} ms)`,
    );
  } finally {
    engine.close();
  }
}

function burstsStage(): void {
  const r = measureBursts();
  figures.burst_delay_min = r.burst_delay_min;
  figures.false_bursts_per_day = round(r.false_bursts_per_day, 3);
}

// ---- report ----

function report(): void {
  const machineNote = machineFigures();
  const targets: Record<string, [string, (v: number) => boolean]> = {
    classify_per_s: ['≥ 20,000', (v) => v >= 20_000],
    ingest_per_s: ['≥ 10,000', (v) => v >= 10_000],
    backtest_s: ['≤ 10', (v) => v <= 10],
    grep_s: ['', () => true],
    backtest_vs_grep: ['≤ 10', (v) => v <= 10],
    rss_mb: ['≤ 150', (v) => v <= 150],
    alert_p95_ms: ['≤ 1000', (v) => v <= 1000],
  };
  const rows = Object.entries(figures).map(([k, v]) => {
    const [target, ok] = targets[k] ?? ['', () => true];
    return [k, v === null ? '—' : v.toLocaleString('en-CA'), target, v === null || !target ? '' : ok(v) ? 'ok' : 'MISSED'];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'target', ''][i].length));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd();
  console.log(`Benchmark: ${size.items.toLocaleString('en-CA')} items classified and ingested, ${size.stored.toLocaleString('en-CA')} stored, ${size.feeds} feeds (generator v${GENERATOR_VERSION})`);
  console.log(line(['figure', 'value', 'target', '']));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(`  ${n}`);
  if (machineNote) console.log(`  ${machineNote}`);
  if (opts.json) console.log(JSON.stringify(figures));
}

/** Sets reference_ms and reference_spread; returns the line saying how the machine's speed moved. */
function machineFigures(): string {
  if (!machine.length) return '';
  const all = machine.flatMap((m) => [m.before, m.after]).sort((a, b) => a - b);
  figures.reference_ms = round(all[Math.floor((all.length - 1) / 2)], 1);
  figures.reference_spread = round(all[all.length - 1] / all[0], 2);
  const changed = machine.filter((m) => Math.max(m.before, m.after) / Math.min(m.before, m.after) > 1.2).map((m) => m.stage);
  return (
    `machine: reference loop ${machine.map((m) => `${m.stage} ${m.before.toFixed(0)}/${m.after.toFixed(0)}`).join(', ')} ms before/after each stage` +
    (changed.length ? `; the machine changed speed during ${changed.join(', ')}: compare those figures with care` : '')
  );
}

function count(v: string, flag: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) die(`${flag} must be a positive integer, got "${v}"`);
  return n;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function die(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
