/**
 * `veille rules test PATH [--since 30d]`: what a rules folder would have matched among the items
 * already stored, before it is put in force. Per rule: the matches, what changes against the
 * rules in force (the config's rules folder) with sample items gained and lost, and precision
 * against staff labels where there are any.
 *
 * Both folders are judged on the same items in one pass, by one topic matcher: each item is
 * tokenised once, and a rule left unchanged is evaluated once for both sides. A large store is
 * read by worker threads beside the main one, each taking shares of it (rules-test-scan.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadConfig, parseDuration } from '../config.ts';
import { rulesCommand } from './rules.ts';
import { fail } from './errors.ts';
import { formatRuleErrors, sortRuleErrors } from '../../rules/errors.ts';
import { loadRules, type CompiledRule } from '../../rules/loader.ts';
import { openDb, type Db } from '../../storage/db.ts';
import { countItemsSince, itemIdBounds, openReader, storedTopicCounts, type IdRange } from '../../storage/backtest.ts';
import { mergeShares, Scanner, type Sample, type ScanPlan, type ShareResult, type SideCounts, type WorkerInput, type WorkerJob, type WorkerShare } from './rules-test-scan.ts';

export type { Sample } from './rules-test-scan.ts';

/** Below this many items a run is over before a progress bar would tell anything. */
const LONG_RUN = 50_000;

export type RuleStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface Precision {
  /** Matched items staff labelled (rumour / not-rumour, or a known claim). */
  labelled: number;
  /** Of those, the ones labelled a rumour or a known claim. */
  positive: number;
  value: number | null;
}

export interface RuleReport {
  id: string;
  status: RuleStatus;
  /** Matches under the tested folder; null for a rule it removes. */
  matches: number | null;
  /** Matches under the rules in force; null for a rule it adds. */
  inForce: number | null;
  gained: number;
  lost: number;
  /** Topic matches recorded when the items were ingested, with the rules of then. */
  recorded: number;
  precision: Precision | null;
  precisionInForce: Precision | null;
  samples: { gained: Sample[]; lost: Sample[] };
}

export interface BacktestReport {
  path: string;
  /** The rules folder in force, or null when there is none to compare with. */
  inForcePath: string | null;
  /** ISO time from which items were read; null for every stored item. */
  since: string | null;
  items: number;
  /** Items matched by at least one rule, under each folder. */
  matchedItems: { tested: number; inForce: number | null };
  labelledItems: number;
  rules: RuleReport[];
  durationMs: number;
}

export interface BacktestOptions {
  rules: CompiledRule[];
  path: string;
  inForce: { rules: CompiledRule[]; path: string } | null;
  since: number | null;
  onProgress?: (done: number, total: number) => void;
  /**
   * Worker threads beside the main one and item ids per share, by default from the size of the
   * run; `main: false` leaves every share to the workers (to see their part in tests).
   */
  threads?: { workers: number; shareIds: number; main?: boolean };
  /**
   * Worker threads already started on the same database file (startBacktestThreads()): the run
   * gives them shares, starts more if it wants more, and stops those it does not want.
   */
  started?: ScanThread[];
}

interface PairInfo {
  id: string;
  status: RuleStatus;
  tested: number | null;
  inForce: number | null;
}

export async function backtest(db: Db, opts: BacktestOptions): Promise<BacktestReport> {
  const started = Date.now();
  const { distinct, slotOf } = shareRules([...opts.rules, ...(opts.inForce?.rules ?? [])]);
  const inForceById = new Map((opts.inForce?.rules ?? []).map((r) => [r.id, r]));
  const testedIds = new Set(opts.rules.map((r) => r.id));
  const pairs: PairInfo[] = [
    ...opts.rules.map((r) => {
      const old = inForceById.get(r.id);
      const status: RuleStatus = !opts.inForce ? 'unchanged' : !old ? 'added' : slotOf(old) === slotOf(r) ? 'unchanged' : 'changed';
      return { id: r.id, status, tested: slotOf(r), inForce: old ? slotOf(old) : null };
    }),
    ...(opts.inForce?.rules ?? []).filter((r) => !testedIds.has(r.id)).map((r) => ({ id: r.id, status: 'removed' as const, tested: null, inForce: slotOf(r) })),
  ];
  const plan: ScanPlan = { rules: distinct, pairs: pairs.map((p) => ({ tested: p.tested, inForce: p.inForce })), compare: opts.inForce !== null, since: opts.since };
  const scanned = await scanAll(db, plan, opts);

  const recorded = storedTopicCounts(db, opts.since);
  return {
    path: opts.path,
    inForcePath: opts.inForce?.path ?? null,
    since: opts.since === null ? null : new Date(opts.since).toISOString(),
    items: scanned.items,
    matchedItems: { tested: scanned.matchedTested, inForce: opts.inForce ? scanned.matchedInForce : null },
    labelledItems: scanned.labelledItems,
    rules: pairs.map((p, i) => {
      const c = scanned.pairs[i];
      return {
        id: p.id,
        status: p.status,
        matches: p.tested !== null ? c.tested.count : null,
        inForce: p.inForce !== null ? c.inForce.count : null,
        gained: c.gained,
        lost: c.lost,
        recorded: recorded.get(p.id) ?? 0,
        precision: p.tested !== null ? precision(c.tested) : null,
        precisionInForce: p.inForce !== null ? precision(c.inForce) : null,
        samples: c.samples,
      };
    }),
    durationMs: Date.now() - started,
  };
}

/** Below this many item ids a worker thread costs more to start than it saves. */
const WORKERS_FROM = 100_000;
/**
 * Item ids per share: small enough that threads finish close together (a thread left alone with
 * the last share was idle a few percent of a million-item run at 25,000), large enough that the
 * per-share message and statement cost nothing.
 */
const SHARE_IDS = 10_000;

/** Worker threads a run over these items wants beside the main one: none for a small store or one in memory. */
function workersFor(file: string | null, bounds: { min: number; max: number } | null): number {
  const span = bounds ? bounds.max - bounds.min + 1 : 0;
  return file && span >= WORKERS_FROM ? Math.max(0, availableParallelism() - 1) : 0;
}

/**
 * Scans every item of the plan: the id range is cut into shares, newest first, which the main
 * thread and its workers take one at a time until none is left.
 */
async function scanAll(db: Db, plan: ScanPlan, opts: BacktestOptions): Promise<ShareResult> {
  const bounds = itemIdBounds(db, plan.since);
  const file = db.$client.memory ? null : db.$client.name;
  const threads = opts.threads ?? { workers: workersFor(file, bounds), shareIds: SHARE_IDS };
  const shares: IdRange[] = [];
  if (bounds) for (let upTo = bounds.max; upTo >= bounds.min; upTo -= threads.shareIds) shares.push({ above: Math.max(bounds.min - 1, upTo - threads.shareIds), upTo });
  const progress = new Int32Array(new SharedArrayBuffer(8));
  const results: (ShareResult | undefined)[] = new Array(shares.length);
  const total = opts.onProgress ? countItemsSince(db, plan.since) : 0;
  const report = () => opts.onProgress?.(Atomics.load(progress, 1), total);

  const wanted = file && shares.length > 1 ? threads.workers : 0;
  const started = opts.started ?? [];
  for (const t of started.slice(wanted)) t.stop();
  const workers = [...started.slice(0, wanted), ...startScanThreads(file!, wanted - started.length)].map((t) => t.scan({ plan, shares, progress }, results));
  // The main thread reads through a connection of its own too, for the reader's memory map.
  const reader = file ? openReader(file) : db;
  try {
    const scanner = new Scanner(reader, plan);
    let sinceReport = 0;
    const takeShare = () => (threads.main === false ? shares.length : Atomics.add(progress, 0, 1));
    for (let index = takeShare(); index < shares.length; index = takeShare()) {
      results[index] = scanner.scan(shares[index], (n) => {
        Atomics.add(progress, 1, n);
        if ((sinceReport += n) >= 1000) {
          sinceReport = 0;
          report();
        }
      });
    }
  } finally {
    if (reader !== db) reader.$client.close();
  }
  const ticker = setInterval(report, 200);
  try {
    await Promise.all(workers);
  } finally {
    clearInterval(ticker);
  }
  report();
  return mergeShares(results as ShareResult[], plan.pairs.length);
}

/**
 * A worker thread of a back-test, started before it is given its shares: a thread takes most of
 * a second to start and load its modules, which the command overlaps with loading the rules
 * (startBacktestThreads()).
 */
export class ScanThread {
  private readonly worker: Worker;
  private results: (ShareResult | undefined)[] = [];
  /** Settles when the thread has stopped, rejected if it failed. */
  private readonly stopped: Promise<void>;

  constructor(file: string) {
    const input: WorkerInput = { typescript: import.meta.url.endsWith('.ts'), file };
    this.worker = new Worker(new URL('./rules-test-worker.mjs', import.meta.url), { workerData: input });
    this.worker.on('message', ({ index, result }: WorkerShare) => (this.results[index] = result));
    this.stopped = new Promise((done, reject) => {
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => (code === 0 ? done() : reject(new Error(`a back-test worker thread stopped (exit code ${code})`))));
    });
    // Until it has shares, its failure is nobody's concern, and waiting for it keeps no command
    // that fails before then from ending.
    this.stopped.catch(() => {});
    this.worker.unref();
  }

  /** Gives the thread its job: it stores each share it scans in `results`; fails if the thread does. */
  scan(job: WorkerJob, results: (ShareResult | undefined)[]): Promise<void> {
    this.results = results;
    this.worker.ref();
    this.worker.postMessage(job);
    return this.stopped;
  }

  stop(): void {
    void this.worker.terminate();
  }
}

function startScanThreads(file: string, count: number): ScanThread[] {
  return Array.from({ length: Math.max(0, count) }, () => new ScanThread(file));
}

/**
 * The worker threads a back-test of the items in `file` since `since` will want, started now: for
 * `veille rules test` to start them before loading the rules. None when the store is small, or
 * not a file there is yet.
 */
export function startBacktestThreads(file: string, since: number | null): ScanThread[] {
  let reader: Db;
  try {
    reader = openReader(file);
  } catch {
    return [];
  }
  try {
    return startScanThreads(file, workersFor(file, itemIdBounds(reader, since)));
  } finally {
    reader.$client.close();
  }
}

/**
 * One matcher rule per distinct definition across both folders: a rule the tested folder leaves
 * as it is shares its slot with the rule in force, so it is evaluated once and cannot differ.
 * Label, severity and trigger do not change what matches and are left out of the comparison.
 */
function shareRules(rules: CompiledRule[]): { distinct: CompiledRule[]; slotOf: (r: CompiledRule) => number } {
  const bySignature = new Map<string, number>();
  const distinct: CompiledRule[] = [];
  const slots = new Map<CompiledRule, number>();
  for (const r of rules) {
    const signature = JSON.stringify([
      sources(r.query),
      r.exclude ? sources(r.exclude) : null,
      r.languages ?? null,
      r.sources ?? null,
      r.stems,
    ]);
    let slot = bySignature.get(signature);
    if (slot === undefined) {
      slot = distinct.length;
      bySignature.set(signature, slot);
      distinct.push({ ...r, id: String(slot) });
    }
    slots.set(r, slot);
  }
  return { distinct, slotOf: (r) => slots.get(r)! };
}

function sources(q: CompiledRule['query']): [string, string][] {
  return Object.entries(q).map(([k, v]) => [k, v!.source]);
}

function precision(c: SideCounts): Precision {
  return { labelled: c.labelled, positive: c.positive, value: c.labelled ? c.positive / c.labelled : null };
}

/** `30d` back from now, a date (`2026-11-01`), or `all`; undefined when it is none of them. */
export function parseSince(value: string, now: number): number | null | undefined {
  if (value === 'all') return null;
  const ms = parseDuration(value);
  if (ms !== null) return now - ms;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

// ---- output for staff ----

export function formatBacktest(r: BacktestReport): string {
  const n = (x: number) => x.toLocaleString('en-CA');
  const out: string[] = [];
  const window = r.since ? `ingested since ${r.since.slice(0, 16).replace('T', ' ')} UTC` : 'stored';
  out.push(`Back-test of ${r.path} on ${n(r.items)} items ${window}`);
  out.push(r.inForcePath ? `compared with the rules in force: ${r.inForcePath}` : 'no rules in force to compare with');
  const matched = r.matchedItems;
  out.push(
    `items matched by at least one rule: ${n(matched.tested)}` +
      (matched.inForce === null ? '' : ` (in force: ${n(matched.inForce)}, ${signed(matched.tested - matched.inForce)})`),
  );
  out.push('');

  const rows = r.rules.map((rule) => [
    rule.id + (rule.status === 'added' ? ' (new)' : rule.status === 'removed' ? ' (removed)' : rule.status === 'changed' ? ' (changed)' : ''),
    rule.matches === null ? '—' : n(rule.matches),
    rule.inForce === null ? '—' : n(rule.inForce),
    rule.gained ? `+${n(rule.gained)}` : '',
    rule.lost ? `-${n(rule.lost)}` : '',
    precisionCell(rule.precision ?? rule.precisionInForce, rule.precision && rule.precisionInForce),
  ]);
  const headers = ['rule', 'matches', 'in force', 'gained', 'lost', 'precision (staff labels)'];
  const showRecorded = r.rules.some((rule) => rule.recorded > 0);
  if (showRecorded) {
    headers.splice(3, 0, 'at ingest');
    r.rules.forEach((rule, i) => rows[i].splice(3, 0, n(rule.recorded)));
  }
  out.push(...table(headers, rows));
  if (!r.labelledItems) out.push('', 'No staff labels on these items yet: `veille label ID rumour|not-rumour` or `--claim ID` gives rules a precision.');
  else out.push('', `Precision: the share of a rule's matches among the ${n(r.labelledItems)} labelled items that staff marked a rumour or a known claim.`);

  for (const rule of r.rules) {
    for (const kind of ['gained', 'lost'] as const) {
      const list = rule.samples[kind];
      if (!list.length) continue;
      const total = rule[kind];
      out.push('', `${rule.id}: ${kind} ${n(total)} item${total === 1 ? '' : 's'}${total > list.length ? `, newest ${list.length}` : ''}:`);
      for (const s of list) out.push(`  #${s.id} [${s.source}, ${s.lang}] ${s.excerpt}`, `      ${kind === 'gained' ? 'matched' : 'matched before'}: ${s.terms.join(', ')}`);
    }
  }
  out.push('', `${n(r.items)} items in ${(r.durationMs / 1000).toFixed(1)} s`);
  return `${out.join('\n')}\n`;
}

function precisionCell(p: Precision | null, before: Precision | null): string {
  if (!p || p.value === null) return '';
  const pct = (x: Precision) => `${Math.round(x.value! * 100)}%`;
  const was = before && before.value !== null && before !== p ? ` (in force ${pct(before)})` : '';
  return `${pct(p)} of ${p.labelled}${was}`;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

const signed = (x: number) => (x > 0 ? `+${x.toLocaleString('en-CA')}` : x < 0 ? `-${(-x).toLocaleString('en-CA')}` : '±0');

// ---- the command ----

interface TestOptions {
  since: string;
  json?: boolean;
}

export function register(program: Command): void {
  rulesCommand(program)
    .command('test')
    .description('back-test a rules folder on stored items: matches per rule, gains and losses against the rules in force, precision against staff labels')
    .argument('<path>', 'rules folder (or file) to test')
    .option('--since <when>', 'items ingested in this window (30d, 12h) or since a date (2026-11-01), or "all"', '30d')
    .option('--json', 'print the report as one JSON object')
    .action(async (path: string, opts: TestOptions, cmd: Command) => {
      try {
        process.exitCode = await runTest(path, opts, cmd);
      } catch (err) {
        fail(err);
      }
    });
}

async function runTest(path: string, opts: TestOptions, cmd: Command): Promise<number> {
  const since = parseSince(opts.since, Date.now());
  if (since === undefined) {
    process.stderr.write(`veille: --since must be a duration (30d, 12h), a date (2026-11-01) or "all", got "${opts.since}"\n`);
    return 2;
  }
  const tested = loadRules(path);
  if (tested.errors.length) {
    process.stderr.write(`${formatRuleErrors(sortRuleErrors(tested.errors))}\n`);
    process.stderr.write(`${tested.errors.length} error${tested.errors.length === 1 ? '' : 's'} in ${path}: nothing tested\n`);
    return 1;
  }
  const globals = cmd.optsWithGlobals<{ config: string; db?: string }>();
  const config = loadConfig(globals.config);
  const file = globals.db ?? config.database;
  // Started now, worker threads load their modules while the rules in force load and the
  // database opens.
  const started = startBacktestThreads(file, since);
  const current = loadRules(config.rules);
  if (current.errors.length) {
    process.stderr.write(`veille: the rules in force (${config.rules}) do not load, so nothing is compared with them:\n${formatRuleErrors(sortRuleErrors(current.errors))}\n`);
  }
  const db = openDb(file);
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'back-test [{bar}] {percentage}% {value}/{total} items, {eta}s left', hideCursor: true }) : null;
  let barStarted = false;
  try {
    const report = await backtest(db, {
      rules: tested.rules,
      path,
      inForce: current.errors.length ? null : { rules: current.rules, path: config.rules },
      since,
      started,
      onProgress: bar
        ? (done, total) => {
            if (total < LONG_RUN) return;
            if (!barStarted) bar.start(total, 0);
            barStarted = true;
            bar.update(done);
          }
        : undefined,
    });
    if (barStarted) bar!.stop();
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatBacktest(report));
    return 0;
  } finally {
    db.$client.close();
  }
}

