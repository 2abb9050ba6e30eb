import { readFileSync } from 'node:fs';
import { loadClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
import { detectLanguage } from '../rules/language.ts';
const { claims } = loadClaims('/work/shared/corpus/claims.yaml');
const posts = readFileSync('/work/shared/corpus/posts.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l));
const langs = posts.map(p => { const l = detectLanguage(p.text, undefined, {languages:['en','fr']}); return l==='en'||l==='fr'?l:'und'; });
for (const u of [0.1,0.2,0.3]) for (const k of [0.5,0.7,1.0]) for (const t of [0.3,0.34,0.38]) {
  const m = createClaimMatcher(claims, { unseenWeight: u, unseenKnownWeight: k, claimThreshold: t, candidateThreshold: 0.2 });
  let pred=0, ok=0, lab=0, cand=0;
  posts.forEach((p,i) => { const r = m.match(p.text, langs[i] as any); if (p.claim) lab++; if (r.claim) { pred++; if (r.claim.id===p.claim) ok++; } if (p.claim && (r.claim?.id===p.claim || r.candidates.some(c=>c.id===p.claim))) cand++; });
  console.log(`u=${u} k=${k} t=${t} P=${(ok/pred).toFixed(3)} R=${(ok/lab).toFixed(3)} candR=${(cand/lab).toFixed(3)}`);
}
