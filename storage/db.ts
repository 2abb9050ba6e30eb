import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = BetterSQLite3Database & { $client: Database.Database };

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export class StorageError extends Error {}

/** Files opened by this process, so an error deep in a query can still name the database. */
const opened = new Set<string>();

/** A SQLite failure (locked, read-only, disk full) as one line naming the database file. */
export function describeSqliteError(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const files = [...opened];
  return `database ${files.length ? files.join(', ') : '(unknown file)'}: ${(err as Error).message} (${code})`;
}

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openDb(file: string): Db {
  let sqlite: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    // A second process (the CLI while the daemon runs) waits for the lock instead of failing at once.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
  } catch (err) {
    throw new StorageError(`cannot open database ${file}: ${(err as Error).message}`);
  }
  opened.add(file);
  const db = drizzle(sqlite) as Db;
  try {
    migrate(db, { migrationsFolder });
  } catch (err) {
    sqlite.close();
    const cause = (err as { cause?: Error }).cause ?? (err as Error);
    throw new StorageError(`cannot migrate database ${file}: ${cause.message}`);
  }
  return db;
}

/** A transaction handle; the store's write functions take either it or the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Writer = Db | Tx;
