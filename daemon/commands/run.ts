import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { encode } from 'html-entities';
import { loadConfig } from '../config.ts';
import { createEngine, type CycleSummary } from '../engine.ts';
import { log } from '../log.ts';
import { startDaemon } from '../scheduler.ts';
import { fail } from './errors.ts';
import { parseDuration, type Config } from '../config.ts';
import type { Engine } from '../engine.ts';
import { watchRules } from '../rules-watch.ts';
import { composeDigest } from '../../notifiers/digest/compose.ts';
import { renderDigest } from '../../notifiers/digest/render.ts';
import { writeDigestFiles } from '../../notifiers/digest/files.ts';
import { digestGroups, sendDigests } from '../../notifiers/digest/send.ts';
import { createMailer } from '../../notifiers/mailer.ts';

export function register(program: Command): void {
  program
    .command('run')
    .description('start the daemon: poll each source on its schedule and send the digest on its schedule')
    .option('--once', 'run one cycle over every source, deliver due alerts, and exit')
    .option('--force', 'with --once: poll sources even while they are backing off after failures')
    .action(async (opts: { once?: boolean; force?: boolean }, cmd: Command) => {
      keepHeapSmall();
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
        const daemon = startDaemon(engine, log, {
          digest: () => sendScheduledDigest(engine),
          services: [engine.alertSender(), rulesWatcher(engine)],
        });
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

/**
 * A daemon lives beside other services: V8 otherwise lets its heap grow to several times what is
 * live between collections (a cycle over 200 feeds peaked near 280 MB for some 50 MB live), so
 * every collection from here on sizes the heap conservatively. The young generation also stays
 * at its first size (1 MB semi-spaces) instead of doubling up to 16 MB: short-lived objects are
 * swept a little more often, for the same CPU time over a cycle of 200 feeds, and the peak
 * resident memory drops by some 12 MB. Only `run` asks for this: the one-shot commands exit
 * before their heap matters, and a back-test over a million items took some 12% more CPU with it.
 */
function keepHeapSmall(): void {
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--semi-space-growth-factor=1');
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
    `alerts: ${s.alerts.sent} sent, ${s.alerts.failed} failed (will retry), ${s.alerts.held} held for quiet hours, ${s.alerts.dead} given up`,
    `bursts: ${s.bursts.flagged.length} new${s.bursts.flagged.length ? ` (${s.bursts.flagged.map((b) => `${b.kind} ${b.key}: ${Math.round(b.count)} items, baseline ${b.baseline.toFixed(1)}`).join('; ')})` : ''}`,
    ...failed.map((o) => `  failing: ${o.sourceId}: ${o.error}`),
  ];
  return lines.join('\n') + '\n';
}

/** The morning digest on its schedule: the configured period ending now, to every group. */
async function sendScheduledDigest(engine: Engine): Promise<void> {
  const { config, db } = engine;
  const until = Date.now();
  const data = composeDigest(db, config, until - parseDuration(config.digest.since)!, until, (msg) => log.warn(msg));
  if (config.digest.out) writeDigestFiles(config.digest.out, renderDigest(data, config.digest.lang));
  const mailer = createMailer(config);
  try {
    const results = await sendDigests(db, mailer, data, digestGroups(config.digest), { domain: config.from.split('@')[1] });
    for (const r of results) {
      if (r.ok) log.info({ to: r.group.to, lang: r.group.lang }, 'digest sent');
      else log.error({ to: r.group.to, error: r.error }, 'digest not sent');
    }
  } finally {
    mailer.close();
  }
}

function rulesWatcher(engine: Engine) {
  const watcher = watchRules(engine, log, { notifyAdmin: (errors) => notifyAdmin(engine.config, 'rules change refused', errors) });
  watcher.start();
  return watcher;
}

/** One plain email to the admin address, when there is one. */
async function notifyAdmin(config: Config, subject: string, body: string): Promise<void> {
  if (!config.admin) return;
  const mailer = createMailer(config);
  try {
    await mailer.send({ to: [config.admin], subject: `Veille: ${subject}`, text: body, html: `<pre>${encode(body)}</pre>` });
  } finally {
    mailer.close();
  }
}
