/** Runs the real `veille` command line in a child process, as staff and scripts do. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const cliEntry = resolve(root, 'daemon/veille.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Never rejects on a non-zero exit: tests assert on the code and the messages. */
export function runCli(args: string[], opts: { input?: string } = {}): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
