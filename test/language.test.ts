import { describe, expect, it } from 'vitest';
import { francAll } from 'franc';
import { detectLanguage, LatinModels } from '../rules/language.ts';

const opts = { languages: ['en', 'fr'] };
const detect = (text: string, hint?: string) => detectLanguage(text, hint, opts);

describe('detectLanguage', () => {
  it('tells English from French in ordinary sentences', () => {
    expect(detect('The city says the bridge will reopen to traffic on Monday after repairs.')).toBe('en');
    expect(detect('La Ville affirme que le pont rouvrira à la circulation lundi après les travaux.')).toBe('fr');
  });

  it('handles colloquial French without accents', () => {
    expect(detect("Chu pu capable, y'a pas de bus a matin")).toBe('fr');
    expect(detect('ca va etre malade ce soir au parc')).toBe('fr');
  });

  it('decides short posts from their words', () => {
    expect(detect('thanks!')).toBe('en');
    expect(detect('merci!')).toBe('fr');
    expect(detect('lol same')).toBe('en');
    expect(detect('SHOOTING IN VANIER!!!')).toBe('en');
  });

  it('gives a mixed post the language that carries its grammar', () => {
    expect(detect('Just got my permis de conduire, so happy')).toBe('en');
    expect(detect("J'ai checké le game hier soir, c'était full nice")).toBe('fr');
  });

  it('keeps other languages apart instead of forcing them into en or fr', () => {
    const others = [
      'Mañana habrá mucha nieve en Ottawa, tengan cuidado con las calles.',
      'Domani ci sarà molta neve a Ottawa, state attenti.',
      'Morgen wird es in Ottawa viel schneien.',
      'Obrigado pela ajuda, pessoal',
      'غدا سيكون هناك الكثير من الثلج في أوتاوا',
      '明天渥太华会下大雪',
    ];
    for (const text of others) expect(['en', 'fr']).not.toContain(detect(text));
    expect(detect('Mañana habrá mucha nieve en Ottawa, tengan cuidado con las calles.')).toBe('es');
  });

  it('ignores links, handles and hashtags', () => {
    expect(detect('RT @bonsplans_ott: la Ville ferme le pont ce soir example.com/pont #ottawa')).toBe('fr');
  });

  it('falls back on the hint only when the text cannot tell', () => {
    expect(detect('👍')).toBe('und');
    expect(detect('👍', 'fr-CA')).toBe('fr');
    expect(detect('👍', 'es')).toBe('und');
    expect(detect('The bridge reopens on Monday after repairs.', 'fr')).toBe('en');
  });
});

describe('trigram ranking', () => {
  // The languages detectLanguage asks franc to rank for an en/fr deployment.
  const only = ['eng', 'fra', 'spa', 'ita', 'por', 'deu', 'nld', 'pol', 'ron', 'tgl', 'som', 'vie', 'tur', 'hat', 'swh', 'ind', 'cat'];
  const models = new LatinModels(only);
  const sentences = [
    'The city says the bridge will reopen to traffic on Monday after repairs.',
    'La Ville affirme que le pont rouvrira à la circulation lundi après les travaux.',
    'Stasera partita dei Senators al pub con gli amici, forza Sens!',
    'Hoy hay mucho tráfico en el centro, eviten la calle Rideau por favor.',
    'Die Polizei sucht Zeugen nach einem Unfall auf der Autobahn 417.',
    'ROAD CLOSED!!! 417 @ Bronson — 3 lanes, 2 trucks; avoid (seriously) until 18:00',
    "c'est l'fun, y'a du monde au marché By à soir lol",
    'aaaa bbbb aaaa bbbb aaaa bbbb aaaa bbbb',
  ];
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const alphabet = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz      éèàçñüß'.,!?-0123456789ABCXYZ";
  const noise = Array.from({ length: 300 }, () => Array.from({ length: 5 + Math.floor(rand() * 150) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));

  it('ranks Latin-script text exactly as franc does', () => {
    let compared = 0;
    for (const text of [...sentences, ...noise]) {
      const mine = models.topTwo(text);
      if (!mine) continue;
      compared++;
      const francs = francAll(text, { only, minLength: 1 }).slice(0, 2);
      expect(mine.map(([lang]) => lang), text).toEqual(francs.map(([lang]) => lang));
      mine.forEach(([, score], i) => expect(score, text).toBeCloseTo(francs[i][1], 12));
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('leaves text that is not mostly ASCII letters to franc', () => {
    expect(models.topTwo('Пожар на улице Rideau, дорога закрыта')).toBeUndefined();
    expect(models.topTwo('12:30 — 14:45 !!! ### 417')).toBeUndefined();
  });
});
