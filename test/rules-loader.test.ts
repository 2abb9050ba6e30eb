import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatRuleError, formatRuleErrors } from '../rules/errors.ts';
import { loadRules } from '../rules/loader.ts';
import { ruleFileJsonSchemaText } from '../rules/schema.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'veille-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const good = `rules:
  - id: policing
    label: { en: Policing, fr: Police }
    query: 'police OR policier* OR "Ottawa Police Service" OR arrest*'
    exclude: 'hockey OR "police academy"'
    languages: [en, fr]
    severity: medium
    trigger: digest
  - id: closures
    label: { en: Closures, fr: Fermetures }
    query: { en: 'closing NEAR/3 road', fr: 'fermeture' }
    stems: true
`;

/** `line:col: message` for each error, relative to the folder. */
function located(dir: string, errors: { file: string; line: number; col: number; message: string }[]): string[] {
  return errors.map((e) => `${e.file.replace(`${dir}/`, '')}:${e.line}:${e.col}: ${e.message}`);
}

describe('rules loader', () => {
  it('loads a folder of .yaml and .yml files with defaults applied', () => {
    const dir = folder({ 'a.yaml': good, 'b.yml': 'rules:\n  - id: fires\n    label: { en: Fires, fr: Feux }\n    query: fire\n', 'notes.txt': 'x' });
    const { rules, errors } = loadRules(dir);
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual(['policing', 'closures', 'fires']);
    expect(rules[2]).toMatchObject({ severity: 'low', trigger: 'digest', stems: false, file: join(dir, 'b.yml'), line: 2 });
    expect(Object.keys(rules[1].query)).toEqual(['en', 'fr']);
  });

  it('reports unknown keys, wrong types and missing keys at their line and column', () => {
    const dir = folder({
      'bad.yaml': `rules:
  - id: policing
    label: { en: Policing }
    query: police
    severity: urgent
    colour: red
    stems: "yes"
`,
    });
    const { rules, errors } = loadRules(dir);
    expect(rules).toEqual([]);
    expect(located(dir, errors)).toEqual([
      'bad.yaml:3:12: rule "policing": label: missing required key "fr"',
      'bad.yaml:5:15: rule "policing": severity: expected one of "low"|"medium"|"high"|"critical"',
      'bad.yaml:7:12: rule "policing": stems: expected boolean, received string',
      'bad.yaml:6:5: rule "policing": unknown key "colour"',
    ]);
  });

  it('places query syntax errors inside the YAML file, whatever the quoting', () => {
    const dir = folder({
      'q.yaml': `rules:
  - id: plain
    label: { en: A, fr: A }
    query: police OR
  - id: single
    label: { en: A, fr: A }
    query: 'l''agent AND (arrest*'
  - id: double
    label: { en: A, fr: A }
    query: { en: "fire \\"big\\" NEAR/x", fr: feu }
  - id: block
    label: { en: A, fr: A }
    query: |
      police
      OR OR x
  - id: excl
    label: { en: A, fr: A }
    query: police
    exclude: hockey -game
`,
    });
    const { rules, errors } = loadRules(dir);
    expect(rules).toEqual([]);
    expect(located(dir, errors)).toEqual([
      'q.yaml:4:21: rule "plain": query: expected a word, a phrase or "(" after OR',
      'q.yaml:7:26: rule "single": query: unclosed "("',
      'q.yaml:10:32: rule "double": query.en: NEAR needs a distance in words, e.g. NEAR/5',
      'q.yaml:15:10: rule "block": query: expected a word, a phrase or "(" after OR',
      'q.yaml:19:21: rule "excl": exclude: use NOT to leave a word out, not a leading "-"',
    ]);
    const text = readFileSync(join(dir, 'q.yaml'), 'utf8');
    expect(formatRuleError(errors[1], text)).toBe(
      `${join(dir, 'q.yaml')}:7:26: rule "single": query: unclosed "("\n      query: 'l''agent AND (arrest*'\n${' '.repeat(27)}^`,
    );
  });

  it('reports YAML syntax errors and duplicate ids across files', () => {
    const dir = folder({
      'a.yaml': good,
      'b.yaml': 'rules:\n  - id: policing\n    label: { en: P, fr: P }\n    query: cops\n',
      'c.yaml': 'rules:\n  - id: x\n    label: { en: P, fr: P\n',
    });
    const { rules, errors } = loadRules(dir);
    expect(rules.map((r) => r.id)).toEqual(['policing', 'closures']);
    const lines = located(dir, errors);
    expect(lines[0]).toBe(`b.yaml:2:9: duplicate rule id "policing" (first defined at ${join(dir, 'a.yaml')}:2)`);
    expect(lines[1]).toMatch(/^c\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('names the path when the folder is missing or holds no rule file', () => {
    const missing = join(tmpdir(), 'veille-no-such-rules');
    expect(loadRules(missing).errors).toEqual([{ file: missing, line: 0, col: 0, message: 'rules folder not found' }]);
    const empty = folder({ 'readme.md': '# nothing' });
    expect(formatRuleErrors(loadRules(empty).errors)).toBe(`${empty}: no rule files (*.yaml, *.yml) in the rules folder`);
  });

  it('rejects a file without a rules list', () => {
    const dir = folder({ 'a.yaml': '- id: x\n', 'b.yaml': '# only a comment\n' });
    expect(located(dir, loadRules(dir).errors)).toEqual([
      'a.yaml:1:1: expected a map with a "rules:" list',
      'b.yaml:1:1: empty file: expected a "rules:" list',
    ]);
  });

  it('publishes a JSON Schema equal to the one the loader validates with', () => {
    const published = readFileSync(join(root, 'rules/rule-file.schema.json'), 'utf8');
    // On failure: node daemon/veille.mjs rules schema -o rules/rule-file.schema.json
    expect(published).toBe(ruleFileJsonSchemaText());
    const schema = JSON.parse(published);
    const rule = schema.properties.rules.items;
    expect(rule.required).toEqual(['id', 'label', 'query']);
    expect(rule.additionalProperties).toBe(false);
    expect(rule.properties.severity.enum).toEqual(['low', 'medium', 'high', 'critical']);
  });
});

describe('veille rules check', () => {
  const veille = (args: string[], cwd: string) =>
    run(process.execPath, [join(root, 'daemon/veille.mjs'), ...args], { cwd }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('exits 0 on a valid folder', async () => {
    const dir = folder({ 'a.yaml': good });
    const r = await veille(['rules', 'check', dir], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 rules in 1 file: OK');
  });

  it('prints every error as file:line:col with a caret and exits 1', async () => {
    const dir = folder({
      'a.yaml': 'rules:\n  - id: a\n    label: { en: A, fr: A }\n    query: "police AND"\n    severity: urgent\n',
      'b.yaml': 'rules:\n  - id: b\n    label: { en: B, fr: B }\n    query: fire\n    colour: red\n',
    });
    const r = await veille(['rules', 'check', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:4:23: rule "a": query: expected a word, a phrase or "(" after AND\n      query: "police AND"\n${' '.repeat(24)}^`);
    expect(r.stderr).toContain(`${join(dir, 'a.yaml')}:5:15: rule "a": severity:`);
    expect(r.stderr).toContain(`${join(dir, 'b.yaml')}:5:5: rule "b": unknown key "colour"`);
    expect(r.stderr).toContain('3 errors');
  });

  it('checks the claims file too', async () => {
    const dir = folder({ 'a.yaml': good });
    mkdirSync(join(dir, 'sub'));
    const r = await veille(['rules', 'check', dir, '--claims', join(dir, 'sub', 'missing.yaml')], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(dir, 'sub', 'missing.yaml'));
  });
});
