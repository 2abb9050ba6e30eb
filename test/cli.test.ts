import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { workspace } from './helpers/workspace.ts';

// The command line loads only the module of the command it is given: what staff see of the
// others (help, suggestions) must not depend on that.
describe('veille command line', () => {
  const ws = workspace({ sources: [] });
  afterAll(() => ws.cleanup());

  it('lists every command in its help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const listed = [...stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(['run', 'status', 'sources', 'digest', 'outbox', 'classify', 'label', 'retrain', 'rules', 'bursts', 'help']);
  });

  it('lists every rules subcommand', async () => {
    const { code, stdout } = await runCli(['rules', '--help']);
    expect(code).toBe(0);
    expect([...stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1])).toEqual(['check', 'schema', 'explain', 'test', 'help']);
  });

  it('runs a command named after the global options and their values', async () => {
    const { code, stdout, stderr } = await runCli(['--config', ws.configPath, '--db', `${ws.dir}/other.db`, 'status', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sources: [], items: 0 });
  });

  it('suggests the command meant when one is mistyped', async () => {
    const { code, stderr } = await runCli(['-c', ws.configPath, 'statu']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'statu'/);
    expect(stderr).toMatch(/Did you mean status\?/);
  });

  it('gives the help of one command', async () => {
    const { code, stdout } = await runCli(['help', 'outbox']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--retry-now/);
  });
});
