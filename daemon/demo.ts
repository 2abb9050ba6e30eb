/**
 * `npm run demo`: the whole path on this machine, without internet. Serves examples/feeds/ over
 * HTTP on 127.0.0.1, catches mail with a local SMTP server, runs one daemon cycle against
 * examples/veille.yaml, then writes the digest to out/ and mails it to the catcher.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from './config.ts';
import { createEngine } from './engine.ts';
import { log } from './log.ts';
import { formatCycle } from './commands/run.ts';
import { buildDigest } from '../notifiers/digest/build.ts';
import { renderDigest } from '../notifiers/digest/render.ts';
import { digestGroups, digestSettings, sendDigests } from '../notifiers/digest/send.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { earliestItemTime } from '../storage/items.ts';
import { FeedServer } from '../test/fakes/feed-server.ts';
import { SmtpCatcher } from '../test/fakes/smtp.ts';

const root = resolve(import.meta.dirname, '..');
const configFile = resolve(process.argv[2] ?? resolve(root, 'examples/veille.yaml'));
const outDir = resolve(root, 'out');

const config = loadConfig(configFile);
const feedPort = Number(new URL(config.sources.find((s) => s.type === 'rss')!.url).port);

const feeds = new FeedServer();
feeds.serveDir(resolve(root, 'examples/feeds'));
await feeds.start(feedPort);
const catcher = new SmtpCatcher({ port: config.smtp.port });
await catcher.start();
log.level = process.env.VEILLE_LOG_LEVEL ?? 'warn';

const engine = createEngine(config, log);
try {
  // A demo run should show the feeds even if an earlier run left sources backing off.
  const cycle = await engine.runCycle({ force: true });
  process.stdout.write(`Veille demo: one cycle over ${engine.sources.length} sample feeds (${configFile})\n`);
  process.stdout.write(formatCycle(cycle));

  // The sample items carry fixed dates; cover them all, however long ago they were written.
  const until = Date.now();
  const since = Math.min(until - 86_400_000, earliestItemTime(engine.db) ?? until);
  const data = buildDigest(engine.db, {
    ...digestSettings(config),
    since,
    until,
    labels: engine.matchers.labels,
  });
  const digest = renderDigest(data, config.digest.lang);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(resolve(outDir, 'digest.html'), digest.html);
  writeFileSync(resolve(outDir, 'digest.txt'), digest.text);
  const mailer = createMailer(config);
  const sent = await sendDigests(engine.db, mailer, data, digestGroups(config.digest), { domain: config.from.split('@')[1] });
  mailer.close();
  process.stdout.write(`digest: out/digest.html, out/digest.txt; ${sent.filter((r) => r.ok).length} of ${sent.length} sent\n`);
  process.stdout.write(`mail caught on 127.0.0.1:${catcher.port}: ${catcher.messages.map((m) => `"${m.mail.subject}" to ${m.to.join(', ')}`).join('; ') || 'none'}\n`);
  process.stdout.write(`database: ${config.database} (try: npx veille status --config ${configFile})\n`);
} finally {
  engine.close();
  await catcher.stop();
  await feeds.stop();
}
