import { describe, expect, it } from 'vitest';
import { StoryGrouper, type StoryItem } from '../rules/stories/grouper.ts';
import { encodeSignature, minhash, sameSlots, similarity, SLOTS, slotsFor } from '../rules/stories/minhash.ts';
import { openDb } from '../storage/db.ts';
import { linkItem, recentStories, saveStory, storyOf, storyStore } from '../storage/stories.ts';

const T0 = Date.UTC(2026, 0, 5, 14);
const MIN = 60_000;
const WATCH = ['ottawa police', 'ops', 'spo', "police d'ottawa"];

let nextId = 1;
const item = (text: string, lang: 'en' | 'fr', source: string, minutes: number): StoryItem => ({ id: nextId++, at: T0 + minutes * MIN, text, lang, source });

describe('story grouping', () => {
  it('groups reposts, syndicated copies and light edits in English into one story', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const first = item('Ottawa police investigating a shooting on Rideau Street, one man injured https://cbc.ca/1', 'en', 'cbc', 0);
    const a = g.add(first);
    const copies = [
      item('RT @cbcottawa: Ottawa police investigating a shooting on Rideau Street, one man injured', 'en', 'x', 2),
      item('Ottawa police are investigating a shooting on Rideau Street; one man was injured.', 'en', 'ctv', 5),
      item('Ottawa police investigating shooting on Rideau St, one man injured (via @ottawacitizen)', 'en', 'mastodon', 9),
    ].map((i) => g.add(i));
    expect(a.created).toBe(true);
    expect(copies.map((c) => c.storyId)).toEqual([a.storyId, a.storyId, a.storyId]);
    expect(copies.every((c) => c.via === 'near-duplicate')).toBe(true);
    const story = g.story(a.storyId)!;
    expect(story).toMatchObject({ size: 4, representativeId: first.id, firstSeen: first.at, lastSeen: T0 + 9 * MIN, langs: ['en'] });
    expect(story.sources).toEqual(['cbc', 'ctv', 'mastodon', 'x']);
  });

  it('groups near-duplicates in French, and a rewording of the same event by topic', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const a = g.add(item("Le SPO enquête sur une fusillade sur la rue Rideau, un homme blessé https://ici.radio-canada.ca/x", 'fr', 'rc', 0));
    const dup = g.add(item("RT @iciottawa: Le SPO enquête sur une fusillade sur la rue Rideau, un homme blessé", 'fr', 'x', 3));
    const edit = g.add(item("Le SPO enquête sur une fusillade, rue Rideau : un homme a été blessé.", 'fr', 'ledroit', 6));
    const reworded = g.add(item('Fusillade rue Rideau : un homme blessé, la police enquête', 'fr', 'onfr', 20));
    expect([dup.storyId, edit.storyId, reworded.storyId]).toEqual([a.storyId, a.storyId, a.storyId]);
    expect(dup.via).toBe('near-duplicate');
    expect(reworded.via).toBe('same-topic');
    expect(g.story(a.storyId)).toMatchObject({ size: 4, langs: ['fr'] });
  });

  it('keeps apart two stories that share words, in both languages', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const shooting = g.add(item('Ottawa police investigating a shooting on Rideau Street, one man injured', 'en', 'cbc', 0));
    const parade = g.add(item('Rideau Street closed this weekend for the winter festival parade, Ottawa police say', 'en', 'ctv', 10));
    const fusillade = g.add(item('Le SPO enquête sur une fusillade sur la rue Rideau, un homme blessé', 'fr', 'rc', 12));
    const defile = g.add(item("La rue Rideau sera fermée ce week-end pour le défilé du festival d'hiver, indique le SPO", 'fr', 'ledroit', 15));
    expect(new Set([shooting.storyId, parade.storyId, fusillade.storyId, defile.storyId]).size).toBe(4);
    // The shared words do not pull later items into the wrong story either.
    const more = g.add(item('Winter festival parade on Rideau Street starts at noon, road closures all afternoon', 'en', 'x', 30));
    expect(more.storyId).toBe(parade.storyId);
  });

  it('does not group by topic outside the time window', () => {
    const g = new StoryGrouper({ watchNames: WATCH, topicWindowMs: 6 * 3600_000 });
    const a = g.add(item('Water main break floods Bank Street, boil water advisory in Centretown', 'en', 'cbc', 0));
    const later = g.add(item('Boil water advisory lifted in Centretown after the Bank Street water main break', 'en', 'ctv', 10 * 60));
    const soon = g.add(item('Bank Street flooded by a water main break, Centretown told to boil water', 'en', 'x', 10 * 60 + 5));
    expect(later.storyId).not.toBe(a.storyId);
    expect(soon.storyId).toBe(later.storyId);
  });

  it('lets new items join stories restored after a restart, and continues the story ids', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const first = item('Huge sinkhole opens on Bank Street, a car fell in, Ottawa police closing the area', 'en', 'cbc', 0);
    const a = g.add(first);
    g.add(item('Hunt Club Road collision near Riverside South, lanes closed', 'en', 'x', 1));
    // Through the database, as after a real restart.
    const db = openDb(':memory:');
    for (const s of g.stories()) saveStory(db, s);
    linkItem(db, first.id, a.storyId);
    linkItem(db, first.id, a.storyId + 1);
    expect(storyOf(db, first.id)).toBe(a.storyId);
    const stored = recentStories(db, T0);
    expect(stored).toEqual(g.stories());

    const restarted = new StoryGrouper({ watchNames: WATCH });
    restarted.restore(stored, [first]);
    const repost = restarted.add(item('RT Huge sinkhole opens on Bank Street, a car fell in, Ottawa police closing the area', 'en', 'x', 30));
    expect(repost).toMatchObject({ storyId: a.storyId, via: 'near-duplicate' });
    expect(restarted.story(a.storyId)?.size).toBe(2);
    const fresh = restarted.add(item('Bomb threat at a high school in Kanata, students evacuated', 'en', 'ctv', 31));
    expect(fresh.created).toBe(true);
    expect(fresh.storyId).toBeGreaterThan(Math.max(...stored.map((s: { id: number }) => s.id)));
  });

  it('restores every signature a story gained over the ingest batches, a failed batch included', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const db = openDb(':memory:');
    const store = storyStore(db);
    const save = () => {
      for (const s of g.takeChanged()) store.saveStory(s);
    };
    const first = g.add(item('Ottawa police investigating a shooting on Rideau Street, one man injured https://cbc.ca/1', 'en', 'cbc', 0));
    db.transaction(save);
    g.add(item('Ottawa police are investigating a shooting on Rideau Street; one man was injured.', 'en', 'ctv', 5));
    expect(() =>
      db.transaction(() => {
        save();
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    g.add(item('Ottawa police investigating shooting on Rideau St, one man injured (via @ottawacitizen)', 'en', 'mastodon', 9));
    db.transaction(save);
    const story = g.story(first.storyId)!;
    expect(story.signature.minhashes.length).toBeGreaterThan(2);
    expect(recentStories(db, T0)).toEqual([story]);
  });

  it('keeps a new signature for a light edit, not for an exact repost, and counts equal slots only as far as needed', () => {
    const g = new StoryGrouper({ watchNames: WATCH });
    const original = 'Sinkhole opens on Bank Street near Somerset, two lanes closed during the morning rush hour';
    const edit = 'Sinkhole opens on Bank Street near Somerset, two lanes closed during the morning rush, avoid the area';
    const a = minhash(original);
    const b = minhash(edit);
    const same = Math.round(similarity(a, b) * SLOTS);
    expect(same / SLOTS).toBeGreaterThanOrEqual(0.55);
    expect(same / SLOTS).toBeLessThanOrEqual(0.9);
    expect(sameSlots(a, b, same)).toBe(same);
    expect(sameSlots(a, b, same + 1)).toBe(-1);
    expect(slotsFor(0.55)).toBe(36);
    expect(slotsFor(0.9, true)).toBe(58);

    const first = g.add(item(original, 'en', 'cbc', 0));
    expect(g.add(item(`RT ${original}`, 'en', 'x', 2))).toMatchObject({ storyId: first.storyId, via: 'near-duplicate', similarity: 1 });
    expect(g.story(first.storyId)!.signature.minhashes).toHaveLength(1);
    expect(g.add(item(edit, 'en', 'ctv', 4))).toMatchObject({ storyId: first.storyId, via: 'near-duplicate', similarity: same / SLOTS });
    expect(g.story(first.storyId)!.signature.minhashes).toHaveLength(2);
  });

  it('signs a text as it always has, so that signatures stored by earlier versions still match', () => {
    expect(encodeSignature(minhash('Sinkhole opens on Bank Street near Somerset, two lanes closed'))).toBe(
      '01clAmpxygYb5rwAKgt7ALq1ZgBO7KkIHbY0AkaPvgBZJIsCWks7Ay7MPwEQHQgATE+KApt8fga5/WECUCkgA1VQIQBI92UBIi3DAHSA9AQh9akDmuQBAE+aGwHJB1QF2q2LB1SHuQS5ux4A/9PoBvRIoASaWyIGw+EVBYteSwBYnl4BHoeJAXFWtRDGLOsDDgN3CU/fzwB4+3sCjs4fA83H8gaiIikJ1HU6AImtEwFkBGkBnjNqBJ217gM7IpwEeWpVBNKO3AKSZtEBSWkpAOT+aQkXVh4Igp+nALbSmgYC2Y8AhpQcAe2cJgvW0ugD3Ls2ABDv2wSXmc4ItBOzAA==',
    );
    expect(encodeSignature(minhash('Un affaissement de chaussée rue Bank, deux voies fermées'))).toBe(
      'blauAFDdtwV7wnwAzn41AnP80gZpGIkGSoXHBfUxrAEIVLEApj43ABf3wQYymoMH2dY4A64VJgPWVo4C3BOPAXLcMAhP5ucL63L3Eo2C3gP2V5UAUEkVBfxqGAFNZs4Dml66BZV7fwbJPiEC9AYEABzNTwUN60wChHFnAun/mARTV8oFXwvSANV93wT7Zy8BRAguAf5rSwRzRq8AyevcAK1WFwTSl1gBdytdCHCVxAXC/3oAYAQaB0cS9gdnTjsB/n8JCmQAjQEf2JYCxjIDCWuE3wZ880EEHQYACnxL4wP9XnMChpQcAZhyiwab8h8AwAKTAWRIBwBj8pYH4j/sBQ==',
    );
  });
});
