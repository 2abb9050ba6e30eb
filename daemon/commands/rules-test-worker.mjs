// A worker thread of `veille rules test`. Workers do not inherit the TypeScript loader that
// daemon/veille.mjs registered in the main thread, so this plain module registers it first.
import { register } from 'tsx/esm/api';

register();
const { runWorker } = await import('./rules-test-scan.ts');
runWorker();
