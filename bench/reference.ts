/**
 * The machine's speed at the moment, as the time of a fixed piece of arithmetic: on a shared or
 * virtual machine the host can hand the process a full core or part of one (on the development
 * machine, work on the second core halves the speed of the first), and every figure of the
 * benchmark moves with it. Taken before and after each stage, it tells a slow run of the code
 * from a run on a slowed machine.
 */

// Large enough to last tens of milliseconds, small enough to stay in the first-level cache.
const CELLS = 1 << 14;
const PASSES = 1500;
const cells = new Float64Array(CELLS);
let warm = false;

/** One pass over the cells: a function of its own, so that V8 compiles it fully after a few calls. */
function pass(): number {
  let sum = 0;
  for (let i = 0; i < CELLS; i++) {
    cells[i] = cells[i] * 0.5 + i;
    sum += cells[i];
  }
  return sum;
}

function timedRun(): number {
  const started = performance.now();
  let sink = 0;
  for (let p = 0; p < PASSES; p++) sink += pass();
  // The sum is used so that the loop cannot be dropped as dead code.
  if (!Number.isFinite(sink)) throw new Error('reference loop overflowed');
  return performance.now() - started;
}

/** Milliseconds of the fixed loop: the median of `runs` runs (one preemption does not move it). */
export function referenceMs(runs = 3): number {
  // Until the optimising compiler has taken the loop, it runs two to three times slower: that
  // would measure the compiler, not the machine.
  if (!warm) {
    for (let k = 0; k < 8; k++) timedRun();
    warm = true;
  }
  const times = Array.from({ length: runs }, timedRun).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}
