/**
 * Near-duplicate detection with MinHash over character shingles of the normalised text, and an
 * LSH index to find candidates without comparing every pair.
 *
 *   const sig = minhash(text)               // Uint32Array(64), estimates Jaccard similarity
 *   similarity(a, b)                        // fraction of equal slots ≈ Jaccard of the shingle sets
 *   const idx = new LshIndex<number>(); idx.add(sig, storyId); idx.candidates(sig) → Set of values
 *
 * Character shingles over folded words (not word shingles) because posts are short: a light edit,
 * a "RT @x:" prefix or an appended link changes a few shingles out of many, not half of them.
 */
import { tokenize } from '../text.ts';

export const SLOTS = 64;
const SHINGLE = 5;
const BANDS = 16;
const ROWS = SLOTS / BANDS;

const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
// Repost markers carry no content; without them "RT @cbc: X" and "X" are the same text.
const MARKERS = new Set(['rt', 'via', 'mt']);

// Fixed seeds so that signatures stored in the database stay comparable across runs.
const SEEDS = Uint32Array.from({ length: SLOTS }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The text the shingles are taken from: folded words, links and repost markers removed. */
export function normaliseForShingles(text: string): string {
  return tokenize(text.replace(URL, ' '))
    .map((t) => t.term)
    .filter((t) => !MARKERS.has(t))
    .join(' ');
}

export function minhash(text: string): Uint32Array {
  const s = normaliseForShingles(text);
  const sig = new Uint32Array(SLOTS).fill(0xffffffff);
  const n = Math.max(1, s.length - SHINGLE + 1);
  for (let i = 0; i < n; i++) {
    const h = fnv1a(s, i, Math.min(s.length, i + SHINGLE));
    for (let k = 0; k < SLOTS; k++) {
      const v = fmix32(h ^ SEEDS[k]);
      if (v < sig[k]) sig[k] = v;
    }
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < SLOTS; k++) if (a[k] === b[k]) same++;
  return same / SLOTS;
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
export class LshIndex<V> {
  private readonly buckets = new Map<string, Set<V>>();

  add(sig: Uint32Array, value: V): void {
    for (const key of bandKeys(sig)) {
      let set = this.buckets.get(key);
      if (!set) this.buckets.set(key, (set = new Set()));
      set.add(value);
    }
  }

  remove(sig: Uint32Array, value: V): void {
    for (const key of bandKeys(sig)) {
      const set = this.buckets.get(key);
      if (!set) continue;
      set.delete(value);
      if (!set.size) this.buckets.delete(key);
    }
  }

  candidates(sig: Uint32Array): Set<V> {
    const out = new Set<V>();
    for (const key of bandKeys(sig)) for (const v of this.buckets.get(key) ?? []) out.add(v);
    return out;
  }
}

function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = b;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ sig[b * ROWS + r]);
    keys.push(`${b}:${h.toString(36)}`);
  }
  return keys;
}
