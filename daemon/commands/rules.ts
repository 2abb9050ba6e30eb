/**
 * `veille rules …`: working with rule files. `check` validates the rules folder and the claims
 * file and lists every error as file:line:col with the line and a caret.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { formatRuleErrors, sortRuleErrors, type RuleError } from '../../rules/errors.ts';
import { loadRules } from '../../rules/loader.ts';
import { ruleFileJsonSchemaText } from '../../rules/schema.ts';
import { configNamed } from './args.ts';

/** The `rules` command group, created on first use, so each subcommand's module can add itself. */
export function rulesCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'rules') ??
    program.command('rules').description('check, test and explain topic rules')
  );
}

export function register(program: Command): void {
  const rules = rulesCommand(program);

  rules
    .command('check')
    .description('validate a rules folder (or file) and the claims file; exit 1 listing every error')
    .argument('[path]', 'rules folder or file (default: the config\'s rules folder)')
    .option('--claims <file>', 'claims file to validate too (default: the config\'s claims file)')
    .action(async (path: string | undefined, opts: { claims?: string }, cmd: Command) => {
      const config = configIfAny(cmd);
      if (config === false) return;
      const rulesPath = path ?? config?.rules;
      if (!rulesPath) {
        console.error('rules check: give a rules folder, or a config file that names one');
        process.exitCode = 2;
        return;
      }
      const loaded = loadRules(rulesPath);
      const errors: RuleError[] = [...loaded.errors];
      const claimsFile = opts.claims ?? config?.claims;
      let claimCount = 0;
      if (claimsFile) {
        // Loaded on demand: the claims matcher is heavier than checking rules alone needs.
        const { loadClaims } = await import('../../rules/claims/load.ts');
        const claims = loadClaims(claimsFile);
        errors.push(...claims.errors);
        claimCount = claims.claims.length;
      }
      if (errors.length) {
        console.error(formatRuleErrors(sortRuleErrors(errors)));
        console.error(`${errors.length} error${errors.length === 1 ? '' : 's'}`);
        process.exitCode = 1;
        return;
      }
      const files = new Set(loaded.rules.map((r) => r.file)).size;
      console.log(`${loaded.rules.length} rule${loaded.rules.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}: OK`);
      if (claimsFile) console.log(`${claimCount} claim${claimCount === 1 ? '' : 's'} in ${claimsFile}: OK`);
    });

  rules
    .command('schema')
    .description('print the JSON Schema of rule files, for editors (rules/rule-file.schema.json)')
    .option('-o, --out <file>', 'write it to this file instead of stdout')
    .action((opts: { out?: string }) => {
      if (opts.out) writeFileSync(opts.out, ruleFileJsonSchemaText());
      else process.stdout.write(ruleFileJsonSchemaText());
    });
}

/**
 * The config when one was named or the default file exists; undefined when there is none;
 * false when it is broken (already reported).
 */
function configIfAny(cmd: Command): Config | undefined | false {
  const globals = cmd.optsWithGlobals() as { config: string };
  if (!configNamed(cmd) && !existsSync(globals.config)) return undefined;
  try {
    return loadConfig(globals.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
    return false;
  }
}
