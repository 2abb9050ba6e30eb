/**
 * Query evaluation against an indexed item. Every word a query can match is an "atom" in a
 * shared vocabulary (exact word with its plural forms, prefix, or language stem). An item is
 * tokenised once; each token is looked up once (cached per distinct word) and its position is
 * appended to the atoms it satisfies. Queries then only read those position lists, so the cost
 * per item hardly grows with the number of rules, and nothing is compiled per item.
 *
 * Whether a query holds is answered without building anything (matches()); what made it hold is
 * walked only for queries that do (visitLeaves()), counted for a hit's score and terms
 * (LeafTally) or described in full for explanations (collect()).
 */
import { fold, isStopWord, pluralForms, scanTerms, stem, termsOf, unitsHash, type Lang, type TermSink, type Token } from '../text.ts';
import { grown } from '../grow.ts';
import type { ItemTokens } from '../types.ts';
import { MAX_NEAR, type QueryNode, type TextField, type ValueField } from './ast.ts';

/** Distance kept between title, text and author positions, so no phrase or NEAR spans two fields. */
const GAP = MAX_NEAR * 10;

/** One query word: the atoms whose positions count for it (plain form, then stems). */
export interface Slot {
  atoms: number[];
  /** The word as the query folded it, with `*` for a prefix. */
  label: string;
}

/** A word or phrase on a side of NEAR made only of words, phrases, OR and fields. */
interface FlatLeaf {
  slots: Slot[];
  /** The field it is restricted to, if any: a field replaces the range it is tested in. */
  field: TextField | null;
}

export type CompiledNode =
  | { k: 'seq'; slots: Slot[]; label: string }
  | { k: 'and' | 'or'; c: CompiledNode[] }
  | { k: 'not'; c: CompiledNode }
  | { k: 'near'; l: CompiledNode; r: CompiledNode; n: number; flat: [FlatLeaf[], FlatLeaf[]] | null }
  | { k: 'field'; f: TextField; c: CompiledNode }
  | { k: 'value'; f: ValueField; v: string; prefix: boolean };

/** The atoms a word satisfies in an item of each language: stems count only in their own. */
type TermAtoms = Record<Lang | 'und', number[]>;

const NONE: TermAtoms = { en: [], fr: [], und: [] };

/**
 * Words seen lately and their atoms, in an open-addressing table of fixed size emptied when half
 * full: one-off tokens (ids in links, numbers) cannot grow it, and it stays small enough to sit
 * in the processor cache. Every token of every item is looked up here; on fresh token strings
 * this measured about a third cheaper than a Map.
 */
class WordCache {
  private static readonly SIZE = 1 << 15;
  private readonly slots = new Int32Array(WordCache.SIZE).fill(-1);
  private readonly words: string[] = [];
  private readonly values: TermAtoms[] = [];
  // The words' units end to end, and where each starts and how long it is.
  private chars = new Uint16Array(1 << 16);
  private used = 0;
  private readonly starts = new Int32Array(WordCache.SIZE / 2);
  private readonly lengths = new Int32Array(WordCache.SIZE / 2);

  get(word: string): TermAtoms | undefined {
    const mask = WordCache.SIZE - 1;
    for (let i = unitsHash(word, 0, word.length) & mask; ; i = (i + 1) & mask) {
      const k = this.slots[i];
      if (k < 0) return undefined;
      if (this.words[k] === word) return this.values[k];
    }
  }

  /**
   * get() of text.slice(start, end), whose unitsHash() is `hash`, without making that string;
   * compared unit by unit in typed arrays when the scanner gives the text's `units`.
   */
  getSpan(text: string, start: number, end: number, hash: number, units: Uint16Array | null): TermAtoms | undefined {
    const mask = WordCache.SIZE - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = this.slots[i];
      if (k < 0) return undefined;
      if (units ? this.sameAt(k, units, start, length) : sameUnits(this.words[k], text, start, length)) return this.values[k];
    }
  }

  /** Whether the k-th word is units[start, start + length). */
  private sameAt(k: number, units: Uint16Array, start: number, length: number): boolean {
    if (this.lengths[k] !== length) return false;
    const chars = this.chars;
    const at = this.starts[k];
    for (let i = 0; i < length; i++) if (chars[at + i] !== units[start + i]) return false;
    return true;
  }

  set(word: string, value: TermAtoms): void {
    if (this.words.length >= WordCache.SIZE / 2) this.clear();
    const mask = WordCache.SIZE - 1;
    let i = unitsHash(word, 0, word.length) & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    const k = this.words.length;
    this.slots[i] = k;
    this.words.push(word);
    this.values.push(value);
    if (this.used + word.length > this.chars.length) this.chars = grown(this.chars, this.used, 2 * (this.used + word.length));
    for (let j = 0; j < word.length; j++) this.chars[this.used + j] = unitAt.call(word, j);
    this.starts[k] = this.used;
    this.lengths[k] = word.length;
    this.used += word.length;
  }

  clear(): void {
    this.slots.fill(-1);
    this.words.length = 0;
    this.values.length = 0;
    this.used = 0;
  }
}

// Called through the function itself, as in the scanner: item texts come in more string shapes
// than V8's property caches follow, and `text.charCodeAt` then costs a generic lookup per unit.
const unitAt = String.prototype.charCodeAt;

/** Whether `word` is text.slice(start, start + length). */
function sameUnits(word: string, text: string, start: number, length: number): boolean {
  if (word.length !== length) return false;
  for (let i = 0; i < length; i++) if (unitAt.call(word, i) !== unitAt.call(text, start + i)) return false;
  return true;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  atoms: number[];
}

export type AtomKind = 'word' | 'prefix' | 'stem';

/** Registry of atoms and the index from an item's words to them. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly kinds: AtomKind[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly stems = { en: new Map<string, number[]>(), fr: new Map<string, number[]>() };
  private readonly prefixes: TrieNode = { next: new Map(), atoms: [] };
  private readonly cache = new WordCache();
  private usesStems = { en: false, fr: false };

  get size(): number {
    return this.kinds.length;
  }

  /** Compiles a parsed query; `stemLangs` are the languages whose stems its words also match. */
  compile(node: QueryNode, stemLangs: readonly Lang[]): CompiledNode {
    switch (node.type) {
      case 'terms':
        return {
          k: 'seq',
          label: node.text,
          slots: node.words.map((w) => ({
            label: w.prefix ? `${w.term}*` : w.term,
            atoms: w.prefix ? [this.prefixAtom(w.term)] : [this.wordAtom(w.term), ...stemLangs.map((l) => this.stemAtom(w.term, l))],
          })),
        };
      case 'and':
      case 'or':
        return { k: node.type, c: node.children.map((c) => this.compile(c, stemLangs)) };
      case 'not':
        return { k: 'not', c: this.compile(node.child, stemLangs) };
      case 'near': {
        const l = this.compile(node.left, stemLangs);
        const r = this.compile(node.right, stemLangs);
        const left = flatLeaves(l, null);
        const right = flatLeaves(r, null);
        return { k: 'near', n: node.distance, l, r, flat: left && right && [left, right] };
      }
      case 'field':
        return { k: 'field', f: node.field, c: this.compile(node.child, stemLangs) };
      case 'value':
        return { k: 'value', f: node.field, v: node.value, prefix: node.prefix };
    }
  }

  /** The atoms a folded item token satisfies, per item language. */
  lookup(term: string): TermAtoms {
    let hit = this.cache.get(term);
    if (hit !== undefined) return hit;
    hit = this.resolve(term);
    this.cache.set(term, hit);
    return hit;
  }

  /** lookup() of text.slice(start, end), whose unitsHash() is `hash`: a word seen lately costs no string. */
  lookupSpan(text: string, start: number, end: number, hash: number, units: Uint16Array | null): TermAtoms {
    return this.cache.getSpan(text, start, end, hash, units) ?? this.lookup(text.slice(start, end));
  }

  private resolve(term: string): TermAtoms {
    const hit = { any: [] as number[], en: [] as number[], fr: [] as number[] };
    // A tag or handle also counts as its bare word: `police` finds `#police`, not the reverse.
    for (const form of term[0] === '#' || term[0] === '@' ? [term, term.slice(1)] : [term]) {
      addNew(hit.any, this.exact.get(form));
      let node: TrieNode | undefined = this.prefixes;
      for (let i = 0; i < form.length && node; i++) {
        node = node.next.get(form[i]);
        if (node) addNew(hit.any, node.atoms);
      }
      if (this.usesStems.en) addNew(hit.en, this.stems.en.get(stem(form, 'en')));
      if (this.usesStems.fr) addNew(hit.fr, this.stems.fr.get(stem(form, 'fr')));
    }
    if (!hit.any.length && !hit.en.length && !hit.fr.length) return NONE;
    // Word, prefix and each language's stem atoms are distinct, so joining them repeats none.
    return { en: [...hit.any, ...hit.en], fr: [...hit.any, ...hit.fr], und: [...hit.any, ...hit.en, ...hit.fr] };
  }

  private atom(key: string, kind: AtomKind): { id: number; fresh: boolean } {
    const known = this.ids.get(key);
    if (known !== undefined) return { id: known, fresh: false };
    const id = this.kinds.length;
    this.kinds.push(kind);
    this.ids.set(key, id);
    this.cache.clear();
    return { id, fresh: true };
  }

  private wordAtom(term: string): number {
    const { id, fresh } = this.atom(`w:${term}`, 'word');
    if (fresh) for (const form of pluralForms(term)) push(this.exact, form, id);
    return id;
  }

  private prefixAtom(prefix: string): number {
    const { id, fresh } = this.atom(`p:${prefix}`, 'prefix');
    if (fresh) {
      let node = this.prefixes;
      for (const ch of prefix) {
        let child = node.next.get(ch);
        if (!child) node.next.set(ch, (child = { next: new Map(), atoms: [] }));
        node = child;
      }
      node.atoms.push(id);
    }
    return id;
  }

  private stemAtom(term: string, lang: Lang): number {
    const s = stem(term, lang);
    const { id, fresh } = this.atom(`s:${lang}:${s}`, 'stem');
    if (fresh) {
      push(this.stems[lang], s, id);
      this.usesStems[lang] = true;
    }
    return id;
  }
}

/**
 * The words and phrases whose occurrences are a node's spans, when it is made only of them, OR
 * and fields; null when it holds a NEAR. AND, NOT and values have no spans and add none.
 */
function flatLeaves(node: CompiledNode, field: TextField | null, out: FlatLeaf[] = []): FlatLeaf[] | null {
  switch (node.k) {
    case 'seq':
      out.push({ slots: node.slots, field });
      return out;
    case 'or':
      for (const c of node.c) if (!flatLeaves(c, field, out)) return null;
      return out;
    case 'field':
      return flatLeaves(node.c, node.f, out);
    case 'near':
      return null;
    default:
      return out;
  }
}

/** Appends the atoms `list` does not hold yet: a word seldom satisfies more than a few. */
function addNew(list: number[], atoms: readonly number[] | undefined): void {
  if (atoms) for (const a of atoms) if (!list.includes(a)) list.push(a);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface IndexedText {
  title: string;
  text: string;
  author?: string | null;
  source: string;
  lang: Lang | 'und';
}

type Range = readonly [number, number];

/**
 * The words of a field that have atoms in the item's language, with their positions, gathered as
 * the scanner finds the words. Most words of a post have none, and are only counted.
 */
class FieldAtoms implements TermSink {
  /** Reused from field to field: entries from `found` on are stale. */
  readonly atoms: (readonly number[])[] = [];
  readonly at: number[] = [];
  found = 0;
  /** Words scanned so far: the next word's position in the field. */
  size = 0;
  lang: Lang | 'und' = 'und';

  constructor(private readonly vocab: Vocabulary) {}

  span(text: string, start: number, end: number, hash: number, units: Uint16Array | null): void {
    this.add(this.vocab.lookupSpan(text, start, end, hash, units));
  }

  term(term: string): void {
    this.add(this.vocab.lookup(term));
  }

  restart(): void {
    this.size = this.found = 0;
  }

  private add(atoms: TermAtoms): void {
    if (atoms !== NONE) {
      const list = atoms[this.lang];
      if (list.length) {
        this.atoms[this.found] = list;
        this.at[this.found++] = this.size;
      }
    }
    this.size++;
  }
}

/**
 * One item's words, as positions per atom. Reused from item to item: a generation number marks
 * which lists are current, so nothing is cleared or allocated for atoms the item lacks.
 */
export class ItemIndex {
  private readonly pos: number[][] = [];
  private gens = new Int32Array(0);
  private gen = 0;
  source = '';
  lang: Lang | 'und' = 'und';
  // Set in place item after item: queries read them only while the item is loaded.
  readonly ranges: Record<TextField | 'body', [number, number]> = { title: [0, 0], text: [0, 0], author: [0, 0], body: [0, 0] };
  /** Folded word at each position, kept only when explaining. */
  words: Map<number, string> | null = null;
  /** Atoms found in this item, so rules that use none of them can be skipped. */
  readonly found: number[] = [];

  /** The words of the field being scanned. */
  private readonly field: FieldAtoms;

  constructor(private readonly vocab: Vocabulary) {
    this.field = new FieldAtoms(vocab);
  }

  load(item: IndexedText, keepWords = false, tokens?: ItemTokens): this {
    const n = this.vocab.size;
    if (this.gens.length < n) this.gens = grown(this.gens, this.gens.length, n);
    while (this.pos.length < n) this.pos.push([]);
    this.gen++;
    this.found.length = 0;
    this.source = item.source.toLowerCase();
    this.lang = item.lang;
    this.words = keepWords ? new Map() : null;
    const title = this.addField(item.title, tokens?.title, 0);
    const textStart = title + GAP;
    const textEnd = this.addField(item.text, tokens?.text, textStart);
    const authorStart = textEnd + GAP;
    const authorEnd = item.author ? this.addField(item.author, tokens?.author, authorStart) : authorStart;
    this.ranges.title[1] = title;
    this.ranges.text[0] = textStart;
    this.ranges.text[1] = textEnd;
    this.ranges.author[0] = authorStart;
    this.ranges.author[1] = authorEnd;
    this.ranges.body[1] = textEnd;
    return this;
  }

  kindOf(atom: number): AtomKind {
    return this.vocab.kinds[atom];
  }

  /** Sorted positions of an atom in this item, or null. */
  positions(atom: number): number[] | null {
    return this.gens[atom] === this.gen ? this.pos[atom] : null;
  }

  /** Whether any of the atoms occurs anywhere in this item. */
  hasAny(atoms: readonly number[]): boolean {
    for (const a of atoms) if (this.gens[a] === this.gen) return true;
    return false;
  }

  /** The field a position lies in. */
  fieldAt(p: number): TextField {
    return p < this.ranges.title[1] ? 'title' : p < this.ranges.text[1] ? 'text' : 'author';
  }

  /**
   * Indexes a field from `offset` on, from the caller's tokens or else as it is scanned, each
   * word looked up where it lies in the text: the back-test's million items then make no object
   * or string per word. Returns the field's end.
   */
  private addField(raw: string, tokens: readonly Token[] | null | undefined, offset: number): number {
    if (tokens) return this.addTokens(tokens, offset);
    if (this.words) return this.addTerms(termsOf(raw), offset);
    const field = this.field;
    field.restart();
    field.lang = this.lang;
    scanTerms(fold(raw), field);
    for (let i = 0; i < field.found; i++) this.addAtoms(field.atoms[i], offset + field.at[i]);
    return offset + field.size;
  }

  /** Indexes terms from `offset` on, a term's position being its index; returns the end. */
  private addTerms(terms: readonly string[], offset: number): number {
    for (let i = 0; i < terms.length; i++) this.addTerm(terms[i], offset + i);
    return offset + terms.length;
  }

  private addTokens(tokens: readonly Token[], offset: number): number {
    for (let i = 0; i < tokens.length; i++) this.addTerm(tokens[i].term, offset + tokens[i].pos);
    return offset + tokens.length;
  }

  private addTerm(term: string, p: number): void {
    this.addAtoms(this.vocab.lookup(term)[this.lang], p);
    this.words?.set(p, term);
  }

  private addAtoms(atoms: readonly number[], p: number): void {
    // Positions only grow and a token lists an atom once, so each list stays sorted and unique.
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
      if (this.gens[a] === this.gen) {
        this.pos[a].push(p);
      } else {
        this.gens[a] = this.gen;
        // A fresh list: emptying the old one in place (length = 0) costs more.
        this.pos[a] = [p];
        this.found.push(a);
      }
    }
  }
}

/** Whether the query holds for the item. */
export function matches(node: CompiledNode, ix: ItemIndex, range: Range = ix.ranges.body): boolean {
  switch (node.k) {
    case 'seq':
      return seqHolds(node.slots, ix, range[0], range[1]);
    case 'and':
      for (const c of node.c) if (!matches(c, ix, range)) return false;
      return true;
    case 'or':
      for (const c of node.c) if (matches(c, ix, range)) return true;
      return false;
    case 'not':
      return !matches(node.c, ix, range);
    case 'near':
      return node.flat ? flatNearHolds(node.flat, node.n, ix, range) : nearSpans(node, ix, range, true).length > 0;
    case 'field':
      return matches(node.c, ix, ix.ranges[node.f]);
    case 'value': {
      const actual = node.f === 'source' ? ix.source : ix.lang;
      return node.prefix ? actual.startsWith(node.v) : actual === node.v;
    }
  }
}

/** Every atom a query reads. */
export function atomsOf(node: CompiledNode, out: Set<number> = new Set()): Set<number> {
  switch (node.k) {
    case 'seq':
      for (const slot of node.slots) for (const a of slot.atoms) out.add(a);
      break;
    case 'and':
    case 'or':
      for (const c of node.c) atomsOf(c, out);
      break;
    case 'not':
    case 'field':
      atomsOf(node.c, out);
      break;
    case 'near':
      atomsOf(node.l, out);
      atomsOf(node.r, out);
      break;
    default:
      break;
  }
  return out;
}

/** Whether a query can hold for an item in which none of its atoms occurs (NOT x, source:y). */
export function holdsWithoutAtoms(node: CompiledNode): boolean {
  switch (node.k) {
    case 'seq':
    case 'near':
      return false;
    case 'and':
      return node.c.every(holdsWithoutAtoms);
    case 'or':
      return node.c.some(holdsWithoutAtoms);
    case 'field':
      return holdsWithoutAtoms(node.c);
    case 'not':
    case 'value':
      return true;
  }
}

/**
 * Groups of atoms of which an item must hold at least one each for the query to hold: every
 * word of a phrase, both sides of an AND or a NEAR, a key word of each branch of an OR. Checking
 * them costs a few array reads, so most queries that cannot hold are dismissed without a
 * position search. `common` is as for keyAtoms().
 */
export function neededAtoms(node: CompiledNode, common?: ReadonlySet<number>, out: number[][] = []): number[][] {
  switch (node.k) {
    case 'seq':
      for (const slot of node.slots) out.push(slot.atoms);
      break;
    case 'and':
      for (const c of node.c) neededAtoms(c, common, out);
      break;
    case 'or': {
      const key = keyAtoms(node, common);
      if (key) out.push(key);
      break;
    }
    case 'near':
      neededAtoms(node.l, common, out);
      neededAtoms(node.r, common, out);
      break;
    case 'field':
      neededAtoms(node.c, common, out);
      break;
    default:
      // NOT and source:/lang: hold without any word.
      break;
  }
  return out;
}

/**
 * One group of atoms of which an item must hold one for the query to hold, or null when it may
 * hold without any (NOT x, source:y). Chosen to be rare, as it decides which items try the query:
 * of a phrase, a word that is neither a stop word nor among the `common` atoms (words that many
 * rules read, like the institution's name, are in many items too), the longest such; of an AND
 * or NEAR, the first side with the fewest common atoms.
 */
export function keyAtoms(node: CompiledNode, common?: ReadonlySet<number>): number[] | null {
  switch (node.k) {
    case 'seq': {
      let best = node.slots[0];
      let bestRank = slotRank(best, common);
      for (const slot of node.slots) {
        const rank = slotRank(slot, common);
        if (rank < bestRank || (rank === bestRank && slot.label.length > best.label.length)) [best, bestRank] = [slot, rank];
      }
      return best.atoms;
    }
    case 'or': {
      const all = new Set<number>();
      for (const c of node.c) {
        const key = keyAtoms(c, common);
        if (!key) return null;
        for (const a of key) all.add(a);
      }
      return [...all];
    }
    case 'and':
      return rarest(node.c.map((c) => keyAtoms(c, common)), common);
    case 'near':
      return rarest([keyAtoms(node.l, common), keyAtoms(node.r, common)], common);
    case 'field':
      return keyAtoms(node.c, common);
    default:
      return null;
  }
}

/** 2 for a stop word, 1 for a common word, 0 for any other. */
function slotRank(slot: Slot, common: ReadonlySet<number> | undefined): number {
  return isStopWord(slot.label) ? 2 : commonCount(slot.atoms, common) ? 1 : 0;
}

function commonCount(atoms: readonly number[], common: ReadonlySet<number> | undefined): number {
  let n = 0;
  if (common) for (const a of atoms) if (common.has(a)) n++;
  return n;
}

/** The first of the keys with the fewest common atoms, skipping nulls. */
function rarest(keys: (number[] | null)[], common: ReadonlySet<number> | undefined): number[] | null {
  let best: number[] | null = null;
  for (const key of keys) if (key && (!best || commonCount(key, common) < commonCount(best, common))) best = key;
  return best;
}

/**
 * Atoms any occurrence of which in the title or text makes the query hold, whatever else the item
 * holds: the one-word branches of a top-level OR.
 */
export function sufficientAtoms(node: CompiledNode, out: Set<number>): Set<number> {
  if (node.k === 'seq' && node.slots.length === 1) for (const a of node.slots[0].atoms) out.add(a);
  if (node.k === 'or') for (const c of node.c) sufficientAtoms(c, out);
  return out;
}

/** A run of positions [from, to] where a positional node holds. */
export type Span = readonly [number, number];

/** The spans where a word, phrase, OR group or NEAR holds within `range`. */
export function spans(node: CompiledNode, ix: ItemIndex, range: Range = ix.ranges.body): Span[] {
  switch (node.k) {
    case 'seq':
      return seqSpans(node.slots, ix, range);
    case 'or':
      return node.c.flatMap((c) => spans(c, ix, range)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    case 'near':
      return nearSpans(node, ix, range, false);
    case 'field':
      return spans(node.c, ix, ix.ranges[node.f]);
    default:
      return [];
  }
}

function slotIn(slot: Slot, ix: ItemIndex, lo: number, hi: number): boolean {
  for (const a of slot.atoms) {
    const list = ix.positions(a);
    if (list && hasIn(list, lo, hi)) return true;
  }
  return false;
}

/** Whether the slots after the first hold at the positions that follow `p`. */
function restAt(slots: Slot[], ix: ItemIndex, p: number): boolean {
  for (let k = 1; k < slots.length; k++) if (!slotIn(slots[k], ix, p + k, p + k + 1)) return false;
  return true;
}

/** First index of a sorted list whose value is ≥ lo. */
function lowerBound(list: number[], lo: number): number {
  let a = 0;
  let b = list.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (list[m] < lo) a = m + 1;
    else b = m;
  }
  return a;
}

/** Whether a sorted list holds a value in [lo, hi). */
function hasIn(list: number[], lo: number, hi: number): boolean {
  const a = lowerBound(list, lo);
  return a < list.length && list[a] < hi;
}

/** Whether a word or phrase occurs within [lo, hi): the yes/no of seqSpans(), without building spans. */
function seqHolds(slots: Slot[], ix: ItemIndex, lo: number, hi: number): boolean {
  if (slots.length === 1) return slotIn(slots[0], ix, lo, hi);
  const lastStart = hi - slots.length;
  for (const a of slots[0].atoms) {
    const list = ix.positions(a);
    if (!list) continue;
    for (let i = lowerBound(list, lo); i < list.length && list[i] <= lastStart; i++) if (restAt(slots, ix, list[i])) return true;
  }
  return false;
}

function seqSpans(slots: Slot[], ix: ItemIndex, [lo, hi]: Range): Span[] {
  const starts: number[] = [];
  for (const a of slots[0].atoms) for (const p of ix.positions(a) ?? []) if (p >= lo && p + slots.length <= hi) starts.push(p);
  if (slots[0].atoms.length > 1) starts.sort((a, b) => a - b);
  const out: Span[] = [];
  let last = -1;
  for (const p of starts) {
    if (p === last) continue;
    last = p;
    if (restAt(slots, ix, p)) out.push([p, p + slots.length - 1]);
  }
  return out;
}

type FieldCounts = Record<TextField, number>;

/**
 * The occurrences of a word or phrase within [lo, hi), added to `count` per field: what
 * seqSpans() finds, counted without building it. Returns how many there are.
 */
function countSeq(slots: Slot[], ix: ItemIndex, lo: number, hi: number, count: FieldCounts): number {
  const first = slots[0].atoms;
  const lastStart = hi - slots.length;
  let n = 0;
  for (let j = 0; j < first.length; j++) {
    const list = ix.positions(first[j]);
    if (!list) continue;
    for (let i = lowerBound(list, lo); i < list.length && list[i] <= lastStart; i++) {
      const p = list[i];
      // A position that several atoms of the first word share is one occurrence, counted once.
      if (seenBefore(first, j, ix, p) || !restAt(slots, ix, p)) continue;
      count[ix.fieldAt(p)]++;
      n++;
    }
  }
  return n;
}

/** Whether one of the atoms before index `j` also occurs at `p`. */
function seenBefore(atoms: number[], j: number, ix: ItemIndex, p: number): boolean {
  for (let k = 0; k < j; k++) {
    const list = ix.positions(atoms[k]);
    if (list && hasIn(list, p, p + 1)) return true;
  }
  return false;
}

/**
 * Whether NEAR/n holds between two sides made of words and phrases: the yes/no of nearSpans(),
 * found by searching, around each occurrence on the left, the positions a right one may start
 * at, rather than building and pairing both sides' spans.
 */
function flatNearHolds([left, right]: [FlatLeaf[], FlatLeaf[]], n: number, ix: ItemIndex, range: Range): boolean {
  for (const leaf of left) {
    const [lo, hi] = leaf.field ? ix.ranges[leaf.field] : range;
    const len = leaf.slots.length;
    for (const a of leaf.slots[0].atoms) {
      const list = ix.positions(a);
      if (!list) continue;
      for (let i = lowerBound(list, lo); i < list.length && list[i] <= hi - len; i++) {
        const p = list[i];
        if (restAt(leaf.slots, ix, p) && flatNearOf(right, n, ix, range, p, p + len - 1)) return true;
      }
    }
  }
  return false;
}

/** Whether a word or phrase of `side` occurs with 1 to n+1 positions between it and [from, to]. */
function flatNearOf(side: FlatLeaf[], n: number, ix: ItemIndex, range: Range, from: number, to: number): boolean {
  for (const leaf of side) {
    const [lo, hi] = leaf.field ? ix.ranges[leaf.field] : range;
    const len = leaf.slots.length;
    // Starts that leave a gap of 1 to n+1 after [from, to], or before it.
    if (startsIn(leaf.slots, ix, Math.max(lo, to + 1), Math.min(hi - len, to + n + 1))) return true;
    if (startsIn(leaf.slots, ix, Math.max(lo, from - n - len), Math.min(hi - len, from - len))) return true;
  }
  return false;
}

/** Whether the word or phrase starts at a position in [first, last]. */
function startsIn(slots: Slot[], ix: ItemIndex, first: number, last: number): boolean {
  if (first > last) return false;
  for (const a of slots[0].atoms) {
    const list = ix.positions(a);
    if (!list) continue;
    for (let i = lowerBound(list, first); i < list.length && list[i] <= last; i++) if (restAt(slots, ix, list[i])) return true;
  }
  return false;
}

function nearSpans(node: Extract<CompiledNode, { k: 'near' }>, ix: ItemIndex, range: Range, first: boolean): Span[] {
  const left = spans(node.l, ix, range);
  if (!left.length) return [];
  const right = spans(node.r, ix, range);
  const out: Span[] = [];
  for (const a of left) {
    for (const b of right) {
      const gap = b[0] > a[1] ? b[0] - a[1] : a[0] > b[1] ? a[0] - b[1] : 0;
      // n is the number of words allowed between; overlapping spans are one occurrence, not two.
      if (gap > 0 && gap <= node.n + 1) {
        out.push([Math.min(a[0], b[0]), Math.max(a[1], b[1])]);
        if (first) return out;
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export type SeqNode = Extract<CompiledNode, { k: 'seq' }>;

/** Receives each word or phrase that makes a query hold, with the range it counts in. */
export interface LeafSink {
  leaf(node: SeqNode, ix: ItemIndex, range: Range): void;
}

/**
 * Walks what makes a holding query hold: every positive leaf, in its range. Leaves under NOT are
 * left out, as their absence is what counted; under NEAR only the occurrences that sit near each
 * other count, not every occurrence of either side.
 */
export function visitLeaves(node: CompiledNode, ix: ItemIndex, sink: LeafSink, range: Range = ix.ranges.body): void {
  switch (node.k) {
    case 'seq':
      sink.leaf(node, ix, range);
      break;
    case 'and':
    case 'or':
      for (const c of node.c) if (matches(c, ix, range)) visitLeaves(c, ix, sink, range);
      break;
    case 'near': {
      const [lo, hi] = range;
      for (const [a, b] of nearSpans(node, ix, range, false)) {
        const near: Range = [Math.max(lo, a), Math.min(hi, b + 1)];
        if (matches(node.l, ix, near)) visitLeaves(node.l, ix, sink, near);
        if (matches(node.r, ix, near)) visitLeaves(node.r, ix, sink, near);
      }
      break;
    }
    case 'field':
      visitLeaves(node.c, ix, sink, ix.ranges[node.f]);
      break;
    default:
      break;
  }
}

/** A word or phrase of the query that contributed to a match. */
export interface LeafMatch extends FieldCounts {
  /** The query text, e.g. `polic*` or `"Ottawa Police Service"`. */
  query: string;
  /** Which mechanism matched: exact/plural word, wildcard prefix, or language stem. */
  via: AtomKind[];
  /** The item's folded words that matched, e.g. `policiers`. */
  found: string[];
}

/** The words and phrases that make a matching query hold, described for explanations. */
export function collect(node: CompiledNode, ix: ItemIndex, out: LeafMatch[] = [], range: Range = ix.ranges.body): LeafMatch[] {
  visitLeaves(
    node,
    ix,
    {
      leaf(seq, at, r) {
        const found = seqSpans(seq.slots, at, r);
        if (found.length) out.push(describeLeaf(seq, found, at));
      },
    },
    range,
  );
  return out;
}

function describeLeaf(node: SeqNode, found: Span[], ix: ItemIndex): LeafMatch {
  const via = new Set<AtomKind>();
  const words = new Set<string>();
  const count = { title: 0, text: 0, author: 0 };
  for (const [from, to] of found) {
    count[ix.fieldAt(from)]++;
    node.slots.forEach((slot, k) => {
      for (const a of slot.atoms) if (ix.positions(a)?.includes(from + k)) via.add(ix.kindOf(a));
    });
    if (ix.words) {
      const ws: string[] = [];
      for (let p = from; p <= to; p++) ws.push(ix.words.get(p) ?? '');
      words.add(ws.join(' '));
    }
  }
  return { query: node.label, via: [...via], found: [...words], ...count };
}

/**
 * The occurrences per field of each query word or phrase that made queries hold, one entry per
 * query text with the most occurrences any branch found, as mergeLeaves() gives for
 * explanations: what a hit's score and terms need, without describing each leaf. Reused.
 */
export class LeafTally implements LeafSink {
  private readonly labels: string[] = [];
  private readonly counts: FieldCounts[] = [];
  private n = 0;
  private readonly found: FieldCounts = { title: 0, text: 0, author: 0 };

  get size(): number {
    return this.n;
  }

  reset(): void {
    this.n = 0;
  }

  leaf(node: SeqNode, ix: ItemIndex, range: Range): void {
    const f = this.found;
    f.title = f.text = f.author = 0;
    if (!countSeq(node.slots, ix, range[0], range[1], f)) return;
    let i = 0;
    while (i < this.n && this.labels[i] !== node.label) i++;
    const seen = this.counts[i];
    if (i < this.n) {
      seen.title = Math.max(seen.title, f.title);
      seen.text = Math.max(seen.text, f.text);
      seen.author = Math.max(seen.author, f.author);
      return;
    }
    this.labels[i] = node.label;
    if (seen) Object.assign(seen, f);
    else this.counts[i] = { ...f };
    this.n++;
  }

  /** Occurrences per field of the i-th word or phrase found. */
  count(i: number): Readonly<FieldCounts> {
    return this.counts[i];
  }

  /** The query texts found, in the order they were first met. */
  terms(): string[] {
    return this.labels.slice(0, this.n);
  }
}
