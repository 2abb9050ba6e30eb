/** Option parsers shared by commands, so a bad value is refused the same way everywhere. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../config.ts';

/** `--since 24h`: a duration in milliseconds; commander reports a bad value and exits. */
export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError(`"${value}" is not a duration such as 30m, 24h or 7d.`);
  return ms;
}

/** A `--since` option; its default is shown in help as written (`24h`), not in milliseconds. */
export function sinceOption(description: string, fallback?: string): Option {
  const option = new Option('--since <duration>', description).argParser(durationArg);
  return fallback ? option.default(durationArg(fallback), fallback) : option;
}

/**
 * Whether `--config` was given on the command line (not just defaulted): commands that work
 * without a config treat a named but missing file as an error, and a missing default as none.
 */
export function configNamed(cmd: Command): boolean {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.getOptionValueSource('config') === 'cli';
}
