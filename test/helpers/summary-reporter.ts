/**
 * Ends the run with the fault suite's figures, when it ran, and one plain `N passed, N failed`
 * line that any CI log reader understands.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { figuresDir, type Figures } from '../fixtures/faults/figures.ts';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (m.state() === 'failed' && ![...m.children.allTests()].length) failed++;
    }
    const faults = faultFigures();
    if (faults) process.stdout.write(`\n${faults}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}

function faultFigures(): string | undefined {
  const dir = figuresDir(process.pid);
  if (!existsSync(dir)) return undefined;
  const all = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Figures);
  rmSync(dir, { recursive: true, force: true });
  const sum = (k: keyof Figures) => all.reduce((n, f) => n + (f[k] ?? 0), 0);
  return `faults: trials ${sum('trials')}, feeds ${sum('feeds')}, texts ${sum('texts')}, failures ${sum('failures')}`;
}
