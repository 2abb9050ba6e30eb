#!/usr/bin/env node
// Runs the TypeScript sources directly, so there is no build step between an edit and a run.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
