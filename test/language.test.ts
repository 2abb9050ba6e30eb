import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../rules/language.ts';

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
