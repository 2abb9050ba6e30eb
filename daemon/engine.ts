/**
 * Everything a cycle needs, built once: the database, the matchers, the sources. The daemon, the
 * demo and `run --once` share it, so they cannot drift apart.
 */
import { ConfigError, type Config } from './config.ts';
import type { Logger } from './log.ts';
import { loadMatchers, type LoadedMatchers } from './matchers.ts';
import { openDb, type Db } from '../storage/db.ts';
import { itemStore } from '../storage/items.ts';
import { createSource } from './sources/index.ts';
import type { Source } from './sources/types.ts';
import { emptySummary, type IngestDeps, type IngestSummary, type NewItemHook } from './pipeline/ingest.ts';
import { runSource, type Backoff, type SourceOutcome } from './pipeline/run-source.ts';
import { Emerging, type BurstEvents } from './pipeline/emerging.ts';
import { alerting } from './pipeline/alerting.ts';
import { deliverDueAlerts, startAlertSender, type AlertSender, type DeliverySummary } from '../notifiers/alerts/send.ts';
import { createMailer, type Mailer } from '../notifiers/mailer.ts';

export interface CycleSummary extends IngestSummary {
  sources: SourceOutcome[];
  bursts: BurstEvents;
  alerts: DeliverySummary;
  durationMs: number;
}

export interface Engine {
  config: Config;
  db: Db;
  sources: Source[];
  matchers: LoadedMatchers;
  /** Swaps in newly loaded matchers (a rules folder that changed and validated). */
  setMatchers(m: LoadedMatchers): void;
  runSource(source: Source, opts?: { force?: boolean; signal?: AbortSignal }): Promise<SourceOutcome>;
  runCycle(opts?: { force?: boolean; signal?: AbortSignal; only?: string[] }): Promise<CycleSummary>;
  /** Stores the bursts found since the last call and queues alerts for watched ones; run after each poll. */
  detectBursts(): BurstEvents;
  /** Sends what is due in the alert outbox. */
  deliverAlerts(): Promise<DeliverySummary>;
  /** Keeps delivering due alerts between polls, for the running daemon. */
  alertSender(): AlertSender;
  close(): void;
}

/** How many sources are fetched at once: enough to hide network latency, few enough to be polite. */
const CONCURRENCY = 6;

export function createEngine(config: Config, log: Logger, opts: { hooks?: NewItemHook[] } = {}): Engine {
  const db = openDb(config.database);
  const loaded = loadMatchers(config, db);
  if (!loaded.ok) {
    db.$client.close();
    throw new ConfigError(loaded.errors);
  }
  let matchers: LoadedMatchers = loaded;
  const store = itemStore(db);
  const emerging = new Emerging({
    watchNames: config.emerging.watch_names,
    detector: { minScore: config.emerging.sensitivity, minCount: config.emerging.min_count, timezone: config.timezone },
  });
  emerging.restore(db, Date.now());
  const alerts = alerting(db, config, () => matchers.triggers);
  const hooks = [emerging.hook, alerts.hook, ...(opts.hooks ?? [])];
  let mailer: Mailer | undefined;
  const mail = () => (mailer ??= createMailer(config));
  const sources = config.sources.map((s) => createSource(s));
  const backoff: Backoff = { baseMs: config.backoff.base_s * 1000, maxMs: config.backoff.max_s * 1000 };
  const deps = (): IngestDeps => ({ db, store, classifier: matchers.classifier, hooks });

  const engine: Engine = {
    config,
    db,
    sources,
    get matchers() {
      return matchers;
    },
    setMatchers(m) {
      matchers = m;
    },
    runSource(source, runOpts = {}) {
      return runSource(deps(), source, backoff, log, runOpts);
    },
    async runCycle(runOpts = {}) {
      const started = Date.now();
      const todo = sources.filter((s) => !runOpts.only || runOpts.only.includes(s.id));
      const outcomes: SourceOutcome[] = [];
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const source = todo[next++];
          outcomes.push(await engine.runSource(source, runOpts));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
      // Code-unit order: localeCompare would load collation tables into the daemon for this alone.
      outcomes.sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
      const bursts = engine.detectBursts();
      // A cycle ends by delivering what is due, so `run --once` sends its alerts.
      const delivered = await engine.deliverAlerts();
      return { ...mergeSummaries(outcomes), sources: outcomes, bursts, alerts: delivered, durationMs: Date.now() - started };
    },
    detectBursts() {
      const now = Date.now();
      const events = emerging.detect(db, now);
      alerts.bursts(events, now);
      return events;
    },
    deliverAlerts() {
      return deliverDueAlerts(db, mail(), config, { ...matchers.refs, log });
    },
    alertSender() {
      return startAlertSender(db, mail(), config, () => matchers.refs, log);
    },
    close() {
      mailer?.close();
      db.$client.close();
    },
  };
  return engine;
}

function mergeSummaries(list: IngestSummary[]): IngestSummary {
  const total = emptySummary();
  for (const s of list) {
    total.fetched += s.fetched;
    total.new += s.new;
    total.duplicates += s.duplicates;
    total.seen += s.seen;
    total.flagged += s.flagged;
    for (const [k, v] of Object.entries(s.byLang)) total.byLang[k] = (total.byLang[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.byTopic)) total.byTopic[k] = (total.byTopic[k] ?? 0) + v;
  }
  return total;
}
