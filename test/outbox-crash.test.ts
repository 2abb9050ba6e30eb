import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../daemon/log.ts';
import { deliverDueAlerts } from '../notifiers/alerts/send.ts';
import { createMailer } from '../notifiers/mailer.ts';
import { openDb } from '../storage/db.ts';
import { listOutbox } from '../storage/outbox.ts';
import { SmtpCatcher } from './fakes/smtp.ts';
import { alertConfig } from './helpers/alerts.ts';
import { memoryLog } from './helpers/workspace.ts';

const child = resolve(import.meta.dirname, 'fakes/alert-child.ts');
const log = memoryLog() as unknown as Logger;

/** Starts the child and resolves once it reports the alert queued. */
function startChild(db: string, port: number, mode: 'queue' | 'send'): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, db, String(port), mode], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VEILLE_LOG_LEVEL: 'silent' } });
  return new Promise((resolvePromise, reject) => {
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('queued')) resolvePromise(proc);
    });
    proc.once('exit', (code) => reject(new Error(`child exited (${code}) before queueing: ${err}`)));
  });
}

function kill(proc: ChildProcess): Promise<void> {
  return new Promise((done) => {
    proc.removeAllListeners('exit');
    proc.once('exit', () => done());
    proc.kill('SIGKILL');
  });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('an alert queued by a process that is killed', () => {
  let dir: string;
  let catcher: SmtpCatcher;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veille-crash-'));
    catcher = new SmtpCatcher();
    await catcher.start();
  });
  afterEach(async () => {
    await catcher.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is sent after a restart when the process died between queueing and sending', async () => {
    const file = join(dir, 'veille.db');
    await kill(await startChild(file, catcher.port, 'queue'));
    expect(catcher.attempts).toBe(0);

    // The restarted daemon: same database, fresh process state.
    const db = openDb(file);
    const config = alertConfig({}, { smtp: catcher.smtp });
    const mailer = createMailer(config);
    expect(listOutbox(db, 0).map((e) => [e.key, e.status])).toEqual([['claim:C9', 'pending']]);
    expect(await deliverDueAlerts(db, mailer, config, { log })).toMatchObject({ sent: 1 });
    await deliverDueAlerts(db, mailer, config, { log });
    mailer.close();
    expect(catcher.messages).toHaveLength(1);
    expect(catcher.messages[0].mail.messageId).toBe(listOutbox(db, 0)[0].messageId);
    db.$client.close();
  });

  it('is sent again with the same Message-ID when the process died in the middle of sending it', async () => {
    const file = join(dir, 'veille.db');
    catcher.hold = true;
    const proc = await startChild(file, catcher.port, 'send');
    // The server has the message's data but the sender never learned the outcome.
    await until(() => catcher.attempts === 1);
    await kill(proc);
    catcher.hold = false;

    const db = openDb(file);
    const config = alertConfig({}, { smtp: catcher.smtp });
    const mailer = createMailer(config);
    const [entry] = listOutbox(db, 0);
    expect(entry.status).toBe('pending');
    // While the dead sender's hold on the message lasts, nobody sends it: it may still be alive.
    expect(await deliverDueAlerts(db, mailer, config, { log })).toMatchObject({ sent: 0 });
    expect(await deliverDueAlerts(db, mailer, config, { now: Date.now() + 3 * 60_000, log })).toMatchObject({ sent: 1 });
    mailer.close();
    expect(catcher.messages).toHaveLength(1);
    expect(catcher.messages[0].mail.messageId).toBe(entry.messageId);
    db.$client.close();
  });
});
