#!/usr/bin/env node
// Runs the `veille` command line in this very process and, on exit, reports the process's peak
// resident memory, so the benchmark measures the daemon's own footprint and nothing else's.
process.on('exit', () => {
  process.stderr.write(`\nmaxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
await import('../daemon/veille.mjs');
