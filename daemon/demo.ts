/**
 * `npm run demo`: the whole path on this machine, without internet. Serves examples/feeds/ over
 * HTTP on 127.0.0.1, catches mail with a local SMTP server, runs one daemon cycle against
 * examples/veille.yaml, then writes the digest to out/ and mails it to the catcher.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolve } from 'node:path';
import { loadConfig } from './config.ts';
import { createEngine } from './engine.ts';
import { log } from './log.ts';
import { formatCycle } from './commands/run.ts';
import { composeDigest } from '../notifiers/digest/compose.ts';
import { writeDigestFiles } from '../notifiers/digest/files.ts';
import { renderDigest } from '../notifiers/digest/render.ts';
import { screenshotIfPossible } from '../notifiers/digest/screenshot.ts';
import { digestGroups, sendDigests } from '../notifiers/digest/send.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { earliestItemTime } from '../storage/items.ts';
import { oneLine } from '../rules/text.ts';
import { FeedServer } from '../test/fakes/feed-server.ts';
import { SmtpCatcher } from '../test/fakes/smtp.ts';
import { FakeXApi, type FakeXPost } from '../test/fakes/x-api.ts';
import { FakeMastodon, type NewStatus } from '../test/fakes/mastodon.ts';

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
const social = await startSocialFakes();
log.level = process.env.VEILLE_LOG_LEVEL ?? 'warn';

const engine = createEngine(config, log);
try {
  // A demo run should show the feeds even if an earlier run left sources backing off.
  const cycle = await engine.runCycle({ force: true });
  process.stdout.write(`Veille demo: one cycle over ${engine.sources.length} sample sources (RSS/Atom, X, Mastodon) (${configFile})\n`);
  process.stdout.write(formatCycle(cycle));

  // The sample items carry fixed dates; cover them all, however long ago they were written.
  const until = Date.now();
  const since = Math.min(until - 86_400_000, earliestItemTime(engine.db) ?? until);
  const data = composeDigest(engine.db, config, since, until, (msg) => log.warn(msg));
  const digest = renderDigest(data, config.digest.lang);
  writeDigestFiles(resolve(outDir, 'digest.html'), digest);
  const mailer = createMailer(config);
  const sent = await sendDigests(engine.db, mailer, data, digestGroups(config.digest), { domain: config.from.split('@')[1] });
  mailer.close();
  process.stdout.write(`digest: out/digest.html, out/digest.txt; ${sent.filter((r) => r.ok).length} of ${sent.length} sent\n`);
  process.stdout.write(`mail caught on 127.0.0.1:${catcher.port}: ${catcher.messages.length} messages\n`);
  for (const m of catcher.messages) process.stdout.write(`  to ${m.to.join(', ')}: ${oneLine(m.mail.subject ?? '', 90)}\n`);
  process.stdout.write(`database: ${config.database} (try: npx veille status --config ${configFile})\n`);
  const shot = await screenshotIfPossible(resolve(outDir, 'digest.html'), resolve(outDir, 'digest.png'));
  process.stdout.write(shot.taken ? 'screenshot: out/digest.png\n' : `screenshot skipped: ${shot.reason}\n`);
} finally {
  engine.close();
  await catcher.stop();
  await feeds.stop();
  for (const fake of social) await fake.stop();
}

/**
 * Local X and Mastodon servers on the ports the config names, seeded from examples/social/.
 * Post times are anchored to the start of the UTC day, so two runs on the same day serve the
 * same ids and the second finds nothing new.
 */
async function startSocialFakes(): Promise<{ stop(): Promise<void> }[]> {
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const at = (minutesBefore: number) => new Date(dayStart - minutesBefore * 60_000);
  const seed = (file: string) => parse(readFileSync(resolve(root, 'examples/social', file), 'utf8'));
  const started: { stop(): Promise<void> }[] = [];
  const x = config.sources.find((s) => s.type === 'x');
  if (x) {
    process.env[x.bearer_token_env] ??= 'demo-token';
    const api = new FakeXApi();
    for (const p of seed('x-posts.yaml').posts as (FakeXPost & { minutes_before: number })[]) api.addPost({ ...p, createdAt: at(p.minutes_before) });
    await api.start(Number(new URL(x.api_base).port));
    started.push(api);
  }
  const mastodon = config.sources.find((s) => s.type === 'mastodon');
  if (mastodon) {
    const instance = new FakeMastodon();
    for (const st of seed('mastodon.yaml').statuses as (NewStatus & { minutes_before: number })[]) instance.post({ ...st, createdAt: at(st.minutes_before) });
    await instance.start(Number(new URL(mastodon.instance).port));
    started.push(instance);
  }
  return started;
}
