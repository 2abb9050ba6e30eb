/**
 * A stand-in for the daemon, run as a child process by the crash test: it flags an item (item and
 * alert in one transaction), says so on stdout, and then either waits before its sender has run
 * (`queue`) or starts sending (`send`), so the test can kill it with SIGKILL at either point.
 *
 * Usage: alert-child.ts <db file> <smtp port> queue|send
 */
import { deliverDueAlerts } from '../../notifiers/alerts/send.ts';
import { createMailer } from '../../notifiers/mailer.ts';
import { openDb } from '../../storage/db.ts';
import { alertConfig, flagItem } from '../helpers/alerts.ts';

const [file, port, mode] = process.argv.slice(2);
const config = alertConfig({}, { smtp: { host: '127.0.0.1', port: Number(port), secure: false } });
const db = openDb(file);
const now = Date.now();
flagItem(db, config, { title: 'Rumour spreading' }, { kind: 'claim', key: 'C9', severity: 'high', reasons: ['known claim C9'], at: now });
process.stdout.write('queued\n');

// Keeps the process alive until it is killed.
setInterval(() => undefined, 60_000);
if (mode === 'send') void deliverDueAlerts(db, createMailer(config), config, { now });
