/**
 * Groups items that tell the same story. Each item joins at most one story, decided once when it
 * arrives (stories never merge afterwards, so an item's story id is stable for the digest):
 *   1. near-duplicate (repost, syndicated copy, light edit): MinHash similarity of character
 *      shingles ≥ `nearDuplicate` with a member of a story seen within `duplicateWindowMs`;
 *   2. same topic: TF-IDF cosine of stemmed terms against the story's term profile ≥ `sameTopic`,
 *      for stories seen within `topicWindowMs` and in the same language;
 *   3. otherwise a new story.
 *
 *   const g = new StoryGrouper({ watchNames: ['ottawa police', 'spo'] });
 *   const { storyId, created, via } = g.add({ id, at, text: `${title}\n${text}`, lang, source });
 *   g.story(storyId) → { id, representativeId, size, firstSeen, lastSeen, sources, langs, signature }
 *   g.takeChanged() → the stories that gained items since the last call (to be saved), once each
 *
 * Restart: `restore(storedStories, itemsOfTheLastDays)` re-indexes the stories from their stored
 * `signature` and rebuilds the word statistics from the items, so new items keep joining them.
 */
import { grown } from '../grow.ts';
import type { Lang, Token } from '../text.ts';
import { decodeSignature, encodeSignature, LshIndex, minhash, sameSlots, SLOTS, slotsFor } from './minhash.ts';
import { contentTerms, textWords, watchTerms } from './terms.ts';
import { countTerms, RollingDocFreq, weigh, type TermCounts, type TermFreq } from './tfidf.ts';

export interface StoryItem {
  id: number;
  /** Epoch ms (publication time, or fetch time when unknown). */
  at: number;
  /** Title and body together. */
  text: string;
  lang: Lang | 'und';
  source: string;
  /** `contentTerms(text, lang)`, when the caller has them already. */
  terms?: string[];
  /** `textWords(text)`, when the caller has them already. */
  words?: Token[];
}

/** What must be stored to let later items join a story after a restart. */
export interface StorySignature {
  /** Base64 MinHash signatures of a few distinct members (the representative first). */
  minhashes: string[];
  /** Summed stemmed-term counts of the members, the strongest ones only. */
  terms: Record<string, number>;
}

export interface Story {
  id: number;
  /** The first item of the story: usually the original report the others repeat. */
  representativeId: number;
  size: number;
  firstSeen: number;
  lastSeen: number;
  sources: string[];
  langs: string[];
  signature: StorySignature;
}

export interface Assignment {
  storyId: number;
  created: boolean;
  via: 'new' | 'near-duplicate' | 'same-topic';
  /** Similarity to the story that was joined (1 for a new story). */
  similarity: number;
}

export interface GrouperOptions {
  nearDuplicate: number;
  sameTopic: number;
  duplicateWindowMs: number;
  topicWindowMs: number;
  /** The institution's own names: shared by most items, so they must not make items alike. */
  watchNames: readonly string[];
  watchWeight: number;
  /** Items with fewer content terms are too short to judge a topic; only near-duplicates join. */
  minTopicTerms: number;
  /** First id handed to a new story (after a restore it follows the largest stored id). */
  firstId: number;
}

export const defaultGrouperOptions: GrouperOptions = {
  nearDuplicate: 0.55,
  sameTopic: 0.3,
  duplicateWindowMs: 72 * 3600_000,
  topicWindowMs: 12 * 3600_000,
  watchNames: [],
  watchWeight: 0.2,
  minTopicTerms: 4,
  firstId: 1,
};

const MAX_SIGNATURES = 8;
/** A new member's signature is kept unless one kept already is more alike than this. */
const REPEAT = 0.9;
const REPEAT_SLOTS = slotsFor(REPEAT, true);
const MAX_TERMS = 60;
// A term in more than this share of recent items is no evidence of a shared topic by itself
// (judged only once there are enough items for shares to mean something).
const COMMON_SHARE = 0.1;
const COMMON_MIN_DOCS = 50;

interface StoryState extends Omit<Story, 'signature' | 'sources' | 'langs'> {
  sources: Set<string>;
  langs: Set<string>;
  sigs: Uint32Array[];
  /** `sigs` base64-encoded, kept alongside: a story is saved far more often than it gains a signature. */
  encoded: string[];
  terms: TermCounts;
  /**
   * `terms` as arrays, in their order: 1 + ln n of each, that times its watch weight, its live
   * document count, where the story stands in the term's holders (−1 when not listed); Σ units².
   */
  profile: { terms: string[]; tfs: number[]; units: number[]; freqs: Readonly<TermFreq>[]; held: number[]; units2: number };
  /** Each term's place in `profile`. */
  termAt: Map<string, number>;
  /** Every term the story is listed under in `byTerm`, once each (trimmed terms stay listed until it expires). */
  indexed: string[];
  /** The story's place in the grouper's arrays of shared-term sums (`Sums`). */
  slot: number;
  /** `bound` of the cosine from those sums, while the story is a candidate. */
  bound: number;
  topicLang: string;
}

/** A story's profile and search state before it is profiled and indexed (a new or a restored story). */
function unindexed(slot: number): Pick<StoryState, 'profile' | 'termAt' | 'indexed' | 'slot' | 'bound'> {
  return { profile: emptyProfile(), termAt: new Map(), indexed: [], slot, bound: 0 };
}

/**
 * Per story slot, the sums `sumShared` gathers for one item: typed arrays rather than fields of the
 * stories, because summing walks thousands of (story, term) pairs per item and reads and writes
 * them at every step.
 */
class Sums {
  /** The `add` call whose sums below are current (set while summing the item's terms). */
  summed = new Int32Array(64);
  /** The `add` call that found the story holding one of the item's key terms. */
  keyed = new Int32Array(64);
  /** Over the terms the item shares with the story: Σ w·unit·idf, Σ (unit·idf)², Σ unit². */
  dot = new Float64Array(64);
  shared2 = new Float64Array(64);
  sharedUnits2 = new Float64Array(64);
  private used = 0;
  private readonly free: number[] = [];

  take(): number {
    const slot = this.free.pop() ?? this.used++;
    if (slot === this.summed.length) {
      this.summed = grown(this.summed, slot);
      this.keyed = grown(this.keyed, slot);
      this.dot = grown(this.dot, slot);
      this.shared2 = grown(this.shared2, slot);
      this.sharedUnits2 = grown(this.sharedUnits2, slot);
    }
    this.summed[slot] = this.keyed[slot] = 0;
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }
}

function emptyProfile(): StoryState['profile'] {
  return { terms: [], tfs: [], units: [], freqs: [], held: [], units2: 0 };
}

/**
 * The stories of one language holding a term in their profile, with the term's unit in each; arrays
 * side by side rather than a map, because they are read far more often than changed.
 */
type Holders = Map<string, { stories: StoryState[]; slots: number[]; units: number[] }>;

interface ItemTerm {
  t: string;
  w: number;
  idf: number;
  /**
   * Neither the institution's name nor in most recent items: sharing such a word makes a story a
   * candidate (sharing only the others is no evidence of a shared topic).
   */
  key: boolean;
}

export class StoryGrouper {
  private readonly opts: GrouperOptions;
  /** Equal MinHash slots for a near-duplicate. */
  private readonly duplicateSlots: number;
  private readonly watch: Set<string>;
  private readonly live = new Map<number, StoryState>();
  private readonly lsh = new LshIndex();
  private readonly byTerm = new Map<string, Set<StoryState>>();
  /** Per topic language: term → stories whose profile has it now (unlike `byTerm`, trimmed terms leave). */
  private readonly holders = new Map<string, Holders>();
  private visits = 0;
  private readonly sums = new Sums();
  private readonly df: RollingDocFreq;
  private nextId: number;
  /** No live story was last seen before this: `expire` has nothing to do until the horizon passes it. */
  private oldestLastSeen = Infinity;
  /** Stories joined since `takeChanged` last ran, kept even if they expire meanwhile. */
  private readonly changed = new Set<StoryState>();

  constructor(options: Partial<GrouperOptions> = {}) {
    this.opts = { ...defaultGrouperOptions, ...options };
    this.duplicateSlots = slotsFor(this.opts.nearDuplicate);
    this.watch = watchTerms(this.opts.watchNames);
    this.df = new RollingDocFreq(Math.max(this.opts.duplicateWindowMs, this.opts.topicWindowMs));
    this.nextId = this.opts.firstId;
  }

  add(item: StoryItem): Assignment {
    this.expire(item.at);
    const words = item.words ?? textWords(item.text);
    const terms = item.terms ?? contentTerms(item.text, item.lang, words);
    this.df.add(item.at, terms);
    const sig = minhash(item.text, words);
    const counts = countTerms(terms);

    const dup = this.nearestDuplicate(sig, item.at);
    if (dup && dup.sim >= this.opts.nearDuplicate) {
      this.join(dup.story, item, sig, counts);
      return { storyId: dup.story.id, created: false, via: 'near-duplicate', similarity: dup.sim };
    }
    if (terms.length >= this.opts.minTopicTerms) {
      const topic = this.nearestTopic(counts, item);
      if (topic && topic.sim >= this.opts.sameTopic) {
        this.join(topic.story, item, sig, counts);
        return { storyId: topic.story.id, created: false, via: 'same-topic', similarity: topic.sim };
      }
    }
    const story: StoryState = {
      id: this.nextId++,
      representativeId: item.id,
      size: 0,
      firstSeen: item.at,
      lastSeen: item.at,
      sources: new Set(),
      langs: new Set(),
      sigs: [],
      encoded: [],
      terms: new Map(),
      ...unindexed(this.sums.take()),
      topicLang: item.lang,
    };
    this.live.set(story.id, story);
    this.oldestLastSeen = Math.min(this.oldestLastSeen, story.lastSeen);
    this.join(story, item, sig, counts);
    return { storyId: story.id, created: true, via: 'new', similarity: 1 };
  }

  story(id: number): Story | undefined {
    const s = this.live.get(id);
    return s && toStory(s);
  }

  /** Stories changed by `add` since the last call: saving only these, once per batch, keeps the store current. */
  takeChanged(): Story[] {
    const out = [...this.changed].map(toStory);
    this.changed.clear();
    return out;
  }

  /** Stories still open to new items. */
  stories(): Story[] {
    return [...this.live.values()].map(toStory);
  }

  /** Reloads stored stories and the recent items' word statistics after a restart. */
  restore(stories: Iterable<Story>, recentItems: Iterable<Pick<StoryItem, 'at' | 'text' | 'lang'>>): void {
    for (const it of [...recentItems].sort((a, b) => a.at - b.at)) this.df.add(it.at, contentTerms(it.text, it.lang));
    for (const s of stories) {
      const state: StoryState = {
        ...s,
        sources: new Set(s.sources),
        langs: new Set(s.langs),
        sigs: s.signature.minhashes.map(decodeSignature),
        encoded: [...s.signature.minhashes],
        terms: new Map(Object.entries(s.signature.terms)),
        ...unindexed(this.sums.take()),
        topicLang: s.langs[0] ?? 'und',
      };
      this.reprofile(state);
      this.live.set(s.id, state);
      this.oldestLastSeen = Math.min(this.oldestLastSeen, state.lastSeen);
      for (const sig of state.sigs) this.lsh.add(sig, s.id);
      state.profile.terms.forEach((t, i) => {
        this.indexTerm(t, state);
        this.hold(state, i);
      });
      this.nextId = Math.max(this.nextId, s.id + 1);
    }
  }

  /**
   * The story of the most similar signature (the first met of equals) if it is a near-duplicate:
   * a signature is compared only until it cannot beat the best so far, nor reach the bar.
   */
  private nearestDuplicate(sig: Uint32Array, now: number): { story: StoryState; sim: number } | undefined {
    let best: { story: StoryState; sim: number } | undefined;
    let bar = this.duplicateSlots;
    for (const id of this.lsh.candidates(sig)) {
      const story = this.live.get(id);
      if (!story || now - story.lastSeen > this.opts.duplicateWindowMs) continue;
      for (const s of story.sigs) {
        const same = sameSlots(sig, s, bar);
        if (same < bar) continue;
        best = { story, sim: same / SLOTS };
        bar = same + 1;
      }
    }
    return best;
  }

  private nearestTopic(counts: TermCounts, item: StoryItem): { story: StoryState; sim: number } | undefined {
    const vec = weigh(counts, this.df, this.watch, this.opts.watchWeight);
    const base = this.df.idfBase;
    const docs = this.df.docs;
    const itemTerms: ItemTerm[] = [];
    for (const [t, w] of vec) {
      const f = this.df.freq(t);
      const key = !this.watch.has(t) && !(docs >= COMMON_MIN_DOCS && f.n / docs > COMMON_SHARE);
      itemTerms.push({ t, w, idf: base - f.ln, key });
    }
    const keys = itemTerms.filter((it) => it.key).map((it) => it.t);
    let norm2 = 0;
    for (const { w } of itemTerms) norm2 += w * w;
    const visit = ++this.visits;
    const sharing = this.sumShared(itemTerms, item.lang, visit);
    // Candidates: stories listed under a key. Those holding one were marked while summing; only the
    // others whose bound can reach the bar are looked up in the lists of the keys (walking the
    // lists themselves met each story many times over).
    const open: StoryState[] = [];
    for (const story of sharing) {
      if (item.at - story.lastSeen > this.opts.topicWindowMs) continue;
      const bound = this.bound(norm2, story);
      if (bound * (1 + 1e-9) < this.opts.sameTopic) continue;
      if (this.sums.keyed[story.slot] === visit || this.listedUnder(story, keys)) {
        story.bound = bound;
        open.push(story);
      }
    }
    // Weighing a whole profile into a new map for each candidate was most of the cost: take the
    // candidates from the highest bound down, and stop once no bound can reach the best cosine.
    // The order among equal bounds does not matter: the best cosine is found whatever it is.
    open.sort((a, b) => b.bound - a.bound);
    let best: { story: StoryState; sim: number } | undefined;
    for (const c of open) {
      const bar = Math.max(this.opts.sameTopic, best?.sim ?? 0);
      if (c.bound * (1 + 1e-9) < bar) break;
      if (this.estimateBelow(norm2, c, base, bar)) continue;
      const sim = this.cosine(itemTerms, norm2, c);
      if (!best || sim > best.sim || (sim === best.sim && this.metFirst(c, best.story, keys))) best = { story: c, sim };
    }
    return best;
  }

  private listedUnder(story: StoryState, keys: string[]): boolean {
    for (const t of keys) if (this.byTerm.get(t)?.has(story)) return true;
    return false;
  }

  /**
   * Of two stories equally close to the item, the one met first going through the item's `keys`
   * and the stories listed under each in turn wins: a rule that does not depend on how the
   * candidates were found, and is needed only for exact ties.
   */
  private metFirst(a: StoryState, b: StoryState, keys: string[]): boolean {
    for (const t of keys) {
      const listed = this.byTerm.get(t);
      if (!listed) continue;
      const hasA = listed.has(a);
      const hasB = listed.has(b);
      if (hasA && hasB) for (const s of listed) if (s === a || s === b) return s === a;
      if (hasA || hasB) return hasA;
    }
    return false;
  }

  /**
   * The sums `estimate` needs, for every story of the item's language sharing a term with it: going
   * through each term's holders once costs far less than looking each item term up in each candidate.
   * Terms are taken in the item's order, so each story's sums add up in the same order as one by one.
   * Returns those stories, and marks those holding a key (a term they hold is listed in `byTerm`).
   */
  private sumShared(itemTerms: ItemTerm[], lang: string, visit: number): StoryState[] {
    const sharing: StoryState[] = [];
    const holders = this.holders.get(lang);
    if (!holders) return sharing;
    const { summed, keyed, dot, shared2, sharedUnits2 } = this.sums;
    for (const { t, w, idf, key } of itemTerms) {
      const holding = holders.get(t);
      if (!holding) continue;
      const { stories, slots, units } = holding;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i];
        const unit = units[i];
        if (summed[s] !== visit) {
          summed[s] = visit;
          dot[s] = shared2[s] = sharedUnits2[s] = 0;
          sharing.push(stories[i]);
        }
        if (key) keyed[s] = visit;
        dot[s] += w * unit * idf;
        shared2[s] += unit * idf * unit * idf;
        sharedUnits2[s] += unit * unit;
      }
    }
    return sharing;
  }

  /**
   * The cosine of the item's weighed terms and `weigh(story.terms)`, read from the profile instead
   * of building that map for each candidate. The weights and the order of the sums (item terms for
   * the dot product, the story's terms for its norm) are fixed: which story is closest can hang on
   * the last bit.
   */
  private cosine(itemTerms: ItemTerm[], norm2: number, story: StoryState): number {
    let dot = 0;
    for (const { t, w } of itemTerms) {
      const n = story.terms.get(t);
      if (n !== undefined) dot += w * ((1 + Math.log(n)) * this.df.idf(t) * this.weightOf(t));
    }
    const { terms, tfs } = story.profile;
    const docs1 = this.df.docs + 1;
    let storyNorm2 = 0;
    for (let i = 0; i < terms.length; i++) {
      const v = tfs[i] * (Math.log(docs1 / (this.liveFreq(story, i).n + 1)) + 1) * this.weightOf(terms[i]);
      storyNorm2 += v * v;
    }
    return norm2 && storyNorm2 ? dot / Math.sqrt(norm2 * storyNorm2) : 0;
  }

  /** The current count of the story's i-th profile term (looked up again once it left the window). */
  private liveFreq(story: StoryState, i: number): Readonly<TermFreq> {
    const { freqs, terms } = story.profile;
    let f = freqs[i];
    if (f.gone) f = freqs[i] = this.df.freq(terms[i]);
    return f;
  }

  private join(story: StoryState, item: StoryItem, sig: Uint32Array, counts: TermCounts): void {
    story.size++;
    story.firstSeen = Math.min(story.firstSeen, item.at);
    story.lastSeen = Math.max(story.lastSeen, item.at);
    story.sources.add(item.source);
    if (item.lang !== 'und') story.langs.add(item.lang);
    // Keep signatures that add something: an exact repost would only repeat the first one.
    if (story.sigs.length < MAX_SIGNATURES && !story.sigs.some((s) => sameSlots(s, sig, REPEAT_SLOTS) >= REPEAT_SLOTS)) {
      story.sigs.push(sig);
      story.encoded.push(encodeSignature(sig));
      this.lsh.add(sig, story.id);
    }
    for (const [t, n] of counts) story.terms.set(t, (story.terms.get(t) ?? 0) + n);
    if (story.terms.size > MAX_TERMS * 2) {
      for (const t of trimTerms(story.terms)) {
        const i = story.termAt.get(t);
        if (i !== undefined) this.unhold(story, i);
      }
      this.reprofile(story);
    }
    // Only the item's terms changed: the rest of the profile, and of the holders, stays as it was
    // (new terms go last, as they do in `story.terms`).
    // A term the story holds is listed in `byTerm` already (a term only just profiled after a trim is not held yet).
    const p = story.profile;
    for (const t of counts.keys()) {
      let i = story.termAt.get(t);
      if (i === undefined || p.held[i] < 0) this.indexTerm(t, story);
      const n = story.terms.get(t);
      if (n === undefined) continue;
      const tf = 1 + Math.log(n);
      const unit = tf * this.weightOf(t);
      if (i === undefined) {
        story.termAt.set(t, (i = p.terms.length));
        p.terms.push(t);
        p.freqs.push(this.df.freq(t));
        p.held.push(-1);
      }
      p.tfs[i] = tf;
      p.units[i] = unit;
      this.hold(story, i);
    }
    let units2 = 0;
    for (const unit of p.units) units2 += unit * unit;
    p.units2 = units2;
    this.changed.add(story);
  }

  private weightOf(term: string): number {
    return this.watch.has(term) ? this.opts.watchWeight : 1;
  }

  /** Builds the profile anew from `story.terms`; a term already listed among holders stays so. */
  private reprofile(story: StoryState): void {
    const old = story.profile;
    const termAt = new Map<string, number>();
    const p = emptyProfile();
    for (const [t, n] of story.terms) {
      const tf = 1 + Math.log(n);
      const unit = tf * this.weightOf(t);
      const was = story.termAt.get(t);
      termAt.set(t, p.terms.length);
      p.terms.push(t);
      p.tfs.push(tf);
      p.units.push(unit);
      p.freqs.push(this.df.freq(t));
      p.held.push(was === undefined ? -1 : old.held[was]);
      p.units2 += unit * unit;
    }
    story.profile = p;
    story.termAt = termAt;
  }

  /**
   * An upper bound of the story's cosine with the item, from the sums over shared terms only: every
   * IDF is at least 1, so the words not shared weigh at least their units (most candidates share a
   * word or two and stop here). 0 when nothing is shared.
   */
  private bound(norm2: number, story: StoryState): number {
    const s = story.slot;
    const dot = this.sums.dot[s];
    if (!dot) return 0;
    return dot / Math.sqrt(norm2 * (this.sums.shared2[s] + Math.max(0, story.profile.units2 - this.sums.sharedUnits2[s])));
  }

  /**
   * Whether the cosine of the item's vector and the story's profile, as `weigh` and `cosine` give it
   * up to rounding, falls short of `bar`. Most candidates do, and adding a square never makes the
   * story's norm smaller, so the sum is checked on the way and left as soon as it says so: the same
   * answer as the whole sum, for a fraction of the terms.
   */
  private estimateBelow(norm2: number, story: StoryState, base: number, bar: number): boolean {
    const { terms, units } = story.profile;
    const dot = this.sums.dot[story.slot];
    let storyNorm2 = 0;
    for (let i = 0; i < terms.length; i++) {
      const v = units[i] * (base - this.liveFreq(story, i).ln);
      storyNorm2 += v * v;
      if ((i & 7) === 7 && (dot / Math.sqrt(norm2 * storyNorm2)) * (1 + 1e-9) < bar) return true;
    }
    return (norm2 && storyNorm2 ? dot / Math.sqrt(norm2 * storyNorm2) : 0) * (1 + 1e-9) < bar;
  }

  private indexTerm(term: string, story: StoryState): void {
    let set = this.byTerm.get(term);
    if (!set) this.byTerm.set(term, (set = new Set()));
    if (set.has(story)) return;
    set.add(story);
    story.indexed.push(term);
  }

  /** Lists the story among the holders of its i-th profile term, with the term's current unit. */
  private hold(story: StoryState, i: number): void {
    const p = story.profile;
    const term = p.terms[i];
    let holders = this.holders.get(story.topicLang);
    if (!holders) this.holders.set(story.topicLang, (holders = new Map()));
    let holding = holders.get(term);
    if (!holding) holders.set(term, (holding = { stories: [], slots: [], units: [] }));
    const at = p.held[i];
    if (at >= 0) {
      holding.units[at] = p.units[i];
      return;
    }
    p.held[i] = holding.stories.length;
    holding.stories.push(story);
    holding.slots.push(story.slot);
    holding.units.push(p.units[i]);
  }

  private unhold(story: StoryState, i: number): void {
    const p = story.profile;
    const term = p.terms[i];
    const holders = this.holders.get(story.topicLang);
    const holding = holders?.get(term);
    const at = p.held[i];
    if (!holding || at < 0) return;
    p.held[i] = -1;
    // The last holder takes the freed place (the order of holders does not matter).
    const last = holding.stories.length - 1;
    if (at !== last) {
      const moved = holding.stories[last];
      holding.stories[at] = moved;
      holding.slots[at] = moved.slot;
      holding.units[at] = holding.units[last];
      moved.profile.held[moved.termAt.get(term)!] = at;
    }
    holding.stories.pop();
    holding.slots.pop();
    holding.units.pop();
    if (!holding.stories.length) holders!.delete(term);
  }

  private expire(now: number): void {
    this.df.expire(now);
    const horizon = Math.max(this.opts.duplicateWindowMs, this.opts.topicWindowMs);
    if (now - this.oldestLastSeen <= horizon) return;
    this.oldestLastSeen = Infinity;
    for (const story of this.live.values()) {
      if (now - story.lastSeen <= horizon) {
        this.oldestLastSeen = Math.min(this.oldestLastSeen, story.lastSeen);
        continue;
      }
      this.live.delete(story.id);
      this.sums.release(story.slot);
      for (const sig of story.sigs) this.lsh.remove(sig, story.id);
      for (let i = 0; i < story.profile.terms.length; i++) this.unhold(story, i);
      for (const t of story.indexed) {
        const set = this.byTerm.get(t);
        set?.delete(story);
        if (set && !set.size) this.byTerm.delete(t);
      }
    }
  }
}

/** Keeps the story's strongest terms; returns the ones dropped. */
function trimTerms(terms: TermCounts): string[] {
  const ranked = byStrength(terms);
  const kept = ranked.slice(0, MAX_TERMS).map((t) => [t, terms.get(t)!] as const);
  terms.clear();
  for (const [t, n] of kept) terms.set(t, n);
  return ranked.slice(MAX_TERMS);
}

/**
 * The terms from the most frequent down, equal counts in the map's order: what a stable sort of
 * the entries by count gives, through one numeric sort of count·size + (size − 1 − position) keys
 * instead of a comparator, because a story's terms are ranked each time it is saved, after nearly
 * every item.
 */
function byStrength(terms: TermCounts): string[] {
  const size = terms.size;
  const list: string[] = [];
  const keys = new Float64Array(size);
  terms.forEach((n, t) => {
    keys[list.length] = n * size + (size - 1 - list.length);
    list.push(t);
  });
  keys.sort();
  const out: string[] = [];
  for (let k = size - 1; k >= 0; k--) out.push(list[size - 1 - (keys[k] % size)]);
  return out;
}

/**
 * The strongest terms with their counts, as stored in the signature. Without a prototype: an
 * ordinary object given some sixty new keys goes through as many shapes, and cost several times more.
 */
function strongest(terms: TermCounts): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const t of byStrength(terms).slice(0, MAX_TERMS)) out[t] = terms.get(t)!;
  return out;
}

function toStory(s: StoryState): Story {
  return {
    id: s.id,
    representativeId: s.representativeId,
    size: s.size,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    sources: [...s.sources].sort(),
    langs: [...s.langs].sort(),
    signature: {
      minhashes: [...s.encoded],
      terms: strongest(s.terms),
    },
  };
}
