#!/usr/bin/env node
// Runs the TypeScript sources directly, so there is no build step between an edit and a run.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// A daemon lives beside other services: V8 otherwise lets its heap grow to several times what
// is live between collections (a cycle over 200 feeds peaked near 280 MB for some 50 MB live).
// Set before any work so every later collection sizes the heap conservatively.
setFlagsFromString('--optimize-for-size');
register();
await import('./cli.ts');
