/** The `veille` command line: each command lives in daemon/commands/ and registers itself here. */
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * The commands each module of daemon/commands/ defines, in the order `veille --help` lists them.
 * Only the module of the command asked for is loaded: loading all of them, with everything they
 * import, cost each command a quarter of a second and some 20 MB before it did any work.
 */
const MODULES: { commands: string[]; load: () => Promise<Register[]> }[] = [
  { commands: ['run'], load: async () => [(await import('./commands/run.ts')).register] },
  {
    commands: ['status', 'sources'],
    load: async () => {
      const m = await import('./commands/status.ts');
      return [m.register, m.registerSources];
    },
  },
  { commands: ['digest'], load: async () => [(await import('./commands/digest.ts')).register] },
  { commands: ['outbox'], load: async () => [(await import('./commands/outbox.ts')).register] },
  { commands: ['classify'], load: async () => [(await import('./commands/classify.ts')).register] },
  { commands: ['label', 'retrain'], load: async () => [(await import('./commands/label.ts')).register] },
  {
    commands: ['rules'],
    load: async () => [
      (await import('./commands/rules.ts')).register,
      (await import('./commands/rules-explain.ts')).register,
      (await import('./commands/rules-test.ts')).register,
    ],
  },
  { commands: ['bursts'], load: async () => [(await import('./commands/bursts.ts')).register] },
];

/** Global options followed by a value of their own, which is not the command's name. */
const TAKES_VALUE = new Set(['-c', '--config', '--db']);

/** The first word of the arguments that is neither a global option nor its value. */
function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('-')) return args[i];
    if (TAKES_VALUE.has(args[i])) i++;
  }
  return undefined;
}

const program = new Command('veille')
  .description('Media monitoring for public institutions: ingest mentions, flag rumours and emerging issues, email staff.')
  .option('-c, --config <file>', 'config file', 'veille.yaml')
  .option('--db <file>', 'database file (overrides the config)')
  .showHelpAfterError()
  // Usage mistakes (unknown option, bad value) exit 2, as `classify` does for bad input lines;
  // help and version stay 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

// Help, `help`, no command or a mistyped one: every command is loaded, to be listed or suggested.
const named = commandNamed(process.argv.slice(2));
const wanted = MODULES.filter((m) => named !== undefined && m.commands.includes(named));
for (const m of wanted.length ? wanted : MODULES) for (const register of await m.load()) register(program);

await program.parseAsync(process.argv);
