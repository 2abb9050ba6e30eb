import { readFileSync } from 'node:fs';
import { loadClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
import { detectLanguage } from '../rules/language.ts';
const { claims } = loadClaims('/work/shared/corpus/claims.yaml');
const m = createClaimMatcher(claims, { claimThreshold: 0.0001, candidateThreshold: 0.0001 });
const posts = readFileSync('/work/shared/corpus/posts.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l));
const rows: string[] = [];
for (const p of posts) { const l = detectLanguage(p.text, undefined, {languages:['en','fr']}); const r = m.match(p.text, l==='en'||l==='fr'?l:'und'); const top = r.claim; if (!top) continue; const ok = top.id === p.claim ? 'TP' : p.claim ? 'WRONG' : 'FP'; rows.push(`${top.score.toFixed(3)} ${ok} ${p.id} ${top.id} [${top.terms.join(', ')}] ${p.text.slice(0,70)}`); }
rows.sort().reverse(); console.log(rows.filter(r=>+r.slice(0,5)>0.2).join('\n'));
