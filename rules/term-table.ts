/**
 * A map from a term to a value, looked up once per token of every post (term-ids.ts numbers terms
 * with it). Most terms are a few letters a-z: such a term is read as a number in base 27 (exact
 * in a double up to eleven letters) and found in an open-addressing table of those numbers, which
 * compares numbers in one typed array where a Map compares strings spread over the heap. Other
 * terms (digits, hashtags, letters beyond a-z, long words) go to a Map.
 */
export class TermTable<V> {
  /** Letter codes by slot, 0 for an empty slot (no term codes to 0). */
  private codes = new Float64Array(1024);
  private values: (V | undefined)[] = new Array<V | undefined>(1024).fill(undefined);
  private count = 0;
  private readonly others = new Map<string, V>();

  get size(): number {
    return this.count + this.others.size;
  }

  get(term: string): V | undefined {
    const code = letterCode(term);
    if (code < 0) return this.others.get(term);
    const codes = this.codes;
    const mask = codes.length - 1;
    for (let s = slotOf(code, mask); ; s = (s + 1) & mask) {
      const k = codes[s];
      if (k === code) return this.values[s];
      if (k === 0) return undefined;
    }
  }

  /** Adds a term that get() did not find. */
  set(term: string, value: V): void {
    const code = letterCode(term);
    if (code < 0) {
      this.others.set(term, value);
      return;
    }
    // At most half full, so that a miss ends at an empty slot after a step or two.
    if (2 * (this.count + 1) > this.codes.length) this.grow();
    this.put(code, value);
    this.count++;
  }

  private put(code: number, value: V | undefined): void {
    const mask = this.codes.length - 1;
    let s = slotOf(code, mask);
    while (this.codes[s] !== 0) s = (s + 1) & mask;
    this.codes[s] = code;
    this.values[s] = value;
  }

  private grow(): void {
    const { codes, values } = this;
    this.codes = new Float64Array(codes.length * 2);
    this.values = new Array<V | undefined>(codes.length * 2).fill(undefined);
    for (let s = 0; s < codes.length; s++) if (codes[s] !== 0) this.put(codes[s], values[s]);
  }
}

// 27^11 < 2^53: up to eleven letters, the code is an exact integer.
const MAX_LETTERS = 11;

/** The term as a number in base 27 (a = 1), or -1 when it is not 1 to 11 letters a-z. */
function letterCode(term: string): number {
  const n = term.length;
  if (n === 0 || n > MAX_LETTERS) return -1;
  let code = 0;
  for (let i = 0; i < n; i++) {
    const c = term.charCodeAt(i);
    if (c < 97 || c > 122) return -1;
    code = code * 27 + (c - 96);
  }
  return code;
}

/** Mixes both halves of a code into a slot number. */
function slotOf(code: number, mask: number): number {
  const h = Math.imul((code >>> 0) ^ Math.imul((code / 4294967296) >>> 0, 0x27d4eb2d), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}
