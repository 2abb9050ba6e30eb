#!/usr/bin/env node
// Runs the `veille` command line in this very process and, on exit, reports the process's peak
// resident memory, so the benchmark measures the daemon's own footprint and nothing else's.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compiledEntry } from '../daemon/build.mjs';

// A deployed daemon runs the compiled tree (`npm ci` builds it), so that is what is measured: the
// build runs first when the sources changed, in a child process of its own, and does not count.
if (!compiledEntry('daemon/cli.ts')) {
  const build = fileURLToPath(new URL('../daemon/build.mjs', import.meta.url));
  const res = spawnSync(process.execPath, [build], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

process.on('exit', () => {
  process.stderr.write(`\nmaxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
await import('../daemon/veille.mjs');
