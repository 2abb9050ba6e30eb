import { describe, expect, it } from 'vitest';
import { show, type QueryNode } from '../rules/query/ast.ts';
import { parseQuery, QuerySyntaxError } from '../rules/query/parser.ts';

const shown = (q: string) => show(parseQuery(q));

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (err) {
    if (err instanceof QuerySyntaxError) return err;
    throw err;
  }
  throw new Error(`no error for ${q}`);
}

function words(node: QueryNode): string[] {
  if (node.type !== 'terms') throw new Error(`not a word: ${node.type}`);
  return node.words.map((w) => w.term + (w.prefix ? '*' : ''));
}

describe('query parser', () => {
  it('parses each operator', () => {
    expect(shown('a AND b')).toBe('(a AND b)');
    expect(shown('a OR b')).toBe('(a OR b)');
    expect(shown('NOT a')).toBe('NOT a');
    expect(shown('a NEAR/3 b')).toBe('(a NEAR/3 b)');
    expect(shown('(a OR b) c')).toBe('((a OR b) AND c)');
  });

  it('binds NOT tighter than NEAR, NEAR tighter than AND, AND tighter than OR', () => {
    expect(shown('a OR b AND c')).toBe('(a OR (b AND c))');
    expect(shown('a AND b OR c')).toBe('((a AND b) OR c)');
    expect(shown('a b NEAR/2 c OR d')).toBe('((a AND (b NEAR/2 c)) OR d)');
    expect(shown('a NOT b OR c')).toBe('((a AND NOT b) OR c)');
    expect(shown('NOT NOT a')).toBe('NOT NOT a');
  });

  it('reads neighbouring terms as AND', () => {
    expect(shown('police arrest* "ottawa police"')).toBe('(police AND arrest* AND "ottawa police")');
  });

  it('keeps lower-case and, or, not, et, ou as words', () => {
    expect(shown('police or et')).toBe('(police AND or AND et)');
    expect(shown('not and')).toBe('(not AND and)');
  });

  it('folds words and phrases with the item tokeniser', () => {
    expect(words(parseQuery('"Sûreté du Québec"'))).toEqual(['surete', 'du', 'quebec']);
    expect(words(parseQuery("l'agent"))).toEqual(['agent']);
    expect(words(parseQuery('P0LICE'))).toEqual(['police']);
    // A hyphenated word is a phrase of its parts, as in the items.
    expect(words(parseQuery('ops-news'))).toEqual(['ops', 'news']);
  });

  it('keeps a wildcard on the last word it ends', () => {
    expect(words(parseQuery('Polic*'))).toEqual(['polic*']);
    expect(words(parseQuery('"ottawa polic*"'))).toEqual(['ottawa', 'polic*']);
  });

  it('reads hashtags and handles as single tokens', () => {
    expect(words(parseQuery('#OttPoli'))).toEqual(['#ottpoli']);
    expect(words(parseQuery('@OttawaPolice'))).toEqual(['@ottawapolice']);
  });

  it('parses fields on words, phrases and groups', () => {
    expect(shown('title:police')).toBe('title:police');
    expect(shown('author:@opsmedia text:"press release"')).toBe('(author:@opsmedia AND text:"press release")');
    expect(shown('title:(police OR cops) lang:FR')).toBe('(title:(police OR cops) AND lang:fr)');
    expect(shown('source:(ops-news OR cbc*)')).toBe('(source:ops-news OR source:cbc*)');
  });

  it('accepts NEAR between groups and phrases', () => {
    expect(shown('(police OR cops) NEAR/5 "shot fired"')).toBe('((police OR cops) NEAR/5 "shot fired")');
  });

  it.each([
    ['police OR', 'expected a word, a phrase or "(" after OR', 9],
    ['OR police', 'OR needs a word, a phrase or "(" on its left', 0],
    ['police AND AND x', 'expected a word, a phrase or "(" after AND', 11],
    ['(police OR cops', 'unclosed "("', 0],
    ['police)', 'unexpected ")"', 6],
    ['"ottawa police', 'unclosed quote', 0],
    ['()', 'empty parentheses', 0],
    ['   ', 'empty query', 0],
    ['po*ce', 'only at the end of a word', 2],
    ['"the po* x"', 'at least 3 letters', 7],
    ['a NEAR b', 'NEAR needs a distance', 2],
    ['a NEAR/500 b', 'between 0 and 100', 2],
    ['a near/5 b', 'write NEAR/5', 2],
    ['a NEAR/5 NOT b', 'not NOT', 2],
    ['a NEAR/5 (b AND c)', 'not an AND group', 2],
    ['tilte:police', 'unknown field "tilte:"', 0],
    ['title: police', 'nothing after "title:"', 0],
    ['title:(author:x)', '"author:" inside "title:"', 7],
    ['lang:de', 'takes en, fr or und', 5],
    ['police -hockey', 'use NOT', 7],
    ['a --- b', 'nothing to search for in ---', 2],
  ])('rejects %j with an error at its spot', (query, message, offset) => {
    const err = syntaxError(query);
    expect(err.message).toContain(message);
    expect(err.offset).toBe(offset);
  });
});
