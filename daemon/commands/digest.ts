/**
 * `veille digest`: the morning digest, now. Without options it prints the text part; `--out`
 * writes what would be mailed (HTML, and the text part beside it); `--send` mails every group.
 */
import { Option, type Command } from 'commander';
import { parseDuration } from '../config.ts';
import { openContext } from '../context.ts';
import { createMailer } from '../../notifiers/mailer.ts';
import { composeDigest } from '../../notifiers/digest/compose.ts';
import { writeDigestFiles } from '../../notifiers/digest/files.ts';
import type { DigestLang } from '../../notifiers/digest/i18n.ts';
import { renderDigest } from '../../notifiers/digest/render.ts';
import { digestGroups, sendDigests } from '../../notifiers/digest/send.ts';
import { sinceOption } from './args.ts';
import { fail } from './errors.ts';

interface DigestOptions {
  since?: number;
  out?: string;
  send?: boolean;
  lang?: DigestLang;
}

export function register(program: Command): void {
  program
    .command('digest')
    .description('render the morning digest now: print its text, write it for preview (--out) or mail it (--send)')
    .addOption(sinceOption('period covered, ending now, e.g. 24h, 3d (default: digest.since)'))
    .option('--out <file.html>', 'write the HTML that would be sent, and its text part next to it (.txt)')
    .option('--send', 'mail it to digest.to and every team in digest.teams')
    .addOption(new Option('--lang <lang>', 'language of the preview (default: digest.lang)').choices(['en', 'fr']))
    .action(async (opts: DigestOptions, cmd: Command) => {
      try {
        await run(opts, cmd.optsWithGlobals());
      } catch (err) {
        fail(err);
      }
    });
}

async function run(opts: DigestOptions, globals: { config: string; db?: string }): Promise<void> {
  const { config, db } = openContext(globals);
  try {
    const groups = digestGroups(config.digest);
    if (opts.send && !groups.length) {
      process.stderr.write(`veille: ${config.file}: digest.to and digest.teams are empty: nobody to send the digest to\n`);
      process.exitCode = 1;
      return;
    }
    const until = Date.now();
    const data = composeDigest(db, config, until - (opts.since ?? parseDuration(config.digest.since)!), until, warn);

    const lang = opts.lang ?? config.digest.lang;
    const preview = renderDigest(data, lang);
    if (opts.out) {
      const textFile = writeDigestFiles(opts.out, preview);
      process.stderr.write(`wrote ${opts.out} and ${textFile}\n`);
    } else if (!opts.send) {
      process.stdout.write(preview.text);
    }

    if (opts.send) {
      const mailer = createMailer(config);
      try {
        // Someone is waiting at the terminal: one quick retry, not the daemon's patient schedule.
        const results = await sendDigests(db, mailer, data, groups, { domain: config.from.split('@')[1], attempts: 2, retryDelayMs: 5_000 });
        for (const r of results) {
          const who = `${r.group.name ? `${r.group.name}: ` : ''}${r.group.to.join(', ')} (${r.group.lang})`;
          if (r.ok) process.stderr.write(`sent to ${who}\n`);
          else {
            process.stderr.write(`veille: digest not sent to ${who} after ${r.attempts} attempt(s): ${r.error}\n`);
            process.exitCode = 1;
          }
        }
      } finally {
        mailer.close();
      }
    }
  } finally {
    db.$client.close();
  }
}

function warn(message: string): void {
  process.stderr.write(`veille: warning: ${message}\n`);
}
