/**
 * Recursive-descent parser for rule queries. Precedence, tightest first: NOT, NEAR/n, AND
 * (also implied between neighbours), OR. Every error carries the offset it concerns.
 */
import { tokenize } from '../text.ts';
import { MIN_PREFIX, type Field, type QueryNode, type TermsNode, type TextField, type ValueField, type Word } from './ast.ts';
import { lex, QuerySyntaxError, type Token } from './lexer.ts';

export { QuerySyntaxError } from './lexer.ts';

const LANGS = new Set(['en', 'fr', 'und']);

export function parseQuery(src: string): QueryNode {
  return new Parser(src).parse();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private field: Field | null = null;

  constructor(private readonly src: string) {
    this.tokens = lex(src);
  }

  parse(): QueryNode {
    if (this.peek().kind === 'eof') throw new QuerySyntaxError('empty query', 0);
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind === 'rparen') throw new QuerySyntaxError('unexpected ")" without a matching "("', t.start);
    if (t.kind !== 'eof') throw new QuerySyntaxError(`unexpected ${describe(t)}`, t.start);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private parseOr(): QueryNode {
    const first = this.parseAnd();
    const children = [first];
    while (this.peek().kind === 'or') {
      const op = this.next();
      children.push(this.parseAnd(op));
    }
    return children.length === 1 ? first : { type: 'or', children, start: first.start, end: children[children.length - 1].end };
  }

  private parseAnd(after?: Token): QueryNode {
    const first = this.parseNear(after);
    const children = [first];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') {
        this.next();
        children.push(this.parseNear(t));
      } else if (t.kind === 'word' || t.kind === 'phrase' || t.kind === 'lparen' || t.kind === 'not' || t.kind === 'field') {
        children.push(this.parseNear());
      } else {
        break;
      }
    }
    return children.length === 1 ? first : { type: 'and', children, start: first.start, end: children[children.length - 1].end };
  }

  private parseNear(after?: Token): QueryNode {
    let left = this.parseUnary(after);
    while (this.peek().kind === 'near') {
      const op = this.next() as Extract<Token, { kind: 'near' }>;
      const right = this.parseUnary(op);
      for (const side of [left, right]) {
        if (!positional(side)) {
          throw new QuerySyntaxError(`NEAR/${op.distance} joins words, phrases or (… OR …) groups of them, not ${what(side)}`, op.start);
        }
      }
      left = { type: 'near', distance: op.distance, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseUnary(after?: Token): QueryNode {
    const t = this.peek();
    if (t.kind !== 'not') return this.parsePrimary(after);
    this.next();
    const child = this.parseUnary(t);
    return { type: 'not', child, start: t.start, end: child.end };
  }

  private parsePrimary(after?: Token): QueryNode {
    const t = this.next();
    switch (t.kind) {
      case 'word':
      case 'phrase':
        return this.leaf(t);
      case 'lparen': {
        if (this.peek().kind === 'rparen') throw new QuerySyntaxError('empty parentheses', t.start);
        const inner = this.parseOr();
        const close = this.next();
        if (close.kind !== 'rparen') throw new QuerySyntaxError('unclosed "("', t.start);
        return { ...inner, start: t.start, end: close.end };
      }
      case 'field': {
        if (this.field) throw new QuerySyntaxError(`"${t.field}:" inside "${this.field}:"`, t.start);
        this.field = t.field;
        try {
          const child = this.parsePrimary(t);
          // source:/lang: turned the words below them into value tests already.
          if (t.field === 'source' || t.field === 'lang') return { ...child, start: t.start };
          return { type: 'field', field: t.field as TextField, child, start: t.start, end: child.end };
        } finally {
          this.field = null;
        }
      }
      default:
        if (after) throw new QuerySyntaxError(`expected a word, a phrase or "(" after ${describe(after)}`, t.start);
        if (t.kind === 'rparen') throw new QuerySyntaxError('unexpected ")" without a matching "("', t.start);
        if (t.kind === 'eof') throw new QuerySyntaxError('expected a word, a phrase or "("', t.start);
        throw new QuerySyntaxError(`${describe(t)} needs a word, a phrase or "(" on its left`, t.start);
    }
  }

  private leaf(t: Extract<Token, { kind: 'word' | 'phrase' }>): QueryNode {
    if (this.field === 'source' || this.field === 'lang') return this.value(t, this.field);
    const quoted = t.kind === 'phrase';
    const base = quoted ? t.start + 1 : t.start;
    const words: Word[] = [];
    if (!t.text.includes('*')) {
      for (const tok of tokenize(t.text)) words.push({ term: tok.term, prefix: false });
    } else {
      // Chunk by spaces so that a `*` marks the last token of its own word only.
      for (const m of t.text.matchAll(/\S+/g)) {
        const chunk = m[0];
        const star = chunk.indexOf('*');
        if (star >= 0 && star !== chunk.length - 1) {
          throw new QuerySyntaxError('a wildcard "*" goes only at the end of a word', base + m.index + star);
        }
        const toks = tokenize(star >= 0 ? chunk.slice(0, -1) : chunk);
        toks.forEach((tok, k) => words.push({ term: tok.term, prefix: star >= 0 && k === toks.length - 1 }));
        const last = words[words.length - 1];
        if (star >= 0 && (!toks.length || last.term.replace(/^[#@]/, '').length < MIN_PREFIX)) {
          throw new QuerySyntaxError(`a wildcard needs at least ${MIN_PREFIX} letters before "*"`, base + m.index + star);
        }
      }
    }
    if (!words.length) throw new QuerySyntaxError(`nothing to search for in ${t.kind === 'phrase' ? `"${t.text}"` : t.text}`, t.start);
    const node: TermsNode = { type: 'terms', text: this.src.slice(t.start, t.end), quoted, words, start: t.start, end: t.end };
    return node;
  }

  private value(t: Extract<Token, { kind: 'word' | 'phrase' }>, field: ValueField): QueryNode {
    let value = t.text.trim().toLowerCase();
    const prefix = value.endsWith('*');
    if (prefix) value = value.slice(0, -1);
    if (!value || value.includes('*')) throw new QuerySyntaxError(`"${field}:" needs a value, with "*" only at its end`, t.start);
    if (field === 'lang' && (prefix || !LANGS.has(value))) throw new QuerySyntaxError('"lang:" takes en, fr or und', t.start);
    return { type: 'value', field, value, prefix, start: t.start, end: t.end };
  }
}

/** Whether a node has word positions, which NEAR needs on both sides. */
function positional(node: QueryNode): boolean {
  switch (node.type) {
    case 'terms':
    case 'near':
      return true;
    case 'or':
      return node.children.every(positional);
    case 'field':
      return positional(node.child);
    default:
      return false;
  }
}

function what(node: QueryNode): string {
  switch (node.type) {
    case 'not':
      return 'NOT';
    case 'and':
      return 'an AND group';
    case 'value':
      return `"${node.field}:"`;
    default:
      return 'a group with NOT, AND or source:/lang:';
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'near':
      return `NEAR/${t.distance}`;
    case 'field':
      return `"${t.field}:"`;
    case 'eof':
      return 'end of query';
    case 'lparen':
      return '"("';
    case 'rparen':
      return '")"';
    case 'word':
    case 'phrase':
      return t.text;
    default:
      return t.kind.toUpperCase();
  }
}
