/**
 * `veille label` records what staff say about an item; `veille retrain` trains the rumour model
 * on the seed set plus those labels, as the daemon does when it starts, and reports how well it
 * does on examples it did not see.
 */
import type { Command } from 'commander';
import { openContext, type GlobalOptions } from '../context.ts';
import { loadClaims } from '../../rules/claims/load.ts';
import { formatRuleErrors } from '../../rules/errors.ts';
import { crossValidate, loadSeed, trainingExamples } from '../../rules/rumour/model.ts';
import { getItem } from '../../storage/items.ts';
import { readStaffLabels, setLabel } from '../../storage/labels.ts';
import { fail } from './errors.ts';

const RUMOUR_VALUES = ['rumour', 'not-rumour'];

export function register(program: Command): void {
  program
    .command('label')
    .description('record a staff judgement on a stored item: rumour, not-rumour, or --claim ID (its text becomes a variant of the claim)')
    .argument('<item>', 'item id, as shown in alerts, digests and `rules explain`')
    .argument('[verdict]', 'rumour | not-rumour')
    .option('--claim <id>', 'the known claim this item carries')
    .action((itemArg: string, verdict: string | undefined, opts: { claim?: string }, cmd: Command) => {
      if (!/^\d+$/.test(itemArg)) return usage(`item id must be a number, got "${itemArg}"`);
      if (!verdict && !opts.claim) return usage('give a verdict (rumour or not-rumour) or --claim ID');
      if (verdict && !RUMOUR_VALUES.includes(verdict)) return usage(`verdict must be rumour or not-rumour, got "${verdict}"`);
      try {
        const { config, db } = openContext(cmd.optsWithGlobals<GlobalOptions>());
        try {
          const itemId = Number(itemArg);
          const item = getItem(db, itemId);
          if (!item) return usage(`no item ${itemId} in ${config.database}`);
          if (opts.claim) {
            if (!config.claims) return usage(`${config.file}: no claims file configured, so claim ${opts.claim} cannot be checked`);
            const { claims, errors } = loadClaims(config.claims);
            if (errors.length) {
              process.stderr.write(`${formatRuleErrors(errors)}\n`);
              process.exitCode = 1;
              return;
            }
            if (!claims.some((c) => c.id === opts.claim)) return usage(`unknown claim ${opts.claim} in ${config.claims}`);
            setLabel(db, itemId, 'claim', opts.claim);
            process.stdout.write(`item ${itemId}: its text is now a variant of claim ${opts.claim}, used from the next daemon start\n`);
          }
          if (verdict) {
            setLabel(db, itemId, 'rumour', verdict);
            process.stdout.write(`item ${itemId}: labelled ${verdict}; \`veille retrain\` shows the model with it, the daemon learns it at its next start\n`);
          }
        } finally {
          db.$client.close();
        }
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('retrain')
    .description("retrain the rumour model on the seed set and staff labels, and print its cross-validated accuracy")
    .option('--folds <n>', 'cross-validation folds', '5')
    .action((opts: { folds: string }, cmd: Command) => {
      const folds = Number(opts.folds);
      if (!Number.isInteger(folds) || folds < 2) return usage(`--folds must be an integer of at least 2, got "${opts.folds}"`);
      try {
        const { config, db } = openContext(cmd.optsWithGlobals<GlobalOptions>());
        try {
          const staff = readStaffLabels(db);
          const seed = loadSeed().length;
          const examples = trainingExamples(staff.rumour);
          const threshold = config.rumour.threshold;
          const { accuracy } = crossValidate(examples, threshold, folds);
          const rumours = staff.rumour.filter((l) => l.rumour).length;
          process.stdout.write(
            `trained on ${examples.length} examples: ${seed} seed, ${staff.rumour.length} staff labels ` +
              `(${rumours} rumour, ${staff.rumour.length - rumours} not-rumour)\n` +
              `cross-validated accuracy: ${(accuracy * 100).toFixed(1)}% (${folds}-fold, threshold ${threshold.toFixed(2)})\n` +
              `claim variants from staff: ${staff.claimVariants.length}\n`,
          );
        } finally {
          db.$client.close();
        }
      } catch (err) {
        fail(err);
      }
    });
}

function usage(message: string): void {
  process.stderr.write(`veille: ${message}\n`);
  process.exitCode = 1;
}
