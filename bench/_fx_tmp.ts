import { loadClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
import { formatRuleErrors } from '../rules/errors.ts';
const { claims, errors } = loadClaims('test/fixtures/claims/claims.yaml');
console.log(errors);
for (const f of ['invalid','broken']) { const r = loadClaims(`test/fixtures/claims/${f}.yaml`); console.log(r.claims.map(c=>c.id)); console.log(formatRuleErrors(r.errors)); }
const m = createClaimMatcher(claims);
const noVar = createClaimMatcher(claims.map(c=>({...c, variants: []})));
for (const [t,l] of process.argv.slice(2).map(x=>x.split('|'))) console.log(JSON.stringify(m.match(t, l as any)), '| novar', JSON.stringify(noVar.match(t, l as any).claim), '::', t);
