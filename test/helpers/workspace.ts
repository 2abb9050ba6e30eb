/** Throw-away folders with a config file, for tests that run the daemon's real code paths. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../daemon/config.ts';

export const fixtures = resolve(import.meta.dirname, '../fixtures');

export interface Workspace {
  dir: string;
  configPath: string;
  config(): Config;
  cleanup(): void;
}

export function workspace(settings: Record<string, unknown>): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'veille-test-'));
  const configPath = join(dir, 'veille.yaml');
  writeFileSync(configPath, stringify({ database: './veille.db', rules: join(fixtures, 'rules-basic'), ...settings }));
  return {
    dir,
    configPath,
    config: () => loadConfig(configPath),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A logger that records instead of printing, so tests can assert on what staff would read. */
export function memoryLog() {
  const lines: { level: string; msg?: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg, obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
