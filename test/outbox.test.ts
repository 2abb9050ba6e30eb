import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../daemon/log.ts';
import { deliverDueAlerts, startAlertSender } from '../notifiers/alerts/send.ts';
import { createMailer, type Mailer } from '../notifiers/mailer.ts';
import { openDb, type Db } from '../storage/db.ts';
import { deadAlertsSince, listOutbox } from '../storage/outbox.ts';
import { SmtpCatcher } from './fakes/smtp.ts';
import { alertConfig, flagItem, type AlertTestConfig } from './helpers/alerts.ts';
import { memoryLog, workspace, type Workspace } from './helpers/workspace.ts';

const cli = resolve(import.meta.dirname, '../daemon/veille.mjs');
const SEC = 1000;
const MIN = 60 * SEC;
const T0 = Date.parse('2026-01-15T15:00:00Z');
const log = memoryLog() as unknown as Logger;

/** Three alerts about three different subjects, so none groups with another. */
function queueThree(db: Db, config: AlertTestConfig, at = T0): void {
  for (const key of ['roadworks', 'shooting', 'flood']) {
    flagItem(db, config, { title: `${key} post` }, { kind: 'rule', key, severity: 'high', reasons: [`rule ${key}`], at });
  }
}

function receivedIds(catcher: SmtpCatcher): string[] {
  return catcher.messages.map((m) => m.mail.messageId ?? '');
}

function storedIds(db: Db): string[] {
  return listOutbox(db, 0).map((e) => e.messageId);
}

describe('delivery through a real SMTP server', () => {
  let db: Db;
  let catcher: SmtpCatcher;
  let mailer: Mailer;
  let config: AlertTestConfig;

  async function serve(c: SmtpCatcher): Promise<void> {
    catcher = c;
    await catcher.start();
    config = alertConfig({ retry_base: '30s', retry_max: '5m', give_up_after: '1h' }, { smtp: catcher.smtp });
    mailer = createMailer(config);
  }

  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(async () => {
    mailer.close();
    await catcher.stop();
    db.$client.close();
  });

  it('retries alerts the server refused, after the back-off, and each arrives once with its stable Message-ID', async () => {
    await serve(new SmtpCatcher({ refuse: { code: 451, message: 'try again later' } }));
    queueThree(db, config);

    expect(await deliverDueAlerts(db, mailer, config, { now: T0, log })).toMatchObject({ sent: 0, failed: 3 });
    const failing = listOutbox(db, 0);
    expect(failing.map((e) => [e.attempts, e.nextAttemptAt])).toEqual(Array(3).fill([1, T0 + 30 * SEC]));
    expect(failing[0].lastError).toMatch(/451 try again later/);

    // Before the back-off ends nothing is tried again.
    const attempts = catcher.attempts;
    await deliverDueAlerts(db, mailer, config, { now: T0 + 20 * SEC, log });
    expect(catcher.attempts).toBe(attempts);

    catcher.refuse = undefined;
    expect(await deliverDueAlerts(db, mailer, config, { now: T0 + 30 * SEC, log })).toMatchObject({ sent: 3, failed: 0 });
    expect(receivedIds(catcher).sort()).toEqual(storedIds(db).sort());
    const sent = listOutbox(db, 0);
    expect(sent.every((e) => e.status === 'sent' && e.smtpMessageId === e.messageId && /^250/.test(e.smtpResponse ?? ''))).toBe(true);

    await deliverDueAlerts(db, mailer, config, { now: T0 + 10 * MIN, log });
    expect(catcher.messages).toHaveLength(3);
  });

  it('survives the server closing the connection, at connect or after the message data, without duplicates', async () => {
    await serve(new SmtpCatcher({ drop: 'connect' }));
    queueThree(db, config);
    expect(await deliverDueAlerts(db, mailer, config, { now: T0, log })).toMatchObject({ sent: 0, failed: 3 });
    // The server was unreachable: one connection attempt, and every alert's back-off starts now.
    expect(listOutbox(db, 0).map((e) => e.nextAttemptAt)).toEqual(Array(3).fill(T0 + 30 * SEC));

    // Closing after the data: the outcome is unknown to the sender, so it sends again, with the same Message-ID.
    catcher.drop = 'data';
    expect(await deliverDueAlerts(db, mailer, config, { now: T0 + 30 * SEC, log })).toMatchObject({ sent: 0 });
    expect(catcher.attempts).toBe(1);

    catcher.drop = undefined;
    await deliverDueAlerts(db, mailer, config, { now: T0 + 2 * MIN, log });
    expect(receivedIds(catcher).sort()).toEqual(storedIds(db).sort());
    expect(new Set(receivedIds(catcher)).size).toBe(3);
  });

  it('delivers every queued alert once a server that was down for a while comes back, none twice', async () => {
    await serve(new SmtpCatcher({ down: true }));
    queueThree(db, config);
    const delays: number[] = [];
    let now = T0;
    for (let i = 0; i < 6; i++) {
      expect(await deliverDueAlerts(db, mailer, config, { now, log })).toMatchObject({ sent: 0, failed: i > 2 ? 4 : 3 });
      const next = listOutbox(db, 0)[0].nextAttemptAt!;
      delays.push(next - now);
      now = next;
      // More alerts keep coming while the server is down.
      if (i === 2) flagItem(db, config, { title: 'new subject' }, { kind: 'rule', key: 'fire', severity: 'high', reasons: [], at: now - SEC });
    }
    // Capped exponential back-off: 30 s, 1 min, 2 min, 4 min, then the 5 min cap.
    expect(delays).toEqual([30 * SEC, MIN, 2 * MIN, 4 * MIN, 5 * MIN, 5 * MIN]);

    const port = catcher.port;
    await catcher.stop();
    await serve(new SmtpCatcher({ port }));
    expect(await deliverDueAlerts(db, mailer, config, { now, log })).toMatchObject({ sent: 4, failed: 0 });
    await deliverDueAlerts(db, mailer, config, { now: now + 10 * MIN, log });
    expect(catcher.messages).toHaveLength(4);
    expect(receivedIds(catcher).sort()).toEqual(storedIds(db).sort());
  });

  it('gives up on an alert after give_up_after, tells the admin, and lists it for the digest', async () => {
    await serve(new SmtpCatcher({ refuse: { code: 550, message: 'mailbox unavailable', times: 2 } }));
    flagItem(db, config, {}, { kind: 'rule', key: 'roadworks', severity: 'high', reasons: [], at: T0 });
    expect(await deliverDueAlerts(db, mailer, config, { now: T0, log })).toMatchObject({ failed: 1, dead: 0 });
    // The second refusal comes after more than an hour of failures: the alert is dead, and the admin is told.
    expect(await deliverDueAlerts(db, mailer, config, { now: T0 + 61 * MIN, log })).toMatchObject({ failed: 0, dead: 1 });
    expect(catcher.messages).toHaveLength(1);
    const notice = catcher.messages[0];
    expect(notice.to).toEqual(['admin@example.org']);
    expect(notice.mail.subject).toMatch(/Alert not delivered/);
    expect(notice.mail.text).toMatch(/duty@example\.org after 2 attempts/);
    expect(notice.mail.text).toMatch(/550 mailbox unavailable/);

    const dead = deadAlertsSince(db, T0);
    expect(dead.map((d) => [d.key, d.attempts, d.deadAt])).toEqual([['rule:roadworks', 2, T0 + 61 * MIN]]);
    expect(deadAlertsSince(db, T0 + 62 * MIN)).toEqual([]);
    // A dead alert is not tried again.
    await deliverDueAlerts(db, mailer, config, { now: T0 + 120 * MIN, log });
    expect(catcher.messages).toHaveLength(1);
  });
});

describe('the sender running beside the daemon', () => {
  it('delivers an alert queued after it started, without waiting for the next cycle', async () => {
    const catcher = new SmtpCatcher();
    await catcher.start();
    const config = alertConfig({ every: '1s' }, { smtp: catcher.smtp });
    const db = openDb(':memory:');
    const mailer = createMailer(config);
    const sender = startAlertSender(db, mailer, config, {}, log);
    flagItem(db, config, { title: 'spreading now' }, { kind: 'claim', key: 'C2', severity: 'high', reasons: [], at: Date.now() });
    while (!catcher.messages.length) await new Promise((r) => setTimeout(r, 50));
    await sender.stop();
    expect(listOutbox(db, 0).map((e) => e.status)).toEqual(['sent']);
    mailer.close();
    await catcher.stop();
    db.$client.close();
  });
});

describe('veille outbox', () => {
  let ws: Workspace;
  let catcher: SmtpCatcher;

  beforeEach(async () => {
    catcher = new SmtpCatcher({ refuse: { code: 451 } });
    await catcher.start();
    ws = workspace({ from: 'veille@example.org', smtp: catcher.smtp, alerts: { to: ['duty@example.org'], retry_base: '1h' } });
  });
  afterEach(async () => {
    await catcher.stop();
    ws.cleanup();
  });

  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [cli, 'outbox', '--config', ws.configPath, ...args], { env: { ...process.env, VEILLE_LOG_LEVEL: 'silent' } });

  it('lists failing and sent alerts, and --retry-now sends the pending ones without waiting for the back-off', async () => {
    const config = ws.config();
    const db = openDb(config.database);
    const now = Date.now();
    queueThree(db, config, now);
    const mailer = createMailer(config);
    await deliverDueAlerts(db, mailer, config, { now, log });
    mailer.close();
    db.$client.close();

    const before = await run();
    expect(before.stdout).toMatch(/^failing \(will retry\) \(3\)$/m);
    expect(before.stdout).toMatch(/#1 rule:roadworks \[high\] 1 item → default \(duty@example\.org\)\n\s+1 attempt, next .*: EMESSAGE 451 refused by test server$/m);

    catcher.refuse = undefined;
    const retried = await run('--retry-now');
    expect(retried.stderr).toContain('retry: 3 sent, 0 failed');
    expect(retried.stdout).toMatch(/^sent \(3\)$/m);
    expect(catcher.messages).toHaveLength(3);

    const json = JSON.parse((await run('--json')).stdout) as { state: string; smtp_message_id: string; message_id: string }[];
    expect(json.map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
    expect(json.every((r) => r.smtp_message_id === r.message_id)).toBe(true);
  });
});
