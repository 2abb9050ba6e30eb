/**
 * Topic classification: every rule's queries are compiled once into a shared vocabulary, each
 * item is indexed once, and all rules are evaluated against that index.
 */
import type { CompiledRule, RuleQueries } from './loader.ts';
import { atomsOf, collect, holdsWithoutAtoms, ItemIndex, matches, Vocabulary, type CompiledNode, type LeafMatch } from './query/evaluate.ts';
import type { Lang } from './text.ts';
import type { ItemText, TopicHit, TopicMatcher } from './types.ts';

type QueryKey = 'any' | Lang;

interface CompiledQuery {
  key: QueryKey;
  node: CompiledNode;
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
  const index = new ItemIndex(vocab);
  // Which rules an atom can make true; rules that may hold without any atom are always tried.
  const rulesOfAtom: number[][] = Array.from({ length: vocab.size }, () => []);
  const always: boolean[] = [];
  compiled.forEach((c, i) => {
    const nodes = [...c.query.en, ...c.query.fr, ...c.query.und].map((q) => q.node);
    always.push(nodes.some(holdsWithoutAtoms));
    const atoms = new Set<number>();
    for (const n of nodes) atomsOf(n, atoms);
    for (const a of atoms) rulesOfAtom[a].push(i);
  });
  const candidate = new Uint8Array(compiled.length);

  function evaluate(c: Compiled, item: ItemText, ix: ItemIndex, explain: boolean): RuleExplanation | TopicHit | null {
    const ruleId = c.rule.id;
    const fail = explain ? noMatch.bind(null, ruleId) : nothing;
    // Unknown language is kept: filtering it out would hide short posts the rule is meant for.
    if (c.languages && item.lang !== 'und' && !c.languages.has(item.lang)) {
      return fail('language', `item language ${item.lang} is not in ${[...c.languages].join(', ')}`);
    }
    if (c.sources && !c.sources.has(item.source)) return fail('source', `source ${item.source} is not in ${[...c.sources].join(', ')}`);
    const queries = c.query[item.lang];
    if (!queries.length) return fail('no-query', `no query for language ${item.lang}`);
    const hitQueries = queries.filter((q) => matches(q.node, ix));
    if (!hitQueries.length) return fail('no-match', 'the query does not match', queries.map((q) => q.key));
    const excludes = c.exclude[item.lang].filter((q) => matches(q.node, ix));
    // An excluded item needs no score: only an explanation says what matched and what excluded it.
    if (excludes.length && !explain) return null;
    const keys = queries.map((q) => q.key);
    const leaves = mergeLeaves(hitQueries.flatMap((q) => collect(q.node, ix)));
    if (excludes.length) {
      const by = mergeLeaves(excludes.flatMap((q) => collect(q.node, ix)));
      return fail('excluded', `excluded by ${by.map((l) => l.query).join(', ') || 'the exclude query'}`, keys, by, leaves);
    }
    const hit: TopicHit = {
      ruleId,
      // Occurrences of what matched, a title counting double: ranks items within a topic.
      score: leaves.reduce((sum, l) => sum + 2 * l.title + l.text + l.author, 0),
      trigger: c.rule.trigger,
      severity: c.rule.severity,
      terms: leaves.map((l) => l.query),
    };
    if (!explain) return hit;
    return { ruleId, matched: true, detail: `matched ${hit.terms.join(', ')}`, queries: keys, matchedTerms: leaves, excludedBy: [], hit };
  }

  return {
    match(item, tokens) {
      index.load(item, false, tokens);
      candidate.fill(0);
      for (const a of index.found) for (const r of rulesOfAtom[a]) candidate[r] = 1;
      const hits: TopicHit[] = [];
      for (let i = 0; i < compiled.length; i++) {
        if (!candidate[i] && !always[i]) continue;
        const hit = evaluate(compiled[i], item, index, false) as TopicHit | null;
        if (hit) hits.push(hit);
      }
      return hits;
    },
    explain(item) {
      const ix = new ItemIndex(vocab).load(item, true);
      return compiled.map((c) => evaluate(c, item, ix, true) as RuleExplanation);
    },
  };
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

/** Stands for noMatch() when not explaining, so the hot path builds no explanation. */
function nothing(): null {
  return null;
}

/** The item's language picks its query; an item of unknown language is tried with each. */
function pick(queries: Partial<Record<QueryKey, CompiledNode>>, lang: ItemLang): CompiledQuery[] {
  if (queries.any) return [{ key: 'any', node: queries.any }];
  const keys: Lang[] = lang === 'und' ? ['en', 'fr'] : [lang];
  return keys.flatMap((key) => (queries[key] ? [{ key, node: queries[key] }] : []));
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
