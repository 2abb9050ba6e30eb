/**
 * The daemon's single YAML config file, validated so that a typo is reported with the file, the
 * key's path and what was expected, instead of surfacing as a strange failure hours later.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validate as validateCron } from 'node-cron';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

const cron = z.string().refine((s) => validateCron(s), { message: 'not a valid cron expression' });
const email = z.string().regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, 'an email address');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const duration = z.string().refine((s) => parseDuration(s) !== null, { message: 'a duration such as 30s, 90m, 6h, 2d or 1w' });
const digestLang = z.enum(['en', 'fr']);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
const severityLevel = z.enum(['low', 'medium', 'high', 'critical']);

/** Where an alert goes: the language of its template, and hours when only urgent alerts go out. */
const alertRoute = {
  to: z.array(email).min(1),
  lang: z.enum(['en', 'fr']).default('en'),
  /** In the config's time zone; may span midnight (22:00 to 07:00). */
  quiet_hours: z.strictObject({ start: timeOfDay, end: timeOfDay }).optional(),
  /** Alerts at or above this severity go out even in quiet hours. */
  override: severityLevel.default('critical'),
};

const rssSource = z.strictObject({
  id: z.string().min(1),
  type: z.literal('rss'),
  url: z.url(),
  schedule: cron.default('*/10 * * * *'),
  /** ISO 639-1 code for feeds that state their language wrongly or not at all. */
  lang: z.string().length(2).optional(),
  timeout_ms: z.number().int().positive().default(20_000),
  max_bytes: z.number().int().positive().default(10 * 1024 * 1024),
});

const xSource = z.strictObject({
  id: z.string().min(1),
  type: z.literal('x'),
  /** X's own search operators, passed through untouched. */
  query: z.string().min(1),
  bearer_token_env: envName.default('X_BEARER_TOKEN'),
  schedule: cron.default('*/5 * * * *'),
  /** Posts X may bill this source for per calendar month; fetching stops before going over. */
  monthly_read_budget: z.number().int().positive().optional(),
  api_base: z.url().default('https://api.x.com'),
  /** Pages of up to 100 posts per run; the rest waits for the next run, nothing is skipped. */
  max_pages: z.number().int().positive().default(10),
  timeout_ms: z.number().int().positive().default(20_000),
});

const mastodonSource = z
  .strictObject({
    id: z.string().min(1),
    type: z.literal('mastodon'),
    instance: z.url(),
    hashtag: z.string().regex(/^#?[\p{L}\p{N}_]+$/u, 'a hashtag (letters, digits, underscores)').optional(),
    /** Full-text search, where the instance allows it (often only with a token). */
    query: z.string().min(1).optional(),
    token_env: envName.optional(),
    schedule: cron.default('*/10 * * * *'),
    max_pages: z.number().int().positive().default(5),
    timeout_ms: z.number().int().positive().default(20_000),
  })
  .refine((s) => (s.hashtag === undefined) !== (s.query === undefined), { message: 'give either `hashtag` or `query`, not both' });

export const sourceSchema = z.discriminatedUnion('type', [rssSource, xSource, mastodonSource]);

export const configSchema = z.strictObject({
  timezone: z.string().default('America/Toronto'),
  database: z.string().default('./data/veille.db'),
  languages: z.array(z.enum(['en', 'fr'])).min(1).default(['en', 'fr']),
  rules: z.string().default('./rules'),
  claims: z.string().optional(),
  rumour: z
    .strictObject({
      /** A post scoring at least this on an alert rule is flagged even without a known claim. */
      threshold: z.number().min(0).max(1).default(0.6),
    })
    .prefault({}),
  sources: z.array(sourceSchema).default([]),
  smtp: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(25),
      secure: z.boolean().default(false),
      user_env: envName.optional(),
      pass_env: envName.optional(),
    })
    .default({ host: '127.0.0.1', port: 25, secure: false }),
  from: email.default('veille@localhost'),
  admin: email.optional(),
  digest: z
    .strictObject({
      schedule: cron.default('0 7 * * *'),
      to: z.array(email).default([]),
      since: duration.default('24h'),
      out: z.string().optional(),
      /** Language of the digest sent to `to`; each team names its own. */
      lang: digestLang.default('en'),
      /** One digest per team, in the team's language, besides the one sent to `to`. */
      teams: z.array(z.strictObject({ name: z.string().min(1), to: z.array(email).min(1), lang: digestLang.default('en') })).default([]),
      /** A source failing for longer than this is listed at the top of the digest as a blind spot. */
      failing_after: duration.default('2h'),
      /** Items shown per topic, per claim and among flagged posts. */
      top_items: z.number().int().min(1).max(50).default(5),
    })
    .default({ schedule: '0 7 * * *', to: [], since: '24h', lang: 'en', teams: [], failing_after: '2h', top_items: 5 }),
  alerts: z
    .strictObject({
      /** The default route: every flagged item goes there unless a team route takes it. */
      to: z.array(email).default([]),
      lang: alertRoute.lang,
      quiet_hours: alertRoute.quiet_hours,
      override: alertRoute.override,
      /** `match` patterns are `claim:<id>`, `rule:<id>` or `burst:<key>`, with `*` as a wildcard. */
      teams: z.array(z.strictObject({ id: z.string().min(1), match: z.array(z.string().min(1)).min(1), ...alertRoute })).default([]),
      /** Items arriving after an alert went out are collected this long into one follow-up. */
      window: duration.default('10m'),
      /** A group ends after this long without a new item; the next item starts a new alert. */
      cooldown: duration.default('1h'),
      retry_base: duration.default('30s'),
      retry_max: duration.default('30m'),
      /** An alert still failing after this long is marked dead and reported to `admin`. */
      give_up_after: duration.default('24h'),
      /** How often the running daemon checks the outbox between cycles. */
      every: duration.default('15s'),
    })
    .prefault({}),
  /** Emerging issues: stories and volume bursts found before anyone writes a rule for them. */
  emerging: z
    .strictObject({
      /** The institution's own names: nearly every item says them, so they weigh little in bursts. */
      watch_names: z.array(z.string().min(1)).default([]),
      /** −log10 of the chance of the count under the baseline needed to flag; lower flags more. */
      sensitivity: z.number().positive().default(6),
      /** Fewest items in the window for a burst. */
      min_count: z.number().int().min(2).default(5),
      /** Alert on bursts of rules with `trigger: alert`, and of every rule when true. */
      alert_all_rules: z.boolean().default(false),
    })
    .default({ watch_names: [], sensitivity: 6, min_count: 5, alert_all_rules: false }),
  backoff: z
    .strictObject({
      base_s: z.number().positive().default(60),
      max_s: z.number().positive().default(6 * 3600),
    })
    .default({ base_s: 60, max_s: 6 * 3600 }),
});

export type Config = z.infer<typeof configSchema> & { file: string; dir: string };
export type SourceConfig = z.infer<typeof sourceSchema>;

export class ConfigError extends Error {}

/** Reads, validates and resolves a config file; every problem is listed with file:line and key. */
export function loadConfig(file: string): Config {
  const path = resolve(file);
  let src: string;
  try {
    src = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const { line, col } = lineCounter.linePos(e.pos[0]);
    throw new ConfigError(`${path}:${line}:${col}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      // For an unknown key, point at the key itself rather than at the map that holds it.
      const at0 = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
      const node = doc.getIn(at0 as (string | number)[], true) as { range?: [number, number] } | undefined;
      const at = node?.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
      const key = issue.path.length ? issue.path.join('.') : '(top level)';
      return `${path}${at}: ${key}: ${describeIssue(issue)}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const dir = dirname(path);
  const cfg = parsed.data;
  const ids = new Set<string>();
  for (const [i, s] of cfg.sources.entries()) {
    if (ids.has(s.id)) throw new ConfigError(`${path}: sources.${i}.id: duplicate source id "${s.id}"`);
    ids.add(s.id);
  }
  return {
    ...cfg,
    database: cfg.database === ':memory:' ? cfg.database : resolve(dir, cfg.database),
    rules: resolve(dir, cfg.rules),
    claims: cfg.claims ? resolve(dir, cfg.claims) : undefined,
    digest: { ...cfg.digest, out: cfg.digest.out ? resolve(dir, cfg.digest.out) : undefined },
    file: path,
    dir,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

const durationUnits: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30s`, `90m`, `6h`, `2d`, `1w` (also combined, `1d12h`) in milliseconds; null when not a duration. */
export function parseDuration(s: string): number | null {
  const text = s.trim();
  if (!/^(\d+[smhdw])+$/.test(text)) return null;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * durationUnits[unit];
  return ms > 0 ? ms : null;
}

/** Secrets live in the environment; the config only names the variables. */
export function secretFromEnv(name: string | undefined): string | undefined {
  return name ? process.env[name] : undefined;
}
