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
const SHOUTED_DENIAL = /\b(?:NOT|PAS|AUCUN|AUCUNE|FAUX|FALSE|FAKE)\b/;
const UPPER = /\p{Lu}/gu;
// Text that has nothing to decompose.
const ASCII = /^[\x00-\x7f]*$/;
const LOWER = /\p{Ll}/gu;

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
  if (DEBUNK.test(folded)) return 'refutes';
  if (QUESTION.test(folded)) return 'spreads';
  const plain = ASCII.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
  if (SHOUTED_DENIAL.test(plain) && !shouting(plain)) return 'refutes';
  return countDenials(folded) > claimDenials(claimTexts) ? 'refutes' : 'spreads';
}

function shouting(plain: string): boolean {
  return (plain.match(UPPER)?.length ?? 0) > (plain.match(LOWER)?.length ?? 0);
}

// A matcher passes the same wording for a claim every time: its denials are counted once.
const denialsOf = new WeakMap<readonly string[], number>();

/** Denials in the claim's own wording: a post's denial counts only beyond these ("need not apply"). */
function claimDenials(claimTexts: readonly string[]): number {
  let n = denialsOf.get(claimTexts);
  if (n === undefined) denialsOf.set(claimTexts, (n = Math.max(0, ...claimTexts.map((t) => countDenials(fold(t))))));
  return n;
}

/** Clauses that contain a denial. */
function countDenials(folded: string): number {
  return folded.split(/[.;:!?,\n]+/).filter((clause) => DENIAL.test(clause)).length;
}
