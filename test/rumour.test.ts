import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCues, type CueKind } from '../rules/rumour/cues.ts';
import { crossValidate, loadSeed, trainRumourModel } from '../rules/rumour/model.ts';

const kinds = (title: string, text: string): CueKind[] => detectCues(title, text).map((c) => c.kind).sort();

describe('rumour cues', () => {
  it('finds English and French hedges, with or without accents', () => {
    expect(kinds('', 'Apparently the library is closing for good')).toContain('hedge');
    expect(kinds('', "J'ai entendu que la piscine ferme cet été")).toContain('hedge');
    expect(kinds('', 'Paraît que la piscine ferme')).toContain('hedge');
    expect(kinds('', 'parait que la piscine ferme')).toContain('hedge');
    expect(kinds('', 'Y PARAÎT que la piscine ferme')).toContain('hedge');
  });

  it('finds pleas to share, but reads "do not share" as a correction', () => {
    expect(kinds('', 'Share before they delete it')).toContain('share');
    expect(kinds('', 'Partagez à tout le monde')).toContain('share');
    expect(kinds('', 'Faites tourner svp')).toContain('share');
    const correction = kinds('', 'Ne partagez pas cette publication, elle est fausse');
    expect(correction).not.toContain('share');
    expect(correction).toContain('refutation');
  });

  it('finds unverifiable sourcing in both languages', () => {
    expect(kinds('', 'My cousin who works at the ministry told me about the layoffs')).toContain('sourcing');
    expect(kinds('', "Mon chum qui travaille au garage m'a conté ça")).toContain('sourcing');
    expect(kinds('', 'Les médias en parlent pas, évidemment')).toContain('sourcing');
  });

  it('counts questions asking others to confirm', () => {
    expect(kinds('', 'Can anyone confirm the arena is shut?')).toContain('question');
    expect(kinds('', "C'tu vrai que l'aréna est fermé?")).toContain('question');
  });

  it('flags shouting and exclamation runs but not an acronym or a single exclamation mark', () => {
    expect(kinds('', 'THEY ARE CLOSING the arena tonight')).toContain('caps');
    expect(kinds('', 'The RCMP and the OCDSB met on Tuesday')).not.toContain('caps');
    expect(kinds('', 'Closing tonight!!')).toContain('exclamation');
    expect(kinds('', 'What a game!')).not.toContain('exclamation');
  });

  it('sees a headline shouting even when the body is calm', () => {
    expect(kinds('ALERTE GÉNÉRALE', 'La réunion est reportée.')).toContain('caps');
  });

  it('finds nothing in a plain report', () => {
    expect(detectCues('', 'The arena on Bank Street reopens on Monday after repairs to its roof, the city said.')).toEqual([]);
  });

  it('weighs corrections and official wording against a rumour', () => {
    const cues = detectCues('', 'In a statement, the board said the report is false.');
    expect(cues.map((c) => c.kind).sort()).toEqual(['official', 'refutation']);
    expect(cues.every((c) => c.weight < 0)).toBe(true);
  });
});

describe('rumour model', () => {
  const seed = loadSeed();
  const model = trainRumourModel(seed);

  it('ships a balanced bilingual seed set', () => {
    expect(seed.length).toBeGreaterThanOrEqual(80);
    for (const lang of ['en', 'fr']) {
      const own = seed.filter((e) => e.lang === lang);
      expect(own.filter((e) => e.rumour).length).toBeGreaterThan(20);
      expect(own.filter((e) => !e.rumour).length).toBeGreaterThan(20);
    }
  });

  it('scores a fresh obvious rumour above a plain news sentence, in English and French', () => {
    const rumourEn = model.score('', 'Heard the arena roof in Nepean is about to cave in and the city knows. Spread the word before it gets deleted!!', 'en');
    const newsEn = model.score('', 'The Nepean arena will host a figure skating competition on Saturday, organisers announced.', 'en');
    expect(rumourEn.score).toBeGreaterThan(0.6);
    expect(newsEn.score).toBeLessThan(0.5);
    const rumourFr = model.score('', "Paraît que le toit de l'aréna va s'effondrer pis la ville le sait. Faites circuler!!", 'fr');
    const newsFr = model.score('', "L'aréna accueillera une compétition de patinage artistique samedi, ont annoncé les organisateurs.", 'fr');
    expect(rumourFr.score).toBeGreaterThan(0.6);
    expect(newsFr.score).toBeLessThan(0.5);
  });

  it('scores a correction low even though it repeats the rumour', () => {
    const v = model.score('', 'The post saying the arena roof will cave in is false. Engineers inspected it last month. Please stop sharing it.', 'en');
    expect(v.score).toBeLessThan(0.3);
  });

  it('learns from new labels: a word staff keep marking as rumour raises the score', () => {
    const text = 'Quantonix towers are going up near the school';
    const before = trainRumourModel(seed).score('', text, 'en').score;
    const labelled = ['Quantonix towers make kids sick', 'the quantonix signal is dangerous', 'Quantonix is spying on us'];
    const after = trainRumourModel([...seed, ...labelled.map((t) => ({ text: t, lang: 'en', rumour: true }))]).score('', text, 'en').score;
    expect(after).toBeGreaterThan(before + 0.1);
  });

  it('falls back to the cues alone when there is nothing to learn from', () => {
    const empty = trainRumourModel([]);
    expect(empty.score('', 'Apparently the bridge is closing, share this!!', 'en').score).toBeGreaterThan(
      empty.score('', 'The bridge is closing for repairs.', 'en').score,
    );
  });

  it('cross-validates well above chance on its own seed', () => {
    const { accuracy, n } = crossValidate(seed, 0.6);
    expect(n).toBe(seed.length);
    expect(accuracy).toBeGreaterThan(0.8);
  });

  it('names the seed file and field when the seed is malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-seed-'));
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, 'examples:\n  - { lang: de, rumour: true, text: "x" }\n');
    expect(() => loadSeed(file)).toThrow(/seed\.yaml: examples\.0\.lang/);
  });
});
