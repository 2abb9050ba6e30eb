import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createEngine, type CycleSummary } from '../engine.ts';
import { log } from '../log.ts';
import { startDaemon } from '../scheduler.ts';
import { fail } from './errors.ts';

export function register(program: Command): void {
  program
    .command('run')
    .description('start the daemon: poll each source on its schedule and send the digest on its schedule')
    .option('--once', 'run one cycle over every source, deliver due alerts, and exit')
    .option('--force', 'with --once: poll sources even while they are backing off after failures')
    .action(async (opts: { once?: boolean; force?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ config: string; db?: string }>();
      try {
        const config = loadConfig(globals.config);
        if (globals.db) config.database = globals.db;
        const engine = createEngine(config, log);
        if (opts.once) {
          const summary = await engine.runCycle({ force: opts.force });
          process.stdout.write(formatCycle(summary));
          engine.close();
          return;
        }
        const daemon = startDaemon(engine, log);
        const stop = async (signal: string) => {
          log.info({ signal }, 'stopping');
          await daemon.stop();
          engine.close();
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
      } catch (err) {
        fail(err);
      }
    });
}

export function formatCycle(s: CycleSummary): string {
  const pairs = (o: Record<string, number>) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const failed = s.sources.filter((o) => o.status === 'failed');
  const lines = [
    `sources: ${s.sources.length} polled, ${failed.length} failed, ${s.sources.filter((o) => o.status === 'skipped').length} backing off`,
    `items: ${s.fetched} fetched, ${s.new} new, ${s.duplicates} duplicates of other sources, ${s.seen} already seen`,
    `new per language: ${pairs(s.byLang)}`,
    `new per topic: ${pairs(s.byTopic)}`,
    `flagged: ${s.flagged}`,
    ...failed.map((o) => `  failing: ${o.sourceId}: ${o.error}`),
  ];
  return lines.join('\n') + '\n';
}
