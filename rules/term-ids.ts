/**
 * A dense number for each distinct term that posts show. The claim analysis and the rumour word
 * model both derive something from every token of a post, depending only on the term (and the
 * language): each token is looked up once here, and each matcher keeps what it derived in an
 * array indexed by that number, instead of every matcher looking every token up in a table of
 * its own keyed by the term.
 */
import { TermTable } from './term-table.ts';
import type { Token } from './text.ts';

// New terms keep coming (names, typos, links): past this many the numbering starts afresh rather
// than grow without end, and every TermValues forgets what it held under the old numbers.
export const MAX_TERMS = 200_000;

let table = new TermTable<number>();
let generation = 0;

// The ids of the last token list asked for: the matchers of one post ask for the same list, and a
// token list is never changed once made (analyseText() makes a new one for every text).
let lastTokens: readonly Token[] | undefined;
let lastIds = new Int32Array(256);

/**
 * The id of each token's term, in order (entries past tokens.length are stale). Terms that start
 * with a digit get -1: numbers (ids, times, amounts) rarely repeat and are quick to read, and
 * numbered they would make the table many times larger. The array is reused: it holds these ids
 * until the next call for another token list.
 */
export function termIds(tokens: readonly Token[]): Int32Array {
  if (tokens === lastTokens) return lastIds;
  // Only between two posts, so that one post never mixes two numberings.
  if (table.size > MAX_TERMS) {
    table = new TermTable<number>();
    generation++;
  }
  if (lastIds.length < tokens.length) lastIds = new Int32Array(Math.max(tokens.length, 2 * lastIds.length));
  for (let t = 0; t < tokens.length; t++) {
    const term = tokens[t].term;
    const c0 = term.charCodeAt(0);
    if (c0 >= 48 && c0 <= 57) {
      lastIds[t] = -1;
      continue;
    }
    let id = table.get(term);
    if (id === undefined) table.set(term, (id = table.size));
    lastIds[t] = id;
  }
  lastTokens = tokens;
  return lastIds;
}

/** What a matcher derived from each term, by term id; emptied when the numbering starts afresh. */
export class TermValues<V> {
  private values: (V | undefined)[] = [];
  private generation = generation;
  private count = 0;

  /** How many terms have a value. */
  get size(): number {
    return this.count;
  }

  /** The value for a term id of the current numbering (call termIds() first). */
  get(id: number): V | undefined {
    if (this.generation !== generation) this.clear();
    return this.values[id];
  }

  /** Sets the value of a term that get() did not find. */
  set(id: number, value: V): void {
    const values = this.values;
    // Grown one by one, as a write far past the end would turn the array into a slow dictionary.
    while (values.length <= id) values.push(undefined);
    values[id] = value;
    this.count++;
  }

  private clear(): void {
    this.values = [];
    this.generation = generation;
    this.count = 0;
  }
}
