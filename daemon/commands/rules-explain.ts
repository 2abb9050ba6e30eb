/**
 * `veille rules explain ITEM_ID | --text "..."`: everything that decided an item's verdict, for
 * staff who want to know why something was (or was not) flagged: the language and why, each rule
 * with the words and stems it found, the closest claims with the words they share, the stance,
 * the rumour score with its cues and words, and the flag with its reasons.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config.ts';
import { rulesCommand } from './rules.ts';
import { configNamed } from './args.ts';
import { fail } from './errors.ts';
import { analyze } from '../../rules/claims/analyze.ts';
import { loadLexicon } from '../../rules/claims/lexicon.ts';
import type { Claim } from '../../rules/claims/load.ts';
import { loadClassifier, type StaffTeaching } from '../../rules/classifier.ts';
import { formatRuleErrors } from '../../rules/errors.ts';
import type { RuleExplanation } from '../../rules/topics.ts';
import { oneLine, textLang, type Lang } from '../../rules/text.ts';
import type { ClassifyInput } from '../../rules/types.ts';
import { openDb } from '../../storage/db.ts';
import { getItem, type ItemRow } from '../../storage/items.ts';
import { readStaffLabels } from '../../storage/labels.ts';

interface ExplainOptions {
  text?: string;
  title?: string;
  rules?: string;
  claims?: string;
}

export function register(program: Command): void {
  rulesCommand(program)
    .command('explain')
    .description('show every rule, term, stem, claim score and cue that decided an item\'s verdict')
    .argument('[item]', 'id of a stored item')
    .option('--text <text>', 'explain this text instead of a stored item')
    .option('--title <title>', 'with --text: a title')
    .option('--rules <dir>', "rules folder (default: the config's)")
    .option('--claims <file>', "claims file (default: the config's)")
    .action((itemArg: string | undefined, opts: ExplainOptions, cmd: Command) => {
      try {
        explain(itemArg, opts, cmd);
      } catch (err) {
        fail(err);
      }
    });
}

function explain(itemArg: string | undefined, opts: ExplainOptions, cmd: Command): void {
  if (!itemArg === (opts.text === undefined)) return usage('give either an item id or --text "..."');
  if (itemArg && !/^\d+$/.test(itemArg)) return usage(`item id must be a number, got "${itemArg}"`);
  const globals = cmd.optsWithGlobals<{ config: string; db?: string }>();
  const config = configFor(cmd, globals.config, !!itemArg);
  const rules = opts.rules ?? config?.rules;
  if (!rules) return usage('give --rules DIR, or a config file that names a rules folder');

  let staff: StaffTeaching | undefined;
  let item: ItemRow | undefined;
  const dbFile = globals.db ?? config?.database;
  if (dbFile && (itemArg || existsSync(dbFile))) {
    const db = openDb(dbFile);
    try {
      staff = readStaffLabels(db);
      if (itemArg) {
        item = getItem(db, Number(itemArg));
        if (!item) return usage(`no item ${itemArg} in ${dbFile}`);
      }
    } finally {
      db.$client.close();
    }
  }

  const loaded = loadClassifier({
    rules,
    claims: opts.claims ?? config?.claims,
    languages: config?.languages ?? ['en', 'fr'],
    rumourThreshold: config?.rumour.threshold,
    staff,
  });
  if (!loaded.ok) {
    process.stderr.write(`${formatRuleErrors(loaded.errors)}\n`);
    process.exitCode = 1;
    return;
  }

  const input: ClassifyInput = item
    ? { title: item.title, text: item.text, author: item.author, source: item.sourceId, langHint: item.lang === 'und' ? undefined : item.lang }
    : { title: opts.title ?? '', text: opts.text!, source: 'text' };
  const v = loaded.classifier.classify(input);
  const itemLang = textLang(v.lang);
  const out: string[] = [];

  out.push(item ? `Item ${item.id} from ${item.sourceId}${item.url ? ` (${item.url})` : ''}` : 'Text');
  if (input.title) out.push(`  title: ${input.title}`);
  out.push(`  text:  ${oneLine(input.text, 200)}`, '');

  out.push(`Language: ${v.lang} — ${languageWhy(input, v.lang, config?.languages ?? ['en', 'fr'])}`, '');

  out.push('Rules:');
  const explanations = loaded.topics.explain({ title: input.title, text: input.text, author: input.author, source: input.source, lang: itemLang });
  for (const e of explanations) out.push(...ruleLines(e, loaded.rules.find((r) => r.id === e.ruleId)));
  if (!explanations.length) out.push('  (no rules)');
  out.push('');

  out.push('Claims:');
  if (!loaded.claimMatcher) out.push('  (no claims file)');
  else {
    const scored = [...(v.claim ? [{ id: v.claim.id, score: v.claim.score }] : []), ...v.claimCandidates].slice(0, 3);
    if (!scored.length) out.push('  no claim scores above the candidate threshold');
    for (const c of scored) {
      const matched = v.claim?.id === c.id;
      const terms = matched ? v.claim!.terms : sharedWords(input, itemLang, loaded.claims.find((k) => k.id === c.id)!);
      out.push(`  ${matched ? 'MATCH' : 'near '} ${c.id}  score ${c.score.toFixed(3)}  carried by: ${terms.join(', ') || '—'}`);
    }
    out.push(`  stance: ${v.stance ?? '—'}${v.stance === 'refutes' ? ' (a refutation is not a rumour and raises no alert)' : ''}`);
  }
  out.push('');

  const r = loaded.model.score(input.title, input.text, v.lang);
  out.push(`Rumour score: ${v.rumourScore.toFixed(2)} (threshold ${loaded.rumourThreshold.toFixed(2)}; learned from ${loaded.model.examples} examples)`);
  if (!r.cues.length) out.push('  cues: none');
  for (const c of r.cues) out.push(`  cue ${c.kind.padEnd(11)} ${signed(c.weight)}  ${c.evidence.map((e) => `"${e}"`).join(', ')}`);
  const words = loaded.model.explainWords(input.title, input.text, v.lang);
  out.push(`  words       ${signed(r.words)}  ${words.map((w) => `${w.stem} ${signed(w.weight)}`).join(', ') || 'none known to the model'}`);
  out.push('');

  out.push(`Flag: ${v.flagged ? 'FLAGGED' : 'not flagged'}`);
  for (const reason of v.reasons) out.push(`  - ${reason}`);
  if (!v.flagged) out.push(`  ${notFlaggedWhy(v, loaded.rumourThreshold)}`);
  if (item && item.flagged !== v.flagged) out.push(`  (stored verdict differs: ${item.flagged ? 'flagged' : 'not flagged'} when ingested, with the rules and labels of then)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function ruleLines(e: RuleExplanation, rule?: { trigger: string; severity: string }): string[] {
  const tag = rule ? ` [${rule.trigger}, ${rule.severity}]` : '';
  if (!e.matched) {
    const lines = [`  ✗ ${e.ruleId}${tag}: ${e.detail}`];
    if (e.excludedBy.length) lines.push(`      matched first: ${e.matchedTerms.map(leaf).join('; ')}`);
    return lines;
  }
  return [`  ✓ ${e.ruleId}${tag}`, ...e.matchedTerms.map((l) => `      ${leaf(l)}`)];
}

function leaf(l: RuleExplanation['matchedTerms'][number]): string {
  const where = [l.title && `title ×${l.title}`, l.text && `text ×${l.text}`, l.author && `author ×${l.author}`].filter(Boolean).join(', ');
  return `${l.query} ← ${l.found.join(', ')} (${l.via.join('/')}${where ? `; ${where}` : ''})`;
}

/** The post's words that meet a claim's closest wording, for claims below the match threshold. */
function sharedWords(input: ClassifyInput, lang: Lang | 'und', claim: Claim): string[] {
  const lexicon = loadLexicon();
  const post = analyze(input.title ? `${input.title}\n${input.text}` : input.text, lang, lexicon);
  const wordings = [claim.text.en, claim.text.fr, ...claim.variants].filter((t): t is string => !!t);
  let best: string[] = [];
  for (const w of wordings) {
    const doc = analyze(w, 'und', lexicon);
    const shared = [...post.concepts].filter(([c]) => doc.concepts.has(c)).map(([, surface]) => surface);
    if (shared.length > best.length) best = shared;
  }
  return best;
}

function languageWhy(input: ClassifyInput, lang: string, languages: readonly string[]): string {
  const letters = `${input.title}\n${input.text}`.replace(/[^\p{L}]+/gu, '').length;
  const hint = input.langHint?.toLowerCase().slice(0, 2);
  if (letters < 20) {
    return lang === 'und'
      ? `too short to tell (${letters} letters) and no usable language from the source`
      : `the text is too short to tell (${letters} letters), so the source's language is used`;
  }
  const said = hint && hint !== lang ? `; the source said ${hint}` : '';
  return `detected from ${letters} letters of text, choosing among ${languages.join(', ')}${said}`;
}

function notFlaggedWhy(v: { stance: string | null; claim: unknown; rumourScore: number; topics: { trigger: string }[] }, threshold: number): string {
  if (v.stance === 'refutes') return 'because it refutes the claim it is about';
  const alert = v.topics.some((t) => t.trigger === 'alert');
  if (v.rumourScore < threshold) return `no known claim, and the rumour score is below ${threshold.toFixed(2)}`;
  return alert ? 'no reason to flag' : 'no known claim, and no matching rule is marked for alerts';
}

/** Explaining a stored item needs the config (for the database); free text uses it when present. */
function configFor(cmd: Command, file: string, required: boolean): Config | undefined {
  if (!required && !configNamed(cmd) && !existsSync(file)) return undefined;
  return loadConfig(file);
}

function usage(message: string): void {
  process.stderr.write(`veille: ${message}\n`);
  process.exitCode = 1;
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
