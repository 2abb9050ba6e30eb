/**
 * The burst detector's per-key memory, kept as typed arrays of numbers. A cycle observes each item
 * under some thirty keys, so a small object per (key, item) pair, as `{ at, itemId }` in an array,
 * was most of the detector's heap: here a pair costs 4 bytes and a (key, bucket) count 12.
 *
 *   const log = new ItemLog(); const seq = log.add(at, itemId);   // once per item
 *   const recent = new SeqList(); recent.push(seq);               // per key: its items, in arrival order
 *   const counts = new BucketCounts(); counts.add(bucket, weight); counts.sum(from, to);
 */
import { grown } from '../grow.ts';

/** Each observed item's time and id under a sequence number, so that keys can refer to it by number. */
export class ItemLog {
  private at = new Float64Array(64);
  private ids = new Float64Array(64);
  /** Sequence number of the first entry held. */
  private base = 0;
  private n = 0;

  add(at: number, itemId: number): number {
    if (this.n === this.at.length) {
      this.at = grown(this.at, this.n);
      this.ids = grown(this.ids, this.n);
    }
    this.at[this.n] = at;
    this.ids[this.n] = itemId;
    return this.base + this.n++;
  }

  timeOf(seq: number): number {
    return this.at[seq - this.base];
  }

  itemOf(seq: number): number {
    return this.ids[seq - this.base];
  }

  /** The sequence number the next `add` returns. */
  get next(): number {
    return this.base + this.n;
  }

  /** Forgets the entries numbered below `seq` (no key refers to them any more). */
  forgetBefore(seq: number): void {
    const k = Math.min(seq - this.base, this.n);
    if (k <= 0) return;
    this.at.copyWithin(0, k, this.n);
    this.ids.copyWithin(0, k, this.n);
    this.base += k;
    this.n -= k;
  }
}

/** Increasing sequence numbers, appended at the end and dropped from the front. */
export class SeqList {
  private buf = new Uint32Array(4);
  private head = 0;
  private end = 0;

  get length(): number {
    return this.end - this.head;
  }

  get(i: number): number {
    return this.buf[this.head + i];
  }

  push(seq: number): void {
    if (this.end === this.buf.length) {
      if (this.head) {
        this.buf.copyWithin(0, this.head, this.end);
        this.end -= this.head;
        this.head = 0;
      }
      if (this.end === this.buf.length) this.buf = grown(this.buf, this.end);
    }
    this.buf[this.end++] = seq;
  }

  dropFirst(k: number): void {
    this.head = Math.min(this.end, this.head + k);
    if (this.head === this.end) this.head = this.end = 0;
    // A key that was busy once and is quiet now should not keep its busy day's buffer.
    if (this.buf.length > 64 && this.length * 4 < this.buf.length) {
      const kept = new Uint32Array(Math.max(4, this.length * 2));
      kept.set(this.buf.subarray(this.head, this.end));
      this.end = this.length;
      this.head = 0;
      this.buf = kept;
    }
  }
}

/** Weighted counts per time bucket, sorted by bucket; items arrive nearly in time order, so adds land at or near the end. */
export class BucketCounts {
  private buckets = new Int32Array(4);
  private values = new Float64Array(4);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(bucket: number, v: number): void {
    let i = this.n;
    while (i > 0 && this.buckets[i - 1] > bucket) i--;
    if (i > 0 && this.buckets[i - 1] === bucket) {
      this.values[i - 1] += v;
      return;
    }
    if (this.n === this.buckets.length) {
      this.buckets = grown(this.buckets, this.n);
      this.values = grown(this.values, this.n);
    }
    this.buckets.copyWithin(i + 1, i, this.n);
    this.values.copyWithin(i + 1, i, this.n);
    this.buckets[i] = bucket;
    this.values[i] = v;
    this.n++;
  }

  get(bucket: number): number {
    const i = this.lowerBound(bucket);
    return i < this.n && this.buckets[i] === bucket ? this.values[i] : 0;
  }

  /** Sum over the buckets from `from` to `to`, both included. */
  sum(from: number, to: number): number {
    let s = 0;
    for (let i = this.lowerBound(from); i < this.n && this.buckets[i] <= to; i++) s += this.values[i];
    return s;
  }

  /** Removes the buckets before `bucket`, handing each removed count to `removed`. */
  dropBefore(bucket: number, removed: (v: number) => void): void {
    const k = this.lowerBound(bucket);
    if (!k) return;
    for (let i = 0; i < k; i++) removed(this.values[i]);
    this.buckets.copyWithin(0, k, this.n);
    this.values.copyWithin(0, k, this.n);
    this.n -= k;
  }

  private lowerBound(bucket: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buckets[mid] < bucket) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
