/**
 * Splits a query into tokens. Operators are upper-case only, so that the French words `et`,
 * `ou` and the English `and`, `or`, `not` stay searchable words.
 */
import { TEXT_FIELDS, VALUE_FIELDS, type Field, MAX_NEAR } from './ast.ts';

/** A problem in a query, at an offset of the query string. */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

export type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'eof'; start: number; end: number }
  | { kind: 'near'; distance: number; start: number; end: number }
  | { kind: 'field'; field: Field; start: number; end: number }
  | { kind: 'word' | 'phrase'; text: string; start: number; end: number };

const FIELDS = new Set<string>([...TEXT_FIELDS, ...VALUE_FIELDS]);
const SPACE = /\s/;
const WORD_END = /[\s()"]/;

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', start: i, end: i + 1 });
      i++;
    } else if (c === '"') {
      const close = src.indexOf('"', i + 1);
      if (close < 0) throw new QuerySyntaxError('unclosed quote', i);
      out.push({ kind: 'phrase', text: src.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
    } else {
      let j = i;
      while (j < src.length && !WORD_END.test(src[j])) j++;
      i = lexWord(src, i, j, out);
    }
  }
  out.push({ kind: 'eof', start: src.length, end: src.length });
  return out;
}

/** Classifies the run src[start, end) and returns where lexing resumes. */
function lexWord(src: string, start: number, end: number, out: Token[]): number {
  const text = src.slice(start, end);
  const field = /^([A-Za-z]+):/.exec(text);
  if (field) {
    const name = field[1].toLowerCase();
    if (!FIELDS.has(name)) {
      throw new QuerySyntaxError(`unknown field "${field[1]}:" (fields: ${[...FIELDS].map((f) => `${f}:`).join(', ')}); quote the text to search for it`, start);
    }
    const after = start + field[0].length;
    if (after >= src.length || SPACE.test(src[after]) || src[after] === ')') {
      throw new QuerySyntaxError(`nothing after "${field[0]}"`, start);
    }
    out.push({ kind: 'field', field: name as Field, start, end: after });
    return after;
  }
  if (text === 'AND' || text === 'OR' || text === 'NOT') {
    out.push({ kind: text.toLowerCase() as 'and' | 'or' | 'not', start, end });
    return end;
  }
  if (/^NEAR\b/.test(text)) {
    const m = /^NEAR\/(\d+)$/.exec(text);
    if (!m) throw new QuerySyntaxError('NEAR needs a distance in words, e.g. NEAR/5', start);
    const distance = Number(m[1]);
    if (distance > MAX_NEAR) throw new QuerySyntaxError(`NEAR distance must be between 0 and ${MAX_NEAR}`, start);
    out.push({ kind: 'near', distance, start, end });
    return end;
  }
  if (/^near\/\d+$/i.test(text)) throw new QuerySyntaxError(`operators are upper-case: write ${text.toUpperCase()}`, start);
  // A leading minus reads as "without" in web search; here it would silently search the word.
  if (/^-[\p{L}\p{N}#@"]/u.test(text)) throw new QuerySyntaxError('use NOT to leave a word out, not a leading "-"', start);
  out.push({ kind: 'word', text, start, end });
  return end;
}
