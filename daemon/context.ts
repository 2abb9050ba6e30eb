/** What most commands need: the validated config and an open, migrated database. */
import { loadConfig, type Config } from './config.ts';
import { openDb, type Db } from '../storage/db.ts';

export interface GlobalOptions {
  config: string;
  db?: string;
}

export interface Context {
  config: Config;
  db: Db;
}

export function openContext(opts: GlobalOptions): Context {
  const config = loadConfig(opts.config);
  if (opts.db) config.database = opts.db;
  return { config, db: openDb(config.database) };
}
