/** `veille outbox`: what alerts are waiting, failing, given up on or recently sent; and a manual resend. */
import type { Command } from 'commander';
import { sinceOption } from './args.ts';
import { openContext } from '../context.ts';
import { createMailer } from '../../notifiers/mailer.ts';
import { loadAlertRefs } from '../../notifiers/alerts/refs.ts';
import { heldByQuietHours, resolveRoute, type AlertsConfig } from '../../notifiers/alerts/route.ts';
import { deliverDueAlerts } from '../../notifiers/alerts/send.ts';
import { listOutbox, type OutboxEntry } from '../../storage/outbox.ts';
import { fail } from './errors.ts';

type State = 'pending' | 'held' | 'failing' | 'dead' | 'sent';

function stateOf(e: OutboxEntry, alerts: AlertsConfig, timeZone: string, now: number): State {
  if (e.status !== 'pending') return e.status;
  if (e.attempts > 0) return 'failing';
  return heldByQuietHours(resolveRoute(e.route, alerts), e.severity, now, timeZone) ? 'held' : 'pending';
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The `outbox --json` shape is an interface for scripts: keep its keys stable. */
export function outboxJson(rows: OutboxEntry[], alerts: AlertsConfig, timeZone: string, now: number) {
  return rows.map((e) => ({
    id: e.id,
    state: stateOf(e, alerts, timeZone, now),
    key: e.key,
    route: e.route,
    follow_up: e.seq,
    severity: e.severity,
    items: e.itemCount,
    created: iso(e.createdAt),
    due: iso(e.dueAt),
    attempts: e.attempts,
    next_attempt: iso(e.nextAttemptAt),
    last_error: e.lastError,
    sent: iso(e.sentAt),
    dead: iso(e.deadAt),
    recipients: e.recipients ? (JSON.parse(e.recipients) as string[]) : resolveRoute(e.route, alerts).to,
    message_id: e.messageId,
    smtp_message_id: e.smtpMessageId,
    subject: e.subject,
  }));
}

const ORDER: State[] = ['failing', 'dead', 'held', 'pending', 'sent'];
const TITLES: Record<State, string> = {
  failing: 'failing (will retry)',
  dead: 'dead (given up on)',
  held: 'held for quiet hours',
  pending: 'pending',
  sent: 'sent',
};

function formatListing(rows: ReturnType<typeof outboxJson>): string {
  if (!rows.length) return 'outbox is empty\n';
  const out: string[] = [];
  for (const state of ORDER) {
    const group = rows.filter((r) => r.state === state);
    if (!group.length) continue;
    out.push(`${TITLES[state]} (${group.length})`);
    for (const r of group) {
      const what = `#${r.id} ${r.key}${r.follow_up ? ` follow-up ${r.follow_up}` : ''} [${r.severity}] ${r.items} item${r.items === 1 ? '' : 's'} → ${r.route} (${r.recipients.join(', ') || 'no recipients'})`;
      const detail =
        state === 'sent'
          ? `sent ${r.sent}  smtp id ${r.smtp_message_id}`
          : state === 'dead'
            ? `dead ${r.dead} after ${r.attempts} attempts: ${r.last_error}`
            : state === 'failing'
              ? `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, next ${r.next_attempt}: ${r.last_error}`
              : `queued ${r.created}, due ${r.due}`;
      out.push(`  ${what}`, `      ${detail}`);
    }
  }
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('outbox')
    .description('list pending, failing, dead and recently sent alerts; --retry-now sends every pending alert at once')
    .addOption(sinceOption('how far back to list sent and dead alerts', '24h'))
    .option('--retry-now', 'deliver every pending alert now, ignoring the retry back-off (quiet hours still apply)')
    .option('--json', 'print a JSON array, for scripts')
    .action(async (opts: { since: number; retryNow?: boolean; json?: boolean }, cmd: Command) => {
      const since = opts.since;
      try {
        const { config, db } = openContext(cmd.optsWithGlobals());
        try {
          if (opts.retryNow) {
            const mailer = createMailer(config);
            try {
              const s = await deliverDueAlerts(db, mailer, config, { ...loadAlertRefs(config), force: true });
              process.stderr.write(`retry: ${s.sent} sent, ${s.failed} failed, ${s.dead} given up on, ${s.held} held for quiet hours\n`);
              if (s.failed || s.dead) process.exitCode = 1;
            } finally {
              mailer.close();
            }
          }
          const now = Date.now();
          const rows = outboxJson(listOutbox(db, now - since), config.alerts, config.timezone, now);
          process.stdout.write(opts.json ? JSON.stringify(rows) + '\n' : formatListing(rows));
        } finally {
          db.$client.close();
        }
      } catch (err) {
        fail(err);
      }
    });
}
