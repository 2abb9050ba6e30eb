/** User errors (bad config, unreadable database) print as one clear message, without a stack trace. */
import { ConfigError } from '../config.ts';
import { StorageError } from '../../storage/db.ts';

export function fail(err: unknown, exitCode = 1): void {
  const known = err instanceof ConfigError || err instanceof StorageError;
  process.stderr.write(`veille: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exitCode = exitCode;
}
