import { analyze } from '../rules/claims/analyze.ts';
import { loadLexicon } from '../rules/claims/lexicon.ts';
const lex = loadLexicon();
const [t, l] = process.argv.slice(2);
const a = analyze(t, l as any, lex); console.log([...a.concepts].map(([c,s])=>`${s}→${c}`).join('  '), a.numbers, a.places);
