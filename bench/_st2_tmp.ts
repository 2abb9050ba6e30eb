import { readFileSync } from 'node:fs';
import { fold } from '../rules/text.ts';
import { loadClaims } from '../rules/claims/load.ts';
const NEGATION = /\b(?:not|no|never|none|nobody|nothing|no longer|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|won'?t|hasn'?t|haven'?t|can'?t|cannot|ne|n'|pas|pu|aucun|aucune|jamais|rien|personne|without|sans)\b/;
const count=(t:string)=>fold(t).split(/[.;:!?,\n]+/).filter(c=>NEGATION.test(c)).length;
const { claims } = loadClaims('/work/shared/corpus/claims.yaml');
const posts = readFileSync('/work/shared/corpus/posts.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l));
for (const p of posts) { if (!p.claim) continue; const c = claims.find(c=>c.id===p.claim)!; console.log(p.stance.padEnd(9), count(p.text), Math.max(count(c.text.en!), count(c.text.fr!)), p.text.slice(0,100)); }
