/** User errors (bad config, unreadable database) print as one clear message, without a stack trace. */
import { ConfigError } from '../config.ts';
import { describeSqliteError, StorageError } from '../../storage/db.ts';

export function fail(err: unknown, exitCode = 1): void {
  const known = err instanceof ConfigError || err instanceof StorageError;
  const message = known ? (err as Error).message : (describeSqliteError(err) ?? (err as Error).stack ?? String(err));
  process.stderr.write(`veille: ${message}\n`);
  process.exitCode = exitCode;
}
