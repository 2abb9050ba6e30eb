/** The `veille` command line: each command lives in daemon/commands/ and registers itself here. */
import { Command } from 'commander';

const program = new Command('veille')
  .description('Media monitoring for public institutions: ingest mentions, flag rumours and emerging issues, email staff.')
  .option('-c, --config <file>', 'config file', 'veille.yaml')
  .option('--db <file>', 'database file (overrides the config)')
  .showHelpAfterError();

await program.parseAsync(process.argv);
