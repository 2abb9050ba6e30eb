/**
 * Query evaluation against an indexed item. Every word a query can match is an "atom" in a
 * shared vocabulary (exact word with its plural forms, prefix, or language stem). An item is
 * tokenised once; each token is looked up once (cached per distinct word) and its position is
 * appended to the atoms it satisfies. Queries then only read those position lists, so the cost
 * per item hardly grows with the number of rules, and nothing is compiled per item.
 */
import { pluralForms, stem, tokenize, type Lang, type Token } from '../text.ts';
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

export type CompiledNode =
  | { k: 'seq'; slots: Slot[]; label: string }
  | { k: 'and' | 'or'; c: CompiledNode[] }
  | { k: 'not'; c: CompiledNode }
  | { k: 'near'; l: CompiledNode; r: CompiledNode; n: number }
  | { k: 'field'; f: TextField; c: CompiledNode }
  | { k: 'value'; f: ValueField; v: string; prefix: boolean };

interface TermAtoms {
  any: number[];
  en: number[];
  fr: number[];
}

const NONE: TermAtoms = { any: [], en: [], fr: [] };

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
  private cache = new Map<string, TermAtoms>();
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
      case 'near':
        return { k: 'near', n: node.distance, l: this.compile(node.left, stemLangs), r: this.compile(node.right, stemLangs) };
      case 'field':
        return { k: 'field', f: node.field, c: this.compile(node.child, stemLangs) };
      case 'value':
        return { k: 'value', f: node.field, v: node.value, prefix: node.prefix };
    }
  }

  /** The atoms a folded item token satisfies, per language for stems. */
  lookup(term: string): TermAtoms {
    let hit = this.cache.get(term);
    if (hit) return hit;
    const any = new Set<number>();
    const en = new Set<number>();
    const fr = new Set<number>();
    // A tag or handle also counts as its bare word: `police` finds `#police`, not the reverse.
    for (const form of term[0] === '#' || term[0] === '@' ? [term, term.slice(1)] : [term]) {
      for (const a of this.exact.get(form) ?? []) any.add(a);
      let node: TrieNode | undefined = this.prefixes;
      for (let i = 0; i < form.length && node; i++) {
        node = node.next.get(form[i]);
        if (node) for (const a of node.atoms) any.add(a);
      }
      if (this.usesStems.en) for (const a of this.stems.en.get(stem(form, 'en')) ?? []) en.add(a);
      if (this.usesStems.fr) for (const a of this.stems.fr.get(stem(form, 'fr')) ?? []) fr.add(a);
    }
    hit = any.size || en.size || fr.size ? { any: [...any], en: [...en], fr: [...fr] } : NONE;
    // Bounded: a long back-test sees an open-ended vocabulary.
    if (this.cache.size >= 200_000) this.cache = new Map();
    this.cache.set(term, hit);
    return hit;
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
 * One item's words, as positions per atom. Reused from item to item: a generation number marks
 * which lists are current, so nothing is cleared or allocated for atoms the item lacks.
 */
export class ItemIndex {
  private readonly pos: number[][] = [];
  private gens = new Int32Array(0);
  private gen = 0;
  source = '';
  lang: Lang | 'und' = 'und';
  readonly ranges: Record<TextField | 'body', Range> = { title: [0, 0], text: [0, 0], author: [0, 0], body: [0, 0] };
  /** Folded word at each position, kept only when explaining. */
  words: Map<number, string> | null = null;
  /** Atoms found in this item, so rules that use none of them can be skipped. */
  readonly found: number[] = [];

  constructor(private readonly vocab: Vocabulary) {}

  load(item: IndexedText, keepWords = false, tokens?: ItemTokens): this {
    const n = this.vocab.size;
    if (this.gens.length < n) {
      const gens = new Int32Array(Math.max(n, this.gens.length * 2));
      gens.set(this.gens);
      this.gens = gens;
    }
    while (this.pos.length < n) this.pos.push([]);
    this.gen++;
    this.found.length = 0;
    this.source = item.source.toLowerCase();
    this.lang = item.lang;
    this.words = keepWords ? new Map() : null;
    const title = this.add(tokens?.title ?? tokenize(item.title), 0);
    const textStart = title + GAP;
    const textEnd = this.add(tokens?.text ?? tokenize(item.text), textStart);
    const authorStart = textEnd + GAP;
    const author = item.author ? (tokens?.author ?? tokenize(item.author)) : null;
    const authorEnd = author ? this.add(author, authorStart) : authorStart;
    this.ranges.title = [0, title];
    this.ranges.text = [textStart, textEnd];
    this.ranges.author = [authorStart, authorEnd];
    this.ranges.body = [0, textEnd];
    return this;
  }

  kindOf(atom: number): AtomKind {
    return this.vocab.kinds[atom];
  }

  /** Sorted positions of an atom in this item, or null. */
  positions(atom: number): number[] | null {
    return this.gens[atom] === this.gen ? this.pos[atom] : null;
  }

  private add(tokens: readonly Token[], offset: number): number {
    const en = this.lang !== 'fr';
    const fr = this.lang !== 'en';
    for (const { term, pos } of tokens) {
      const p = offset + pos;
      const hit = this.vocab.lookup(term);
      if (hit !== NONE) {
        this.mark(hit.any, p);
        if (en) this.mark(hit.en, p);
        if (fr) this.mark(hit.fr, p);
      }
      this.words?.set(p, term);
    }
    return offset + tokens.length;
  }

  private mark(atoms: number[], p: number): void {
    for (const a of atoms) {
      if (this.gens[a] !== this.gen) {
        this.gens[a] = this.gen;
        this.pos[a].length = 0;
        this.found.push(a);
      }
      const list = this.pos[a];
      if (list[list.length - 1] !== p) list.push(p);
    }
  }
}

/** Whether the query holds for the item. */
export function matches(node: CompiledNode, ix: ItemIndex, range: Range = ix.ranges.body): boolean {
  switch (node.k) {
    case 'seq':
      return node.slots.length === 1 ? slotIn(node.slots[0], ix, range[0], range[1]) : seqSpans(node.slots, ix, range, true).length > 0;
    case 'and':
      return node.c.every((c) => matches(c, ix, range));
    case 'or':
      return node.c.some((c) => matches(c, ix, range));
    case 'not':
      return !matches(node.c, ix, range);
    case 'near':
      return nearSpans(node, ix, range, true).length > 0;
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

/** A run of positions [from, to] where a positional node holds. */
export type Span = readonly [number, number];

/** The spans where a word, phrase, OR group or NEAR holds within `range`. */
export function spans(node: CompiledNode, ix: ItemIndex, range: Range = ix.ranges.body): Span[] {
  switch (node.k) {
    case 'seq':
      return seqSpans(node.slots, ix, range, false);
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

function slotAt(slot: Slot, ix: ItemIndex, p: number): boolean {
  return slotIn(slot, ix, p, p + 1);
}

/** Whether a sorted list holds a value in [lo, hi). */
function hasIn(list: number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = list.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (list[m] < lo) a = m + 1;
    else b = m;
  }
  return a < list.length && list[a] < hi;
}

function seqSpans(slots: Slot[], ix: ItemIndex, [lo, hi]: Range, first: boolean): Span[] {
  const starts: number[] = [];
  for (const a of slots[0].atoms) for (const p of ix.positions(a) ?? []) if (p >= lo && p + slots.length <= hi) starts.push(p);
  if (slots[0].atoms.length > 1) starts.sort((a, b) => a - b);
  const out: Span[] = [];
  let last = -1;
  for (const p of starts) {
    if (p === last) continue;
    last = p;
    let k = 1;
    while (k < slots.length && slotAt(slots[k], ix, p + k)) k++;
    if (k === slots.length) {
      out.push([p, p + k - 1]);
      if (first) break;
    }
  }
  return out;
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

/** A word or phrase of the query that contributed to a match. */
export interface LeafMatch {
  /** The query text, e.g. `polic*` or `"Ottawa Police Service"`. */
  query: string;
  /** Which mechanism matched: exact/plural word, wildcard prefix, or language stem. */
  via: AtomKind[];
  /** The item's folded words that matched, e.g. `policiers`. */
  found: string[];
  /** Occurrences in the title, the text and the author. */
  title: number;
  text: number;
  author: number;
}

/**
 * The words and phrases that make a matching query hold: every positive leaf found in its
 * range. Leaves under NOT are left out, as their absence is what counted.
 */
export function collect(node: CompiledNode, ix: ItemIndex, out: LeafMatch[] = [], range: Range = ix.ranges.body): LeafMatch[] {
  switch (node.k) {
    case 'seq': {
      const found = seqSpans(node.slots, ix, range, false);
      if (found.length) out.push(describeLeaf(node, found, ix));
      break;
    }
    case 'and':
    case 'or':
      for (const c of node.c) if (matches(c, ix, range)) collect(c, ix, out, range);
      break;
    case 'near': {
      const found = nearSpans(node, ix, range, false);
      const [lo, hi] = range;
      // Only the occurrences that sit near each other, not every occurrence of either side.
      for (const [a, b] of found) collect({ k: 'or', c: [node.l, node.r] }, ix, out, [Math.max(lo, a), Math.min(hi, b + 1)]);
      break;
    }
    case 'field':
      collect(node.c, ix, out, ix.ranges[node.f]);
      break;
    default:
      break;
  }
  return out;
}

function describeLeaf(node: Extract<CompiledNode, { k: 'seq' }>, found: Span[], ix: ItemIndex): LeafMatch {
  const via = new Set<AtomKind>();
  const words = new Set<string>();
  const count = { title: 0, text: 0, author: 0 };
  for (const [from, to] of found) {
    const field = from < ix.ranges.title[1] ? 'title' : from < ix.ranges.text[1] ? 'text' : 'author';
    count[field]++;
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
