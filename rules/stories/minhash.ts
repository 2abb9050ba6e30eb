/**
 * Near-duplicate detection with MinHash over character shingles of the normalised text, and an
 * LSH index to find candidates without comparing every pair.
 *
 *   const sig = minhash(text)               // Uint32Array(64), estimates Jaccard similarity
 *   similarity(a, b)                        // fraction of equal slots ≈ Jaccard of the shingle sets
 *   sameSlots(a, b, k)                      // equal slots, or −1 once fewer than k is certain
 *   const idx = new LshIndex(); idx.add(sig, storyId); idx.candidates(sig) → Set of ids
 *
 * Character shingles over folded words (not word shingles) because posts are short: a light edit,
 * a "RT @x:" prefix or an appended link changes a few shingles out of many, not half of them.
 */
import type { Token } from '../text.ts';
import { textWords } from './terms.ts';

export const SLOTS = 64;
const SHINGLE = 5;
const BANDS = 16;
const ROWS = SLOTS / BANDS;

// Repost markers carry no content; without them "RT @cbc: X" and "X" are the same text.
const MARKERS = new Set(['rt', 'via', 'mt']);

// Fixed seeds so that signatures stored in the database stay comparable across runs.
const SEEDS = Uint32Array.from({ length: SLOTS }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

function fmix32(h: number): number {
  return (mixFlipped(fold16(h)) ^ 0x80000000) >>> 0;
}

/**
 * `fmix32(x)` with its top bit flipped, as a signed integer (signed order is then the unsigned
 * order of `fmix32`), given `x ^ (x >>> 16)`: for x = h ^ seed that is (h ^ h >>> 16) ^ (seed ^
 * seed >>> 16), so the first step is taken once per shingle and once per seed, not per pair. The
 * steps are written here rather than in fmix32, as this is the one called for every pair.
 */
function mixFlipped(folded: number): number {
  let h = Math.imul(folded, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h ^ 0x80000000;
}

function fold16(h: number): number {
  return h ^ (h >>> 16);
}

const FOLDED_SEEDS = Int32Array.from(SEEDS, fold16);

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The text the shingles are taken from: folded words, links and repost markers removed. */
export function normaliseForShingles(text: string, words: Token[] = textWords(text)): string {
  return words
    .map((t) => t.term)
    .filter((t) => !MARKERS.has(t))
    .join(' ');
}

/** The shingles' hashes of the text being signed: reused, as a typed array per item cost an allocation outside the heap. */
let shingleHashes = new Int32Array(1024);

/** `words`: `textWords(text)`, when the caller has them already. */
export function minhash(text: string, words?: Token[]): Uint32Array {
  const s = normaliseForShingles(text, words);
  const n = Math.max(1, s.length - SHINGLE + 1);
  if (n > shingleHashes.length) shingleHashes = new Int32Array(Math.max(n, shingleHashes.length * 2));
  const hashes = shingleHashes;
  for (let i = 0; i < n; i++) hashes[i] = fold16(fnv1a(s, i, Math.min(s.length, i + SHINGLE)));
  // Four slots at a time over all shingles: the running minimums stay in registers instead of
  // being read and written in the signature for every shingle and slot. They are kept as signed
  // 32-bit integers with the top bit flipped (same order as the unsigned hashes), which the engine
  // compares without turning them into doubles.
  const sig = new Uint32Array(SLOTS);
  for (let k = 0; k < SLOTS; k += 4) {
    const s0 = FOLDED_SEEDS[k], s1 = FOLDED_SEEDS[k + 1], s2 = FOLDED_SEEDS[k + 2], s3 = FOLDED_SEEDS[k + 3];
    let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff;
    for (let i = 0; i < n; i++) {
      const h = hashes[i];
      const v0 = mixFlipped(h ^ s0), v1 = mixFlipped(h ^ s1), v2 = mixFlipped(h ^ s2), v3 = mixFlipped(h ^ s3);
      if (v0 < m0) m0 = v0;
      if (v1 < m1) m1 = v1;
      if (v2 < m2) m2 = v2;
      if (v3 < m3) m3 = v3;
    }
    sig[k] = m0 ^ 0x80000000;
    sig[k + 1] = m1 ^ 0x80000000;
    sig[k + 2] = m2 ^ 0x80000000;
    sig[k + 3] = m3 ^ 0x80000000;
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  return sameSlots(a, b, 0) / SLOTS;
}

/**
 * The number of equal slots, or −1 as soon as it can no longer reach `atLeast`: a caller after
 * close signatures only learns that most pairs are not, and learns it after a few slots.
 */
export function sameSlots(a: Uint32Array, b: Uint32Array, atLeast: number): number {
  let same = 0;
  for (let k = 0; k < SLOTS; k++) {
    if (a[k] === b[k]) same++;
    else if (same + SLOTS - 1 - k < atLeast) return -1;
  }
  return same;
}

/** The fewest equal slots for `similarity` to reach `sim` (or, when `strict`, to exceed it). */
export function slotsFor(sim: number, strict = false): number {
  let k = 0;
  while (k <= SLOTS && (strict ? k / SLOTS <= sim : k / SLOTS < sim)) k++;
  return k;
}

export function encodeSignature(sig: Uint32Array): string {
  return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64');
}

export function decodeSignature(s: string): Uint32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Uint32Array(SLOTS);
  for (let k = 0; k < SLOTS; k++) out[k] = buf.readUInt32LE(k * 4);
  return out;
}

/**
 * Banded LSH: two signatures share a band key with probability ≈ J^4 per band, so pairs with
 * Jaccard ≥ 0.5 are found with probability ≥ 0.64 per 16 bands → ≈ 1, and dissimilar pairs rarely.
 */
export class LshIndex {
  /**
   * One map per band, keyed by the hash of the band's rows: numbers, not strings, to build none per
   * lookup. Nearly every band key belongs to one signature, so a bucket holds its id itself and
   * becomes an array (in order of addition) only when shared: a set per bucket was most of the memory.
   */
  private readonly bands = Array.from({ length: BANDS }, () => new Map<number, number | number[]>());

  add(sig: Uint32Array, id: number): void {
    for (let b = 0; b < BANDS; b++) {
      const band = this.bands[b];
      const key = bandKey(sig, b);
      const held = band.get(key);
      if (held === undefined) band.set(key, id);
      else if (typeof held === 'number') {
        if (held !== id) band.set(key, [held, id]);
      } else if (!held.includes(id)) held.push(id);
    }
  }

  remove(sig: Uint32Array, id: number): void {
    for (let b = 0; b < BANDS; b++) {
      const band = this.bands[b];
      const key = bandKey(sig, b);
      const held = band.get(key);
      if (held === undefined) continue;
      if (typeof held === 'number') {
        if (held === id) band.delete(key);
        continue;
      }
      const at = held.indexOf(id);
      if (at >= 0) held.splice(at, 1);
      if (held.length === 1) band.set(key, held[0]);
    }
  }

  /** The ids sharing a band with the signature, band by band in the order they were added. */
  candidates(sig: Uint32Array): Set<number> {
    const out = new Set<number>();
    for (let b = 0; b < BANDS; b++) {
      const held = this.bands[b].get(bandKey(sig, b));
      if (held === undefined) continue;
      if (typeof held === 'number') out.add(held);
      else for (const id of held) out.add(id);
    }
    return out;
  }
}

/** As a signed 32-bit integer: the engine stores those in a map unboxed, unlike unsigned ones above 2³¹. */
function bandKey(sig: Uint32Array, b: number): number {
  let h = b;
  for (let r = 0; r < ROWS; r++) h = fmix32(h ^ sig[b * ROWS + r]);
  return h | 0;
}
