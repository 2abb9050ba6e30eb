import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../daemon/config.ts';
import { alertQueue } from '../notifiers/alerts/group.ts';
import type { AlertClaim } from '../notifiers/alerts/render.ts';
import { deliverDueAlerts } from '../notifiers/alerts/send.ts';
import { openDb, type Db } from '../storage/db.ts';
import { listOutbox } from '../storage/outbox.ts';
import { linkItem, saveStory } from '../storage/stories.ts';
import { alertConfig, flagItem, recordingMailer } from './helpers/alerts.ts';

const MIN = 60_000;
// 10:00 in Ottawa (EST, UTC-5) on a winter weekday.
const T0 = Date.parse('2026-01-15T15:00:00Z');

const claims = new Map<string, AlertClaim>([
  [
    'C1',
    {
      status: 'false',
      text: { en: 'The city will close every library next month.', fr: 'La Ville fermera toutes les bibliothèques le mois prochain.' },
      response: {
        en: 'No library is closing; opening hours are unchanged.',
        fr: 'Aucune bibliothèque ne ferme; les heures d’ouverture sont inchangées.',
        url: 'https://city.example.org/facts/libraries',
      },
    },
  ],
]);

const claimEvent = (at: number, severity: 'medium' | 'high' | 'critical' = 'high') => ({
  kind: 'claim' as const,
  key: 'C1',
  severity,
  reasons: ['known claim C1 (score 0.81)', 'cue: "they don\'t want you to know"'],
  at,
});

describe('grouping and cool-down', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.$client.close());

  it('turns items flagged together into one alert that counts them, names the sources and shows the first and most engaged', async () => {
    const config = alertConfig({ window: '10m', cooldown: '1h' });
    const mailer = recordingMailer();
    flagItem(db, config, { source: 'city', title: 'Libraries closing?', author: 'ana', engagement: { reposts: 1, replies: 0, likes: 2, quotes: 0 } }, claimEvent(T0));
    flagItem(db, config, { source: 'x', title: 'All libraries shut next month', author: 'bob', engagement: { reposts: 90, replies: 12, likes: 300, quotes: 4 } }, claimEvent(T0 + 1000));
    flagItem(db, config, { source: 'x', title: 'Heard the libraries are done', author: 'cy' }, claimEvent(T0 + 2000));

    const summary = await deliverDueAlerts(db, mailer, config, { now: T0 + 5000, claims });
    expect(summary.sent).toBe(1);
    expect(mailer.sent).toHaveLength(1);
    const [mail] = mailer.sent;
    expect(mail.to).toEqual(['duty@example.org']);
    expect(mail.text).toContain('3 items flagged from 2 sources');
    expect(mail.text).toMatch(/First: Libraries closing\?\n.*city · by ana/);
    expect(mail.text).toMatch(/Most engaged: All libraries shut next month\n.*x · by bob · .*90 reposts · 12 replies · 300 likes · 4 quotes/);
  });

  it('says when an alerted post is one of a story told by several posts', async () => {
    const config = alertConfig();
    const mailer = recordingMailer();
    const { itemId } = flagItem(db, config, { source: 'x', title: 'Bridge closed all week, share' }, claimEvent(T0));
    saveStory(db, { id: 7, representativeId: itemId, size: 4, firstSeen: T0, lastSeen: T0, sources: ['x', 'mastodon'], langs: ['en'], signature: { minhashes: [], terms: {} } });
    linkItem(db, itemId, 7);
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000, claims });
    expect(mailer.sent[0].text).toContain('story told by 4 posts in 2 sources');
  });

  it('lists a large group’s items up to a limit and counts the rest', async () => {
    const config = alertConfig();
    const mailer = recordingMailer();
    for (let i = 1; i <= 20; i++) flagItem(db, config, { title: `post number ${i}` }, claimEvent(T0 + i));
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000, claims });
    const { text } = mailer.sent[0];
    expect(text).toContain('20 items flagged from 1 source');
    expect(text).toContain('Other items in this alert (19):');
    expect(text).toContain('post number 16\n');
    expect(text).not.toContain('post number 17\n');
    expect(text).toContain('…and 4 more items');
  });

  it('collects later items within the cool-down into one follow-up threaded under the first alert, then starts afresh', async () => {
    const config = alertConfig({ window: '10m', cooldown: '1h' });
    const mailer = recordingMailer();
    flagItem(db, config, { title: 'first' }, claimEvent(T0));
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000, claims });
    expect(mailer.sent).toHaveLength(1);
    const first = mailer.sent[0];

    const second = flagItem(db, config, { title: 'second' }, claimEvent(T0 + 5 * MIN));
    flagItem(db, config, { title: 'third' }, claimEvent(T0 + 7 * MIN));
    // The same item flagged again (a re-classification) is not a new item.
    const again = db.transaction(() => alertQueue(db, config).queue({ ...claimEvent(T0 + 8 * MIN), itemId: second.itemId }));
    expect(again.queued).toBe(false);
    expect(listOutbox(db, 0).filter((e) => e.status === 'pending')).toHaveLength(1);

    // The follow-up waits for its window so that it can gather what keeps coming.
    await deliverDueAlerts(db, mailer, config, { now: T0 + 9 * MIN, claims });
    expect(mailer.sent).toHaveLength(1);
    await deliverDueAlerts(db, mailer, config, { now: T0 + 16 * MIN, claims });
    expect(mailer.sent).toHaveLength(2);
    const followUp = mailer.sent[1];
    expect(followUp.subject).toBe(`Re: ${first.subject}`);
    expect(followUp.headers).toEqual({ 'In-Reply-To': first.messageId, References: first.messageId });
    expect(followUp.messageId).not.toBe(first.messageId);
    expect(followUp.text).toContain('Update: 2 new items since the last alert; 3 in total');

    // An hour of silence closes the group: the next item is a new alert, not a follow-up.
    flagItem(db, config, { title: 'much later' }, claimEvent(T0 + 7 * MIN + 61 * MIN));
    await deliverDueAlerts(db, mailer, config, { now: T0 + 70 * MIN, claims });
    expect(mailer.sent).toHaveLength(3);
    const fresh = mailer.sent[2];
    expect(fresh.headers).toBeUndefined();
    expect(fresh.subject).toBe(first.subject);
    expect(fresh.messageId).not.toBe(first.messageId);
    expect(fresh.text).toContain('1 item flagged from 1 source');
  });
});

describe('quiet hours', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.$client.close());

  // 23:30 in Ottawa.
  const NIGHT = Date.parse('2026-01-16T04:30:00Z');
  const MORNING = Date.parse('2026-01-16T12:00:00Z');
  const config = alertConfig({ quiet_hours: { start: '22:00', end: '07:00' }, override: 'high' });

  it('holds an alert until quiet hours end, in the configured time zone', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, {}, { kind: 'rule', key: 'roadworks', severity: 'medium', reasons: ['rule roadworks'], at: NIGHT });
    const night = await deliverDueAlerts(db, mailer, config, { now: NIGHT + MIN });
    expect(night).toMatchObject({ sent: 0, held: 1 });
    expect(mailer.sent).toHaveLength(0);
    const morning = await deliverDueAlerts(db, mailer, config, { now: MORNING });
    expect(morning).toMatchObject({ sent: 1, held: 0 });
  });

  it('lets an alert at or above the route’s override severity through at night', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, {}, { kind: 'rule', key: 'roadworks', severity: 'medium', reasons: [], at: NIGHT });
    flagItem(db, config, {}, { kind: 'rule', key: 'shooting', severity: 'high', reasons: [], at: NIGHT });
    const night = await deliverDueAlerts(db, mailer, config, { now: NIGHT + MIN });
    expect(night).toMatchObject({ sent: 1, held: 1 });
    expect(mailer.sent[0].subject).toContain('shooting');
  });

  it('sends a held alert at night once a more severe item joins it', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, {}, { kind: 'rule', key: 'crowd', severity: 'low', reasons: [], at: NIGHT });
    expect((await deliverDueAlerts(db, mailer, config, { now: NIGHT + MIN })).held).toBe(1);
    flagItem(db, config, {}, { kind: 'rule', key: 'crowd', severity: 'critical', reasons: [], at: NIGHT + 2 * MIN });
    await deliverDueAlerts(db, mailer, config, { now: NIGHT + 3 * MIN });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0].text).toContain('2 items flagged');
  });
});

describe('routing by team and language', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.$client.close());

  const config = alertConfig({
    to: ['duty@example.org'],
    teams: [
      { id: 'comms-fr', match: ['claim:*'], to: ['comms@example.org'], lang: 'fr' },
      { id: 'comms-en', match: ['claim:*'], to: ['press@example.org'], lang: 'en' },
      { id: 'police', match: ['rule:police-*'], to: ['ops@example.org', 'chief@example.org'] },
    ],
  });

  it('sends each alert to the teams whose patterns match it, and the rest to the default route', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, {}, claimEvent(T0));
    flagItem(db, config, {}, { kind: 'rule', key: 'police-shooting', severity: 'high', reasons: [], at: T0 });
    flagItem(db, config, {}, { kind: 'rule', key: 'potholes', severity: 'low', reasons: [], at: T0 });
    flagItem(db, config, {}, { kind: 'burst', key: 'lansdowne', severity: 'medium', reasons: [], at: T0 });
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000, claims, labels: new Map([['police-shooting', { en: 'Shots fired', fr: 'Coups de feu' }]]) });

    const byTo = mailer.sent.map((m) => `${m.to.join('+')}: ${m.subject}`).sort();
    expect(byTo).toEqual([
      'comms@example.org: [Veille] Affirmation connue C1 (fausse) : « La Ville fermera toutes les bibliothèques le mois prochain. »',
      'duty@example.org: [Veille] Burst: lansdowne',
      'duty@example.org: [Veille] Rule: potholes',
      'ops@example.org+chief@example.org: [Veille] Rule: Shots fired',
      'press@example.org: [Veille] Known claim C1 (false): "The city will close every library next month."',
    ]);
  });

  it('writes the claim’s status and the staff response in each recipient’s language', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, { title: 'Les bibliothèques ferment', source: 'mastodon', author: 'marie', url: 'https://social.example.org/@marie/1' }, claimEvent(T0));
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000, claims });
    const fr = mailer.sent.find((m) => m.to[0] === 'comms@example.org')!;
    const en = mailer.sent.find((m) => m.to[0] === 'press@example.org')!;

    expect(fr.text).toContain('1 élément signalé dans 1 source');
    expect(fr.text).toContain('Statut : fausse');
    expect(fr.text).toContain('Réponse du personnel : Aucune bibliothèque ne ferme; les heures d’ouverture sont inchangées.');
    expect(fr.text).toContain('https://city.example.org/facts/libraries');
    expect(fr.text).toContain('known claim C1 (score 0.81)');
    expect(fr.text).toMatch(/Les bibliothèques ferment\n\s+mastodon · par marie · 15 janv\. 2026, 10 h 00/);
    expect(fr.html).toContain('<html lang="fr">');
    expect(fr.html).toContain('href="https://social.example.org/@marie/1"');

    expect(en.text).toContain('1 item flagged from 1 source');
    expect(en.text).toContain('Status: false');
    expect(en.text).toContain('Staff response: No library is closing; opening hours are unchanged.');
    expect(en.text).toMatch(/mastodon · by marie · Jan 15, 2026, 10:00 a\.m\./);
    expect(en.html).toContain('Staff response');
    expect(en.html).not.toContain('Réponse du personnel');
  });

  it('escapes item text in the HTML so a post cannot inject markup or links', async () => {
    const mailer = recordingMailer();
    flagItem(db, config, { title: '<script>alert(1)</script> <a href="https://evil.example">click</a>', url: 'javascript:alert(1)' }, { kind: 'rule', key: 'potholes', severity: 'low', reasons: ['<b>cue</b>'], at: T0 });
    await deliverDueAlerts(db, mailer, config, { now: T0 + 1000 });
    const { html, text } = mailer.sent[0];
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<a href="https://evil.example">');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;cue&lt;/b&gt;');
    expect(text).toContain('<script>alert(1)</script>');
  });
});

describe('alerts config', () => {
  it('points at the line of a malformed quiet hour or an unknown severity', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'veille-alerts-')), 'veille.yaml');
    writeFileSync(
      file,
      ['alerts:', '  to: [duty@example.org]', '  teams:', '    - id: comms', '      match: ["claim:*"]', '      to: [comms@example.org]', '      quiet_hours: { start: "22h", end: "07:00" }', '      override: urgent', ''].join('\n'),
    );
    expect(() => loadConfig(file)).toThrow(/veille\.yaml:7: alerts\.teams\.0\.quiet_hours\.start: a time of day as HH:MM/);
    expect(() => loadConfig(file)).toThrow(/veille\.yaml:8: alerts\.teams\.0\.override: /);
  });
});
