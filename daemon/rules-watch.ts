/**
 * Reloads the rules folder and the claims file when staff edit them. A valid change is swapped in
 * whole; an invalid one leaves the last good matchers running and says why, once per distinct
 * problem, in the log and by email to the admin.
 *
 * It polls file sizes and modification times rather than using fs.watch: editors save by
 * renaming, and watches on network shares miss events, while a stat every few seconds is cheap.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from './engine.ts';
import type { Logger } from './log.ts';
import { loadMatchers } from './matchers.ts';

export interface RulesWatcher {
  start(): void;
  stop(): void;
  /** Checks once now; returns what happened, for tests and logs. */
  check(): 'unchanged' | 'reloaded' | 'rejected';
}

export interface WatchOptions {
  intervalMs?: number;
  /** Tells the admin that the new rules were refused (one email per distinct error list). */
  notifyAdmin?(errors: string): Promise<void>;
}

function signature(dir: string, claims: string | undefined): string {
  const parts: string[] = [];
  const stamp = (file: string) => {
    try {
      const s = statSync(file);
      parts.push(`${file}:${s.size}:${s.mtimeMs}`);
    } catch {
      parts.push(`${file}:missing`);
    }
  };
  try {
    for (const name of readdirSync(dir).sort()) stamp(join(dir, name));
  } catch {
    parts.push(`${dir}:missing`);
  }
  if (claims) stamp(claims);
  return parts.join('|');
}

export function watchRules(engine: Engine, log: Logger, opts: WatchOptions = {}): RulesWatcher {
  const { rules, claims } = engine.config;
  let last = signature(rules, claims);
  let lastRejected = '';
  let timer: NodeJS.Timeout | undefined;

  const watcher: RulesWatcher = {
    check() {
      const now = signature(rules, claims);
      if (now === last) return 'unchanged';
      last = now;
      const loaded = loadMatchers(engine.config, engine.db);
      if (loaded.ok) {
        engine.setMatchers(loaded);
        lastRejected = '';
        log.info({ rules, claims }, 'rules reloaded');
        return 'reloaded';
      }
      log.error({ rules, errors: loaded.errors }, 'rules change rejected; the last good rules keep running');
      if (loaded.errors !== lastRejected) {
        lastRejected = loaded.errors;
        opts.notifyAdmin?.(loaded.errors).catch((err) => log.warn({ err: (err as Error).message }, 'could not email the admin about the rejected rules'));
      }
      return 'rejected';
    },
    start() {
      timer = setInterval(() => watcher.check(), opts.intervalMs ?? 5_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
  return watcher;
}
