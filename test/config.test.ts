import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../daemon/config.ts';

const cli = resolve(import.meta.dirname, '../daemon/veille.mjs');

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'veille-config-')), 'veille.yaml');
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): string {
  try {
    loadConfig(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config file', () => {
  it('fills the documented defaults and resolves paths against the config folder', () => {
    const file = configFile('sources: []\n');
    const cfg = loadConfig(file);
    expect(cfg.timezone).toBe('America/Toronto');
    expect(cfg.languages).toEqual(['en', 'fr']);
    expect(cfg.digest.schedule).toBe('0 7 * * *');
    expect(cfg.database).toBe(join(file, '..', 'data', 'veille.db'));
    expect(cfg.rules).toBe(join(file, '..', 'rules'));
  });

  it('names the file, the line and the key of every mistake', () => {
    const file = configFile(['timezone: America/Toronto', 'databse: x.db', 'sources:', '  - id: a', '    type: rss', '    url: not-a-url', '    schedule: "every day"', 'smtp: { port: "twenty" }', ''].join('\n'));
    const msg = errorOf(file);
    expect(msg).toContain(`${file}:2: (top level): unknown key "databse"`);
    expect(msg).toContain(`${file}:6: sources.0.url:`);
    expect(msg).toContain(`${file}:7: sources.0.schedule: not a valid cron expression`);
    expect(msg).toMatch(new RegExp(`${file}:8: smtp.port: expected number`));
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = configFile('sources:\n  - id: a\n   type: rss\n');
    expect(errorOf(file)).toMatch(new RegExp(`^${file}:3:\\d+: invalid YAML`));
  });

  it('refuses two sources with the same id', () => {
    const file = configFile('sources:\n  - { id: a, type: rss, url: "http://127.0.0.1/a" }\n  - { id: a, type: rss, url: "http://127.0.0.1/b" }\n');
    expect(errorOf(file)).toContain('duplicate source id "a"');
  });

  it('makes the CLI exit 1 with the message and no stack trace', async () => {
    const file = configFile('databse: x\n');
    const res = await promisify(execFile)(process.execPath, [cli, 'status', '--config', file]).catch((e) => e);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`veille: ${file}:1: (top level): unknown key "databse"`);
    expect(res.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('says which config file is missing', () => {
    expect(errorOf('/nonexistent/veille.yaml')).toBe('/nonexistent/veille.yaml: cannot read config: ENOENT');
  });
});
