import { readFileSync } from 'node:fs';
import { analyze } from '../rules/claims/analyze.ts';
import { loadLexicon } from '../rules/claims/lexicon.ts';
const posts = readFileSync('/work/shared/corpus/posts.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).text as string);
const lex = loadLexicon();
const t0=process.cpuUsage(); for (let r=0;r<300;r++) for (const p of posts) analyze(p,"und",lex); const u=process.cpuUsage(t0); console.log(Math.round(300*posts.length/((u.user+u.system)/1e6)));
