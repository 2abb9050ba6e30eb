/**
 * The pass over stored items behind `veille rules test`, one share of them at a time. The main
 * thread and worker threads each take shares (id ranges, newest first) until none is left; the
 * shares' counts are then added up and their samples kept in share order, so the report is the
 * same however the shares were spread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledRule } from '../../rules/loader.ts';
import { createTopicMatcher, type TopicExplainer } from '../../rules/topics.ts';
import { oneLine, textLang } from '../../rules/text.ts';
import type { ItemText } from '../../rules/types.ts';
import type { Db } from '../../storage/db.ts';
import { itemLabels, iterateItemsSince, openReader, type BacktestItem, type IdRange, type ItemLabel } from '../../storage/backtest.ts';

/** Items gained and lost shown per rule, newest first. */
export const SAMPLES = 3;
/** Items between two progress reports. */
const PROGRESS_EVERY = 1000;

/** What a thread needs to scan: plain data, as it is handed to workers. */
export interface ScanPlan {
  /** One matcher rule per distinct definition across both folders. */
  rules: CompiledRule[];
  /** Per rule of the report, its matcher rule under the tested folder and under the rules in force. */
  pairs: { tested: number | null; inForce: number | null }[];
  /** Whether there are rules in force to compare with, for gains and losses. */
  compare: boolean;
  since: number | null;
}

export interface Sample {
  id: number;
  source: string;
  lang: string;
  /** The title, or the start of the text, on one line. */
  excerpt: string;
  /** The query words that matched (for a lost item: under the rule in force). */
  terms: string[];
}

/** Matches of a rule, and how many of them staff labelled, and labelled a rumour or a known claim. */
export interface SideCounts {
  count: number;
  labelled: number;
  positive: number;
}

export interface PairCounts {
  tested: SideCounts;
  inForce: SideCounts;
  gained: number;
  lost: number;
  samples: { gained: Sample[]; lost: Sample[] };
}

export interface ShareResult {
  items: number;
  /** Items matched by at least one rule, under each folder. */
  matchedTested: number;
  matchedInForce: number;
  labelledItems: number;
  pairs: PairCounts[];
}

/** Scans shares of the stored items with one matcher, built once per thread. */
export class Scanner {
  private readonly matcher: TopicExplainer;
  private readonly labels: Map<number, ItemLabel>;
  /** Per matcher rule, the number of the last item it held for, so nothing is cleared per item. */
  private readonly heldAt: Float64Array;
  /** Per matcher rule, the pairs (rules of the report) that use it on either side. */
  private readonly pairsOf: number[][];
  /** Per pair, the number of the last item that touched it. */
  private readonly touchedAt: Float64Array;
  private readonly touched: number[] = [];
  private seen = 0;

  constructor(
    private readonly db: Db,
    private readonly plan: ScanPlan,
  ) {
    this.matcher = createTopicMatcher(plan.rules);
    this.labels = itemLabels(db);
    this.heldAt = new Float64Array(plan.rules.length).fill(-1);
    this.pairsOf = plan.rules.map(() => []);
    plan.pairs.forEach(({ tested, inForce }, i) => {
      if (tested !== null) this.pairsOf[tested].push(i);
      if (inForce !== null && inForce !== tested) this.pairsOf[inForce].push(i);
    });
    this.touchedAt = new Float64Array(plan.pairs.length).fill(-1);
  }

  /** Counts and samples for the items of `ids` (all of them when undefined), newest first. */
  scan(ids: IdRange | undefined, onItems?: (n: number) => void): ShareResult {
    const { pairs, compare } = this.plan;
    const out = emptyShare(pairs.length);
    const { heldAt, labels, matcher, pairsOf, touchedAt, touched } = this;
    for (const item of iterateItemsSince(this.db, this.plan.since, ids)) {
      const n = this.seen++;
      const text: ItemText = { title: item.title, text: item.text, author: item.author, source: item.sourceId, lang: textLang(item.lang) };
      // Only the pairs with a rule that holds can count, gain or lose: the few, not all of them.
      touched.length = 0;
      for (const slot of matcher.matchingRules(text)) {
        heldAt[slot] = n;
        for (const i of pairsOf[slot]) {
          if (touchedAt[i] === n) continue;
          touchedAt[i] = n;
          touched.push(i);
        }
      }
      const label = labels.get(item.id);
      if (label) out.labelledItems++;
      let anyTested = false;
      let anyInForce = false;
      for (const i of touched) {
        const { tested, inForce } = pairs[i];
        const counts = out.pairs[i];
        const now = tested !== null && heldAt[tested] === n;
        const before = inForce !== null && heldAt[inForce] === n;
        if (now) {
          anyTested = true;
          count(counts.tested, label);
        }
        if (before) {
          anyInForce = true;
          count(counts.inForce, label);
        }
        if (!compare || now === before) continue;
        // Only the few items kept as samples need the words that matched: matched again for them.
        if (now) {
          if (counts.gained++ < SAMPLES) counts.samples.gained.push(sample(item, this.termsOf(text, tested!)));
        } else if (counts.lost++ < SAMPLES) counts.samples.lost.push(sample(item, this.termsOf(text, inForce!)));
      }
      if (anyTested) out.matchedTested++;
      if (anyInForce) out.matchedInForce++;
      if (++out.items % PROGRESS_EVERY === 0) onItems?.(PROGRESS_EVERY);
    }
    onItems?.(out.items % PROGRESS_EVERY);
    return out;
  }

  /** The query words that made a matcher rule match the item. */
  private termsOf(text: ItemText, slot: number): string[] {
    const id = this.plan.rules[slot].id;
    return this.matcher.match(text).find((h) => h.ruleId === id)!.terms;
  }
}

function emptyShare(pairs: number): ShareResult {
  const side = (): SideCounts => ({ count: 0, labelled: 0, positive: 0 });
  return {
    items: 0,
    matchedTested: 0,
    matchedInForce: 0,
    labelledItems: 0,
    pairs: Array.from({ length: pairs }, () => ({ tested: side(), inForce: side(), gained: 0, lost: 0, samples: { gained: [], lost: [] } })),
  };
}

/** The shares added up, their samples taken in share order: the newest overall. */
export function mergeShares(shares: ShareResult[], pairs: number): ShareResult {
  const out = emptyShare(pairs);
  for (const s of shares) {
    out.items += s.items;
    out.matchedTested += s.matchedTested;
    out.matchedInForce += s.matchedInForce;
    out.labelledItems += s.labelledItems;
    s.pairs.forEach((p, i) => {
      const to = out.pairs[i];
      addSide(to.tested, p.tested);
      addSide(to.inForce, p.inForce);
      to.gained += p.gained;
      to.lost += p.lost;
      to.samples.gained.push(...p.samples.gained.slice(0, SAMPLES - to.samples.gained.length));
      to.samples.lost.push(...p.samples.lost.slice(0, SAMPLES - to.samples.lost.length));
    });
  }
  return out;
}

function addSide(to: SideCounts, from: SideCounts): void {
  to.count += from.count;
  to.labelled += from.labelled;
  to.positive += from.positive;
}

function count(s: SideCounts, label: ItemLabel | undefined): void {
  s.count++;
  if (!label || (!label.rumour && !label.claim)) return;
  s.labelled++;
  if (label.rumour === 'rumour' || label.claim) s.positive++;
}


function sample(item: BacktestItem, terms: string[]): Sample {
  return { id: item.id, source: item.sourceId, lang: item.lang, excerpt: oneLine(item.title || item.text, 90), terms };
}

/** What a worker thread is started with, before the run's rules are known. */
export interface WorkerInput {
  /** Whether the thread runs from the TypeScript sources, and so needs their loader. */
  typescript: boolean;
  file: string;
}

/** What the main thread then hands it to scan. */
export interface WorkerJob {
  plan: ScanPlan;
  shares: IdRange[];
  /** [next share to take, items scanned so far], shared by every thread. */
  progress: Int32Array;
}

/** A worker's messages: one per share it scanned. */
export interface WorkerShare {
  index: number;
  result: ShareResult;
}

/**
 * Body of a worker thread: waits for its job, then takes shares until none is left, posting each
 * share's result. A thread that is not needed after all is terminated while it waits.
 */
export function runWorker(): void {
  const { file } = workerData as WorkerInput;
  parentPort!.once('message', ({ plan, shares, progress }: WorkerJob) => {
    const db = openReader(file);
    try {
      const scanner = new Scanner(db, plan);
      for (let index = Atomics.add(progress, 0, 1); index < shares.length; index = Atomics.add(progress, 0, 1)) {
        const result = scanner.scan(shares[index], (n) => Atomics.add(progress, 1, n));
        parentPort!.postMessage({ index, result } satisfies WorkerShare);
      }
    } finally {
      db.$client.close();
    }
  });
}
