import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDigest, type DigestData } from '../notifiers/digest/build.ts';
import { renderDigest } from '../notifiers/digest/render.ts';
import { digestGroups, digestSettings, sendDigests } from '../notifiers/digest/send.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { loadConfig, parseDuration } from '../daemon/config.ts';
import { openDb } from '../storage/db.ts';
import { sentDigests } from '../storage/digest.ts';
import { itemStore } from '../storage/items.ts';
import { ensureSource } from '../storage/sources.ts';
import { SmtpCatcher } from './fakes/smtp.ts';
import { addItem, addStory, buildOptions, DAY, HOSTILE_URL, HOUR, seedDigestDb, SINCE, UNTIL, type Seeded } from './fixtures/digest-seed.ts';

const run = promisify(execFile);

let seeded: Seeded;
let data: DigestData;

beforeEach(() => {
  seeded = seedDigestDb();
  data = buildDigest(seeded.db, buildOptions());
});

afterEach(() => {
  seeded.db.$client.close();
});

describe('digest data', () => {
  it('counts a topic against the previous day and the 7 days before, and charts the last 7 days', () => {
    const budget = data.topics.find((t) => t.id === 'budget')!;
    expect(budget.label.fr).toBe('Budget de la police');
    expect(budget.count).toBe(3);
    expect(budget.previous).toBe(2);
    expect(budget.average7).toBe(2);
    expect(budget.days.map((d) => d.count)).toEqual([2, 0, 4, 1, 3, 2, 3]);
    expect(budget.days.at(-1)!.start).toBe(SINCE);
    expect(budget.byLang).toEqual([
      { key: 'en', count: 2 },
      { key: 'fr', count: 1 },
    ]);
    expect(budget.bySource).toEqual(
      expect.arrayContaining([
        { key: 'feed-news', count: 2 },
        { key: 'feed-nouvelles', count: 1 },
        { key: 'feed-radio', count: 1 },
        { key: 'x-search', count: 1 },
      ]),
    );
    // The item three sources carried comes first.
    expect(budget.top[0].title).toBe('Council debates the police budget');
    expect(budget.top[0].otherSources).toBe(2);
  });

  it('orders topics by count and lists labelled topics with no mention at all', () => {
    expect(data.topics.map((t) => [t.id, t.count, t.previous])).toEqual([
      ['budget', 3, 2],
      ['checks', 2, 0],
    ]);
    expect(data.quietTopics).toEqual([{ en: 'Recruitment', fr: 'Recrutement' }]);
  });

  it('totals items per language and per source, with the previous period', () => {
    expect(data.totals.items).toBe(7);
    expect(data.totals.previous).toBe(3);
    expect(data.totals.byLang).toEqual([
      { key: 'en', count: 5 },
      { key: 'fr', count: 2 },
    ]);
    expect(Object.fromEntries(data.totals.bySource.map((c) => [c.key, c.count]))).toEqual({ 'feed-news': 3, 'x-search': 3, 'feed-nouvelles': 2, 'feed-radio': 1 });
  });

  it('lists only sources failing for longer than the configured time', () => {
    expect(data.blindSpots.map((b) => [b.sourceId, b.failingSince, b.consecutiveFailures])).toEqual([['x-search', UNTIL - 5 * HOUR, 2]]);
    const stricter = buildDigest(seeded.db, buildOptions({ failingAfterMs: 20 * 60_000 }));
    expect(stricter.blindSpots.map((b) => b.sourceId)).toEqual(['x-search', 'feed-radio']);
  });

  it('counts known claims with their trend and flagged posts with their reasons', () => {
    expect(data.claims).toHaveLength(1);
    expect(data.claims[0]).toMatchObject({ id: 'c-lockdown', status: 'false', count: 2, previous: 1, trend: 'up' });
    expect(data.flagged.count).toBe(2);
    expect(data.flagged.items.find((i) => i.id === seeded.hostileId)!.flagReasons).toEqual(['unverified casualty figure', '<b>all caps</b>']);
  });

  it('places backfilled items on the day they were published, and future-dated ones when fetched', () => {
    const { db } = seeded;
    const id = addItem(db, { title: 'Old post fetched today', at: UNTIL - 3 * DAY - HOUR, topics: ['budget'] });
    db.$client.prepare('update items set fetched_at = ? where id = ?').run(UNTIL - HOUR, id);
    const future = addItem(db, { title: 'Post dated next week', at: UNTIL + 7 * DAY, topics: ['budget'] });
    db.$client.prepare('update items set fetched_at = ? where id = ?').run(UNTIL - HOUR, future);
    const budget = buildDigest(db, buildOptions()).topics.find((t) => t.id === 'budget')!;
    expect(budget.count).toBe(4);
    expect(budget.days.map((d) => d.count)).toEqual([2, 0, 4, 2, 3, 2, 4]);
  });

  it('lists a story of several items once, with its size, and an item without a story as itself', () => {
    const budget = data.topics.find((t) => t.id === 'budget')!;
    // Two of today's three items tell one story (with yesterday's first report): the count stays in items.
    expect(budget.count).toBe(3);
    expect(budget.top.map((i) => [i.title, i.story])).toEqual([
      ['Council debates the police budget', { size: 3, sources: 2 }],
      ['Budget story 0.2', null],
    ]);
  });

  it('shows a flagged story once, by its representative, or by its most engaged item once one has engagement', () => {
    const { db } = seeded;
    const first = addItem(db, { title: 'Shots fired near the market?', at: UNTIL - 7 * HOUR, flagged: true, reasons: ['unverified'] });
    const repeat = addItem(db, { title: 'Shots fired near market, police say nothing', at: UNTIL - HOUR, flagged: true, reasons: ['unverified'], alsoIn: ['feed-radio'] });
    addStory(db, [first, repeat], ['feed-news']);
    const flagged = buildDigest(db, buildOptions()).flagged;
    expect(flagged.count).toBe(4);
    expect(flagged.items.filter((i) => i.title.startsWith('Shots fired')).map((i) => [i.id, i.story])).toEqual([[first, { size: 2, sources: 1 }]]);

    itemStore(db).addEngagement(db, repeat, UNTIL - HOUR, { reposts: 1, replies: 0, likes: 0, quotes: 0 });
    const shown = buildDigest(db, buildOptions()).flagged.items.filter((i) => i.title.startsWith('Shots fired'));
    expect(shown.map((i) => i.id)).toEqual([repeat]);
    expect(renderDigest(buildDigest(db, buildOptions()), 'en').text).toContain('  - Shots fired near market, police say nothing\n    2 posts in 1 source\n');
  });

  it('gives social items their latest engagement and feed items none', () => {
    const checks = data.topics.find((t) => t.id === 'checks')!;
    expect(checks.top[0]).toMatchObject({ title: 'Street checks report released', engagement: { reposts: 12, replies: 3, likes: 40, quotes: 0 } });
    expect(data.topics.find((t) => t.id === 'budget')!.top.every((i) => i.engagement === null)).toBe(true);

    const { db } = seeded;
    ensureSource(db, 'mastodon-social', 'mastodon');
    const toot = addItem(db, { title: 'Toot about street checks', source: 'mastodon-social', at: UNTIL - 90 * 60_000, topics: ['checks'], engagement: { reposts: 30, likes: 90 } });
    itemStore(db).addEngagement(db, toot, UNTIL - 10 * 60_000, { reposts: 2, replies: 0, likes: 5, quotes: 0 });
    const latest = buildDigest(db, buildOptions()).topics.find((t) => t.id === 'checks')!.top.find((i) => i.id === toot)!;
    expect(latest.engagement).toEqual({ reposts: 2, replies: 0, likes: 5, quotes: 0 });
  });

  it('lists the alerts given up on during the period only', () => {
    expect(data.deadAlerts).toEqual([
      {
        key: 'claim:c-lockdown',
        subject: 'Known false claim: The city is under lockdown',
        failingSince: UNTIL - 6 * HOUR,
        deadAt: UNTIL - 3 * HOUR,
        attempts: 3,
        lastError: '421 <b>mail server busy</b>',
      },
    ]);
    expect(buildDigest(seeded.db, buildOptions({ since: SINCE - DAY, until: SINCE })).deadAlerts.map((a) => a.key)).toEqual(['rule:checks']);
  });

  it('shows the paid read budget used this month', () => {
    expect(data.budgets).toEqual([{ sourceId: 'x-search', used: 250, budget: 1000 }]);
  });

  it('reads the items of emerging issues given by the burst detector', () => {
    const withBursts = buildDigest(seeded.db, buildOptions({ emerging: [{ label: 'Lockdown talk', count: 2, baseline: 0.2, startedAt: UNTIL - 5 * HOUR, items: seeded.emergingIds }] }));
    expect(withBursts.emerging![0].items.map((i) => i.title)).toEqual(expect.arrayContaining(['Lockdown announced downtown?', 'La ville est confinée ce soir']));
    expect(data.emerging).toBeUndefined();
  });
});

describe('digest rendering', () => {
  it('puts the sections in order: blind spots, flagged and claims, emerging, topics', () => {
    const withBursts = buildDigest(seeded.db, buildOptions({ emerging: [{ label: { en: 'Lockdown talk', fr: 'Rumeur de confinement' }, count: 2, baseline: 0.2, startedAt: UNTIL - 5 * HOUR, items: seeded.emergingIds }] }));
    const { text, html } = renderDigest(withBursts, 'en');
    const order = ['Blind spots', 'Alerts not delivered', 'Flagged rumours', 'Known claims seen', 'Emerging issues', '== Topics ==', 'Items by source'].map((s) => text.indexOf(s));
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const htmlOrder = ['id="blind-spots"', 'id="dead-alerts"', 'id="flagged"', 'id="claims"', 'id="emerging"', 'id="topics"', 'id="sources"', 'id="footer"'].map((s) => html.indexOf(s));
    expect(htmlOrder.every((pos) => pos > 0)).toBe(true);
    expect([...htmlOrder].sort((a, b) => a - b)).toEqual(htmlOrder);
    expect(renderDigest(data, 'en').text).not.toContain('Emerging issues');
  });

  it('says the same figures in the HTML and the text part, in English', () => {
    const { text, html, subject } = renderDigest(data, 'en');
    expect(subject).toBe('Veille digest, Nov 23, 2026: 7 items, 2 flagged, 1 source failing, 1 alert not delivered');
    for (const part of [text, html]) {
      expect(part).toContain('7 items in this period, +4 (+133%) vs previous day.');
      expect(part).toContain('Flagged: 2, +2 (none before) vs previous day.');
      expect(part).toContain('3 items · +1 (+50%) vs previous day · 7-day average 2 per day');
      expect(part).toContain('2 items · +2 (none before) vs previous day · 7-day average 0 per day');
      expect(part).toContain('failing for 5 h, 2 failed attempts');
      expect(part).toContain('By language: English 5, French 2');
      expect(part).toContain('2 items (previous period: 1), rising');
      expect(part).toContain('No mentions for: Recruitment');
      expect(part).toContain('250 of 1,000 (25%)');
      expect(part).toContain('also in 2 other sources');
      expect(part).toContain('3 posts in 2 sources');
      expect(part).toContain('x-search · Nov 23, 2026, 4:00 a.m. · English · 12 reposts, 3 replies, 40 likes');
      expect(part).toContain('feed-news · Nov 23, 2026, 6:00 a.m. · English · also in 2 other sources');
      expect(part).toContain('Alerts not delivered');
      expect(part).toContain('failing since Nov 23, 2026, 1:00 a.m.; given up Nov 23, 2026, 4:00 a.m. after 3 attempts; last error: 421');
      expect(part).not.toContain('rule:checks');
    }
    // A feed item shows no engagement at all: its line ends with the language or the other sources.
    expect(text).toContain('    feed-news · Nov 23, 2026, 6:00 a.m. · English · also in 2 other sources\n');
    expect(text).toContain('    feed-nouvelles · Nov 23, 2026, 4:00 a.m. · French\n');
    expect(text).toContain('- Known false claim: The city is under lockdown (claim:c-lockdown): failing since');
    expect(text).toContain('Last 7 days: Tue 2, Wed 0, Thu 4, Fri 1, Sat 3, Sun 2, Mon 3');
  });

  it('has every template string in French, with French topic and claim labels', () => {
    const { text, html, subject } = renderDigest(data, 'fr');
    expect(subject).toBe('Veille, synthèse du 23 nov. 2026 : 7 éléments, 2 signalés, 1 source en panne, 1 alerte non distribuée');
    for (const part of [text, html]) {
      expect(part.toLowerCase()).toContain('synthèse du matin');
      expect(part).toContain('Angles morts : sources en panne');
      expect(part).toContain('Budget de la police');
      expect(part).toContain('La ville est confinée [fausse]');
      expect(part).toContain('par rapport à la veille');
      expect(part).toContain('moyenne sur 7 jours 2 par jour');
      expect(part).toContain('Par langue\u00a0: anglais 5, français 2');
      expect(part).toContain('Aucune mention pour\u00a0: Recrutement');
      expect(part).toContain('3 publications dans 2 sources');
      expect(part).toContain('12 republications, 3 réponses, 40 j’aime');
      expect(part).toContain('Alertes non distribuées');
      expect(part).toContain('en échec depuis le 23 nov. 2026, 01 h 00; abandonnée le 23 nov. 2026, 04 h 00 après 3 tentatives; dernière erreur\u00a0: 421');
      expect(part).not.toMatch(/\b(posts in|reposts|replies|likes|given up|failing since)\b/);
      expect(part).not.toMatch(/\b(items|vs previous|Blind spots|Flagged|Topics)\b/);
    }
  });

  it('names Mastodon reposts boosts, leaves out zero counts, and says nothing without a snapshot', () => {
    const { db } = seeded;
    ensureSource(db, 'mastodon-social', 'mastodon');
    addItem(db, { title: 'Toot about street checks', source: 'mastodon-social', at: UNTIL - 90 * 60_000, topics: ['checks'], engagement: { reposts: 2, likes: 5 } });
    addItem(db, { title: 'Quiet toot', source: 'mastodon-social', at: UNTIL - 80 * 60_000, topics: ['checks'] });
    const withToots = buildDigest(db, buildOptions());
    const en = renderDigest(withToots, 'en');
    const fr = renderDigest(withToots, 'fr');
    for (const part of [en.text, en.html]) expect(part).toContain('mastodon-social · Nov 23, 2026, 5:30 a.m. · English · 2 boosts, 5 likes');
    for (const part of [fr.text, fr.html]) expect(part).toContain('2 partages, 5 j’aime');
    expect(en.text).toContain('  - Quiet toot\n    mastodon-social · Nov 23, 2026, 5:40 a.m. · English\n');
  });

  it('keeps hostile post text inert: no markup, no javascript: link, no header from a newline', () => {
    const { html, text, subject } = renderDigest(data, 'en', { team: 'Comms\r\nBcc: evil@example.com' });
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('Breaking &lt;script&gt;window.__pwned = 1&lt;/script&gt; Bcc: victim@example.com');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain(`link not followed: ${HOSTILE_URL}`);
    expect(html).toContain('&lt;b&gt;all caps&lt;/b&gt;');
    expect(html).toContain('HTTP 503 &lt;html&gt;Service Unavailable&lt;/html&gt;');
    expect(html).toContain('421 &lt;b&gt;mail server busy&lt;/b&gt;');
    expect(html).toContain('For Comms Bcc: evil@example.com');
    expect(text).toContain('  - Breaking <script>window.__pwned = 1</script> Bcc: victim@example.com\n');
    expect(text).not.toMatch(/^Bcc:/m);
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('says so when nothing happened, rather than leaving sections out', () => {
    const empty = openDb(':memory:');
    const { text, html } = renderDigest(buildDigest(empty, buildOptions({ budgets: new Map() })), 'en');
    expect(text).toContain('All sources are reporting.');
    // Undelivered alerts are the exception: the section only appears when there are some.
    expect(text).not.toContain('Alerts not delivered');
    expect(html).not.toContain('id="dead-alerts"');
    expect(text).toContain('Nothing flagged.');
    expect(text).toContain('No known claim seen.');
    expect(text).toContain('No topic matched in the last 7 days.');
    empty.$client.close();
  });
});

describe('sending', () => {
  let catcher: SmtpCatcher;

  afterEach(async () => {
    await catcher?.stop();
  });

  const mailerFor = (c: SmtpCatcher) => createMailer({ smtp: { ...c.smtp, port: c.port }, from: 'veille@city.example' });

  it('delivers one digest per team, each in its language, with HTML and text parts, and records it', async () => {
    catcher = new SmtpCatcher();
    await catcher.start();
    const groups = digestGroups({
      to: ['desk@city.example'],
      lang: 'en',
      teams: [{ name: 'Communications', to: ['comms@city.example', 'chef@city.example'], lang: 'fr' }],
    });
    const mailer = mailerFor(catcher);
    const results = await sendDigests(seeded.db, mailer, data, groups, { domain: 'city.example', now: () => UNTIL + 1000 });
    mailer.close();

    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(catcher.messages).toHaveLength(2);
    const [en, fr] = catcher.messages;
    expect(en.to).toEqual(['desk@city.example']);
    expect(fr.to).toEqual(['comms@city.example', 'chef@city.example']);
    expect(en.mail.subject).toBe('Veille digest, Nov 23, 2026: 7 items, 2 flagged, 1 source failing, 1 alert not delivered');
    expect(fr.mail.subject).toContain('synthèse du 23 nov. 2026');
    expect(en.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(en.mail.text).toContain('Police budget: 3');
    expect(en.mail.html).toContain('id="topics"');
    expect(fr.mail.text).toContain('Pour Communications');
    expect(fr.mail.text).toContain('Budget de la police\u00a0: 3');
    expect(fr.mail.html).toContain('lang="fr"');
    expect(fr.mail.headers.get('content-language')).toBe('fr');

    const rows = sentDigests(seeded.db);
    expect(rows.map((r) => [r.recipients, r.periodStart, r.periodEnd, r.sentAt])).toEqual([
      ['desk@city.example', SINCE, UNTIL, UNTIL + 1000],
      ['comms@city.example, chef@city.example', SINCE, UNTIL, UNTIL + 1000],
    ]);
    expect(rows[0].messageId).toBe(`<digest.${UNTIL}.all.en@city.example>`);
  });

  it('delivers hostile item text inert and adds no header from it', async () => {
    catcher = new SmtpCatcher();
    await catcher.start();
    const mailer = mailerFor(catcher);
    await sendDigests(seeded.db, mailer, data, [{ name: 'Desk\nBcc: evil@example.com', to: ['desk@city.example'], lang: 'en' }]);
    mailer.close();
    const [msg] = catcher.messages;
    expect(msg.to).toEqual(['desk@city.example']);
    expect(msg.mail.bcc).toBeUndefined();
    expect(msg.mail.headers.has('bcc')).toBe(false);
    const headerBlock = msg.raw.slice(0, msg.raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/^Bcc:/im);
    expect(headerBlock).toMatch(/^Subject: Veille digest, Nov 23, 2026/m);
    expect(msg.mail.html).not.toContain('<script>');
    expect(msg.mail.html).not.toMatch(/href="javascript:/i);
    expect(msg.mail.text).toContain('Breaking <script>window.__pwned = 1</script> Bcc: victim@example.com');
  });

  it('retries a temporary refusal and gives up at once on a permanent one', async () => {
    catcher = new SmtpCatcher({ refuse: { code: 451, message: 'try later', times: 1 } });
    await catcher.start();
    const mailer = mailerFor(catcher);
    const group = { to: ['desk@city.example'], lang: 'en' as const };
    const [retried] = await sendDigests(seeded.db, mailer, data, [group], { retryDelayMs: 0 });
    expect(retried).toMatchObject({ ok: true, attempts: 2 });
    expect(catcher.messages).toHaveLength(1);

    catcher.refuse = { code: 550, message: 'mailbox unavailable' };
    const [refused] = await sendDigests(seeded.db, mailer, data, [group], { retryDelayMs: 0 });
    mailer.close();
    expect(refused.ok).toBe(false);
    expect(refused.attempts).toBe(1);
    expect(refused.error).toContain('550');
    expect(sentDigests(seeded.db)).toHaveLength(1);
  });

  it('reports a server that is down or drops the connection, and still tries every group', async () => {
    for (const opts of [{ down: true }, { drop: 'data' as const }, { drop: 'connect' as const }]) {
      catcher = new SmtpCatcher(opts);
      await catcher.start();
      const mailer = mailerFor(catcher);
      const results = await sendDigests(
        seeded.db,
        mailer,
        data,
        [
          { to: ['a@city.example'], lang: 'en' },
          { name: 'B', to: ['b@city.example'], lang: 'fr' },
        ],
        { attempts: 2, retryDelayMs: 0 },
      );
      mailer.close();
      expect(results.map((r) => [r.ok, r.attempts])).toEqual([
        [false, 2],
        [false, 2],
      ]);
      expect(results[0].error).toBeTruthy();
      await catcher.stop();
    }
    expect(sentDigests(seeded.db)).toHaveLength(0);
  });
});

describe('digest config', () => {
  it('reads teams with their language and the blind-spot delay, and points at a bad duration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-digest-config-'));
    const file = join(dir, 'veille.yaml');
    writeFileSync(file, ['digest:', '  to: [desk@city.example]', '  failing_after: 90m', '  teams:', '    - { name: Comms, to: [comms@city.example], lang: fr }'].join('\n'));
    const config = loadConfig(file);
    expect(digestGroups(config.digest)).toEqual([
      { to: ['desk@city.example'], lang: 'en' },
      { name: 'Comms', to: ['comms@city.example'], lang: 'fr' },
    ]);
    expect(digestSettings(config).failingAfterMs).toBe(90 * 60_000);
    expect(parseDuration('1d12h')).toBe(36 * HOUR);
    expect(parseDuration('soon')).toBeNull();

    writeFileSync(file, ['digest:', '  to: [desk@city.example]', '  failing_after: soon'].join('\n'));
    expect(() => loadConfig(file)).toThrow(`${file}:3: digest.failing_after: a duration such as`);
  });
});

// Each run starts a process that loads the whole command line, which is slow on a busy machine.
describe('veille digest', { timeout: 90_000 }, () => {
  const veille = join(import.meta.dirname, '..', 'daemon', 'veille.mjs');
  let dir: string;
  let catcher: SmtpCatcher;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veille-digest-'));
    catcher = new SmtpCatcher();
    await catcher.start();
    writeFileSync(join(dir, 'rules.yaml'), 'rules:\n  - id: budget\n    label: { en: Police budget, fr: Budget de la police }\n    query: budget\n');
    writeFileSync(
      join(dir, 'veille.yaml'),
      [
        'database: ./veille.db',
        'rules: ./rules.yaml',
        `smtp: { host: 127.0.0.1, port: ${catcher.port} }`,
        'from: veille@city.example',
        'digest:',
        '  to: [desk@city.example]',
        '  teams:',
        '    - { name: Communications, to: [comms@city.example], lang: fr }',
      ].join('\n'),
    );
    const db = openDb(join(dir, 'veille.db'));
    const now = Date.now();
    addItem(db, { title: 'Council debates the police budget', at: now - HOUR, topics: ['budget'] });
    addItem(db, { title: 'Old budget story', at: now - 3 * DAY, topics: ['budget'] });
    db.$client.close();
  });

  afterEach(async () => {
    await catcher.stop();
  });

  it('--out writes the HTML and the text part for preview, without sending', async () => {
    const out = join(dir, 'preview.html');
    await run(process.execPath, [veille, '--config', join(dir, 'veille.yaml'), 'digest', '--since', '24h', '--out', out, '--lang', 'fr']);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Budget de la police');
    expect(html).toContain('Council debates the police budget');
    expect(html).not.toContain('Old budget story');
    expect(readFileSync(join(dir, 'preview.txt'), 'utf8')).toContain('Budget de la police\u00a0: 1');
    expect(catcher.messages).toHaveLength(0);

    await run(process.execPath, [veille, '--config', join(dir, 'veille.yaml'), 'digest', '--since', '4d', '--out', out]);
    expect(readFileSync(join(dir, 'preview.txt'), 'utf8')).toContain('Police budget: 2');
  });

  it('--send mails every group and records it', async () => {
    await run(process.execPath, [veille, '--config', join(dir, 'veille.yaml'), 'digest', '--send']);
    expect(catcher.messages.map((m) => [m.to, m.mail.headers.get('content-language')])).toEqual([
      [['desk@city.example'], 'en'],
      [['comms@city.example'], 'fr'],
    ]);
  });

  it('rejects a bad --since and falls back to rule ids when the rules cannot be read', async () => {
    const bad = await run(process.execPath, [veille, '--config', join(dir, 'veille.yaml'), 'digest', '--since', 'yesterday']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('"yesterday" is not a duration');

    writeFileSync(join(dir, 'rules.yaml'), 'rules: [ {');
    const { stdout, stderr } = await run(process.execPath, [veille, '--config', join(dir, 'veille.yaml'), 'digest']);
    expect(stderr).toContain('warning: rules have errors');
    expect(stdout).toContain('* budget: 1');
  });
});
