/**
 * Measures claim matching and language identification on a labelled corpus
 * (posts.jsonl + claims.yaml, as in /work/shared/corpus).
 *
 *   npx tsx bench/corpus-eval.ts [--corpus ../shared/corpus] [--verbose]
 *
 * Claims: a post's prediction is its confident match; it is right when the id equals the label.
 * Precision counts every confident match (hard negatives included), recall every labelled post.
 * Language: accuracy on posts labelled en/fr, and the share of other-language posts kept apart
 * (not answered en or fr).
 */
import { readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
import { detectLanguage } from '../rules/language.ts';
import { formatRuleErrors } from '../rules/errors.ts';
import { loadClassifier } from '../rules/classifier.ts';

interface Post {
  id: string;
  text: string;
  lang: 'en' | 'fr' | 'other';
  claim: string | null;
  stance: 'spreads' | 'questions' | 'refutes' | null;
}

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const opts = new Command()
  .option('--corpus <dir>', 'corpus folder', join(repo, '../shared/corpus'))
  .option('--verbose', 'list every miss')
  .parse()
  .opts<{ corpus: string; verbose?: boolean }>();

const claimsFile = join(opts.corpus, 'claims.yaml');
const { claims, errors } = loadClaims(claimsFile);
if (errors.length) {
  console.error(formatRuleErrors(errors));
  process.exit(1);
}
const posts: Post[] = readFileSync(join(opts.corpus, 'posts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Post);

const matcher = createClaimMatcher(claims);
const languages = ['en', 'fr'];
let predicted = 0;
let correct = 0;
let labelled = 0;
let candidateHits = 0;
let stanceRight = 0;
let stanceTotal = 0;
let langRight = 0;
let langTotal = 0;
let keptApart = 0;
let others = 0;
const misses: string[] = [];

for (const p of posts) {
  const lang = detectLanguage(p.text, undefined, { languages });
  if (p.lang === 'other') {
    others++;
    if (lang !== 'en' && lang !== 'fr') keptApart++;
    else misses.push(`lang  ${p.id} other→${lang}: ${p.text.slice(0, 90)}`);
  } else {
    langTotal++;
    if (lang === p.lang) langRight++;
    else misses.push(`lang  ${p.id} ${p.lang}→${lang}: ${p.text.slice(0, 90)}`);
  }

  const m = matcher.match(p.text, lang === 'en' || lang === 'fr' ? lang : 'und');
  if (p.claim) labelled++;
  if (m.claim) {
    predicted++;
    if (m.claim.id === p.claim) correct++;
  }
  if (p.claim && (m.claim?.id === p.claim || m.candidates.some((c) => c.id === p.claim))) candidateHits++;
  if (m.claim?.id !== p.claim) {
    const got = m.claim ? `${m.claim.id} ${m.claim.score} [${m.claim.terms.join(', ')}]` : 'none';
    const cands = m.candidates.map((c) => `${c.id}:${c.score}`).join(' ');
    misses.push(`claim ${p.id} ${p.claim ?? 'null'}→${got} (${cands}): ${p.text.slice(0, 90)}`);
  }
  if (p.claim && m.claim?.id === p.claim) {
    stanceTotal++;
    const want = p.stance === 'refutes' ? 'refutes' : 'spreads';
    if (m.stance === want) stanceRight++;
    else misses.push(`stance ${p.id} ${p.stance}→${m.stance}: ${p.text.slice(0, 90)}`);
  }
}

// Throughput of the matcher alone, 100 claims as in production-sized lists.
const many = Array.from({ length: Math.ceil(100 / claims.length) }, (_, k) => claims.map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat().slice(0, 100);
const big = createClaimMatcher(many);
const rounds = Math.max(1, Math.ceil(20_000 / posts.length));
// CPU time rather than wall time, so a busy machine does not distort the figure.
for (const p of posts) big.match(p.text, 'und');
const t0 = process.cpuUsage();
for (let r = 0; r < rounds; r++) for (const p of posts) big.match(p.text, 'und');
const used = process.cpuUsage(t0);
const perSec = (rounds * posts.length) / ((used.user + used.system) / 1e6);

const pct = (a: number, b: number) => (b ? (a / b).toFixed(3) : 'n/a');
if (opts.verbose) console.log(misses.join('\n') + '\n');
console.log(`posts ${posts.length}, claims ${claims.length}`);
console.log(`claim precision      ${pct(correct, predicted)}  (${correct}/${predicted})`);
console.log(`claim recall         ${pct(correct, labelled)}  (${correct}/${labelled})`);
console.log(`candidate recall     ${pct(candidateHits, labelled)}  (${candidateHits}/${labelled})`);
console.log(`stance accuracy      ${pct(stanceRight, stanceTotal)}  (${stanceRight}/${stanceTotal}, refutes vs spreads/questions)`);
console.log(`language accuracy    ${pct(langRight, langTotal)}  (${langRight}/${langTotal} en/fr posts)`);
console.log(`other kept apart     ${pct(keptApart, others)}  (${keptApart}/${others})`);
console.log(`matching speed       ${Math.round(perSec)} items per CPU second with ${many.length} claims`);

// Flag against the corpus `rumour` labels, with the example rules folder supplying the alert rules
// and the seed set alone training the rumour model (no staff labels).
const flagging = loadClassifier({ rules: join(repo, 'examples/rules'), claims: claimsFile, languages });
if (!flagging.ok) {
  console.error(formatRuleErrors(flagging.errors));
  process.exit(1);
}
const flagCount = { tp: 0, fp: 0, fn: 0, scoreTp: 0, scoreFp: 0 };
const flagMisses: string[] = [];
const rumours = posts.filter((p) => (p as Post & { rumour?: boolean }).rumour).length;
for (const p of posts) {
  const v = flagging.classifier.classify({ title: '', text: p.text, source: 'corpus' });
  const rumour = (p as Post & { rumour?: boolean }).rumour === true;
  if (v.flagged && rumour) flagCount.tp++;
  else if (v.flagged) flagCount.fp++;
  else if (rumour) flagCount.fn++;
  if (v.rumourScore >= flagging.rumourThreshold) rumour ? flagCount.scoreTp++ : flagCount.scoreFp++;
  if (v.flagged !== rumour) flagMisses.push(`flag  ${p.id} rumour=${rumour} flagged=${v.flagged} score=${v.rumourScore} claim=${v.claim?.id ?? '-'} ${v.stance ?? ''}: ${p.text.slice(0, 90)}`);
}
if (opts.verbose) console.log('\n' + flagMisses.join('\n'));
const flagP = pct(flagCount.tp, flagCount.tp + flagCount.fp);
console.log(`flagged precision    ${flagP}  (${flagCount.tp}/${flagCount.tp + flagCount.fp}, against the rumour labels)`);
console.log(`flagged recall       ${pct(flagCount.tp, rumours)}  (${flagCount.tp}/${rumours})`);
console.log(
  `rumour score alone   precision ${pct(flagCount.scoreTp, flagCount.scoreTp + flagCount.scoreFp)}, recall ${pct(flagCount.scoreTp, rumours)} ` +
    `(score ≥ ${flagging.rumourThreshold}, ignoring claims and rules)`,
);
