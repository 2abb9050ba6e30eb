/**
 * The rule-file format. The loader validates with these schemas and the published JSON Schema
 * (rules/rule-file.schema.json) is generated from them, so editors check exactly what the
 * daemon accepts.
 */
import { z } from 'zod';

const query = z
  .string()
  .regex(/\S/, 'empty query')
  .describe(
    'Query: words (implicit AND), AND, OR, NOT, ( ), "exact phrase", suffix wildcard polic*, a NEAR/5 b (at most 5 words between), ' +
      'fields title: text: author: source: lang:, #hashtags and @handles. Operators are upper-case. ' +
      'Matching ignores case, accents and apostrophes; singular words also find their plural.',
  );

const perLanguage = z
  .strictObject({
    en: query.optional().describe('Query for items in English.'),
    fr: query.optional().describe('Query for items in French.'),
  })
  .refine((q) => q.en !== undefined || q.fr !== undefined, 'give an "en" or "fr" query')
  .meta({ minProperties: 1 })
  .describe('One query per language: an item uses the query of its language; an item of unknown language uses them all.');

const queries = z.union([query, perLanguage], {
  error: 'expected a query string, or a map with an "en" and/or "fr" query',
});

export const severities = ['low', 'medium', 'high', 'critical'] as const;

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an id of letters, digits, "-", "_" or "."')
      .describe('Unique across the rules folder; appears in alerts, digests and the database.'),
    label: z
      .strictObject({ en: z.string().trim().min(1), fr: z.string().trim().min(1) })
      .describe('Name shown to staff, in English and French.'),
    query: queries.describe('What an item must contain: one query, or one per language ({ en: ..., fr: ... }).'),
    exclude: queries.optional().describe('An item matching this query is not counted for the rule (same syntax as query).'),
    languages: z
      .array(z.enum(['en', 'fr']))
      .min(1)
      .optional()
      .describe('Only items in these languages (items of unknown language are kept). Default: all.'),
    sources: z.array(z.string().min(1)).min(1).optional().describe('Only items from these source ids. Default: all.'),
    severity: z.enum(severities).default('low').describe('How serious a match is.'),
    trigger: z.enum(['digest', 'alert']).default('digest').describe('digest: listed in the next digest; alert: also emailed at once.'),
    stems: z
      .boolean()
      .default(false)
      .describe("Also match words on their language's stem (closing finds closed). Plurals match without it."),
  })
  .describe('A topic rule.');

export const ruleFileSchema = z
  .strictObject({
    rules: z.array(ruleSchema).describe('The rules of this file.'),
  })
  .meta({ title: 'Veille rule file' })
  .describe('A YAML file of topic rules, in the rules folder.');

export type RuleDefinition = z.infer<typeof ruleSchema>;

/** The JSON Schema published for editors (draft-07, which editors' YAML plugins support best). */
export function ruleFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleFileSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
}

/** The text of rules/rule-file.schema.json. */
export function ruleFileJsonSchemaText(): string {
  return `${JSON.stringify(ruleFileJsonSchema(), null, 2)}\n`;
}
