/**
 * The machine's speed at the moment, as the time of a fixed piece of arithmetic: on a shared or
 * virtual machine the host can hand the process a full core or part of one, and every figure of
 * the benchmark moves with it. Taken before and after each stage, it tells a slow run of the code
 * from a run on a slowed machine.
 */

// Large enough to last tens of milliseconds, small enough to stay in the first-level cache.
const CELLS = 1 << 14;
const PASSES = 1500;

/** Milliseconds of the fixed loop: the median of `runs` runs (one preemption does not move it). */
export function referenceMs(runs = 3): number {
  const cells = new Float64Array(CELLS);
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (let p = 0; p < PASSES; p++) {
      for (let i = 0; i < CELLS; i++) {
        cells[i] = cells[i] * 0.5 + i;
        sink += cells[i];
      }
    }
    times.push(performance.now() - started);
  }
  // The sum is used so that the loop cannot be dropped as dead code.
  if (!Number.isFinite(sink)) throw new Error('reference loop overflowed');
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}
