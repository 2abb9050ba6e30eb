/** The `veille` command line: each command lives in daemon/commands/ and registers itself here. */
import { Command } from 'commander';
import { register as registerRun } from './commands/run.ts';
import { register as registerStatus, registerSources } from './commands/status.ts';
import { register as registerDigest } from './commands/digest.ts';
import { register as registerOutbox } from './commands/outbox.ts';
import { register as registerClassify } from './commands/classify.ts';
import { register as registerLabel } from './commands/label.ts';
import { register as registerRules } from './commands/rules.ts';
import { register as registerBursts } from './commands/bursts.ts';
import { register as registerRulesExplain } from './commands/rules-explain.ts';
import { register as registerRulesTest } from './commands/rules-test.ts';

const program = new Command('veille')
  .description('Media monitoring for public institutions: ingest mentions, flag rumours and emerging issues, email staff.')
  .option('-c, --config <file>', 'config file', 'veille.yaml')
  .option('--db <file>', 'database file (overrides the config)')
  .showHelpAfterError()
  // Usage mistakes (unknown option, bad value) exit 2, as `classify` does for bad input lines;
  // help and version stay 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerRun(program);
registerStatus(program);
registerSources(program);
registerDigest(program);
registerOutbox(program);
registerClassify(program);
registerLabel(program);
registerRules(program);
registerBursts(program);
registerRulesExplain(program);
registerRulesTest(program);

await program.parseAsync(process.argv);
