import { readFileSync } from 'node:fs';
import { loadClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
const posts = readFileSync('/work/shared/corpus/posts.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).text as string);
const { claims } = loadClaims('/work/shared/corpus/claims.yaml');
const many = Array.from({ length: 9 }, (_, k) => claims.map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat().slice(0, 100);
const m = createClaimMatcher(many);
const t0=process.cpuUsage(); for (let r=0;r<100;r++) for (const p of posts) m.match(p,'und'); const u=process.cpuUsage(t0); console.log(Math.round(100*posts.length/((u.user+u.system)/1e6)));
