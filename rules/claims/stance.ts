/**
 * Tells a post that refutes a known claim (a debunk, an official correction, "FAUX", "this is not
 * true") from one that spreads or questions it. A refutation is about the claim but is no rumour.
 *
 * The claims themselves are often negative ("police no longer respond", "nobody will come"), so a
 * plain negation proves nothing: a post refutes when it uses the vocabulary of fact-checking and
 * correction, when it stresses a denial (NOT, PAS, AUCUN in capitals), or when it denies something
 * the claim asserts (a negation the claim does not contain), and it is not itself a question.
 */
import { fold } from '../text.ts';

export type Stance = 'refutes' | 'spreads';

// Fact-check and correction vocabulary in both languages: strong evidence on its own.
const DEBUNK = new RegExp(
  [
    String.raw`\b(?:c'?est|is|it'?s|that'?s|this is|totally|completely|entierement|completement)\s+(?:faux|false|fake|untrue|bogus|a hoax|a myth|une rumeur|un mythe|une fausse nouvelle)\b`,
    String.raw`^\s*(?:faux|false|fake|fact[- ]?check|faits?|precision|clarification|correction|mise au point|rectification|myth|mythe|debunked|scam alert|alerte? (?:a la )?fraude|alerte arnaque)\b`,
    String.raw`\b(?:not true|isn'?t true|pas vrai|n'?est pas vrai|no truth|aucun fondement|sans fondement|unfounded|baseless|debunk\w*|dementi\w*|dement\w*|hoax|canular|fausse nouvelle|fausses nouvelles|fake news|misinformation|disinformation|desinformation|mesinformation|rumou?rs? (?:is|are) false|fact[- ]?check\w*)\b`,
    String.raw`\b(?:stop sharing|don'?t share|do not share|arretez de (?:partager|relayer)|ne partagez pas|cessez de partager|don'?t click|do not click|ne cliquez pas|report and delete)\b`,
    String.raw`\b(?:nothing (?:has )?changed|rien n'?a change|has not changed|no (?:such|new) (?:rule|bylaw|policy|advisory|alert)|aucun(?:e)? (?:changement|avis|alerte|cas|nouveau reglement))\b`,
    String.raw`\b(?:still (?:allowed|permitted|open|running|available|accepted)|toujours (?:permis|autorise|ouvert|offert|accepte)s?|(?:is|are) open to (?:everyone|all)|ouvert a tous)\b`,
  ].join('|'),
  'i',
);

// A denial stressed in capitals: "Police have NOT confirmed", "ce n'est PAS vrai".
const SHOUTED_DENIAL = /\b(?:NOT|NO|NEVER|PAS|AUCUN|AUCUNE|JAMAIS|FAUX|FALSE|FAKE)\b/;

const NEGATION = /\b(?:not|no|never|none|nobody|nothing|no longer|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|won'?t|hasn'?t|haven'?t|can'?t|cannot|ne|n'|pas|pu|aucun|aucune|jamais|rien|personne)\b/;

const QUESTION = /\?|\b(?:is it true|is this true|anyone know|est-ce que|c'?est(?:-tu)? vrai|vraiment\s*\?|really\s*\?)/i;

/**
 * `claimTexts`: the matched claim's own wording (any language), used to tell a denial of the claim
 * from a claim that is itself worded negatively.
 */
export function detectStance(text: string, claimTexts: readonly string[]): Stance {
  const folded = fold(text);
  if (DEBUNK.test(folded)) return 'refutes';
  const question = QUESTION.test(folded);
  if (question) return 'spreads';
  if (SHOUTED_DENIAL.test(text.normalize('NFKD').replace(/\p{M}/gu, ''))) return 'refutes';
  const negations = countNegations(folded);
  const claimNegations = Math.max(0, ...claimTexts.map((t) => countNegations(fold(t))));
  return negations > claimNegations ? 'refutes' : 'spreads';
}

/** Negated clauses: "ne ... pas", colloquial "c'est pas", and English forms count once per clause. */
function countNegations(folded: string): number {
  return folded.split(/[.;:!?,\n]+/).filter((clause) => NEGATION.test(clause)).length;
}
