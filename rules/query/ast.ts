/**
 * The parsed form of a rule query. Words are already folded and tokenised with the same
 * tokenize() that items go through, so the matcher compares like with like.
 */

/** Fields searched by words; a query without a field searches title and text. */
export type TextField = 'title' | 'text' | 'author';
/** Fields compared with a value as a whole. */
export type ValueField = 'source' | 'lang';
export type Field = TextField | ValueField;

export const TEXT_FIELDS: readonly TextField[] = ['title', 'text', 'author'];
export const VALUE_FIELDS: readonly ValueField[] = ['source', 'lang'];

export interface Word {
  /** Folded token: `police`, `#ottpoli`, `@opsmedia`. */
  term: string;
  /** Suffix wildcard: matches any token starting with `term`. */
  prefix: boolean;
}

interface Located {
  /** Offsets in the query string, for error messages and explanations. */
  start: number;
  end: number;
}

/** A bare word or a quoted phrase; several words must appear in a row. */
export interface TermsNode extends Located {
  type: 'terms';
  /** The query text as written, e.g. `polic*` or `"Ottawa Police Service"`. */
  text: string;
  quoted: boolean;
  words: Word[];
}

export interface AndNode extends Located {
  type: 'and';
  children: QueryNode[];
}

export interface OrNode extends Located {
  type: 'or';
  children: QueryNode[];
}

export interface NotNode extends Located {
  type: 'not';
  child: QueryNode;
}

/** Both sides in either order, with at most `distance` words between them (NEAR/0: side by side). */
export interface NearNode extends Located {
  type: 'near';
  distance: number;
  left: QueryNode;
  right: QueryNode;
}

export interface FieldNode extends Located {
  type: 'field';
  field: TextField;
  child: QueryNode;
}

/** `source:ops-news`, `lang:fr`: compared with the item's source id or language. */
export interface ValueNode extends Located {
  type: 'value';
  field: ValueField;
  value: string;
  prefix: boolean;
}

export type QueryNode = TermsNode | AndNode | OrNode | NotNode | NearNode | FieldNode | ValueNode;

/** Largest NEAR distance; the matcher keeps title, text and author further apart than this. */
export const MAX_NEAR = 100;

/** Shortest stem allowed before a `*`, so that a wildcard cannot match half the language. */
export const MIN_PREFIX = 3;

/** Renders a node back to query syntax, fully parenthesised: for tests and explanations. */
export function show(node: QueryNode): string {
  switch (node.type) {
    case 'terms':
      return node.text;
    case 'value':
      return `${node.field}:${node.value}${node.prefix ? '*' : ''}`;
    case 'field':
      return `${node.field}:${show(node.child)}`;
    case 'not':
      return `NOT ${show(node.child)}`;
    case 'near':
      return `(${show(node.left)} NEAR/${node.distance} ${show(node.right)})`;
    case 'and':
    case 'or':
      return `(${node.children.map(show).join(node.type === 'and' ? ' AND ' : ' OR ')})`;
  }
}
