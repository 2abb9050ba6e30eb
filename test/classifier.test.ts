import { describe, expect, it } from 'vitest';
import { loadClassifier, withVariants } from '../rules/classifier.ts';
import { loadClaims } from '../rules/claims/load.ts';
import { MAX_TERMS, termIds } from '../rules/term-ids.ts';
import type { ClassifyInput } from '../rules/types.ts';

const RULES = 'test/fixtures/classify/rules';
const CLAIMS = 'test/fixtures/classify/claims.yaml';

function build(staff?: Parameters<typeof loadClassifier>[0]['staff']) {
  const loaded = loadClassifier({ rules: RULES, claims: CLAIMS, languages: ['en', 'fr'], staff });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded;
}

const post = (text: string, title = ''): ClassifyInput => ({ title, text, source: 'test' });

describe('combined verdict and flag', () => {
  const { classifier } = build();

  it('flags a post spreading a known claim, and says which claim and why', () => {
    const v = classifier.classify(post('Heads up: they put fluoride pills in the Riverside reservoir to sedate everyone in the east end.'));
    expect(v.claim?.id).toBe('T01');
    expect(v.stance).toBe('spreads');
    expect(v.flagged).toBe(true);
    expect(v.reasons.join(' ')).toMatch(/known claim T01/);
    expect(v.reasons.join(' ')).toMatch(/reservoir/);
  });

  it('does not flag a refutation of a known claim, though it is about the claim', () => {
    const v = classifier.classify(post('Fact check: nobody is putting fluoride pills in the Riverside reservoir to sedate residents. This is a hoax.'));
    expect(v.claim?.id ?? v.claimCandidates[0]?.id).toBe('T01');
    expect(v.stance).toBe('refutes');
    expect(v.flagged).toBe(false);
    expect(v.reasons).toEqual([]);
  });

  it('flags a rumour-like post on a rule marked for alerts', () => {
    const v = classifier.classify(post("J'ai entendu que l'eau du robinet à Orléans est pas bonne pis personne en parle. Partagez!!"));
    expect(v.claim).toBeNull();
    expect(v.topics.map((t) => t.ruleId)).toContain('water');
    expect(v.rumourScore).toBeGreaterThanOrEqual(0.6);
    expect(v.flagged).toBe(true);
    expect(v.reasons[0]).toMatch(/alert rule water/);
    expect(v.reasons[0]).toMatch(/hedge/);
  });

  it('does not flag the same kind of post on a digest-only rule', () => {
    const v = classifier.classify(post('Apparently the bridge to Gatineau is closing for a year and nobody announced it. Share this!!'));
    expect(v.topics.map((t) => t.ruleId)).toEqual(['roads']);
    expect(v.rumourScore).toBeGreaterThanOrEqual(0.6);
    expect(v.flagged).toBe(false);
  });

  it('does not flag plain news on an alert rule', () => {
    const v = classifier.classify(post('Crews will flush the drinking water mains in Alta Vista on Tuesday; the water stays safe to drink.', 'Water works'));
    expect(v.topics.map((t) => t.ruleId)).toContain('water');
    expect(v.rumourScore).toBeLessThan(0.6);
    expect(v.flagged).toBe(false);
  });

  it('uses a stricter threshold when given one', () => {
    const strict = loadClassifier({ rules: RULES, claims: CLAIMS, languages: ['en', 'fr'], rumourThreshold: 0.999 });
    if (!strict.ok) throw new Error('fixtures should load');
    const v = strict.classifier.classify(post('Apparently the tap water in Orleans is bad, share it'));
    expect(v.topics.map((t) => t.ruleId)).toContain('water');
    expect(v.flagged).toBe(false);
  });

  it('reports rule and claim file errors instead of a classifier', () => {
    const loaded = loadClassifier({ rules: 'test/fixtures/classify/missing', claims: CLAIMS, languages: ['en'] });
    expect(loaded.ok).toBe(false);
  });
});

describe('learning from staff', () => {
  const paraphrase = 'Cyber attack at the filtration site! Stay off the faucet for now';

  it('matches a phrasing it missed once staff confirmed a similar item as the claim', () => {
    const before = build().classifier.classify(post(paraphrase));
    expect(before.claim).toBeNull();
    const after = build({
      rumour: [],
      claimVariants: [{ claimId: 'T02', text: 'A cyber attack hit the filtration site, stay off the faucet for a few days' }],
    }).classifier.classify(post(paraphrase));
    expect(after.claim?.id).toBe('T02');
    expect(after.flagged).toBe(true);
  });

  it('adds variants only to the claim they name', () => {
    const { claims } = loadClaims(CLAIMS);
    const merged = withVariants(claims, [
      { claimId: 'T01', text: 'pills in the reservoir' },
      { claimId: 'NOPE', text: 'ignored' },
    ]);
    expect(merged.find((c) => c.id === 'T01')!.variants).toEqual(['pills in the reservoir']);
    expect(merged.find((c) => c.id === 'T02')!.variants).toEqual([]);
    expect(claims.find((c) => c.id === 'T01')!.variants).toEqual([]);
  });
});

describe('a long-running classifier', () => {
  it('judges alike after more distinct words than it numbers, when the numbering starts afresh', () => {
    const { classifier } = build();
    const items = [
      post('Heads up: they put fluoride pills in the Riverside reservoir to sedate everyone in the east end.'),
      post("J'ai entendu que l'eau du robinet à Orléans est pas bonne pis personne en parle. Partagez!!"),
    ];
    const before = items.map((item) => classifier.classify(item));
    // Words never seen before, as names, typos and links keep bringing them.
    const letters = (n: number): string => (n < 26 ? '' : letters(Math.floor(n / 26) - 1)) + String.fromCharCode(97 + (n % 26));
    termIds(Array.from({ length: MAX_TERMS + 1 }, (_, i) => ({ term: `q${letters(i)}`, pos: i })));
    expect(items.map((item) => classifier.classify(item))).toEqual(before);
  });
});
