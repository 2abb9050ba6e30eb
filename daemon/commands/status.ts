import type { Command } from 'commander';
import { openContext } from '../context.ts';
import { itemTotals, sourceHealth, type SourceHealth } from '../../storage/sources.ts';
import { fail } from './errors.ts';

const iso = (t: number | null) => (t ? new Date(t).toISOString() : null);

/** The `status --json` shape is an interface for scripts and monitoring: keep its keys stable. */
export function statusJson(rows: SourceHealth[], totals: ReturnType<typeof itemTotals>) {
  return {
    sources: rows.map((r) => ({
      id: r.id,
      type: r.type,
      items: r.items,
      items_24h: r.itemsLast24h,
      last_success: iso(r.lastSuccessAt),
      last_error: r.lastError && (!r.lastSuccessAt || (r.lastErrorAt ?? 0) > r.lastSuccessAt) ? r.lastError : null,
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
