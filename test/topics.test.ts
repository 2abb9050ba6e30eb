import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../rules/loader.ts';
import { createTopicMatcher } from '../rules/topics.ts';
import type { ItemText } from '../rules/types.ts';

/** A matcher for rules written as YAML list entries, as staff would write them. */
function matcher(yaml: string) {
  const { rules, errors } = parseRuleFile(`rules:\n${yaml}`, 'test.yaml');
  expect(errors).toEqual([]);
  return createTopicMatcher(rules);
}

function rule(query: string, extra = ''): string {
  return `  - id: r\n    label: { en: R, fr: R }\n    query: ${JSON.stringify(query)}\n${extra}`;
}

function item(text: string, more: Partial<ItemText> = {}): ItemText {
  return { title: '', text, source: 'feed', lang: 'en', ...more };
}

/** Whether `query` matches `text` (English unless said otherwise). */
function hits(query: string, text: string, more: Partial<ItemText> = {}, extra = ''): boolean {
  return matcher(rule(query, extra)).match(item(text, more)).length > 0;
}

describe('topic matching', () => {
  it('ignores case, accents and apostrophes', () => {
    expect(hits('sûreté', 'La SURETE du Quebec enquête', { lang: 'fr' })).toBe(true);
    expect(hits('surete', 'La Sûreté du Québec', { lang: 'fr' })).toBe(true);
    expect(hits("l'agent", 'Un agent a été blessé', { lang: 'fr' })).toBe(true);
    expect(hits('agent', 'L’agent a été blessé', { lang: 'fr' })).toBe(true);
  });

  it('sees through letter-spacing, digit and homoglyph swaps and zero-width characters', () => {
    expect(hits('police', 'the p.o.l.i.c.e are here')).toBe(true);
    expect(hits('police', 'the p0lice are here')).toBe(true);
    expect(hits('police', 'the pоlice are here')).toBe(true); // Cyrillic о
    expect(hits('police', 'the pol\u200Bice are here')).toBe(true);
    expect(hits('police', 'the politics are here')).toBe(false);
  });

  it('matches French and English plurals without stems', () => {
    expect(hits('arrestation', 'Deux arrestations à Vanier', { lang: 'fr' })).toBe(true);
    expect(hits('officer', 'Two officers were hurt')).toBe(true);
    expect(hits('officers', 'One officer was hurt')).toBe(true);
    expect(hits('journal', 'Les journaux locaux', { lang: 'fr' })).toBe(true);
    expect(hits('policy', 'New policies announced')).toBe(true);
  });

  it('matches other inflections only when the rule asks for stems', () => {
    expect(hits('closing', 'The road was closed')).toBe(false);
    expect(hits('closing', 'The road was closed', {}, '    stems: true\n')).toBe(true);
    expect(hits('fermeture', 'Les routes sont fermées', { lang: 'fr' }, '    stems: true\n')).toBe(false);
    expect(hits('enquête', 'La police enquêtait hier', { lang: 'fr' }, '    stems: true\n')).toBe(true);
    expect(hits('enquête', 'La police enquêtait hier', { lang: 'fr' })).toBe(false);
  });

  it('stems an item with the stemmer of its own language', () => {
    const fr = matcher(rule('arrestation', '    stems: true\n    query: { fr: arrestation }\n').replace(/    query: "arrestation"\n/, ''));
    expect(fr.match(item('Les arrestations', { lang: 'fr' }))).toHaveLength(1);
    expect(fr.match(item('Les arrestations', { lang: 'en' }))).toHaveLength(0);
  });

  it('evaluates AND, OR, NOT and implicit AND', () => {
    expect(hits('police arrest', 'police made an arrest')).toBe(true);
    expect(hits('police arrest', 'police made a statement')).toBe(false);
    expect(hits('fire OR police', 'police made a statement')).toBe(true);
    expect(hits('police NOT hockey', 'police hockey night')).toBe(false);
    expect(hits('police NOT hockey', 'police at night')).toBe(true);
  });

  it('matches phrases in a row only', () => {
    expect(hits('"Ottawa Police Service"', 'the ottawa police service said')).toBe(true);
    expect(hits('"Ottawa Police Service"', 'ottawa service police')).toBe(false);
  });

  it('matches suffix wildcards', () => {
    expect(hits('polic*', 'Les policiers sont là', { lang: 'fr' })).toBe(true);
    expect(hits('polic*', 'the pole vault')).toBe(false);
    expect(hits('"ottawa polic*"', 'Ottawa policing budget')).toBe(true);
  });

  it('matches NEAR/n with at most n words between, in either order', () => {
    const q = 'shooting NEAR/3 downtown';
    expect(hits(q, 'a shooting happened downtown')).toBe(true);
    expect(hits(q, 'downtown, a shooting')).toBe(true);
    expect(hits(q, 'a shooting happened late last night downtown')).toBe(false);
    expect(hits('(shooting OR stabbing) NEAR/2 "byward market"', 'stabbing in the ByWard Market')).toBe(true);
    expect(hits('(shooting OR stabbing) NEAR/1 "byward market"', 'stabbing in the ByWard Market')).toBe(false);
    expect(hits('police NEAR/0 station', 'station police')).toBe(true);
  });

  it('does not let a phrase or NEAR run from the title into the text', () => {
    expect(hits('"police station"', 'station closed', { title: 'Police' })).toBe(false);
    expect(hits('police NEAR/1 station', 'station closed', { title: 'police' })).toBe(false);
  });

  it('restricts words to fields and tests source and language', () => {
    const it2 = item('body mentions fire', { title: 'Police news', author: '@OPSmedia', source: 'ops-news', lang: 'fr' });
    const m = (q: string) => matcher(rule(q)).match(it2).length > 0;
    expect(m('title:police')).toBe(true);
    expect(m('title:fire')).toBe(false);
    expect(m('text:fire')).toBe(true);
    expect(m('author:@opsmedia')).toBe(true);
    expect(m('opsmedia')).toBe(false); // the author is not part of the text
    expect(m('source:ops-news fire')).toBe(true);
    expect(m('source:ops*')).toBe(true);
    expect(m('source:cbc')).toBe(false);
    expect(m('lang:fr')).toBe(true);
    expect(m('lang:en')).toBe(false);
  });

  it('treats hashtags and handles as tokens, found by their bare word too', () => {
    expect(hits('#ottnews', 'read #OttNews today')).toBe(true);
    expect(hits('#ottnews', 'read ottnews today')).toBe(false);
    expect(hits('ottnews', 'read #OttNews today')).toBe(true);
    expect(hits('@opsmedia', 'cc @OPSmedia')).toBe(true);
  });

  it('uses the query of the item language, and all of them for unknown language', () => {
    const m = matcher('  - id: r\n    label: { en: R, fr: R }\n    query: { en: fire, fr: incendie }\n');
    expect(m.match(item('big fire', { lang: 'en' }))).toHaveLength(1);
    expect(m.match(item('big fire', { lang: 'fr' }))).toHaveLength(0);
    expect(m.match(item('gros incendie', { lang: 'fr' }))).toHaveLength(1);
    expect(m.match(item('gros incendie', { lang: 'und' }))).toHaveLength(1);
  });

  it('applies exclude, language and source filters', () => {
    const m = matcher(rule('police', '    exclude: \'hockey OR "police academy"\'\n    languages: [fr]\n    sources: [ops-news]\n'));
    const base = { lang: 'fr' as const, source: 'ops-news' };
    expect(m.match(item('la police arrive', base))).toHaveLength(1);
    expect(m.match(item('la police arrive', { ...base, lang: 'en' }))).toHaveLength(0);
    expect(m.match(item('la police arrive', { ...base, lang: 'und' }))).toHaveLength(1);
    expect(m.match(item('la police arrive', { ...base, source: 'cbc' }))).toHaveLength(0);
    expect(m.match(item('match de hockey de la police', base))).toHaveLength(0);
    expect(m.match(item('la Police Academy', base))).toHaveLength(0);
  });

  it('applies language and source filters to a rule one word settles', () => {
    const m = matcher(rule('police OR incendie', '    languages: [fr]\n    sources: [ops-news]\n'));
    const base = { lang: 'fr' as const, source: 'ops-news' };
    expect(m.match(item('un incendie', base))).toHaveLength(1);
    expect(m.match(item('un incendie', { ...base, lang: 'en' }))).toHaveLength(0);
    expect(m.match(item('un incendie', { ...base, source: 'cbc' }))).toHaveLength(0);
  });

  it('finds every rule that holds when most rules name the same word', () => {
    const rules = [
      ...['budget', 'recruit*', 'collision', 'protest', 'shooting'].map((w) => rule(`"police ${w}" OR (${w} NEAR/3 police)`).replace('id: r', `id: ${w.replace('*', '')}`)),
      rule('"ottawa police service" AND title:(news OR update)').replace('id: r', 'id: service'),
    ];
    const m = matcher(rules.join(''));
    const ids = (text: string, title = '') => m.match(item(text, { title })).map((h) => h.ruleId);
    expect(ids('the police budget was voted before a long and loud protest')).toEqual(['budget']);
    expect(ids('a protest outside, police said', 'Update')).toEqual(['protest']);
    expect(ids('recruiting: the police want you')).toEqual(['recruit']);
    expect(ids('statement from the Ottawa Police Service', 'News')).toEqual(['service']);
    expect(ids('statement from the Ottawa Police Service')).toEqual([]);
    expect(ids('police police police')).toEqual([]);
  });

  it('reports the rule settings and matched terms in each hit', () => {
    const m = matcher(rule('police OR arrest*', '    severity: high\n    trigger: alert\n'));
    const [hit] = m.match(item('two arrests downtown', { title: 'Police' }));
    expect(hit).toMatchObject({ ruleId: 'r', severity: 'high', trigger: 'alert', terms: ['police', 'arrest*'] });
    expect(hit.score).toBeGreaterThan(0);
    expect(m.match(item('nothing here'))).toEqual([]);
  });

  it('explains matches, exclusions and filters', () => {
    const m = matcher(
      rule('arrestation OR fermeture', '    exclude: hockey\n    stems: true\n') +
        '  - id: ops-only\n    label: { en: O, fr: O }\n    query: police\n    sources: [ops-news]\n',
    );
    const [ok, filtered] = m.explain(item('Deux arrestations et des routes fermées', { lang: 'fr' }));
    expect(ok).toMatchObject({ ruleId: 'r', matched: true });
    expect(ok.matchedTerms).toEqual([expect.objectContaining({ query: 'arrestation', found: ['arrestations'], via: expect.arrayContaining(['word']) })]);
    expect(filtered).toMatchObject({ ruleId: 'ops-only', matched: false, reason: 'source' });

    const [excluded] = m.explain(item('arrestation après le hockey', { lang: 'fr' }));
    expect(excluded).toMatchObject({ matched: false, reason: 'excluded' });
    expect(excluded.excludedBy.map((l) => l.query)).toEqual(['hockey']);

    const [stemmed] = m.explain(item('La fermeture des routes', { lang: 'fr' }));
    expect(stemmed.matchedTerms[0]).toMatchObject({ query: 'fermeture', found: ['fermeture'] });
    const [none] = m.explain(item('rien', { lang: 'fr' }));
    expect(none).toMatchObject({ matched: false, reason: 'no-match' });
  });

  it('gives the same answers item after item with a reused index', () => {
    const m = matcher(rule('"ottawa police" OR fire'));
    expect(m.match(item('ottawa police'))).toHaveLength(1);
    expect(m.match(item('nothing'))).toHaveLength(0);
    expect(m.match(item('big fire'))).toHaveLength(1);
    expect(m.match(item('police ottawa'))).toHaveLength(0);
  });

  it('finds words post after post, in long posts, beside emoji and among words met before', () => {
    const m = matcher(rule('"road closed" OR parade'));
    expect(m.match(item(`${'traffic '.repeat(2000)}road closed`))).toHaveLength(1);
    expect(m.match(item('the parade ✨ tonight'))).toHaveLength(1);
    expect(m.match(item('the parada tonight, the parad'))).toHaveLength(0);
    expect(m.match(item(`${'x'.repeat(20_000)} parade`))).toHaveLength(1);
    expect(m.match(item('road, closed'))).toHaveLength(1);
    expect(m.match(item('roads closed'))).toHaveLength(1);
    expect(m.match(item('roadclosed road'))).toHaveLength(0);
    // Looked up where `parade`, met before, is kept: the same length and place, another word.
    expect(m.match(item('paulyf'))).toHaveLength(0);
  });
});
