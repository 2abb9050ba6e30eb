/**
 * Incremental burst detection over per-bucket counts of stories, rules and terms.
 *
 *   const d = new BurstDetector({ minScore: 6 });
 *   d.observe({ itemId, at, keys });          // as items arrive (keys from BurstKeys.of)
 *   const { flagged, ended } = d.detect(now); // once per ingest cycle
 *   d.active()                                // ongoing bursts with their current counts
 *
 * A key bursts when its count over a recent window (15 min, 1 h, 4 h by default) is improbable
 * against its own baseline: score = −log10 P(X ≥ count) under a negative binomial whose mean is
 * the largest of
 *   - the key's average rate over the last `historyDays`, scaled by the stream's usual volume at
 *     that hour of day and kind of day (weekday/weekend), learnt from all items;
 *   - the key's own count in the same window on previous days (a daily peak is normal);
 *   - a floor (`floorPerHour`), so that a new term with no history needs `minCount` items and a
 *     real acceleration rather than one lucky hour.
 * It is flagged when the count ≥ `minCount` and the score ≥ `minScore` (the sensitivity: lower is
 * more sensitive). Keys whose items mostly belong to an ongoing burst join it as related keys
 * instead of being flagged again (a new subject lifts its story, its rule and several terms at once).
 * A burst ends after `coolDownMs` without its score reaching half of `minScore`. Nothing is flagged
 * before `minHistoryMs` of stream has been seen, since until then every key looks new.
 *
 * State lives in memory only: counts are cheap to recompute from stored items, so after a restart
 * `rebuild(observations of the last historyDays, ongoing bursts from storage)` restores it without
 * tables of its own, and ongoing bursts are not flagged twice.
 */
import { keyId, type KeyKind, type KeyRef, type WeightedKey } from './keys.ts';
import { BucketCounts, ItemLog, SeqList } from './series.ts';
import { surprise } from './tail.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Observation {
  itemId: number;
  at: number;
  keys: readonly WeightedKey[];
}

export interface Burst {
  /** Stable identity of this burst: `kind:key@flaggedAt`. */
  ref: string;
  kind: KeyKind;
  key: string;
  /** Time of the first item of the elevated stretch that led to the flag. */
  startedAt: number;
  flaggedAt: number;
  /** Weighted count over the window that flagged, updated while the burst lasts (its peak). */
  count: number;
  /** Expected count over the same window. */
  baseline: number;
  score: number;
  windowMs: number;
  /** Items counted in the window, oldest first (at most 200). */
  itemIds: number[];
  /** Other keys lifted by the same items, as `kind:key`. */
  relatedKeys: string[];
  status: 'active' | 'ended';
}

export interface DetectorOptions {
  bucketMs: number;
  windowsMs: readonly number[];
  historyDays: number;
  minCount: number;
  /** −log10 of the tail probability needed to flag: the sensitivity (lower flags more). */
  minScore: number;
  /** Negative-binomial r; Infinity for Poisson. */
  dispersion: number;
  floorPerHour: number;
  coolDownMs: number;
  /** Nothing is flagged until the stream has been observed this long: before, every key is "new". */
  minHistoryMs: number;
  /** Share of a candidate's items already in an ongoing burst above which it joins that burst. */
  mergeOverlap: number;
  /** For hour of day and weekday/weekend of the baseline. */
  timezone: string;
}

export const defaultDetectorOptions: DetectorOptions = {
  bucketMs: 5 * MINUTE,
  windowsMs: [15 * MINUTE, HOUR, 4 * HOUR],
  historyDays: 7,
  minCount: 5,
  minScore: 6,
  dispersion: 10,
  floorPerHour: 0.1,
  coolDownMs: 2 * HOUR,
  minHistoryMs: DAY,
  mergeOverlap: 0.5,
  timezone: 'America/Toronto',
};

const MAX_ITEMS = 200;

interface KeyState extends KeyRef {
  counts: BucketCounts;
  /** Sum of `counts`. */
  total: number;
  /** The key's recent items, as numbers in `log`, in arrival order. */
  recent: SeqList;
}

interface Ongoing extends Burst {
  lastHotAt: number;
  items: Set<number>;
}

interface Check {
  state: KeyState;
  count: number;
  baseline: number;
  score: number;
  windowMs: number;
}

export class BurstDetector {
  readonly opts: DetectorOptions;
  private readonly keys = new Map<string, KeyState>();
  /** Time and id of each recent item, referred to by number from the keys it counts towards. */
  private readonly log = new ItemLog();
  /** Items per bucket, all keys together: the stream's own rhythm. */
  private readonly volume = new Map<number, number>();
  private firstBucket = Infinity;
  private readonly touched = new Map<string, number>();
  private readonly ongoing = new Map<string, Ongoing>();
  /** Key id → the ongoing burst it belongs to (as main or related key). */
  private readonly owner = new Map<string, Ongoing>();
  private readonly localTime = new Map<number, { hour: number; weekend: boolean }>();
  /**
   * Made on first use: a date formatter brings in some 7 MB of locale data, and a detector whose
   * history holds no items never needs a local hour.
   */
  private hourFmt: Intl.DateTimeFormat | undefined;
  private lastPrune = -Infinity;

  constructor(options: Partial<DetectorOptions> = {}) {
    this.opts = { ...defaultDetectorOptions, ...options };
    // A wrong time zone must still fail here, at start: a canonical name is known good from the
    // list of zones (cheap), and any other name (an alias, or a mistake) is tried right away.
    if (!Intl.supportedValuesOf('timeZone').includes(this.opts.timezone)) this.clock();
  }

  observe(obs: Observation): void {
    const b = this.bucket(obs.at);
    this.firstBucket = Math.min(this.firstBucket, b);
    this.volume.set(b, (this.volume.get(b) ?? 0) + 1);
    const seq = this.log.add(obs.at, obs.itemId);
    for (const k of obs.keys) {
      const id = keyId(k);
      let s = this.keys.get(id);
      if (!s) this.keys.set(id, (s = { kind: k.kind, key: k.key, counts: new BucketCounts(), total: 0, recent: new SeqList() }));
      s.counts.add(b, k.weight);
      s.total += k.weight;
      s.recent.push(seq);
      this.touched.set(id, Math.max(this.touched.get(id) ?? 0, obs.at));
    }
  }

  /** Re-creates the state after a restart; `ongoing` bursts (from storage) are not flagged again. */
  rebuild(observations: Iterable<Observation>, ongoing: readonly Pick<Burst, 'kind' | 'key' | 'flaggedAt' | 'windowMs' | 'startedAt' | 'count' | 'baseline' | 'score'>[] = []): void {
    const sorted = [...observations].sort((a, b) => a.at - b.at);
    for (const o of sorted) this.observe(o);
    const now = sorted.length ? sorted[sorted.length - 1].at : Date.now();
    for (const b of ongoing) {
      const state = this.keys.get(keyId(b));
      const itemIds = state ? this.recentItems(state, now - b.windowMs, Infinity) : [];
      const burst: Ongoing = {
        ...b,
        ref: `${keyId(b)}@${b.flaggedAt}`,
        itemIds,
        relatedKeys: [],
        status: 'active',
        lastHotAt: now,
        items: new Set(itemIds),
      };
      this.ongoing.set(burst.ref, burst);
      this.owner.set(keyId(b), burst);
    }
  }

  /** Checks the keys seen recently; returns bursts flagged now and bursts that just ended. */
  detect(now: number): { flagged: Burst[]; ended: Burst[] } {
    this.prune(now);
    const ctx = this.profile(now);
    const ended = this.refreshOngoing(now, ctx);

    const candidates: Check[] = [];
    const warm = now - this.firstBucket * this.opts.bucketMs >= this.opts.minHistoryMs;
    for (const id of warm ? this.touched.keys() : []) {
      if (this.owner.has(id)) continue;
      const state = this.keys.get(id);
      const best = state && this.check(state, now, ctx);
      if (best && best.score >= this.opts.minScore) candidates.push(best);
    }
    candidates.sort((a, b) => b.score - a.score);

    const flagged: Ongoing[] = [];
    for (const c of candidates) {
      const id = keyId(c.state);
      const window = this.recentItems(c.state, now - c.windowMs, now);
      const host = this.overlapping(window);
      if (host) {
        host.relatedKeys.push(id);
        for (const itemId of window) host.items.add(itemId);
        this.owner.set(id, host);
        continue;
      }
      const burst: Ongoing = {
        ref: `${id}@${now}`,
        kind: c.state.kind,
        key: c.state.key,
        startedAt: this.startOf(c, now),
        flaggedAt: now,
        count: c.count,
        baseline: c.baseline,
        score: c.score,
        windowMs: c.windowMs,
        itemIds: window.slice(-MAX_ITEMS),
        relatedKeys: [],
        status: 'active',
        lastHotAt: now,
        items: new Set(window),
      };
      this.ongoing.set(burst.ref, burst);
      this.owner.set(id, burst);
      flagged.push(burst);
    }
    return { flagged: flagged.map(publicView), ended };
  }

  active(): Burst[] {
    return [...this.ongoing.values()].map(publicView);
  }

  private refreshOngoing(now: number, ctx: Profile): Burst[] {
    const ended: Burst[] = [];
    for (const b of this.ongoing.values()) {
      const state = this.keys.get(keyId(b));
      const c = state && this.checkWindow(state, now, b.windowMs, ctx);
      // Hot while any window is still well above baseline: a fast burst stays in the longer
      // windows for hours, and ending it earlier would flag it again there.
      const hot = state && this.opts.windowsMs.some((w) => (this.checkWindow(state, now, w, ctx)?.score ?? 0) >= this.opts.minScore / 2);
      if (hot) b.lastHotAt = now;
      if (c && c.score >= this.opts.minScore / 2) {
        if (c.count > b.count) {
          b.count = c.count;
          b.baseline = c.baseline;
          b.score = Math.max(b.score, c.score);
          const window = this.recentItems(state, now - b.windowMs, now);
          for (const itemId of window) b.items.add(itemId);
          b.itemIds = [...new Set([...b.itemIds, ...window])].slice(-MAX_ITEMS);
        }
      }
      if (now - b.lastHotAt <= this.opts.coolDownMs) continue;
      b.status = 'ended';
      this.ongoing.delete(b.ref);
      for (const id of [keyId(b), ...b.relatedKeys]) if (this.owner.get(id) === b) this.owner.delete(id);
      ended.push(publicView(b));
    }
    return ended;
  }

  private overlapping(itemIds: number[]): Ongoing | undefined {
    if (!itemIds.length) return undefined;
    let best: { b: Ongoing; share: number } | undefined;
    for (const b of this.ongoing.values()) {
      let shared = 0;
      for (const id of itemIds) if (b.items.has(id)) shared++;
      const share = shared / itemIds.length;
      if (share >= this.opts.mergeOverlap && (!best || share > best.share)) best = { b, share };
    }
    return best?.b;
  }

  /** The most surprising of the configured windows for this key. */
  private check(state: KeyState, now: number, ctx: Profile): Check | undefined {
    let best: Check | undefined;
    for (const w of this.opts.windowsMs) {
      const c = this.checkWindow(state, now, w, ctx);
      if (c && c.count >= this.opts.minCount && (!best || c.score > best.score)) best = c;
    }
    return best;
  }

  private checkWindow(state: KeyState, now: number, windowMs: number, ctx: Profile): Check | undefined {
    const n = Math.max(1, Math.round(windowMs / this.opts.bucketMs));
    const cur = this.bucket(now);
    const count = state.counts.sum(cur - n + 1, cur);
    if (count <= 0) return undefined;
    const baseline = this.baseline(state, cur, n, count, ctx);
    // Down-weighted keys count fractions of items; the test needs whole events.
    const whole = Math.floor(count + 1e-9);
    return { state, count, baseline, score: surprise(whole, baseline, this.opts.dispersion), windowMs };
  }

  private baseline(state: KeyState, cur: number, n: number, windowCount: number, ctx: Profile): number {
    const o = this.opts;
    const floor = (o.floorPerHour * n * o.bucketMs) / HOUR;
    const histStart = Math.max(this.firstBucket, cur - n - ctx.historyBuckets + 1);
    const span = cur - n - histStart + 1;
    if (span <= 0) return floor;
    // Counts older than the history were pruned, so everything but the window is history.
    const hist = Math.max(0, state.total - windowCount - state.counts.sum(cur + 1, cur + ctx.bucketsPerDay));
    let factor = 0;
    for (let b = cur - n + 1; b <= cur; b++) factor += ctx.factor(b);
    const mean = (hist / span) * factor;
    let seasonal = 0;
    if (hist >= o.minCount) {
      let days = 0;
      let total = 0;
      for (let d = 1; d <= o.historyDays; d++) {
        const shift = d * ctx.bucketsPerDay;
        if (cur - n + 1 - shift < histStart) break;
        total += state.counts.sum(cur - n + 1 - shift, cur - shift);
        days++;
      }
      if (days) seasonal = total / days;
    }
    return Math.max(mean, seasonal, floor);
  }

  private startOf(c: Check, now: number): number {
    const n = Math.max(1, Math.round(c.windowMs / this.opts.bucketMs));
    const cur = this.bucket(now);
    const perBucket = c.baseline / n;
    for (let b = cur - n + 1; b <= cur; b++) {
      if (c.state.counts.get(b) > perBucket) {
        const { recent } = c.state;
        for (let i = 0; i < recent.length; i++) {
          const at = this.log.timeOf(recent.get(i));
          if (this.bucket(at) >= b) return at;
        }
      }
    }
    return now;
  }

  /** Ids of the key's recent items with `from < at ≤ to`, in arrival order. */
  private recentItems(state: KeyState, from: number, to: number): number[] {
    const out: number[] = [];
    const { recent } = state;
    for (let i = 0; i < recent.length; i++) {
      const seq = recent.get(i);
      const at = this.log.timeOf(seq);
      if (at > from && at <= to) out.push(this.log.itemOf(seq));
    }
    return out;
  }

  private bucket(at: number): number {
    return Math.floor(at / this.opts.bucketMs);
  }

  /** Expected share of volume per bucket by (weekday/weekend, hour), relative to the average bucket. */
  private profile(now: number): Profile {
    const o = this.opts;
    const bucketsPerDay = Math.round(DAY / o.bucketMs);
    const historyBuckets = o.historyDays * bucketsPerDay;
    const cur = this.bucket(now);
    const from = Math.max(this.firstBucket, cur - historyBuckets);
    const sums = new Float64Array(48);
    const seen = new Float64Array(48);
    let total = 0;
    let buckets = 0;
    // Without items in the history every factor is 1: the local hours are not needed.
    let any = false;
    for (const b of this.volume.keys()) any ||= b >= from && b < cur;
    for (let b = any ? from : cur; b < cur; b++) {
      const v = this.volume.get(b) ?? 0;
      const slot = this.slot(b);
      sums[slot] += v;
      seen[slot]++;
      total += v;
      buckets++;
    }
    const avg = buckets ? total / buckets : 0;
    const perHour = Math.round(HOUR / o.bucketMs);
    const cache = new Map<number, number>();
    const factor = (b: number): number => {
      if (!avg) return 1;
      const slot = this.slot(b);
      let f = cache.get(slot);
      if (f === undefined) {
        // Fall back to the same hour on any kind of day until this kind of day has been seen.
        let s = sums[slot];
        let n = seen[slot];
        if (n < perHour) {
          const other = slot < 24 ? slot + 24 : slot - 24;
          s += sums[other];
          n += seen[other];
        }
        // A few buckets' worth of prior at the average keeps a barely-seen hour from reading as 0.
        f = (s + avg * perHour) / (n + perHour) / avg;
        cache.set(slot, f);
      }
      return f;
    };
    return { factor, bucketsPerDay, historyBuckets };
  }

  private slot(b: number): number {
    const hourIndex = Math.floor((b * this.opts.bucketMs) / HOUR);
    let t = this.localTime.get(hourIndex);
    if (!t) {
      const parts = this.clock().formatToParts(new Date(hourIndex * HOUR));
      const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24;
      const wd = parts.find((p) => p.type === 'weekday')?.value;
      t = { hour, weekend: wd === 'Sat' || wd === 'Sun' };
      this.localTime.set(hourIndex, t);
    }
    return (t.weekend ? 24 : 0) + t.hour;
  }

  private clock(): Intl.DateTimeFormat {
    return (this.hourFmt ??= new Intl.DateTimeFormat('en-US', { timeZone: this.opts.timezone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' }));
  }

  private prune(now: number): void {
    const o = this.opts;
    const maxWindow = Math.max(...o.windowsMs);
    for (const [id, last] of this.touched) if (last < now - maxWindow) this.touched.delete(id);
    let oldestSeq = this.log.next;
    for (const s of this.keys.values()) {
      const { recent } = s;
      let i = 0;
      while (i < recent.length && this.log.timeOf(recent.get(i)) <= now - maxWindow - o.bucketMs) i++;
      recent.dropFirst(i);
      if (recent.length) oldestSeq = Math.min(oldestSeq, recent.get(0));
    }
    this.log.forgetBefore(oldestSeq);
    if (now - this.lastPrune < HOUR) return;
    this.lastPrune = now;
    const oldest = this.bucket(now - o.historyDays * DAY - maxWindow);
    for (const [id, s] of this.keys) {
      s.counts.dropBefore(oldest, (v) => (s.total -= v));
      if (!s.counts.size && !this.owner.has(id)) this.keys.delete(id);
    }
    for (const b of this.volume.keys()) if (b < oldest) this.volume.delete(b);
    for (const h of this.localTime.keys()) if (h * HOUR < now - o.historyDays * DAY - DAY) this.localTime.delete(h);
  }
}

interface Profile {
  factor(bucket: number): number;
  bucketsPerDay: number;
  historyBuckets: number;
}

function publicView(b: Ongoing): Burst {
  const { lastHotAt: _hot, items: _items, ...rest } = b;
  return { ...rest, itemIds: [...rest.itemIds], relatedKeys: [...rest.relatedKeys] };
}
