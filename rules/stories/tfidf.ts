/**
 * TF-IDF over a rolling window of recent items, for same-topic grouping: a word is informative
 * when few recent items use it, so "shooting" on a quiet day weighs more than "police", which
 * every item of a police watch contains.
 *
 *   const df = new RollingDocFreq(72 * 3600_000);
 *   df.add(at, terms); df.expire(now);
 *   cosine(weigh(termsA, df, watch), weigh(termsB, df, watch))
 */

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

export class RollingDocFreq {
  private readonly df = new Map<string, TermFreq>();
  private readonly queue: { at: number; terms: string[] }[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  get docs(): number {
    return this.queue.length - this.head;
  }

  add(at: number, terms: Iterable<string>): void {
    const unique = [...new Set(terms)];
    for (const t of unique) {
      let f = this.df.get(t);
      if (!f) this.df.set(t, (f = { n: 0, ln: 0, gone: false }));
      f.n++;
      f.ln = Math.log(f.n + 1);
    }
    this.queue.push({ at, terms: unique });
  }

  /** Forgets items older than the window; items are expected roughly in time order. */
  expire(now: number): void {
    while (this.head < this.queue.length && this.queue[this.head].at < now - this.windowMs) {
      for (const t of this.queue[this.head].terms) {
        const f = this.df.get(t);
        if (!f) continue;
        f.n--;
        f.ln = Math.log(f.n + 1);
        if (f.n > 0) continue;
        f.gone = true;
        this.df.delete(t);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Share of recent items containing the term. */
  share(term: string): number {
    return this.docs ? this.freq(term).n / this.docs : 0;
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
}

/** Sub-linear TF × IDF, with the institution's own names scaled down by `watchWeight`. */
export function weigh(counts: TermCounts, df: RollingDocFreq, watch: Set<string>, watchWeight: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [t, n] of counts) out.set(t, (1 + Math.log(n)) * df.idf(t) * (watch.has(t) ? watchWeight : 1));
  return out;
}

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    na += w * w;
    const v = b.get(t);
    if (v !== undefined) dot += w * v;
  }
  for (const w of b.values()) nb += w * w;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
