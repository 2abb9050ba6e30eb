/** `veille bursts [--since 24h]`: bursts flagged in the period and those still going on. */
import type { Command } from 'commander';
import { sinceOption } from './args.ts';
import { openContext } from '../context.ts';
import { getItem } from '../../storage/items.ts';
import { listBursts } from '../../storage/stories.ts';
import { fail } from './errors.ts';

const TOP = 3;
const iso = (t: number) => new Date(t).toISOString().replace(/:\d\d\.\d+Z$/, 'Z');

export function register(program: Command): void {
  program
    .command('bursts')
    .description('current and recent bursts: count against baseline, when they started, top items')
    .addOption(sinceOption('how far back, e.g. 6h, 24h, 7d', '24h'))
    .action((opts: { since: number }, cmd: Command) => {
      const span = opts.since;
      try {
        const { db } = openContext(cmd.optsWithGlobals());
        const rows = listBursts(db, Date.now() - span);
        const lines: string[] = [];
        for (const b of rows) {
          const related = b.relatedKeys.length ? `  (also ${b.relatedKeys.join(', ')})` : '';
          lines.push(
            `${b.status === 'active' ? 'ACTIVE' : 'ended '} ${b.kind}:${b.key}  ${fmt(b.count)} items in ${b.windowMs / 60_000} min vs ${fmt(b.baseline)} expected  started ${iso(b.startedAt)}  flagged ${iso(b.flaggedAt)}${related}`,
          );
          for (const id of b.topItemIds.slice(0, TOP)) {
            const it = getItem(db, id);
            const text = it ? (it.title || it.text).replace(/\s+/g, ' ').slice(0, 100) : '(item no longer stored)';
            lines.push(`    #${id} ${text}`);
          }
        }
        db.$client.close();
        process.stdout.write((lines.length ? lines.join('\n') : `no bursts in the last ${opts.since}`) + '\n');
      } catch (err) {
        fail(err);
      }
    });
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
