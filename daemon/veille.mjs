#!/usr/bin/env node
// Runs the compiled tree (daemon/build.mjs, npm run build) while it matches the sources, else the
// TypeScript sources directly: an edit is never run stale and needs no build step to try.
import { compiledEntry } from './build.mjs';

const compiled = compiledEntry('daemon/cli.ts');
if (compiled) {
  await import(compiled);
} else {
  // tsx's loader runs on a thread of its own, with its own heap: only paid when running sources.
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
