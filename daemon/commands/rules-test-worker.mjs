// A worker thread of `veille rules test`. Run from the TypeScript sources, it does not inherit the
// loader daemon/veille.mjs registered in the main thread, so it registers it first; run from the
// compiled tree it needs none (there this module's import names the compiled '.js' sibling).
import { workerData } from 'node:worker_threads';

if (workerData.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { runWorker } = await import('./rules-test-scan.ts');
runWorker();
