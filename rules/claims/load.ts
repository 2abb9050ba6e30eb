/**
 * Reads the known-claims file staff maintain. Every problem is reported with file:line:col so it
 * can be fixed from the message alone; valid claims are returned even when others are not, so one
 * typo does not switch off the whole list.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { ruleError, type RuleError } from '../errors.ts';

const Text = z.string().trim().min(1);

const ClaimSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'id must be letters, digits, "-", "_" or "."'),
    status: z.enum(['false', 'misleading', 'unverified'], {
      error: 'status must be the quoted string "false", "misleading" or "unverified"',
    }),
    text: z
      .object({ en: Text.optional(), fr: Text.optional() }, { error: 'text must be a mapping with en and/or fr' })
      .strict()
      .refine((t) => t.en || t.fr, 'text needs at least one of en or fr'),
    notes: z.string().optional(),
    variants: z.array(Text).default([]),
    response: z
      .object({ en: Text.optional(), fr: Text.optional(), url: z.url().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type Claim = z.infer<typeof ClaimSchema>;

export function loadClaims(file: string): { claims: Claim[]; errors: RuleError[] } {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    return { claims: [], errors: [ruleError(file, 0, 0, `cannot read claims file: ${(e as Error).message}`)] };
  }
  return parseClaims(source, file);
}

/** Same as loadClaims, from text already read; `file` names it in errors. */
export function parseClaims(source: string, file: string): { claims: Claim[]; errors: RuleError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  const at = (offset: number, message: string): RuleError => {
    const { line, col } = lines.linePos(offset);
    return ruleError(file, line, col, message);
  };
  if (doc.errors.length) return { claims: [], errors: doc.errors.map((e) => at(e.pos[0], e.message.split('\n')[0])) };

  const root = doc.contents;
  const list = isMap(root) ? root.get('claims', true) : undefined;
  if (!isSeq(list)) {
    const node = (isMap(root) ? root.get('claims', true) : root) as Node | undefined;
    return { claims: [], errors: [at(node?.range?.[0] ?? 0, 'expected a top-level "claims:" list')] };
  }

  const claims: Claim[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, number>();
  list.items.forEach((item, index) => {
    const node = item as Node;
    const start = node.range?.[0] ?? 0;
    const result = ClaimSchema.safeParse(node.toJSON());
    if (!result.success) {
      for (const issue of result.error.issues) {
        let target = deepest(node, issue.path as (string | number)[]);
        // An unknown key is pointed at itself, not at the mapping that holds it.
        if (issue.code === 'unrecognized_keys' && isMap(target)) {
          const pair = target.items.find((p) => isScalar(p.key) && issue.keys.includes(String(p.key.value)));
          if (pair && isScalar(pair.key)) target = pair.key;
        }
        const where = issue.path.length ? `claims[${index}].${issue.path.join('.')}: ` : `claims[${index}]: `;
        errors.push(at(target.range?.[0] ?? start, where + issue.message));
      }
      return;
    }
    const first = seen.get(result.data.id);
    if (first !== undefined) {
      const idNode = (isMap(node) ? node.get('id', true) : node) as Node;
      errors.push(at(idNode.range?.[0] ?? start, `duplicate claim id "${result.data.id}" (first at line ${first})`));
      return;
    }
    seen.set(result.data.id, lines.linePos(start).line);
    claims.push(result.data);
  });
  return { claims, errors };
}

/** The node at `path`, or the closest ancestor that exists (a missing key points at its parent). */
function deepest(node: Node, path: (string | number)[]): Node {
  let current = node;
  for (const key of path) {
    const next = isMap(current) || isSeq(current) ? (current.get(key, true) as Node | undefined) : undefined;
    if (!next || typeof next !== 'object') break;
    current = next;
  }
  return current;
}
