/**
 * Tells a post that refutes a known claim (a debunk, an official correction, "FAUX", "this is not
 * true") from one that spreads or questions it. A refutation is about the claim but is no rumour.
 *
 * The claims themselves are often negative ("police no longer respond", "nobody will come"), so a
 * plain negation proves nothing: a post refutes when it uses the vocabulary of fact-checking and
 * correction, or, unless it is a question, when it stresses a denial (NOT, PAS in capitals) or
 * denies more than the claim's own wording does ("does not allow", "ne coupe pas").
 */
import { fold } from '../text.ts';

export type Stance = 'refutes' | 'spreads';

// Fact-check and correction vocabulary in both languages: strong evidence on its own.
const DEBUNK = new RegExp(
  [
    String.raw`\b(?:c'?est|is|it'?s|that'?s|this is|totally|completely|entierement|completement)\s+(?:faux|false|fake|untrue|bogus|a hoax|a myth|une rumeur|un mythe|une fausse nouvelle)\b`,
    String.raw`^\s*(?:faux|false|fake|fact[- ]?check|precision|clarification|correction|mise au point|rectification|myth|mythe|debunked|scam alert|alerte? (?:a la )?fraude|alerte arnaque)\b`,
    String.raw`\b(?:not true|isn'?t true|pas vrai|n'?est pas vrai|no truth|aucun fondement|sans fondement|unfounded|baseless|debunk\w*|dementi\w*|dement(?:ent|s)?|hoax|canular|fausse nouvelle|fausses nouvelles|fake news|misinformation|disinformation|desinformation|mesinformation|rumou?rs? (?:is|are) false|fact[- ]?check\w*)\b`,
    String.raw`\b(?:stop sharing|don'?t share|do not share|arretez de (?:partager|relayer)|ne partagez pas|cessez de partager|don'?t click|do not click|ne cliquez pas|report and delete)\b`,
    String.raw`\b(?:nothing (?:has )?changed|rien n'?a change|has not changed|no (?:such|new) (?:rule|bylaw|policy|advisory|alert)|aucun(?:e)? (?:changement|avis|alerte|cas|nouveau reglement))\b`,
    String.raw`\b(?:still (?:allowed|permitted|open|running|available|accepted)|toujours (?:permis|autorise|ouvert|offert|accepte)s?|(?:is|are) open to (?:everyone|all)|ouvert a tous)\b`,
  ].join('|'),
  'i',
);

// A denial stressed in capitals in a text that is not itself shouted: "Police have NOT confirmed".
export const SHOUTED_DENIAL = /\b(?:NOT|PAS|AUCUN|AUCUNE|FAUX|FALSE|FAKE)\b/;
/*
 * What a text beyond ASCII needs for its decomposed form to hold such a word, found without
 * decomposing the whole text, which most accented posts then skip: each capital of the word comes
 * from an ASCII capital or from a character beyond ASCII (an accented or full-width capital),
 * with only combining marks, also beyond ASCII, between them; and no character decomposes alone
 * into a whole word (a test checks every one). So the text has two such characters in a row.
 */
const MAY_DECOMPOSE_TO_CAPITALS = /[A-Z\u0080-\uffff]{2}/;
const UPPER = /\p{Lu}/gu;
// Text that has nothing to decompose.
const ASCII = /^[\x00-\x7f]*$/;
const LOWER = /\p{Ll}/gu;
const COMBINING = /\p{M}/gu;

// Denials: negation of an auxiliary or a formal French "ne ... pas" ("does not allow", "there is
// no", "ne coupe pas", "aucun ... n'a"). Negative quantities ("no more buses", "plus aucun",
// "can't protest", "pu de bus") are left out: they are how the claims themselves are told.
const DENIAL = new RegExp(
  [
    String.raw`\b(?:does|did|is|are|was|were|has|have|had)(?:n'?t| not)\b`,
    String.raw`\bthere(?:'s| is| are| was| were| has been| have been) no\b`,
    String.raw`\bn(?:e\s+|')(?:[\p{L}'-]+\s+){1,2}?(?:pas|jamais|rien|plus|aucun\p{L}*)\b`,
    String.raw`\baucun\p{L}*\s+(?:[\p{L}'-]+\s+){0,5}?n'`,
  ].join('|'),
  'u',
);

const QUESTION = /\?|\b(?:is it true|is this true|anyone know|est-ce que|c'?est(?:-tu)? vrai|vraiment\s*\?|really\s*\?)/i;

/**
 * `claimTexts`: the matched claim's own wording (any language), used to tell a denial of the claim
 * from a claim that is itself worded negatively. `folded`: fold(text), when the caller has it.
 */
export function detectStance(text: string, claimTexts: readonly string[], folded = fold(text)): Stance {
  const cues = readCues(folded, scratch);
  if (debunkCue(cues.x, cues.w) && DEBUNK.test(folded)) return 'refutes';
  if (folded.includes('?') || (questionCue(cues.w) && QUESTION.test(folded))) return 'spreads';
  // A stressed denial and more denials than the claim's both refute: the cheap test goes first.
  if (countDenials(folded, cues) > claimDenials(claimTexts)) return 'refutes';
  if (!mayShout(folded)) return 'spreads';
  let plain = text;
  if (!ASCII.test(text)) {
    if (!MAY_DECOMPOSE_TO_CAPITALS.test(text)) return 'spreads';
    plain = text.normalize('NFKD').replace(COMBINING, '');
  }
  return SHOUTED_DENIAL.test(plain) && !shouting(plain) ? 'refutes' : 'spreads';
}

// The cues of the post being read (detectStance is synchronous; claimDenials reads into its own).
const scratch: Cues = { x: 0, w: 0, clauses: [] };

function shouting(plain: string): boolean {
  return (plain.match(UPPER)?.length ?? 0) > (plain.match(LOWER)?.length ?? 0);
}

// A matcher passes the same wording for a claim every time: its denials are counted once.
const denialsOf = new WeakMap<readonly string[], number>();

/** Denials in the claim's own wording: a post's denial counts only beyond these ("need not apply"). */
function claimDenials(claimTexts: readonly string[]): number {
  let n = denialsOf.get(claimTexts);
  if (n === undefined) {
    denialsOf.set(claimTexts, (n = Math.max(0, ...claimTexts.map((t) => {
      const folded = fold(t);
      return countDenials(folded, readCues(folded, { x: 0, w: 0, clauses: [] }));
    }))));
  }
  return n;
}

/** Clauses (split on [.;:!?,\n]) that contain a denial: DENIAL is only tried on those with its cues. */
function countDenials(folded: string, cues: Cues): number {
  let n = 0;
  for (let k = 0; k < cues.clauses.length; k += 2) {
    if (DENIAL.test(folded.slice(cues.clauses[k], cues.clauses[k + 1]))) n++;
  }
  return n;
}

/*
 * Cues: the regexes above are the definition, but most posts contain none of the words they need,
 * and running them over a whole post costs more than reading its words once. So a post's words
 * (its runs of a-z: a regex's literal word after \b, \s or ^\s* always starts one, the folded text
 * being lower-case) are looked up in a table of words that the regexes' alternatives cannot match
 * without, and a regex runs only when some alternative has all of its cues. A cue is a word that
 * must start a run (`prefix`) or be one (`whole`).
 */
// DEBUNK's cues, in one bit field.
const X_START = 1 << 0; // ^\s*(faux|false|...): a cue only as the text's first run
const X_ALONE = 1 << 1; // words rare enough to be cue enough: hoax, debunk, unfounded...
const X_TRUE = 1 << 2; // not true, isn't true
const X_VRAI = 1 << 3; // pas vrai
const X_TRUTH = 1 << 4; // no truth
const X_FACT = 1 << 5; // fact-check
const X_CHECK = 1 << 6;
const X_SHARING = 1 << 7; // stop sharing
const X_STOP = 1 << 8;
const X_SHARE = 1 << 9; // don't share, do not click
const X_DO = 1 << 10;
const X_PARTAGEZ = 1 << 11; // ne partagez pas
const X_DELETE = 1 << 12; // report and delete
const X_REPORT = 1 << 13;
const X_CHANGED = 1 << 14; // nothing has changed, has not changed
const X_NOTHING = 1 << 15;
const X_CHANGE = 1 << 16; // rien n'a change
const X_RIEN = 1 << 17;
const X_SUCH = 1 << 18; // no such rule, no new bylaw
const X_AUCUN = 1 << 19; // aucun changement
const X_AUCUN_WHAT = 1 << 20;
const X_STILL = 1 << 21; // still allowed
const X_STILL_WHAT = 1 << 22;
const X_TOUJOURS = 1 << 23; // toujours permis
const X_TOUJOURS_WHAT = 1 << 24;
const X_OPEN = 1 << 25; // open to everyone
const X_ALL = 1 << 26;
const X_OUVERT = 1 << 27; // ouvert a tous
const X_TOUS = 1 << 28;
// QUESTION's and DENIAL's cues, and words DEBUNK pairs with, in another.
const Q_WORD = 1 << 0; // is it true, anyone know, c'est vrai
const Q_EST = 1 << 1; // est-ce que
const Q_CE = 1 << 2;
const Q_QUE = 1 << 3;
const D_AUX = 1 << 4; // does not, isn't
const D_THERE = 1 << 5; // there is no
const W_NO = 1 << 6;
const W_N = 1 << 7; // n'
const W_NE = 1 << 8; // ne
const D_NEG = 1 << 9; // pas, jamais, rien, plus, aucun
const D_AUCUN = 1 << 10; // aucun ... n'
const W_NOT = 1 << 11;
const W_ISN = 1 << 12;
const W_PAS = 1 << 13;

function debunkCue(x: number, w: number): boolean {
  return (
    (x & (X_START | X_ALONE)) !== 0 ||
    (x & X_TRUE && w & (W_NOT | W_ISN)) !== 0 ||
    (x & X_VRAI && w & W_PAS) !== 0 ||
    (x & X_TRUTH && w & W_NO) !== 0 ||
    (x & X_SUCH && w & W_NO) !== 0 ||
    (x & X_PARTAGEZ && w & W_NE) !== 0 ||
    both(x, X_FACT, X_CHECK) ||
    both(x, X_SHARING, X_STOP) ||
    both(x, X_SHARE, X_DO) ||
    both(x, X_DELETE, X_REPORT) ||
    both(x, X_CHANGED, X_NOTHING) ||
    both(x, X_CHANGE, X_RIEN) ||
    both(x, X_AUCUN, X_AUCUN_WHAT) ||
    both(x, X_STILL, X_STILL_WHAT) ||
    both(x, X_TOUJOURS, X_TOUJOURS_WHAT) ||
    both(x, X_OPEN, X_ALL) ||
    both(x, X_OUVERT, X_TOUS)
  );
}

function both(bits: number, a: number, b: number): boolean {
  return (bits & (a | b)) === (a | b);
}

function questionCue(w: number): boolean {
  return (w & Q_WORD) !== 0 || (w & (Q_EST | Q_CE | Q_QUE)) === (Q_EST | Q_CE | Q_QUE);
}

function denialCue(w: number): boolean {
  return (
    (w & D_AUX) !== 0 ||
    (w & (D_THERE | W_NO)) === (D_THERE | W_NO) ||
    (w & (W_N | W_NE) && w & D_NEG) !== 0 ||
    (w & (D_AUCUN | W_N)) === (D_AUCUN | W_N)
  );
}

interface Cue {
  word: string;
  more: boolean;
  /** Bits in DEBUNK's field, and in the other. */
  x: number;
  w: number;
}

const prefix = (words: string, x: number, w = 0): Cue[] => words.split(' ').map((word) => ({ word, more: true, x, w }));
const whole = (words: string, x: number, w = 0): Cue[] => words.split(' ').map((word) => ({ word, more: false, x, w }));
const CUES: Cue[] = [
  // DEBUNK, alternative by alternative.
  ...prefix('faux false fake untrue bogus hoax myth rumeur fausse', X_ALONE),
  ...prefix('faux false fake fact precision clarification correction mise rectification myth debunk scam alert', X_START),
  ...whole('true', X_TRUE),
  ...whole('vrai', X_VRAI),
  ...whole('truth', X_TRUTH),
  ...prefix('fondement unfounded baseless debunk dement canular misinformation disinformation desinformation mesinformation factcheck', X_ALONE),
  ...whole('fact', X_FACT),
  ...prefix('check', X_CHECK),
  ...whole('sharing', X_SHARING),
  ...whole('stop', X_STOP),
  ...whole('share click', X_SHARE),
  ...whole('don dont do', X_DO),
  ...prefix('arretez cessez cliquez', X_ALONE),
  ...whole('partagez', X_PARTAGEZ),
  ...whole('delete', X_DELETE),
  ...whole('report', X_REPORT),
  ...whole('changed', X_CHANGED),
  ...whole('nothing has', X_NOTHING),
  ...whole('change', X_CHANGE),
  ...whole('rien', X_RIEN),
  ...whole('such new', X_SUCH),
  ...whole('aucun aucune', X_AUCUN),
  ...whole('changement avis alerte cas nouveau', X_AUCUN_WHAT),
  ...whole('still', X_STILL),
  ...whole('allowed permitted open running available accepted', X_STILL_WHAT),
  ...whole('toujours', X_TOUJOURS),
  ...prefix('permis autorise ouvert offert accepte', X_TOUJOURS_WHAT),
  ...whole('open', X_OPEN),
  ...whole('everyone all', X_ALL),
  ...whole('ouvert', X_OUVERT),
  ...whole('tous', X_TOUS),
  // Words DEBUNK pairs with.
  ...whole('not', 0, W_NOT),
  ...prefix('isn', 0, W_ISN),
  ...whole('pas', 0, W_PAS),
  // QUESTION, besides "?".
  ...prefix('true anyone vrai', 0, Q_WORD),
  ...prefix('est', 0, Q_EST),
  ...whole('ce', 0, Q_CE),
  ...prefix('que', 0, Q_QUE),
  // DENIAL, clause by clause.
  ...prefix('not doesn didn isn aren wasn weren hasn haven hadn', 0, D_AUX),
  ...prefix('there', 0, D_THERE),
  ...whole('no', 0, W_NO),
  ...whole('n', 0, W_N),
  ...whole('ne', 0, W_NE),
  ...prefix('pas jamais rien plus aucun', 0, D_NEG),
  ...prefix('aucun', 0, D_AUCUN),
];

// Cues by the first three letters of a run (base 27, a = 1, so that shorter runs have keys of
// their own), in a typed array: a run costs one array read. A prefix shorter than three letters
// is filed under every key it can begin. Bytes, as there are fewer than 256 lists: the table then
// stays in the processor's first-level cache.
const KEY_LETTERS = 3;
const { cueIndex, cueLists } = buildCueTable();

function buildCueTable(): { cueIndex: Uint8Array; cueLists: Cue[][] } {
  const cueIndex = new Uint8Array(27 ** KEY_LETTERS);
  const cueLists: Cue[][] = [[]];
  const file = (key: number, cue: Cue) => {
    if (!cueIndex[key]) {
      if (cueLists.length > 255) throw new Error('too many cue lists for a byte index');
      cueIndex[key] = cueLists.push([]) - 1;
    }
    cueLists[cueIndex[key]].push(cue);
  };
  const extend = (key: number, letters: number, cue: Cue) => {
    file(key, cue);
    if (letters < KEY_LETTERS) for (let c = 1; c <= 26; c++) extend(key * 27 + c, letters + 1, cue);
  };
  for (const cue of CUES) {
    const head = cue.word.slice(0, KEY_LETTERS);
    let key = 0;
    for (let i = 0; i < head.length; i++) key = key * 27 + (head.charCodeAt(i) - 96);
    if (cue.more && head.length < KEY_LETTERS) extend(key, head.length, cue);
    else file(key, cue);
  }
  return { cueIndex, cueLists };
}

interface Cues {
  /** DEBUNK's cues, and the others, found anywhere in the text. */
  x: number;
  w: number;
  /** Start and end of each clause whose cues allow a denial. */
  clauses: number[];
}

const LETTER = 1;
const CLAUSE_END = 2; // . ; : ! ? , and a line break, as countDenials splits
const charKinds = new Uint8Array(128);
for (let c = 97; c <= 122; c++) charKinds[c] = LETTER;
for (const c of '.;:!?,\n') charKinds[c.charCodeAt(0)] = CLAUSE_END;

function readCues(folded: string, cues: Cues): Cues {
  cues.x = 0;
  cues.w = 0;
  // Most texts have no such clause: emptying an empty array still costs a runtime call.
  if (cues.clauses.length) cues.clauses.length = 0;
  let clauseStart = 0;
  let clauseBits = 0;
  let firstRun = true;
  const n = folded.length;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    const kind = c < 128 ? charKinds[c] : 0;
    if (kind === LETTER) {
      const start = i;
      let key = c - 96;
      for (i++; i < n && i - start < KEY_LETTERS; i++) {
        const d = folded.charCodeAt(i);
        if (d < 97 || d > 122) break;
        key = key * 27 + (d - 96);
      }
      while (i < n) {
        const d = folded.charCodeAt(i);
        if (d < 97 || d > 122) break;
        i++;
      }
      const list = cueIndex[key];
      if (list) clauseBits |= matchCues(cueLists[list], folded, start, i - start, firstRun, cues);
      firstRun = false;
      continue;
    }
    if (kind === CLAUSE_END) {
      if (clauseBits && denialCue(clauseBits)) cues.clauses.push(clauseStart, i);
      clauseStart = i + 1;
      clauseBits = 0;
    }
    i++;
  }
  if (clauseBits && denialCue(clauseBits)) cues.clauses.push(clauseStart, n);
  return cues;
}

/** Adds to `cues` those of `list` that the run at `start` carries; returns their `w` bits. */
function matchCues(list: readonly Cue[], folded: string, start: number, length: number, firstRun: boolean, cues: Cues): number {
  let w = 0;
  for (const cue of list) {
    if (cue.more ? length < cue.word.length : length !== cue.word.length) continue;
    if (cue.word.length > KEY_LETTERS && !folded.startsWith(cue.word, start)) continue;
    if (cue.x === X_START && !firstRun) continue;
    cues.x |= cue.x;
    w |= cue.w;
  }
  cues.w |= w;
  return w;
}

/**
 * Whether SHOUTED_DENIAL may match the text's decomposed form: an upper-case NOT there is still
 * "not" once folded (folding only lower-cases it, and drops nothing between its letters).
 */
function mayShout(folded: string): boolean {
  return MAY_SHOUT.test(folded);
}

const MAY_SHOUT = /not|pas|aucun|faux|false|fake/;
