/**
 * Mails the digest: one message per recipient group, in that group's language, each recorded in
 * the digests table once the server has accepted it. A group that fails does not stop the others.
 */
import { parseDuration, type Config } from '../../daemon/config.ts';
import type { Db } from '../../storage/db.ts';
import { recordDigest } from '../../storage/digest.ts';
import type { Mailer } from '../mailer.ts';
import type { BuildOptions, DigestData } from './build.ts';
import type { DigestLang } from './i18n.ts';
import { renderDigest } from './render.ts';

export interface DigestGroup {
  /** The team's name, shown in the digest; absent for the plain `digest.to` list. */
  name?: string;
  to: string[];
  lang: DigestLang;
}

export interface GroupResult {
  group: DigestGroup;
  ok: boolean;
  messageId?: string;
  error?: string;
  attempts: number;
}

export interface SendOptions {
  /** Tries per group for temporary failures (4xx replies, lost connections); 5xx replies are final. */
  attempts?: number;
  retryDelayMs?: number;
  /** Right-hand side of the Message-ID. */
  domain?: string;
  now?: () => number;
}

/** What the config says about building the digest; labels, claims and bursts come from their own loaders. */
export function digestSettings(config: Pick<Config, 'timezone' | 'digest' | 'sources'>): Pick<BuildOptions, 'timezone' | 'failingAfterMs' | 'topItems' | 'budgets'> {
  const budgets = new Map<string, number>();
  for (const s of config.sources) if ('monthly_read_budget' in s && s.monthly_read_budget) budgets.set(s.id, s.monthly_read_budget);
  return {
    timezone: config.timezone,
    failingAfterMs: parseDuration(config.digest.failing_after) ?? undefined,
    topItems: config.digest.top_items,
    budgets,
  };
}

/** `digest.to` in `digest.lang`, then every team in its own language. */
export function digestGroups(digest: Pick<Config['digest'], 'to' | 'lang' | 'teams'>): DigestGroup[] {
  const groups: DigestGroup[] = [];
  if (digest.to.length) groups.push({ to: digest.to, lang: digest.lang });
  for (const team of digest.teams) groups.push({ name: team.name, to: team.to, lang: team.lang });
  return groups;
}

export async function sendDigests(db: Db, mailer: Mailer, data: DigestData, groups: DigestGroup[], opts: SendOptions = {}): Promise<GroupResult[]> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const delay = opts.retryDelayMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const results: GroupResult[] = [];
  for (const group of groups) {
    const digest = renderDigest(data, group.lang, { team: group.name });
    // Stable per period and group, so a retried message is recognised as the same one.
    const messageId = `<digest.${data.until}.${slug(group.name ?? 'all')}.${group.lang}@${opts.domain ?? 'veille.localhost'}>`;
    let result: GroupResult = { group, ok: false, attempts: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const info = await mailer.send({
          to: group.to,
          subject: digest.subject,
          html: digest.html,
          text: digest.text,
          messageId,
          headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': group.lang },
        });
        recordDigest(db, { sentAt: now(), periodStart: data.since, periodEnd: data.until, recipients: group.to.join(', '), messageId: info.messageId });
        result = { group, ok: true, messageId: info.messageId, attempts: attempt };
        break;
      } catch (err) {
        result = { group, ok: false, error: describe(err), attempts: attempt };
        if (!isTemporary(err) || attempt === attempts) break;
        await new Promise((r) => setTimeout(r, delay * attempt));
      }
    }
    results.push(result);
  }
  return results;
}

function isTemporary(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return code === undefined || code < 500;
}

function describe(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  if (e.response) return e.response;
  return [e.code, e.message].filter(Boolean).join(': ') || String(err);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'team';
}
