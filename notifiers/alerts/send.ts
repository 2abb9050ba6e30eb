/**
 * Delivers what is due in the outbox: retries with capped exponential back-off, holds alerts during
 * a route's quiet hours, and gives up (telling the admin) after `alerts.give_up_after`. Everything
 * it needs is in the database, so pending alerts go out after a crash or restart; a message that
 * may have left before a crash is resent with the same Message-ID and shows once in a mail client.
 */
import type { Config } from '../../daemon/config.ts';
import { log as defaultLog, type Logger } from '../../daemon/log.ts';
import type { Lang } from '../../rules/text.ts';
import type { Db } from '../../storage/db.ts';
import { claimMessage, dueMessages, loadAlert, markDead, markFailed, markSent, type OutboxRow } from '../../storage/outbox.ts';
import type { Mailer } from '../mailer.ts';
import { alertTimings } from './group.ts';
import { MAX_LISTED, renderAlert, renderDeadReport, type AlertClaim, type RenderedAlert } from './render.ts';
import { heldByQuietHours, resolveRoute } from './route.ts';

export type AlertLabel = string | Partial<Record<Lang, string>>;

/** What the mail shows beyond the database: the claims file and the rules' human names. */
export interface AlertRefs {
  claims?: ReadonlyMap<string, AlertClaim>;
  /** Rule id → name, in one or both languages. */
  labels?: ReadonlyMap<string, AlertLabel>;
}

export interface DeliverOptions extends AlertRefs {
  now?: number;
  /** Ignore the retry back-off and the follow-up window: `veille outbox --retry-now`. */
  force?: boolean;
  log?: Logger;
}

export interface DeliverySummary {
  sent: number;
  failed: number;
  dead: number;
  /** Waiting for a route's quiet hours to end. */
  held: number;
}

export type AlertConfig = Pick<Config, 'alerts' | 'admin' | 'timezone' | 'from'>;

/** Longer than the mailer's own connection, greeting and socket timeouts put together. */
const LEASE_MS = 2 * 60_000;

/** Errors that say the server could not be reached: the rest of the pass would fail the same way. */
const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

function labelIn(label: AlertLabel | undefined, lang: Lang): string | undefined {
  if (label === undefined || typeof label === 'string') return label;
  return label[lang] ?? label[lang === 'en' ? 'fr' : 'en'];
}

function describe(err: unknown): string {
  const e = err as { code?: string; response?: string; message?: string };
  // The server's response starts with its reply code.
  return [e.code, e.response ?? e.message].filter((x) => x !== undefined && x !== '').join(' ').slice(0, 500);
}

// One pass at a time per database in this process: the cycle-end delivery and the timer share it.
const passes = new WeakMap<Db, Promise<unknown>>();

export function deliverDueAlerts(db: Db, mailer: Mailer, config: AlertConfig, opts: DeliverOptions = {}): Promise<DeliverySummary> {
  const run = (passes.get(db) ?? Promise.resolve()).then(() => deliverPass(db, mailer, config, opts));
  passes.set(db, run.catch(() => undefined));
  return run;
}

async function deliverPass(db: Db, mailer: Mailer, config: AlertConfig, opts: DeliverOptions): Promise<DeliverySummary> {
  const log = opts.log ?? defaultLog;
  const now = opts.now ?? Date.now();
  const timings = alertTimings(config.alerts);
  const summary: DeliverySummary = { sent: 0, failed: 0, dead: 0, held: 0 };

  const fail = async (msg: OutboxRow, error: string, recipients: string[], subject: string) => {
    const attempts = msg.attempts + 1;
    const failingSince = msg.failingSince ?? now;
    const delay = Math.min(timings.retryBase * 2 ** (attempts - 1), timings.retryMax);
    markFailed(db, msg.id, { now, error, nextAttemptAt: now + delay, recipients, subject });
    if (now - failingSince < timings.giveUpAfter) {
      summary.failed++;
      log.warn({ alert: msg.id, attempts, error, retryAt: new Date(now + delay).toISOString() }, 'alert not delivered, will retry');
      return;
    }
    markDead(db, msg.id, now);
    summary.dead++;
    log.error({ alert: msg.id, attempts, error }, 'alert given up on');
    if (!config.admin) return;
    const report = renderDeadReport({ id: msg.id, recipients, subject, attempts, failingSince, error }, config.alerts.lang, config.timezone);
    try {
      await mailer.send({ to: [config.admin], ...report });
    } catch (err) {
      log.error({ alert: msg.id, error: describe(err) }, 'could not tell the admin about a dead alert; it is listed in the next digest');
    }
  };

  const due = dueMessages(db, now, opts.force);
  for (const [i, msg] of due.entries()) {
    const route = resolveRoute(msg.route, config.alerts);
    if (heldByQuietHours(route, msg.severity, now, config.timezone)) {
      summary.held++;
      continue;
    }
    if (!claimMessage(db, msg.id, now, now + LEASE_MS)) continue;
    let rendered: RenderedAlert;
    try {
      const data = loadAlert(db, msg.id, MAX_LISTED + 2);
      if (!data) throw new Error('its items are no longer in the database');
      const { kind, ref } = data.group;
      rendered = renderAlert(data, {
        lang: route.lang,
        timeZone: config.timezone,
        claim: kind === 'claim' ? opts.claims?.get(ref) : undefined,
        label: kind === 'rule' ? labelIn(opts.labels?.get(ref), route.lang) : undefined,
      });
    } catch (err) {
      // Retried and in the end reported like a delivery failure, rather than stopping every other alert.
      await fail(msg, `cannot build the alert: ${(err as Error).message}`, route.to, msg.subject ?? '');
      continue;
    }
    if (!route.to.length) {
      await fail(msg, `no recipients: route "${route.id}" has no addresses in alerts`, [], rendered.subject);
      continue;
    }
    try {
      const info = await mailer.send({
        to: route.to,
        ...rendered,
        messageId: msg.messageId,
        headers: msg.inReplyTo ? { 'In-Reply-To': msg.inReplyTo, References: msg.inReplyTo } : undefined,
      });
      markSent(db, msg.id, { now, recipients: route.to, subject: rendered.subject, smtpMessageId: info.messageId, response: info.response });
      summary.sent++;
      log.info({ alert: msg.id, route: route.id, to: route.to, messageId: info.messageId }, 'alert sent');
    } catch (err) {
      const error = describe(err);
      await fail(msg, error, route.to, rendered.subject);
      if (UNREACHABLE.has((err as { code?: string }).code ?? '')) {
        // The rest would fail the same way: record it for them too, so each one's back-off and
        // give-up clock runs from now instead of from whenever its turn would come.
        for (const rest of due.slice(i + 1)) {
          const restRoute = resolveRoute(rest.route, config.alerts);
          if (heldByQuietHours(restRoute, rest.severity, now, config.timezone)) summary.held++;
          else if (claimMessage(db, rest.id, now, now + LEASE_MS)) await fail(rest, error, restRoute.to, rest.subject ?? '');
        }
        break;
      }
    }
  }
  return summary;
}

export interface AlertSender {
  stop(): Promise<void>;
}

/**
 * Checks the outbox every `alerts.every` while the daemon runs, so retries, follow-ups and alerts
 * released by the end of quiet hours go out on time between cycles, which may be minutes apart.
 */
export function startAlertSender(db: Db, mailer: Mailer, config: AlertConfig, refs: AlertRefs | (() => AlertRefs) = {}, log: Logger = defaultLog): AlertSender {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    // A pass stuck on a slow server is not joined by another every tick.
    if (running) return;
    running = deliverDueAlerts(db, mailer, config, { ...(typeof refs === 'function' ? refs() : refs), log })
      .catch((err: Error) => log.error({ error: err.message }, 'alert delivery failed'))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, alertTimings(config.alerts).every);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
