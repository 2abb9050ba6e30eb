/**
 * Loads a folder of YAML rule files. Every problem is collected (YAML syntax, schema, duplicate
 * ids, query syntax), each with the file, line and column it concerns, so that one run of
 * `veille rules check` lists everything to fix.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import type { Lang } from './text.ts';
import type { Severity } from './types.ts';
import { ruleError, type RuleError } from './errors.ts';
import { parseQuery, QuerySyntaxError } from './query/parser.ts';
import type { QueryNode } from './query/ast.ts';
import { ruleFileSchema } from './schema.ts';

/** A query as written and parsed; `any` applies to every language. */
export interface ParsedQuery {
  source: string;
  ast: QueryNode;
}

export type RuleQueries = Partial<Record<'any' | Lang, ParsedQuery>>;

export interface CompiledRule {
  id: string;
  label: { en: string; fr: string };
  query: RuleQueries;
  exclude?: RuleQueries;
  languages?: Lang[];
  sources?: string[];
  severity: Severity;
  trigger: 'digest' | 'alert';
  stems: boolean;
  /** Where the rule is defined, for messages. */
  file: string;
  line: number;
}

export interface LoadResult {
  rules: CompiledRule[];
  errors: RuleError[];
}

const RULE_FILE = /\.ya?ml$/i;

/** Loads every *.yaml / *.yml file of a folder (or one file), checking ids are unique across them. */
export function loadRules(dir: string): LoadResult {
  const path = resolve(dir);
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => RULE_FILE.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch {
    return { rules: [], errors: [ruleError(path, 0, 0, 'rules folder not found')] };
  }
  if (!files.length) return { rules: [], errors: [ruleError(path, 0, 0, 'no rule files (*.yaml, *.yml) in the rules folder')] };

  const rules: CompiledRule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, CompiledRule>();
  for (const file of files) {
    let src: string;
    try {
      src = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(ruleError(file, 0, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`));
      continue;
    }
    const one = parseRuleFile(src, file);
    errors.push(...one.errors);
    for (const rule of one.rules) {
      const first = seen.get(rule.id);
      if (first) {
        errors.push(ruleError(file, rule.line, rule.col, `duplicate rule id "${rule.id}" (first defined at ${first.file}:${first.line})`));
        continue;
      }
      seen.set(rule.id, rule);
      rules.push(stripCol(rule));
    }
  }
  // A rule with a duplicate id is dropped, but the first definition stays usable.
  return { rules, errors };
}

type Located = CompiledRule & { col: number };

function stripCol({ col: _col, ...rule }: Located): CompiledRule {
  return rule;
}

/** Parses and validates the text of one rule file; rules with errors are left out of `rules`. */
export function parseRuleFile(src: string, file: string): { rules: Located[]; errors: RuleError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): RuleError => {
    const { line, col } = lineCounter.linePos(offset);
    return ruleError(file, line, col, message);
  };
  if (doc.errors.length) {
    return { rules: [], errors: doc.errors.map((e) => at(e.pos[0], `invalid YAML: ${e.message.split('\n')[0]}`)) };
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) return { rules: [], errors: [ruleError(file, 1, 1, 'empty file: expected a "rules:" list')] };

  const errors: RuleError[] = [];
  const parsed = ruleFileSchema.safeParse(data);
  const bad = new Set<number>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { offset, path } = locate(doc, issue);
      if (typeof issue.path[1] === 'number') bad.add(issue.path[1]);
      const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
      const message = missing
        ? `${prefix(data, path.slice(0, -1))}missing required key "${String(path[path.length - 1])}"`
        : !path.length && issue.code === 'invalid_type'
          ? 'expected a map with a "rules:" list'
          : `${prefix(data, path)}${describeIssue(issue)}`;
      errors.push(at(offset, message));
    }
    // The file's shape is wrong: no rule of it can be trusted.
    if (!Array.isArray((data as { rules?: unknown }).rules)) return { rules: [], errors };
  }

  const rules: Located[] = [];
  const items = (data as { rules: unknown[] }).rules;
  items.forEach((raw, index) => {
    // Queries are checked even in a rule with other errors, so one run lists everything.
    const r = (raw ?? {}) as { id?: unknown; query?: unknown; exclude?: unknown };
    const name = typeof r.id === 'string' ? `rule "${r.id}"` : `rule #${index + 1}`;
    let queryFailed = false;
    const parseAll = (key: 'query' | 'exclude'): RuleQueries => {
      const value = r[key];
      const out: RuleQueries = {};
      const entries: ['any' | Lang, unknown][] =
        typeof value === 'string' ? [['any', value]] : value && typeof value === 'object' ? [['en', (value as Record<string, unknown>).en], ['fr', (value as Record<string, unknown>).fr]] : [];
      for (const [lang, text] of entries) {
        if (typeof text !== 'string' || !/\S/.test(text)) continue;
        try {
          out[lang] = { source: text, ast: parseQuery(text) };
        } catch (err) {
          if (!(err instanceof QuerySyntaxError)) throw err;
          queryFailed = true;
          const scalar = doc.getIn(lang === 'any' ? ['rules', index, key] : ['rules', index, key, lang], true) as Node;
          errors.push(at(sourceOffset(src, scalar, err.offset), `${name}: ${key}${lang === 'any' ? '' : `.${lang}`}: ${err.message}`));
        }
      }
      return out;
    };
    const query = parseAll('query');
    const exclude = parseAll('exclude');
    if (queryFailed || bad.has(index)) return;
    const def = ruleFileSchema.shape.rules.element.parse(raw);
    const idNode = doc.getIn(['rules', index, 'id'], true) as Node;
    const idPos = lineCounter.linePos(idNode.range?.[0] ?? 0);
    rules.push({
      id: def.id,
      label: def.label,
      query,
      exclude: def.exclude === undefined ? undefined : exclude,
      languages: def.languages,
      sources: def.sources,
      severity: def.severity,
      trigger: def.trigger,
      stems: def.stems,
      file,
      line: idPos.line,
      col: idPos.col,
    });
  });
  return { rules, errors };
}

/** The source offset an issue concerns: the unknown key itself, the bad value, or the nearest map that lacks a key. */
function locate(doc: Document, issue: z.core.$ZodIssue): { offset: number; path: PropertyKey[] } {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const map = doc.getIn(path as unknown[], true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === issue.keys[0]);
      const key = pair?.key as Node | undefined;
      if (key?.range) return { offset: key.range[0], path };
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true)) as Node | null;
    if (node?.range) return { offset: node.range[0], path };
  }
  return { offset: 0, path };
}

/** `rule "policing": severity: ` — names the rule by id when it has one, else by position. */
function prefix(data: unknown, path: PropertyKey[]): string {
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return path.length ? `${path.join('.')}: ` : '';
  const rule = (data as { rules: unknown[] }).rules[path[1]] as { id?: unknown } | null;
  const name = rule && typeof rule === 'object' && typeof rule.id === 'string' ? `rule "${rule.id}"` : `rule #${path[1] + 1}`;
  const rest = path.slice(2).join('.');
  return `${name}: ${rest ? `${rest}: ` : ''}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/**
 * Where character `offset` of a scalar's value sits in the file. The value's non-blank
 * characters appear in the source in the same order (quotes doubled, escapes and folded lines
 * aside), so they are aligned one by one; if the alignment fails the scalar's start is used.
 */
export function sourceOffset(src: string, node: Node, offset: number): number {
  const [start, end] = node.range ?? [0, 0];
  if (!isScalar(node) || typeof node.value !== 'string') return start;
  const value = node.value;
  let s = start;
  if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') s++;
  else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') s = src.indexOf('\n', start) + 1;
  for (let i = 0; i < value.length && i <= offset; i++) {
    if (/\s/.test(value[i])) continue;
    while (s < end && src[s] !== value[i]) s++;
    if (s >= end) return start;
    if (i === offset) return s;
    s++;
  }
  return s;
}
