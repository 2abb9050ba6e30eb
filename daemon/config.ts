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

export const sourceSchema = z.discriminatedUnion('type', [rssSource]);

export const configSchema = z.strictObject({
  timezone: z.string().default('America/Toronto'),
  database: z.string().default('./data/veille.db'),
  languages: z.array(z.enum(['en', 'fr'])).min(1).default(['en', 'fr']),
  rules: z.string().default('./rules'),
  claims: z.string().optional(),
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
      since: z.string().default('24h'),
      out: z.string().optional(),
    })
    .default({ schedule: '0 7 * * *', to: [], since: '24h' }),
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

/** Secrets live in the environment; the config only names the variables. */
export function secretFromEnv(name: string | undefined): string | undefined {
  return name ? process.env[name] : undefined;
}
