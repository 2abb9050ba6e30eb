/**
 * TF-IDF over a rolling window of recent items, for same-topic grouping: a word is informative
 * when few recent items use it, so "shooting" on a quiet day weighs more than "police", which
 * every item of a police watch contains.
 *
 *   const df = new RollingDocFreq(72 * 3600_000);
 *   df.add(at, terms); df.expire(now);
 *   weigh(counts, df, watch, 0.2) → term → weight, for a cosine between an item and a story
 */
import { grown } from '../grow.ts';

export type TermCounts = Map<string, number>;

export function countTerms(terms: Iterable<string>): TermCounts {
  const out: TermCounts = new Map();
  for (const t of terms) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/**
 * A term's document count, handed out by reference so that a story's profile can read the current
 * count of each of its terms without a lookup; `gone` once the term left the window (look it up again).
 */
export interface TermFreq {
  n: number;
  /** ln(n + 1), the part of the IDF that depends on the term. */
  ln: number;
  gone: boolean;
}

const ABSENT: Readonly<TermFreq> = { n: 0, ln: 0, gone: true };

/** A term's count with the number standing for the term in the window's arrays. */
interface Entry extends TermFreq {
  term: string;
  num: number;
}

/**
 * The window's items are kept as runs of term numbers in flat typed arrays: an array of term
 * strings per item cost 8 bytes per term and some 80 per item, for tens of thousands of items.
 */
export class RollingDocFreq {
  private readonly df = new Map<string, Entry>();
  /** Term number → its entry; the numbers of terms that left the window are reused. */
  private readonly byNumber: Entry[] = [];
  private readonly free: number[] = [];
  /** Item k of the window: time `ats[k]`, terms `terms[ends[k - 1] .. ends[k]]` (from 0 for k = 0). */
  private ats = new Float64Array(1024);
  private ends = new Int32Array(1024);
  private terms = new Int32Array(16_384);
  private head = 0;
  private count = 0;

  constructor(private readonly windowMs: number) {}

  get docs(): number {
    return this.count - this.head;
  }

  add(at: number, terms: Iterable<string>): void {
    const unique = [...new Set(terms)];
    const from = this.count ? this.ends[this.count - 1] : 0;
    if (this.count === this.ats.length) {
      this.ats = grown(this.ats, this.count);
      this.ends = grown(this.ends, this.count);
    }
    if (from + unique.length > this.terms.length) this.terms = grown(this.terms, from, from + unique.length);
    let end = from;
    for (const t of unique) {
      let f = this.df.get(t);
      if (!f) {
        f = { n: 0, ln: 0, gone: false, term: t, num: this.free.pop() ?? this.byNumber.length };
        this.df.set(t, f);
        this.byNumber[f.num] = f;
      }
      f.n++;
      f.ln = Math.log(f.n + 1);
      this.terms[end++] = f.num;
    }
    this.ats[this.count] = at;
    this.ends[this.count++] = end;
  }

  /** Forgets items older than the window; items are expected roughly in time order. */
  expire(now: number): void {
    while (this.head < this.count && this.ats[this.head] < now - this.windowMs) {
      for (let i = this.head ? this.ends[this.head - 1] : 0; i < this.ends[this.head]; i++) {
        const f = this.byNumber[this.terms[i]];
        f.n--;
        f.ln = Math.log(f.n + 1);
        if (f.n > 0) continue;
        f.gone = true;
        this.df.delete(f.term);
        this.free.push(f.num);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.count) this.compact();
  }

  /** Smoothed IDF: never zero, so a word every item shares still counts a little. */
  idf(term: string): number {
    return Math.log((this.docs + 1) / (this.freq(term).n + 1)) + 1;
  }

  /** The term's live count (a shared read-only placeholder when the window does not hold it). */
  freq(term: string): Readonly<TermFreq> {
    return this.df.get(term) ?? ABSENT;
  }

  /** idf(t) = idfBase − freq(t).ln, up to rounding. */
  get idfBase(): number {
    return Math.log(this.docs + 1) + 1;
  }

  /** Moves the window's items to the front of the arrays. */
  private compact(): void {
    const from = this.ends[this.head - 1];
    this.terms.copyWithin(0, from, this.ends[this.count - 1]);
    this.ats.copyWithin(0, this.head, this.count);
    this.ends.copyWithin(0, this.head, this.count);
    this.count -= this.head;
    this.head = 0;
    for (let k = 0; k < this.count; k++) this.ends[k] -= from;
  }
}

/** Sub-linear TF × IDF, with the institution's own names scaled down by `watchWeight`. */
export function weigh(counts: TermCounts, df: RollingDocFreq, watch: Set<string>, watchWeight: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [t, n] of counts) out.set(t, (1 + Math.log(n)) * df.idf(t) * (watch.has(t) ? watchWeight : 1));
  return out;
}
