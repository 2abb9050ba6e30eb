/**
 * Upper-tail probabilities for counts: how improbable is seeing at least `k` items when `mean`
 * are expected. Negative binomial (`dispersion` r: variance = mean + mean²/r) because news counts
 * are overdispersed; r = Infinity gives the Poisson.
 *
 *   surprise(12, 1.5, 10) → −log10 P(X ≥ 12), the burst score
 */

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-13 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function logPmf(k: number, mean: number, r: number): number {
  if (!Number.isFinite(r)) return k * Math.log(mean) - mean - logGamma(k + 1);
  const p = mean / (mean + r);
  return logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log1p(-p) + k * Math.log(p);
}

/** −log10 P(X ≥ k); 0 when k is not above the mean (nothing surprising). */
export function surprise(k: number, mean: number, dispersion: number): number {
  if (k <= mean || k <= 0) return 0;
  // Sum the tail from k upwards: the terms shrink geometrically past the mode, and summing the
  // small side directly keeps precision where 1 − CDF would round to 0.
  const p = Number.isFinite(dispersion) ? mean / (mean + dispersion) : 0;
  const first = logPmf(k, mean, dispersion);
  let term = 1;
  let sum = 1;
  for (let j = k; j < k + 10_000; j++) {
    term *= Number.isFinite(dispersion) ? ((j + dispersion) / (j + 1)) * p : mean / (j + 1);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return Math.max(0, -(first + Math.log(sum)) / Math.LN10);
}
