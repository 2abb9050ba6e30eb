/**
 * Polls one source: respects its back-off, fetches, ingests, and records the outcome so that
 * `veille status` can say when and why a source failed. A failure never escapes: one broken feed
 * must not stop the others.
 */
import type { Logger } from '../log.ts';
import { ensureSource, readsThisMonth, recordFailure, recordSuccess } from '../../storage/sources.ts';
import { SourceError, type Source } from '../sources/types.ts';
import { emptySummary, ingest, type IngestDeps, type IngestSummary } from './ingest.ts';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface SourceOutcome extends IngestSummary {
  sourceId: string;
  status: 'ok' | 'not-modified' | 'failed' | 'skipped';
  error?: string;
  durationMs: number;
}

export interface RunOptions {
  now?: () => number;
  /** Ignore the back-off (manual `--once` runs still honour it unless told). */
  force?: boolean;
  signal?: AbortSignal;
}

/** Doubles with each consecutive failure, up to the cap; a server-given time wins when later. */
export function nextAttempt(failures: number, backoff: Backoff, now: number, retryAt?: number): number {
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.max(now + delay, retryAt ?? 0);
}

export async function runSource(deps: IngestDeps, source: Source, backoff: Backoff, log: Logger, opts: RunOptions = {}): Promise<SourceOutcome> {
  const clock = opts.now ?? Date.now;
  const started = clock();
  const row = ensureSource(deps.db, source.id, source.type);
  const outcome = (status: SourceOutcome['status'], summary: IngestSummary, error?: string): SourceOutcome => {
    const result = { ...summary, sourceId: source.id, status, error, durationMs: clock() - started };
    const { byLang, byTopic, ...counts } = result;
    if (status === 'failed') log.warn(counts, `source ${source.id} failed: ${error}`);
    else if (status !== 'skipped') log.info(counts, `source ${source.id}: ${summary.new} new of ${summary.fetched}`);
    return result;
  };
  if (!opts.force && row.nextAttemptAt && row.nextAttemptAt > started) {
    return outcome('skipped', emptySummary());
  }
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  try {
    const state = { etag: row.etag, lastModified: row.lastModified, cursor: row.cursor, readsThisMonth: readsThisMonth(row, started) };
    const result = await source.fetch(state, { signal, log });
    if (signal.aborted) throw new SourceError('aborted by shutdown');
    const summary = ingest(deps, source.id, result.items, clock());
    recordSuccess(deps.db, row, { ...result.state, reads: result.reads }, clock());
    return outcome(result.notModified ? 'not-modified' : 'ok', summary);
  } catch (err) {
    const message = err instanceof SourceError ? err.message : `unexpected error: ${(err as Error).message ?? String(err)}`;
    const retryAt = err instanceof SourceError ? err.retryAt : undefined;
    const now = clock();
    recordFailure(deps.db, row, message, nextAttempt(row.consecutiveFailures + 1, backoff, now, retryAt), now);
    return outcome('failed', emptySummary(), message);
  }
}
