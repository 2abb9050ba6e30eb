/**
 * `veille classify`: JSON lines in, one verdict per line out, with no daemon, config or database
 * needed. It streams: one line is read, judged and written at a time, and reading waits while
 * stdout is backed up, so memory stays flat whatever the input size.
 */
import type { Command } from 'commander';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config.ts';
import { openDb } from '../../storage/db.ts';
import { readStaffLabels } from '../../storage/labels.ts';
import { loadClassifier, type StaffTeaching } from '../../rules/classifier.ts';
import { formatRuleErrors } from '../../rules/errors.ts';
import type { Classification, ClassifyInput } from '../../rules/types.ts';
import { configNamed } from './args.ts';
import { fail } from './errors.ts';

interface ClassifyOptions {
  rules: string;
  claims?: string;
}

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify JSON lines from stdin ({"id", "text", "title"?, "lang"?, "source"?}) and write one JSON verdict per line')
    .requiredOption('--rules <dir>', 'rules folder (or one rule file)')
    .option('--claims <file>', 'known claims file')
    .addHelpText('after', '\nWith --config or --db, staff labels in the database are learned from as well.')
    .action(async (opts: ClassifyOptions, cmd: Command) => {
      try {
        process.exitCode = await classifyStream(opts, cmd);
      } catch (err) {
        fail(err);
      }
    });
}

async function classifyStream(opts: ClassifyOptions, cmd: Command): Promise<number> {
  const { staff, threshold, languages } = teachingFromGlobals(cmd);
  const loaded = loadClassifier({ rules: opts.rules, claims: opts.claims, languages, rumourThreshold: threshold, staff });
  if (!loaded.ok) {
    process.stderr.write(`${formatRuleErrors(loaded.errors)}\n`);
    return 1;
  }
  const { classifier } = loaded;

  const out = process.stdout;
  let closed = false;
  // A reader that went away (`| head`) ends the run quietly instead of with EPIPE.
  out.on('error', () => {
    closed = true;
  });
  let bad = 0;
  let lineNo = 0;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (closed) break;
    if (!line.trim()) continue;
    const input = parseLine(line);
    if (typeof input === 'string') {
      bad++;
      process.stderr.write(`veille classify: stdin line ${lineNo}: ${input}; skipped\n`);
      continue;
    }
    const verdict = classifier.classify(input.item);
    if (!out.write(`${JSON.stringify(toOutput(input.id, verdict))}\n`)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  }
  rl.close();
  return bad ? 2 : 0;
}

/** The classify line format: `id` and `text` are required, everything else optional, unknown fields ignored. */
function parseLine(line: string): { id: string | number; item: ClassifyInput } | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return `invalid JSON (${(err as Error).message})`;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'expected a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' && typeof o.id !== 'number') return '"id" must be a string or a number';
  if (typeof o.text !== 'string') return '"text" must be a string';
  for (const key of ['title', 'lang', 'source'] as const) {
    if (o[key] !== undefined && o[key] !== null && typeof o[key] !== 'string') return `"${key}" must be a string`;
  }
  return {
    id: o.id,
    item: {
      title: (o.title as string | undefined) ?? '',
      text: o.text,
      source: (o.source as string | undefined) ?? 'stdin',
      langHint: (o.lang as string | undefined) ?? undefined,
    },
  };
}

function toOutput(id: string | number, v: Classification) {
  return {
    id,
    lang: v.lang,
    topics: v.topics.map((t) => t.ruleId),
    claim: v.claim?.id ?? null,
    claim_score: v.claim?.score ?? null,
    claim_candidates: v.claimCandidates,
    stance: v.stance,
    rumour_score: v.rumourScore,
    flagged: v.flagged,
    reasons: v.reasons,
  };
}

/**
 * Without a config or database named on the command line, classify learns from the seed set
 * only, so that it runs anywhere; with one, it also learns what staff labelled.
 */
export function teachingFromGlobals(cmd: Command): { staff?: StaffTeaching; threshold?: number; languages: readonly string[] } {
  const globals = cmd.optsWithGlobals<{ config: string; db?: string }>();
  const hasConfig = configNamed(cmd);
  if (!hasConfig && !globals.db) return { languages: ['en', 'fr'] };
  const config = hasConfig ? loadConfig(globals.config) : undefined;
  const db = openDb(globals.db ?? config!.database);
  try {
    return { staff: readStaffLabels(db), threshold: config?.rumour.threshold, languages: config?.languages ?? ['en', 'fr'] };
  } finally {
    db.$client.close();
  }
}
