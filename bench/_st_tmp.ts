import { fold } from '../rules/text.ts';
const NEGATION = /\b(?:not|no|never|none|nobody|nothing|no longer|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|won'?t|hasn'?t|haven'?t|can'?t|cannot|ne|n'|pas|pu|aucun|aucune|jamais|rien|personne)\b/;
for (const t of process.argv.slice(2)) console.log(fold(t).split(/[.;:!?,\n]+/).map(c=>[c, NEGATION.test(c), c.match(NEGATION)?.[0]]));
