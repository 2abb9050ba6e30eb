/** The `veille` command line: each command lives in daemon/commands/ and registers itself here. */
import { Command } from 'commander';
import { register as registerRun } from './commands/run.ts';
import { register as registerStatus } from './commands/status.ts';

const program = new Command('veille')
  .description('Media monitoring for public institutions: ingest mentions, flag rumours and emerging issues, email staff.')
  .option('-c, --config <file>', 'config file', 'veille.yaml')
  .option('--db <file>', 'database file (overrides the config)')
  .showHelpAfterError();

registerRun(program);
registerStatus(program);

await program.parseAsync(process.argv);
