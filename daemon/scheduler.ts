/**
 * The long-running daemon: each source on its own cron schedule, the digest on its own, all in
 * the configured time zone. Stopping waits for the work in flight; an ingest is one transaction,
 * so an abandoned fetch leaves nothing half-written.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Engine } from './engine.ts';
import type { Logger } from './log.ts';

export interface Jobs {
  /** After each source poll: deliver what is due in the alert outbox. */
  afterPoll?(): Promise<void>;
  digest?(): Promise<void>;
  /** Other periodic work already running (the alert sender, the rules watcher), stopped with the daemon. */
  services?: { stop(): Promise<void> | void }[];
}

export interface Daemon {
  stop(): Promise<void>;
  /** Next run time per schedule, for logs and `status`. */
  nextRuns(): Record<string, Date | null>;
}

export function startDaemon(engine: Engine, log: Logger, jobs: Jobs = {}): Daemon {
  const tz = engine.config.timezone;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const tasks = new Map<string, ScheduledTask>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };
  const guarded = (name: string, fn: () => Promise<unknown>) => async () => {
    if (shutdown.signal.aborted) return;
    try {
      await track(fn());
    } catch (err) {
      log.error({ job: name, err: (err as Error).message }, `${name} failed`);
    }
  };

  for (const source of engine.sources) {
    const cfg = engine.config.sources.find((s) => s.id === source.id)!;
    const job = guarded(`source ${source.id}`, async () => {
      await engine.runSource(source, { signal: shutdown.signal });
      engine.detectBursts();
      await jobs.afterPoll?.();
    });
    tasks.set(`source:${source.id}`, cron.schedule(cfg.schedule, job, { timezone: tz, noOverlap: true, name: source.id }));
  }
  if (jobs.digest) {
    tasks.set('digest', cron.schedule(engine.config.digest.schedule, guarded('digest', jobs.digest), { timezone: tz, noOverlap: true, name: 'digest' }));
  }
  log.info({ sources: engine.sources.length, timezone: tz }, 'daemon started');

  return {
    async stop() {
      shutdown.abort();
      for (const t of tasks.values()) await t.destroy();
      for (const s of jobs.services ?? []) await s.stop();
      await Promise.allSettled([...inFlight]);
      log.info('daemon stopped');
    },
    nextRuns() {
      return Object.fromEntries([...tasks].map(([k, t]) => [k, t.getNextRun()]));
    },
  };
}
