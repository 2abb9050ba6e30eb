/**
 * Topic classification: every rule's queries are compiled once into a shared vocabulary, each
 * item is indexed once, and all rules are evaluated against that index.
 */
import type { CompiledRule, RuleQueries } from './loader.ts';
import {
  atomsOf,
  collect,
  holdsWithoutAtoms,
  ItemIndex,
  keyAtoms,
  LeafTally,
  matches,
  neededAtoms,
  sufficientAtoms,
  visitLeaves,
  Vocabulary,
  type CompiledNode,
  type LeafMatch,
} from './query/evaluate.ts';
import type { Lang } from './text.ts';
import type { ItemText, ItemTokens, TopicHit, TopicMatcher } from './types.ts';

type QueryKey = 'any' | Lang;

interface CompiledQuery {
  key: QueryKey;
  node: CompiledNode;
  /** Groups of atoms the item must hold one of each, or the query cannot hold: see neededAtoms(). */
  needs: number[][];
}

type ItemLang = ItemText['lang'];

interface Compiled {
  rule: CompiledRule;
  /** The queries that apply to an item of each language, chosen once here rather than per item. */
  query: Record<ItemLang, CompiledQuery[]>;
  exclude: Record<ItemLang, CompiledQuery[]>;
  languages: Set<string> | null;
  sources: Set<string> | null;
}

export type NoMatchReason = 'language' | 'source' | 'no-query' | 'no-match' | 'excluded';

export interface RuleExplanation {
  ruleId: string;
  matched: boolean;
  /** Why the rule did not match, when it did not. */
  reason?: NoMatchReason;
  /** One line for people, e.g. `excluded by "hockey"`. */
  detail: string;
  /** Which of the rule's queries applied to the item's language. */
  queries: QueryKey[];
  /** The query's words and phrases found in the item, and how (word, prefix, stem). */
  matchedTerms: LeafMatch[];
  /** The exclude query's words and phrases found in the item. */
  excludedBy: LeafMatch[];
  hit?: TopicHit;
}

export interface TopicExplainer extends TopicMatcher {
  explain(item: ItemText): RuleExplanation[];
  /**
   * Which rules hold for the item, as indexes into the rules the matcher was made with, in
   * order: match() without the score and terms, for callers that only count. The array is
   * reused by the next call.
   */
  matchingRules(item: ItemText, tokens?: ItemTokens): readonly number[];
}

export function createTopicMatcher(rules: CompiledRule[]): TopicExplainer {
  const vocab = new Vocabulary();
  const compileAll = (q: RuleQueries | undefined, stems: boolean): Record<ItemLang, CompiledQuery[]> => {
    const byKey: Partial<Record<QueryKey, CompiledNode>> = {};
    for (const key of ['any', 'en', 'fr'] as const) {
      const parsed = q?.[key];
      if (!parsed) continue;
      const stemLangs: Lang[] = !stems ? [] : key === 'any' ? ['en', 'fr'] : [key];
      byKey[key] = vocab.compile(parsed.ast, stemLangs);
    }
    return { en: pick(byKey, 'en'), fr: pick(byKey, 'fr'), und: pick(byKey, 'und') };
  };
  const compiled: Compiled[] = rules.map((rule) => ({
    rule,
    query: compileAll(rule.query, rule.stems),
    exclude: compileAll(rule.exclude, rule.stems),
    languages: rule.languages ? new Set(rule.languages) : null,
    sources: rule.sources ? new Set(rule.sources) : null,
  }));
  const common = commonAtoms(compiled, vocab.size);
  for (const c of compiled) for (const q of allQueries(c)) q.needs = neededAtoms(q.node, common);
  const index = new ItemIndex(vocab);
  // The rules an atom can make true, so that an item only tries the rules one of its words
  // calls for; rules that may hold without any atom are always tried.
  const rulesOfAtom: number[][] = Array.from({ length: vocab.size }, () => []);
  const always: number[] = [];
  compiled.forEach((c, i) => {
    const queries = [...c.query.en, ...c.query.fr, ...c.query.und];
    if (queries.some((q) => holdsWithoutAtoms(q.node))) always.push(i);
    const atoms = new Set<number>();
    for (const q of queries) for (const a of keyAtoms(q.node, common) ?? atomsOf(q.node)) atoms.add(a);
    for (const a of atoms) rulesOfAtom[a].push(i);
  });
  // Per item language, the rules an atom found in the title or text makes hold by itself (a word
  // of a top-level OR, and no exclude to check): most rules that hold are settled this way,
  // without evaluating their query.
  const settledBy = { en: settlingRules('en'), fr: settlingRules('fr'), und: settlingRules('und') };
  function settlingRules(lang: ItemLang): number[][] {
    const byAtom: number[][] = Array.from({ length: vocab.size }, () => []);
    compiled.forEach((c, i) => {
      if (c.exclude[lang].length) return;
      const atoms = new Set<number>();
      for (const q of c.query[lang]) sufficientAtoms(q.node, atoms);
      for (const a of atoms) byAtom[a].push(i);
    });
    return byAtom;
  }
  const settledAt = new Float64Array(compiled.length).fill(-1);
  // Per rule, the number of the last item that made it a candidate: nothing is cleared per item,
  // and an item costs its few candidates rather than a pass over every rule.
  const candidateAt = new Float64Array(compiled.length).fill(-1);
  let itemNo = 0;
  const candidates: number[] = [];
  const tally = new LeafTally();
  const held: number[] = [];

  function addCandidate(r: number): void {
    if (candidateAt[r] === itemNo) return;
    candidateAt[r] = itemNo;
    candidates.push(r);
  }

  /** Loads the item and lists the rules that hold for it in `held`, in rule order. */
  function findHeld(item: ItemText, tokens: ItemTokens | undefined): void {
    index.load(item, false, tokens);
    itemNo++;
    candidates.length = 0;
    for (const r of always) addCandidate(r);
    const settling = settledBy[item.lang];
    const bodyEnd = index.ranges.body[1];
    for (const a of index.found) {
      for (const r of rulesOfAtom[a]) addCandidate(r);
      const settled = settling[a];
      if (settled.length && index.positions(a)![0] < bodyEnd) for (const r of settled) settledAt[r] = itemNo;
    }
    sortSmall(candidates);
    held.length = 0;
    for (const i of candidates) {
      if (settledAt[i] === itemNo ? passesFilters(compiled[i], item) : holds(compiled[i], item, index)) held.push(i);
    }
  }

  /** The hit of a rule known to hold: its score and terms, counted without an explanation. */
  function hitOf(c: Compiled, item: ItemText, ix: ItemIndex): TopicHit {
    tally.reset();
    for (const q of c.query[item.lang]) if (matches(q.node, ix)) visitLeaves(q.node, ix, tally);
    let score = 0;
    for (let i = 0; i < tally.size; i++) score += occurrences(tally.count(i));
    return { ruleId: c.rule.id, score, trigger: c.rule.trigger, severity: c.rule.severity, terms: tally.terms() };
  }

  function explainRule(c: Compiled, item: ItemText, ix: ItemIndex): RuleExplanation {
    const fail = noMatch.bind(null, c.rule.id);
    // Unknown language is kept: filtering it out would hide short posts the rule is meant for.
    if (c.languages && item.lang !== 'und' && !c.languages.has(item.lang)) {
      return fail('language', `item language ${item.lang} is not in ${[...c.languages].join(', ')}`);
    }
    if (c.sources && !c.sources.has(item.source)) return fail('source', `source ${item.source} is not in ${[...c.sources].join(', ')}`);
    const queries = c.query[item.lang];
    if (!queries.length) return fail('no-query', `no query for language ${item.lang}`);
    const keys = queries.map((q) => q.key);
    const hitQueries = queries.filter((q) => matches(q.node, ix));
    if (!hitQueries.length) return fail('no-match', 'the query does not match', keys);
    const excludes = c.exclude[item.lang].filter((q) => matches(q.node, ix));
    const leaves = mergeLeaves(hitQueries.flatMap((q) => collect(q.node, ix)));
    if (excludes.length) {
      const by = mergeLeaves(excludes.flatMap((q) => collect(q.node, ix)));
      return fail('excluded', `excluded by ${by.map((l) => l.query).join(', ') || 'the exclude query'}`, keys, by, leaves);
    }
    const hit = hitOf(c, item, ix);
    return { ruleId: c.rule.id, matched: true, detail: `matched ${hit.terms.join(', ')}`, queries: keys, matchedTerms: leaves, excludedBy: [], hit };
  }

  return {
    match(item, tokens) {
      findHeld(item, tokens);
      return held.map((i) => hitOf(compiled[i], item, index));
    },
    matchingRules(item, tokens) {
      findHeld(item, tokens);
      return held;
    },
    explain(item) {
      const ix = new ItemIndex(vocab).load(item, true);
      return compiled.map((c) => explainRule(c, item, ix));
    },
  };
}

/**
 * The atoms read by more than a tenth of the rules (and at least three): the institution's name
 * and the like, poor keys to pick a rule's candidates by (see keyAtoms()).
 */
function commonAtoms(compiled: Compiled[], atoms: number): Set<number> {
  const uses = new Int32Array(atoms);
  for (const c of compiled) {
    const read = new Set<number>();
    for (const q of allQueries(c)) atomsOf(q.node, read);
    for (const a of read) uses[a]++;
  }
  const over = Math.max(2, compiled.length / 10);
  const common = new Set<number>();
  uses.forEach((n, a) => n > over && common.add(a));
  return common;
}

function allQueries(c: Compiled): CompiledQuery[] {
  return [c.query, c.exclude].flatMap((byLang) => [...byLang.en, ...byLang.fr, ...byLang.und]);
}

/** Whether a rule holds for a loaded item: its filters pass, a query holds and no exclude does. */
function holds(c: Compiled, item: ItemText, ix: ItemIndex): boolean {
  return passesFilters(c, item) && anyHolds(c.query[item.lang], ix) && !anyHolds(c.exclude[item.lang], ix);
}

function passesFilters(c: Compiled, item: ItemText): boolean {
  // Unknown language is kept: filtering it out would hide short posts the rule is meant for.
  if (c.languages && item.lang !== 'und' && !c.languages.has(item.lang)) return false;
  return !c.sources || c.sources.has(item.source);
}

function anyHolds(queries: CompiledQuery[], ix: ItemIndex): boolean {
  for (const q of queries) if (mayHold(q, ix) && matches(q.node, ix)) return true;
  return false;
}

function mayHold(q: CompiledQuery, ix: ItemIndex): boolean {
  for (const atoms of q.needs) if (!ix.hasAny(atoms)) return false;
  return true;
}

/** Sorts a short list of numbers in place: a few candidates, where insertion sort allocates nothing. */
function sortSmall(list: number[]): void {
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    let j = i - 1;
    for (; j >= 0 && list[j] > v; j--) list[j + 1] = list[j];
    list[j + 1] = v;
  }
}

/** Occurrences of what matched, a title counting double: ranks items within a topic. */
function occurrences(l: { title: number; text: number; author: number }): number {
  return 2 * l.title + l.text + l.author;
}

function noMatch(
  ruleId: string,
  reason: NoMatchReason,
  detail: string,
  queries: QueryKey[] = [],
  excludedBy: LeafMatch[] = [],
  matchedTerms: LeafMatch[] = [],
): RuleExplanation {
  return { ruleId, matched: false, reason, detail, queries, matchedTerms, excludedBy };
}

/** The item's language picks its query; an item of unknown language is tried with each. */
function pick(queries: Partial<Record<QueryKey, CompiledNode>>, lang: ItemLang): CompiledQuery[] {
  const keys: QueryKey[] = queries.any ? ['any'] : lang === 'und' ? ['en', 'fr'] : [lang];
  return keys.flatMap((key) => {
    const node = queries[key];
    return node ? [{ key, node, needs: [] }] : [];
  });
}

/** One entry per query word or phrase, however many branches or NEAR pairs found it. */
function mergeLeaves(leaves: LeafMatch[]): LeafMatch[] {
  const byQuery = new Map<string, LeafMatch>();
  for (const l of leaves) {
    const seen = byQuery.get(l.query);
    if (!seen) {
      byQuery.set(l.query, { ...l, via: [...l.via], found: [...l.found] });
      continue;
    }
    seen.via = [...new Set([...seen.via, ...l.via])];
    seen.found = [...new Set([...seen.found, ...l.found])];
    seen.title = Math.max(seen.title, l.title);
    seen.text = Math.max(seen.text, l.text);
    seen.author = Math.max(seen.author, l.author);
  }
  return [...byQuery.values()];
}
