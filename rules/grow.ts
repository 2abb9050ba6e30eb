/**
 * Growth for the typed arrays that hold per-item and per-key numbers compactly (document
 * frequencies in rules/stories/tfidf.ts, burst counts in rules/bursts/series.ts, the query
 * evaluator's per-word marks and cached words).
 *
 *   if (used === a.length) a = grown(a, used);   // a copy half as large again, `used` values kept
 */
type Numbers = Float64Array | Int32Array | Uint32Array | Uint16Array;

/** Half as large again (doubling left a third of the space empty on average), and at least `need`. */
export function grown<T extends Numbers>(a: T, used: number, need = a.length + 1): T {
  let n = Math.max(4, Math.ceil(a.length * 1.5));
  while (n < need) n = Math.ceil(n * 1.5);
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a.subarray(0, used));
  return out;
}
