import type { Command } from 'commander';
import cron from 'node-cron';
import type { Config } from '../config.ts';
import { openContext } from '../context.ts';
import { itemTotals, sourceHealth, type SourceHealth } from '../../storage/sources.ts';
import { fail } from './errors.ts';

const iso = (t: number | null) => (t ? new Date(t).toISOString() : null);

/** The last error only while it is newer than the last success: a recovered source shows none. */
const currentError = (r: SourceHealth) => (r.lastError && (!r.lastSuccessAt || (r.lastErrorAt ?? 0) > r.lastSuccessAt) ? r.lastError : null);

/** The `status --json` shape is an interface for scripts and monitoring: keep its keys stable. */
export function statusJson(rows: SourceHealth[], totals: ReturnType<typeof itemTotals>) {
  return {
    sources: rows.map((r) => ({
      id: r.id,
      type: r.type,
      items: r.items,
      items_24h: r.itemsLast24h,
      last_success: iso(r.lastSuccessAt),
      last_error: currentError(r),
      last_error_at: iso(r.lastErrorAt),
      consecutive_failures: r.consecutiveFailures,
      next_attempt: iso(r.nextAttemptAt),
    })),
    items: totals.items,
    by_lang: totals.byLang,
    flagged: totals.flagged,
  };
}

export function register(program: Command): void {
  program
    .command('status')
    .description('per source: last fetch, last error and item counts; totals per language and flagged')
    .option('--json', 'print one JSON object, for scripts and monitoring')
    .action((opts: { json?: boolean }, cmd: Command) => {
      try {
        const { db } = openContext(cmd.optsWithGlobals());
        const status = statusJson(sourceHealth(db, Date.now()), itemTotals(db));
        db.$client.close();
        if (opts.json) {
          process.stdout.write(JSON.stringify(status) + '\n');
          return;
        }
        const lines = status.sources.map(
          (s) => `${s.id.padEnd(24)} ${String(s.items).padStart(6)} items  last ok ${s.last_success ?? 'never'}${s.last_error ? `  ERROR: ${s.last_error}` : ''}`,
        );
        const langs = Object.entries(status.by_lang).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
        lines.push('', `items: ${status.items} (${langs}); flagged: ${status.flagged}`);
        process.stdout.write(lines.join('\n') + '\n');
      } catch (err) {
        fail(err);
      }
    });
}

/** When the scheduler will next poll a source: its cron time, or later if it is backing off. */
export function nextScheduled(config: Config, sourceId: string, backoffUntil: number | null): Date | null {
  const cfg = config.sources.find((s) => s.id === sourceId);
  if (!cfg) return null;
  const task = cron.createTask(cfg.schedule, () => {}, { timezone: config.timezone });
  task.start();
  const next = task.getNextRun();
  void task.destroy();
  if (backoffUntil && (!next || backoffUntil > next.getTime())) return new Date(backoffUntil);
  return next;
}

export function registerSources(program: Command): void {
  program
    .command('sources')
    .description('source health: last success, last error and its reason, consecutive failures, items in the last 24 h, next attempt')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      try {
        const { config, db } = openContext(cmd.optsWithGlobals());
        const rows = sourceHealth(db, Date.now());
        db.$client.close();
        const known = new Set(rows.map((r) => r.id));
        const table = [
          ...rows.map((r) => ({
            id: r.id,
            type: r.type,
            last_success: iso(r.lastSuccessAt),
            last_error: currentError(r),
            consecutive_failures: r.consecutiveFailures,
            items_24h: r.itemsLast24h,
            next_attempt: nextScheduled(config, r.id, r.nextAttemptAt)?.toISOString() ?? null,
            configured: config.sources.some((s) => s.id === r.id),
          })),
          // Configured but never polled yet: staff should see them too.
          ...config.sources
            .filter((s) => !known.has(s.id))
            .map((s) => ({ id: s.id, type: s.type, last_success: null, last_error: null, consecutive_failures: 0, items_24h: 0, next_attempt: nextScheduled(config, s.id, null)?.toISOString() ?? null, configured: true })),
        ];
        if (opts.json) {
          process.stdout.write(JSON.stringify(table) + '\n');
          return;
        }
        const head = ['source', 'type', 'last success', 'fails', '24h', 'next attempt', 'last error'];
        const body = table.map((r) => [r.id + (r.configured ? '' : ' (removed)'), r.type, r.last_success ?? 'never', String(r.consecutive_failures), String(r.items_24h), r.next_attempt ?? '-', r.last_error ?? '']);
        const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
        const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
        process.stdout.write([line(head), ...body.map(line)].join('\n') + '\n');
      } catch (err) {
        fail(err);
      }
    });
}
