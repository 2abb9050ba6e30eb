import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadClaims, parseClaims } from '../rules/claims/load.ts';
import { createClaimMatcher } from '../rules/claims/matcher.ts';
import { SHOUTED_DENIAL } from '../rules/claims/stance.ts';
import { formatRuleError } from '../rules/errors.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/claims/${name}`, import.meta.url));
const { claims, errors: loadErrors } = loadClaims(fixture('claims.yaml'));
const matcher = createClaimMatcher(claims);

describe('loadClaims', () => {
  it('reads a valid file: texts, optional French, variants and response', () => {
    expect(loadErrors).toEqual([]);
    expect(claims.map((c) => c.id)).toEqual(['T01', 'T02', 'T03', 'T04', 'T05', 'T06', 'T07']);
    const t01 = claims.find((c) => c.id === 'T01')!;
    expect(t01.text.fr).toBeUndefined();
    expect(t01.variants).toEqual([]);
    expect(claims.find((c) => c.id === 'T04')!.variants).toHaveLength(1);
    expect(claims.find((c) => c.id === 'T03')!.response?.url).toBe('https://example.org/cycling');
  });

  it('reports each invalid claim at file:line:col and keeps the valid ones', () => {
    const file = fixture('invalid.yaml');
    const { claims: ok, errors } = loadClaims(file);
    expect(ok.map((c) => c.id)).toEqual(['B04']);
    const where = errors.map((e) => `${e.line}:${e.col}`);
    expect(where).toEqual(['3:13', '8:11', '10:13', '17:9', '26:12', '27:5']);
    expect(errors.every((e) => e.file === file)).toBe(true);
    expect(errors[0].message).toMatch(/status must be the quoted string "false"/);
    expect(errors[1].message).toMatch(/at least one of en or fr/);
    expect(errors[3].message).toMatch(/duplicate claim id "B04" \(first at line 13\)/);
    expect(errors[5].message).toMatch(/colour/);
    expect(formatRuleError(errors[0])).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:13: `));
  });

  it('reports a YAML syntax error with its position', () => {
    const { claims: none, errors } = loadClaims(fixture('broken.yaml'));
    expect(none).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBeGreaterThan(0);
  });

  it('reports a missing claims list and an unreadable file', () => {
    expect(parseClaims('rules: []\n', 'x.yaml').errors[0]).toMatchObject({ file: 'x.yaml', line: 1, message: expect.stringMatching(/claims/) });
    expect(loadClaims(fixture('absent.yaml')).errors[0]).toMatchObject({ line: 0, message: expect.stringMatching(/cannot read/) });
  });
});

describe('claim matching', () => {
  it('matches an English paraphrase and says which words carried it', () => {
    const m = matcher.match('Cops are looking for a kid snatched in front of an elementary school in Vanier', 'en');
    expect(m.claim?.id).toBe('T01');
    expect(m.claim?.terms).toEqual(expect.arrayContaining(['snatched', 'cops', 'vanier']));
    expect(m.claim!.score).toBeGreaterThanOrEqual(0.38);
  });

  it('matches a French post to a claim that only has English text', () => {
    const m = matcher.match('La police cherche un enfant enlevé devant une école à Vanier', 'fr');
    expect(m.claim?.id).toBe('T01');
    expect(m.claim?.terms).toEqual(expect.arrayContaining(['enleve', 'enfant']));
  });

  it('understands slang through the lexicon', () => {
    expect(matcher.match("les flics cherchent un p'tit kidnappé proche d'une école à Vanier", 'fr').claim?.id).toBe('T01');
    const bikes = matcher.match('cops gonna ticket anyone biking on the sidewalk, three hundred bucks', 'en');
    expect(bikes.claim?.id).toBe('T03');
    expect(bikes.claim?.terms).toContain('300');
  });

  it('gives no confident match to a post on the same topic about something else', () => {
    const m = matcher.match('Police held a bike safety day for the kids at a Vanier school this morning', 'en');
    expect(m.claim).toBeNull();
  });

  it('lowers a post that states a different amount', () => {
    const same = matcher.match('Police will now fine cyclists $300 for riding on the sidewalk', 'en');
    const other = matcher.match('Police will now fine cyclists $50 for riding on the sidewalk', 'en');
    expect(same.claim?.id).toBe('T03');
    expect(other.claim).toBeNull();
    expect(other.candidates.map((c) => c.id)).toContain('T03');
  });

  it('agrees "10 p.m." with "22 h" and tells another hour apart', () => {
    const timed = createClaimMatcher(
      parseClaims('claims:\n  - id: N1\n    status: "false"\n    text:\n      en: "The pool closes at 10 p.m. every night this summer."\n', 't.yaml').claims,
    );
    expect(timed.match('La piscine ferme à 22 h tous les soirs cet été', 'fr').claim?.id).toBe('N1');
    expect(timed.match('La piscine ferme à 18 h tous les soirs cet été', 'fr').claim).toBeNull();
  });

  it('learns phrasings from staff variants', () => {
    const post = 'heard they are shutting off the grid citywide for 48 hours';
    expect(matcher.match(post, 'en').claim?.id).toBe('T04');
    const withoutVariants = createClaimMatcher(claims.map((c) => ({ ...c, variants: [] })));
    expect(withoutVariants.match(post, 'en').claim?.id).not.toBe('T04');
  });

  it('lists a plausible but unsure match as a candidate only', () => {
    const m = matcher.match('Boil-water advisory lifted in Barrhaven', 'en');
    expect(m.claim).toBeNull();
    expect(m.candidates.map((c) => c.id)).toEqual(['T05']);
  });

  it('uses the title with the text', () => {
    expect(matcher.match('Seriously?', 'en', 'Libraries closed on Sundays from January').claim?.id).toBe('T02');
    expect(matcher.match('Seriously?', 'en').claim).toBeNull();
  });

  it('finds nothing in unrelated chatter', () => {
    expect(matcher.match('Best poutine in town is on Rideau street, fight me', 'en')).toEqual({ claim: null, candidates: [], stance: null });
  });
});

describe('stance', () => {
  const stance = (text: string, lang: 'en' | 'fr') => {
    const m = matcher.match(text, lang);
    expect(m.claim?.id ?? m.candidates[0]?.id).toBeDefined();
    return m.stance;
  };

  it('recognises refutations: FAUX, "this is not true", an official denial', () => {
    expect(stance("FAUX: la police d'Ottawa ne donnera pas d'amendes de 300 $ aux cyclistes sur les trottoirs.", 'fr')).toBe('refutes');
    expect(stance('This is not true: Hydro Ottawa will not cut electricity to the city next week.', 'en')).toBe('refutes');
    expect(stance('Ottawa police did not announce any $300 fines for cyclists on sidewalks.', 'en')).toBe('refutes');
    expect(stance('The city is NOT closing libraries on Sundays in January.', 'en')).toBe('refutes');
  });

  it('reads a denial shouted in capitals in accented text, full-width capitals included', () => {
    expect(stance('La Ville ferme PAS les bibliothèques le dimanche en janvier.', 'fr')).toBe('refutes');
    expect(stance('La Ville ferme ＰＡＳ les bibliothèques le dimanche en janvier.', 'fr')).toBe('refutes');
    expect(stance('La Ville ferme les bibliothèques le dimanche en janvier. PARTAGEZ.', 'fr')).toBe('spreads');
    expect(stance('La Ville ferme les bibliothèques le dimanche en janvier, pas de discussion possible.', 'fr')).toBe('spreads');
  });

  it('has no character that decomposes alone into a shouted denial word', () => {
    // The stance skips decomposing an accented text without two capitals or non-ASCII characters
    // in a row: it would miss a denial written as one such character.
    const word = new RegExp(SHOUTED_DENIAL.source.replace(/\\b/g, ''));
    const whole: string[] = [];
    for (let c = 0x80; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const plain = String.fromCharCode(c).normalize('NFKD').replace(/\p{M}/gu, '');
      if (word.test(plain)) whole.push(plain);
    }
    expect(whole).toEqual([]);
  });

  it('treats spreading and questioning as spreading', () => {
    expect(stance('Ottawa police will fine cyclists $300 for riding on the sidewalk from now on!!', 'en')).toBe('spreads');
    expect(stance('Is it true police will fine cyclists $300 for riding on the sidewalk??', 'en')).toBe('spreads');
    expect(stance("C'est vrai que les bibliothèques ferment le dimanche à partir de janvier?", 'fr')).toBe('spreads');
  });

  it('does not take a negatively worded rumour for a denial', () => {
    const c = parseClaims(
      'claims:\n  - id: N2\n    status: "false"\n    text:\n      en: "Paramedics no longer answer calls in Orléans at night."\n',
      't.yaml',
    ).claims;
    const m = createClaimMatcher(c).match('paramedics dont answer calls in Orleans at night anymore, nobody comes', 'en');
    expect(m.claim?.id).toBe('N2');
    expect(m.stance).toBe('spreads');
  });
});
